/**
 * `npm run bench`: startup time of the real server, server-side request times with the
 * demo data, receiving throughput and outbound throughput (an order burst, scan-to-pick) over
 * HTTP on PostgreSQL, printed as Markdown. Progress goes to stderr, the tables to stdout.
 *
 *   npm run bench                 everything
 *   npm run bench -- --skip-startup / --skip-requests / --skip-receiving / --skip-outbound / --skip-cold
 *                                 receiving and outbound need PostgreSQL (BENCH_DATABASE_URL, default
 *                                 postgres://postgres@127.0.0.1:5432/postgres); skipped without it
 *   npm run bench -- --explain    also EXPLAIN ANALYZE the slowest statement of each request (stderr)
 *   npm run bench -- --skip-pgbench / --skip-scan / --skip-hello / --skip-scale
 *                                 stock moves vs pgbench, scan latency at 50 scanners, hello world vs
 *                                 /inventory, the inventory at 100,000 products (BENCH_SCALE_URL reuses
 *                                 a database seeded with seeds/scale.ts); all on PostgreSQL, each also
 *                                 reports the server's peak memory
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchOutbound } from './outbound.ts';
import { benchCold, coldMarkdown, type ColdBench } from './cold.ts';
import { benchReceiving } from './receiving.ts';
import { benchRequests, type RequestBench } from './requests.ts';
import { benchStartup, type StartupResult } from './startup.ts';
import { benchPgbench, pgbenchMarkdown, type PgbenchBench } from './pgbench.ts';
import { benchScan, scanMarkdown, type ScanBench } from './scan.ts';
import { benchHello, helloMarkdown, type HelloBench } from './hello.ts';
import { benchScale, scaleMarkdown, type ScaleBench } from './scale.ts';
import { memoryMarkdown, type MemoryReport } from './memory.ts';
import { cpuBusy, machineFacts, markdown, type OutboundReport, type ReceivingReport } from './report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const known = new Set(['--skip-startup', '--skip-requests', '--skip-receiving', '--skip-outbound', '--skip-cold', '--skip-pgbench', '--skip-scan', '--skip-hello', '--skip-scale', '--explain']);
for (const a of args) {
  if (!known.has(a)) {
    process.stderr.write(`unknown option ${a}; known: ${[...known].join(' ')}\n`);
    process.exit(2);
  }
}
const progress = (line: string) => process.stderr.write(`  ${line}\n`);

const began = performance.now();
const machine = machineFacts();
process.stderr.write(`Caravan bench on ${machine.cpu} × ${machine.cores}, ${machine.memory}, Node ${machine.node}\n`);
machine.busyBefore = await cpuBusy(1000);
if (machine.busyBefore > 0.25) {
  process.stderr.write(`  ! other work keeps the CPU ${Math.round(machine.busyBefore * 100)} % busy: figures will be inflated\n`);
}

let startup: StartupResult | null = null;
if (!args.has('--skip-startup')) {
  process.stderr.write('Startup (spawning node dist/server.mjs):\n');
  startup = await benchStartup(root, 3, progress);
}

let requests: RequestBench | null = null;
if (!args.has('--skip-requests')) {
  process.stderr.write('Requests (in-process, PGlite in memory):\n');
  requests = await benchRequests(progress, { explain: args.has('--explain') });
}

let receiving: ReceivingReport | null = null;
if (!args.has('--skip-receiving')) {
  process.stderr.write('Receiving (real server on PostgreSQL, 20 scanners over HTTP):\n');
  try {
    receiving = await benchReceiving(root, progress);
    if ('skipped' in receiving) progress(`skipped: ${receiving.skipped}`);
  } catch (err) {
    // The other sections' tables are still printed; the run fails at the end.
    process.stderr.write(`  ! receiving failed: ${(err as Error).stack ?? String(err)}\n`);
    receiving = { failed: (err as Error).message.split('\n')[0] ?? String(err) };
    process.exitCode = 1;
  }
}

let outbound: OutboundReport | null = null;
if (!args.has('--skip-outbound')) {
  process.stderr.write('Outbound (real server on PostgreSQL: 10,000-order bursts, 50 scanners picking, over HTTP):\n');
  try {
    outbound = await benchOutbound(root, progress);
    if ('skipped' in outbound) progress(`skipped: ${outbound.skipped}`);
  } catch (err) {
    process.stderr.write(`  ! outbound failed: ${(err as Error).stack ?? String(err)}\n`);
    outbound = { failed: (err as Error).message.split('\n')[0] ?? String(err) };
    process.exitCode = 1;
  }
}

let cold: ColdBench | null = null;
if (!args.has('--skip-cold')) {
  process.stderr.write('Cold storage (real server on PostgreSQL: 100,000 sensor readings, a 500-slot map):\n');
  cold = await benchCold(root, progress);
  if ('skipped' in cold) progress(`skipped: ${cold.skipped}`);
  if ('failed' in cold) {
    process.stderr.write(`  ! cold storage failed: ${cold.failed}\n`);
    process.exitCode = 1;
  } else if ('ingest' in cold && (cold.ingest.errors > 0 || cold.ingest.stored !== cold.ingest.readings || cold.ingest.repeatStored !== 0 || !cold.verify.ok)) process.exitCode = 1;
}

// The sections below each start the real server on PostgreSQL and sample its memory.
const memory: MemoryReport[] = [];
const noteMemory = (r: { memory?: MemoryReport } | object) => {
  if ('memory' in r && r.memory) memory.push(r.memory);
};
const section = async <T extends object>(flag: string, title: string, label: string, run: () => Promise<T>): Promise<T | null> => {
  if (args.has(flag)) return null;
  process.stderr.write(`${title}:\n`);
  try {
    const r = await run();
    if ('skipped' in r) progress(`skipped: ${String(r.skipped)}`);
    if ('failed' in r) {
      process.stderr.write(`  ! ${label} failed: ${String(r.failed)}\n`);
      process.exitCode = 1;
    }
    noteMemory(r);
    return r;
  } catch (err) {
    process.stderr.write(`  ! ${label} failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
    return { failed: (err as Error).message.split('\n')[0] ?? String(err) } as T;
  }
};
const pgbench = await section<PgbenchBench>('--skip-pgbench', 'Stock moves vs pgbench (pgbench tpcb-like, then the real server on PostgreSQL at the same concurrency)', 'pgbench', () => benchPgbench(root, progress));
const scan = await section<ScanBench>('--skip-scan', 'Scan latency (real server on PostgreSQL, 50 receiving scanners over HTTP)', 'scan', () => benchScan(root, progress));
const hello = await section<HelloBench>('--skip-hello', 'Hello world vs /inventory (bare Hono, then the real server on PostgreSQL)', 'hello', () => benchHello(root, progress));
const scale = await section<ScaleBench>('--skip-scale', 'Inventory at volume (seeds/scale.ts: 100,000 products, 1,000,000 ledger entries, real server on PostgreSQL)', 'scale', () => benchScale(root, progress));
if (pgbench && 'moves' in pgbench && (pgbench.moves.some((m) => m.load.errors > 0) || pgbench.checks.some((c) => !c.ok) || !pgbench.verify.ok)) process.exitCode = 1;
if (scan && 'cases' in scan && (scan.cases.some((c) => c.load.errors > 0) || scan.checks.some((c) => !c.ok) || !scan.verify.ok)) process.exitCode = 1;
if (scale && 'verify' in scale && (!scale.verify.ok || scale.concurrent.load.errors > 0)) process.exitCode = 1;

machine.loadEnd = os.loadavg();
process.stderr.write(`Done in ${((performance.now() - began) / 1000).toFixed(1)} s.\n\n`);
process.stdout.write(markdown(machine, startup, requests, receiving, outbound) + '\n');
if (cold) process.stdout.write(coldMarkdown(cold).join('\n') + '\n');
for (const lines of [pgbench && pgbenchMarkdown(pgbench), scan && scanMarkdown(scan), hello && helloMarkdown(hello), scale && scaleMarkdown(scale), memoryMarkdown(memory)]) {
  if (lines && lines.length) process.stdout.write('\n' + lines.join('\n') + '\n');
}
if (requests && !requests.verify.ok) process.stderr.write(`verifyLedger problems:\n${requests.verify.problems.join('\n')}\n`);
if (receiving && 'verify' in receiving && !receiving.verify.ok) process.stderr.write(`verifyLedger problems (receiving):\n${receiving.verify.problems.join('\n')}\n`);
if (receiving && 'cases' in receiving && (receiving.cases.some((c) => c.errors > 0) || receiving.checks.some((c) => !c.ok) || !receiving.verify.ok)) process.exitCode = 1;
if (outbound && 'verify' in outbound) {
  for (const v of outbound.verify) if (!v.ok) process.stderr.write(`verifyLedger problems (outbound):\n${v.problems.join('\n')}\n`);
  if (outbound.bursts.some((b) => b.errors > 0) || outbound.picking.errors > 0 || outbound.checks.some((c) => !c.ok) || outbound.verify.some((v) => !v.ok)) process.exitCode = 1;
}

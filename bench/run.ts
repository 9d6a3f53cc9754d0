/**
 * `npm run bench`: startup time of the real server and server-side request times with the
 * demo data, printed as Markdown. Progress goes to stderr, the tables to stdout.
 *
 *   npm run bench                 everything
 *   npm run bench -- --skip-startup / --skip-requests
 *   npm run bench -- --explain    also EXPLAIN ANALYZE the slowest statement of each request (stderr)
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchRequests, type RequestBench } from './requests.ts';
import { benchStartup, type StartupResult } from './startup.ts';
import { cpuBusy, machineFacts, markdown } from './report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const known = new Set(['--skip-startup', '--skip-requests', '--explain']);
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
  process.stderr.write('Startup (spawning node_modules/.bin/tsx src/server.ts):\n');
  startup = await benchStartup(root, 3, progress);
}

let requests: RequestBench | null = null;
if (!args.has('--skip-requests')) {
  process.stderr.write('Requests (in-process, PGlite in memory):\n');
  requests = await benchRequests(progress, { explain: args.has('--explain') });
}

machine.loadEnd = os.loadavg();
process.stderr.write(`Done in ${((performance.now() - began) / 1000).toFixed(1)} s.\n\n`);
process.stdout.write(markdown(machine, startup, requests) + '\n');
if (requests && !requests.verify.ok) process.stderr.write(`verifyLedger problems:\n${requests.verify.problems.join('\n')}\n`);

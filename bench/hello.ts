/**
 * The framework's ceiling beside a real page: a bare Hono hello world (bench/hello-server.ts on
 * @hono/node-server, started with tsx like the server) and the real server on PostgreSQL with
 * the demo data, each driven by the same raw-socket HTTP client at the same concurrency for the
 * same time. On the real server: GET /healthz (the app's middleware and one database round
 * trip) and GET /inventory as a signed-in manager (the whole page). Reported: requests per
 * second of each and the ratio inventory ÷ hello world.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import postgres from 'postgres';
import { adminUrl, appProcess, CpuWatch, pct, row, scratchDatabase, shownUrl } from './harness.ts';
import { httpLoad, type HttpLoadResult } from './http-load.ts';
import { MemorySampler, type MemoryReport } from './memory.ts';
import { errorText, httpFetcher, running, startServer, stopServer, type Server } from './server-process.ts';
import { SessionClient } from './session-client.ts';
import { freePort } from './startup.ts';
import { ms } from './stats.ts';

export type HelloOptions = { connections?: number; seconds?: number; adminUrl?: string };

export type HelloCase = { name: string; path: string; result: HttpLoadResult; serverCores: number; postgresCores: number; machineBusy: number };

export type HelloBench =
  | { skipped: string }
  | { failed: string; memory?: MemoryReport }
  | { postgres: string; connections: number; seconds: number; cases: HelloCase[]; memory: MemoryReport; inventoryBytes: number };

async function measure(name: string, path: string, port: number, appPid: number, connections: number, seconds: number, headers: Record<string, string> = {}, db: { monitor: postgres.Sql; database: string } | null = null): Promise<HelloCase> {
  const cpu = await CpuWatch.start(appPid, db?.monitor ?? null, db?.database ?? null);
  const result = await httpLoad({ port, path, headers, connections, durationMs: seconds * 1000, warmupMs: 2000 });
  const c = cpu.stop();
  return { name, path, result, serverCores: c.serverMs / c.wallMs, postgresCores: c.postgresMs / c.wallMs, machineBusy: c.machineBusy };
}

const describe = (c: HelloCase) => `${c.name}: ${Math.round(c.result.rps).toLocaleString('en-US')} requests/s, p50 ${ms(c.result.latency.p50)}, p95 ${ms(c.result.latency.p95)}, statuses ${JSON.stringify(c.result.statuses)}, ${c.result.errors} errors, server ${c.serverCores.toFixed(2)} cores${Number.isFinite(c.postgresCores) ? `, PostgreSQL ${c.postgresCores.toFixed(2)} cores` : ''}, machine ${pct(c.machineBusy)} busy`;

export async function benchHello(root: string, progress: (line: string) => void = () => {}, opts: HelloOptions = {}): Promise<HelloBench> {
  const connections = opts.connections ?? 20;
  const seconds = opts.seconds ?? 10;
  const admin = adminUrl(opts.adminUrl);
  const cases: HelloCase[] = [];

  // 1. The bare hello world.
  const helloPort = await freePort();
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const hello = spawn(tsx, ['bench/hello-server.ts'], { cwd: root, env: { ...process.env, PORT: String(helloPort) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let helloErr = '';
  hello.stderr!.on('data', (b: Buffer) => (helloErr = (helloErr + b.toString('utf8')).slice(-2000)));
  const helloExited = new Promise<void>((r) => hello.once('exit', () => r()));
  const killHello = () => hello.kill('SIGKILL');
  process.once('exit', killHello);
  try {
    for (let i = 0; ; i++) {
      await sleep(100);
      if (hello.exitCode !== null) throw new Error(`hello-world server exited: ${helloErr}`);
      if (i > 300) throw new Error('hello-world server did not answer in 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${helloPort}/`);
        if ((await res.text()) === 'hello') break;
      } catch {
        /* not yet listening */
      }
    }
    const pid = appProcess(hello.pid ?? 0, 'bench/hello-server.ts').pid;
    const c = await measure('Bare Hono hello world (GET /, 5 bytes)', '/', helloPort, pid, connections, seconds);
    progress(describe(c));
    cases.push(c);
  } catch (err) {
    return { failed: `hello world: ${errorText(err)}` };
  } finally {
    hello.kill('SIGTERM');
    await Promise.race([helloExited, sleep(5000)]);
    if (hello.exitCode === null) hello.kill('SIGKILL');
    process.removeListener('exit', killHello);
  }

  // 2. The real server.
  const scratch = await scratchDatabase(admin, 'hello', progress);
  if ('skipped' in scratch) return scratch;
  let server: Server | null = null;
  let memory: MemorySampler | null = null;
  let monitor: postgres.Sql | null = null;
  const killOnExit = () => server?.child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const port = await freePort();
    server = await startServer(root, scratch.url, port);
    memory = new MemorySampler('GET /inventory, 20 connections (hello-world section)', server.child.pid ?? 0);
    progress(`server ready in ${(server.readyMs / 1000).toFixed(1)} s (demo seeded first; migrate + start on PostgreSQL)`);
    const manager = new SessionClient(httpFetcher, `http://127.0.0.1:${port}`);
    await manager.signIn('manager@demo.test', DEMO_PASSWORD);
    const page = await manager.send('/inventory');
    const body = await page.text();
    if (page.status !== 200 || !/^<!DOCTYPE html>/i.test(body)) throw new Error(`GET /inventory answered ${page.status}`);
    const cookie = [...manager.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    monitor = postgres(scratch.url, { max: 1, onnotice: () => {} });
    const db = { monitor, database: scratch.name };

    memory.phase('GET /healthz');
    const health = await measure('Real server: GET /healthz (middleware + SELECT 1)', '/healthz', port, memory.appPid, connections, seconds, {}, db);
    progress(describe(health));
    cases.push(health);
    memory.phase('GET /inventory');
    const inventory = await measure('Real server: GET /inventory, signed-in manager (whole page, demo data)', '/inventory', port, memory.appPid, connections, seconds, { Cookie: cookie }, db);
    progress(describe(inventory));
    cases.push(inventory);
    memory.phase(null);
    const report = memory.stop();
    memory = null;
    const bad = cases.find((c) => c.result.errors > 0 || Object.keys(c.result.statuses).some((s) => s !== '200'));
    if (bad) throw new Error(`${bad.name}: statuses ${JSON.stringify(bad.result.statuses)}, ${bad.result.errors} errors`);
    return { postgres: `PostgreSQL ${scratch.version} at ${shownUrl(admin)}`, connections, seconds, cases, memory: report, inventoryBytes: Buffer.byteLength(body) };
  } catch (err) {
    if (server) process.stderr.write(`--- server output (tail) ---\n${server.log.tail.slice(-3000)}\n`);
    const report = memory?.stop();
    return { failed: errorText(err), ...(report ? { memory: report } : {}) };
  } finally {
    await monitor?.end({ timeout: 2 }).catch(() => {});
    if (running(server)) await stopServer(server);
    await scratch.drop();
    process.removeListener('exit', killOnExit);
  }
}

export function helloMarkdown(r: HelloBench): string[] {
  if ('skipped' in r) return [`Hello world vs /inventory: skipped, ${r.skipped}.`];
  if ('failed' in r) return [`Hello world vs /inventory: **failed**: ${r.failed.split('\n')[0]}`];
  const out: string[] = [];
  const base = r.cases[0]!.result.rps;
  out.push(row([`Requests per second, ${r.connections} keep-alive connections, ${r.seconds} s each`, 'Requests/s', 'p50', 'p95', 'p99', 'CPU in cores: server / PostgreSQL', 'Machine busy', 'Body', 'Ratio to hello world']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const c of r.cases) {
    const x = c.result;
    out.push(row([c.name, Math.round(x.rps).toLocaleString('en-US'), ms(x.latency.p50), ms(x.latency.p95), ms(x.latency.p99), `${c.serverCores.toFixed(2)} / ${Number.isFinite(c.postgresCores) ? c.postgresCores.toFixed(2) : '—'}`, pct(c.machineBusy), `${(x.bytesPerResponse / 1024).toFixed(1)} KiB`, (x.rps / base).toFixed(4)]));
  }
  out.push('');
  out.push(
    `Each server is one node process (one core for JavaScript): hello world under tsx (compiled once at start), the real server built as npm start runs it (node dist/server.mjs); the client is a raw-socket HTTP/1.1 loop in the bench process (one request in flight per connection, 2 s warm-up) on the same machine, so client, server and, for the real server, PostgreSQL (${r.postgres}) share the cores. ` +
      `The inventory is the demo's (330 products), as a manager sees it: the session is checked, the stock page and its totals read and the whole page rendered.`,
  );
  return out;
}

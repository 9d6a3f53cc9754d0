/**
 * What the HTTP benchmarks share: the real server as a child process (started on a database
 * URL, ready when /healthz answers, stopped with SIGTERM), database URLs, error text.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { isDatabaseEmpty, seedDemo } from '../seeds/demo.ts';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

/** A fetch-backed transport for SessionClient: real HTTP, Node's keep-alive agent. */
export const httpFetcher = { request: (input: string, init?: RequestInit) => fetch(input, init) };

export type Server = { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; log: { tail: string; unhandled: number }; readyMs: number };

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return [e.code ?? e.cause?.code, e.message ?? String(err)].filter(Boolean).join(' ');
}

let built = false;

/** The node flags `npm start` runs the server with (package.json's start script: `node <flags> dist/server.mjs`). */
export function startFlags(root: string): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /(?:^|&&\s*)node\s+((?:--\S+\s+)*)dist\/server\.mjs/.exec(start);
  if (!m) throw new Error(`package.json start script does not run node … dist/server.mjs: ${start}`);
  return m[1]!.split(/\s+/).filter(Boolean);
}

/** The server as `npm start` runs it: built once per run (scripts/build.mjs), then `node <its flags> dist/server.mjs`. */
export function serverCommand(root: string): [string, string[]] {
  if (!built) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scripts/build.mjs failed:\n${r.stdout}${r.stderr}`);
    built = true;
  }
  // BENCH_SERVER_NODE_ARGS adds node flags to the server, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' for a profile.
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  return [process.execPath, [...startFlags(root), ...extra, 'dist/server.mjs']];
}

/**
 * The demo data, seeded by the bench process before the server starts (as `npm run db:seed`
 * does): the server under test runs as in production, on a database it did not seed, so its
 * memory and CPU are its own.
 */
async function seedFirst(databaseUrl: string): Promise<void> {
  const database = await openDatabase({ url: databaseUrl, max: 2 });
  try {
    await migrate(database);
    if (await isDatabaseEmpty(database.db)) await seedDemo(database.db);
  } finally {
    await database.close();
  }
}

/** Seeds the demo (in this process), starts the server and waits for GET /healthz to answer 200; collects its output. */
export async function startServer(root: string, databaseUrl: string, port: number): Promise<Server> {
  const [node, args] = serverCommand(root);
  await seedFirst(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'no', LOG_LEVEL: 'silent' };
  const log = { tail: '', unhandled: 0 };
  const started = performance.now();
  const child = spawn(node, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    log.unhandled += (text.match(/"msg":"unhandled error"/g) ?? []).length;
    log.tail = (log.tail + text).slice(-8_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (;;) {
    await sleep(100);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early (code ${child.exitCode}, signal ${child.signalCode})\n--- server output (tail) ---\n${log.tail}`);
    if (performance.now() - started > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${START_TIMEOUT_MS} ms\n--- server output (tail) ---\n${log.tail}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
  }
  return { child, exited, log, readyMs: performance.now() - started };
}

/** Whether the server process is still running. */
export const running = (s: Server | null): s is Server => !!s && s.child.exitCode === null && s.child.signalCode === null;

/** SIGTERM (SIGKILL after 15 s); how long it took and how it ended. */
export async function stopServer(server: Server) {
  const t0 = performance.now();
  if (running(server)) server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const r = await server.exited;
  clearTimeout(timer);
  return { ...r, ms: performance.now() - t0 };
}

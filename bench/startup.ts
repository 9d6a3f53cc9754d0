/**
 * Startup benchmark: spawns the real server as `npm start` runs it (node dist/server.mjs, built first) on a free port
 * and measures the time until GET /login first answers 200, polling every 50 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverCommand } from './server-process.ts';

const POLL_MS = 50;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export type StartupRun = {
  label: string;
  /** Spawn → first 200 of GET /login. */
  readyMs: number;
  /** Spawn → the "Caravan listening" log line arrived (null if not seen). */
  listeningMs: number | null;
  /** Seeding time the server logged ("demo data seeded"), null on a restart. */
  seedMs: number | null;
  /** Poll attempts until the 200. */
  polls: number;
  /** SIGTERM → process exit. */
  stopMs: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** One GET without keep-alive (so the server can close at once); resolves to the status or null. */
function probe(port: number, path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

const running = new Set<ChildProcess>();
/** If the bench dies mid-run, do not leave servers behind. */
process.on('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Starts the server on dataDir, times readiness, stops it with SIGTERM and waits for the exit. */
export async function timeStartup(root: string, dataDir: string, label: string): Promise<StartupRun> {
  const port = await freePort();
  const [node, args] = serverCommand(root);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SEED_DEMO: 'auto', LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;

  let output = '';
  let listeningMs: number | null = null;
  let seedMs: number | null = null;
  const started = performance.now();
  const child = spawn(node, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-8_000);
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const rec = JSON.parse(line) as { msg?: string; ms?: number };
        if (rec.msg === 'demo data seeded' && typeof rec.ms === 'number') seedMs = rec.ms;
        if (rec.msg?.startsWith('Caravan listening') && listeningMs === null) listeningMs = performance.now() - started;
      } catch {
        /* a partial line: ignore */
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8_000)));
  const exited = waitExit(child);

  let readyMs: number | null = null;
  let polls = 0;
  try {
    for (let tick = 1; ; tick++) {
      const due = started + tick * POLL_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early (code ${child.exitCode}, signal ${child.signalCode})`);
      if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`server not ready after ${START_TIMEOUT_MS} ms`);
      polls++;
      const status = await probe(port, '/login');
      if (status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    }
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    running.delete(child);
    throw new Error(`${label}: ${(err as Error).message}\n--- server output (tail) ---\n${output}`);
  }

  const stopAt = performance.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const { code, signal } = await exited;
  clearTimeout(timer);
  const stopMs = performance.now() - stopAt;
  running.delete(child);
  if (code !== 0) process.stderr.write(`  ! ${label}: server exited with code ${code}, signal ${signal}\n--- server output (tail) ---\n${output}\n`);
  return { label, readyMs: readyMs ?? Number.NaN, listeningMs, seedMs, polls, stopMs, exitCode: code, exitSignal: signal };
}

export type StartupResult = { cold: StartupRun[]; restart: StartupRun };

/** `coldRuns` starts on fresh empty DATA_DIRs, then one restart on the last (already seeded) one. */
export async function benchStartup(root: string, coldRuns = 3, progress: (line: string) => void = () => {}): Promise<StartupResult> {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'caravan-bench-'));
    dirs.push(d);
    return join(d, 'data');
  };
  try {
    const cold: StartupRun[] = [];
    let last = '';
    for (let i = 1; i <= coldRuns; i++) {
      last = fresh();
      const run = await timeStartup(root, last, `cold start ${i}`);
      progress(`cold start ${i}: ready in ${(run.readyMs / 1000).toFixed(2)} s (seed ${run.seedMs ?? '?'} ms, stop ${Math.round(run.stopMs)} ms)`);
      cold.push(run);
    }
    const restart = await timeStartup(root, last, 'restart');
    progress(`restart: ready in ${(restart.readyMs / 1000).toFixed(2)} s (stop ${Math.round(restart.stopMs)} ms)`);
    return { cold, restart };
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * What the pgbench, scan, hello-world and scale sections share: a scratch database on the
 * bench PostgreSQL, load loops (closed: back to back; paced: one request per interval), CPU
 * from /proc, and a database handle that counts the statements a request sends.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '../src/db/client.ts';
import { preparing } from '../src/db/prepared.ts';
import * as schema from '../src/db/schema/index.ts';
import { DEFAULT_ADMIN_URL, errorText, withDatabase } from './server-process.ts';
import { summarize, type Summary } from './stats.ts';

export const adminUrl = (given?: string) => given ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL;

/** The URL with its password hidden, for reports. */
export function shownUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export type Scratch = { name: string; url: string; version: string; admin: postgres.Sql; drop(): Promise<void> };

/** A new database `caravan_bench_<tag>_<hex>`; `{ skipped }` when PostgreSQL cannot be reached. */
export async function scratchDatabase(admin: string, tag: string, progress: (line: string) => void): Promise<Scratch | { skipped: string }> {
  const sql = postgres(admin, { max: 1, connect_timeout: 5, onnotice: () => {} });
  let version: string;
  try {
    const [row] = await sql<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    version = row!.v;
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    return { skipped: `PostgreSQL not reachable at ${shownUrl(admin)} (${errorText(err)}); set BENCH_DATABASE_URL` };
  }
  const name = `caravan_bench_${tag}_${randomBytes(4).toString('hex')}`;
  try {
    await sql.unsafe(`CREATE DATABASE "${name}"`);
  } catch (err) {
    await sql.end({ timeout: 1 }).catch(() => {});
    return { skipped: `cannot create a database on PostgreSQL ${version} (${errorText(err)})` };
  }
  progress(`PostgreSQL ${version} at ${shownUrl(admin)}: created database ${name}`);
  let dropped = false;
  return {
    name,
    url: withDatabase(admin, name),
    version,
    admin: sql,
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        progress(`dropped database ${name}`);
      } catch (err) {
        process.stderr.write(`  ! could not drop database ${name}: ${errorText(err)}\n`);
      }
      await sql.end({ timeout: 2 }).catch(() => {});
    },
  };
}

// --- /proc ------------------------------------------------------------------------------------

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU time (ms, user + system) a process has used so far; NaN without /proc. */
export function procCpuMs(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * 10 : Number.NaN; // USER_HZ = 100
}

/** CPU time (ms) used so far by each process; processes gone (or no /proc) are left out. */
export function procCpu(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const ms = procCpuMs(pid);
    if (Number.isFinite(ms)) out.set(pid, ms);
  }
  return out;
}

/** CPU ms between two procCpu readings, over the processes present in both; NaN if none. */
export function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let sum = 0;
  let seen = 0;
  for (const [pid, t] of b) {
    const before = a.get(pid);
    if (before === undefined) continue;
    sum += t - before;
    seen++;
  }
  return seen ? sum : Number.NaN;
}

/** A process and its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const f = statFields(Number(name));
      if (!f) continue;
      const ppid = Number(f[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    }
  } catch {
    return [root];
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

/**
 * The process that runs the app. `tsx file.ts` is a small launcher that starts a second node
 * process with its loader (`--import …/loader.mjs file.ts`): that one serves the requests.
 */
export function appProcess(launcher: number, script: string): { pid: number; launcher: number | null } {
  const tree = processTree(launcher).filter((p) => p !== launcher);
  const app = tree.filter((p) => cmdline(p).includes(script)).pop();
  return app ? { pid: app, launcher } : { pid: launcher, launcher: null };
}

/** The machine's CPU time so far, idle and in all, over every core. */
export function cpuTotals() {
  return os.cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, all: acc.all + c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq }), { idle: 0, all: 0 });
}

/** Counts CPU between start and stop: one process (the server), PostgreSQL backends of a database, the machine. */
export class CpuWatch {
  private server0 = 0;
  private pg0 = new Map<number, number>();
  private machine0 = cpuTotals();
  private own0 = process.cpuUsage();
  private t0 = 0;

  private constructor(
    private readonly serverPid: number,
    private readonly backends: number[],
  ) {}

  /** `monitor` lists the database's client backends (taken once: the server's pool is warm by then). */
  static async start(serverPid: number, monitor: postgres.Sql | null, database: string | null): Promise<CpuWatch> {
    const backends = monitor && database ? (await monitor<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${database} AND backend_type = 'client backend' AND pid <> pg_backend_pid()`).map((r) => r.pid) : [];
    const w = new CpuWatch(serverPid, backends);
    w.server0 = procCpuMs(serverPid);
    for (const pid of backends) w.pg0.set(pid, procCpuMs(pid));
    w.machine0 = cpuTotals();
    w.own0 = process.cpuUsage();
    w.t0 = performance.now();
    return w;
  }

  /** CPU ms used since start by the server, the database's backends, this process; machine share busy. */
  stop(): { wallMs: number; serverMs: number; postgresMs: number; clientMs: number; machineBusy: number } {
    const wallMs = performance.now() - this.t0;
    let pg = 0;
    for (const [pid, before] of this.pg0) {
      const now = procCpuMs(pid);
      if (Number.isFinite(now) && Number.isFinite(before)) pg += now - before;
    }
    const m = cpuTotals();
    const own = process.cpuUsage(this.own0);
    return {
      wallMs,
      serverMs: procCpuMs(this.serverPid) - this.server0,
      postgresMs: this.pg0.size ? pg : Number.NaN,
      clientMs: (own.user + own.system) / 1000,
      machineBusy: m.all - this.machine0.all > 0 ? 1 - (m.idle - this.machine0.idle) / (m.all - this.machine0.all) : Number.NaN,
    };
  }
}

// --- Load loops ------------------------------------------------------------------------------

/** One request's outcome: its latency (ms) when it did what was expected, else the reason. */
export type Outcome = { ok: true } | { ok: false; error: string; serverError?: boolean };

export type LoadResult = {
  workers: number;
  requests: number;
  ok: number;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  wallMs: number;
  /** Successful requests per second of wall time. */
  rate: number;
  latency: Summary;
  /** Paced runs: requests that started later than planned because the previous one was still running. */
  late: number;
};

function collector(workers: number) {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let serverErrors = 0;
  let late = 0;
  return {
    note(ms: number, o: Outcome) {
      if (o.ok) latencies.push(ms);
      else {
        errors++;
        if (o.serverError) serverErrors++;
        if (errorSamples.length < 5) errorSamples.push(o.error);
      }
    },
    lateStart() {
      late++;
    },
    result(wallMs: number): LoadResult {
      return { workers, requests: latencies.length + errors, ok: latencies.length, errors, serverErrors, errorSamples, wallMs, rate: latencies.length / (wallMs / 1000), latency: summarize(latencies), late };
    },
  };
}

const safely = async (fn: () => Promise<Outcome>): Promise<Outcome> => {
  try {
    return await fn();
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
};

/** `workers` loops, each sending its next request as soon as the last one answered, for `durationMs`. */
export async function closedLoop(workers: number, durationMs: number, request: (worker: number, seq: number) => Promise<Outcome>): Promise<LoadResult> {
  const c = collector(workers);
  const t0 = performance.now();
  const end = t0 + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const s = performance.now();
        const o = await safely(() => request(w, i));
        c.note(performance.now() - s, o);
      }
    }),
  );
  return c.result(performance.now() - t0);
}

/**
 * `workers` loops, each sending one request every `intervalMs` (±20 %, the first ones spread
 * over one interval), for `durationMs`. Latency counts from the planned start, so a request that
 * had to wait for the previous one is charged for the wait.
 */
export async function pacedLoop(workers: number, durationMs: number, intervalMs: number, request: (worker: number, seq: number) => Promise<Outcome>): Promise<LoadResult> {
  const c = collector(workers);
  const t0 = performance.now();
  const end = t0 + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let due = t0 + (intervalMs * w) / workers;
      for (let i = 0; due < end; i++) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -1) c.lateStart();
        const o = await safely(() => request(w, i));
        c.note(performance.now() - due, o);
        due += intervalMs * (0.8 + Math.random() * 0.4);
      }
    }),
  );
  return c.result(performance.now() - t0);
}

// --- Statements per request ------------------------------------------------------------------

/**
 * A drizzle database on PostgreSQL whose every statement is counted (postgres.js calls `debug`
 * once per query sent, BEGIN and COMMIT included).
 */
export type StatementCounter = {
  statements: number;
  /** Statement text (whitespace folded) → times sent. */
  byText: Map<string, number>;
  /** Statement text (whitespace folded) → the SQL and parameters it was last sent with. */
  last: Map<string, { sql: string; params: unknown[] }>;
  reset(): void;
};

export function countingDatabase(url: string, max = 10): { db: Db; sql: postgres.Sql; counter: StatementCounter; close(): Promise<void> } {
  const counter: StatementCounter = {
    statements: 0,
    byText: new Map(),
    last: new Map(),
    reset() {
      this.statements = 0;
      this.byText.clear();
      this.last.clear();
    },
  };
  const client = postgres(url, {
    max,
    onnotice: () => {},
    debug: (_connection: number, query: string, params: unknown[]) => {
      counter.statements++;
      const text = query.replace(/\s+/g, ' ').trim();
      counter.byText.set(text, (counter.byText.get(text) ?? 0) + 1);
      counter.last.set(text, { sql: query, params: [...params] });
    },
  });
  // As the server runs its statements (src/db/client.ts): prepared.
  const db = drizzle(preparing(client), { schema }) as unknown as Db;
  return { db, sql: client, counter, close: () => client.end({ timeout: 5 }) };
}


export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
export const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : '—');
export const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
export const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

export { rng } from '../seeds/rng.ts';

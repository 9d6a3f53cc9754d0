/**
 * Outbound throughput: the real server (node_modules/.bin/tsx src/server.ts) on a fresh
 * PostgreSQL database with the demo data, driven over real HTTP (keep-alive).
 *
 * 1. A livestream burst: 10,000 orders of 1–3 lines, each created and allocated by the
 *    server, sent as POST /api/v1/orders by 20 and by 50 concurrent clients, and as Ozon
 *    `/v3/posting/fbs/list` payloads to POST /api/v1/orders/import/ozon (10 requests of
 *    1,000 postings in parallel; one request creates and allocates its postings 250 per
 *    transaction).
 * 2. Scan-to-pick: 50 pick lists of 20 burst orders, one per scanner, every task confirmed
 *    with POST /api/v1/pick-lists/:id/picks by 50 concurrent scanners.
 *
 * Stock for the burst is put on the shelves first through the ledger (`moveMany`, supplier →
 * one storage location per product, one batch): receiving 50 products through the API would
 * take longer than the burst. Afterwards the orders, reservations, picks and ledger are
 * checked against what the server answered, and verifyLedger runs on the whole database.
 *
 * Where the time goes: pg_stat_activity sampled every 100 ms (what the server's busy backends
 * wait on), pg_stat_database (transactions, rollbacks, deadlocks), pg_stat_user_tables (rows
 * written and index/sequential scans per order), CPU from /proc, and, after the timed runs,
 * a second server started behind a small PostgreSQL wire-protocol counter that counts every
 * statement of one request at a time (sequential, so the per-statement times are clean).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/client.ts';
import { moveMany, verifyLedger, type MoveInput } from '../src/stock/index.ts';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import { DEFAULT_ADMIN_URL, errorText, httpFetcher, running, startServer, stopServer, withDatabase, type Server } from './server-process.ts';
import { SessionClient } from './session-client.ts';
import { freePort } from './startup.ts';
import { summarize, type Summary } from './stats.ts';
import { cpuDelta, cpuTotals, procCpu, processTree, rng } from './harness.ts';
import { procMemMiB } from './memory.ts';

const OPERATOR = 'operator.msk@demo.test';
const WAREHOUSE = 'MSK';
/** Ambient goods without lot or expiry: an EAN-13 scan is all a pick needs. */
const SELLER = 'GZ-YIFAN';
const SAMPLE_MS = 100;
const RSS_SAMPLE_MS = 500;
/** The server's postgres.js pool (openDatabase's default; src/server.ts passes none). */
export const SERVER_POOL = 10;

export type OutboundOptions = {
  orders?: number;
  /** Concurrent clients of the POST /api/v1/orders bursts, one burst each. */
  clientCounts?: number[];
  /** Ozon import: the burst's postings split into this many requests, all sent at once. */
  importRequests?: number;
  products?: number;
  stockPerProduct?: number;
  scanners?: number;
  ordersPerList?: number;
  /** The statement count with a second server behind the wire counter. */
  profile?: boolean;
  adminUrl?: string;
};

export type Load = {
  /** pg_stat_database deltas for the bench database over the timed part. */
  db: { commits: number; rollbacks: number; deadlocks: number };
  /** Share of pg_stat_activity samples of busy backends by what they do ("CPU" = running). */
  waits: { event: string; share: number }[];
  /** Mean number of the server's backends busy (active or idle in transaction) per sample. */
  activeBackends: number;
  /** Share of samples with at least `SERVER_POOL` busy backends: the pool was used up. */
  poolFull: number;
  cpuBusy: number;
  /** CPU used during the timed part in cores (1 = one core all the time); NaN without /proc. */
  cpu: { server: number; postgres: number; client: number };
  /** pg_stat_user_tables deltas, tables with any activity, most accessed first. */
  tables: { table: string; inserted: number; updated: number; deleted: number; idxScans: number; seqScans: number; seqRows: number }[];
};

export type BurstCase = {
  name: string;
  via: 'api' | 'import';
  clients: number;
  requests: number;
  orders: number;
  units: number;
  lines: number;
  wallMs: number;
  ordersPerSec: number;
  /** Latency per request: one order (API) or one import payload. */
  stats: Summary;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  statuses: Record<string, number>;
  load: Load;
  check: Check;
};

export type PickCase = {
  name: string;
  scanners: number;
  lists: number;
  tasks: number;
  /** New picks in the timed part (retries not included). */
  picks: number;
  wallMs: number;
  picksPerSec: number;
  stats: Summary;
  retries: number;
  retriesSameId: number;
  retryStats: Summary;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  listCreate: Summary;
  load: Load;
};

export type Check = { name: string; ok: boolean; detail: string };

export type StatementProfile = {
  name: string;
  requests: number;
  /** Statements (Execute and simple Query messages, BEGIN/COMMIT included) per request. */
  statements: number;
  /** Network round trips to PostgreSQL per request (a describe before an execute is one more). */
  roundTrips: number;
  /** Statements parsed and planned afresh per request (unnamed statements are never reused). */
  parses: number;
  transactions: number;
  /** Sequential, one request at a time, through the counting proxy. */
  msP50: number;
  /** In statements: from a statement's first message to its ReadyForQuery, summed (a describe round trip included). */
  dbMs: number;
  /** CPU per request (from /proc): the server process tree, and the database's backends. */
  serverCpuMs: number;
  postgresCpuMs: number;
  top: { sql: string; perRequest: number; avgMs: number }[];
};

export type VerifyResult = { ok: boolean; entries: number; balances: number; problems: string[]; ms: number };

export type OutboundBench =
  | { skipped: string }
  | {
      postgres: string;
      database: string;
      readyMs: number;
      sessions: string;
      setup: { products: number; units: number; locations: number; ms: number; seller: string };
      bursts: BurstCase[];
      importNote: string;
      picking: PickCase;
      checks: Check[];
      verify: VerifyResult[];
      rss: { peakMiB: number; phases: { phase: string; peakMiB: number }[]; hwmMiB: number };
      profile: StatementProfile[] | null;
      profileNote: string;
      serverLog: { unhandled: number; tail: string };
      stop: { ms: number; code: number | null; signal: NodeJS.Signals | null };
    };

type Product = { id: number; sku: string; ean: string };
type OrderSpec = { externalId: string; lines: { sku: string; quantity: number; product: Product }[] };
type Json = Record<string, unknown>;








async function postJson(client: SessionClient, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; text: string; ms: number }> {
  const t0 = performance.now();
  const res = await client.send(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': client.csrf, ...headers },
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    /* not JSON: left to the caller's status check */
  }
  return { status: res.status, json, text, ms };
}


/** `n` orders of 1–3 distinct products (1–2 units each), lines in random order (as buyers add them). */
function makeOrders(prefix: string, n: number, pool: Product[], seed: number): OrderSpec[] {
  const rand = rng(seed);
  const out: OrderSpec[] = [];
  for (let i = 0; i < n; i++) {
    const count = 1 + Math.floor(rand() * 3);
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(Math.floor(rand() * pool.length));
    out.push({ externalId: `${prefix}-${String(i + 1).padStart(5, '0')}`, lines: [...chosen].map((k) => ({ sku: pool[k]!.sku, quantity: 1 + Math.floor(rand() * 2), product: pool[k]! })) });
  }
  return out;
}

const unitsOf = (orders: OrderSpec[]) => orders.reduce((n, o) => n + o.lines.reduce((m, l) => m + l.quantity, 0), 0);
const linesOf = (orders: OrderSpec[]) => orders.reduce((n, o) => n + o.lines.length, 0);

function ozonPayload(orders: OrderSpec[], shipBy: string) {
  return {
    result: {
      postings: orders.map((o) => ({
        posting_number: o.externalId,
        order_id: 1,
        status: 'awaiting_packaging',
        shipment_date: shipBy,
        products: o.lines.map((l) => ({ offer_id: l.sku, sku: 800_000_000 + l.product.id, quantity: l.quantity, name: l.sku, price: '990.0000', currency_code: 'RUB' })),
        requirements: { products_requiring_mandatory_mark: [] },
      })),
      has_next: false,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Measuring a timed part

type Monitor = { admin: postgres.Sql; sql: postgres.Sql; database: string; serverPid: number; exclude: number };

type TableRow = { relname: string; ins: string; upd: string; del: string; idx: string; seq: string; seqr: string };

async function dbStats(m: Monitor) {
  const [row] = await m.admin<{ commits: string; rollbacks: string; deadlocks: string }[]>`
    SELECT xact_commit::text AS commits, xact_rollback::text AS rollbacks, deadlocks::text AS deadlocks FROM pg_stat_database WHERE datname = ${m.database}`;
  const tables = await m.sql<TableRow[]>`
    SELECT relname, n_tup_ins::text AS ins, n_tup_upd::text AS upd, n_tup_del::text AS del,
           coalesce(idx_scan, 0)::text AS idx, seq_scan::text AS seq, seq_tup_read::text AS seqr
    FROM pg_stat_user_tables`;
  return { commits: Number(row?.commits ?? 0), rollbacks: Number(row?.rollbacks ?? 0), deadlocks: Number(row?.deadlocks ?? 0), tables: new Map(tables.map((t) => [t.relname, t])) };
}

/** Runs `fn` as a timed part: samples what the server's backends do, and the CPU of everyone. */
async function measured<T>(m: Monitor, fn: () => Promise<T>): Promise<{ value: T; wallMs: number; load: Load }> {
  await sleep(2_500); // lets the server's backends flush their statistics (at most once a second)
  const before = await dbStats(m);
  const waitCounts = new Map<string, number>();
  let samples = 0;
  let activeSum = 0;
  let full = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rows = await m.admin<{ event: string }[]>`
        SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') ELSE state END AS event
        FROM pg_stat_activity
        WHERE datname = ${m.database} AND state NOT IN ('idle') AND pid <> pg_backend_pid() AND pid <> ${m.exclude}`;
      samples++;
      activeSum += rows.length;
      if (rows.length >= SERVER_POOL) full++;
      for (const r of rows) waitCounts.set(r.event, (waitCounts.get(r.event) ?? 0) + 1);
      await sleep(SAMPLE_MS);
    }
  })();
  const serverPids = processTree(m.serverPid);
  const backendPids = (await m.admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${m.database} AND backend_type = 'client backend' AND pid <> ${m.exclude}`).map((r) => r.pid);
  const server0 = procCpu(serverPids);
  const pg0 = procCpu(backendPids);
  const cpu0 = cpuTotals();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  let value: T;
  try {
    value = await fn();
  } finally {
    sampling = false;
  }
  const wallMs = performance.now() - t0;
  const own = process.cpuUsage(own0);
  const cpu1 = cpuTotals();
  const serverCpuMs = cpuDelta(server0, procCpu(serverPids));
  // Backends the pool opened during the run are not in pg0: their CPU is not counted (the pool
  // is usually full from the warm-up on).
  const pgCpuMs = cpuDelta(pg0, procCpu(backendPids));
  await sampler;
  await sleep(2_500);
  const after = await dbStats(m);
  const waitTotal = [...waitCounts.values()].reduce((a, b) => a + b, 0);
  const tables: Load['tables'] = [];
  for (const [name, a] of after.tables) {
    const b = before.tables.get(name);
    const d = (k: keyof TableRow) => Number(a[k]) - Number(b?.[k] ?? 0);
    const t = { table: name, inserted: d('ins'), updated: d('upd'), deleted: d('del'), idxScans: d('idx'), seqScans: d('seq'), seqRows: d('seqr') };
    if (t.inserted || t.updated || t.deleted || t.idxScans || t.seqScans) tables.push(t);
  }
  tables.sort((x, y) => y.idxScans + y.seqScans + y.inserted + y.updated - (x.idxScans + x.seqScans + x.inserted + x.updated));
  return {
    value,
    wallMs,
    load: {
      db: { commits: after.commits - before.commits, rollbacks: after.rollbacks - before.rollbacks, deadlocks: after.deadlocks - before.deadlocks },
      waits: [...waitCounts].sort((a, b) => b[1] - a[1]).map(([event, n]) => ({ event, share: waitTotal ? n / waitTotal : 0 })),
      activeBackends: samples ? activeSum / samples : Number.NaN,
      poolFull: samples ? full / samples : Number.NaN,
      cpuBusy: cpu1.all - cpu0.all > 0 ? 1 - (cpu1.idle - cpu0.idle) / (cpu1.all - cpu0.all) : Number.NaN,
      cpu: { server: serverCpuMs / wallMs, postgres: pgCpuMs / wallMs, client: (own.user + own.system) / 1000 / wallMs },
      tables,
    },
  };
}

// ---------------------------------------------------------------------------------------
// A PostgreSQL wire-protocol counter: a TCP proxy that reads the message headers going by.

type StatementStat = { sql: string; calls: number; totalMs: number };

/**
 * Counts the statements a server sends (extended-protocol Execute and simple Query
 * messages) and times them from Sync to ReadyForQuery, per SQL text (prepared statements are
 * named by their Parse). Only for the sequential profile: it adds a hop to every round trip.
 */
class WireCounter {
  recording = false;
  statements = new Map<string, StatementStat>();
  /** Statements executed (Execute and simple Query messages). */
  count = 0;
  /** Round trips: Sync or simple Query → ReadyForQuery, plus each Flush a describe waits on. */
  roundTrips = 0;
  /** Parse messages: statements PostgreSQL had to parse and plan again. */
  parses = 0;
  dbMs = 0;
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {}

  async listen(): Promise<number> {
    this.server = net.createServer((client) => this.connection(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this.port;
  }

  reset() {
    this.statements.clear();
    this.count = 0;
    this.roundTrips = 0;
    this.parses = 0;
    this.dbMs = 0;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private connection(client: net.Socket) {
    const upstream = net.connect(this.upstreamPort, this.upstreamHost);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);

    let startup = true;
    let sslAnswer = false;
    let parsing = true;
    let inBuf: Buffer = Buffer.alloc(0);
    let outBuf: Buffer = Buffer.alloc(0);
    const prepared = new Map<string, string>();
    let current = '';
    let pending: string[] = [];
    /** When the first message since the last Sync went out (a describe round trip included). */
    let batchStart = 0;
    const syncs: { t0: number; sql: string[] }[] = [];
    const cstr = (b: Buffer, at: number) => {
      const end0 = b.indexOf(0, at);
      return { s: b.toString('utf8', at, end0), next: end0 + 1 };
    };

    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (!parsing) return;
      inBuf = inBuf.length ? Buffer.concat([inBuf, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (inBuf.length < 8) break;
          const len = inBuf.readInt32BE(0);
          if (inBuf.length < len) break;
          const code = inBuf.readInt32BE(4);
          inBuf = inBuf.subarray(len);
          if (code === 80877103 || code === 80877104) sslAnswer = true;
          else startup = false;
          continue;
        }
        if (inBuf.length < 5) break;
        const type = String.fromCharCode(inBuf[0]!);
        const len = inBuf.readInt32BE(1);
        if (inBuf.length < 1 + len) break;
        const body = inBuf.subarray(5, 1 + len);
        if (!batchStart && type !== 'S') batchStart = performance.now();
        if (type === 'P') {
          if (this.recording) this.parses++;
          const name = cstr(body, 0);
          prepared.set(name.s, cstr(body, name.next).s);
        } else if (type === 'B') {
          const portal = cstr(body, 0);
          current = prepared.get(cstr(body, portal.next).s) ?? '?';
        } else if (type === 'E') {
          pending.push(current);
        } else if (type === 'H') {
          // A Flush: postgres.js asks for the parameter types of an unnamed statement and
          // waits for them before it sends Bind/Execute/Sync: one more round trip.
          if (this.recording) this.roundTrips++;
        } else if (type === 'S') {
          syncs.push({ t0: batchStart || performance.now(), sql: pending });
          pending = [];
          batchStart = 0;
        } else if (type === 'Q') {
          syncs.push({ t0: batchStart || performance.now(), sql: [cstr(body, 0).s] });
          batchStart = 0;
        }
        inBuf = inBuf.subarray(1 + len);
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (!parsing) return;
      outBuf = outBuf.length ? Buffer.concat([outBuf, chunk]) : chunk;
      if (sslAnswer && outBuf.length >= 1) {
        sslAnswer = false;
        const answer = String.fromCharCode(outBuf[0]!);
        outBuf = outBuf.subarray(1);
        if (answer === 'S') {
          parsing = false; // TLS: nothing to read
          return;
        }
      }
      for (;;) {
        if (outBuf.length < 5) break;
        const type = String.fromCharCode(outBuf[0]!);
        const len = outBuf.readInt32BE(1);
        if (outBuf.length < 1 + len) break;
        if (type === 'Z') {
          const s = syncs.shift();
          if (s && this.recording) {
            const ms = performance.now() - s.t0;
            this.roundTrips++;
            this.dbMs += ms;
            for (const q of s.sql) {
              this.count++;
              const st = this.statements.get(q) ?? { sql: q, calls: 0, totalMs: 0 };
              st.calls++;
              st.totalMs += ms / s.sql.length;
              this.statements.set(q, st);
            }
          }
        }
        outBuf = outBuf.subarray(1 + len);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------
// The benchmark

/**
 * Runs the outbound benchmark; `{ skipped }` when PostgreSQL cannot be reached (or no database
 * can be created there). Always stops the servers and drops the bench database.
 */
export async function benchOutbound(root: string, progress: (line: string) => void = () => {}, opts: OutboundOptions = {}): Promise<OutboundBench> {
  const orderCount = opts.orders ?? 10_000;
  const clientCounts = opts.clientCounts ?? [20, 50];
  const importRequests = opts.importRequests ?? 10;
  const productCount = opts.products ?? 50;
  const stockPerProduct = opts.stockPerProduct ?? 20_000;
  const scannerCount = opts.scanners ?? 50;
  const ordersPerList = opts.ordersPerList ?? 20;
  const adminUrl = opts.adminUrl ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const shown = (() => {
    const u = new URL(adminUrl);
    u.password = u.password ? '***' : '';
    return u.toString();
  })();

  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  let version: string;
  try {
    const [row] = await admin<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    version = row!.v;
  } catch (err) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return { skipped: `PostgreSQL not reachable at ${shown} (${errorText(err)}); set BENCH_DATABASE_URL` };
  }
  const database = `caravan_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.unsafe(`CREATE DATABASE "${database}"`);
  } catch (err) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return { skipped: `cannot create a database on PostgreSQL ${version} at ${shown} (${errorText(err)})` };
  }
  const benchUrl = withDatabase(adminUrl, database);
  progress(`PostgreSQL ${version} at ${shown}: created database ${database}`);

  let server: Server | null = null;
  let profileServer: Server | null = null;
  let counter: WireCounter | null = null;
  let monitor: postgres.Sql | null = null;
  let direct: Database | null = null;
  let rssTimer: NodeJS.Timeout | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      if (rssTimer) clearInterval(rssTimer);
      if (running(server)) await stopServer(server);
      if (running(profileServer)) await stopServer(profileServer);
      await counter?.close().catch(() => {});
      await direct?.close().catch(() => {});
      await monitor?.end({ timeout: 2 }).catch(() => {});
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        progress(`dropped database ${database}`);
      } catch (err) {
        process.stderr.write(`  ! could not drop database ${database}: ${errorText(err)}\n`);
      }
      await admin.end({ timeout: 2 }).catch(() => {});
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`  ! ${signal}: stopping the server and dropping ${database}\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const killOnExit = () => {
    server?.child.kill('SIGKILL');
    profileServer?.child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  try {
    const port = await freePort();
    server = await startServer(root, benchUrl, port);
    const origin = `http://127.0.0.1:${port}`;
    progress(`server ready on ${origin} in ${(server.readyMs / 1000).toFixed(1)} s (demo seeded first; migrate + start on PostgreSQL)`);
    monitor = postgres(benchUrl, { max: 1, onnotice: () => {} });
    const [self] = await monitor<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;

    // Server memory: the whole process tree (tsx and the node running the app), every 500 ms.
    const tree = processTree(server.child.pid ?? 0);
    let phase = 'setup';
    let peak = 0;
    const phasePeaks = new Map<string, number>();
    const sampleRss = () => {
      const rss = tree.reduce((n, pid) => n + (procMemMiB(pid, 'VmRSS') || 0), 0);
      peak = Math.max(peak, rss);
      phasePeaks.set(phase, Math.max(phasePeaks.get(phase) ?? 0, rss));
    };
    rssTimer = setInterval(sampleRss, RSS_SAMPLE_MS);
    rssTimer.unref();

    // --- Stock: 50 products of one seller, each on its own ambient storage location -----------
    const t0 = performance.now();
    const pool = await monitor<Product[]>`
      SELECT p.id, p.sku, b.code AS ean
      FROM products p JOIN sellers s ON s.id = p.seller_id
      JOIN product_barcodes b ON b.product_id = p.id AND b.kind = 'ean13' AND b.units = 1
      WHERE s.code = ${SELLER} AND p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry
      ORDER BY p.sku
      LIMIT ${productCount}`;
    if (pool.length < productCount) throw new Error(`the demo data has only ${pool.length} ambient products without lot/expiry of ${SELLER}, ${productCount} needed`);
    const shelves = await monitor<{ id: number; code: string }[]>`
      SELECT l.id, l.code FROM locations l JOIN warehouses w ON w.id = l.warehouse_id JOIN zones z ON z.id = l.zone_id
      WHERE w.code = ${WAREHOUSE} AND l.kind = 'storage' AND l.active AND z.temperature_class = 'ambient'
      ORDER BY l.walk_sequence, l.code`;
    const [supplier] = await monitor<{ id: number }[]>`
      SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = ${WAREHOUSE} AND l.kind = 'supplier' ORDER BY l.id LIMIT 1`;
    if (!supplier || shelves.length === 0) throw new Error(`${WAREHOUSE} has no supplier location or no ambient storage locations`);
    direct = await openDatabase({ url: benchUrl, max: 2 });
    const moves: MoveInput[] = pool.map((p, i) => ({
      productId: p.id,
      quantity: stockPerProduct,
      fromLocationId: supplier.id,
      toLocationId: shelves[i % shelves.length]!.id,
      reason: 'receipt',
      document: { type: 'bench', id: 'outbound-stock' },
      actor: { label: 'bench: outbound stock' },
    }));
    const stocked = await direct.db.transaction((tx) => moveMany(tx, moves));
    const setup = { products: pool.length, units: pool.length * stockPerProduct, locations: Math.min(pool.length, shelves.length), ms: performance.now() - t0, seller: SELLER };
    progress(`stock: ${stocked.entries} receipts of ${stockPerProduct.toLocaleString('en-US')} units (${SELLER}, ${setup.products} products) on ${setup.locations} ambient storage locations in ${Math.round(setup.ms)} ms`);

    // --- Sessions ---------------------------------------------------------------------------
    const sessionCount = Math.max(scannerCount, ...clientCounts, importRequests);
    const clients: SessionClient[] = [];
    let shared = 0;
    for (let i = 0; i < sessionCount; i++) {
      const c = new SessionClient(httpFetcher, origin);
      try {
        await c.signIn(OPERATOR, DEMO_PASSWORD);
        await c.loadCsrf();
      } catch (err) {
        if (i === 0) throw err;
        c.shareSession(clients[0]!);
        shared++;
      }
      clients.push(c);
    }
    const sessions = shared ? `${sessionCount - shared} sessions of ${OPERATOR} (${shared} clients share the first; sign-in refused)` : `${sessionCount} sessions of ${OPERATOR}, one per client`;
    progress(`signed in: ${sessions}`);

    const mon: Monitor = { admin, sql: monitor, database, serverPid: server.child.pid ?? 0, exclude: self!.pid };
    const shipBy = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const checks: Check[] = [];

    /** What the database holds for the orders whose external id starts with `prefix`. */
    const checkOrders = async (label: string, prefix: string, channel: string, sent: OrderSpec[]): Promise<Check> => {
      const like = `${prefix}-%`;
      const [o] = await monitor!<{ n: number; allocated: number; statuses: string }[]>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'allocated')::int AS allocated,
               coalesce(string_agg(DISTINCT status::text, ','), '') AS statuses
        FROM orders WHERE channel = ${channel} AND external_id LIKE ${like}`;
      const [l] = await monitor!<{ lines: number; units: number }[]>`
        SELECT count(*)::int AS lines, coalesce(sum(l.quantity), 0)::int AS units
        FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.channel = ${channel} AND o.external_id LIKE ${like}`;
      const [r] = await monitor!<{ reserved: number; n: number }[]>`
        SELECT coalesce(sum(r.quantity), 0)::int AS reserved, count(*)::int AS n
        FROM reservations r JOIN orders o ON r.document_type = 'order' AND r.document_id = o.id::text
        WHERE r.closed_at IS NULL AND o.channel = ${channel} AND o.external_id LIKE ${like}`;
      const units = unitsOf(sent);
      const ok = o!.n === sent.length && o!.allocated === o!.n && l!.units === units && l!.lines === linesOf(sent) && r!.reserved === units;
      return {
        name: label,
        ok,
        detail: `${o!.n} orders (sent ${sent.length}), ${o!.allocated} allocated (statuses: ${o!.statuses}); ${l!.lines} lines, ${l!.units} units ordered (sent ${units}); ${r!.reserved} units held by ${r!.n} open reservations`,
      };
    };

    // --- Warm-up (not timed): a few orders per client and one small import ---------------------
    phase = 'warm-up';
    const warm = makeOrders('WARM', sessionCount * 2, pool, 7);
    await Promise.all(
      clients.map(async (c, i) => {
        for (const o of [warm[2 * i]!, warm[2 * i + 1]!]) {
          const r = await postJson(c, '/api/v1/orders', { warehouse: WAREHOUSE, seller: SELLER, external_id: o.externalId, ship_by: shipBy, lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
          if (r.status !== 201) throw new Error(`warm-up POST /api/v1/orders answered ${r.status}: ${r.text.slice(0, 300)}`);
        }
      }),
    );
    const warmImport = await postJson(clients[0]!, '/api/v1/orders/import/ozon', { seller: SELLER, warehouse: WAREHOUSE, payload: ozonPayload(makeOrders('WARMOZ', 20, pool, 8), shipBy) });
    if (warmImport.status !== 200) throw new Error(`warm-up POST /api/v1/orders/import/ozon answered ${warmImport.status}: ${warmImport.text.slice(0, 300)}`);
    progress(`warm-up: ${warm.length} orders over the API, one import of 20 postings`);

    // --- 1. Livestream bursts -------------------------------------------------------------
    const bursts: BurstCase[] = [];
    const burstOrders = new Map<string, OrderSpec[]>();

    const apiBurst = async (n: number, seed: number): Promise<BurstCase> => {
      const prefix = `LIVE${n}`;
      const list = makeOrders(prefix, orderCount, pool, seed);
      burstOrders.set(prefix, list);
      const statuses: Record<string, number> = {};
      const errorSamples: string[] = [];
      let errors = 0;
      let serverErrors = 0;
      const latencies: number[] = [];
      let next = 0;
      phase = `burst: API, ${n} clients`;
      const { wallMs, load } = await measured(mon, () =>
        Promise.all(
          clients.slice(0, n).map(async (c) => {
            for (let i = next++; i < list.length; i = next++) {
              const o = list[i]!;
              let r: Awaited<ReturnType<typeof postJson>>;
              try {
                r = await postJson(c, '/api/v1/orders', { warehouse: WAREHOUSE, seller: SELLER, external_id: o.externalId, ship_by: shipBy, lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
              } catch (err) {
                errors++;
                statuses.network = (statuses.network ?? 0) + 1;
                if (errorSamples.length < 5) errorSamples.push(`${o.externalId}: ${errorText(err)}`);
                continue;
              }
              statuses[r.status] = (statuses[r.status] ?? 0) + 1;
              if (r.status >= 500) serverErrors++;
              if (r.status !== 201 || r.json.status !== 'allocated' || r.json.created !== true) {
                errors++;
                if (errorSamples.length < 5) errorSamples.push(`${o.externalId}: ${r.status} ${r.text.slice(0, 200)}`);
                continue;
              }
              latencies.push(r.ms);
            }
          }),
        ),
      );
      const check = await checkOrders(`API burst, ${n} clients`, prefix, 'api', list);
      const result: BurstCase = {
        name: `POST /api/v1/orders, ${n} clients`,
        via: 'api',
        clients: n,
        requests: list.length,
        orders: list.length,
        units: unitsOf(list),
        lines: linesOf(list),
        wallMs,
        ordersPerSec: list.length / (wallMs / 1000),
        stats: summarize(latencies),
        errors,
        serverErrors,
        errorSamples,
        statuses,
        load,
        check,
      };
      progress(burstLine(result));
      progress(`check ${check.name}: ${check.ok ? 'ok' : 'MISMATCH'}: ${check.detail}`);
      return result;
    };

    for (const [i, n] of clientCounts.entries()) bursts.push(await apiBurst(n, 100 + i));

    // Ozon import: `parts` payloads of total / parts postings each, all sent at once.
    const importBurst = async (prefix: string, total: number, parts: number, seed: number, name: string): Promise<BurstCase> => {
      const list = makeOrders(prefix, total, pool, seed);
      burstOrders.set(prefix, list);
      const size = Math.ceil(list.length / parts);
      const chunks = Array.from({ length: parts }, (_, i) => list.slice(i * size, (i + 1) * size)).filter((c) => c.length);
      const statuses: Record<string, number> = {};
      const errorSamples: string[] = [];
      let errors = 0;
      let serverErrors = 0;
      const latencies: number[] = [];
      phase = `burst: Ozon import, ${chunks.length} × ${size}`;
      const { wallMs, load } = await measured(mon, () =>
        Promise.all(
          chunks.map(async (chunk, i) => {
            let r: Awaited<ReturnType<typeof postJson>>;
            try {
              r = await postJson(clients[i]!, '/api/v1/orders/import/ozon', { seller: SELLER, warehouse: WAREHOUSE, payload: ozonPayload(chunk, shipBy) });
            } catch (err) {
              errors += chunk.length;
              statuses.network = (statuses.network ?? 0) + 1;
              if (errorSamples.length < 5) errorSamples.push(`import ${i + 1}: ${errorText(err)}`);
              return;
            }
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            if (r.status >= 500) serverErrors++;
            if (r.status !== 200) {
              errors += chunk.length;
              if (errorSamples.length < 5) errorSamples.push(`import ${i + 1}: ${r.status} ${r.text.slice(0, 200)}`);
              return;
            }
            const created = (r.json.created ?? []) as { external_id: string; status: string }[];
            const bad = created.filter((x) => x.status !== 'allocated').length + (chunk.length - created.length);
            if (bad) {
              errors += bad;
              if (errorSamples.length < 5) {
                errorSamples.push(`import ${i + 1}: ${created.length} created of ${chunk.length}, ${bad} not allocated; skipped ${JSON.stringify(r.json.skipped).slice(0, 150)}, rejected ${JSON.stringify(r.json.rejected).slice(0, 150)}`);
              }
            }
            latencies.push(r.ms);
          }),
        ),
      );
      const check = await checkOrders(`Ozon import, ${chunks.length} × ${size}`, prefix, 'ozon', list);
      const result: BurstCase = {
        name,
        via: 'import',
        clients: chunks.length,
        requests: chunks.length,
        orders: list.length,
        units: unitsOf(list),
        lines: linesOf(list),
        wallMs,
        ordersPerSec: list.length / (wallMs / 1000),
        stats: summarize(latencies),
        errors,
        serverErrors,
        errorSamples,
        statuses,
        load,
        check,
      };
      progress(burstLine(result));
      progress(`check ${check.name}: ${check.ok ? 'ok' : 'MISMATCH'}: ${check.detail}`);
      return result;
    };
    // One request alone first: it shows the rate a single request of 10,000 would have; then
    // the burst split into parallel requests.
    const importSize = Math.ceil(orderCount / importRequests);
    bursts.push(await importBurst('OZONONE', importSize, 1, 299, `POST /api/v1/orders/import/ozon, 1 request of ${importSize.toLocaleString('en-US')} postings alone`));
    bursts.push(await importBurst('OZON', orderCount, importRequests, 300, `POST /api/v1/orders/import/ozon, ${importRequests} × ${importSize.toLocaleString('en-US')} postings at once`));
    for (const b of bursts) checks.push(b.check);
    const alone = bursts.find((x) => x.via === 'import' && x.clients === 1);
    const importNote =
      `One import request creates and allocates its postings in batches of 250, one transaction per batch; ` +
      (alone ? `alone, one request of ${alone.orders.toLocaleString('en-US')} took ${(alone.wallMs / 1000).toFixed(1)} s, so one request of ${orderCount.toLocaleString('en-US')} (the endpoint's maximum) would take about ${((orderCount / alone.ordersPerSec)).toFixed(0)} s: ` : '') +
      `the burst was sent as ${importRequests} requests of ${Math.ceil(orderCount / importRequests).toLocaleString('en-US')} postings in parallel instead.`;

    const verifyNow = async (label: string): Promise<VerifyResult> => {
      const t = performance.now();
      const r = await verifyLedger(direct!.db);
      const v = { ok: r.ok, entries: r.entries, balances: r.balances, problems: r.problems, ms: performance.now() - t };
      progress(`verifyLedger ${label}: ${v.ok ? 'ok' : `${v.problems.length} problems`} (${v.entries} entries, ${v.balances} balances, ${Math.round(v.ms)} ms)`);
      return v;
    };
    const verify: VerifyResult[] = [await verifyNow('after the bursts')];

    // --- 2. Scan-to-pick ---------------------------------------------------------------------
    // Pick lists of burst orders (the first API burst), one per scanner, made one after another.
    phase = 'pick lists';
    const firstPrefix = `LIVE${clientCounts[0]}`;
    const listOrders = await monitor<{ id: number }[]>`
      SELECT id FROM orders WHERE channel = 'api' AND external_id LIKE ${firstPrefix + '-%'} AND status = 'allocated' AND pick_list_id IS NULL
      ORDER BY id LIMIT ${scannerCount * ordersPerList}`;
    if (listOrders.length < scannerCount * ordersPerList) throw new Error(`only ${listOrders.length} allocated burst orders for ${scannerCount} pick lists of ${ordersPerList}`);
    type Task = { id: string; location: string; ean: string; quantity: number; order: string };
    const lists: { id: string; tasks: Task[] }[] = [];
    const listCreate: number[] = [];
    for (let s = 0; s < scannerCount; s++) {
      const ids = listOrders.slice(s * ordersPerList, (s + 1) * ordersPerList).map((o) => String(o.id));
      const r = await postJson(clients[0]!, '/api/v1/pick-lists', { warehouse: WAREHOUSE, orders: ids });
      if (r.status !== 201 || typeof r.json.id !== 'string') throw new Error(`POST /api/v1/pick-lists answered ${r.status}: ${r.text.slice(0, 300)}`);
      const tasks = (r.json.tasks ?? []) as Task[];
      const onList = new Set(tasks.map((t) => t.order));
      if (onList.size !== ids.length || ids.some((id) => !onList.has(id))) throw new Error(`pick list ${r.json.id}: tasks for ${onList.size} orders, ${ids.length} asked for`);
      if (tasks.some((t) => !t.ean)) throw new Error(`pick list ${r.json.id}: a task without a barcode`);
      lists.push({ id: r.json.id, tasks });
      listCreate.push(r.ms);
    }
    const taskCount = lists.reduce((n, l) => n + l.tasks.length, 0);
    progress(`${lists.length} pick lists of ${ordersPerList} orders: ${taskCount} tasks, ${lists.reduce((n, l) => n + l.tasks.reduce((m, t) => m + t.quantity, 0), 0)} units; POST /api/v1/pick-lists p50 ${summarize(listCreate).p50.toFixed(0)} ms`);

    const pickStats = { errors: 0, serverErrors: 0, accepted: 0, units: 0, errorSamples: [] as string[] };
    const noteError = (what: string) => {
      pickStats.errors++;
      if (pickStats.errorSamples.length < 5) pickStats.errorSamples.push(what);
    };
    type Done = { key: string; id: string; listId: string; body: Json };
    const history: Done[][] = lists.map(() => []);
    const pickOnce = async (s: number, task: Task | null, retry: Done | null): Promise<number | null> => {
      const list = lists[s]!;
      const listId = retry?.listId ?? list.id;
      const body: Json = retry?.body ?? { task: task!.id, location: task!.location, scan: task!.ean, quantity: task!.quantity };
      const key = retry?.key ?? `bench-pick-${listId}-${String(body.task)}-${randomBytes(4).toString('hex')}`;
      let r: Awaited<ReturnType<typeof postJson>>;
      try {
        r = await postJson(clients[s]!, `/api/v1/pick-lists/${listId}/picks`, body, { 'Idempotency-Key': key });
      } catch (err) {
        noteError(`${retry ? 'retry' : 'pick'}: ${errorText(err)}`);
        return null;
      }
      if (r.status >= 500) pickStats.serverErrors++;
      if (r.status !== 201 || typeof r.json.id !== 'string') {
        noteError(`${retry ? 'retry' : 'pick'} ${r.status}: ${r.text.slice(0, 200)}`);
        return null;
      }
      if (retry) {
        if (r.json.id !== retry.id) {
          noteError(`retry of ${retry.key} answered pick ${String(r.json.id)}, the first answer was ${retry.id}`);
          return null;
        }
        return r.ms;
      }
      if (r.json.task_done !== true) {
        noteError(`pick of task ${task!.id}: task_done ${String(r.json.task_done)}`);
        return null;
      }
      pickStats.accepted++;
      pickStats.units += task!.quantity;
      history[s]!.push({ key, id: r.json.id, listId, body });
      return r.ms;
    };
    const warmPicks = 2;
    phase = 'picking';
    await Promise.all(lists.map(async (l, s) => {
      for (const t of l.tasks.slice(0, warmPicks)) await pickOnce(s, t, null);
    }));
    if (pickStats.errors) throw new Error(`${pickStats.errors} errors during the pick warm-up:\n${pickStats.errorSamples.join('\n')}`);
    const pickLatencies: number[] = [];
    const retryLatencies: number[] = [];
    let retries = 0;
    let retriesSameId = 0;
    let timedPicks = 0;
    const { wallMs: pickWall, load: pickLoad } = await measured(mon, () =>
      Promise.all(
        lists.map(async (l, s) => {
          for (const [i, t] of l.tasks.slice(warmPicks).entries()) {
            timedPicks++;
            const ms = await pickOnce(s, t, null);
            if (ms !== null) pickLatencies.push(ms);
            // 5 %: the scanner sends an earlier pick again (a lost answer, a double Enter).
            if (i % 20 === 10 && history[s]!.length) {
              const prior = history[s]![Math.floor(Math.random() * history[s]!.length)]!;
              retries++;
              const rms = await pickOnce(s, null, prior);
              if (rms !== null) {
                retriesSameId++;
                retryLatencies.push(rms);
              }
            }
          }
        }),
      ),
    );
    const picking: PickCase = {
      name: `${scannerCount} scanners, one pick list of ${ordersPerList} orders each`,
      scanners: scannerCount,
      lists: lists.length,
      tasks: taskCount,
      picks: timedPicks,
      wallMs: pickWall,
      picksPerSec: timedPicks / (pickWall / 1000),
      stats: summarize(pickLatencies),
      retries,
      retriesSameId,
      retryStats: summarize(retryLatencies),
      errors: pickStats.errors,
      serverErrors: pickStats.serverErrors,
      errorSamples: pickStats.errorSamples,
      listCreate: summarize(listCreate),
      load: pickLoad,
    };
    progress(
      `picking: ${picking.picksPerSec.toFixed(0)} picks/s, p50 ${picking.stats.p50.toFixed(1)} ms, p95 ${picking.stats.p95.toFixed(1)} ms, p99 ${picking.stats.p99.toFixed(1)} ms, ` +
        `${picking.errors} errors, retries ${retriesSameId}/${retries} same pick, ${pickLoad.db.deadlocks} deadlocks; ${loadLine(pickLoad)}`,
    );

    // Picks against the database: one ledger entry and one picks row per pick answered 201.
    {
      const listIds = lists.map((l) => Number(l.id));
      const orderIds = [...new Set(lists.flatMap((l) => l.tasks.map((t) => t.order)))];
      const taskUnits = lists.reduce((n, l) => n + l.tasks.reduce((m, t) => m + t.quantity, 0), 0);
      const [ledger] = await monitor<{ n: number; q: number }[]>`
        SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::int AS q FROM ledger_entries
        WHERE reason = 'pick' AND document_type = 'order' AND document_id = ANY(${orderIds}::text[])`;
      const [pk] = await monitor<{ n: number; q: number }[]>`
        SELECT count(*)::int AS n, coalesce(sum(p.quantity), 0)::int AS q FROM picks p JOIN pick_tasks t ON t.id = p.task_id WHERE t.pick_list_id = ANY(${listIds}::int[])`;
      const [tasks] = await monitor<{ n: number; done: number }[]>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'done')::int AS done FROM pick_tasks WHERE pick_list_id = ANY(${listIds}::int[])`;
      const [pl] = await monitor<{ done: number }[]>`SELECT count(*) FILTER (WHERE status = 'done')::int AS done FROM pick_lists WHERE id = ANY(${listIds}::int[])`;
      const [ord] = await monitor<{ picked: number }[]>`SELECT count(*) FILTER (WHERE status = 'picked')::int AS picked FROM orders WHERE id = ANY(${orderIds.map(Number)}::int[])`;
      const [open] = await monitor<{ n: number; q: number }[]>`
        SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::int AS q FROM reservations
        WHERE document_type = 'order' AND document_id = ANY(${orderIds}::text[]) AND closed_at IS NULL`;
      const ok =
        ledger!.n === pickStats.accepted && ledger!.q === pickStats.units && pk!.n === pickStats.accepted && pk!.q === pickStats.units && pickStats.units === taskUnits &&
        tasks!.n === taskCount && tasks!.done === taskCount && pl!.done === lists.length && ord!.picked === orderIds.length && open!.n === 0;
      const check: Check = {
        name: 'picks',
        ok,
        detail:
          `${pickStats.accepted} picks answered 201 (warm-up included, retries not), ${pickStats.units} units of ${taskUnits} on the lists; ${ledger!.n} 'pick' ledger entries (${ledger!.q} units), ${pk!.n} picks rows (${pk!.q} units); ` +
          `${tasks!.done}/${tasks!.n} tasks done, ${pl!.done}/${lists.length} lists done, ${ord!.picked}/${orderIds.length} orders picked; ${open!.n} open reservations left on them`,
      };
      checks.push(check);
      progress(`check picks: ${check.ok ? 'ok' : 'MISMATCH'}: ${check.detail}`);
    }

    // Peak memory of the server (the kernel's high-water mark of each process of the tree).
    sampleRss();
    const hwmMiB = tree.reduce((n, pid) => n + (procMemMiB(pid, 'VmHWM') || 0), 0);
    clearInterval(rssTimer);
    rssTimer = null;
    const rss = { peakMiB: peak, phases: [...phasePeaks].map(([p, mib]) => ({ phase: p, peakMiB: mib })), hwmMiB };
    progress(`server peak RSS (tsx + node, sampled every ${RSS_SAMPLE_MS} ms): ${peak.toFixed(0)} MiB; kernel high-water mark ${hwmMiB.toFixed(0)} MiB`);

    const stop = await stopServer(server);
    progress(`server stopped in ${Math.round(stop.ms)} ms (exit code ${stop.code}${stop.signal ? `, signal ${stop.signal}` : ''})`);

    // --- Statement profile: a second server behind the wire counter, one request at a time ----
    let profile: StatementProfile[] | null = null;
    let profileNote = 'not run';
    if (opts.profile ?? true) {
      try {
        const backends = async () =>
          (await admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${database} AND backend_type = 'client backend'`).map((r) => r.pid);
        profile = await statementProfile(
          root,
          benchUrl,
          pool,
          shipBy,
          progress,
          (c, s) => {
            counter = c;
            profileServer = s;
          },
          backends,
        );
        profileNote = 'ok';
      } catch (err) {
        profileNote = `failed: ${errorText(err).split('\n')[0]}`;
        process.stderr.write(`  ! statement profile failed: ${(err as Error).stack ?? String(err)}\n`);
      } finally {
        if (running(profileServer)) await stopServer(profileServer);
        await (counter as WireCounter | null)?.close().catch(() => {});
      }
    }

    verify.push(await verifyNow('at the end'));
    return {
      postgres: `PostgreSQL ${version} at ${shown}`,
      database,
      readyMs: server.readyMs,
      sessions,
      setup,
      bursts,
      importNote,
      picking,
      checks,
      verify,
      rss,
      profile,
      profileNote,
      serverLog: { unhandled: server.log.unhandled, tail: server.log.tail },
      stop: { ms: stop.ms, code: stop.code, signal: stop.signal },
    };
  } catch (err) {
    if (server?.log.tail) process.stderr.write(`--- server output (tail) ---\n${server.log.tail}\n`);
    throw err;
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', killOnExit);
  }
}

/**
 * Statements per request: a second server on the same database, its PostgreSQL connection
 * through a WireCounter, sent one request at a time by one client: orders over the API (1, 2
 * and 3 lines), one Ozon import, one pick list and its picks.
 */
async function statementProfile(
  root: string,
  benchUrl: string,
  pool: Product[],
  shipBy: string,
  progress: (line: string) => void,
  started: (counter: WireCounter, server: Server) => void,
  backendPids: () => Promise<number[]>,
): Promise<StatementProfile[]> {
  const u = new URL(benchUrl);
  const counter = new WireCounter(u.hostname, Number(u.port || 5432));
  const proxyPort = await counter.listen();
  const proxied = new URL(benchUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxyPort);
  const port = await freePort();
  const server = await startServer(root, proxied.toString(), port);
  started(counter, server);
  const origin = `http://127.0.0.1:${port}`;
  const client = new SessionClient(httpFetcher, origin);
  await client.signIn(OPERATOR, DEMO_PASSWORD);
  await client.loadCsrf();
  progress(`statement profile: a second server behind the wire counter on ${origin}`);

  const orderBody = (o: OrderSpec) => ({ warehouse: WAREHOUSE, seller: SELLER, external_id: o.externalId, ship_by: shipBy, lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
  // Warm-up: every pooled connection prepares its statements once.
  for (const o of makeOrders('PROFWARM', 40, pool, 11)) {
    const r = await postJson(client, '/api/v1/orders', orderBody(o));
    if (r.status !== 201) throw new Error(`profile warm-up: POST /api/v1/orders answered ${r.status}: ${r.text.slice(0, 200)}`);
  }

  const out: StatementProfile[] = [];
  const serverPids = processTree(server.child.pid ?? 0);
  const record = async (name: string, requests: number, perItem: number, run: () => Promise<number[]>) => {
    const pgPids = await backendPids();
    const server0 = procCpu(serverPids);
    const pg0 = procCpu(pgPids);
    counter.reset();
    counter.recording = true;
    let times: number[];
    try {
      times = await run();
    } finally {
      counter.recording = false;
    }
    const serverCpu = cpuDelta(server0, procCpu(serverPids));
    const pgCpu = cpuDelta(pg0, procCpu(pgPids));
    const n = requests * perItem;
    const stats = [...counter.statements.values()];
    const begins = stats.filter((s) => /^\s*begin\b/i.test(s.sql)).reduce((a, s) => a + s.calls, 0);
    out.push({
      name,
      requests,
      statements: counter.count / n,
      roundTrips: counter.roundTrips / n,
      parses: counter.parses / n,
      transactions: begins / n,
      msP50: summarize(times).p50 / perItem,
      dbMs: counter.dbMs / n,
      serverCpuMs: serverCpu / n,
      postgresCpuMs: pgCpu / n,
      top: stats
        .sort((a, b) => b.calls - a.calls || b.totalMs - a.totalMs)
        .slice(0, 8)
        .map((s) => ({ sql: s.sql, perRequest: s.calls / n, avgMs: s.totalMs / s.calls })),
    });
    const p = out[out.length - 1]!;
    progress(`profile ${name}: ${p.statements.toFixed(1)} statements, ${p.roundTrips.toFixed(1)} round trips, ${p.parses.toFixed(1)} parses, ${p.transactions.toFixed(1)} transactions, ${p.msP50.toFixed(1)} ms (${p.dbMs.toFixed(1)} ms in statements); CPU server ${p.serverCpuMs.toFixed(1)} ms, PostgreSQL ${p.postgresCpuMs.toFixed(1)} ms`);
  };

  const all = makeOrders('PROF', 300, pool, 12);
  const ids: string[] = [];
  for (const lines of [1, 2, 3]) {
    const some = all.filter((o) => o.lines.length === lines).slice(0, 30);
    await record(`POST /api/v1/orders, ${lines} line${lines > 1 ? 's' : ''}`, some.length, 1, async () => {
      const times: number[] = [];
      for (const o of some) {
        const r = await postJson(client, '/api/v1/orders', orderBody(o));
        if (r.status !== 201) throw new Error(`profile: POST /api/v1/orders answered ${r.status}: ${r.text.slice(0, 200)}`);
        ids.push(String(r.json.id));
        times.push(r.ms);
      }
      return times;
    });
  }
  const postings = makeOrders('PROFOZ', 200, pool, 13);
  await record(`POST /api/v1/orders/import/ozon, ${postings.length} postings (per posting)`, 1, postings.length, async () => {
    const r = await postJson(client, '/api/v1/orders/import/ozon', { seller: SELLER, warehouse: WAREHOUSE, payload: ozonPayload(postings, shipBy) });
    if (r.status !== 200 || ((r.json.created ?? []) as unknown[]).length !== postings.length) throw new Error(`profile: import answered ${r.status}: ${r.text.slice(0, 200)}`);
    return [r.ms];
  });
  type Task = { id: string; location: string; ean: string; quantity: number };
  let tasks: Task[] = [];
  let listId = '';
  await record('POST /api/v1/pick-lists, 20 orders', 1, 1, async () => {
    const r = await postJson(client, '/api/v1/pick-lists', { warehouse: WAREHOUSE, orders: ids.slice(0, 20) });
    if (r.status !== 201) throw new Error(`profile: POST /api/v1/pick-lists answered ${r.status}: ${r.text.slice(0, 200)}`);
    tasks = (r.json.tasks ?? []) as Task[];
    listId = String(r.json.id);
    return [r.ms];
  });
  await record('POST /api/v1/pick-lists/:id/picks', tasks.length, 1, async () => {
    const times: number[] = [];
    for (const t of tasks) {
      const r = await postJson(client, `/api/v1/pick-lists/${listId}/picks`, { task: t.id, location: t.location, scan: t.ean, quantity: t.quantity }, { 'Idempotency-Key': `bench-prof-${t.id}-${randomBytes(4).toString('hex')}` });
      if (r.status !== 201) throw new Error(`profile: pick answered ${r.status}: ${r.text.slice(0, 200)}`);
      times.push(r.ms);
    }
    return times;
  });
  await stopServer(server);
  await counter.close();
  return out;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

function loadLine(l: Load): string {
  const cores = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
  return `busy backends ${l.activeBackends.toFixed(1)} (pool of ${SERVER_POOL} full in ${pct(l.poolFull)} of samples), waits: ${l.waits
    .slice(0, 4)
    .map((w) => `${w.event} ${pct(w.share)}`)
    .join(', ')}; CPU server ${cores(l.cpu.server)}, PostgreSQL ${cores(l.cpu.postgres)}, client ${cores(l.cpu.client)} cores, machine ${pct(l.cpuBusy)} busy`;
}

function burstLine(b: BurstCase): string {
  return (
    `${b.name}: ${b.orders} orders in ${(b.wallMs / 1000).toFixed(1)} s = ${b.ordersPerSec.toFixed(0)} orders/s, per request p50 ${b.stats.p50.toFixed(1)} ms, p95 ${b.stats.p95.toFixed(1)} ms, ` +
    `${b.errors} errors, ${b.load.db.commits} commits, ${b.load.db.rollbacks} rollbacks, ${b.load.db.deadlocks} deadlocks; ${loadLine(b.load)}`
  );
}

/**
 * Stock moves against the database's own ceiling: `pgbench -b tpcb-like` (three balance
 * updates, a read and a history insert per transaction) on the same PostgreSQL in the same
 * run, then Caravan's stock moves over HTTP at the same concurrency:
 *
 * - the putaway API, POST /api/v1/putaways: one unit from DOCK-01 to the client's own rack,
 *   each request with its own Idempotency-Key (the dock holds 1,000,000 units of each client's
 *   product, so stock never runs out);
 * - the relocation scanner form, POST /moves (htmx, a session's CSRF field): one unit back and
 *   forth between the client's two racks.
 *
 * Each HTTP client is a signed-in operator session of its own with its own product and racks,
 * so no two clients touch the same balance row. Reported: moves/s and moves/s ÷ pgbench tps.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/db/client.ts';
import { locations, warehouses, zones } from '../src/db/schema/index.ts';
import { moveMany, verifyLedger } from '../src/stock/index.ts';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import { createApp } from '../src/app.tsx';
import { adminUrl, closedLoop, countingDatabase, cpuDelta, CpuWatch, int, pct, procCpu, row, scratchDatabase, shownUrl, type LoadResult, type Outcome, type Scratch } from './harness.ts';
import { MemorySampler, type MemoryReport } from './memory.ts';
import { errorText, running, startServer, stopServer, type Server } from './server-process.ts';
import { rawFetcher } from './raw-fetcher.ts';
import { SessionClient, signedInClients } from './session-client.ts';
import { freePort } from './startup.ts';
import { median, ms } from './stats.ts';

const OPERATOR = 'operator.msk@demo.test';
const WAREHOUSE = 'MSK';
const DOCK = 'DOCK-01';
const RACK_STOCK = 1_000;
const DOCK_STOCK = 1_000_000;

export type PgbenchOptions = { clients?: number[]; seconds?: number; scale?: number; warmupSeconds?: number; adminUrl?: string };

export type PgbenchRun = {
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
  latencyMs: number;
  transactions: number;
  failed: number;
  /**
   * PostgreSQL CPU per transaction: the CPU of pgbench's backends over the middle of the run
   * (from /proc; the backends leave with pgbench) ÷ the transactions of that window at the run's rate.
   */
  postgresMsPerTx: number;
  /** The same transaction sent from this process through postgres.js, the server's driver. */
  fromNode: NodeTpcb;
};

export type NodeTpcb = { tps: number; p50: number; cpuMsPerTx: number; postgresMsPerTx: number };

export type MoveCase = {
  endpoint: 'putaway' | 'relocation';
  clients: number;
  load: LoadResult;
  cpu: { serverMsPerMove: number; postgresMsPerMove: number; serverCores: number; postgresCores: number; clientCores: number; machineBusy: number };
};

export type MoveProfile = { endpoint: 'putaway' | 'relocation'; statements: number; transactions: number; p50: number };

export type PgbenchBench =
  | { skipped: string }
  | { failed: string; memory?: MemoryReport }
  | {
      postgres: string;
      pgbench: PgbenchRun[] | { skipped: string };
      pgbenchScale: number;
      moves: MoveCase[];
      /** One move at a time, in-process on a counting client. */
      profile: MoveProfile[];
      readyMs: number;
      sessions: string;
      checks: { name: string; ok: boolean; detail: string }[];
      verify: { ok: boolean; entries: number; balances: number; problems: string[]; ms: number };
      memory: MemoryReport;
      serverUnhandled: number;
    };

/** Whether `pgbench` runs here; the reason when it does not. */
export function pgbenchAvailable(): string | null {
  const r = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  if (r.error) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'pgbench not found' : `pgbench: ${r.error.message}`;
  return r.status === 0 ? null : `pgbench --version exited with ${r.status}`;
}

function pgbench(args: string[], url: string): Promise<{ code: number | null; out: string }> {
  const u = new URL(url);
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', [...args, ...conn, u.pathname.slice(1)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** Runs pgbench on its own scratch database: initialise at `scale`, then tpcb-like at each client count. */
async function runPgbench(admin: string, clients: number[], seconds: number, scale: number, progress: (line: string) => void): Promise<PgbenchRun[] | { skipped: string }> {
  const missing = pgbenchAvailable();
  if (missing) return { skipped: missing };
  const scratch = await scratchDatabase(admin, 'pgbench', progress);
  if ('skipped' in scratch) return scratch;
  try {
    const t0 = performance.now();
    const init = await pgbench(['-i', '-q', '-s', String(scale)], scratch.url);
    if (init.code !== 0) throw new Error(`pgbench -i failed (${init.code}):\n${init.out.slice(-2000)}`);
    progress(`pgbench -i -s ${scale}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const runs: PgbenchRun[] = [];
    for (const n of clients) {
      const threads = Math.min(2, n);
      const pgRun = pgbench(['-b', 'tpcb-like', '-c', String(n), '-j', String(threads), '-T', String(seconds)], scratch.url);
      const window = await backendCpuWindow(scratch, seconds);
      const r = await pgRun;
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(r.out);
      if (r.code !== 0 || !tps) throw new Error(`pgbench -c ${n} failed (${r.code}):\n${r.out.slice(-2000)}`);
      const latency = /latency average = ([\d.]+) ms/.exec(r.out);
      const done = /number of transactions actually processed: (\d+)/.exec(r.out);
      const failed = /number of failed transactions: (\d+)/.exec(r.out);
      const rate = Number(tps[1]);
      const base = { clients: n, threads, seconds, tps: rate, latencyMs: latency ? Number(latency[1]) : Number.NaN, transactions: done ? Number(done[1]) : Number.NaN, failed: failed ? Number(failed[1]) : 0, postgresMsPerTx: window.cpuMs / ((rate * window.wallMs) / 1000) };
      progress(`pgbench tpcb-like -c ${n} -j ${threads} -T ${seconds}: ${base.tps.toFixed(0)} tps, latency average ${base.latencyMs} ms, PostgreSQL ${base.postgresMsPerTx.toFixed(2)} ms CPU per transaction`);
      const fromNode = await tpcbFromNode(scratch, n, seconds, scale);
      progress(`the same transaction from Node (postgres.js), ${n} clients: ${fromNode.tps.toFixed(0)} tps, p50 ${ms(fromNode.p50)}, ${fromNode.cpuMsPerTx.toFixed(2)} ms of Node CPU and ${fromNode.postgresMsPerTx.toFixed(2)} ms of PostgreSQL CPU per transaction`);
      const run: PgbenchRun = { ...base, fromNode };
      runs.push(run);
    }
    return runs;
  } finally {
    await scratch.drop();
  }
}

/** The client backends now connected to the scratch database (but the asking one). */
async function backendsOf(scratch: Scratch): Promise<number[]> {
  const rows = await scratch.admin<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${scratch.name} AND backend_type = 'client backend' AND pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid);
}

/**
 * The CPU of the scratch database's backends while pgbench runs, from 2 s after its start to
 * 2 s before its end: pgbench's backends exit with it, and /proc forgets them.
 */
async function backendCpuWindow(scratch: Scratch, seconds: number): Promise<{ cpuMs: number; wallMs: number }> {
  const edge = Math.min(2_000, (seconds * 1000) / 4);
  await sleep(edge);
  const pids = await backendsOf(scratch);
  const a = procCpu(pids);
  const t0 = performance.now();
  await sleep(seconds * 1000 - 2 * edge);
  const b = procCpu(pids);
  return { cpuMs: cpuDelta(a, b), wallMs: performance.now() - t0 };
}

/**
 * pgbench's tpcb-like transaction (BEGIN, three balance updates, a read, a history insert,
 * COMMIT, one statement after another) sent from this Node process through postgres.js, the
 * driver the server uses, by `clients` concurrent loops: what the driver itself keeps of
 * pgbench's rate, before any HTTP, session, lookup or rule.
 */
async function tpcbFromNode(scratch: Scratch, clients: number, seconds: number, scale: number): Promise<NodeTpcb> {
  const client = postgres(scratch.url, { max: clients, onnotice: () => {} });
  const pick = (n: number) => 1 + Math.floor(Math.random() * n);
  const once = () => {
    const aid = pick(100_000 * scale);
    const bid = pick(scale);
    const tid = pick(10 * scale);
    const delta = pick(10_001) - 5_001;
    return client.begin(async (tx) => {
      await tx`UPDATE pgbench_accounts SET abalance = abalance + ${delta} WHERE aid = ${aid}`;
      await tx`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid}`;
      await tx`UPDATE pgbench_tellers SET tbalance = tbalance + ${delta} WHERE tid = ${tid}`;
      await tx`UPDATE pgbench_branches SET bbalance = bbalance + ${delta} WHERE bid = ${bid}`;
      await tx`INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (${tid}, ${bid}, ${aid}, ${delta}, CURRENT_TIMESTAMP)`;
    });
  };
  try {
    await Promise.all(Array.from({ length: clients }, () => once())); // connect, prepare
    const backends = await backendsOf(scratch);
    const times: number[] = [];
    const pg0 = procCpu(backends);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          const s0 = performance.now();
          await once();
          times.push(performance.now() - s0);
        }
      }),
    );
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const pg = cpuDelta(pg0, procCpu(backends));
    return { tps: times.length / (wall / 1000), p50: median(times), cpuMsPerTx: (cpu.user + cpu.system) / 1000 / times.length, postgresMsPerTx: pg / times.length };
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function benchPgbench(root: string, progress: (line: string) => void = () => {}, opts: PgbenchOptions = {}): Promise<PgbenchBench> {
  const clientCounts = opts.clients ?? [8, 50];
  const seconds = opts.seconds ?? 15;
  const scale = opts.scale ?? 10;
  const warmupMs = (opts.warmupSeconds ?? 3) * 1000;
  const admin = adminUrl(opts.adminUrl);
  const maxClients = Math.max(...clientCounts);

  let pg: PgbenchRun[] | { skipped: string };
  try {
    pg = await runPgbench(admin, clientCounts, seconds, scale, progress);
  } catch (err) {
    return { failed: `pgbench: ${(err as Error).message}` };
  }
  if ('skipped' in pg) progress(`pgbench: skipped: ${pg.skipped}`);

  const scratch = await scratchDatabase(admin, 'moves', progress);
  if ('skipped' in scratch) return scratch;
  let server: Server | null = null;
  let direct: Database | null = null;
  let memory: MemorySampler | null = null;
  const killOnExit = () => server?.child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const port = await freePort();
    server = await startServer(root, scratch.url, port);
    const origin = `http://127.0.0.1:${port}`;
    memory = new MemorySampler('Stock moves over HTTP (pgbench section)', server.child.pid ?? 0);
    progress(`server ready in ${(server.readyMs / 1000).toFixed(1)} s (demo seeded first; migrate + start on PostgreSQL)`);
    direct = await openDatabase({ url: scratch.url, max: 4 });
    const monitor = postgres(scratch.url, { max: 1, onnotice: () => {} });
    try {
      const setup = await prepare(direct, monitor, maxClients);
      progress(`${maxClients} products of ${setup.sellers}, each with ${int(DOCK_STOCK)} units on ${DOCK} and ${int(RACK_STOCK)} on its own rack; 2 racks per client`);

      const clients = await signedInClients(rawFetcher(), origin, maxClients, OPERATOR, DEMO_PASSWORD, '/moves/new');
      const sessions = `${maxClients} sessions of ${OPERATOR}, one per client`;
      progress(`signed in: ${sessions}`);

      const countMoves = async () => Number((await monitor<{ n: number }[]>`SELECT count(*)::int AS n FROM ledger_entries WHERE reason IN ('putaway', 'relocation') AND actor_user_id = ${setup.operatorId}`)[0]?.n ?? 0);
      const before = await countMoves();
      const accepted = { putaway: 0, relocation: 0 };
      const racks = setup.products.map(() => ({ a: RACK_STOCK, b: 0, forth: false }));
      const tag = randomBytes(3).toString('hex');

      const send = async (endpoint: 'putaway' | 'relocation', w: number, seq: number, c: SessionClient = clients[w]!): Promise<Outcome> => {
        const p = setup.products[w]!;
        const key = `bench-${tag}-${endpoint}-${w}-${seq}-${randomBytes(3).toString('hex')}`;
        let res: Response;
        let forth = true;
        if (endpoint === 'putaway') {
          res = await c.send('/api/v1/putaways', {
            method: 'POST',
            body: JSON.stringify({ warehouse: WAREHOUSE, seller: p.seller, sku: p.sku, from_location: DOCK, to_location: rackCode(w, 'A'), quantity: 1 }),
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrf, 'Idempotency-Key': key },
          });
        } else {
          // Back when the last move went forth and the far rack holds something; else forth.
          const r = racks[w]!;
          forth = !(r.forth && r.b > 0) && r.a > 0;
          const body = new URLSearchParams({ warehouse: WAREHOUSE, product: p.ean, lot: '', from: rackCode(w, forth ? 'A' : 'B'), to: rackCode(w, forth ? 'B' : 'A'), quantity: '1', idempotency_key: key, _csrf: c.csrf });
          res = await c.send('/moves', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' } });
        }
        const text = await res.text();
        if (res.status !== 201) return { ok: false, error: `${endpoint} ${res.status}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`, serverError: res.status >= 500 };
        accepted[endpoint]++;
        if (endpoint === 'relocation') {
          const r = racks[w]!;
          r.a += forth ? -1 : 1;
          r.b += forth ? 1 : -1;
          r.forth = forth;
        }
        return { ok: true };
      };

      const moves: MoveCase[] = [];
      const serverPid = memory.appPid;
      for (const n of clientCounts) {
        for (const endpoint of ['putaway', 'relocation'] as const) {
          memory.phase(`${endpoint} ×${n}`);
          const warm = await closedLoop(n, warmupMs, (w, i) => send(endpoint, w, -1 - i));
          if (warm.errors) throw new Error(`${endpoint} ×${n}: ${warm.errors} errors in the warm-up: ${warm.errorSamples.join(' | ')}`);
          const cpu = await CpuWatch.start(serverPid, monitor, scratch.name);
          const load = await closedLoop(n, seconds * 1000, (w, i) => send(endpoint, w, i));
          const c = cpu.stop();
          const m: MoveCase = {
            endpoint,
            clients: n,
            load,
            cpu: { serverMsPerMove: c.serverMs / load.ok, postgresMsPerMove: c.postgresMs / load.ok, serverCores: c.serverMs / c.wallMs, postgresCores: c.postgresMs / c.wallMs, clientCores: c.clientMs / c.wallMs, machineBusy: c.machineBusy },
          };
          moves.push(m);
          progress(
            `${endpoint} ×${n}: ${load.rate.toFixed(0)} moves/s, p50 ${ms(load.latency.p50)}, p95 ${ms(load.latency.p95)}, ${load.errors} errors; ` +
              `server CPU ${m.cpu.serverMsPerMove.toFixed(1)} ms/move, PostgreSQL ${m.cpu.postgresMsPerMove.toFixed(1)} ms/move, machine ${pct(c.machineBusy)} busy`,
          );
        }
      }
      memory.phase(null);

      // Statements per move: the same requests in-process, one at a time, on a counting client.
      const profile: MoveProfile[] = [];
      const counting = countingDatabase(scratch.url, 4);
      try {
        const app = createApp({ db: counting.db, settings: { logRequests: false } });
        const local = new SessionClient(app);
        await local.signIn(OPERATOR, DEMO_PASSWORD);
        await local.loadCsrf('/moves/new');
        for (const endpoint of ['putaway', 'relocation'] as const) {
          for (let i = 0; i < 5; i++) await send(endpoint, 0, 1_000_000 + i, local);
          counting.counter.reset();
          const times: number[] = [];
          const n = 50;
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            const o = await send(endpoint, 0, 2_000_000 + i, local);
            times.push(performance.now() - t0);
            if (!o.ok) throw new Error(`in-process ${endpoint}: ${o.error}`);
          }
          const begins = [...counting.counter.byText].filter(([t]) => /^begin\b/i.test(t)).reduce((a, [, k]) => a + k, 0);
          profile.push({ endpoint, statements: counting.counter.statements / n, transactions: begins / n, p50: median(times) });
          progress(`${endpoint} alone, in-process: ${(counting.counter.statements / n).toFixed(1)} statements, ${(begins / n).toFixed(2)} transactions, p50 ${ms(median(times))}`);
          for (const [text, k] of counting.counter.byText) progress(`  ×${(k / n).toFixed(1)} ${text.slice(0, 150)}`);
        }
      } finally {
        await counting.close();
      }

      const after = await countMoves();
      const answered = accepted.putaway + accepted.relocation;
      const neg = Number((await monitor<{ neg: number }[]>`SELECT count(*)::int AS neg FROM stock_balances WHERE location_id = ANY(${setup.rackIds}::int[]) AND on_hand < 0`)[0]?.neg ?? 0);
      const checks = [
        { name: 'ledger entries = moves answered 201', ok: after - before === answered, detail: `${int(answered)} answered 201 (${int(accepted.putaway)} putaways, ${int(accepted.relocation)} relocations, warm-ups included); ${int(after - before)} new putaway/relocation entries by the operator` },
        { name: 'no negative rack', ok: neg === 0, detail: `${neg} negative balances on the bench racks` },
      ];
      const report = memory.stop();
      memory = null;
      const stop = await stopServer(server);
      progress(`server stopped in ${Math.round(stop.ms)} ms`);
      const t0 = performance.now();
      const v = await verifyLedger(direct.db);
      const verify = { ok: v.ok, entries: v.entries, balances: v.balances, problems: v.problems, ms: performance.now() - t0 };
      progress(`verifyLedger: ${v.ok ? 'ok' : `${v.problems.length} problems`} (${int(v.entries)} entries, ${ms(verify.ms)})`);
      for (const c of checks) progress(`check ${c.name}: ${c.ok ? 'ok' : 'MISMATCH'}: ${c.detail}`);
      return { postgres: `PostgreSQL ${scratch.version} at ${shownUrl(admin)}`, pgbench: pg, pgbenchScale: scale, moves, profile, readyMs: server.readyMs, sessions, checks, verify, memory: report, serverUnhandled: server.log.unhandled };
    } finally {
      await monitor.end({ timeout: 2 }).catch(() => {});
    }
  } catch (err) {
    if (server) process.stderr.write(`--- server output (tail) ---\n${server.log.tail.slice(-3000)}\n`);
    const report = memory?.stop();
    return { failed: errorText(err), ...(report ? { memory: report } : {}) };
  } finally {
    if (running(server)) await stopServer(server);
    await direct?.close().catch(() => {});
    await (scratch as Scratch).drop();
    process.removeListener('exit', killOnExit);
  }
}

const rackCode = (w: number, side: 'A' | 'B') => `BM-${String(w + 1).padStart(2, '0')}-${side}`;

/** Products, racks and stock for `n` clients: ambient goods without lot or expiry, one product per client. */
async function prepare(database: Database, monitor: postgres.Sql, n: number) {
  const db = database.db;
  const [wh] = await db.select().from(warehouses).where(eq(warehouses.code, WAREHOUSE));
  const [zone] = await db.select().from(zones).where(and(eq(zones.warehouseId, wh!.id), eq(zones.code, 'AMBIENT')));
  const products = await monitor<{ id: number; sku: string; seller: string; ean: string }[]>`
    SELECT p.id, p.sku, s.code AS seller, b.code AS ean
    FROM products p JOIN sellers s ON s.id = p.seller_id
    JOIN product_barcodes b ON b.product_id = p.id AND b.kind = 'ean13' AND b.units = 1
    WHERE p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry
    ORDER BY s.code, p.sku LIMIT ${n}`;
  if (products.length < n) throw new Error(`the demo data has ${products.length} ambient products without lot or expiry, ${n} needed`);
  const racks = await db
    .insert(locations)
    .values(Array.from({ length: n }, (_, w) => (['A', 'B'] as const).map((side) => ({ warehouseId: wh!.id, zoneId: zone!.id, code: rackCode(w, side), kind: 'storage' as const, walkSequence: 8000 + w * 2 + (side === 'A' ? 0 : 1) }))).flat())
    .returning({ id: locations.id, code: locations.code });
  const rackId = new Map(racks.map((r) => [r.code, r.id]));
  const [supplier] = await db.select().from(locations).where(and(eq(locations.warehouseId, wh!.id), eq(locations.kind, 'supplier')));
  const [dock] = await db.select().from(locations).where(and(eq(locations.warehouseId, wh!.id), eq(locations.code, DOCK)));
  const actor = { label: 'bench' };
  await db.transaction((tx) =>
    moveMany(
      tx,
      products.flatMap((p, w) => [
        { productId: p.id, quantity: DOCK_STOCK, fromLocationId: supplier!.id, toLocationId: dock!.id, reason: 'receipt' as const, actor },
        { productId: p.id, quantity: RACK_STOCK, fromLocationId: supplier!.id, toLocationId: rackId.get(rackCode(w, 'A'))!, reason: 'receipt' as const, actor },
      ]),
    ),
  );
  const [operator] = await monitor<{ id: number }[]>`SELECT id FROM users WHERE email = ${OPERATOR}`;
  return { products: [...products], sellers: [...new Set(products.map((p) => p.seller))].join(', '), rackIds: racks.map((r) => r.id), operatorId: operator!.id };
}

export function pgbenchMarkdown(r: PgbenchBench): string[] {
  if ('skipped' in r) return [`Stock moves vs pgbench: skipped, ${r.skipped}.`];
  if ('failed' in r) return [`Stock moves vs pgbench: **failed**: ${r.failed.split('\n')[0]}`];
  const out: string[] = [];
  const pg = 'skipped' in r.pgbench ? null : r.pgbench;
  const tpsAt = (n: number) => pg?.find((x) => x.clients === n)?.tps ?? Number.NaN;
  out.push(row(['Stock moves over HTTP vs pgbench tpcb-like, same PostgreSQL, same run', 'Clients', 'Per second', 'p50', 'p95', 'p99', 'Errors', 'Server CPU per move', 'PostgreSQL CPU per move', 'CPU in cores: server / PostgreSQL / bench client', 'Machine busy', 'Ratio to pgbench (target ≥ 0.5)']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
  if (pg) {
    for (const p of pg) out.push(row([`pgbench -b tpcb-like -j ${p.threads} -T ${p.seconds}, scale ${r.pgbenchScale}`, p.clients, `${p.tps.toFixed(0)} tps`, '', '', '', p.failed, '', ms(p.postgresMsPerTx), '', '', `latency average ${p.latencyMs} ms`]));
    for (const p of pg) {
      const ratio = p.fromNode.tps / p.tps;
      out.push(row(['the same transaction from Node through postgres.js (no HTTP, no checks)', p.clients, `${p.fromNode.tps.toFixed(0)} tps`, ms(p.fromNode.p50), '', '', '', `${p.fromNode.cpuMsPerTx.toFixed(2)} ms (Node)`, ms(p.fromNode.postgresMsPerTx), '', '', ratio.toFixed(2)]));
    }
  }
  else out.push(row(['pgbench', '', `skipped: ${(r.pgbench as { skipped: string }).skipped}`, '', '', '', '', '', '', '', '', '']));
  const label = { putaway: 'POST /api/v1/putaways (JSON, 1 unit dock → rack)', relocation: 'POST /moves (scanner form, htmx, 1 unit rack ↔ rack)' };
  for (const m of r.moves) {
    const ratio = m.load.rate / tpsAt(m.clients);
    const c = m.cpu;
    out.push(
      row([
        label[m.endpoint],
        m.clients,
        `${m.load.rate.toFixed(0)} moves/s`,
        ms(m.load.latency.p50),
        ms(m.load.latency.p95),
        ms(m.load.latency.p99),
        m.load.errors ? `**${m.load.errors}**` : '0',
        ms(c.serverMsPerMove),
        ms(c.postgresMsPerMove),
        `${c.serverCores.toFixed(2)} / ${c.postgresCores.toFixed(2)} / ${c.clientCores.toFixed(2)}`,
        pct(c.machineBusy),
        Number.isFinite(ratio) ? `${ratio.toFixed(2)}: ${ratio >= 0.5 ? 'met' : '**missed**'}` : '—',
      ]),
    );
  }
  out.push('');
  out.push(row(['One move alone (in-process, same database, statements counted)', 'Statements', 'Transactions', 'p50']));
  out.push(row(['---', '---:', '---:', '---:']));
  for (const p of r.profile) out.push(row([label[p.endpoint], p.statements.toFixed(1), p.transactions.toFixed(2), ms(p.p50)]));
  out.push(row(['pgbench tpcb-like transaction', '7 (BEGIN, 3 UPDATE, SELECT, INSERT, END)', '1.00', '']));
  out.push('');
  if (pg) {
    const pgCpuAt = (n: number) => pg.find((x) => x.clients === n)?.postgresMsPerTx ?? Number.NaN;
    out.push(row(['PostgreSQL CPU per move against per pgbench transaction', 'Clients', 'PostgreSQL CPU per move', 'per pgbench transaction', 'Ratio the database work allows']));
    out.push(row(['---', '---:', '---:', '---:', '---:']));
    for (const m of r.moves) {
      const bound = pgCpuAt(m.clients) / m.cpu.postgresMsPerMove;
      out.push(row([label[m.endpoint], m.clients, ms(m.cpu.postgresMsPerMove), ms(pgCpuAt(m.clients)), Number.isFinite(bound) ? bound.toFixed(2) : '—']));
    }
    out.push('');
    out.push(
      'PostgreSQL CPU per pgbench transaction is that of pgbench\'s backends from 2 s after its start to 2 s before its end, ÷ the transactions of that window at the run\'s rate. ' +
        'The last column is the ratio the moves would reach if PostgreSQL\'s CPU were the only limit, as when the app server runs on cores of its own (DESIGN.md §8: several processes behind a load balancer); on one machine the server and PostgreSQL share the cores, and the measured ratio above is lower.',
    );
    out.push('');
  }
  out.push(row(['Check', 'Result']));
  out.push(row(['---', '---']));
  for (const c of r.checks) out.push(row([c.name, `${c.ok ? 'ok' : '**mismatch**'}: ${c.detail}`]));
  out.push(row([`verifyLedger (${int(r.verify.entries)} entries, ${ms(r.verify.ms)})`, r.verify.ok ? 'ok' : `**${r.verify.problems.length} problems**: ${r.verify.problems.slice(0, 3).join('; ')}`]));
  out.push('');
  out.push(
    `Stock moves: the real server on PostgreSQL (${r.postgres}; its pool holds 10 connections), ${r.sessions}, keep-alive HTTP/1.1 on 127.0.0.1 from a raw-socket client (bench/raw-fetcher.ts), closed loop (each client sends its next move when the last one answered) for ${r.moves[0] ? Math.round(r.moves[0].load.wallMs / 1000) : '?'} s after a warm-up. ` +
      `Each client has its own ambient product and its own two racks, so no two clients touch the same balance row; pgbench at scale ${r.pgbenchScale} has ${r.pgbenchScale} branch rows that every transaction updates. ` +
      `The row "from Node" sends pgbench's own transaction, one statement after another, from the bench process through postgres.js, the driver the server uses: what is left of pgbench's rate before any HTTP, session, lookup or rule. ` +
      `A pgbench transaction is 7 statements, one round trip each (BEGIN, 3 balance updates, a read, a history insert, END), sent by a C client; a stock move is one ledger entry and two balance updates, behind an HTTP request, a session check, the lookups of product and locations by their codes and an idempotency check. ` +
      `Server CPU per move is the app process's CPU (from /proc) ÷ moves; PostgreSQL CPU is that of the database's backends.` +
      (r.serverUnhandled ? ` The server logged ${r.serverUnhandled} unhandled errors.` : ''),
  );
  const samples = r.moves.flatMap((m) => m.load.errorSamples.map((e) => `- ${m.endpoint} ×${m.clients}: ${e}`));
  if (samples.length) out.push('', 'First errors:', ...samples);
  return out;
}

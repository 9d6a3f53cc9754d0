/**
 * Receiving throughput: the real server (node_modules/.bin/tsx src/server.ts) on a fresh
 * PostgreSQL database with the demo data, and 20 concurrent scanners sending
 * POST /api/v1/inbound-shipments/:id/receipts over real HTTP (keep-alive). Two cases: one
 * ASN per scanner (20 dock doors, no shared rows) and all scanners on the same ASN (every
 * scan updates the same line and balance rows). Afterwards the ledger, the lines and
 * verifyLedger are checked against the scans that were answered 201.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.ts';
import { verifyLedger } from '../src/stock/index.ts';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import { SessionClient } from './session-client.ts';
import { freePort } from './startup.ts';
import { summarize, type Summary } from './stats.ts';
import { cpuDelta, cpuTotals, procCpu, processTree } from './harness.ts';
import { DEFAULT_ADMIN_URL, errorText, httpFetcher, startServer, stopServer, withDatabase } from './server-process.ts';

const OPERATOR = 'operator.msk@demo.test';
const WAREHOUSE = 'MSK';
const DOCK = 'DOCK-01';
/** How often pg_stat_activity is sampled during a timed run (what the busy backends wait on). */
const SAMPLE_MS = 100;

export type ReceivingOptions = { scanners?: number; warmup?: number; scans?: number; linesPerAsn?: number; adminUrl?: string };

export type ReceivingCase = {
  name: string;
  asns: number;
  lines: number;
  scanners: number;
  /** New scans in the timed part (retries not included). */
  scans: number;
  /** Every request of the timed part (new scans + retries). */
  requests: number;
  wallMs: number;
  scansPerSec: number;
  requestsPerSec: number;
  /** Latency of the new scans of the timed part (request sent → body read). */
  stats: Summary;
  retries: number;
  retriesSameId: number;
  retryStats: Summary;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  statuses: Record<string, number>;
  outcomes: Record<string, number>;
  /** pg_stat_database deltas for the bench database over the timed part (flushed ~1 s later). */
  db: { commits: number; rollbacks: number; deadlocks: number };
  /** Share of pg_stat_activity samples of busy backends by what they do ("CPU" = running, not waiting). */
  waits: { event: string; share: number }[];
  /** Mean number of the server's backends busy per sample (its pool has 10 connections). */
  activeBackends: number;
  /** Whole machine CPU busy during the timed part (share of all cores). */
  cpuBusy: number;
  /** CPU used during the timed part, in cores (1 = one core all the time); NaN where /proc is missing. */
  cpu: { server: number; postgres: number; client: number };
};

export type ReceivingCheck = { name: string; ok: boolean; detail: string };

export type ReceivingBench =
  | { skipped: string }
  | {
      postgres: string;
      database: string;
      readyMs: number;
      sessions: string;
      cases: ReceivingCase[];
      checks: ReceivingCheck[];
      verify: { ok: boolean; entries: number; balances: number; problems: string[]; ms: number };
      serverLog: { unhandled: number; tail: string };
      stop: { ms: number; code: number | null; signal: NodeJS.Signals | null };
    };

type Product = { id: number; sku: string; seller: string; ean: string };
type Asn = { id: string; reference: string; seller: string; products: Product[] };


type Json = Record<string, unknown>;




async function postJson(client: SessionClient, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; text: string }> {
  const res = await client.send(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': client.csrf, ...headers },
  });
  const text = await res.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    /* not JSON: left to the caller's status check */
  }
  return { status: res.status, json, text };
}


/**
 * One timed case: every scanner works its ASN (several may share one) with `warmup` scans,
 * then all start together and send `scans` new scans each plus 5 % retries of earlier keys.
 */
async function runCase(
  name: string,
  clients: SessionClient[],
  asnOf: (scanner: number) => Asn,
  opts: { warmup: number; scans: number; tag: string },
  monitor: { sql: postgres.Sql; database: string; serverPid: number; exclude: number },
  progress: (line: string) => void,
): Promise<{ result: ReceivingCase; accepted: number; asnIds: string[] }> {
  const statuses: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  let serverErrors = 0;
  let accepted = 0;
  const noteError = (what: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(what);
  };

  type Done = { key: string; id: string; body: Json; path: string };
  const history: Done[][] = clients.map(() => []);

  /** One request; returns its latency in ms, or null when it failed. */
  const scanOnce = async (scanner: number, seq: number, retry: Done | null, timed: boolean): Promise<number | null> => {
    const client = clients[scanner]!;
    const asn = asnOf(scanner);
    const product = asn.products[(scanner + seq) % asn.products.length]!;
    const path = retry?.path ?? `/api/v1/inbound-shipments/${asn.id}/receipts`;
    const body = retry?.body ?? { scan: product.ean, quantity: 1 };
    const key = retry?.key ?? `bench-${opts.tag}-${scanner}-${seq}-${randomBytes(4).toString('hex')}`;
    const t0 = performance.now();
    let status: number;
    let text: string;
    try {
      const res = await client.send(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': client.csrf, 'Idempotency-Key': key },
      });
      text = await res.text();
      status = res.status;
    } catch (err) {
      statuses.network = (statuses.network ?? 0) + 1;
      noteError(`${retry ? 'retry' : 'scan'}: ${errorText(err)}`);
      return null;
    }
    const ms = performance.now() - t0;
    if (timed) statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 500) serverErrors++;
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      /* checked below */
    }
    if (status !== 201 || typeof json.id !== 'string') {
      noteError(`${retry ? 'retry' : 'scan'} ${status}: ${text.slice(0, 200)}`);
      return null;
    }
    if (retry) {
      if (json.id !== retry.id) {
        noteError(`retry of ${retry.key} answered receipt ${json.id}, the first answer was ${retry.id}`);
        return null;
      }
      return ms;
    }
    accepted++;
    const outcome = String(json.outcome);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    history[scanner]!.push({ key, id: json.id, body, path });
    return ms;
  };

  // Warm-up: every scanner at once, not timed (the first scan also starts receiving).
  await Promise.all(
    clients.map(async (_, s) => {
      for (let i = 0; i < opts.warmup; i++) await scanOnce(s, i, null, false);
    }),
  );
  if (errors) throw new Error(`${name}: ${errors} errors during the warm-up:\n${errorSamples.join('\n')}`);

  const stat = async () => {
    const [row] = await monitor.sql<{ commits: string; rollbacks: string; deadlocks: string }[]>`
      SELECT xact_commit::text AS commits, xact_rollback::text AS rollbacks, deadlocks::text AS deadlocks FROM pg_stat_database WHERE datname = ${monitor.database}`;
    return { commits: Number(row?.commits ?? 0), rollbacks: Number(row?.rollbacks ?? 0), deadlocks: Number(row?.deadlocks ?? 0) };
  };
  await sleep(1_500); // lets the server's backends flush their statistics
  const before = await stat();

  // What the server's busy backends are doing, sampled while the scanners run.
  const waitCounts = new Map<string, number>();
  let samples = 0;
  let activeSum = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      // Busy = running a statement (on CPU, or waiting: a lock, WAL…) or inside a transaction
      // waiting for the server's next statement ("idle in transaction").
      const rows = await monitor.sql<{ event: string }[]>`
        SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') ELSE state END AS event
        FROM pg_stat_activity
        WHERE datname = ${monitor.database} AND state NOT IN ('idle') AND pid <> pg_backend_pid()`;
      samples++;
      activeSum += rows.length;
      for (const r of rows) waitCounts.set(r.event, (waitCounts.get(r.event) ?? 0) + 1);
      await sleep(SAMPLE_MS);
    }
  })();

  const latencies: number[] = [];
  const retryLatencies: number[] = [];
  let retries = 0;
  let retriesSameId = 0;
  const firstErrors = errors;
  const serverPids = processTree(monitor.serverPid);
  const backendPids = (
    await monitor.sql<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${monitor.database} AND backend_type = 'client backend' AND pid <> ${monitor.exclude}`
  ).map((r) => r.pid);
  const server0 = procCpu(serverPids);
  const pg0 = procCpu(backendPids);
  const cpu0 = cpuTotals();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (_, s) => {
      for (let i = 0; i < opts.scans; i++) {
        const ms = await scanOnce(s, opts.warmup + i, null, true);
        if (ms !== null) latencies.push(ms);
        // 5 %: the scanner sends an earlier scan again (a lost answer, a double Enter).
        if (i % 20 === 10 && history[s]!.length) {
          const prior = history[s]![Math.floor(Math.random() * history[s]!.length)]!;
          retries++;
          const rms = await scanOnce(s, -1, prior, true);
          if (rms !== null) {
            retriesSameId++;
            retryLatencies.push(rms);
          }
        }
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const own = process.cpuUsage(own0);
  const cpu1 = cpuTotals();
  const serverCpuMs = cpuDelta(server0, procCpu(serverPids));
  const pgCpuMs = cpuDelta(pg0, procCpu(backendPids));
  sampling = false;
  await sampler;
  await sleep(1_500);
  const after = await stat();

  const scans = clients.length * opts.scans;
  const waitTotal = [...waitCounts.values()].reduce((a, b) => a + b, 0);
  const result: ReceivingCase = {
    name,
    asns: new Set(clients.map((_, s) => asnOf(s).id)).size,
    lines: asnOf(0).products.length,
    scanners: clients.length,
    scans,
    requests: scans + retries,
    wallMs,
    scansPerSec: scans / (wallMs / 1000),
    requestsPerSec: (scans + retries) / (wallMs / 1000),
    stats: summarize(latencies),
    retries,
    retriesSameId,
    retryStats: summarize(retryLatencies),
    errors: errors - firstErrors,
    serverErrors,
    errorSamples,
    statuses,
    outcomes,
    db: { commits: after.commits - before.commits, rollbacks: after.rollbacks - before.rollbacks, deadlocks: after.deadlocks - before.deadlocks },
    waits: [...waitCounts]
      .sort((a, b) => b[1] - a[1])
      .map(([event, n]) => ({ event, share: waitTotal ? n / waitTotal : 0 })),
    activeBackends: samples ? activeSum / samples : Number.NaN,
    cpuBusy: cpu1.all - cpu0.all > 0 ? 1 - (cpu1.idle - cpu0.idle) / (cpu1.all - cpu0.all) : Number.NaN,
    cpu: { server: serverCpuMs / wallMs, postgres: pgCpuMs / wallMs, client: (own.user + own.system) / 1000 / wallMs },
  };
  const st = result.stats;
  progress(
    `${name}: ${result.scansPerSec.toFixed(0)} scans/s, p50 ${st.p50.toFixed(1)} ms, p95 ${st.p95.toFixed(1)} ms, p99 ${st.p99.toFixed(1)} ms, ` +
      `${result.errors} errors, retries ${retriesSameId}/${retries} same receipt, ${result.db.deadlocks} deadlocks, ${result.db.rollbacks} rollbacks; ` +
      `CPU server ${result.cpu.server.toFixed(2)}, PostgreSQL ${result.cpu.postgres.toFixed(2)}, client ${result.cpu.client.toFixed(2)} cores, machine ${Math.round(result.cpuBusy * 100)} % busy`,
  );
  return { result, accepted, asnIds: [...new Set(clients.map((_, s) => asnOf(s).id))] };
}

/**
 * Runs the receiving benchmark; `{ skipped }` when PostgreSQL cannot be reached (or no
 * database can be created there). Always stops the server and drops the bench database.
 */
export async function benchReceiving(root: string, progress: (line: string) => void = () => {}, opts: ReceivingOptions = {}): Promise<ReceivingBench> {
  const scanners = opts.scanners ?? 20;
  const warmup = opts.warmup ?? 20;
  const scansEach = opts.scans ?? 200;
  const linesPerAsn = opts.linesPerAsn ?? 3;
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

  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let monitor: postgres.Sql | null = null;
  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      if (server && server.child.exitCode === null && server.child.signalCode === null) await stopServer(server);
      await monitor?.end({ timeout: 2 }).catch(() => {});
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        progress(`dropped database ${database}`);
      } catch (err) {
        process.stderr.write(`  ! could not drop database ${database}: ${errorText(err)}\n`);
      }
      await admin.end({ timeout: 2 }).catch(() => {});
    })());
  // Interrupted (Ctrl-C): still stop the server and drop the database.
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`  ! ${signal}: stopping the server and dropping ${database}\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Last resort if the bench dies without reaching cleanup: no server left behind.
  const killOnExit = () => server?.child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    const port = await freePort();
    server = await startServer(root, benchUrl, port);
    const origin = `http://127.0.0.1:${port}`;
    progress(`server ready on ${origin} in ${(server.readyMs / 1000).toFixed(1)} s (demo seeded first; migrate + start on PostgreSQL)`);
    monitor = postgres(benchUrl, { max: 1, onnotice: () => {} });

    // Scanners: one session each as the MSK operator; if sign-in is refused (rate limit), the
    // rest share the first session, each still its own stream of requests.
    const clients: SessionClient[] = [];
    let shared = 0;
    for (let i = 0; i < scanners; i++) {
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
    const sessions = shared ? `${scanners - shared} sessions of ${OPERATOR} (${shared} scanners share the first; sign-in refused: rate limit)` : `${scanners} sessions of ${OPERATOR}, one per scanner`;
    progress(`signed in: ${sessions}`);

    // Ambient goods without lot or expiry, by seller: a scan of their EAN-13 needs nothing else.
    const pool = await monitor<Product[]>`
      SELECT p.id, p.sku, s.code AS seller, b.code AS ean
      FROM products p JOIN sellers s ON s.id = p.seller_id
      JOIN product_barcodes b ON b.product_id = p.id AND b.kind = 'ean13' AND b.units = 1
      WHERE p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry
      ORDER BY s.code, p.sku`;
    const groups: Product[][] = [];
    const bySeller = new Map<string, Product[]>();
    for (const p of pool) bySeller.set(p.seller, [...(bySeller.get(p.seller) ?? []), p]);
    for (const list of bySeller.values()) for (let i = 0; i + linesPerAsn <= list.length; i += linesPerAsn) groups.push(list.slice(i, i + linesPerAsn));
    if (groups.length === 0) throw new Error('the demo data has no ambient products without lot or expiry tracking');
    const distinct = groups.length >= scanners + 1;
    progress(`${pool.length} ambient products without lot/expiry; ${distinct ? 'each ASN gets its own products' : `only ${groups.length} groups of ${linesPerAsn}: ASNs share products`}`);

    const lead = clients[0]!;
    let asnSeq = 0;
    const createAsn = async (tag: string, products: Product[]): Promise<Asn> => {
      const reference = `BENCH-${tag}-${String(++asnSeq).padStart(2, '0')}`;
      const seller = products[0]!.seller;
      const created = await postJson(
        lead,
        '/api/v1/inbound-shipments',
        { warehouse: WAREHOUSE, seller, reference, transport: { mode: 'road_tir' }, lines: products.map((p) => ({ sku: p.sku, quantity: 100_000 })) },
        { 'Idempotency-Key': `bench-asn-${reference}-${randomBytes(4).toString('hex')}` },
      );
      if (created.status !== 201 || typeof created.json.id !== 'string') throw new Error(`POST /api/v1/inbound-shipments answered ${created.status}: ${created.text.slice(0, 300)}`);
      const id = created.json.id;
      const arrived = await postJson(lead, `/api/v1/inbound-shipments/${id}/arrival`, { dock: DOCK, seals: [] });
      if (arrived.status !== 200 || arrived.json.status !== 'arrived') throw new Error(`POST …/${id}/arrival answered ${arrived.status}: ${arrived.text.slice(0, 300)}`);
      return { id, reference, seller, products };
    };

    const separate: Asn[] = [];
    for (let i = 0; i < scanners; i++) separate.push(await createAsn('DOOR', groups[i % groups.length]!));
    const sharedAsn = await createAsn('SHARED', groups[distinct ? scanners : 0]!);
    progress(`created and arrived ${separate.length + 1} ASNs in ${WAREHOUSE} at ${DOCK} (${linesPerAsn} lines of 100,000 each)`);

    // Cluster-wide views read over the admin connection, so the monitor's own queries do not count.
    const [self] = await monitor<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const mon = { sql: admin, database, serverPid: server.child.pid ?? 0, exclude: self!.pid };
    const a = await runCase(`${scanners} ASNs, one per scanner`, clients, (s) => separate[s]!, { warmup, scans: scansEach, tag: 'door' }, mon, progress);
    const b = await runCase(`1 ASN shared by all ${scanners} scanners`, clients, () => sharedAsn, { warmup, scans: scansEach, tag: 'shared' }, mon, progress);

    // Checks against the database: one ledger entry and one line unit per accepted scan.
    const checks: ReceivingCheck[] = [];
    for (const [c, label] of [
      [a, `${scanners} ASNs`],
      [b, 'shared ASN'],
    ] as const) {
      const [ledger] = await monitor<{ n: number; q: number }[]>`
        SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::int AS q FROM ledger_entries
        WHERE reason = 'receipt' AND document_type = 'inbound' AND document_id = ANY(${c.asnIds}::text[])`;
      const [lines] = await monitor<{ received: number; damaged: number; n: number }[]>`
        SELECT coalesce(sum(received_qty), 0)::int AS received, coalesce(sum(damaged_qty), 0)::int AS damaged, count(*)::int AS n
        FROM inbound_lines WHERE shipment_id = ANY(${c.asnIds.map(Number)}::int[])`;
      const [receipts] = await monitor<{ n: number }[]>`SELECT count(*)::int AS n FROM inbound_receipts WHERE shipment_id = ANY(${c.asnIds.map(Number)}::int[])`;
      const expectLines = c.result.asns * c.result.lines;
      const ok = ledger!.n === c.accepted && ledger!.q === c.accepted && lines!.received === c.accepted && lines!.damaged === 0 && receipts!.n === c.accepted && lines!.n === expectLines;
      checks.push({
        name: label,
        ok,
        detail: `${c.accepted} scans answered 201 (warm-up included, retries not); ${ledger!.n} receipt ledger entries (${ledger!.q} units), received_qty sum ${lines!.received}, damaged ${lines!.damaged}, ${receipts!.n} receipts, ${lines!.n} lines (expected ${expectLines})`,
      });
    }

    const stop = await stopServer(server);
    progress(`server stopped in ${Math.round(stop.ms)} ms (exit code ${stop.code}${stop.signal ? `, signal ${stop.signal}` : ''})`);

    const vdb = await openDatabase({ url: benchUrl, max: 2 });
    let verify: { ok: boolean; entries: number; balances: number; problems: string[]; ms: number };
    try {
      const t0 = performance.now();
      const r = await verifyLedger(vdb.db);
      verify = { ok: r.ok, entries: r.entries, balances: r.balances, problems: r.problems, ms: performance.now() - t0 };
    } finally {
      await vdb.close();
    }
    for (const c of checks) progress(`check ${c.name}: ${c.ok ? 'ok' : 'MISMATCH'}: ${c.detail}`);
    progress(`verifyLedger: ${verify.ok ? 'ok' : `${verify.problems.length} problems`} (${verify.entries} entries, ${verify.balances} balances, ${Math.round(verify.ms)} ms)`);

    return {
      postgres: `PostgreSQL ${version} at ${shown}`,
      database,
      readyMs: server.readyMs,
      sessions,
      cases: [a.result, b.result],
      checks,
      verify,
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

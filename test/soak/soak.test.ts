/**
 * The invariant soak and the crash test (`npm run test:soak`). Two server processes on one
 * PostgreSQL database with the demo data; 50 clients send random receipts, putaways, orders,
 * cancellations, pick lists and picks, transfers and temperature readings over HTTP to either
 * process, each with an Idempotency-Key, some sent twice. In the middle one process is killed
 * with SIGKILL and started again; what it did not answer is sent again with the same key.
 * Afterwards: verifyLedger() holds (no negative stock, reservations equal to the balances'),
 * no order line holds more than it ordered, every acknowledged operation is in the ledger
 * exactly once with the acknowledged quantity, every repeated key answered the first result
 * and moved once, and no request got a 5xx.
 *
 * SOAK_SECONDS (default 40) and SOAK_CLIENTS (default 50) bound it; SOAK_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) is where its database is created and dropped.
 * Without PostgreSQL it is skipped, except in CI (CI=true), where it is required.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/rows.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { createApiToken } from '../../src/auth/api-tokens.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_URL = process.env.SOAK_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.SOAK_SECONDS ?? 40);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 50);
const WAREHOUSE = 'MSK';
const DESTINATION = 'ALA';
const SELLER = 'SZ-LIANXIN';
const DOCK = 'DOCK-01';

const reachable = await (async () => {
  const probe = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
})();
if (!reachable && process.env.CI) throw new Error(`the soak needs PostgreSQL at ${ADMIN_URL} in CI`);
if (!reachable) console.warn(`[soak] no PostgreSQL at ${ADMIN_URL}: skipped`);

type Proc = { child: ChildProcess; port: number; exited: Promise<void>; log: string[] };

/** Every error line any server process logged, kept whole so a 5xx can be explained. */
const serverErrors: string[] = [];

async function startServer(databaseUrl: string, port: number, seed: boolean): Promise<Proc> {
  // The server as `npm start` runs it (built once in beforeAll): one process, so SIGKILL kills the server itself.
  const child = spawn(process.execPath, ['dist/server.mjs'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: seed ? 'yes' : 'no', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  let partial = '';
  const keep = (b: Buffer) => {
    const text = b.toString('utf8');
    log.push(text);
    if (log.length > 200) log.shift();
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.includes('"level":"error"')) serverErrors.push(`[${port}] ${line}`);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server on ${port} exited early:\n${log.join('')}`);
    if (Date.now() - t0 > 240_000) throw new Error(`server on ${port} not ready:\n${log.join('')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.ok) return { child, port, exited, log };
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
}

type Answer = { status: number; json: Record<string, unknown> } | { status: 'network'; error: string };
type Ack = { kind: 'receipt' | 'putaway' | 'pick'; key: string; quantity: number; id: string };

describe.skipIf(!reachable)('invariant soak with a crash (two servers, PostgreSQL)', () => {
  const dbName = `caravan_soak_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const dbUrl = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  let database: Database;
  const servers: (Proc | null)[] = [null, null];
  const ports: [number, number] = [0, 0];
  /** One token per client, as each scanner or integration has its own (rate limits are per token). */
  const tokens: string[] = [];
  const deviceTokens: string[] = [];
  let adminId = 0;
  let products: { sku: string }[] = [];
  let storage: string[] = [];
  let chilledZone = '';
  let asns: string[] = [];

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    const base = 20_000 + (process.pid % 20_000);
    ports[0] = base;
    ports[1] = base + 1;
    servers[0] = await startServer(dbUrl, ports[0], true);
    servers[1] = await startServer(dbUrl, ports[1], false);
    database = await openDatabase({ url: dbUrl, max: 4 });
    const db = database.db;
    const [a] = await queryRows<{ id: number }>(db, sql`SELECT id FROM users WHERE email = 'admin@demo.test'`);
    adminId = a!.id;
    const [msk] = await queryRows<{ id: number }>(db, sql`SELECT id FROM warehouses WHERE code = ${WAREHOUSE}`);
    for (let i = 0; i < CLIENTS; i++) {
      tokens.push((await createApiToken(db, { kind: 'user', name: `soak ${i}`, userId: adminId, createdBy: adminId })).token);
      deviceTokens.push((await createApiToken(db, { kind: 'device', name: `soak probe ${i}`, warehouseId: msk!.id, createdBy: adminId })).token);
    }
    products = await queryRows<{ sku: string }>(
      db,
      sql`SELECT p.sku FROM products p JOIN sellers s ON s.id = p.seller_id
          WHERE s.code = ${SELLER} AND p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry ORDER BY p.sku LIMIT 12`,
    );
    storage = (
      await queryRows<{ code: string }>(
        db,
        sql`SELECT l.code FROM locations l JOIN zones z ON z.id = l.zone_id WHERE l.warehouse_id = ${msk!.id} AND l.kind = 'storage' AND l.active AND z.temperature_class = 'ambient' ORDER BY l.code LIMIT 20`,
      )
    ).map((r) => r.code);
    const [zone] = await queryRows<{ code: string }>(db, sql`SELECT code FROM zones WHERE warehouse_id = ${msk!.id} AND temperature_class = 'chilled' ORDER BY code LIMIT 1`);
    chilledZone = zone!.code;
    // ASNs to receive against: submitted and checked in at the dock.
    for (let i = 0; i < 4; i++) {
      const created = await call(0, '/api/v1/inbound-shipments', { warehouse: WAREHOUSE, seller: SELLER, reference: `SOAK-${i}-${randomUUID().slice(0, 8)}`, transport: { mode: 'road_tir' }, lines: products.map((p) => ({ sku: p.sku, quantity: 100_000 })) });
      expect(created.status, JSON.stringify(created)).toBe(201);
      const id = String((created as unknown as { json: { id: string } }).json.id);
      for (const [path, body] of [[`/api/v1/inbound-shipments/${id}/arrival`, { dock: DOCK }]] as const) {
        const r = await call(0, path, body);
        expect(r.status, `${path}: ${JSON.stringify(r)}`).toBeLessThan(300);
      }
      asns.push(id);
    }
  }, 300_000);

  afterAll(async () => {
    for (const s of servers) if (s && s.child.exitCode === null) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s?.exited));
    await database?.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end({ timeout: 5 });
  });

  /** Requests sent to each process and not yet answered (the crash waits for some in flight). */
  const inFlight = [0, 0];

  async function call(server: number, path: string, body: unknown, opts: { key?: string; bearer?: string } = {}): Promise<Answer> {
    inFlight[server]!++;
    try {
      const res = await fetch(`http://127.0.0.1:${ports[server]}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${opts.bearer ?? tokens[0]}`, 'Content-Type': 'application/json', ...(opts.key ? { 'Idempotency-Key': opts.key } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { text };
      }
      return { status: res.status, json };
    } catch (err) {
      return { status: 'network', error: String((err as Error).cause ?? err) };
    } finally {
      inFlight[server]!--;
    }
  }

  it(`holds every invariant through ${CLIENTS} clients, repeated keys and a kill -9`, async () => {
    const acks: Ack[] = [];
    const retriedAcks: { first: Ack; again: Record<string, unknown> }[] = [];
    const orders: { id: string; externalId: string }[] = [];
    const orderKeys = new Map<string, string>();
    const transfersDispatched: string[] = [];
    const readingsAt = new Set<string>();
    const statuses: Record<string, number> = {};
    const fiveHundreds: string[] = [];
    let ackedBeforeKill = 0;
    let killedAt = 0;
    let resent = 0;
    let readingSeq = 0;
    // Ten days back: before the demo's day of readings, so only the soak's own are counted.
    const readingBase = Date.now() - 10 * 24 * 3600_000;
    const deadline = Date.now() + SECONDS * 1000;
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
    const alive = (i: number) => servers[i] !== null && servers[i]!.child.exitCode === null && servers[i]!.child.signalCode === null;

    /**
     * Sends until answered: a network failure (the process being killed) is sent again with the
     * same key, to the other process. Returns the answer; counts statuses.
     */
    const send = async (me: number, path: string, body: unknown, opts: { key?: string; bearer?: string } = {}): Promise<Exclude<Answer, { status: 'network' }>> => {
      for (let attempt = 0; ; attempt++) {
        const target = alive(0) && alive(1) ? Math.floor(Math.random() * 2) : alive(0) ? 0 : 1;
        const r = await call(target, path, body, { bearer: tokens[me], ...opts });
        statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
        if (r.status !== 'network') {
          if (r.status >= 500) fiveHundreds.push(`${path} ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
          return r;
        }
        if (attempt > 20) throw new Error(`${path}: no answer after ${attempt} attempts: ${r.error}`);
        resent++;
        await sleep(250);
      }
    };

    const acknowledge = async (me: number, kind: Ack['kind'], path: string, body: Record<string, unknown>) => {
      const key = randomUUID();
      const r = await send(me, path, body, { key });
      if (r.status !== 201) return null;
      const ack: Ack = { kind, key, quantity: Number(r.json.quantity), id: String(r.json.id) };
      acks.push(ack);
      if (!killedAt) ackedBeforeKill++;
      if (Math.random() < 0.1) {
        // The answer was lost: the client sends the same request again.
        const again = await send(me, path, body, { key });
        retriedAcks.push({ first: ack, again: { status: again.status, ...again.json } });
      }
      return r;
    };

    const ops: [number, (me: number) => Promise<unknown>][] = [
      [30, (me) => acknowledge(me, 'receipt', `/api/v1/inbound-shipments/${pick(asns)}/receipts`, { sku: pick(products).sku, quantity: 1 + Math.floor(Math.random() * 3) })],
      [20, (me) => acknowledge(me, 'putaway', '/api/v1/putaways', { warehouse: WAREHOUSE, from_location: DOCK, to_location: pick(storage), sku: pick(products).sku, quantity: 1 })],
      [
        15,
        async (me) => {
          const externalId = `SOAK-${randomUUID()}`;
          const key = randomUUID();
          const body = { warehouse: WAREHOUSE, seller: SELLER, channel: 'api', external_id: externalId, lines: [{ sku: pick(products).sku, quantity: 1 + Math.floor(Math.random() * 2) }] };
          const r = await send(me, '/api/v1/orders', body, { key });
          // 201, also when its first answer was lost to a killed process and the key answers it
          // again; 200: the order was there by its external id alone.
          if (r.status !== 201 && r.status !== 200) return;
          orders.push({ id: String(r.json.id), externalId });
          orderKeys.set(externalId, key);
          if (Math.random() < 0.1) {
            const again = await send(me, '/api/v1/orders', body, { key });
            expect([again.status, String(again.json.id)], `a repeated order answers the first: ${JSON.stringify(again.json).slice(0, 300)}`).toEqual([201, String(r.json.id)]);
          }
        },
      ],
      [5, async (me) => orders.length && send(me, `/api/v1/orders/${pick(orders).id}/cancel`, {})],
      [
        10,
        async (me) => {
          const some = Array.from({ length: 4 }, () => pick(orders)).filter(Boolean);
          if (!some.length) return;
          const list = await send(me, '/api/v1/pick-lists', { warehouse: WAREHOUSE, orders: [...new Set(some.map((o) => Number(o.id)))] });
          if (list.status !== 201) return;
          for (const t of list.json.tasks as { id: string; location: string; sku: string; quantity: number }[]) {
            await acknowledge(me, 'pick', `/api/v1/pick-lists/${String(list.json.id)}/picks`, { task: Number(t.id), location: t.location, sku: t.sku, quantity: t.quantity });
          }
        },
      ],
      [
        5,
        async (me) => {
          const created = await send(me, '/api/v1/transfers', { from_warehouse: WAREHOUSE, to_warehouse: DESTINATION, transport: { mode: 'road_tir' }, lines: [{ sku: pick(products).sku, quantity: 1 + Math.floor(Math.random() * 3) }] }, { key: randomUUID() });
          if (created.status !== 201) return;
          const id = String(created.json.id);
          const picking = await send(me, `/api/v1/transfers/${id}/start-picking`, {});
          if (picking.status >= 300) return;
          const dispatched = await send(me, `/api/v1/transfers/${id}/dispatch`, {});
          if (dispatched.status < 300) transfersDispatched.push(id);
          // Sent twice: the second is refused by status and moves nothing.
          if (Math.random() < 0.2) await send(me, `/api/v1/transfers/${id}/dispatch`, {});
        },
      ],
      [
        15,
        async (me) => {
          const readings = Array.from({ length: 5 }, () => {
            const at = new Date(readingBase + readingSeq++ * 1000).toISOString();
            return { warehouse: WAREHOUSE, zone: chilledZone, celsius: Math.round((3 + Math.random() * 4) * 10) / 10, at };
          });
          const body = { readings };
          const r = await send(me, '/api/v1/temperature-readings', body, { bearer: deviceTokens[me]!, key: randomUUID() });
          if (r.status === 201) for (const x of readings) readingsAt.add(x.at);
          if (Math.random() < 0.1) await send(me, '/api/v1/temperature-readings', body, { bearer: deviceTokens[me]! });
        },
      ],
    ];
    const total = ops.reduce((n, [w]) => n + w, 0);
    const randomOp = () => {
      let x = Math.random() * total;
      for (const [w, op] of ops) if ((x -= w) < 0) return op;
      return ops[0]![1];
    };

    // The crash: kill -9 one process 40 % of the way through, start it again 3 s later.
    const crash = (async () => {
      await sleep(SECONDS * 400);
      // Killed while it is working: with requests in flight, whose answers never come.
      for (const until = Date.now() + 5_000; inFlight[1]! < 3 && Date.now() < until; ) await sleep(2);
      killedAt = Date.now();
      servers[1]!.child.kill('SIGKILL');
      await servers[1]!.exited;
      servers[1] = null;
      await sleep(3_000);
      servers[1] = await startServer(dbUrl, ports[1]!, false);
    })();

    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, me) => {
        while (Date.now() < deadline) await randomOp()(me);
      }),
    );
    await crash;

    const db = database.db;
    const report = await verifyLedger(db);
    expect(report.problems).toEqual([]);
    expect(fiveHundreds, serverErrors.join('\n')).toEqual([]);
    expect(killedAt).toBeGreaterThan(0);
    expect(ackedBeforeKill).toBeGreaterThan(0);
    // Requests in flight or sent while the process was down got no answer and were sent again.
    expect(resent).toBeGreaterThan(0);

    // Every acknowledged move is in the ledger exactly once, with the acknowledged quantity.
    const prefix: Record<Ack['kind'], string> = { receipt: 'receipt:api', putaway: 'putaway:api', pick: 'pick:api' };
    const wanted = acks.map((a) => `${prefix[a.kind]}:${adminId}:${a.key}`);
    const found = await queryRows<{ idempotency_key: string; n: number; quantity: number }>(
      db,
      sql`SELECT idempotency_key, count(*)::int AS n, sum(quantity)::int AS quantity FROM ledger_entries
          WHERE idempotency_key = ANY(${sql.raw(`ARRAY[${wanted.map((k) => `'${k}'`).join(',') || "''"}]::text[]`)}) GROUP BY idempotency_key`,
    );
    const byKey = new Map(found.map((f) => [f.idempotency_key, f]));
    const missing = acks.filter((a, i) => byKey.get(wanted[i]!)?.n !== 1 || byKey.get(wanted[i]!)?.quantity !== a.quantity);
    expect(missing, 'acknowledged but not in the ledger exactly once').toEqual([]);
    // Every repeated key answered the first result.
    for (const r of retriedAcks) expect([r.again.status, String(r.again.id)], `${r.first.kind} ${r.first.key}`).toEqual([201, r.first.id]);

    // Orders: each acknowledged one exists once; no line holds more than it ordered.
    const [orderRows] = await queryRows<{ n: number; distinct: number }>(
      db,
      sql`SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct FROM orders WHERE external_id LIKE 'SOAK-%'`,
    );
    expect(orderRows).toEqual({ n: orders.length, distinct: orders.length });
    const over = await queryRows<{ id: number }>(
      db,
      sql`SELECT ol.id FROM order_lines ol
          LEFT JOIN reservations r ON r.document_type = 'order' AND r.document_id = ol.order_id::text AND r.document_line = ol.id::text AND r.closed_at IS NULL
          GROUP BY ol.id, ol.quantity, ol.picked_qty HAVING COALESCE(SUM(r.quantity), 0) + ol.picked_qty > ol.quantity`,
    );
    expect(over).toEqual([]);
    const cancelledHolding = await queryRows<{ id: number }>(
      db,
      sql`SELECT o.id FROM orders o JOIN reservations r ON r.document_type = 'order' AND r.document_id = o.id::text AND r.closed_at IS NULL WHERE o.status = 'cancelled'`,
    );
    expect(cancelledHolding).toEqual([]);

    // Transfers: what left is on the road, once per dispatched unit.
    const road = await queryRows<{ id: number; dispatched: number; moved: number }>(
      db,
      sql`SELECT t.id, (SELECT COALESCE(SUM(dispatched_qty), 0)::int FROM transfer_lines WHERE transfer_id = t.id) AS dispatched,
                 (SELECT COALESCE(SUM(quantity), 0)::int FROM ledger_entries WHERE document_type = 'transfer' AND document_id = t.id::text AND reason = 'transfer_out') AS moved
          FROM transfers t WHERE t.id = ANY(${sql.raw(`ARRAY[${transfersDispatched.map(Number).join(',') || 0}]::int[]`)})`,
    );
    for (const t of road) expect(t.moved, `transfer ${t.id}`).toBe(t.dispatched);
    expect(road.every((t) => t.dispatched > 0)).toBe(true);

    // Readings: each acknowledged one stored once.
    const [stored] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM temperature_readings WHERE measured_at >= ${new Date(readingBase).toISOString()}::timestamptz AND measured_at < ${new Date(readingBase + (readingSeq + 1) * 1000).toISOString()}::timestamptz`);
    expect(stored!.n).toBe(readingsAt.size);

    // Deadlocks PostgreSQL broke during the run (each was retried by the transaction runner).
    const [stats] = await queryRows<{ deadlocks: number }>(db, sql`SELECT deadlocks::int AS deadlocks FROM pg_stat_database WHERE datname = current_database()`);
    const summary = {
      seconds: SECONDS,
      clients: CLIENTS,
      acknowledgedMoves: acks.length,
      byKind: Object.fromEntries(['receipt', 'putaway', 'pick'].map((k) => [k, acks.filter((a) => a.kind === k).length])),
      ackedBeforeKill,
      repeatedKeys: retriedAcks.length,
      resentAfterNetworkError: resent,
      orders: orders.length,
      transfersDispatched: transfersDispatched.length,
      readings: readingsAt.size,
      ledgerEntries: report.entries,
      deadlocks: stats?.deadlocks ?? 0,
      statuses,
    };
    console.log(`[soak] ${JSON.stringify(summary)}`);
    expect(acks.length).toBeGreaterThan(CLIENTS);
  });
});

/**
 * Cold storage: the real server (tsx src/server.ts) on a fresh PostgreSQL database with the
 * demo data, over real HTTP.
 *
 * 1. Ingest: 100,000 sensor readings through POST /api/v1/temperature-readings with a device
 *    token, 1,000 per request, from 4 concurrent sensors' gateways; the readings cover a
 *    500-slot zone and its room sensor, arrive out of order within each request, and about
 *    1 % are out of range (excursions opened and ended). Then: every reading stored once, a
 *    repeat of a request stores nothing.
 * 2. Slot map: GET /cold/zones/:id/map of that 500-slot zone (about 70 % of the slots
 *    holding stock, with lots and expiry), the grid fragment as the page's own refresh asks
 *    for it (HX-Request), and the whole page; p50 / p95 over sequential requests.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.ts';
import { locations, lots, products, sellers, users, warehouses, zones } from '../src/db/schema/index.ts';
import { moveMany, verifyLedger } from '../src/stock/index.ts';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import { SessionClient } from './session-client.ts';
import { freePort } from './startup.ts';
import { summarize, ms, type Summary } from './stats.ts';
import { DEFAULT_ADMIN_URL, errorText, startServer, stopServer, withDatabase } from './server-process.ts';

export type ColdOptions = { readings?: number; batch?: number; gateways?: number; mapRequests?: number; adminUrl?: string };

export type ColdBench =
  | { skipped: string }
  | { failed: string }
  | {
      postgres: string;
      slots: number;
      slotsWithStock: number;
      ingest: { readings: number; batch: number; gateways: number; wallMs: number; perSec: number; request: Summary; stored: number; excursions: number; repeatStored: number; errors: number };
      map: { requests: number; fragment: Summary; page: Summary; bytes: number };
      verify: { ok: boolean; ms: number };
    };

const MANAGER = 'manager@demo.test';
const GRID = { aisles: ['P', 'Q', 'S', 'T', 'U'], racks: 25, levels: 4 };

export async function benchCold(root: string, progress: (line: string) => void = () => {}, opts: ColdOptions = {}): Promise<ColdBench> {
  const total = opts.readings ?? 100_000;
  const batch = opts.batch ?? 1_000;
  const gateways = opts.gateways ?? 4;
  const mapRequests = opts.mapRequests ?? 200;
  const adminUrl = opts.adminUrl ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  let version: string;
  try {
    const [row] = await admin<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    version = row!.v;
  } catch (err) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return { skipped: `PostgreSQL not reachable (${errorText(err)}); set BENCH_DATABASE_URL` };
  }
  const database = `caravan_bench_${randomBytes(6).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE "${database}"`);
  const url = withDatabase(adminUrl, database);
  progress(`PostgreSQL ${version}: created database ${database}`);
  const port = await freePort();
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let direct: Awaited<ReturnType<typeof openDatabase>> | null = null;
  try {
    server = await startServer(root, url, port);
    progress(`server ready in ${(server.readyMs / 1000).toFixed(1)} s (demo seeded first; migrate + start)`);
    direct = await openDatabase({ url, max: 4 });
    const db = direct.db;

    // A 500-slot deep-frozen zone at Moscow, 70 % of the slots holding ice cream lots.
    const [msk] = await db.select().from(warehouses).where(eq(warehouses.code, 'MSK'));
    const [zone] = await db.insert(zones).values({ warehouseId: msk!.id, code: 'BENCH-ICE', name: 'Ice cream (bench)', temperatureClass: 'frozen', maxCelsius: -18, logIntervalMinutes: 15 }).returning();
    const slotRows = GRID.aisles.flatMap((aisle) =>
      Array.from({ length: GRID.racks }, (_, r) =>
        Array.from({ length: GRID.levels }, (_, l) => ({ warehouseId: msk!.id, zoneId: zone!.id, code: `${aisle}-${String(r + 1).padStart(2, '0')}-${String(l + 1).padStart(2, '0')}-1`, kind: 'cold' as const, walkSequence: 5000, capacity: 400, aisle, rack: r + 1, level: l + 1, position: 1 })),
      ).flat(),
    );
    const slots = await db.insert(locations).values(slotRows).returning({ id: locations.id, code: locations.code });
    const [frost] = await db.select().from(sellers).where(eq(sellers.code, 'HARBIN-FROST'));
    const frozen = await db.select().from(products).where(and(eq(products.sellerId, frost!.id), eq(products.temperatureClass, 'frozen'), eq(products.tracksExpiry, true))).limit(40);
    const lotRows = await db
      .insert(lots)
      .values(frozen.flatMap((p, i) => [0, 1, 2].map((k) => ({ productId: p.id, code: `B${i}-${k}`, expiresOn: new Date(Date.now() + (10 + i * 7 + k * 60) * 86_400_000).toISOString().slice(0, 10) }))))
      .returning();
    const [supplier] = await db.select().from(locations).where(and(eq(locations.warehouseId, msk!.id), eq(locations.kind, 'supplier')));
    const filled = slots.filter((_, i) => i % 10 < 7);
    await db.transaction((tx) =>
      moveMany(
        tx,
        filled.flatMap((s, i) => {
          const a = lotRows[i % lotRows.length]!;
          const b = lotRows[(i * 7 + 3) % lotRows.length]!;
          return [a, ...(i % 3 === 0 && b.productId !== a.productId ? [b] : [])].map((lot, k) => ({ productId: lot.productId, lotId: lot.id, quantity: 40 + ((i * 13 + k * 29) % 200), fromLocationId: supplier!.id, toLocationId: s.id, reason: 'receipt' as const, actor: { label: 'bench' } }));
        }),
      ),
    );
    const [adminUser] = await db.select().from(users).where(eq(users.email, 'admin@demo.test'));
    const { token } = await createApiToken(db, { kind: 'device', name: 'bench gateway', warehouseId: msk!.id, createdBy: adminUser!.id });
    progress(`zone BENCH-ICE: ${slots.length} slots, ${filled.length} with stock; device token made`);

    // Readings: per series (the room sensor + each slot), one a minute back from now; shuffled
    // within each request; ~1 % warm, in runs of three (an excursion opened and ended).
    const series = [{ zone: 'BENCH-ICE' } as Record<string, string>, ...slots.map((s) => ({ location: s.code }))];
    const perSeries = Math.ceil(total / series.length);
    const start = Date.now() - (perSeries + 5) * 60_000;
    const all: Record<string, unknown>[] = [];
    for (let k = 0; k < perSeries && all.length < total; k++) {
      for (const [j, s] of series.entries()) {
        if (all.length >= total) break;
        const warm = (k + j * 17) % 300 < 3;
        all.push({ warehouse: 'MSK', ...s, celsius: warm ? -12.5 + (k % 3) : -21 + ((k * 7 + j) % 30) / 10, at: new Date(start + k * 60_000 + (j % 60) * 1000).toISOString() });
      }
    }
    const requests: Record<string, unknown>[][] = [];
    for (let i = 0; i < all.length; i += batch) requests.push(all.slice(i, i + batch).sort(() => Math.random() - 0.5));
    const post = async (body: unknown) => {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/temperature-readings`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as { accepted?: number; excursions_opened?: unknown[] };
      return { status: res.status, ms: performance.now() - t0, accepted: json.accepted ?? 0, opened: json.excursions_opened?.length ?? 0 };
    };
    await post({ readings: [{ warehouse: 'MSK', zone: 'BENCH-ICE', celsius: -20, at: new Date(start - 3_600_000).toISOString() }] }); // warm-up
    const times: number[] = [];
    let errors = 0;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: gateways }, async () => {
        for (;;) {
          const i = next++;
          if (i >= requests.length) return;
          const r = await post({ readings: requests[i] });
          if (r.status !== 201) errors++;
          times.push(r.ms);
        }
      }),
    );
    const wallMs = performance.now() - t0;
    const counts = postgres(url, { max: 1, onnotice: () => {} });
    const [c1] = await counts<{ n: number; e: number }[]>`SELECT (SELECT count(*) FROM temperature_readings r JOIN zones z ON z.id = r.zone_id WHERE z.code = 'BENCH-ICE')::int AS n, (SELECT count(*) FROM excursions e JOIN zones z ON z.id = e.zone_id WHERE z.code = 'BENCH-ICE')::int AS e`;
    const repeat = await post({ readings: requests[0] });
    const [c2] = await counts<{ n: number }[]>`SELECT count(*)::int AS n FROM temperature_readings r JOIN zones z ON z.id = r.zone_id WHERE z.code = 'BENCH-ICE'`;
    await counts.end({ timeout: 1 });
    if (repeat.status !== 201 || repeat.accepted !== 0) errors++;
    const ingest = { readings: all.length, batch, gateways, wallMs, perSec: all.length / (wallMs / 1000), request: summarize(times), stored: c1!.n - 1, excursions: c1!.e, repeatStored: c2!.n - c1!.n, errors };
    progress(`ingest: ${all.length.toLocaleString('en-US')} readings in ${(wallMs / 1000).toFixed(1)} s = ${Math.round(ingest.perSec).toLocaleString('en-US')} readings/s; per request of ${batch} p50 ${ms(ingest.request.p50)}, p95 ${ms(ingest.request.p95)}; stored ${ingest.stored}, excursions ${ingest.excursions}, repeat stored ${ingest.repeatStored}, errors ${errors}`);

    // The slot map of the 500-slot zone, as a manager's tablet asks for it.
    const client = new SessionClient({ request: (input, init) => fetch(input, init) }, `http://127.0.0.1:${port}`);
    await client.signIn(MANAGER, DEMO_PASSWORD);
    const fragment: number[] = [];
    const page: number[] = [];
    let bytes = 0;
    for (let i = 0; i < mapRequests + 10; i++) {
      const t = performance.now();
      const res = await client.send(`/cold/zones/${zone!.id}/map`, { headers: { 'HX-Request': 'true' } });
      const body = await res.text();
      if (res.status !== 200 || !body.includes('data-slot=')) throw new Error(`slot map answered ${res.status}`);
      bytes = body.length;
      if (i >= 10) fragment.push(performance.now() - t);
    }
    for (let i = 0; i < Math.ceil(mapRequests / 4); i++) {
      const t = performance.now();
      const res = await client.send(`/cold/zones/${zone!.id}/map`);
      await res.text();
      page.push(performance.now() - t);
    }
    const map = { requests: mapRequests, fragment: summarize(fragment), page: summarize(page), bytes };
    progress(`slot map (${slots.length} slots): fragment p50 ${ms(map.fragment.p50)}, p95 ${ms(map.fragment.p95)}; whole page p50 ${ms(map.page.p50)}, p95 ${ms(map.page.p95)}; ${Math.round(bytes / 1024)} KiB`);

    const tv = performance.now();
    const v = await verifyLedger(db);
    const verify = { ok: v.problems.length === 0, ms: performance.now() - tv };
    return { postgres: version, slots: slots.length, slotsWithStock: filled.length, ingest, map, verify };
  } catch (err) {
    if (server) progress(`server output (tail): ${server.log.tail.slice(-2000)}`);
    return { failed: errorText(err) };
  } finally {
    await direct?.close().catch(() => {});
    if (server) await stopServer(server);
    await admin.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
    await admin.end({ timeout: 2 }).catch(() => {});
  }
}

export function coldMarkdown(r: ColdBench): string[] {
  if ('skipped' in r) return ['', `Cold storage: skipped (${r.skipped}).`];
  if ('failed' in r) return ['', `Cold storage: **failed** (${r.failed}).`];
  const i = r.ingest;
  return [
    '',
    '| Cold storage, real server on PostgreSQL | Value | Target |',
    '| --- | ---: | --- |',
    `| Sensor readings ingested (POST /api/v1/temperature-readings, ${i.batch.toLocaleString('en-US')} per request, ${i.gateways} gateways) | ${i.readings.toLocaleString('en-US')} in ${(i.wallMs / 1000).toFixed(1)} s = **${Math.round(i.perSec).toLocaleString('en-US')} readings/s** | printed |`,
    `| Per request of ${i.batch.toLocaleString('en-US')} readings: p50 / p95 | ${ms(i.request.p50)} / ${ms(i.request.p95)} | |`,
    `| Stored / excursions opened / a repeated request stored / errors | ${i.stored.toLocaleString('en-US')} / ${i.excursions} / ${i.repeatStored} / ${i.errors} | all once, 0, 0 |`,
    `| Slot map of a ${r.slots}-slot zone (${r.slotsWithStock} with stock), the self-refresh fragment: p50 / p95 | ${ms(r.map.fragment.p50)} / **${ms(r.map.fragment.p95)}** | p95 < 100 ms: ${r.map.fragment.p95 < 100 ? 'met' : '**missed**'} |`,
    `| The whole slot map page: p50 / p95 (${Math.round(r.map.bytes / 1024)} KiB fragment) | ${ms(r.map.page.p50)} / ${ms(r.map.page.p95)} | |`,
    `| verifyLedger afterwards | ${r.verify.ok ? 'ok' : '**problems**'} (${ms(r.verify.ms)}) | ok |`,
  ];
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { apiTokens, temperatureReadings } from '../../src/db/schema/index.ts';
import { createApiToken, revokeApiToken } from '../../src/auth/api-tokens.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, testApp } from '../helpers/client.ts';
import { get, post, problemOf } from '../helpers/api.ts';
import { makeWorld, type World } from '../helpers/world.ts';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe.each(backends)('cold storage API on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;
  const app = () => testApp(db());
  const bearer = (token: string, path: string, body?: unknown) =>
    app().request(`http://localhost${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, any> });
  const sensor = async (w: World, warehouseId = w.warehouse.id) => (await createApiToken(db(), { kind: 'device', name: 'Probe', warehouseId, createdBy: w.user.admin.id })).token;
  const readingsOf = async (w: World) => Number((await db().select({ n: sql<number>`count(*)::int` }).from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id)))[0]!.n);

  it('a sensor posts a batch with its device token: 201, accepted, the excursion it opened; again: duplicates', async () => {
    const w = await makeWorld(db());
    const token = await sensor(w);
    const body = {
      readings: [
        { warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -20.2, at: minutesAgo(30) },
        { warehouse: w.warehouse.code, location: 'F-01-01-1', celsius: -11.3, at: minutesAgo(20) },
        { warehouse: w.warehouse.code, zone: 'CHILLED', celsius: 4, at: minutesAgo(10) },
      ],
    };
    const a = await answer(await bearer(token, '/api/v1/temperature-readings', body));
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ accepted: 3, duplicates: 0, excursions_opened: [{ warehouse: w.warehouse.code, zone: 'FROZEN', location: 'F-01-01-1', peak_celsius: -11.3 }] });
    expect(typeof a.body.excursions_opened[0].id).toBe('string');
    const again = await answer(await bearer(token, '/api/v1/temperature-readings', body));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3, excursions_opened: [] });
    const [t] = await db().select().from(apiTokens).where(eq(apiTokens.warehouseId, w.warehouse.id));
    expect(t!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('a device token may do nothing else: other API routes are 403, and on pages it signs nobody in', async () => {
    const w = await makeWorld(db());
    const token = await sensor(w);
    for (const path of ['/api/v1/stock', '/api/v1/warehouses', `/api/v1/excursions?warehouse=${w.warehouse.code}`]) {
      problemOf(await answer(await bearer(token, path)), 403);
    }
    expect((await bearer(token, '/api/v1/orders', { warehouse: w.warehouse.code })).status).toBe(403);
    expect((await bearer(token, '/inventory')).status).toBe(303);
  });

  it('an unknown, malformed or revoked token is 401 and stores nothing', async () => {
    const w = await makeWorld(db());
    const token = await sensor(w);
    const body = { readings: [{ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -20, at: minutesAgo(1) }] };
    const [id] = token.split('.');
    for (const bad of ['nope', `${id}.${'a'.repeat(24)}`, 'abc.def']) problemOf(await answer(await bearer(bad, '/api/v1/temperature-readings', body)), 401);
    await revokeApiToken(db(), id!);
    problemOf(await answer(await bearer(token, '/api/v1/temperature-readings', body)), 401);
    expect(await readingsOf(w)).toBe(0);
  });

  it('a token is rate-limited per minute: over the limit it gets 429 with Retry-After, and nothing is stored', async () => {
    const w = await makeWorld(db());
    const token = await sensor(w);
    const { RATE_LIMITS } = await import('../../src/auth/api-tokens.ts');
    const body = (i: number) => ({ readings: [{ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -20, at: new Date(Date.now() - (i + 1) * 1000).toISOString() }] });
    // Keep within one minute window: start right after a minute turns if the current one is nearly over.
    if (new Date().getSeconds() > 45) await new Promise((r) => setTimeout(r, (61 - new Date().getSeconds()) * 1000));
    for (let i = 0; i < RATE_LIMITS.device; i++) expect((await bearer(token, '/api/v1/temperature-readings', body(i))).status).toBe(201);
    const over = await bearer(token, '/api/v1/temperature-readings', body(999));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { status: number }).status).toBe(429);
    expect(await readingsOf(w)).toBe(RATE_LIMITS.device);
  }, 90_000);

  it('a token of another warehouse, an unknown zone, an absurd value: 422 naming the reading, nothing stored', async () => {
    const w = await makeWorld(db());
    const foreign = await sensor(w, w.other.id);
    const one = (r: Record<string, unknown>) => ({ readings: [{ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -20, at: minutesAgo(2) }, { warehouse: w.warehouse.code, at: minutesAgo(1), ...r }] });
    const p1 = problemOf(await answer(await bearer(foreign, '/api/v1/temperature-readings', one({ zone: 'FROZEN', celsius: -20 }))), 422);
    expect(p1.errors?.[0]).toMatchObject({ path: 'readings.0.warehouse' });
    const own = await sensor(w);
    const p2 = problemOf(await answer(await bearer(own, '/api/v1/temperature-readings', one({ zone: 'NOPE', celsius: -20 }))), 422);
    expect(p2.errors).toEqual([{ path: 'readings.1.zone', message: `No zone “NOPE” in ${w.warehouse.code}.` }]);
    const p3 = problemOf(await answer(await bearer(own, '/api/v1/temperature-readings', one({ zone: 'FROZEN', celsius: -120 }))), 422);
    expect(p3.errors?.[0]?.path).toBe('readings.1.celsius');
    const p4 = problemOf(await answer(await bearer(own, '/api/v1/temperature-readings', one({ zone: 'FROZEN', celsius: 'warm' }))), 422);
    expect(p4.errors?.[0]?.path).toBe('readings.1.celsius');
    problemOf(await answer(await app().request('http://localhost/api/v1/temperature-readings', { method: 'POST', headers: { Authorization: `Bearer ${own}`, 'Content-Type': 'application/json' }, body: '{"readings": [' })), 400);
    expect(await readingsOf(w)).toBe(0);
  });

  it('staff post readings from a session; managers list excursions, open and closed; sellers may not', async () => {
    const w = await makeWorld(db());
    const op = new Client(app());
    await op.login(w.user.operator.email);
    await op.get('/inventory');
    const r = await post(op, '/api/v1/temperature-readings', { readings: [{ warehouse: w.warehouse.code, zone: 'CHILLED', celsius: 11, at: minutesAgo(5) }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const list = await get(op, `/api/v1/excursions?warehouse=${w.warehouse.code}&open=true`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [{ warehouse: w.warehouse.code, zone: 'CHILLED', location: null, ended_at: null, peak_celsius: 11, min_celsius: 2, max_celsius: 8, status: 'open' }], next_cursor: null });
    expect((await get(op, `/api/v1/excursions?warehouse=${w.warehouse.code}&open=false`)).body.items).toEqual([]);
    problemOf(await get(op, `/api/v1/excursions?warehouse=${w.other.code}`), 422);
    const seller = new Client(app());
    await seller.login(w.user.sellerA.email);
    await seller.get('/inventory');
    problemOf(await get(seller, `/api/v1/excursions?warehouse=${w.warehouse.code}`), 403);
    problemOf(await post(seller, '/api/v1/temperature-readings', { readings: [{ warehouse: w.warehouse.code, zone: 'CHILLED', celsius: 4, at: minutesAgo(1) }] }), 403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { apiTokens, excursionDecisions, excursions, ledgerEntries, locations, lots, products, temperatureReadings, zones } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { recordReadings } from '../../src/cold/record-readings.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid, type World } from '../helpers/world.ts';

const ago = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
/** Seconds from now (readings may be up to 5 minutes ahead of the server's clock). */
const later = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const keyOf = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)![1]!;
const location = (res: Response) => res.headers.get('location') ?? '';

describe.each(backends)('cold storage pages on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;
  const frozenZone = async (w: World) => (await db().select().from(zones).where(and(eq(zones.warehouseId, w.warehouse.id), eq(zones.code, 'FROZEN'))))[0]!;
  const send = (w: World, readings: Record<string, unknown>[]) =>
    recordReadings({ db: db(), sender: { user: asUser(w, 'manager') }, input: { readings: readings.map((r) => ({ warehouse: w.warehouse.code, ...r })) } });

  it('a manager adds a zone and a slot; the slot map shows it; bad values are named next to the fields', async () => {
    const w = await makeWorld(db());
    const m = await signedIn(app, w.user.manager.email);
    expect((await m.get(`/cold?warehouse=${w.warehouse.code}`)).status).toBe(200);
    expect((await m.get(`/cold/zones/new?warehouse=${w.warehouse.code}`)).status).toBe(200);
    const bad = await m.post('/cold/zones', { warehouse: w.warehouse.code, code: 'ICE', name: 'Ice cream', temperature_class: 'deep_frozen', min_celsius: '-20', max_celsius: '-30', log_interval_minutes: '0' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('field invalid');
    expect(await db().select().from(zones).where(and(eq(zones.warehouseId, w.warehouse.id), eq(zones.code, 'ICE')))).toEqual([]);
    const ok = await m.post('/cold/zones', { warehouse: w.warehouse.code, code: 'ice', name: 'Ice cream', temperature_class: 'deep_frozen', min_celsius: '', max_celsius: '−25', log_interval_minutes: '10' });
    expect(ok.status).toBe(303);
    const [zone] = await db().select().from(zones).where(and(eq(zones.warehouseId, w.warehouse.id), eq(zones.code, 'ICE')));
    expect(zone).toMatchObject({ temperatureClass: 'deep_frozen', minCelsius: null, maxCelsius: -25, logIntervalMinutes: 10 });
    const dup = await m.post('/cold/zones', { warehouse: w.warehouse.code, code: 'ICE', name: 'Again', temperature_class: 'frozen' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain(`already has a zone ICE`);

    const slot = await m.post(`/cold/zones/${zone!.id}/slots`, { aisle: 'd', rack: '1', level: '2', position: '1', capacity: '4', capacity_unit: 'pallets' });
    expect(slot.status).toBe(303);
    const [loc] = await db().select().from(locations).where(eq(locations.zoneId, zone!.id));
    expect(loc).toMatchObject({ code: 'D-01-02-1', kind: 'cold', aisle: 'D', rack: 1, level: 2, position: 1, capacity: 4, capacityUnit: 'pallets' });
    const taken = await m.post(`/cold/zones/${zone!.id}/slots`, { aisle: 'D', rack: '1', level: '2', position: '1' });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('D-01-02-1');
    const map = await (await m.get(`/cold/zones/${zone!.id}/map`)).text();
    expect(map).toContain('data-slot="D-01-02-1"');
    expect(map).toContain('data-state="free"');
    // The map refreshes itself: an htmx request gets the grid alone.
    const part = await m.get(`/cold/zones/${zone!.id}/map`, { htmx: true });
    const partHtml = await part.text();
    expect(partHtml.startsWith('<div id="slot-map"')).toBe(true);
    expect(part.headers.get('vary')).toContain('HX-Request');
  });

  it('an operator types a reading on the scanner screen: in range green, out of range opens an excursion; bad input refused', async () => {
    const w = await makeWorld(db());
    const op = await signedIn(app, w.user.operator.email);
    const form = await (await op.get(`/cold/readings/new?warehouse=${w.warehouse.code}`)).text();
    // A saved reading answers with the page to load (Post/Redirect/Get), which shows the result.
    const ok = await op.post('/cold/readings', { warehouse: w.warehouse.code, target: 'F-01-01-1', celsius: '-19,5', idempotency_key: keyOf(form) });
    expect(ok.status).toBe(303);
    const okHtml = await (await op.get(location(ok))).text();
    expect(okHtml).toContain('data-result="ok"');
    const out = await op.post('/cold/readings', { warehouse: w.warehouse.code, target: 'frozen', celsius: '-9', idempotency_key: keyOf(okHtml) });
    expect(out.status).toBe(303);
    expect(await (await op.get(location(out))).text()).toContain('data-result="warn"');
    const [e] = await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id));
    expect(e).toMatchObject({ locationId: null, peakCelsius: -9, endedAt: null });
    // The operator reads Russian: the message is next to the field it is about.
    for (const [target, celsius, text] of [
      ['NOPE-1', '-19', 'id="f-target-error"'],
      ['F-01-01-1', 'cold', 'id="f-celsius-error"'],
      ['F-01-01-1', '-95', 'id="f-celsius-error"'],
    ] as const) {
      const res = await op.post('/cold/readings', { warehouse: w.warehouse.code, target, celsius });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(text);
      expect(html).toContain('data-result="error"');
    }
    const n = await db().select({ n: sql<number>`count(*)::int` }).from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id));
    expect(Number(n[0]!.n)).toBe(2);
    // Operators may not manage zones, nor close excursions.
    expect((await op.get(`/cold/zones/new?warehouse=${w.warehouse.code}`)).status).toBe(403);
    expect((await op.post(`/cold/excursions/${e!.id}/close`, { note: 'x' })).status).toBe(403);
  });

  it('the reading form sent twice (a double Enter) records one reading and answers the same result; its key with another reading is refused', async () => {
    const w = await makeWorld(db());
    const op = await signedIn(app, w.user.operator.email);
    const readingsOf = () => db().select().from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id));
    const form = await (await op.get(`/cold/readings/new?warehouse=${w.warehouse.code}`)).text();
    const key = keyOf(form);
    const fields = { warehouse: w.warehouse.code, target: 'f-01-01-1', celsius: '-9', idempotency_key: key };
    const first = await op.post('/cold/readings', fields);
    const second = await op.post('/cold/readings', fields);
    expect([first.status, second.status]).toEqual([303, 303]);
    const stored = await readingsOf();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ celsius: -9, inRange: false, userId: w.user.operator.id, idempotencyKey: `reading:${w.user.operator.id}:${key}` });
    // Both answers send the scanner to the same result: the one reading, out of range, its excursion opened.
    expect(location(first)).toBe(`/cold/readings/new?warehouse=${w.warehouse.code}&reading=${stored[0]!.id}`);
    expect(location(second)).toBe(location(first));
    const shown = await (await op.get(location(second))).text();
    expect(shown).toContain('data-result="warn"');
    expect(shown).toContain('F-01-01-1');
    expect(shown).toContain('открыто отклонение');
    // The page after saving carries a new key for the next reading.
    expect(keyOf(shown)).not.toBe(key);
    expect(await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id))).toHaveLength(1);

    // The same key with another temperature: refused, nothing stored, and the form gets a new key.
    const reused = await op.post('/cold/readings', { ...fields, celsius: '-20' });
    expect(reused.status).toBe(409);
    const reusedHtml = await reused.text();
    expect(reusedHtml).toContain('Эта форма уже сохранила другой замер.');
    expect(keyOf(reusedHtml)).not.toBe(key);
    expect(await readingsOf()).toHaveLength(1);

    // A refused reading stores nothing, so its key still records the corrected one, once.
    const next = keyOf(shown);
    const bad = await op.post('/cold/readings', { ...fields, celsius: 'abc', idempotency_key: next });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    // Not zod's English: the temperature's own message, in Russian, next to the field.
    expect(badHtml).toMatch(/id="f-celsius-error"[^>]*>Введите температуру в °C от −80 до 60, например -18\.5\.</);
    expect(badHtml).not.toMatch(/Invalid input|expected number/);
    expect(keyOf(badHtml)).toBe(next);
    const fixed = await op.post('/cold/readings', { ...fields, celsius: '-19', idempotency_key: next });
    expect((await op.post('/cold/readings', { ...fields, celsius: '-19', idempotency_key: next })).status).toBe(303);
    expect(fixed.status).toBe(303);
    expect(await readingsOf()).toHaveLength(2);

    // Another person's reading id shows them nothing.
    const other = await signedIn(app, w.user.manager.email);
    expect(await (await other.get(location(first))).text()).not.toContain('data-result=');
  });

  it('htmx gets the result and a fresh form in place; a plain form gets a 303 to the page, so Back never posts it again', async () => {
    const w = await makeWorld(db());
    const op = await signedIn(app, w.user.operator.email);
    const form = await (await op.get(`/cold/readings/new?warehouse=${w.warehouse.code}`)).text();
    const key = keyOf(form);
    const fields = { warehouse: w.warehouse.code, target: 'F-01-01-1', celsius: '-19,5', idempotency_key: key };
    const part = await op.post('/cold/readings', fields, { htmx: true });
    expect(part.status).toBe(200);
    expect(part.headers.get('vary')).toContain('HX-Request');
    const partHtml = await part.text();
    expect(partHtml.startsWith('<div id="reading-panel"')).toBe(true);
    expect(partHtml).toContain('data-result="ok"');
    expect(keyOf(partHtml)).not.toBe(key);
    // The plain repeat of the same form: redirected to the same reading's result.
    const plain = await op.post('/cold/readings', fields);
    expect(plain.status).toBe(303);
    expect(location(plain)).toMatch(new RegExp(`^/cold/readings/new\\?warehouse=${w.warehouse.code}&reading=\\d+$`));
    expect(await (await op.get(location(plain))).text()).toContain('−19,5 °C');
    expect(await db().select().from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id))).toHaveLength(1);
    // Errors still answer the form with its messages: htmx the part, a plain form the page.
    const badPart = await op.post('/cold/readings', { ...fields, target: 'NOPE-1', idempotency_key: keyOf(partHtml) }, { htmx: true });
    expect(badPart.status).toBe(422);
    const badPartHtml = await badPart.text();
    expect(badPartHtml.startsWith('<div id="reading-panel"')).toBe(true);
    expect(badPartHtml).toContain('id="f-target-error"');
  });

  it('a manager closes an excursion with a decision per lot: quarantine moves it, orders holding it are allocated again, the record shows it', async () => {
    const w = await makeWorld(db());
    const [lot2] = await db().insert(lots).values({ productId: w.product.icecream.id, code: `I2${uid()}`, expiresOn: '2031-12-31' }).returning();
    await stock(db(), w, [
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 10 },
      { productId: w.product.icecream.id, lotId: lot2!.id, locationId: w.loc.frozen.id, quantity: 5 },
    ]);
    const { order } = await createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `X-${uid()}`, lines: [{ sku: w.product.icecream.sku, quantity: 4 }] } });
    expect(await balanceOf(db(), w.loc.frozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 10, reserved: 4 });
    // The excursion comes after the stock was put there (the ledger says when).
    await send(w, [
      { location: 'F-01-01-1', celsius: -20, at: later(1) },
      { location: 'F-01-01-1', celsius: -8, at: later(2) },
    ]);
    const [e] = await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id));
    const m = await signedIn(app, w.user.manager.email);
    // Still out of range: no decision yet.
    expect((await m.get(`/cold/excursions/${e!.id}`)).status).toBe(200);
    expect((await m.post(`/cold/excursions/${e!.id}/close`, { note: 'x' })).status).toBe(409);
    await send(w, [{ location: 'F-01-01-1', celsius: -19, at: later(3) }]);
    const page = await (await m.get(`/cold/excursions/${e!.id}`)).text();
    const k1 = `${w.loc.frozen.id}_${w.product.icecream.id}_${w.lot.ice.id}`;
    const k2 = `${w.loc.frozen.id}_${w.product.icecream.id}_${lot2!.id}`;
    expect(page).toContain(`data-exposed="${k1}"`);
    expect(page).toContain(`name="decision_${k2}"`);
    // A missing decision and a missing note are named; nothing moves.
    const before = await stockFingerprint(db(), [w.warehouse.id, w.other.id]);
    const missing = await m.post(`/cold/excursions/${e!.id}/close`, { [`decision_${k1}`]: 'quarantine', note: '' });
    expect(missing.status).toBe(422);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('Write a note');
    expect(missingHtml).toContain('Decide for');
    expect(await stockFingerprint(db(), [w.warehouse.id, w.other.id])).toEqual(before);
    const done = await m.post(`/cold/excursions/${e!.id}/close`, { [`decision_${k1}`]: 'quarantine', [`decision_${k2}`]: 'keep', note: 'Door left open 15 min; core temperature of lot 1 above −12 °C.' });
    expect(done.status).toBe(303);
    expect(await balanceOf(db(), w.loc.frozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 0, reserved: 0 });
    expect(await balanceOf(db(), w.loc.quarantineFrozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 10, reserved: 0 });
    // The order took the other lot instead.
    expect(await balanceOf(db(), w.loc.frozen.id, w.product.icecream.id, lot2!.id)).toEqual({ onHand: 5, reserved: 4 });
    const decisions = await db().select().from(excursionDecisions).where(eq(excursionDecisions.excursionId, e!.id));
    expect(decisions.map((d) => [d.decision, d.quantity, d.ledgerEntryId !== null]).sort()).toEqual([
      ['keep', 5, false],
      ['quarantine', 10, true],
    ]);
    const [entry] = await db().select().from(ledgerEntries).where(eq(ledgerEntries.id, decisions.find((d) => d.decision === 'quarantine')!.ledgerEntryId!));
    expect(entry).toMatchObject({ reason: 'quarantine', documentType: 'excursion', documentId: String(e!.id), actorUserId: w.user.manager.id });
    const zone = await frozenZone(w);
    const log = await (await m.get(`/cold/zones/${zone.id}/log?days=1`)).text();
    expect(log).toContain('Door left open');
    expect(log).toContain('Quarantine');
    const csv = await m.get(`/cold/zones/${zone.id}/log.csv?days=1`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvText = await csv.text();
    expect(csvText.split('\n').filter(Boolean)).toHaveLength(1 + 3);
    // Temperatures are numbers to a spreadsheet (not text starting with an apostrophe).
    expect(csvText).toContain(',-8,');
    // In Russian: semicolons between fields and a decimal comma, as Excel set to Russian reads them.
    const ruCsv = await (await m.get(`/cold/zones/${zone.id}/log.csv?days=1`, { headers: { 'Accept-Language': 'ru' } })).text();
    const ruRows = ruCsv.split('\n').filter(Boolean);
    expect(ruRows[0]!.split(';').length).toBeGreaterThan(5);
    expect(ruCsv).toContain(';-8;');
    expect(order.id).toBeGreaterThan(0);
  });

  it('expiring soon: expired stock is listed and moved to quarantine in one go; sellers see no cold pages', async () => {
    const w = await makeWorld(db());
    const today = new Date().toISOString().slice(0, 10);
    const [old] = await db().insert(lots).values({ productId: w.product.kefir.id, code: `OLD${uid()}`, expiresOn: '2020-01-01' }).returning();
    const [soon] = await db().insert(lots).values({ productId: w.product.kefir.id, code: `SOON${uid()}`, expiresOn: today }).returning();
    await stock(db(), w, [
      { productId: w.product.kefir.id, lotId: old!.id, locationId: w.loc.chilled.id, quantity: 3 },
      { productId: w.product.kefir.id, lotId: soon!.id, locationId: w.loc.chilled2.id, quantity: 2 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled2.id, quantity: 7 },
    ]);
    const m = await signedIn(app, w.user.manager.email);
    const html = await (await m.get(`/cold/expiring?warehouse=${w.warehouse.code}&days=14`)).text();
    expect(html).toContain(old!.code);
    expect(html).toContain(soon!.code);
    expect(html).not.toContain(w.lot.kefir.code);
    const bid = /name="balance" value="(\d+)" checked/.exec(html)?.[1];
    expect(bid).toBeDefined();
    const res = await m.post('/cold/expiring/quarantine', { warehouse: w.warehouse.code, days: '14', balance: bid! });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('3 units moved to quarantine');
    expect(await balanceOf(db(), w.loc.quarantineChilled.id, w.product.kefir.id, old!.id)).toEqual({ onHand: 3, reserved: 0 });
    const none = await m.post('/cold/expiring/quarantine', { warehouse: w.warehouse.code, days: '14' });
    expect(none.status).toBe(422);
    const seller = await signedIn(app, w.user.sellerA.email);
    for (const path of [`/cold?warehouse=${w.warehouse.code}`, `/cold/expiring?warehouse=${w.warehouse.code}`, `/cold/readings/new`]) expect((await seller.get(path)).status).toBe(403);
  });

  it('sensor tokens: made on the page (shown once, only a hash kept), revoked; an operator may not', async () => {
    const w = await makeWorld(db());
    const m = await signedIn(app, w.user.manager.email);
    const made = await m.post('/cold/devices', { warehouse: w.warehouse.code, name: 'Freezer F1 probe' });
    const html = await made.text();
    const token = /data-token[^>]*>([a-z2-9]{24}\.[a-z2-9]{24})</.exec(html)?.[1];
    expect(token).toBeDefined();
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.warehouseId, w.warehouse.id));
    expect(row).toMatchObject({ kind: 'device', name: 'Freezer F1 probe', revokedAt: null });
    expect(Buffer.from(row!.secretHash).toString('utf8')).not.toContain(token!.split('.')[1]);
    const res = await app.request('http://localhost/api/v1/temperature-readings', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ readings: [{ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -21, at: ago(1) }] }) });
    expect(res.status).toBe(201);
    expect(await (await m.get(`/cold/devices?warehouse=${w.warehouse.code}`)).text()).not.toContain(token!);
    expect((await m.post(`/cold/devices/${row!.id}/revoke`, {})).status).toBe(303);
    const again = await app.request('http://localhost/api/v1/temperature-readings', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ readings: [{ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -21, at: ago(0) }] }) });
    expect(again.status).toBe(401);
    const op = await signedIn(app, w.user.operator.email);
    expect((await op.get(`/cold/devices?warehouse=${w.warehouse.code}`)).status).toBe(403);
    expect((await op.post('/cold/devices', { warehouse: w.warehouse.code, name: 'x' })).status).toBe(403);
  });

  it('a decision moves only the exposed units: fresh units of the same balance stay, and units that left are named with where they went', async () => {
    const w = await makeWorld(db());
    const [peas] = await db().insert(products).values({ sellerId: w.sellerA.id, sku: `PEAS-${uid()}`, name: 'Frozen peas', temperatureClass: 'frozen' }).returning();
    await stock(db(), w, [{ productId: peas!.id, locationId: w.loc.frozen.id, quantity: 10 }]);
    await send(w, [
      { location: 'F-01-01-1', celsius: -20, at: later(1) },
      { location: 'F-01-01-1', celsius: -9, at: later(2) },
      { location: 'F-01-01-1', celsius: -20, at: later(3) },
    ]);
    await new Promise((r) => setTimeout(r, 3200));
    // After the excursion: 4 exposed units leave for the quarantine shelf by hand, 5 fresh ones arrive.
    const { move } = await import('../../src/stock/index.ts');
    await db().transaction((tx) => move(tx, { productId: peas!.id, quantity: 4, fromLocationId: w.loc.frozen.id, toLocationId: w.loc.dockFrozen.id, reason: 'relocation', actor: { userId: w.user.manager.id } }));
    await stock(db(), w, [{ productId: peas!.id, locationId: w.loc.frozen.id, quantity: 5 }]);
    const [e] = await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id));
    const m = await signedIn(app, w.user.manager.email);
    const page = await (await m.get(`/cold/excursions/${e!.id}`)).text();
    expect(page).toContain('4 exposed units left since, to DOCK-F1');
    const k = `${w.loc.frozen.id}_${peas!.id}_0`;
    const done = await m.post(`/cold/excursions/${e!.id}/close`, { [`decision_${k}`]: 'quarantine', note: 'Thawed at the door.' });
    expect(done.status).toBe(303);
    // 11 there before: 6 exposed ones quarantined, the 5 fresh ones stay.
    expect(await balanceOf(db(), w.loc.frozen.id, peas!.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await balanceOf(db(), w.loc.quarantineFrozen.id, peas!.id)).toEqual({ onHand: 6, reserved: 0 });
  });

  it('a Basic Authorization header from a proxy is ignored; a chart with a bad "from" is a 422, not a 500', async () => {
    const w = await makeWorld(db());
    const m = await signedIn(app, w.user.manager.email);
    expect((await m.get(`/cold?warehouse=${w.warehouse.code}`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(200);
    const zone = await frozenZone(w);
    for (const from of ['-271821-04-20T00:00:00Z', 'yesterday', '2026-13-01T00:00:00Z']) expect((await m.get(`/cold/zones/${zone.id}/chart?from=${encodeURIComponent(from)}`)).status).toBe(422);
    expect((await m.get(`/cold/zones/${zone.id}/chart?days=abc`)).status).toBe(422);
    expect((await m.get(`/cold/zones/${zone.id}/chart?from=2026-11-28T10:00:00Z`)).status).toBe(200);
  });

  it('a slot counted in pallet positions takes another lot only while a position is free; a warm product is refused by class', async () => {
    const w = await makeWorld(db());
    await db().update(locations).set({ capacity: 1, capacityUnit: 'pallets' }).where(eq(locations.id, w.loc.frozen.id));
    const [lot2] = await db().insert(lots).values({ productId: w.product.icecream.id, code: `P2${uid()}`, expiresOn: '2031-12-31' }).returning();
    await stock(db(), w, [
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 5 },
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.dockFrozen.id, quantity: 5 },
      { productId: w.product.icecream.id, lotId: lot2!.id, locationId: w.loc.dockFrozen.id, quantity: 5 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.dockChilled.id, quantity: 5 },
    ]);
    const { putAway } = await import('../../src/inbound/putaway.ts');
    const put = (sku: string, lot: string, from: string, quantity = 5) =>
      putAway({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, sku, lot, from_location: from, to_location: 'F-01-01-1', quantity, idempotency_key: `k-${uid()}-${uid()}` } }).catch((e: unknown) => e);
    // The same lot joins its pallet, in any quantity.
    expect(await put(w.product.icecream.sku, w.lot.ice.code, 'DOCK-F1')).toMatchObject({ to: 'F-01-01-1', quantity: 5 });
    const before = await stockFingerprint(db(), [w.warehouse.id, w.other.id]);
    const full = (await put(w.product.icecream.sku, lot2!.code, 'DOCK-F1')) as { code: string; fieldErrors: { path: string; key: string }[] };
    expect(full.fieldErrors[0]).toMatchObject({ path: 'to_location', key: 'putaway.error.noPalletRoom' });
    const warm = (await put(w.product.kefir.sku, w.lot.kefir.code, 'DOCK-R1')) as { code: string };
    expect(warm.code).toBe('WRONG_TEMPERATURE_CLASS');
    expect(await stockFingerprint(db(), [w.warehouse.id, w.other.id])).toEqual(before);
  });

  it('the zone list flags a monitored zone with no recent reading as "no data"; the chart page carries the series', async () => {
    const w = await makeWorld(db());
    const zone = await frozenZone(w);
    await db().update(zones).set({ logIntervalMinutes: 15 }).where(eq(zones.id, zone.id));
    await send(w, [
      { zone: 'FROZEN', celsius: -20, at: ago(120) },
      { zone: 'FROZEN', celsius: -21, at: ago(100) },
    ]);
    const m = await signedIn(app, w.user.manager.email);
    const home = await (await m.get(`/cold?warehouse=${w.warehouse.code}`)).text();
    expect(home).toContain('No data');
    const chart = await (await m.get(`/cold/zones/${zone.id}/chart?days=1`)).text();
    const data = JSON.parse(/<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(chart)![1]!);
    expect(data).toMatchObject({ y: [-20, -21], max: -18, min: null });
    const log = await (await m.get(`/cold/zones/${zone.id}/log?days=1`)).text();
    expect(log).toContain('No reading for');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { ledgerEntries, locations, lots, pickTasks, products, userWarehouses } from '../../src/db/schema/index.ts';
import { move, verifyLedger } from '../../src/stock/index.ts';
import { recordReadings } from '../../src/cold/record-readings.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { confirmPick } from '../../src/outbound/confirm-pick.ts';
import { packOrder, packScan, shipOrder } from '../../src/outbound/pack-ship.ts';
import { saveShipment } from '../../src/inbound/save-shipment.ts';
import { localToday } from '../../src/inbound/temperature.ts';
import { loadDashboard, type Dashboard } from '../../src/dashboard/queries.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { makeOrder } from '../helpers/outbound.ts';
import { arrive, key, makeAsn } from '../helpers/inbound.ts';
import { asUser, makeWorld, stock, uid, type World } from '../helpers/world.ts';

const later = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const addDays = (iso: string, d: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
const hourIn = (at: Date, timeZone: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at));
/** The JSON a chart is drawn from, as embedded in the page. */
const chartData = (html: string, id: string) => JSON.parse(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html)![1]!) as { x: number[]; series: { label: string; values: number[] }[] };
const kpi = (html: string, name: string) => Number(new RegExp(`data-kpi="${name}" data-value="(\\d+)"`).exec(html)?.[1] ?? NaN);

describe.each(backends)('dashboard on %s', (backend) => {
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
  const ledgerOk = async () => expect((await verifyLedger(db())).problems).toEqual([]);

  /**
   * A day of work in the world's warehouse (Moscow time), every figure known:
   * 42 units received, an order of 6 picked (3 picks by two people) and shipped, one unit
   * dispatched on a transfer and received in the other warehouse, three open orders (one
   * late, one due today, one later), two lots expiring, an excursion in the freezer, one ASN
   * arrived and one due.
   */
  async function dayOfWork(w: World) {
    const today = localToday(w.warehouse.timezone);
    await db().update(locations).set({ capacity: 20 }).where(eq(locations.id, w.loc.a1.id));
    await db().update(locations).set({ capacity: 10 }).where(eq(locations.id, w.loc.a2.id));
    await db().update(locations).set({ capacity: 2, capacityUnit: 'pallets' }).where(eq(locations.id, w.loc.chilled.id));
    const [soon] = await db().insert(lots).values({ productId: w.product.kefir.id, code: `KS${uid()}`, expiresOn: addDays(today, 5) }).returning();
    const [gone] = await db().insert(lots).values({ productId: w.product.kefir.id, code: `KG${uid()}`, expiresOn: addDays(today, -1) }).returning();
    const [iceSoon] = await db().insert(lots).values({ productId: w.product.icecream.id, code: `IS${uid()}`, expiresOn: addDays(today, 3) }).returning();
    await db().update(products).set({ reorderPoint: 20 }).where(eq(products.id, w.product.widget.id));
    await db().update(products).set({ reorderPoint: 5 }).where(eq(products.id, w.product.gadget.id));
    await db().update(products).set({ reorderPoint: 3 }).where(eq(products.id, w.product.icecream.id));
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 12 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 3 },
      { productId: w.product.gadget.id, locationId: w.loc.a2.id, quantity: 5 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 8 },
      { productId: w.product.kefir.id, lotId: soon!.id, locationId: w.loc.chilled.id, quantity: 4 },
      { productId: w.product.kefir.id, lotId: gone!.id, locationId: w.loc.chilled2.id, quantity: 1 },
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 6 },
      { productId: w.product.widget.id, locationId: w.loc.quarantine.id, quantity: 2 },
      { productId: w.product.icecream.id, lotId: iceSoon!.id, locationId: w.loc.quarantineFrozen.id, quantity: 1 },
    ]);

    // Order A is picked (operator: widgets in two picks; manager: the ice cream), packed and shipped.
    const { order: a } = await makeOrder(db(), w, [
      { sku: w.product.widget.sku, quantity: 4 },
      { sku: w.product.icecream.sku, quantity: 2 },
    ], { shipBy: '2026-01-10' });
    const { order: late } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }], { shipBy: addDays(today, -4) });
    const { order: dueToday } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 2 }], { shipBy: today });
    await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }], { shipBy: addDays(today, 21) });
    const op = asUser(w, 'operator');
    const mgr = asUser(w, 'manager');
    const { list } = await createPickList({ db: db(), user: op, warehouse: w.warehouse.code, orderIds: [a.id] });
    const tasks = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id)).orderBy(pickTasks.sequence);
    const widgetTask = tasks.find((t) => t.productId === w.product.widget.id)!;
    const iceTask = tasks.find((t) => t.productId === w.product.icecream.id)!;
    expect(widgetTask.locationId).toBe(w.loc.a1.id);
    await confirmPick({ db: db(), user: op, taskId: widgetTask.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 3, idempotency_key: key() } });
    await confirmPick({ db: db(), user: op, taskId: widgetTask.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } });
    await confirmPick({ db: db(), user: mgr, taskId: iceTask.id, input: { location: 'F-01-01-1', scan: `010${w.product.icecream.ean}10${w.lot.ice.code}`, quantity: 2, idempotency_key: key() } });
    await packScan({ db: db(), user: op, orderId: a.id, input: { scan: w.product.widget.ean, quantity: 4 } });
    await packScan({ db: db(), user: op, orderId: a.id, input: { scan: w.product.icecream.ean, quantity: 2 } });
    await packOrder({ db: db(), user: op, orderId: a.id, input: { weight_kg: '2' } });
    await shipOrder({ db: db(), user: op, orderId: a.id, input: {} });

    // One gadget leaves on a transfer and arrives in the other warehouse.
    const transfer = { type: 'transfer', id: `T-${uid()}` };
    await db().transaction((tx) => move(tx, { productId: w.product.gadget.id, quantity: 1, fromLocationId: w.loc.a2.id, toLocationId: w.loc.transit.id, reason: 'transfer_out', document: transfer, actor: { userId: op.id } }));
    await db().transaction((tx) => move(tx, { productId: w.product.gadget.id, quantity: 1, fromLocationId: w.loc.transit.id, toLocationId: w.loc.otherA1.id, reason: 'transfer_in', document: transfer, actor: { userId: op.id } }));

    // The freezer slot warms up: an open excursion.
    await recordReadings({
      db: db(),
      sender: { user: mgr },
      input: { readings: [{ warehouse: w.warehouse.code, location: 'F-01-01-1', celsius: -20, at: later(1) }, { warehouse: w.warehouse.code, location: 'F-01-01-1', celsius: -8, at: later(2) }] },
    });

    // One ASN arrives today; another was due today and has not come.
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    await saveShipment({
      db: db(),
      user: mgr,
      input: { warehouse: w.warehouse.code, seller: w.sellerA.code, reference: `TIR-${uid()}`, eta: today, transport: { mode: 'road_tir', vehicle_plate: 'A123BC77' }, lines: [{ sku: w.product.widget.sku, quantity: 5 }], draft: false },
    });

    const picks = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.warehouseId, w.warehouse.id), eq(ledgerEntries.reason, 'pick')));
    return { today, soon: soon!, gone: gone!, late, dueToday, picks };
  }

  const one = (w: World, opts: { now?: Date; days?: number } = {}) => loadDashboard(db(), { warehouses: [w.warehouse], expiringDays: opts.days ?? 14, now: opts.now });
  const zeros = (n: number) => new Array<number>(n).fill(0);

  it('gives the figures of one warehouse against known data', async () => {
    const w = await makeWorld(db());
    const s = await dayOfWork(w);
    await ledgerOk();
    const d = await one(w);

    // Units by zone and class: 42 received − 6 shipped − 1 dispatched = 35 on hand. Available
    // leaves out reserved units, quarantine and the expired kefir: 17 − 4 − 2, 13 − 1, 5 − 1.
    expect(d.zones.map((z) => [z.zone, z.temperatureClass, z.onHand, z.reserved, z.available, z.quarantined])).toEqual([
      ['AMBIENT', 'ambient', 17, 4, 11, 2],
      ['CHILLED', 'chilled', 13, 0, 12, 0],
      ['FROZEN', 'frozen', 5, 0, 4, 1],
    ]);
    expect(d.classes.map((c) => [c.temperatureClass, c.onHand])).toEqual([
      ['ambient', 17],
      ['chilled', 13],
      ['frozen', 5],
    ]);
    expect(d.totals).toEqual({ onHand: 35, reserved: 4, available: 27, quarantined: 3 });

    // Slot utilisation: the closed location does not count; R-01-01-1 holds two lots in its two pallet positions.
    expect(d.utilisation.zones.map((z) => [z.zone, z.locations, z.occupied, z.unitsUsed, z.unitsCapacity, z.palletsUsed, z.palletsCapacity])).toEqual([
      ['AMBIENT', 2, 2, 15, 30, 0, 0],
      ['CHILLED', 2, 2, 0, 0, 2, 2],
      ['FROZEN', 1, 1, 0, 0, 0, 0],
    ]);
    expect(d.utilisation.kinds).toEqual([
      { kind: 'storage', locations: 2, occupied: 2, empty: 0 },
      { kind: 'pick', locations: 0, occupied: 0, empty: 0 },
      { kind: 'cold', locations: 3, occupied: 3, empty: 0 },
    ]);

    // Low stock: widgets 7 available (12 − 4 picked − 4 reserved on A-01-01-1, + 3 on A-01-01-2; quarantine does not count) ≤ 20;
    // gadgets 4 ≤ 5; ice cream 4 > 3 is fine; kefir has no reorder point.
    expect(d.lowStock.total).toBe(2);
    expect(d.lowStock.rows.map((r) => [r.sku, r.available, r.reorderPoint, r.onHand])).toEqual([
      [w.product.widget.sku, 7, 20, 13],
      [w.product.gadget.sku, 4, 5, 4],
    ]);

    // Expiring within 14 days: the expired kefir lot and the one expiring in 5 days; quarantined ice cream left out.
    expect(d.expiring.total).toBe(2);
    expect(d.expiring.units).toBe(5);
    expect(d.expiring.rows.map((r) => [r.lot, r.expiresOn, r.daysLeft, r.units])).toEqual([
      [s.gone.code, s.gone.expiresOn, -1, 1],
      [s.soon.code, s.soon.expiresOn, 5, 4],
    ]);
    expect((await one(w, { days: 3 })).expiring.rows.map((r) => r.lot)).toEqual([s.gone.code]);

    // Today: received, sent out, documents.
    expect(d.flows.today).toEqual({ receivedFromSuppliers: 42, receivedFromTransfers: 0, shipped: 6, dispatched: 1, ordersShipped: 1, transfersReceived: 0 });
    expect(d.inbound).toEqual({ asnsArrived: 1, asnsDue: 1 });

    // Late orders: the one due four days ago (the shipped one, also past its day, is not late any more); one more due today.
    expect(d.late.total).toBe(1);
    expect(d.late.rows.map((o) => [o.id, o.status])).toEqual([[s.late.id, 'allocated']]);
    expect(d.late.dueToday).toBe(1);

    // The freezer excursion is open.
    expect(d.excursions.total).toBe(1);
    expect(d.excursions.rows.map((e) => [e.zone, e.location, e.peakCelsius, e.status])).toEqual([['FROZEN', 'F-01-01-1', -8, 'open']]);

    // Picks per operator per hour, on the Moscow clock.
    expect(s.picks).toHaveLength(3);
    const hour = (who: number) => s.picks.filter((p) => p.actorUserId === who).map((p) => hourIn(p.at, 'Europe/Moscow'));
    expect(d.picks.picks).toBe(3);
    expect(d.picks.units).toBe(6);
    expect(d.picks.operators.map((o) => [o.name, o.picks, o.units])).toEqual([
      ['operator user', 2, 4],
      ['manager user', 1, 2],
    ]);
    const opByHour: Record<number, number> = {};
    for (const h of hour(w.user.operator.id)) opByHour[h] = (opByHour[h] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(d.picks.operators[0]!.byHour).map(([h, c]) => [h, c.picks]))).toEqual(opByHour);
    expect(d.picks.hours).toContain(hour(w.user.manager.id)[0]);

    // The charts: all of today's stock came in today, so the trend is 0 until today's 35.
    expect(d.flows.trend.days).toHaveLength(30);
    expect(d.flows.trend.days.at(-1)).toBe(s.today);
    expect(d.flows.trend.onHand).toEqual([...zeros(29), 35]);
    expect(d.flows.throughput.days).toEqual(d.flows.trend.days.slice(-14));
    expect(d.flows.throughput.received).toEqual([...zeros(13), 42]);
    expect(d.flows.throughput.sentOut).toEqual([...zeros(13), 7]);

    // Three days later, the same day of work sits in the past of both charts; the order due today is late too.
    const in3 = await one(w, { now: new Date(Date.now() + 3 * 86_400_000) });
    expect(in3.flows.trend.days.at(-1)).toBe(addDays(s.today, 3));
    expect(in3.flows.trend.onHand).toEqual([...zeros(26), 35, 35, 35, 35]);
    expect(in3.flows.throughput.received).toEqual([...zeros(10), 42, 0, 0, 0]);
    expect(in3.flows.throughput.sentOut).toEqual([...zeros(10), 7, 0, 0, 0]);
    expect(in3.flows.today).toEqual({ receivedFromSuppliers: 0, receivedFromTransfers: 0, shipped: 0, dispatched: 0, ordersShipped: 0, transfersReceived: 0 });
    expect(in3.picks.picks).toBe(0);
    expect(in3.late.rows.map((o) => o.id)).toEqual([s.late.id, s.dueToday.id]);
    expect(in3.expiring.rows.map((r) => r.daysLeft)).toEqual([-4, 2]);

    // No warehouse at all (an operator not yet assigned): empty figures, not an error.
    const none = await loadDashboard(db(), { warehouses: [], expiringDays: 14 });
    expect(none.totals.onHand).toBe(0);
    expect(none.flows.trend.onHand).toEqual(zeros(30));
    expect(none.lowStock.total).toBe(0);

    // The other warehouse received the gadget from the transfer.
    const other = await loadDashboard(db(), { warehouses: [w.other], expiringDays: 14 });
    expect(other.flows.today).toEqual({ receivedFromSuppliers: 0, receivedFromTransfers: 1, shipped: 0, dispatched: 0, ordersShipped: 0, transfersReceived: 1 });
    expect(other.totals.onHand).toBe(1);
    expect(other.flows.trend.onHand.at(-1)).toBe(1);
  });

  it('adds up several warehouses, each on its own clock', async () => {
    const w = await makeWorld(db());
    await dayOfWork(w);
    // This operator works in both warehouses: "all my warehouses" is those two.
    await db().insert(userWarehouses).values({ userId: w.user.operator.id, warehouseId: w.other.id });
    const d = await loadDashboard(db(), { warehouses: [w.warehouse, w.other], expiringDays: 14 });
    expect(d.totals.onHand).toBe(36);
    expect(d.zones.map((z) => [z.warehouse, z.zone, z.onHand])).toEqual([
      [w.warehouse.code, 'AMBIENT', 17],
      [w.warehouse.code, 'CHILLED', 13],
      [w.warehouse.code, 'FROZEN', 5],
      [w.other.code, 'AMBIENT', 1],
    ]);
    expect(d.flows.today).toEqual({ receivedFromSuppliers: 42, receivedFromTransfers: 1, shipped: 6, dispatched: 1, ordersShipped: 1, transfersReceived: 1 });
    // Between the two warehouses the transfer nets out: the trend ends at 36.
    expect(d.flows.trend.onHand.at(-1)).toBe(36);
    // The reorder point holds in each warehouse: gadgets are low there (1 ≤ 5) and here (4 ≤ 5).
    expect(d.lowStock.rows.map((r) => [r.warehouse, r.sku, r.available])).toEqual([
      [w.other.code, w.product.gadget.sku, 1],
      [w.warehouse.code, w.product.widget.sku, 7],
      [w.warehouse.code, w.product.gadget.sku, 4],
    ]);
    // The view of both lists what each warehouse's own view lists, no more, no less.
    const alone = await Promise.all([w.warehouse, w.other].map((x) => loadDashboard(db(), { warehouses: [x], expiringDays: 14 })));
    const key = (r: { warehouse: string; sku: string; available: number }) => `${r.warehouse} ${r.sku} ${r.available}`;
    expect(d.lowStock.rows.map(key).sort()).toEqual(alone.flatMap((x) => x.lowStock.rows.map(key)).sort());

    const c = await signedIn(app, w.user.operator.email);
    const res = await c.get('/dashboard');
    expect(res.status).toBe(200);
    const html = await res.text();
    // The operator reads Russian.
    expect(html).toContain('Сводка');
    expect(html).toContain(`data-zone="${w.other.code}/AMBIENT" data-on-hand="1"`);
    expect(kpi(html, 'onHand')).toBe(36);
    expect(kpi(html, 'received')).toBe(43);
    expect((await c.get(`/dashboard?warehouse=${w.other.code}`)).status).toBe(200);
    await ledgerOk();
  });

  it('shows the figures on the page, full and as a fragment, to those who may see them', async () => {
    const w = await makeWorld(db());
    const s = await dayOfWork(w);
    const admin = await signedIn(app, w.user.admin.email);
    const res = await admin.get(`/dashboard?warehouse=${w.warehouse.code.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toContain('HX-Request');
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('/static/dashboard-charts.js?v=');
    expect(html).toContain('/static/uPlot.iife.min.js?v=');
    expect(kpi(html, 'onHand')).toBe(35);
    expect(kpi(html, 'received')).toBe(42);
    expect(kpi(html, 'shipped')).toBe(7);
    expect(kpi(html, 'late')).toBe(1);
    expect(kpi(html, 'excursions')).toBe(1);
    expect(kpi(html, 'lowStock')).toBe(2);
    expect(kpi(html, 'expiring')).toBe(2);
    expect(kpi(html, 'picks')).toBe(3);
    expect(html).toContain(`data-zone="${w.warehouse.code}/AMBIENT" data-on-hand="17"`);
    expect(html).toContain('data-class="total" data-on-hand="35"');
    expect(html).toContain(`data-sku="${w.product.widget.sku}" data-available="7" data-reorder-point="20"`);
    expect(html).toContain(`data-sku="${w.product.kefir.sku}" data-lot="${s.soon.code}" data-units="4" data-days-left="5"`);
    expect(html).toContain(`data-order="${s.late.id}"`);
    expect(html).toContain('data-operator="operator user" data-picks="2" data-units="4"');
    expect(html).toContain('data-total="picks" data-picks="3" data-units="6"');
    expect(html).toContain('data-kind="cold" data-occupied="3" data-empty="0"');
    expect(html).toContain('data-used="15" data-capacity="30"');
    const trend = chartData(html, 'dash-trend');
    expect(trend.series[0]!.values).toEqual([...zeros(29), 35]);
    expect(trend.x.at(-1)).toBe(Date.parse(`${s.today}T00:00:00Z`) / 1000);
    const throughput = chartData(html, 'dash-throughput');
    expect(throughput.series.map((x) => x.values.at(-1))).toEqual([42, 7]);

    // The htmx filters and the refresh get the figures alone.
    const part = await admin.get(`/dashboard?warehouse=${w.warehouse.code}&days=3`, { htmx: true });
    expect(part.status).toBe(200);
    const partHtml = await part.text();
    expect(partHtml.startsWith('<div id="dashboard"')).toBe(true);
    expect(partHtml).toContain(`hx-get="/dashboard?warehouse=${w.warehouse.code}&amp;days=3"`);
    expect(kpi(partHtml, 'expiring')).toBe(1);
    expect(partHtml).not.toContain('<html');

    // Every warehouse for a manager: the world's zones are among them.
    const manager = await signedIn(app, w.user.manager.email);
    const all = await manager.get('/dashboard');
    expect(all.status).toBe(200);
    const allHtml = await all.text();
    expect(allHtml).toContain(`data-zone="${w.warehouse.code}/CHILLED" data-on-hand="13"`);
    expect(allHtml).toContain(`data-zone="${w.other.code}/AMBIENT" data-on-hand="1"`);
    expect((await manager.get('/dashboard', { htmx: true })).status).toBe(200);
    expect((await manager.get('/inventory')).status).toBe(200);
    expect(await (await manager.get('/inventory')).text()).toContain('href="/dashboard"');

    // The operator of the warehouse, in Russian and as a fragment.
    const op = await signedIn(app, w.user.operator.email);
    const opRes = await op.get(`/dashboard?warehouse=${w.warehouse.code}`);
    expect(opRes.status).toBe(200);
    const opHtml = await opRes.text();
    expect(opHtml).toContain('Просроченные заказы');
    expect(kpi(opHtml, 'onHand')).toBe(35);
    expect((await op.get(`/dashboard?warehouse=${w.warehouse.code}`, { htmx: true })).status).toBe(200);
    // Another warehouse is none of theirs; "all" is their own only.
    expect((await op.get(`/dashboard?warehouse=${w.other.code}`)).status).toBe(404);
    expect(await (await op.get('/dashboard')).text()).not.toContain(`data-zone="${w.other.code}/AMBIENT"`);
    const opOther = await signedIn(app, w.user.operatorOther.email);
    expect((await opOther.get(`/dashboard?warehouse=${w.warehouse.code}`)).status).toBe(404);
    const opOtherHtml = await (await opOther.get('/dashboard')).text();
    expect(kpi(opOtherHtml, 'onHand')).toBe(1);

    // Sellers may not; nobody signed in goes to the sign-in page.
    const seller = await signedIn(app, w.user.sellerA.email);
    expect((await seller.get('/dashboard')).status).toBe(403);
    expect((await seller.get(`/dashboard?warehouse=${w.warehouse.code}`, { htmx: true })).status).toBe(403);
    expect(await (await seller.get('/inventory')).text()).not.toContain('href="/dashboard"');
    const anon = await new Client(app).get('/dashboard');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login?next=%2Fdashboard');

    // Bad filters are a message, not a crash.
    for (const q of ['days=0', 'days=abc', 'days=367', 'days=1.5']) {
      const bad = await admin.get(`/dashboard?${q}`);
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('A filter value is not valid.');
    }
    const badPart = await admin.get('/dashboard?days=0', { htmx: true });
    expect(badPart.status).toBe(422);
    expect(await badPart.text()).toContain('<div id="dashboard">');
    expect((await admin.get('/dashboard?warehouse=NOPE')).status).toBe(404);
  });

  it('a manager sets the reorder point on the product page; bad input is named; others may not', async () => {
    const w = await makeWorld(db());
    const reorderOf = async (id: number) => (await db().select({ r: products.reorderPoint }).from(products).where(eq(products.id, id)))[0]!.r;
    const path = `/products/${w.product.widget.id}/reorder-point`;
    const m = await signedIn(app, w.user.manager.email);
    const page = await (await m.get(`/products/${w.product.widget.id}`)).text();
    expect(page).toContain(`action="${path}"`);
    expect(page).toContain('data-reorder-point=""');

    const ok = await m.post(path, { reorder_point: ' 15 ' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/products/${w.product.widget.id}?saved=1`);
    expect(await reorderOf(w.product.widget.id)).toBe(15);
    const after = await (await m.get(`/products/${w.product.widget.id}?saved=1`)).text();
    expect(after).toContain('data-reorder-point="15"');
    expect(after).toContain('Reorder point saved.');

    for (const bad of ['abc', '-1', '2.5', '1000000000', '1e3']) {
      const res = await m.post(path, { reorder_point: bad });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('id="f-reorder_point-error"');
      expect(html).toContain('Enter a whole number of units');
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    }
    expect(await reorderOf(w.product.widget.id)).toBe(15);

    // htmx: the form comes back with the new value swapped into the facts.
    const frag = await m.post(path, { reorder_point: '0' }, { htmx: true });
    expect(frag.status).toBe(200);
    const fragHtml = await frag.text();
    expect(fragHtml.startsWith('<form')).toBe(true);
    expect(fragHtml).toContain('hx-swap-oob="true"');
    expect(fragHtml).toContain('data-reorder-point="0"');
    expect(await reorderOf(w.product.widget.id)).toBe(0);
    const badFrag = await m.post(path, { reorder_point: 'x' }, { htmx: true });
    expect(badFrag.status).toBe(422);
    expect((await badFrag.text()).startsWith('<form')).toBe(true);

    // Empty: the product is no longer watched.
    expect((await m.post(path, { reorder_point: '' })).status).toBe(303);
    expect(await reorderOf(w.product.widget.id)).toBe(null);

    // An administrator may too; operators and sellers may not (another seller's product is not found).
    const admin = await signedIn(app, w.user.admin.email);
    expect((await admin.post(path, { reorder_point: '7' })).status).toBe(303);
    expect(await reorderOf(w.product.widget.id)).toBe(7);
    const op = await signedIn(app, w.user.operator.email);
    expect(await (await op.get(`/products/${w.product.widget.id}`)).text()).not.toContain(`action="${path}"`);
    expect((await op.post(path, { reorder_point: '1' })).status).toBe(403);
    const sellerA = await signedIn(app, w.user.sellerA.email);
    expect((await sellerA.post(path, { reorder_point: '1' })).status).toBe(403);
    const sellerB = await signedIn(app, w.user.sellerB.email);
    expect((await sellerB.post(path, { reorder_point: '1' })).status).toBe(404);
    expect(await reorderOf(w.product.widget.id)).toBe(7);
    const anon = new Client(app);
    await anon.get('/login');
    expect((await anon.post(path, { reorder_point: '1' })).status).toBe(303);
    expect(await reorderOf(w.product.widget.id)).toBe(7);
  });
});

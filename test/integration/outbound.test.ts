import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { ledgerEntries, lots, orderLines, orders, pickTasks, reservations } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { confirmPick, shortPick } from '../../src/outbound/confirm-pick.ts';
import { cancelOrder, packOrder, packScan, shipOrder } from '../../src/outbound/pack-ship.ts';
import { retryBackorders } from '../../src/outbound/allocate.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { balanceOf } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid } from '../helpers/world.ts';
import { makeOrder, widgetTaskOnTwoShelves } from '../helpers/outbound.ts';
import { GS, key } from '../helpers/inbound.ts';

describe.each(backends)('orders and picking on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;
  const ledgerOk = async () => expect((await verifyLedger(db())).problems).toEqual([]);
  const reservedFor = async (orderId: number) =>
    (await db().select().from(reservations).where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(orderId)), isNull(reservations.closedAt)))).reduce((n, r) => n + r.quantity, 0);

  it('allocates first-expired-first-out, skipping expired and short-dated lots', async () => {
    const w = await makeWorld(db());
    const mk = async (code: string, expiresOn: string) => (await db().insert(lots).values({ productId: w.product.kefir.id, code, expiresOn }).returning())[0]!;
    const expired = await mk('OLD', '2020-01-01');
    const soon = await mk('SOON', new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10));
    const later = await mk('LATER', '2031-01-01');
    const mid = await mk('MID', '2030-01-01');
    await stock(db(), w, [
      { productId: w.product.kefir.id, lotId: expired.id, locationId: w.loc.chilled.id, quantity: 50 },
      { productId: w.product.kefir.id, lotId: later.id, locationId: w.loc.chilled.id, quantity: 50 },
      { productId: w.product.kefir.id, lotId: mid.id, locationId: w.loc.chilled2.id, quantity: 4 },
      { productId: w.product.kefir.id, lotId: soon.id, locationId: w.loc.chilled2.id, quantity: 50 },
    ]);
    const { products } = await import('../../src/db/schema/index.ts');
    await db().update(products).set({ minShelfLifeDays: 10 }).where(eq(products.id, w.product.kefir.id));
    const { order, allocation } = await makeOrder(db(), w, [{ sku: w.product.kefir.sku, quantity: 6 }]);
    expect(allocation).toMatchObject({ status: 'allocated', reserved: 6, missing: 0 });
    // MID (2030) first, then LATER (2031); never OLD (expired) nor SOON (less than 10 days left).
    expect(await balanceOf(db(), w.loc.chilled2.id, w.product.kefir.id, mid.id)).toEqual({ onHand: 4, reserved: 4 });
    expect(await balanceOf(db(), w.loc.chilled.id, w.product.kefir.id, later.id)).toEqual({ onHand: 50, reserved: 2 });
    expect(await balanceOf(db(), w.loc.chilled2.id, w.product.kefir.id, soon.id)).toEqual({ onHand: 50, reserved: 0 });
    expect(await reservedFor(order.id)).toBe(6);
    await ledgerOk();
  });

  it('allocates what exists, backorders the rest, and tops it up when stock is put away', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 3 }]);
    const { order, allocation } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 5 }]);
    expect(allocation).toMatchObject({ status: 'backordered', reserved: 3, missing: 2 });
    // Stock on the dock is not allocatable; once put away, it is.
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 10 }]);
    expect((await retryBackorders(db(), { warehouseId: w.warehouse.id }))[0]).toMatchObject({ status: 'backordered', reserved: 0 });
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 10 }]);
    const [again] = await retryBackorders(db(), { warehouseId: w.warehouse.id, productIds: [w.product.widget.id] });
    expect(again).toMatchObject({ orderId: order.id, status: 'allocated', reserved: 2 });
    expect(await reservedFor(order.id)).toBe(5);
    await ledgerOk();
  });

  it('the same external id again creates nothing new', async () => {
    const w = await makeWorld(db());
    const id = `OZ-${uid()}`;
    const a = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }], { externalId: id });
    const b = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }], { externalId: id });
    expect(b.order.id).toBe(a.order.id);
  });

  it('pick list in walking order with frozen last; scan-to-pick; a short pick re-allocates elsewhere; pack with marking codes; ship', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 10 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 2 },
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 },
    ]);
    const { orderLines: ol } = await import('../../src/db/schema/index.ts');
    const { order } = await makeOrder(db(), w, [
      { sku: w.product.icecream.sku, quantity: 2 },
      { sku: w.product.widget.sku, quantity: 4 },
    ]);
    await db().update(ol).set({ requiresMarking: true }).where(and(eq(ol.orderId, order.id), eq(ol.lineNo, 1)));
    const { list, tasks } = await createPickList({ db: db(), user: asUser(w, 'operator'), warehouse: w.warehouse.code });
    expect(tasks).toBe(2);
    const listed = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id)).orderBy(pickTasks.sequence);
    // Widgets from A-01-01-1 (walk 1, where the stock is FIFO… the pick face order), then the freezer last.
    expect(listed.map((t) => t.locationId)).toEqual([w.loc.a1.id, w.loc.frozen.id]);
    const [o1] = await db().select().from(orders).where(eq(orders.id, order.id));
    expect(o1!.status).toBe('picking');

    const op = asUser(w, 'operator');
    // Wrong location, wrong product: refused.
    const wrongLoc = await confirmPick({ db: db(), user: op, taskId: listed[0]!.id, input: { location: 'A-01-01-2', scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } }).catch((e: unknown) => e);
    expect((wrongLoc as { key: string }).key).toBe('outbound.error.wrongLocation');
    const wrongProduct = await confirmPick({ db: db(), user: op, taskId: listed[0]!.id, input: { location: 'A-01-01-1', scan: w.product.kefir.ean, quantity: 1, idempotency_key: key() } }).catch((e: unknown) => e);
    expect((wrongProduct as { key: string }).key).toBe('outbound.error.wrongProduct');
    const tooMany = await confirmPick({ db: db(), user: op, taskId: listed[0]!.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 5, idempotency_key: key() } }).catch((e: unknown) => e);
    expect((tooMany as { key: string }).key).toBe('outbound.error.tooMany');
    // Three widgets found, the fourth is missing: short, re-allocated from A-01-01-2.
    const k = key();
    const p1 = await confirmPick({ db: db(), user: op, taskId: listed[0]!.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 3, idempotency_key: k } });
    expect(p1).toMatchObject({ quantity: 3, to: 'STAGE-A', taskDone: false });
    const again = await confirmPick({ db: db(), user: op, taskId: listed[0]!.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 3, idempotency_key: k } });
    expect(again).toMatchObject({ pickId: p1.pickId, replayed: true });
    const short = await shortPick({ db: db(), user: op, taskId: listed[0]!.id, input: { location: 'A-01-01-1' } });
    expect(short).toMatchObject({ missing: 1, replacedBy: 1, stillShort: 0 });
    const extra = (await db().select().from(pickTasks).where(and(eq(pickTasks.pickListId, list.id), eq(pickTasks.status, 'open')))).find((t) => t.locationId === w.loc.a2.id)!;
    await confirmPick({ db: db(), user: op, taskId: extra.id, input: { location: 'A-01-01-2', scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } });
    // Ice cream: a GS1 scan with the right lot.
    const ice = listed[1]!;
    const wrongLot = await confirmPick({ db: db(), user: op, taskId: ice.id, input: { location: 'F-01-01-1', scan: `01${'0' + w.product.icecream.ean}10NOPE`, quantity: 2, idempotency_key: key() } }).catch((e: unknown) => e);
    expect((wrongLot as { key: string }).key).toBe('outbound.error.wrongLotExpiry');
    const done = await confirmPick({ db: db(), user: op, taskId: ice.id, input: { location: 'F-01-01-1', scan: `01${'0' + w.product.icecream.ean}10${w.lot.ice.code}`, quantity: 2, idempotency_key: key() } });
    expect(done).toMatchObject({ to: 'STAGE-F', listDone: true });
    const [o2] = await db().select().from(orders).where(eq(orders.id, order.id));
    expect(o2!.status).toBe('picked');

    // Pack: the widgets by EAN, the ice cream by marking code, one per unit.
    const notYet = await shipOrder({ db: db(), user: op, orderId: order.id, input: {} }).catch((e: unknown) => e);
    expect((notYet as { key: string }).key).toBe('outbound.error.notPacked');
    await packScan({ db: db(), user: op, orderId: order.id, input: { scan: w.product.widget.ean, quantity: 4 } });
    const plain = await packScan({ db: db(), user: op, orderId: order.id, input: { scan: w.product.icecream.ean } }).catch((e: unknown) => e);
    expect((plain as { key: string }).key).toBe('outbound.error.markingRequired');
    const cz = (serial: string) => `01${'0' + w.product.icecream.ean}21${serial}${GS}91EE07${GS}92${'B'.repeat(44)}`;
    const s1 = `S${uid()}X`.slice(0, 13);
    await packScan({ db: db(), user: op, orderId: order.id, input: { scan: cz(s1) } });
    const dup = await packScan({ db: db(), user: op, orderId: order.id, input: { scan: cz(s1) } }).catch((e: unknown) => e);
    expect((dup as { key: string }).key).toBe('outbound.error.markingUsed');
    const last = await packScan({ db: db(), user: op, orderId: order.id, input: { scan: cz(`T${uid()}Y`.slice(0, 13)) } });
    expect(last.complete).toBe(true);
    await packOrder({ db: db(), user: op, orderId: order.id, input: { weight_kg: '1.25', carrier: 'Ozon Logistics', tracking_number: 'OZ123' } });
    const shipped = await shipOrder({ db: db(), user: op, orderId: order.id, input: {} });
    expect(shipped).toMatchObject({ status: 'shipped', weightGrams: 1250, trackingNumber: 'OZ123' });
    expect(await balanceOf(db(), w.loc.customer.id, w.product.widget.id)).toEqual({ onHand: 4, reserved: 0 });
    expect(await balanceOf(db(), w.loc.staging.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
    const moves = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'order'), eq(ledgerEntries.documentId, String(order.id))));
    expect(moves.filter((m) => m.reason === 'pick').length).toBe(3);
    expect(moves.filter((m) => m.reason === 'ship').length).toBe(2);
    await ledgerOk();
  });

  it('a short pick with no stock elsewhere leaves the line short', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 }]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 2 }]);
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    const r = await shortPick({ db: db(), user: asUser(w, 'operator'), taskId: task!.id, input: { location: ']C1a-01-01-1' } });
    expect(r).toMatchObject({ missing: 2, replacedBy: 0, stillShort: 2 });
    const [line] = await db().select().from(orderLines).where(eq(orderLines.orderId, order.id));
    expect(line!.shortQty).toBe(2);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
    await ledgerOk();
  });

  it('a short pick is recorded only with the task\'s location label scanned: none, or another, changes nothing', async () => {
    const w = await makeWorld(db());
    const { order, list, task } = await widgetTaskOnTwoShelves(db(), w);
    const op = asUser(w, 'operator');
    for (const input of [undefined, {}, { location: '' }, { location: '   ' }, { location: 42 }, []]) {
      const none = (await shortPick({ db: db(), user: op, taskId: task!.id, input }).catch((e: unknown) => e)) as { status: number; key: string; fieldErrors: { path: string; params: unknown }[] };
      expect([none.status, none.key]).toEqual([422, 'outbound.error.locationFirst']);
      expect(none.fieldErrors).toEqual([{ path: 'location', key: 'outbound.error.locationFirst', params: { expected: 'A-01-01-1' } }]);
    }
    const elsewhere = (await shortPick({ db: db(), user: op, taskId: task!.id, input: { location: 'A-01-01-2' } }).catch((e: unknown) => e)) as { status: number; key: string; fieldErrors: { path: string }[] };
    expect([elsewhere.status, elsewhere.key, elsewhere.fieldErrors[0]!.path]).toEqual([409, 'outbound.error.wrongLocation', 'location']);
    const [still] = await db().select().from(pickTasks).where(eq(pickTasks.id, task!.id));
    expect([still!.status, still!.shortQty]).toEqual(['open', 0]);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 2 });
    const [line] = await db().select().from(orderLines).where(eq(orderLines.orderId, order.id));
    expect(line!.shortAt).toEqual([]);
    expect(await shortPick({ db: db(), user: op, taskId: task!.id, input: { location: 'A-01-01-1' } })).toMatchObject({ missing: 2, replacedBy: 2 });
    await ledgerOk();
  });

  it('a task naming a lot asks for the lot when the scan carries none; the lot typed or scanned into its field is checked', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 10 }]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.icecream.sku, quantity: 5 }]);
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    const op = asUser(w, 'operator');
    const pick = (input: Record<string, unknown>) => confirmPick({ db: db(), user: op, taskId: task!.id, input: { location: 'F-01-01-1', quantity: 1, idempotency_key: key(), ...input } });
    const refused = async (input: Record<string, unknown>) => (await pick(input).catch((e: unknown) => e)) as { status: number; key: string; fieldErrors: { path: string; params?: Record<string, unknown> }[] };
    // A plain EAN or the SKU says nothing about the lot: asked for, at the lot field.
    for (const input of [{ scan: w.product.icecream.ean }, { sku: w.product.icecream.sku }, { scan: w.product.icecream.ean, lot: '  ' }]) {
      const e = await refused(input);
      expect([e.status, e.key, e.fieldErrors[0]!.path]).toEqual([422, 'outbound.error.lotNeeded', 'lot']);
    }
    // A GS1 scan with only an expiry date does not name the lot code either.
    expect((await refused({ scan: `01${'0' + w.product.icecream.ean}17310630` })).key).toBe('outbound.error.lotNeeded');
    // Another lot typed: refused at the lot field; another expiry on a GS1 scan: its date and the task's stay ISO for the page to show.
    const other = await refused({ scan: w.product.icecream.ean, lot: 'NOPE' });
    expect([other.key, other.fieldErrors[0]!.path, other.fieldErrors[0]!.params]).toEqual(['outbound.error.wrongLotExpiry', 'lot', { lot: 'NOPE', expected: w.lot.ice.code, expiry: '2031-06-30' }]);
    const expiry = await refused({ scan: `01${'0' + w.product.icecream.ean}17301231` + `10${w.lot.ice.code}` });
    expect([expiry.key, expiry.fieldErrors[0]!.path, expiry.fieldErrors[0]!.params]).toEqual(['outbound.error.wrongLotExpiry', 'scan', { lot: '2030-12-31', expected: w.lot.ice.code, expiry: '2031-06-30' }]);
    expect(await balanceOf(db(), w.loc.frozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 10, reserved: 5 });
    // The right lot: typed (any case), a GS1 label scanned into the lot field, or carried by the item scan.
    expect(await pick({ scan: w.product.icecream.ean, lot: w.lot.ice.code.toLowerCase() })).toMatchObject({ quantity: 1 });
    expect(await pick({ sku: w.product.icecream.sku, lot: `01${'0' + w.product.icecream.ean}17310630${'10'}${w.lot.ice.code}` })).toMatchObject({ quantity: 1 });
    expect(await pick({ scan: `01${'0' + w.product.icecream.ean}10${w.lot.ice.code}` })).toMatchObject({ quantity: 1 });
    // Products that track no lot go on by EAN alone.
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 1 }]);
    const { order: plain } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }]);
    const { list: l2 } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [plain.id] });
    const [t2] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, l2.id));
    expect(await confirmPick({ db: db(), user: op, taskId: t2!.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } })).toMatchObject({ taskDone: true });
    await ledgerOk();
  });

  it('cancelling releases everything; picked units go back to the dock', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    const a = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 2 }]);
    await cancelOrder({ db: db(), user: asUser(w, 'sellerA'), orderId: a.order.id });
    expect(await reservedFor(a.order.id)).toBe(0);
    const b = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 3 }]);
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [b.order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    await confirmPick({ db: db(), user: asUser(w, 'operator'), taskId: task!.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } });
    const late = await cancelOrder({ db: db(), user: asUser(w, 'sellerA'), orderId: b.order.id }).catch((e: unknown) => e);
    expect((late as { code: string }).code).toBe('FORBIDDEN');
    const c = await cancelOrder({ db: db(), user: asUser(w, 'manager'), orderId: b.order.id });
    expect(c.status).toBe('cancelled');
    expect(await reservedFor(b.order.id)).toBe(0);
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 1, reserved: 0 });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 4, reserved: 0 });
    await ledgerOk();
  });
  it('a putaway fills a backordered order on its own', async () => {
    const w = await makeWorld(db());
    const { order, allocation } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 4 }]);
    expect(allocation.status).toBe('backordered');
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 6 }]);
    const { putAway } = await import('../../src/inbound/putaway.ts');
    await putAway({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 6, idempotency_key: key() } });
    const [o] = await db().select().from(orders).where(eq(orders.id, order.id));
    expect(o!.status).toBe('allocated');
    expect(await reservedFor(order.id)).toBe(4);
    await ledgerOk();
  });
});

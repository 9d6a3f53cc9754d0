import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { adjustments, cycleCountLines, cycleCounts, lots, orders, warehouses } from '../../src/db/schema/index.ts';
import { AppError } from '../../src/errors.ts';
import { move, verifyLedger } from '../../src/stock/index.ts';
import { createCount } from '../../src/counts/create-count.ts';
import { countItem, finishLocation, openLocation, restartLocation } from '../../src/counts/count-location.ts';
import { approveCount, cancelCount } from '../../src/counts/decide-count.ts';
import { decideAdjustment, requestAdjustment } from '../../src/counts/adjust.ts';
import { countVariances } from '../../src/counts/queries.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { createTransfer, startPicking } from '../../src/transfers/create-transfer.ts';
import { cycleCountScans } from '../../src/db/schema/index.ts';
import { backends, hasPostgres, openTestDatabase } from '../helpers/db.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { makeOrder } from '../helpers/outbound.ts';
import { asUser, makeWorld, stock, uid, type World } from '../helpers/world.ts';

const caught = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};
const key = () => `k-${uid()}-${uid()}`;
/** A GS1 element string for a product's EAN with expiry and lot, as a scanner sends it. */
const gs1 = (ean: string, expiry: string, lot: string) => `01${'0' + ean}17${expiry.slice(2, 4)}${expiry.slice(5, 7)}${expiry.slice(8, 10)}10${lot}`;

describe.each(backends)('cycle counts and adjustments on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;
  const range = (w: World, extra: Record<string, unknown> = {}) => ({ warehouse: w.warehouse.code, scope: 'range', from_code: 'A-01-01-1', to_code: 'A-01-01-2', recount_above: '0', ...extra });
  const scan = (w: World, countId: number, placeId: number, input: Record<string, unknown>, who: 'operator' | 'manager' = 'operator') =>
    countItem({ db: db(), user: asUser(w, who), countId, countLocationId: placeId, input: { idempotency_key: key(), ...input } });
  const open = (w: World, countId: number, code: string) => openLocation({ db: db(), user: asUser(w, 'operator'), countId, code });
  const finish = (w: World, countId: number, placeId: number) => finishLocation({ db: db(), user: asUser(w, 'operator'), countId, countLocationId: placeId });

  it('a blind count with a recount: the variance above the threshold is counted twice and approval posts the second count', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    expect(count).toMatchObject({ status: 'counting', scope: 'range' });

    const a1 = await open(w, count.id, 'A-01-01-1');
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '5' });
    await scan(w, count.id, a1, { scan: w.product.widget.sku, quantity: '3' });
    expect(await finish(w, count.id, a1)).toMatchObject({ outcome: 'recount', code: 'A-01-01-1', countDone: false });
    // The recount starts from nothing and replaces the first count.
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '9' });
    expect(await finish(w, count.id, a1)).toMatchObject({ outcome: 'counted' });
    const a2 = await open(w, count.id, 'a-01-01-2');
    expect(await finish(w, count.id, a2)).toMatchObject({ outcome: 'counted', countDone: true });
    expect((await db().select().from(cycleCounts).where(eq(cycleCounts.id, count.id)))[0]!.status).toBe('review');

    expect(await countVariances(db(), count.id)).toEqual([expect.objectContaining({ location: 'A-01-01-1', sku: w.product.widget.sku, expected: 10, counted: 9, variance: -1, first_count: 8, recounted: true })]);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });
    const approved = await approveCount({ db: db(), user: asUser(w, 'manager'), id: count.id });
    expect(approved).toMatchObject({ adjusted: 1, count: { status: 'approved' } });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 9, reserved: 0 });
    const adj = await db().select().from(adjustments).where(eq(adjustments.countId, count.id));
    expect(adj).toEqual([expect.objectContaining({ quantity: -1, reason: 'count', status: 'posted', locationId: w.loc.a1.id })]);
    const entries = await db().execute(sql`SELECT reason, quantity, document_type, document_id FROM ledger_entries WHERE document_type = 'cycle_count' AND document_id = ${String(count.id)}`);
    expect((entries as unknown as { rows?: unknown[] }).rows ?? entries).toEqual([expect.objectContaining({ reason: 'count', quantity: 1, document_type: 'cycle_count' })]);
    expect((await caught(approveCount({ db: db(), user: asUser(w, 'manager'), id: count.id }))).key).toBe('counts.error.alreadyDecided');
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('units found of another product and of an unknown lot are added; a lot not found is taken out', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 6 }]);
    const [zone] = await db().execute(sql`SELECT code FROM zones WHERE warehouse_id = ${w.warehouse.id} AND temperature_class = 'chilled'`).then((r) => ((r as unknown as { rows?: { code: string }[] }).rows ?? (r as unknown as { code: string }[])));
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, scope: 'zone', zone: zone!.code, recount_above: '100' } });
    const slot = await open(w, count.id, 'R-01-01-1');
    const newLot = `N${uid()}`;
    // A lot-tracked product scanned by EAN alone needs its lot.
    expect((await caught(scan(w, count.id, slot, { scan: w.product.kefir.ean, quantity: '1' }))).fieldErrors[0]).toMatchObject({ path: 'lot', key: 'counts.error.lotNeeded' });
    // A frozen product cannot be counted into a chilled slot.
    expect((await caught(scan(w, count.id, slot, { scan: gs1(w.product.icecream.ean, '2031-06-30', w.lot.ice.code) }))).fieldErrors[0]).toMatchObject({ path: 'scan', key: 'counts.error.wrongClass' });
    await scan(w, count.id, slot, { scan: gs1(w.product.kefir.ean, '2030-03-31', newLot), quantity: '4' });
    await scan(w, count.id, slot, { scan: w.product.kefir.ean, lot: w.lot.kefir.code, quantity: '2' });
    expect(await finish(w, count.id, slot)).toMatchObject({ outcome: 'counted' });
    for (const code of ['R-01-01-2']) expect(await finish(w, count.id, await open(w, count.id, code))).toMatchObject({ outcome: 'counted' });
    const variances = await countVariances(db(), count.id);
    expect(variances.map((v) => [v.lot, v.expected, v.counted, v.variance])).toEqual([
      [w.lot.kefir.code, 6, 2, -4],
      [newLot, 0, 4, 4],
    ]);
    await approveCount({ db: db(), user: asUser(w, 'admin'), id: count.id });
    const [fresh] = await db().select().from(lots).where(and(eq(lots.productId, w.product.kefir.id), eq(lots.code, newLot)));
    expect(fresh!.expiresOn).toBe('2030-03-31');
    expect(await balanceOf(db(), w.loc.chilled.id, w.product.kefir.id, w.lot.kefir.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(await balanceOf(db(), w.loc.chilled.id, w.product.kefir.id, fresh!.id)).toEqual({ onHand: 4, reserved: 0 });
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('a count for a location being picked is refused with the locations named; counting there is refused too', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    // One open count per location.
    expect(await caught(createCount({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, scope: 'product', product: w.product.widget.sku } }))).toMatchObject({ key: 'counts.error.inOpenCount', params: { locations: 'A-01-01-1', count: count.id } });
    await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 2 }]);
    await createPickList({ db: db(), user: asUser(w, 'operator'), warehouse: w.warehouse.code });
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    expect((await caught(open(w, count.id, 'A-01-01-1'))).key).toBe('counts.error.beingPicked');
    await cancelCount({ db: db(), user: asUser(w, 'manager'), id: count.id });
    const refused = await caught(createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) }));
    expect(refused).toMatchObject({ code: 'CONFLICT', key: 'counts.error.beingPicked', params: { locations: 'A-01-01-1' } });
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
  });

  it('stock moved while a location was counted throws the pass away; restart clears it; cancel moves nothing', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    const a1 = await open(w, count.id, 'A-01-01-1');
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '10' });
    await db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation', actor: { label: 'test' } }));
    expect(await finish(w, count.id, a1)).toMatchObject({ outcome: 'restarted' });
    const [line] = await db().select().from(cycleCountLines).where(eq(cycleCountLines.countLocationId, a1));
    expect(line!.counted).toBe(0);
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '4' });
    await restartLocation({ db: db(), user: asUser(w, 'operator'), countId: count.id, countLocationId: a1 });
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '9' });
    expect(await finish(w, count.id, a1)).toMatchObject({ outcome: 'counted' });
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    await cancelCount({ db: db(), user: asUser(w, 'manager'), id: count.id });
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    expect((await caught(scan(w, count.id, a1, { scan: w.product.widget.ean }))).key).toBe('counts.error.notCounting');
  });

  it('a repeated scan counts once; bad input changes nothing', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 3 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    const a1 = await open(w, count.id, 'A-01-01-1');
    const k = key();
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '2', idempotency_key: k });
    expect(await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '2', idempotency_key: k })).toMatchObject({ replayed: true });
    const [line] = await db().select().from(cycleCountLines).where(eq(cycleCountLines.countLocationId, a1));
    expect(line!.counted).toBe(2);
    expect((await caught(scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '-1' }))).fieldErrors[0]!.path).toBe('quantity');
    expect((await caught(scan(w, count.id, a1, { scan: '4600000000000' }))).fieldErrors[0]!.path).toBe('scan');
    expect((await caught(open(w, count.id, 'R-01-01-1'))).key).toBe('counts.error.notInCount');
    for (const input of [range(w, { scope: 'shelf' }), range(w, { from_code: 'B', to_code: 'A' }), range(w, { recount_above: '-1' }), { warehouse: w.warehouse.code, scope: 'zone', zone: 'NOPE' }, range(w, { from_code: 'Z-99', to_code: 'Z-99' })]) {
      expect((await caught(createCount({ db: db(), user: asUser(w, 'manager'), input }))).status).toBe(422);
    }
    // Operators count; they do not create, approve or cancel counts. Another warehouse's operator sees none of it.
    expect((await caught(createCount({ db: db(), user: asUser(w, 'operator'), input: range(w) }))).fieldErrors[0]!.key).toBe('error.unknownWarehouse');
    expect((await caught(approveCount({ db: db(), user: asUser(w, 'operator'), id: count.id }))).code).toBe('FORBIDDEN');
    expect((await caught(openLocation({ db: db(), user: asUser(w, 'operatorOther'), countId: count.id, code: 'A-01-01-1' }))).code).toBe('NOT_FOUND');
    expect((await caught(openLocation({ db: db(), user: asUser(w, 'sellerA'), countId: count.id, code: 'A-01-01-1' }))).code).toBe('NOT_FOUND');
  });

  it('adjustments: small ones post at once, large ones wait for a manager, reasons fit their direction', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 30 }]);
    const operator = asUser(w, 'operator');
    const input = (extra: Record<string, unknown>) => ({ warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.ean, direction: 'remove', quantity: '2', reason: 'damaged', idempotency_key: key(), ...extra });
    const small = await requestAdjustment({ db: db(), user: operator, input: input({}) });
    expect(small).toMatchObject({ status: 'posted', quantity: -2, reason: 'damaged' });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 28, reserved: 0 });

    const big = await requestAdjustment({ db: db(), user: operator, input: input({ quantity: '15', reason: 'lost', note: 'pallet missing' }) });
    expect(big).toMatchObject({ status: 'pending', quantity: -15 });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 28, reserved: 0 });
    expect((await caught(decideAdjustment({ db: db(), user: operator, id: big.id, input: { decision: 'approve' } }))).code).toBe('FORBIDDEN');
    expect((await caught(decideAdjustment({ db: db(), user: asUser(w, 'operatorOther'), id: big.id, input: { decision: 'approve' } }))).code).toBe('NOT_FOUND');
    await decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: big.id, input: { decision: 'approve', note: 'checked CCTV' } });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 13, reserved: 0 });
    expect((await caught(decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: big.id, input: { decision: 'reject' } }))).key).toBe('counts.error.alreadyDecided');

    const found = await requestAdjustment({ db: db(), user: operator, input: input({ direction: 'add', reason: 'found', quantity: '20' }) });
    await decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: found.id, input: { decision: 'reject' } });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 13, reserved: 0 });
    // A manager's own adjustment posts whatever its size.
    await requestAdjustment({ db: db(), user: asUser(w, 'manager'), input: input({ direction: 'add', reason: 'found', quantity: '20' }) });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 33, reserved: 0 });
    // The same key twice is one adjustment. And it waits: with the operator's earlier ones of
    // this product here today (2 + 15) it is past the threshold, so splitting does not get round it.
    const k = key();
    const once = await requestAdjustment({ db: db(), user: operator, input: input({ idempotency_key: k }) });
    expect(once.status).toBe('pending');
    expect((await requestAdjustment({ db: db(), user: operator, input: input({ idempotency_key: k }) })).id).toBe(once.id);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 33, reserved: 0 });
    // Operators never learn the quantity from a refusal; managers do.
    expect((await caught(requestAdjustment({ db: db(), user: operator, input: input({ quantity: '500' }) }))).fieldErrors[0]).toMatchObject({ path: 'quantity', key: 'counts.error.notThatManyHere', params: { quantity: 500 } });
    expect((await caught(requestAdjustment({ db: db(), user: asUser(w, 'manager'), input: input({ quantity: '500' }) }))).fieldErrors[0]).toMatchObject({ key: 'counts.error.notThatMany', params: { onHand: 33 } });
    // Reason "count" is a manager's; staging and quarantine too.
    expect((await caught(requestAdjustment({ db: db(), user: operator, input: input({ reason: 'count' }) }))).fieldErrors[0]!.key).toBe('counts.error.countReasonManagers');
    expect((await caught(requestAdjustment({ db: db(), user: operator, input: input({ location: 'QUAR-A', direction: 'add', reason: 'found' }) }))).fieldErrors[0]!.key).toBe('error.unknownLocationCode');

    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const bad: [Record<string, unknown>, string, string][] = [
      [{ reason: 'found' }, 'reason', 'counts.error.reasonDirection'],
      [{ direction: 'add', reason: 'expired' }, 'reason', 'counts.error.reasonDirection'],
      [{ quantity: '100' }, 'quantity', 'counts.error.notThatManyHere'],
      [{ location: 'A-99-99-9' }, 'location', 'counts.error.closedLocation'],
      [{ quantity: '0' }, 'quantity', 'error.quantityPositiveInteger'],
      [{ location: 'SUPPLIER' }, 'location', 'error.unknownLocationCode'],
      [{ product: 'NOPE' }, 'product', 'error.unknownProductCode'],
      [{ reason: 'stolen' }, 'reason', 'adjustments.error.chooseReason'],
      [{ direction: 'add', reason: 'found', location: 'R-01-01-1' }, 'location', 'error.wrongTemperatureClass'],
    ];
    for (const [extra, path, k2] of bad) {
      const err = await caught(requestAdjustment({ db: db(), user: operator, input: input(extra) }));
      expect([err.fieldErrors[0]?.path, err.fieldErrors[0]?.key]).toEqual([path, expect.stringContaining(k2.split('.').pop()!)]);
    }
    expect((await caught(requestAdjustment({ db: db(), user: asUser(w, 'operatorOther'), input: input({}) }))).fieldErrors[0]!.key).toBe('error.unknownWarehouse');
    expect((await caught(requestAdjustment({ db: db(), user: asUser(w, 'sellerA'), input: input({}) }))).fieldErrors[0]!.key).toBe('error.unknownWarehouse');
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('units written off that an order had reserved: the order is allocated again from what is left', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 4 }]);
    await requestAdjustment({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '3', reason: 'damaged', idempotency_key: key() } });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 2 });
    const [o] = await db().select().from(orders).where(eq(orders.id, order.id));
    expect(o!.status).toBe('backordered');
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('the approval threshold is per warehouse', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    await db().update(warehouses).set({ adjustmentApprovalUnits: 0 }).where(eq(warehouses.id, w.warehouse.id));
    const adj = await requestAdjustment({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '1', reason: 'lost', idempotency_key: key() } });
    expect(adj.status).toBe('pending');
  });

  it('a second tap on "Location done", a scan for an ended pass, another operator on a claimed location: refused, nothing counted twice', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    const a1 = await open(w, count.id, 'A-01-01-1');
    // Someone else may not count the location the operator is counting.
    expect(await caught(openLocation({ db: db(), user: asUser(w, 'manager'), countId: count.id, code: 'A-01-01-1' }))).toMatchObject({ key: 'counts.error.claimed', params: { code: 'A-01-01-1' } });
    expect((await caught(scan(w, count.id, a1, { scan: w.product.widget.ean }, 'manager'))).key).toBe('counts.error.claimed');
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '9', pass: '1' });
    const finishPass = (pass: number) => finishLocation({ db: db(), user: asUser(w, 'operator'), countId: count.id, countLocationId: a1, pass });
    expect(await finishPass(1)).toMatchObject({ outcome: 'recount' });
    // The double tap: the form still says pass 1.
    expect((await caught(finishPass(1))).key).toBe('counts.error.nowRecount');
    expect((await caught(scan(w, count.id, a1, { scan: w.product.widget.ean, pass: '1' }))).key).toBe('counts.error.nowRecount');
    const [line] = await db().select().from(cycleCountLines).where(eq(cycleCountLines.countLocationId, a1));
    expect([line!.counted, line!.recounted]).toEqual([9, null]);
    // The recount is anyone's: the claim was let go. A cleared pass keeps its keys: a repeat counts nothing.
    const k = key();
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '4', pass: '2', idempotency_key: k }, 'manager');
    await restartLocation({ db: db(), user: asUser(w, 'manager'), countId: count.id, countLocationId: a1, pass: 2 });
    expect(await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '4', pass: '2', idempotency_key: k }, 'manager')).toMatchObject({ replayed: true });
    const scans = await db().select().from(cycleCountScans).where(eq(cycleCountScans.countLocationId, a1));
    expect(scans.filter((x) => x.voidedAt === null && x.pass === 2)).toHaveLength(0);
    expect(scans).toHaveLength(2);
  });

  it('stock reserved for a transfer being picked keeps its location out of a count', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const t = await createTransfer({ db: db(), user: asUser(w, 'manager'), input: { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'road_tir' }, lines: [{ sku: w.product.widget.sku, quantity: 4 }] } });
    await startPicking({ db: db(), user: asUser(w, 'manager'), transferId: t.id });
    expect(await caught(createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) }))).toMatchObject({ key: 'counts.error.beingPicked', params: { locations: 'A-01-01-1' } });
  });

  it('a location in an open count is not adjusted, and a waiting adjustment is not approved while it is counted', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 40 }]);
    const input = (extra: Record<string, unknown> = {}) => ({ warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '20', reason: 'lost', idempotency_key: key(), ...extra });
    const waiting = await requestAdjustment({ db: db(), user: asUser(w, 'operator'), input: input() });
    expect(waiting.status).toBe('pending');
    // A waiting "found" into the wrong temperature class is refused now, not at approval.
    expect((await caught(requestAdjustment({ db: db(), user: asUser(w, 'operator'), input: input({ location: 'R-01-01-1', direction: 'add', reason: 'found' }) }))).fieldErrors[0]).toMatchObject({ path: 'location', key: 'error.wrongTemperatureClass' });
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    expect((await caught(requestAdjustment({ db: db(), user: asUser(w, 'manager'), input: input({ quantity: '1' }) }))).fieldErrors[0]).toMatchObject({ path: 'location', key: 'counts.error.locationInCount', params: { count: count.id } });
    expect((await caught(decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: waiting.id, input: { decision: 'approve' } }))).key).toBe('counts.error.locationInCount');
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    await cancelCount({ db: db(), user: asUser(w, 'manager'), id: count.id });
    await decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: waiting.id, input: { decision: 'approve' } });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 20, reserved: 0 });
  });

  it('a waiting adjustment is not approved once a count of its place has been approved since: the count set the stock', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 40 },
      { productId: w.product.gadget.id, locationId: w.loc.a1.id, quantity: 5 },
    ]);
    const waiting = await requestAdjustment({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '24', reason: 'lost', idempotency_key: key() } });
    expect(waiting.status).toBe('pending');
    const earlier = await requestAdjustment({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '16', reason: 'damaged', idempotency_key: key() } });
    expect(earlier.status).toBe('pending');
    // A count of another product there does not settle it.
    const other = await createCount({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, scope: 'product', product: w.product.gadget.sku, recount_above: '0' } });
    const g = await open(w, other.id, 'A-01-01-1');
    await scan(w, other.id, g, { scan: w.product.gadget.ean, quantity: '5' });
    await finish(w, other.id, g);
    await approveCount({ db: db(), user: asUser(w, 'manager'), id: other.id });
    expect(await decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: earlier.id, input: { decision: 'approve' } })).toMatchObject({ status: 'posted' });
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w) });
    const a1 = await open(w, count.id, 'A-01-01-1');
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '24' });
    await scan(w, count.id, a1, { scan: w.product.gadget.ean, quantity: '5' });
    await finish(w, count.id, a1);
    await finish(w, count.id, await open(w, count.id, 'A-01-01-2'));
    await approveCount({ db: db(), user: asUser(w, 'manager'), id: count.id });
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const refused = await caught(decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: waiting.id, input: { decision: 'approve' } }));
    expect(refused).toMatchObject({ status: 409, key: 'counts.error.countedSinceRequest', params: { count: count.id } });
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 24, reserved: 0 });
    // Rejecting it is still possible.
    expect(await decideAdjustment({ db: db(), user: asUser(w, 'manager'), id: waiting.id, input: { decision: 'reject', note: 'counted since' } })).toMatchObject({ status: 'rejected' });
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('approval names the line it cannot post', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w, { recount_above: '100' }) });
    const a1 = await open(w, count.id, 'A-01-01-1');
    await scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '2' });
    await finish(w, count.id, a1);
    await finish(w, count.id, await open(w, count.id, 'A-01-01-2'));
    // After the count, 9 of the 10 leave the shelf for real.
    await db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 9, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation', actor: { label: 'test' } }));
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    expect(await caught(approveCount({ db: db(), user: asUser(w, 'manager'), id: count.id }))).toMatchObject({ code: 'CONFLICT', key: 'counts.error.cannotPostShort', params: { location: 'A-01-01-1', sku: w.product.widget.sku, quantity: 8 } });
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
  });

  it.runIf(backend === 'postgres' && hasPostgres)('at once on PostgreSQL: every scan of the counter counts, one finish wins, the last two locations finished together put the count to review, one approval posts, one adjustment per key', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 50 }]);
    const count = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w, { recount_above: '100' }) });
    const a1 = await open(w, count.id, 'A-01-01-1');
    await Promise.all(Array.from({ length: 20 }, () => scan(w, count.id, a1, { scan: w.product.widget.ean, quantity: '2' })));
    const [line] = await db().select().from(cycleCountLines).where(eq(cycleCountLines.countLocationId, a1));
    expect(line!.counted).toBe(40);
    const finishes = await Promise.allSettled([finish(w, count.id, a1), finish(w, count.id, a1)]);
    expect(finishes.filter((f) => f.status === 'fulfilled')).toHaveLength(1);
    expect((finishes.find((f) => f.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ key: 'counts.error.locationDone' });
    await finish(w, count.id, await open(w, count.id, 'A-01-01-2'));
    const approvals = await Promise.allSettled([approveCount({ db: db(), user: asUser(w, 'manager'), id: count.id }), approveCount({ db: db(), user: asUser(w, 'admin'), id: count.id })]);
    expect(approvals.filter((f) => f.status === 'fulfilled')).toHaveLength(1);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 40, reserved: 0 });

    // The last two locations, finished by two operators at the same moment, ten times over.
    for (let round = 0; round < 10; round++) {
      const r = await createCount({ db: db(), user: asUser(w, 'manager'), input: range(w, { recount_above: '100' }) });
      const p1 = await openLocation({ db: db(), user: asUser(w, 'operator'), countId: r.id, code: 'A-01-01-1' });
      const p2 = await openLocation({ db: db(), user: asUser(w, 'manager'), countId: r.id, code: 'A-01-01-2' });
      await Promise.all([finishLocation({ db: db(), user: asUser(w, 'operator'), countId: r.id, countLocationId: p1 }), finishLocation({ db: db(), user: asUser(w, 'manager'), countId: r.id, countLocationId: p2 })]);
      expect((await db().select().from(cycleCounts).where(eq(cycleCounts.id, r.id)))[0]!.status).toBe('review');
      await cancelCount({ db: db(), user: asUser(w, 'manager'), id: r.id });
    }

    // The same adjustment sent twice at once: one adjustment, one move, no error.
    const k = key();
    const input = { warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '1', reason: 'damaged', idempotency_key: k };
    const both = await Promise.all([requestAdjustment({ db: db(), user: asUser(w, 'operator'), input }), requestAdjustment({ db: db(), user: asUser(w, 'operator'), input })]);
    expect(both[0].id).toBe(both[1].id);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 39, reserved: 0 });
    expect((await verifyLedger(db())).problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { locations, lots, transferEvents, transferLines, transfers, zones } from '../../src/db/schema/index.ts';
import { AppError } from '../../src/errors.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { cancelTransfer, createTransfer, startPicking } from '../../src/transfers/create-transfer.ts';
import { dispatchTransfer } from '../../src/transfers/dispatch.ts';
import { closeTransfer, finishTransferReceiving, receiveTransferItem, recordTransferArrival, writeOffRemainder } from '../../src/transfers/receive-transfer.ts';
import { backends, hasPostgres, openTestDatabase } from '../helpers/db.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
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

/** The other warehouse of a world gets a dock and a quarantine shelf, so it can receive. */
async function receivingEnd(db: Database['db'], w: World) {
  const [zone] = await db.select().from(zones).where(eq(zones.warehouseId, w.other.id));
  const [dock] = await db.insert(locations).values({ warehouseId: w.other.id, zoneId: zone!.id, code: 'DOCK-01', kind: 'dock' }).returning();
  const [quar] = await db.insert(locations).values({ warehouseId: w.other.id, zoneId: zone!.id, code: 'QUAR-A', kind: 'quarantine' }).returning();
  await db.insert(locations).values({ warehouseId: w.other.id, code: 'ADJUSTMENT', kind: 'adjustment' });
  return { dock: dock!, quar: quar! };
}

describe.each(backends)('transfers on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;
  const transit = (w: World) => w.loc.transit.id;
  const input = (w: World, lines: Record<string, unknown>[], transport: Record<string, unknown> = {}) => ({
    from_warehouse: w.warehouse.code,
    to_warehouse: w.other.code,
    transport: { mode: 'road_tir', tir_carnet: 'XU 12345678', vehicle_plate: 'A123BC77', seals: 'S-1 S-2', ...transport },
    lines,
  });

  it('dispatch → transit → receive short → write off → close: the zero sum holds and transit = dispatched − received − written off', async () => {
    const w = await makeWorld(db());
    const end = await receivingEnd(db(), w);
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const manager = asUser(w, 'manager');
    const t = await createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.widget.sku, quantity: 8 }]) });
    expect(t).toMatchObject({ status: 'draft', transitLocationId: transit(w), seals: ['S-1', 'S-2'] });

    const picking = await startPicking({ db: db(), user: asUser(w, 'operator'), transferId: t.id });
    expect(picking).toMatchObject({ reserved: 8, short: 0 });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 8 });

    const sent = await dispatchTransfer({ db: db(), user: asUser(w, 'operator'), transferId: t.id, input: { documents: 'CMR 0042' } });
    expect(sent).toMatchObject({ units: 8, transfer: { status: 'dispatched', documents: 'CMR 0042' } });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
    expect((await balanceOf(db(), transit(w), w.product.widget.id)).onHand).toBe(8);
    expect((await verifyLedger(db())).problems).toEqual([]);

    // Receiving before the truck is checked in is refused.
    expect(await caught(receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } }))).toMatchObject({ code: 'CONFLICT', key: 'transfers.error.notArrived' });
    await recordTransferArrival({ db: db(), user: manager, transferId: t.id, input: { dock: 'DOCK-01', seals: [{ seal: 'S-1', state: 'intact' }, { seal: 'S-2', state: 'broken', note: 'cut' }] } });
    const k = key();
    const r1 = await receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { scan: w.product.widget.ean, quantity: 5, idempotency_key: k } });
    expect(r1).toMatchObject({ sku: w.product.widget.sku, quantity: 5, location: 'DOCK-01', dispatched: 8, received: 5, replayed: false });
    expect(await receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { scan: w.product.widget.ean, quantity: 5, idempotency_key: k } })).toMatchObject({ receiptId: r1.receiptId, replayed: true });
    await receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { sku: w.product.widget.sku, quantity: 1, condition: 'damaged', idempotency_key: key() } });
    expect(await balanceOf(db(), end.dock.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await balanceOf(db(), end.quar.id, w.product.widget.id)).toEqual({ onHand: 1, reserved: 0 });
    expect((await balanceOf(db(), transit(w), w.product.widget.id)).onHand).toBe(2);

    await finishTransferReceiving({ db: db(), user: manager, transferId: t.id });
    expect(await caught(closeTransfer({ db: db(), user: manager, transferId: t.id }))).toMatchObject({ code: 'CONFLICT', key: 'transfers.error.stillOnRoad', params: { units: 2 } });
    const [line] = await db().select().from(transferLines).where(eq(transferLines.transferId, t.id));
    expect(await writeOffRemainder({ db: db(), user: manager, transferId: t.id, lineId: line!.id, input: { note: 'Lost on the road: police report 17/2026' } })).toEqual({ units: 2 });
    expect((await balanceOf(db(), transit(w), w.product.widget.id)).onHand).toBe(0);
    const [after] = await db().select().from(transferLines).where(eq(transferLines.id, line!.id));
    expect(after).toMatchObject({ quantity: 8, dispatchedQty: 8, receivedQty: 6, damagedQty: 1, writtenOffQty: 2 });
    expect((await closeTransfer({ db: db(), user: manager, transferId: t.id })).status).toBe('closed');
    const events = await db().select().from(transferEvents).where(eq(transferEvents.transferId, t.id));
    expect(events.map((e) => e.action)).toEqual(['create', 'startPicking', 'dispatch', 'arrive', 'finishReceiving', 'writeOff', 'close']);
    // A scan for a closed transfer: refused, nothing moved.
    const before = await stockFingerprint(db(), [w.warehouse.id, w.other.id]);
    expect(await caught(receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } }))).toMatchObject({ code: 'CONFLICT', key: 'transfers.error.notReceivable' });
    expect(await stockFingerprint(db(), [w.warehouse.id, w.other.id])).toEqual(before);
  });

  it('bad input: same warehouse, a frozen product without a reefer, unknown SKU — refused, nothing created', async () => {
    const w = await makeWorld(db());
    const manager = asUser(w, 'manager');
    const count = async () => Number((await db().select({ n: sql<number>`count(*)::int` }).from(transfers).where(eq(transfers.fromWarehouseId, w.warehouse.id)))[0]!.n);
    expect((await caught(createTransfer({ db: db(), user: manager, input: { ...input(w, [{ sku: w.product.widget.sku, quantity: 1 }]), to_warehouse: w.warehouse.code } }))).fieldErrors[0]).toMatchObject({ path: 'to_warehouse', key: 'transfers.error.sameWarehouse' });
    expect((await caught(createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.icecream.sku, quantity: 1 }]) }))).fieldErrors[0]).toMatchObject({ path: 'lines.0.sku', key: 'transfers.error.needsReefer' });
    expect((await caught(createTransfer({ db: db(), user: manager, input: input(w, [{ sku: 'NOPE', quantity: 1 }, { sku: w.product.widget.sku, quantity: 0 }]) }))).code).toBe('VALIDATION');
    expect(await count()).toBe(0);
    // On a reefer the ice cream may go.
    expect((await createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.icecream.sku, lot: w.lot.ice.code, quantity: 1 }], { reefer: true }) })).reefer).toBe(true);
    // An operator of the other warehouse may not create one from here.
    expect((await caught(createTransfer({ db: db(), user: asUser(w, 'operatorOther'), input: input(w, [{ sku: w.product.widget.sku, quantity: 1 }]) }))).fieldErrors[0]).toMatchObject({ path: 'from_warehouse' });
  });

  it('cancel before dispatch releases the reservation; after dispatch it is refused; more than dispatched needs a manager', async () => {
    const w = await makeWorld(db());
    await receivingEnd(db(), w);
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const manager = asUser(w, 'manager');
    const a = await createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.widget.sku, quantity: 4 }]) });
    await startPicking({ db: db(), user: manager, transferId: a.id });
    expect((await cancelTransfer({ db: db(), user: manager, transferId: a.id })).status).toBe('cancelled');
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });

    const b = await createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.widget.sku, quantity: 3 }]) });
    await startPicking({ db: db(), user: manager, transferId: b.id });
    await dispatchTransfer({ db: db(), user: manager, transferId: b.id });
    expect(await caught(cancelTransfer({ db: db(), user: manager, transferId: b.id }))).toMatchObject({ code: 'CONFLICT', key: 'transfers.error.wrongStatus' });
    await recordTransferArrival({ db: db(), user: manager, transferId: b.id, input: {} });
    // An operator at the destination may not receive more than is on the road…
    const otherOp = asUser(w, 'operatorOther');
    const over = await caught(receiveTransferItem({ db: db(), user: otherOp, transferId: b.id, input: { scan: w.product.widget.ean, quantity: 5, idempotency_key: key() } }));
    expect(over).toMatchObject({ code: 'CONFLICT', key: 'transfers.error.moreThanDispatched', params: { left: 3, quantity: 5 } });
    // …even when asking to; a manager may, on confirmation.
    expect((await caught(receiveTransferItem({ db: db(), user: otherOp, transferId: b.id, input: { scan: w.product.widget.ean, quantity: 5, confirm_over: true, idempotency_key: key() } }))).key).toBe('transfers.error.moreThanDispatched');
    expect(await receiveTransferItem({ db: db(), user: manager, transferId: b.id, input: { scan: w.product.widget.ean, quantity: 5, confirm_over: true, idempotency_key: key() } })).toMatchObject({ received: 5, dispatched: 3 });
    // The operator of the source warehouse cannot receive at the destination.
    expect((await caught(receiveTransferItem({ db: db(), user: asUser(w, 'operator'), transferId: b.id, input: { scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } }))).code).toBe('FORBIDDEN');
  });

  it('cold goods: a reefer only; the temperature at arrival is required, and too warm sends them to quarantine', async () => {
    const w = await makeWorld(db());
    const [zone] = await db().select().from(zones).where(eq(zones.warehouseId, w.other.id));
    await db().update(zones).set({ temperatureClass: 'frozen', minCelsius: null, maxCelsius: -18 }).where(eq(zones.id, zone!.id));
    const [dockF] = await db().insert(locations).values({ warehouseId: w.other.id, zoneId: zone!.id, code: 'DOCK-F1', kind: 'dock' }).returning();
    const [quarF] = await db().insert(locations).values({ warehouseId: w.other.id, zoneId: zone!.id, code: 'QUAR-F', kind: 'quarantine' }).returning();
    await stock(db(), w, [{ productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 6 }]);
    const manager = asUser(w, 'manager');
    const t = await createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.icecream.sku, quantity: 6 }], { reefer: true }) });
    await startPicking({ db: db(), user: manager, transferId: t.id });
    await dispatchTransfer({ db: db(), user: manager, transferId: t.id });
    expect((await caught(recordTransferArrival({ db: db(), user: manager, transferId: t.id, input: {} }))).fieldErrors[0]).toMatchObject({ path: 'celsius', key: 'transfers.error.temperatureRequired' });
    await recordTransferArrival({ db: db(), user: manager, transferId: t.id, input: { celsius: -9 } });
    // Another lot of the same product, one the transfer did not send: named, not a 500.
    const [other] = await db().insert(lots).values({ productId: w.product.icecream.id, code: `X${uid()}`, expiresOn: '2032-01-31' }).returning();
    expect((await caught(receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { scan: w.product.icecream.ean, lot: other!.code, quantity: 1, idempotency_key: key() } }))).fieldErrors[0]).toMatchObject({ path: 'lot' });
    // The one lot on the road is taken without asking; −9 °C is too warm for frozen goods.
    const r = await receiveTransferItem({ db: db(), user: manager, transferId: t.id, input: { scan: w.product.icecream.ean, quantity: 6, idempotency_key: key() } });
    expect(r).toMatchObject({ location: 'QUAR-F', lot: w.lot.ice.code, quantity: 6 });
    expect(await balanceOf(db(), quarF!.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 6, reserved: 0 });
    expect(await balanceOf(db(), dockF!.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 0, reserved: 0 });
  });

  it.runIf(backend === 'postgres' && hasPostgres)('two transfers picking the same stock at once reserve and dispatch no more than exists', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const manager = asUser(w, 'manager');
    const ts = await Promise.all([0, 1, 2].map(() => createTransfer({ db: db(), user: manager, input: input(w, [{ sku: w.product.widget.sku, quantity: 6 }]) })));
    const picked = await Promise.all(ts.map((t) => startPicking({ db: db(), user: manager, transferId: t.id })));
    expect(picked.reduce((n, p) => n + p.reserved, 0)).toBe(10);
    const sent = await Promise.allSettled(ts.map((t) => dispatchTransfer({ db: db(), user: manager, transferId: t.id })));
    const units = sent.reduce((n, s) => n + (s.status === 'fulfilled' ? s.value.units : 0), 0);
    expect(units).toBe(10);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
    expect((await balanceOf(db(), transit(w), w.product.widget.id)).onHand).toBe(10);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { inboundEvents, inboundLines, inboundShipments, ledgerEntries, locations } from '../../src/db/schema/index.ts';
import { AppError } from '../../src/errors.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { receiveItem } from '../../src/inbound/receive-item.ts';
import { changeShipmentStatus } from '../../src/inbound/change-status.ts';
import { putAway } from '../../src/inbound/putaway.ts';
import { saveShipment } from '../../src/inbound/save-shipment.ts';
import { hasPostgres, openTestDatabase } from '../helpers/db.ts';
import { balanceOf } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid } from '../helpers/world.ts';
import { arrive, key, makeAsn } from '../helpers/inbound.ts';

// PGlite runs one transaction at a time, so races can only be shown on PostgreSQL.
describe.runIf(hasPostgres)('concurrent receiving on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;
  const receiptsOf = async (shipmentId: number) =>
    (await db().select({ n: sql<number>`count(*)::int`, q: sql<number>`coalesce(sum(${ledgerEntries.quantity}), 0)::int` }).from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'inbound'), eq(ledgerEntries.documentId, String(shipmentId)))))[0]!;

  it('20 scanners on one ASN line at once: every scan counts once, the first one starts receiving once', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.widget.sku, quantity: 20 }] });
    await arrive(db(), w, asn.id);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => receiveItem({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, input: { scan: w.product.widget.ean, quantity: 1, idempotency_key: key() } })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const [line] = await db().select().from(inboundLines).where(eq(inboundLines.shipmentId, asn.id));
    expect(line!.receivedQty).toBe(20);
    expect(await receiptsOf(asn.id)).toEqual({ n: 20, q: 20 });
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 20, reserved: 0 });
    const starts = await db().select().from(inboundEvents).where(and(eq(inboundEvents.shipmentId, asn.id), eq(inboundEvents.action, 'startReceiving')));
    expect(starts).toHaveLength(1);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('the same scan sent 10 times at once is received once', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => receiveItem({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, input: { scan: w.product.widget.ean, quantity: 3, idempotency_key: k } })),
    );
    expect(new Set(results.map((r) => r.receiptId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await receiptsOf(asn.id)).toEqual({ n: 1, q: 3 });
  });

  it('finishing receiving while scans arrive: a scan is either in before the finish or refused, never half', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.widget.sku, quantity: 50 }] });
    await arrive(db(), w, asn.id);
    await receiveItem({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, input: { scan: w.product.widget.ean, idempotency_key: key() } });
    const scans = Array.from({ length: 15 }, () => receiveItem({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, input: { scan: w.product.widget.ean, idempotency_key: key() } }));
    const finish = changeShipmentStatus({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, action: 'finishReceiving' });
    const results = await Promise.allSettled([...scans, finish]);
    const refused = results.slice(0, 15).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of refused) expect((r.reason as AppError).code).toBe('CONFLICT');
    expect(results[15]!.status).toBe('fulfilled');
    const accepted = 1 + results.slice(0, 15).filter((r) => r.status === 'fulfilled').length;
    const [line] = await db().select().from(inboundLines).where(eq(inboundLines.shipmentId, asn.id));
    expect(line!.receivedQty).toBe(accepted);
    expect(await receiptsOf(asn.id)).toEqual({ n: accepted, q: accepted });
    const [s] = await db().select().from(inboundShipments).where(eq(inboundShipments.id, asn.id));
    expect(s!.status).toBe('received');
  });

  it('three putaways into a location with room for 10 at once: no more than fits goes in', async () => {
    const w = await makeWorld(db());
    await db().update(locations).set({ capacity: 10 }).where(eq(locations.id, w.loc.a2.id));
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 15 }]);
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        putAway({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: 5, idempotency_key: key() } }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });
  });

  it('a location with a capacity closed while a putaway waits for it: the putaway is refused, nothing moves', async () => {
    const w = await makeWorld(db());
    await db().update(locations).set({ capacity: 10 }).where(eq(locations.id, w.loc.a2.id));
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 5 }]);
    let closing!: () => void;
    const closed = new Promise<void>((r) => (closing = r));
    let locked!: () => void;
    const held = new Promise<void>((r) => (locked = r));
    // A manager's edit holds the location's row, closes it, and commits once the putaway waits.
    const edit = db().transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM locations WHERE id = ${w.loc.a2.id} FOR UPDATE`);
      await tx.update(locations).set({ active: false }).where(eq(locations.id, w.loc.a2.id));
      locked();
      await closed;
    });
    await held;
    const putaway = putAway({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: 5, idempotency_key: key() } }).then(
      () => null,
      (e: unknown) => e,
    );
    // The putaway has read the location (still open to it) and waits for the row.
    for (let i = 0; i < 100; i++) {
      const [{ n }] = (await db().execute(sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)) as unknown as [{ n: number }];
      if (Number(n) > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    closing();
    await edit;
    const err = await putaway;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).key).toBe('error.locationInactive');
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('two ASNs with one reference at once: one is created, the other is told the reference is taken', async () => {
    const w = await makeWorld(db());
    const reference = `DUP-${uid()}`;
    const input = { warehouse: w.warehouse.code, seller: w.sellerA.code, reference, transport: { mode: 'rail' }, lines: [{ sku: w.product.widget.sku, quantity: 1 }] };
    const results = await Promise.allSettled([0, 1].map(() => saveShipment({ db: db(), user: asUser(w, 'manager'), input })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect((failed.reason as AppError).fieldErrors[0]!.key).toBe('inbound.error.duplicateReference');
  });
});

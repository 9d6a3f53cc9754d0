import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { locations, lots, products, transferEvents, transferLines, transferReceipts } from '../db/schema/index.ts';
import { queryRows } from '../db/rows.ts';
import { withTransaction } from '../db/tx.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { lockIdempotencyKey, move } from '../stock/index.ts';
import { dockFor } from '../inventory/docks.ts';
import { classRange, inRange, isColdClass } from '../inbound/temperature.ts';
import { quarantineFor } from '../cold/quarantine.ts';
import { arrivalInputSchema, transferReceiptSchema, writeOffSchema } from './schemas.ts';
import { nextTransferStatus } from './status.ts';
import { transferFor, transition, type Transfer } from './create-transfer.ts';
import { fieldError, productOnTransfer } from './scan.ts';
import { requestFingerprint } from '../db/idempotency.ts';

/** "Which lot?": the refusal naming the lots of the product still on the road. */
async function whichLot(tx: Tx, sku: string, road: { lotId: number | null }[]): Promise<AppError> {
  const ids = road.flatMap((r) => (r.lotId ? [r.lotId] : []));
  const codes = ids.length ? await tx.select({ code: lots.code }).from(lots).where(inArray(lots.id, ids)) : [];
  return fieldError('lot', 'transfers.error.whichLot', { sku, lots: codes.map((c) => c.code).join(', ') || '—' });
}

/** What each line still has on the road, per lot: dispatched − received − written off (from the ledger). */
export async function inTransitByLot(tx: Tx | Db, t: Pick<Transfer, 'id' | 'transitLocationId'>): Promise<{ lineId: number; productId: number; lotId: number | null; quantity: number }[]> {
  const rows = await queryRows<{ line_id: number; product_id: number; lot_id: number | null; qty: number }>(
    tx,
    sql`WITH l AS (SELECT id, product_id, lot_id FROM transfer_lines WHERE transfer_id = ${t.id}),
        flows AS (
          SELECT product_id, lot_id, CASE WHEN to_location_id = ${t.transitLocationId} THEN quantity ELSE -quantity END AS q
          FROM ledger_entries WHERE document_type = 'transfer' AND document_id = ${String(t.id)}
            AND (to_location_id = ${t.transitLocationId} OR from_location_id = ${t.transitLocationId})
        )
        SELECT (SELECT min(l.id) FROM l WHERE l.product_id = f.product_id AND (l.lot_id IS NULL OR l.lot_id IS NOT DISTINCT FROM f.lot_id)) AS line_id,
               f.product_id, f.lot_id, sum(f.q)::int AS qty
        FROM flows f GROUP BY f.product_id, f.lot_id HAVING sum(f.q) <> 0`,
  );
  return rows.map((r) => ({ lineId: Number(r.line_id), productId: Number(r.product_id), lotId: r.lot_id === null ? null : Number(r.lot_id), quantity: Number(r.qty) }));
}

/**
 * The truck is at the destination's dock: seals as found, the product temperature (required
 * when the transfer carries chilled or frozen goods), the dock. Dispatched → arrived.
 */
export async function recordTransferArrival(opts: { db: Db; user: CurrentUser; transferId: number; input: unknown }): Promise<Transfer> {
  const input = parseInput(arrivalInputSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.receive', 'to', 'update');
    nextTransferStatus(t.status, 'arrive');
    const cold = await tx
      .selectDistinct({ cls: products.temperatureClass })
      .from(transferLines)
      .innerJoin(products, eq(products.id, transferLines.productId))
      .where(and(eq(transferLines.transferId, t.id), sql`${products.temperatureClass} <> 'ambient'`));
    if (cold.length && input.celsius === undefined) throw fieldError('celsius', 'transfers.error.temperatureRequired');
    let dockId: number | null = null;
    if (input.dock) {
      const [d] = await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.warehouseId, t.toWarehouseId), eq(locations.code, input.dock), eq(locations.kind, 'dock')));
      if (!d) throw fieldError('dock', 'error.unknownLocationCode', { code: input.dock });
      dockId = d.id;
    }
    const expected = new Set(t.seals);
    const checks = input.seals.filter((s) => expected.has(s.seal) || s.state !== 'intact');
    return transition(tx, t, 'arrive', opts.user.id, input.note, {
      arrivedAt: sql`now()` as unknown as Date,
      dockLocationId: dockId,
      sealChecks: checks.map((s) => ({ seal: s.seal, state: s.state, ...(s.note ? { note: s.note } : {}) })),
      arrivalCelsius: input.celsius ?? null,
      arrivalNote: input.note ?? null,
    });
  });
}

export type TransferReceiptResult = { receiptId: number; sku: string; lot: string | null; quantity: number; condition: 'good' | 'damaged'; location: string; lineNo: number; dispatched: number; received: number; replayed: boolean };

/**
 * One scan at the destination: the product among the transfer's lines (EAN, GS1 with lot, or
 * SKU), its lot from the scan or the only lot of it still on the road, the quantity. The units
 * move transit → the destination's dock of their class (damaged, or too warm at arrival:
 * quarantine). More than is still on the road for the line needs a manager's confirmation.
 * A repeat of the idempotency key answers the first receipt and moves nothing.
 */
export async function receiveTransferItem(opts: { db: Db; user: CurrentUser; transferId: number; input: unknown }): Promise<TransferReceiptResult> {
  const input = parseInput(transferReceiptSchema, opts.input);
  const key = `transfer-receipt:${opts.user.id}:${input.idempotency_key}`;
  return withTransaction(opts.db, async (tx) => {
    await lockIdempotencyKey(tx, key);
    const [prior] = await tx.select().from(transferReceipts).where(eq(transferReceipts.idempotencyKey, key));
    const asked = requestFingerprint(`transfer-receipt:${opts.transferId}`, input);
    if (prior) {
      // The key sent again with another scan, quantity or condition, or for another transfer, is another request.
      if (prior.transferId !== opts.transferId || (prior.requestFingerprint ?? asked) !== asked) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
      return { ...(await describe(tx, prior.id)), replayed: true };
    }
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.receive', 'to', 'update');
    if (t.status !== 'arrived') throw new AppError('CONFLICT', { key: t.status === 'dispatched' ? 'transfers.error.notArrived' : 'transfers.error.notReceivable', params: { status: `@transfers.status.${t.status}` } });

    const lines = await tx.select({ l: transferLines, p: products }).from(transferLines).innerJoin(products, eq(products.id, transferLines.productId)).where(eq(transferLines.transferId, t.id));
    const { product, parsed, quantity } = await productOnTransfer(tx, lines.map((x) => x.p), input);

    // The lot: from the scan or typed, else the only one of this product still on the road.
    const road = (await inTransitByLot(tx, t)).filter((r) => r.productId === product.id && r.quantity > 0);
    const lotCode = parsed?.lot ?? input.lot;
    let lotId: number | null = null;
    if (product.tracksLot || product.tracksExpiry) {
      if (lotCode) {
        const [lot] = await tx.select({ id: lots.id }).from(lots).where(and(eq(lots.productId, product.id), eq(lots.code, lotCode)));
        if (!lot) throw fieldError('lot', 'error.unknownLot');
        lotId = lot.id;
      } else if (road.length === 1) lotId = road[0]!.lotId;
      else throw await whichLot(tx, product.sku, road);
    }
    const lineOf = lines.find((x) => x.p.id === product.id && (x.l.lotId === null || x.l.lotId === lotId));
    if (!lineOf || (lotId !== null && road.length > 0 && !road.some((r) => r.lotId === lotId))) {
      // A lot the transfer did not send: name the ones on the road.
      throw await whichLot(tx, product.sku, road);
    }
    const line = lineOf.l;
    const onRoad = road.filter((r) => r.lotId === lotId).reduce((n, r) => n + r.quantity, 0);
    if (quantity > onRoad && !(input.confirm_over && can(opts.user, 'transfer.resolve', { warehouseId: t.toWarehouseId }))) {
      throw new AppError('CONFLICT', { key: 'transfers.error.moreThanDispatched', params: { sku: product.sku, left: onRoad, quantity }, fieldErrors: [{ path: 'quantity', key: 'transfers.error.moreThanDispatched', params: { sku: product.sku, left: onRoad, quantity } }] });
    }

    // Damaged, or a cold product too warm at arrival: quarantine; else the dock of its class.
    let quarantine = input.condition === 'damaged';
    if (!quarantine && t.arrivalCelsius !== null && isColdClass(product.temperatureClass)) {
      const range = await classRange(tx, t.toWarehouseId, product.temperatureClass);
      quarantine = !range || !inRange(t.arrivalCelsius, range);
    }
    const to = quarantine ? await quarantineFor(tx, t.toWarehouseId, product.id) : await dockFor(tx, t.toWarehouseId, product.id, t.dockLocationId);
    const { entry } = await move(tx, {
      productId: product.id,
      lotId,
      quantity,
      fromLocationId: t.transitLocationId,
      toLocationId: to,
      reason: 'transfer_in',
      document: { type: 'transfer', id: String(t.id) },
      actor: { userId: opts.user.id },
    });
    await tx
      .update(transferLines)
      .set({ receivedQty: sql`${transferLines.receivedQty} + ${quantity}`, ...(input.condition === 'damaged' ? { damagedQty: sql`${transferLines.damagedQty} + ${quantity}` } : {}) })
      .where(eq(transferLines.id, line.id));
    const [row] = await tx
      .insert(transferReceipts)
      .values({ transferId: t.id, lineId: line.id, productId: product.id, lotId, quantity, condition: input.condition, toLocationId: to, ledgerEntryId: entry.id, actorUserId: opts.user.id, idempotencyKey: key, requestFingerprint: asked })
      .returning({ id: transferReceipts.id });
    return { ...(await describe(tx, row!.id)), replayed: false };
  });
}

async function describe(tx: Tx, receiptId: number): Promise<Omit<TransferReceiptResult, 'replayed'>> {
  const [r] = await queryRows<Record<string, unknown>>(
    tx,
    sql`SELECT r.id, p.sku, lt.code AS lot, r.quantity, r.condition, l.code AS location, tl.line_no, tl.dispatched_qty, tl.received_qty
        FROM transfer_receipts r JOIN products p ON p.id = r.product_id LEFT JOIN lots lt ON lt.id = r.lot_id JOIN locations l ON l.id = r.to_location_id JOIN transfer_lines tl ON tl.id = r.line_id
        WHERE r.id = ${receiptId}`,
  );
  return { receiptId: Number(r!.id), sku: String(r!.sku), lot: (r!.lot as string | null) || null, quantity: Number(r!.quantity), condition: r!.condition as 'good' | 'damaged', location: String(r!.location), lineNo: Number(r!.line_no), dispatched: Number(r!.dispatched_qty), received: Number(r!.received_qty) };
}

/** Receiving is over at the destination: arrived → received. What is still on the road stays visible until resolved. */
export async function finishTransferReceiving(opts: { db: Db; user: CurrentUser; transferId: number }): Promise<Transfer> {
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.receive', 'to', 'update');
    return transition(tx, t, 'finishReceiving', opts.user.id);
  });
}

/**
 * A manager writes off what of a line never arrived: transit → the source warehouse's
 * adjustment location, lot by lot, with the note as the reason. The rest of the transfer is
 * untouched; a line may instead stay "still expected" by doing nothing.
 */
export async function writeOffRemainder(opts: { db: Db; user: CurrentUser; transferId: number; lineId: number; input: unknown }): Promise<{ units: number }> {
  const input = parseInput(writeOffSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.resolve', 'either', 'update');
    if (t.status !== 'received') throw new AppError('CONFLICT', { key: 'transfers.error.writeOffWhenReceived', params: { status: `@transfers.status.${t.status}` } });
    const [adj] = await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.warehouseId, t.fromWarehouseId), eq(locations.kind, 'adjustment')));
    const road = (await inTransitByLot(tx, t)).filter((r) => r.lineId === opts.lineId && r.quantity > 0);
    if (road.length === 0) throw new AppError('CONFLICT', { key: 'transfers.error.nothingOnRoad' });
    let units = 0;
    for (const r of road) {
      await move(tx, { productId: r.productId, lotId: r.lotId, quantity: r.quantity, fromLocationId: t.transitLocationId, toLocationId: adj!.id, reason: 'adjustment', document: { type: 'transfer', id: String(t.id) }, actor: { userId: opts.user.id }, note: input.note });
      units += r.quantity;
    }
    await tx.update(transferLines).set({ writtenOffQty: sql`${transferLines.writtenOffQty} + ${units}` }).where(and(eq(transferLines.id, opts.lineId), eq(transferLines.transferId, t.id)));
    await tx.insert(transferEvents).values({ transferId: t.id, action: 'writeOff', actorUserId: opts.user.id, note: `−${units}: ${input.note}` });
    return { units };
  });
}

/** Closes a received transfer once nothing of it is still on the road. */
export async function closeTransfer(opts: { db: Db; user: CurrentUser; transferId: number }): Promise<Transfer> {
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.resolve', 'either', 'update');
    nextTransferStatus(t.status, 'close');
    const road = (await inTransitByLot(tx, t)).filter((r) => r.quantity !== 0);
    if (road.length) throw new AppError('CONFLICT', { key: 'transfers.error.stillOnRoad', params: { units: road.reduce((n, r) => n + r.quantity, 0) } });
    return transition(tx, t, 'close', opts.user.id);
  });
}


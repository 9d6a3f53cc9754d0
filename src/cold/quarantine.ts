import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { locations, orders, products, reservations, stockBalances } from '../db/schema/index.ts';
import { queryRows } from '../db/rows.ts';
import { AppError } from '../errors.ts';
import { move, release, zoneClassesFor, type LedgerEntry } from '../stock/index.ts';
import { allocateOrders } from '../outbound/allocate.ts';

/** Orders whose reservations may be taken back (not yet on a pick list). */
const RELEASABLE = ['new', 'allocated', 'backordered'];

/** A quarantine location of the warehouse that takes the product's class (its own class first). */
export async function quarantineFor(tx: Tx, warehouseId: number, productId: number): Promise<number> {
  const [p] = await tx.select({ cls: products.temperatureClass }).from(products).where(eq(products.id, productId));
  const classes = zoneClassesFor(p!.cls);
  const [row] = await queryRows<{ id: number }>(
    tx,
    sql`SELECT l.id FROM locations l JOIN zones z ON z.id = l.zone_id
        WHERE l.warehouse_id = ${warehouseId} AND l.kind = 'quarantine' AND l.active
          AND z.temperature_class::text IN (${sql.join(classes.map((c) => sql`${c}`), sql`, `)})
        ORDER BY (z.temperature_class::text = ${p!.cls}) DESC, l.walk_sequence, l.code LIMIT 1`,
  );
  if (!row) throw new AppError('CONFLICT', { key: 'cold.error.noQuarantineForClass', params: { class: `@class.${p!.cls}` } });
  return Number(row.id);
}

export async function adjustmentOf(tx: Tx, warehouseId: number): Promise<number> {
  const [row] = await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.warehouseId, warehouseId), eq(locations.kind, 'adjustment')));
  if (!row) throw new AppError('CONFLICT', { key: 'cold.error.noAdjustmentLocation' });
  return row.id;
}

/**
 * Takes units of one balance out of use: to quarantine (held, still counted) or disposed of
 * (to the warehouse's adjustment location, gone) — `quantity` of them, or all. Reservations on
 * the balance of orders not yet on a pick list are released first and those orders allocated
 * again afterwards (from what is left, or elsewhere, or backordered); units of orders already
 * being picked are refused, naming the orders. The orders are locked before the balance (the
 * order allocation and pick lists lock them in), so a pick list cannot be made on a
 * reservation that is being taken back. Returns the ledger entry, or null when there is
 * nothing to move.
 */
export async function takeOutOfUse(
  tx: Tx,
  opts: { balanceId: number; quantity?: number; to: 'quarantine' | 'dispose'; userId: number; document: { type: string; id: string }; note?: string; reason?: 'adjustment' | 'count'; exact?: boolean },
): Promise<LedgerEntry | null> {
  const heldOn = () =>
    tx
      .select({ id: reservations.id, orderId: orders.id })
      .from(reservations)
      .leftJoin(orders, and(eq(reservations.documentType, 'order'), sql`${orders.id}::text = ${reservations.documentId}`))
      .where(and(eq(reservations.balanceId, opts.balanceId), isNull(reservations.closedAt)));
  let locked = new Set<number>();
  for (let round = 0; ; round++) {
    const ids = [...new Set((await heldOn()).flatMap((r) => (r.orderId ? [r.orderId] : [])))].filter((id) => !locked.has(id)).sort((a, b) => a - b);
    if (ids.length === 0) break;
    if (round >= 3) throw new AppError('CONFLICT', { key: 'error.tryAgain' });
    await tx.select({ id: orders.id }).from(orders).where(inArray(orders.id, ids)).orderBy(orders.id).for('no key update');
    locked = new Set([...locked, ...ids]);
  }
  const [bal] = await tx.select().from(stockBalances).where(eq(stockBalances.id, opts.balanceId)).for('no key update');
  // `exact`: exactly `quantity` or nothing (an adjustment records the quantity it moves).
  if (opts.exact && (!bal || bal.onHand < (opts.quantity ?? 0))) throw new AppError('INSUFFICIENT_STOCK', { key: 'counts.error.notThatMany', params: { quantity: opts.quantity ?? 0, onHand: bal?.onHand ?? 0 } });
  if (!bal || bal.onHand <= 0) return null;
  const quantity = Math.min(opts.quantity ?? bal.onHand, bal.onHand);
  if (quantity <= 0) return null;
  const held = await tx
    .select({ id: reservations.id, orderId: orders.id, status: orders.status, externalId: orders.externalId })
    .from(reservations)
    .leftJoin(orders, and(eq(reservations.documentType, 'order'), sql`${orders.id}::text = ${reservations.documentId}`))
    .where(and(eq(reservations.balanceId, bal.id), isNull(reservations.closedAt)));
  const picking = held.filter((r) => !r.status || !RELEASABLE.includes(r.status));
  const releasable = held.filter((r) => !picking.includes(r));
  // Units being picked stay where they are: refused only when the move would need them.
  if (picking.length && quantity > bal.onHand - bal.reserved + (await releasableUnits(tx, releasable.map((r) => r.id)))) {
    throw new AppError('CONFLICT', { key: 'cold.error.reservedForPicking', params: { orders: [...new Set(picking.map((r) => r.externalId ?? `#${r.orderId ?? '?'}`))].join(', ') } });
  }
  for (const r of releasable) await release(tx, { reservationId: r.id });
  const toLocationId = opts.to === 'quarantine' ? await quarantineFor(tx, bal.warehouseId, bal.productId) : await adjustmentOf(tx, bal.warehouseId);
  const { entry } = await move(tx, {
    productId: bal.productId,
    lotId: bal.lotId,
    quantity,
    fromLocationId: bal.locationId,
    toLocationId,
    reason: opts.reason ?? (opts.to === 'quarantine' ? 'quarantine' : 'disposal'),
    document: opts.document,
    actor: { userId: opts.userId },
    note: opts.note,
  });
  const orderIds = [...new Set(releasable.flatMap((r) => (r.orderId ? [r.orderId] : [])))];
  if (orderIds.length) await allocateOrders(tx, orderIds.sort((a, b) => a - b), opts.userId);
  return entry;
}

async function releasableUnits(tx: Tx, reservationIds: number[]): Promise<number> {
  if (!reservationIds.length) return 0;
  const rows = await tx.select({ q: reservations.quantity }).from(reservations).where(inArray(reservations.id, reservationIds));
  return rows.reduce((n, r) => n + r.q, 0);
}

/** Balance ids of a set of (location, product, lot) places. */
export async function balancesAt(tx: Tx, places: { locationId: number; productId: number; lotId: number | null }[]) {
  if (!places.length) return [];
  return tx
    .select()
    .from(stockBalances)
    .where(and(inArray(stockBalances.locationId, [...new Set(places.map((p) => p.locationId))]), inArray(stockBalances.productId, [...new Set(places.map((p) => p.productId))])));
}

import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { orderLines, orders, products, reservations, warehouses } from '../db/schema/index.ts';
import { queryRows } from '../db/rows.ts';
import { isAppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { reserve } from '../stock/index.ts';
import { localToday } from '../inbound/temperature.ts';
import { setOrderStatus, type Order } from './events.ts';
import { canOrderTransition } from './status.ts';

export type AllocationResult = { orderId: number; status: 'allocated' | 'backordered' | 'unchanged'; reserved: number; missing: number };

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Units of an order line held by open reservations (not yet picked). */
export async function openReservedByLine(tx: Tx, orderId: number): Promise<Map<number, number>> {
  const rows = await tx
    .select({ line: reservations.documentLine, qty: sql<number>`sum(${reservations.quantity})::int` })
    .from(reservations)
    .where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(orderId)), isNull(reservations.closedAt)))
    .groupBy(reservations.documentLine);
  return new Map(rows.map((r) => [Number(r.line), Number(r.qty)]));
}

/**
 * Reserves stock for what an order still needs, from the order's warehouse: storage, pick and
 * cold locations only (never dock, quarantine, staging or transit). Expiry-tracked products go
 * first-expired-first-out and never take a lot that is expired or would expire before the
 * ship-by date plus the product's minimum remaining shelf life; other lots first-in-first-out;
 * then pick faces before bulk, in walking order. What cannot be reserved leaves the order
 * backordered (partly reserved); a later call tops it up. Runs in the caller's transaction;
 * a concurrent reservation of the same units simply makes this one take less (conditional
 * updates), so two orders never hold one unit.
 */
export type LineToFill = { id: number; productId: number; quantity: number; picked: number; short: number; shortAt: number[]; tracksExpiry: boolean; minShelf: number };
export type Reserved = { reservationId: number; locationId: number; lotId: number | null; quantity: number };

/** Lines of an order with what allocation needs to know. */
export async function linesToFill(tx: Tx, orderId: number, lineId?: number): Promise<LineToFill[]> {
  return tx
    .select({ id: orderLines.id, productId: orderLines.productId, quantity: orderLines.quantity, picked: orderLines.pickedQty, short: orderLines.shortQty, shortAt: orderLines.shortAt, tracksExpiry: products.tracksExpiry, minShelf: products.minShelfLifeDays })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .where(and(eq(orderLines.orderId, orderId), lineId ? eq(orderLines.id, lineId) : undefined))
    .orderBy(orderLines.lineNo);
}

/** The first day a lot may expire on to be allocated for this order (see allocateOrder). */
export async function allocationDays(tx: Tx, order: Order): Promise<{ today: string; shipDay: string }> {
  const [wh] = await tx.select({ timezone: warehouses.timezone }).from(warehouses).where(eq(warehouses.id, order.warehouseId));
  const today = localToday(wh!.timezone);
  const shipDay = order.shipBy ? order.shipBy.toISOString().slice(0, 10) : today;
  return { today, shipDay: shipDay > today ? shipDay : today };
}

/** Reserves up to `need` units for one order line; returns what it reserved, where. */
export async function reserveForLine(tx: Tx, order: Order, line: LineToFill, need: number, days: { today: string; shipDay: string }): Promise<Reserved[]> {
  const out: Reserved[] = [];
  const minExpiry = addDays(days.shipDay, line.minShelf);
  const shortAt = line.shortAt.length ? line.shortAt : [0];
  const candidates = await queryRows<{ location_id: number; lot_id: number | null; available: number }>(
    tx,
    sql`SELECT b.location_id, b.lot_id, b.on_hand - b.reserved AS available
        FROM stock_balances b
        JOIN locations l ON l.id = b.location_id
        LEFT JOIN lots lt ON lt.id = b.lot_id
        WHERE b.warehouse_id = ${order.warehouseId} AND b.product_id = ${line.productId}
          AND l.kind IN ('storage', 'pick', 'cold') AND l.active
          AND b.on_hand - b.reserved > 0
          AND l.id NOT IN (${sql.join(shortAt.map((id) => sql`${id}`), sql`, `)})
          AND (${!line.tracksExpiry} OR (lt.expires_on IS NOT NULL AND lt.expires_on > ${days.today}::date AND lt.expires_on >= ${minExpiry}::date))
        ORDER BY lt.expires_on ASC NULLS LAST, lt.created_at ASC NULLS LAST, (l.kind = 'pick') DESC, l.walk_sequence, b.id`,
  );
  for (const c of candidates) {
    if (need <= 0) break;
    let take = Math.min(need, Number(c.available));
    // Another order may have reserved some of these units since the read: take what is left.
    while (take > 0) {
      try {
        const lotId = c.lot_id === null ? null : Number(c.lot_id);
        const r = await reserve(tx, { locationId: Number(c.location_id), productId: line.productId, lotId, quantity: take, document: { type: 'order', id: String(order.id), line: String(line.id) } });
        out.push({ reservationId: r.id, locationId: Number(c.location_id), lotId, quantity: take });
        need -= take;
        break;
      } catch (err) {
        if (!isAppError(err) || err.code !== 'INSUFFICIENT_STOCK') throw err;
        const [now] = await queryRows<{ available: number }>(
          tx,
          sql`SELECT on_hand - reserved AS available FROM stock_balances WHERE location_id = ${c.location_id} AND product_id = ${line.productId} AND lot_id IS NOT DISTINCT FROM ${c.lot_id}`,
        );
        take = Math.min(need, Math.max(0, Number(now?.available ?? 0)));
      }
    }
  }
  return out;
}

/**
 * Reserves stock for what an order still needs, from the order's warehouse: storage, pick and
 * cold locations only (never dock, quarantine, staging or transit). Expiry-tracked products go
 * first-expired-first-out and never take a lot that is expired or would expire before the
 * ship-by date plus the product's minimum remaining shelf life; other lots first-in-first-out;
 * then pick faces before bulk, in walking order. What cannot be reserved leaves the order
 * backordered (partly reserved); a later call tops it up. Runs in the caller's transaction;
 * a concurrent reservation of the same units simply makes this one take less (conditional
 * updates), so two orders never hold one unit.
 */
export async function allocateOrder(tx: Tx, orderId: number, actorUserId: number | null): Promise<AllocationResult> {
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  if (!order || !canOrderTransition(order.status, 'allocate')) return { orderId, status: 'unchanged', reserved: 0, missing: 0 };
  const days = await allocationDays(tx, order);
  const held = await openReservedByLine(tx, order.id);
  let reserved = 0;
  let missing = 0;
  // Lines in product order: concurrent orders then take balance rows in one order (no deadlock).
  const lines = (await linesToFill(tx, order.id)).sort((a, b) => a.productId - b.productId || a.id - b.id);
  for (const line of lines) {
    const need = line.quantity - line.short - line.picked - (held.get(line.id) ?? 0);
    if (need <= 0) continue;
    const got = (await reserveForLine(tx, order, line, need, days)).reduce((n, r) => n + r.quantity, 0);
    reserved += got;
    missing += need - got;
  }
  const to = missing > 0 ? 'backordered' : 'allocated';
  await setOrderStatus(tx, order, to, to === 'allocated' ? 'allocate' : 'backorder', actorUserId, reserved ? `+${reserved}` : undefined);
  return { orderId, status: to, reserved, missing };
}

/**
 * Tries again to fill backordered orders of a warehouse (oldest ship-by first), e.g. after
 * stock was put away. Each order in its own transaction.
 */
export async function retryBackorders(db: Db, opts: { warehouseId: number; productIds?: number[]; limit?: number }): Promise<AllocationResult[]> {
  const rows = await db
    .selectDistinct({ id: orders.id, shipBy: orders.shipBy })
    .from(orders)
    .innerJoin(orderLines, eq(orderLines.orderId, orders.id))
    .where(and(eq(orders.warehouseId, opts.warehouseId), inArray(orders.status, ['backordered', 'new']), opts.productIds?.length ? inArray(orderLines.productId, opts.productIds) : undefined))
    .orderBy(sql`${orders.shipBy} ASC NULLS LAST`, orders.id)
    .limit(opts.limit ?? 500);
  const out: AllocationResult[] = [];
  for (const r of rows) out.push(await withTransaction(db, (tx) => allocateOrder(tx, r.id, null)));
  return out;
}

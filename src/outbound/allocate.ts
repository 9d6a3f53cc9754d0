import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { orderLines, orders, warehouses } from '../db/schema/index.ts';
import { intArray, queryRows } from '../db/rows.ts';
import { withTransaction } from '../db/tx.ts';
import { reserveMany } from '../stock/index.ts';
import { localToday } from '../inbound/temperature.ts';
import { setOrderStatuses, type Order } from './events.ts';
import { canOrderTransition } from './status.ts';

/**
 * Allocation: reserving stock for what orders still need, from each order's warehouse.
 *
 * Only storage, pick and cold locations give stock (never dock, quarantine, staging or
 * transit). Expiry-tracked products go first-expired-first-out and never take a lot that is
 * expired or would expire before the ship-by date plus the product's minimum remaining shelf
 * life; other lots first-in-first-out; then pick faces before bulk, in walking order. What
 * cannot be reserved leaves the order backordered (partly reserved); a later call tops it up.
 *
 * The candidate balances are read `FOR NO KEY UPDATE`, every caller in the same order (product, then
 * the allocation order itself, then id), so concurrent allocations queue on the balances they
 * share instead of deadlocking, and each sees what the others left. The plan is made in
 * memory and written with `reserveMany`: a whole batch of orders costs a handful of
 * statements, whether it is one order or an import chunk of hundreds.
 */
export type AllocationResult = { orderId: number; status: 'allocated' | 'backordered' | 'unchanged'; reserved: number; missing: number };

export type LineToFill = { id: number; orderId: number; productId: number; quantity: number; picked: number; short: number; shortAt: number[]; tracksExpiry: boolean; minShelf: number; held: number };
export type Reserved = { reservationId: number; locationId: number; lotId: number | null; quantity: number };
export type AllocationDays = { today: string; shipDay: string };

/** What one document line still needs; `lotId` narrows it to one lot (a transfer may ask for one). */
export type Demand = { docId: number; warehouseId: number; line: LineToFill; need: number; earliest: string | null; lotId?: number | null; docType?: string };
type Candidate = { balanceId: number; locationId: number; lotId: number | null; expiresOn: string | null; available: number };
export type Planned = { demand: Demand; candidate: Candidate; quantity: number };

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Lines of orders with what allocation needs to know, and what open reservations already hold. */
export async function linesToFill(tx: Tx, orderIds: number[], lineId?: number): Promise<LineToFill[]> {
  if (orderIds.length === 0) return [];
  const ids = intArray(orderIds);
  const docIds = sql`ARRAY(SELECT x::text FROM unnest(${ids}) AS x)`;
  const rows = await queryRows<{ id: number; order_id: number; product_id: number; quantity: number; picked_qty: number; short_qty: number; short_at: number[] | string | null; tracks_expiry: boolean; min_shelf_life_days: number; held: number }>(
    tx,
    sql`SELECT ol.id, ol.order_id, ol.product_id, ol.quantity, ol.picked_qty, ol.short_qty, ol.short_at, p.tracks_expiry, p.min_shelf_life_days,
               coalesce(h.held, 0)::int AS held
        FROM order_lines ol
        JOIN products p ON p.id = ol.product_id
        LEFT JOIN (SELECT document_line, sum(quantity)::int AS held FROM reservations
                   WHERE document_type = 'order' AND document_id = ANY(${docIds}) AND closed_at IS NULL
                   GROUP BY document_line) h ON h.document_line = ol.id::text
        WHERE ol.order_id = ANY(${ids}) ${lineId ? sql`AND ol.id = ${lineId}` : sql``}
        ORDER BY ol.order_id, ol.line_no`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    orderId: Number(r.order_id),
    productId: Number(r.product_id),
    quantity: Number(r.quantity),
    picked: Number(r.picked_qty),
    short: Number(r.short_qty),
    shortAt: intList(r.short_at),
    tracksExpiry: Boolean(r.tracks_expiry),
    minShelf: Number(r.min_shelf_life_days),
    held: Number(r.held),
  }));
}

/** An `int[]` column as numbers (PGlite and postgres.js may hand back the array or its text). */
function intList(v: number[] | string | null): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === 'string' && v.length > 2) return v.slice(1, -1).split(',').map(Number);
  return [];
}

/** Today on each warehouse's clock. */
export async function todayIn(tx: Tx, warehouseIds: number[]): Promise<Map<number, string>> {
  const rows = await tx.select({ id: warehouses.id, timezone: warehouses.timezone }).from(warehouses).where(inArray(warehouses.id, [...new Set(warehouseIds)]));
  return new Map(rows.map((w) => [w.id, localToday(w.timezone)]));
}

/** The day an order is judged against: its ship-by day, or today when that is earlier or unset. */
function daysFor(order: Pick<Order, 'shipBy'>, today: string): AllocationDays {
  const shipDay = order.shipBy ? order.shipBy.toISOString().slice(0, 10) : today;
  return { today, shipDay: shipDay > today ? shipDay : today };
}

/** The days an order's allocation is judged against (see `reserveForLine`). */
export async function allocationDays(tx: Tx, order: Order): Promise<AllocationDays> {
  return daysFor(order, (await todayIn(tx, [order.warehouseId])).get(order.warehouseId)!);
}

/** The first expiry day a lot may have for this line: after today, and not before ship-by plus the minimum shelf life. */
export function earliestExpiry(line: LineToFill, days: AllocationDays): string | null {
  if (!line.tracksExpiry) return null;
  const afterToday = addDays(days.today, 1);
  const withShelfLife = addDays(days.shipDay, line.minShelf);
  return afterToday > withShelfLife ? afterToday : withShelfLife;
}

/**
 * Locks and returns the balances that could serve these demands, per warehouse and product,
 * in allocation order. Lots that expire before every demand's earliest day are left out.
 */
async function lockCandidates(tx: Tx, demands: Demand[]): Promise<Map<string, Candidate[]>> {
  const pairs = new Map<string, { warehouseId: number; productId: number; earliest: string | null }>();
  for (const d of demands) {
    const key = `${d.warehouseId}|${d.line.productId}`;
    const p = pairs.get(key);
    if (!p) pairs.set(key, { warehouseId: d.warehouseId, productId: d.line.productId, earliest: d.earliest });
    else if (p.earliest !== null && d.earliest !== null && d.earliest < p.earliest) p.earliest = d.earliest;
  }
  const out = new Map<string, Candidate[]>();
  if (pairs.size === 0) return out;
  const values = sql.join(
    [...pairs.values()].map((p) => sql`(${p.warehouseId}::int, ${p.productId}::int, ${p.earliest}::date)`),
    sql`, `,
  );
  const rows = await queryRows<{ id: number; warehouse_id: number; product_id: number; location_id: number; lot_id: number | null; expires_on: string | null; available: number }>(
    tx,
    sql`SELECT b.id, b.warehouse_id, b.product_id, b.location_id, b.lot_id, to_char(lt.expires_on, 'YYYY-MM-DD') AS expires_on, b.on_hand - b.reserved AS available
        FROM stock_balances b
        JOIN (VALUES ${values}) AS d(warehouse_id, product_id, earliest) ON d.warehouse_id = b.warehouse_id AND d.product_id = b.product_id
        JOIN locations l ON l.id = b.location_id
        LEFT JOIN lots lt ON lt.id = b.lot_id
        WHERE l.kind IN ('storage', 'pick', 'cold') AND l.active AND NOT b.is_virtual
          AND b.on_hand - b.reserved > 0
          AND (d.earliest IS NULL OR lt.expires_on >= d.earliest)
        ORDER BY b.product_id, lt.expires_on ASC NULLS LAST, lt.created_at ASC NULLS LAST, (l.kind = 'pick') DESC, l.walk_sequence, b.id
        FOR NO KEY UPDATE OF b`,
  );
  for (const r of rows) {
    const key = `${r.warehouse_id}|${r.product_id}`;
    const list = out.get(key) ?? [];
    list.push({ balanceId: Number(r.id), locationId: Number(r.location_id), lotId: r.lot_id === null ? null : Number(r.lot_id), expiresOn: r.expires_on, available: Number(r.available) });
    out.set(key, list);
  }
  return out;
}

/** Walks the demands in order, each taking from its candidates in allocation order. */
function plan(demands: Demand[], candidates: Map<string, Candidate[]>): Planned[] {
  const out: Planned[] = [];
  for (const d of demands) {
    let need = d.need;
    for (const c of candidates.get(`${d.warehouseId}|${d.line.productId}`) ?? []) {
      if (need <= 0) break;
      if (c.available <= 0 || d.line.shortAt.includes(c.locationId)) continue;
      if (d.lotId != null && c.lotId !== d.lotId) continue;
      if (d.earliest !== null && (c.expiresOn === null || c.expiresOn < d.earliest)) continue;
      const quantity = Math.min(need, c.available);
      c.available -= quantity;
      need -= quantity;
      out.push({ demand: d, candidate: c, quantity });
    }
  }
  return out;
}

/**
 * Locks candidates, plans and reserves: returns what each demand got, where. A demand's
 * document is an order unless it says otherwise (`docType`, e.g. a transfer).
 */
export async function fill(tx: Tx, demands: Demand[]): Promise<{ planned: Planned; reserved: Reserved }[]> {
  const planned = plan(demands, await lockCandidates(tx, demands));
  const rows = await reserveMany(
    tx,
    planned.map((p) => ({ balanceId: p.candidate.balanceId, quantity: p.quantity, document: { type: p.demand.docType ?? 'order', id: String(p.demand.docId), line: String(p.demand.line.id) } })),
  );
  return planned.map((p, i) => ({ planned: p, reserved: { reservationId: rows[i]!.id, locationId: p.candidate.locationId, lotId: p.candidate.lotId, quantity: p.quantity } }));
}

/**
 * Reserves up to `need` units for one order line (a short pick's replacement: the line's
 * short-picked locations are skipped); returns what it reserved, where.
 */
export async function reserveForLine(tx: Tx, order: Order, line: LineToFill, need: number, days: AllocationDays): Promise<Reserved[]> {
  if (need <= 0) return [];
  const got = await fill(tx, [{ docId: order.id, warehouseId: order.warehouseId, line, need, earliest: earliestExpiry(line, days) }]);
  return got.map((g) => g.reserved);
}

/**
 * Allocates orders the caller has locked (or just created), in the given order: earlier
 * orders are served first when stock is short. Sets each order allocated or backordered,
 * with an event.
 */
export async function allocateLocked(tx: Tx, list: Order[], actorUserId: number | null): Promise<AllocationResult[]> {
  const open = list.filter((o) => canOrderTransition(o.status, 'allocate'));
  const results = new Map<number, AllocationResult>(list.map((o) => [o.id, { orderId: o.id, status: 'unchanged', reserved: 0, missing: 0 }]));
  if (open.length === 0) return list.map((o) => results.get(o.id)!);
  const today = await todayIn(tx, open.map((o) => o.warehouseId));
  const lines = new Map<number, LineToFill[]>();
  for (const l of await linesToFill(tx, open.map((o) => o.id))) lines.set(l.orderId, [...(lines.get(l.orderId) ?? []), l]);
  const demands: Demand[] = [];
  for (const o of open) {
    const days = daysFor(o, today.get(o.warehouseId)!);
    // Lines in product order, like every allocation (see lockCandidates).
    for (const line of (lines.get(o.id) ?? []).sort((a, b) => a.productId - b.productId || a.id - b.id)) {
      const need = line.quantity - line.short - line.picked - line.held;
      if (need > 0) demands.push({ docId: o.id, warehouseId: o.warehouseId, line, need, earliest: earliestExpiry(line, days) });
    }
  }
  const got = new Map<number, number>();
  for (const g of await fill(tx, demands)) got.set(g.planned.demand.line.id, (got.get(g.planned.demand.line.id) ?? 0) + g.reserved.quantity);
  for (const d of demands) {
    const r = results.get(d.docId)!;
    const reserved = got.get(d.line.id) ?? 0;
    r.reserved += reserved;
    r.missing += d.need - reserved;
  }
  const changes = open.map((o) => {
    const r = results.get(o.id)!;
    r.status = r.missing > 0 ? 'backordered' : 'allocated';
    return { order: o, to: r.status, action: r.status === 'allocated' ? 'allocate' : 'backorder', note: r.reserved ? `+${r.reserved}` : undefined };
  });
  await setOrderStatuses(tx, changes, actorUserId);
  for (const o of open) o.status = results.get(o.id)!.status as Order['status'];
  return list.map((o) => results.get(o.id)!);
}

/** Locks the orders (in id order) and allocates them in the given order. */
export async function allocateOrders(tx: Tx, orderIds: number[], actorUserId: number | null): Promise<AllocationResult[]> {
  if (orderIds.length === 0) return [];
  const locked = await tx.select().from(orders).where(inArray(orders.id, orderIds)).orderBy(orders.id).for('no key update');
  const byId = new Map(locked.map((o) => [o.id, o]));
  const found = orderIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const results = new Map((await allocateLocked(tx, found, actorUserId)).map((r) => [r.orderId, r]));
  return orderIds.map((id) => results.get(id) ?? { orderId: id, status: 'unchanged', reserved: 0, missing: 0 });
}

/** One order (see allocateLocked). */
export async function allocateOrder(tx: Tx, orderId: number, actorUserId: number | null): Promise<AllocationResult> {
  const [r] = await allocateOrders(tx, [orderId], actorUserId);
  return r!;
}

/** Orders topped up per transaction when backorders are retried. */
const RETRY_CHUNK = 100;

/**
 * Tries again to fill backordered orders of a warehouse (oldest ship-by first), e.g. after
 * stock was put away; a chunk of orders per transaction.
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
  for (let at = 0; at < rows.length; at += RETRY_CHUNK) {
    const ids = rows.slice(at, at + RETRY_CHUNK).map((r) => r.id);
    out.push(...(await withTransaction(db, (tx) => allocateOrders(tx, ids, null))));
  }
  return out;
}

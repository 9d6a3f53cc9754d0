import { and, asc, desc, eq, ilike, inArray, isNull, lt, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.ts';
import { locations, lots, markingCodes, orderEvents, orderLines, orders, orderStatuses, pickLists, pickTasks, products, reservations, sellers, stockBalances, users, warehouses } from '../db/schema/index.ts';
import { blankToUndefined, optionalText } from '../inventory/filters.ts';
import { sellerCondition, warehouseCondition, type ReadScope } from '../inventory/scope.ts';
import { plainInteger } from '../http/numbers.ts';

const optionalCode = z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(40).optional());

export const orderFilterSchema = z.object({
  warehouse: optionalCode,
  seller: optionalCode,
  status: z.preprocess(blankToUndefined, z.enum([...orderStatuses, 'open'] as const).optional()),
  late: z.preprocess(blankToUndefined, z.enum(['1']).optional()),
  q: optionalText(80),
  page: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(1).max(100_000).default(1))),
});
export type OrderFilter = z.output<typeof orderFilterSchema>;

const openStatuses = ['new', 'allocated', 'backordered', 'picking', 'picked', 'packed'] as const;
const scoped = (scope: ReadScope) => and(sellerCondition(scope, orders.sellerId), warehouseCondition(scope, orders.warehouseId));

export type OrderRow = {
  id: number;
  externalId: string;
  channel: string;
  status: (typeof orderStatuses)[number];
  shipBy: Date | null;
  sellerCode: string;
  warehouseCode: string;
  timezone: string;
  units: number;
  picked: number;
  short: number;
  pickListId: number | null;
  late: boolean;
};

/** Per order: its lines and units ordered, picked, short and packed (a subquery to join). */
export function orderTotals(db: Executor) {
  return db
    .select({
      orderId: orderLines.orderId,
      lines: sql<number>`count(*)::int`.as('lines'),
      units: sql<number>`sum(${orderLines.quantity})::int`.as('units'),
      picked: sql<number>`sum(${orderLines.pickedQty})::int`.as('picked'),
      short: sql<number>`sum(${orderLines.shortQty})::int`.as('short'),
      packed: sql<number>`sum(${orderLines.packedQty})::int`.as('packed'),
    })
    .from(orderLines)
    .groupBy(orderLines.orderId)
    .as('totals');
}

/** An order whose external id contains the text typed (LIKE's wildcards taken literally). */
const externalIdContains = (q: string) => ilike(orders.externalId, `%${q.replace(/[\\%_]/g, (m) => '\\' + m)}%`);

/** The orders board: open orders by ship-by (late first), or any status by filter. */
export async function listOrders(db: Executor, scope: ReadScope, f: OrderFilter, pageSize: number) {
  const where = and(
    scoped(scope),
    f.warehouse ? eq(warehouses.code, f.warehouse) : undefined,
    f.seller ? eq(sellers.code, f.seller) : undefined,
    f.status === 'open' ? inArray(orders.status, [...openStatuses]) : f.status ? eq(orders.status, f.status) : undefined,
    f.late ? and(lt(orders.shipBy, sql`now()`), notInArray(orders.status, ['shipped', 'cancelled'])) : undefined,
    f.q ? externalIdContains(f.q) : undefined,
  );
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(orders).innerJoin(warehouses, eq(warehouses.id, orders.warehouseId)).innerJoin(sellers, eq(sellers.id, orders.sellerId)).where(where);
  const total = Number(count?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(f.page, pages);
  const totals = orderTotals(db);
  const rows = await db
    .select({
      id: orders.id,
      externalId: orders.externalId,
      channel: orders.channel,
      status: orders.status,
      shipBy: orders.shipBy,
      sellerCode: sellers.code,
      warehouseCode: warehouses.code,
      timezone: warehouses.timezone,
      units: sql<number>`coalesce(${totals.units}, 0)`,
      picked: sql<number>`coalesce(${totals.picked}, 0)`,
      short: sql<number>`coalesce(${totals.short}, 0)`,
      pickListId: orders.pickListId,
      late: sql<boolean>`${orders.shipBy} < now() AND ${orders.status} NOT IN ('shipped', 'cancelled')`,
    })
    .from(orders)
    .innerJoin(warehouses, eq(warehouses.id, orders.warehouseId))
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .leftJoin(totals, eq(totals.orderId, orders.id))
    .where(where)
    .orderBy(sql`${orders.status} IN ('shipped', 'cancelled')`, sql`${orders.shipBy} ASC NULLS LAST`, desc(orders.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows: rows.map((r) => ({ ...r, units: Number(r.units), picked: Number(r.picked), short: Number(r.short) })) as OrderRow[], total, page, pages };
}

/** Orders per status (for the board's tabs), within a user's scope and the search typed (an external id, in part). */
export async function orderCounts(db: Executor, scope: ReadScope, warehouse?: string, seller?: string, q?: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: orders.status, n: sql<number>`count(*)::int`, late: sql<number>`count(*) FILTER (WHERE ${orders.shipBy} < now() AND ${orders.status} NOT IN ('shipped', 'cancelled'))::int` })
    .from(orders)
    .innerJoin(warehouses, eq(warehouses.id, orders.warehouseId))
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .where(
      and(
        scoped(scope),
        warehouse ? eq(warehouses.code, warehouse) : undefined,
        seller ? eq(sellers.code, seller) : undefined,
        q ? externalIdContains(q) : undefined,
      ),
    )
    .groupBy(orders.status);
  const out: Record<string, number> = { late: 0 };
  for (const r of rows) {
    out[r.status] = Number(r.n);
    out.late! += Number(r.late);
  }
  return out;
}

export type OrderDetail = typeof orders.$inferSelect & {
  sellerCode: string;
  sellerName: string;
  warehouseCode: string;
  timezone: string;
  lines: { id: number; lineNo: number; productId: number; sku: string; name: string; temperatureClass: string; quantity: number; reserved: number; picked: number; short: number; packed: number; requiresMarking: boolean }[];
};

export async function getOrder(db: Executor, scope: ReadScope, id: number): Promise<OrderDetail | null> {
  const [o] = await db
    .select({ order: orders, sellerCode: sellers.code, sellerName: sellers.name, warehouseCode: warehouses.code, timezone: warehouses.timezone })
    .from(orders)
    .innerJoin(warehouses, eq(warehouses.id, orders.warehouseId))
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .where(and(eq(orders.id, id), scoped(scope)));
  if (!o) return null;
  const held = db
    .select({ line: reservations.documentLine, qty: sql<number>`sum(${reservations.quantity})::int`.as('qty') })
    .from(reservations)
    .where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(id)), isNull(reservations.closedAt)))
    .groupBy(reservations.documentLine)
    .as('held');
  const lines = await db
    .select({
      id: orderLines.id,
      lineNo: orderLines.lineNo,
      productId: products.id,
      sku: products.sku,
      name: products.name,
      temperatureClass: products.temperatureClass,
      quantity: orderLines.quantity,
      reserved: sql<number>`coalesce(${held.qty}, 0)`,
      picked: orderLines.pickedQty,
      short: orderLines.shortQty,
      packed: orderLines.packedQty,
      requiresMarking: orderLines.requiresMarking,
    })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .leftJoin(held, sql`${held.line} = ${orderLines.id}::text`)
    .where(eq(orderLines.orderId, id))
    .orderBy(asc(orderLines.lineNo));
  return { ...o.order, sellerCode: o.sellerCode, sellerName: o.sellerName, warehouseCode: o.warehouseCode, timezone: o.timezone, lines: lines.map((l) => ({ ...l, reserved: Number(l.reserved) })) };
}

/** Where an order's open reservations are: location, lot, quantity. */
export async function orderReservations(db: Executor, orderId: number) {
  return db
    .select({ lineId: reservations.documentLine, quantity: reservations.quantity, location: locations.code, locationId: locations.id, lot: lots.code, expiry: lots.expiresOn })
    .from(reservations)
    .innerJoin(stockBalances, eq(stockBalances.id, reservations.balanceId))
    .innerJoin(locations, eq(locations.id, stockBalances.locationId))
    .leftJoin(lots, eq(lots.id, stockBalances.lotId))
    .where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(orderId)), isNull(reservations.closedAt)))
    .orderBy(locations.walkSequence);
}

export async function orderHistory(db: Executor, orderId: number) {
  return db
    .select({ id: orderEvents.id, at: orderEvents.at, action: orderEvents.action, fromStatus: orderEvents.fromStatus, toStatus: orderEvents.toStatus, actor: users.name, note: orderEvents.note })
    .from(orderEvents)
    .leftJoin(users, eq(users.id, orderEvents.actorUserId))
    .where(eq(orderEvents.orderId, orderId))
    .orderBy(asc(orderEvents.id));
}

export async function orderMarkingCodes(db: Executor, orderId: number) {
  return db.select({ lineId: markingCodes.orderLineId, serial: markingCodes.serial, gtin: markingCodes.gtin, at: markingCodes.at }).from(markingCodes).where(eq(markingCodes.orderId, orderId)).orderBy(markingCodes.id);
}

export type PickListRow = { id: number; status: string; warehouseCode: string; timezone: string; createdAt: Date; assignee: string | null; tasks: number; done: number; short: number; orders: number };

export async function listPickLists(db: Executor, scope: ReadScope, warehouse?: string): Promise<PickListRow[]> {
  const rows = await db
    .select({
      id: pickLists.id,
      status: pickLists.status,
      warehouseCode: warehouses.code,
      timezone: warehouses.timezone,
      createdAt: pickLists.createdAt,
      assignee: users.name,
      tasks: sql<number>`(SELECT count(*) FROM pick_tasks t WHERE t.pick_list_id = ${pickLists.id} AND t.status <> 'cancelled')::int`,
      done: sql<number>`(SELECT count(*) FROM pick_tasks t WHERE t.pick_list_id = ${pickLists.id} AND t.status IN ('done', 'short'))::int`,
      short: sql<number>`(SELECT count(*) FROM pick_tasks t WHERE t.pick_list_id = ${pickLists.id} AND t.status = 'short')::int`,
      orders: sql<number>`(SELECT count(DISTINCT t.order_id) FROM pick_tasks t WHERE t.pick_list_id = ${pickLists.id})::int`,
    })
    .from(pickLists)
    .innerJoin(warehouses, eq(warehouses.id, pickLists.warehouseId))
    .leftJoin(users, eq(users.id, pickLists.assignedUserId))
    .where(and(warehouseCondition(scope, pickLists.warehouseId), warehouse ? eq(warehouses.code, warehouse) : undefined))
    .orderBy(sql`${pickLists.status} IN ('done', 'cancelled')`, desc(pickLists.id))
    .limit(100);
  return rows.map((r) => ({ ...r, tasks: Number(r.tasks), done: Number(r.done), short: Number(r.short), orders: Number(r.orders) }));
}

export type TaskRow = { id: number; sequence: number; status: string; orderId: number; externalId: string; location: string; zoneClass: string; sku: string; name: string; ean: string | null; lot: string | null; expiry: string | null; quantity: number; picked: number; short: number };

export async function pickListTasks(db: Executor, listId: number): Promise<TaskRow[]> {
  const rows = await db
    .select({
      id: pickTasks.id,
      sequence: pickTasks.sequence,
      status: pickTasks.status,
      orderId: pickTasks.orderId,
      externalId: orders.externalId,
      location: locations.code,
      zoneClass: sql<string>`(SELECT z.temperature_class::text FROM zones z WHERE z.id = ${locations.zoneId})`,
      sku: products.sku,
      name: products.name,
      ean: sql<string | null>`(SELECT b.code FROM product_barcodes b WHERE b.product_id = ${products.id} AND b.units = 1 ORDER BY b.kind = 'ean13' DESC, b.id LIMIT 1)`,
      lot: lots.code,
      expiry: lots.expiresOn,
      quantity: pickTasks.quantity,
      picked: pickTasks.pickedQty,
      short: pickTasks.shortQty,
    })
    .from(pickTasks)
    .innerJoin(orders, eq(orders.id, pickTasks.orderId))
    .innerJoin(locations, eq(locations.id, pickTasks.locationId))
    .innerJoin(products, eq(products.id, pickTasks.productId))
    .leftJoin(lots, eq(lots.id, pickTasks.lotId))
    .where(eq(pickTasks.pickListId, listId))
    .orderBy(asc(pickTasks.sequence));
  return rows.map((r) => ({ ...r, lot: r.lot || null }));
}

export async function getPickList(db: Executor, scope: ReadScope, id: number) {
  const [l] = await db
    .select({ id: pickLists.id, status: pickLists.status, warehouseId: pickLists.warehouseId, warehouseCode: warehouses.code, timezone: warehouses.timezone, createdAt: pickLists.createdAt, completedAt: pickLists.completedAt })
    .from(pickLists)
    .innerJoin(warehouses, eq(warehouses.id, pickLists.warehouseId))
    .where(and(eq(pickLists.id, id), warehouseCondition(scope, pickLists.warehouseId)));
  return l ?? null;
}

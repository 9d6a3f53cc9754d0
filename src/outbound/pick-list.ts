import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { locations, orders, pickLists, pickTasks, products, reservations, stockBalances, userWarehouses, users, warehouses, zones } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { setOrderStatus } from './events.ts';

export type PickList = typeof pickLists.$inferSelect;

const coldLast: Record<string, number> = { ambient: 0, chilled: 1, frozen: 2, deep_frozen: 3 };

/**
 * Groups allocated orders of one warehouse into a pick list: the most urgent ship-by first (up
 * to `maxOrders`), each open reservation a task; tasks in walking order, with chilled and then
 * frozen goods last so they leave the cold rooms last. Orders already on a list, or being
 * listed by someone else at the same moment, are skipped.
 */
export async function createPickList(opts: { db: Db; user: CurrentUser; warehouse: string; orderIds?: number[]; maxOrders?: number; assignTo?: number }): Promise<{ list: PickList; tasks: number; orders: number }> {
  return withTransaction(opts.db, async (tx) => {
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, opts.warehouse.trim().toUpperCase()));
    if (!wh || !can(opts.user, 'order.fulfil', { warehouseId: wh.id })) throw new AppError('VALIDATION', { key: 'error.unknownWarehouse', fieldErrors: [{ path: 'warehouse', key: 'error.unknownWarehouse' }] });
    const chosen = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.warehouseId, wh.id), eq(orders.status, 'allocated'), isNull(orders.pickListId), opts.orderIds?.length ? inArray(orders.id, opts.orderIds) : undefined))
      .orderBy(sql`${orders.shipBy} ASC NULLS LAST`, asc(orders.id))
      .limit(Math.min(Math.max(opts.maxOrders ?? 30, 1), 200))
      .for('no key update', { skipLocked: true });
    if (chosen.length === 0) throw new AppError('CONFLICT', { key: 'outbound.error.nothingToPick' });
    if (opts.assignTo !== undefined) {
      const [ok] = await tx
        .select({ id: users.id })
        .from(users)
        .leftJoin(userWarehouses, and(eq(userWarehouses.userId, users.id), eq(userWarehouses.warehouseId, wh.id)))
        .where(and(eq(users.id, opts.assignTo), eq(users.active, true), sql`(${users.role} IN ('admin', 'manager') OR ${userWarehouses.warehouseId} IS NOT NULL)`));
      if (!ok) throw new AppError('VALIDATION', { key: 'outbound.error.badAssignee', fieldErrors: [{ path: 'assign_to', key: 'outbound.error.badAssignee' }] });
    }
    const [list] = await tx.insert(pickLists).values({ warehouseId: wh.id, createdBy: opts.user.id, assignedUserId: opts.assignTo ?? null }).returning();
    const ids = chosen.map((o) => o.id);
    const held = await tx
      .select({
        reservationId: reservations.id,
        orderId: sql<number>`${reservations.documentId}::int`,
        lineId: sql<number>`${reservations.documentLine}::int`,
        quantity: reservations.quantity,
        locationId: stockBalances.locationId,
        productId: stockBalances.productId,
        lotId: stockBalances.lotId,
        walk: locations.walkSequence,
        code: locations.code,
        cls: zones.temperatureClass,
      })
      .from(reservations)
      .innerJoin(stockBalances, eq(stockBalances.id, reservations.balanceId))
      .innerJoin(locations, eq(locations.id, stockBalances.locationId))
      .innerJoin(zones, eq(zones.id, locations.zoneId))
      .where(and(eq(reservations.documentType, 'order'), inArray(reservations.documentId, ids.map(String)), isNull(reservations.closedAt)));
    const shipBy = new Map(chosen.map((o) => [o.id, o.shipBy?.getTime() ?? Number.MAX_SAFE_INTEGER]));
    held.sort((a, b) => (coldLast[a.cls] ?? 0) - (coldLast[b.cls] ?? 0) || a.walk - b.walk || a.code.localeCompare(b.code) || shipBy.get(Number(a.orderId))! - shipBy.get(Number(b.orderId))!);
    if (held.length) {
      await tx.insert(pickTasks).values(
        held.map((h, i) => ({ pickListId: list!.id, sequence: i + 1, orderId: Number(h.orderId), orderLineId: Number(h.lineId), reservationId: h.reservationId, locationId: h.locationId, productId: h.productId, lotId: h.lotId, quantity: h.quantity })),
      );
    }
    for (const o of chosen) {
      await tx.update(orders).set({ pickListId: list!.id }).where(eq(orders.id, o.id));
      await setOrderStatus(tx, o, 'picking', 'startPicking', opts.user.id, `#${list!.id}`);
    }
    return { list: list!, tasks: held.length, orders: chosen.length };
  });
}

/** The staging location of a warehouse for a product class (the exact class first). */
export async function stagingFor(tx: Tx, warehouseId: number, productId: number): Promise<{ id: number; code: string }> {
  const [p] = await tx.select({ cls: products.temperatureClass }).from(products).where(eq(products.id, productId));
  const rows = await tx
    .select({ id: locations.id, code: locations.code, cls: zones.temperatureClass })
    .from(locations)
    .innerJoin(zones, eq(zones.id, locations.zoneId))
    .where(and(eq(locations.warehouseId, warehouseId), eq(locations.kind, 'staging'), eq(locations.active, true)))
    .orderBy(asc(locations.walkSequence), asc(locations.code));
  const exact = rows.find((r) => r.cls === p!.cls) ?? rows.find((r) => r.cls === 'deep_frozen' && p!.cls === 'frozen');
  if (!exact) throw new AppError('CONFLICT', { key: 'outbound.error.noStaging', params: { class: `@class.${p!.cls}` } });
  return exact;
}

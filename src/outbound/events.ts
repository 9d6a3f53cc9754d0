import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { orderEvents, orders, type OrderStatus } from '../db/schema/index.ts';

export type Order = typeof orders.$inferSelect;

/** Sets an order's status and writes the event, in the caller's transaction. */
export async function setOrderStatus(tx: Tx, order: { id: number; status: OrderStatus }, to: OrderStatus, action: string, userId: number | null, note?: string): Promise<void> {
  if (order.status === to) return;
  await tx.update(orders).set({ status: to, updatedAt: sql`now()` }).where(eq(orders.id, order.id));
  await tx.insert(orderEvents).values({ orderId: order.id, fromStatus: order.status, toStatus: to, action, actorUserId: userId, note });
}

export async function orderEvent(tx: Tx, orderId: number, action: string, userId: number | null, note?: string): Promise<void> {
  await tx.insert(orderEvents).values({ orderId, action, actorUserId: userId, note });
}

/** Many orders' status changes in two statements (orders already at their status are left alone). */
export async function setOrderStatuses(tx: Tx, changes: { order: { id: number; status: OrderStatus }; to: OrderStatus; action: string; note?: string }[], userId: number | null): Promise<void> {
  const real = changes.filter((c) => c.order.status !== c.to);
  if (real.length === 0) return;
  if (real.length === 1) return setOrderStatus(tx, real[0]!.order, real[0]!.to, real[0]!.action, userId, real[0]!.note);
  const values = sql.join(
    real.map((c) => sql`(${c.order.id}::int, ${c.to}::order_status)`),
    sql`, `,
  );
  await tx.execute(sql`UPDATE ${orders} AS o SET status = v.status, updated_at = now() FROM (VALUES ${values}) AS v(id, status) WHERE o.id = v.id`);
  await tx.insert(orderEvents).values(real.map((c) => ({ orderId: c.order.id, fromStatus: c.order.status, toStatus: c.to, action: c.action, actorUserId: userId, note: c.note })));
}

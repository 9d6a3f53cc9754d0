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

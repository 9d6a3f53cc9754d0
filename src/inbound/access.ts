import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { inboundEvents, inboundShipments, type InboundStatus } from '../db/schema/index.ts';
import { can, sellerScope, warehouseScope, type Action, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';

export type Shipment = typeof inboundShipments.$inferSelect;

/**
 * The ASN a user names, or 404 when it does not exist or is not theirs to see (another
 * seller's, another warehouse's); 403 when they may see it but not do `action` to it.
 * `lock`: 'update' for status changes, 'share' for scans (they must not race a status change).
 */
export async function shipmentFor(tx: Tx, user: CurrentUser, id: number, action: Action, lock?: 'update' | 'share'): Promise<Shipment> {
  const base = tx.select().from(inboundShipments).where(eq(inboundShipments.id, id));
  const [s] = lock === 'update' ? await base.for('no key update') : lock === 'share' ? await base.for('share') : await base;
  const sellerId = sellerScope(user);
  const warehouses = warehouseScope(user);
  if (!s || (sellerId !== null && s.sellerId !== sellerId) || (warehouses !== null && !warehouses.includes(s.warehouseId))) {
    throw new AppError('NOT_FOUND', { key: 'inbound.error.notFound' });
  }
  if (!can(user, action, { warehouseId: s.warehouseId })) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  return s;
}

/** Sets the new status and writes the event, in the caller's transaction. */
export async function recordTransition(tx: Tx, s: Shipment, to: InboundStatus, action: string, userId: number | null, note?: string): Promise<void> {
  await tx.update(inboundShipments).set({ status: to, updatedAt: sql`now()` }).where(eq(inboundShipments.id, s.id));
  await tx.insert(inboundEvents).values({ shipmentId: s.id, fromStatus: s.status, toStatus: to, action, actorUserId: userId, note });
}

/** An event that changes no status (a decision, an edit). */
export async function recordEvent(tx: Tx, s: Shipment, action: string, userId: number | null, note?: string): Promise<void> {
  await tx.insert(inboundEvents).values({ shipmentId: s.id, action, actorUserId: userId, note });
}

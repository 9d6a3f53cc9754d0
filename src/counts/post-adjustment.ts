import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { adjustments, stockBalances } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { move } from '../stock/index.ts';
import { adjustmentOf, takeOutOfUse } from '../cold/quarantine.ts';

export type Adjustment = typeof adjustments.$inferSelect;

/**
 * Posts an adjustment as one ledger move: units found come from the warehouse's adjustment
 * location, units gone go to it. Reservations of orders not yet being picked are released
 * and those orders allocated again; units that pickers hold are refused. A count's
 * adjustments point at the count, others at the adjustment itself.
 */
export async function postAdjustment(tx: Tx, adj: Adjustment, userId: number): Promise<void> {
  const adjustmentLocationId = await adjustmentOf(tx, adj.warehouseId);
  const reason = adj.reason === 'count' ? 'count' : 'adjustment';
  const document = adj.countId ? { type: 'cycle_count', id: String(adj.countId) } : { type: 'adjustment', id: String(adj.id) };
  const note = adj.note ?? undefined;
  if (adj.quantity > 0) {
    await move(tx, { productId: adj.productId, lotId: adj.lotId, quantity: adj.quantity, fromLocationId: adjustmentLocationId, toLocationId: adj.locationId, reason, document, actor: { userId }, note });
    return;
  }
  const gone = -adj.quantity;
  const [bal] = await tx
    .select({ id: stockBalances.id })
    .from(stockBalances)
    .where(and(eq(stockBalances.locationId, adj.locationId), eq(stockBalances.productId, adj.productId), adj.lotId === null ? isNull(stockBalances.lotId) : eq(stockBalances.lotId, adj.lotId)));
  if (!bal) throw new AppError('INSUFFICIENT_STOCK', { key: 'counts.error.notThatMany', params: { quantity: gone, onHand: 0 } });
  await takeOutOfUse(tx, { balanceId: bal.id, quantity: gone, to: 'dispose', reason, userId, document, exact: true, ...(note ? { note } : {}) });
}

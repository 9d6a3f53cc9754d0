import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adjustments, locations, stockBalances, warehouses } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { stripSymbology } from '../inventory/filters.ts';
import { adjustmentSchema, decisionSchema, parseWith, thresholdSchema } from './schemas.ts';
import { fieldError, resolveItem } from './resolve-item.ts';
import { postAdjustment, type Adjustment } from './post-adjustment.ts';
import { COUNTABLE_KINDS } from './create-count.ts';

/** Locations an adjustment may name: where stock physically is. */
const ADJUSTABLE_KINDS: string[] = [...COUNTABLE_KINDS, 'dock', 'staging', 'quarantine'];

/**
 * Records an adjustment. It posts at once when the user may approve adjustments or it is
 * within the warehouse's threshold; otherwise it waits for a manager. A repeat of the same
 * key returns the first adjustment.
 */
export async function requestAdjustment(opts: { db: Db; user: CurrentUser; input: unknown }): Promise<Adjustment> {
  const input = parseWith(adjustmentSchema, opts.input);
  const key = `adjustment:${opts.user.id}:${input.idempotency_key}`;
  return withTransaction(opts.db, async (tx) => {
    const [prior] = await tx.select().from(adjustments).where(eq(adjustments.idempotencyKey, key));
    if (prior) return prior;
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
    if (!wh || !can(opts.user, 'adjustment.request', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
    const code = stripSymbology(input.location);
    const [loc] = await tx.select().from(locations).where(and(eq(locations.warehouseId, wh.id), eq(locations.code, code)));
    if (!loc || !ADJUSTABLE_KINDS.includes(loc.kind)) throw fieldError('location', 'error.unknownLocationCode', { code });
    const { product, lotId } = await resolveItem(tx, { product: input.product, lot: input.lot, field: 'product' });
    const quantity = (input.direction === 'add' ? 1 : -1) * input.quantity * product.units;
    if (quantity < 0) {
      const [bal] = await tx
        .select({ onHand: stockBalances.onHand })
        .from(stockBalances)
        .where(and(eq(stockBalances.locationId, loc.id), eq(stockBalances.productId, product.id), lotId === null ? isNull(stockBalances.lotId) : eq(stockBalances.lotId, lotId)));
      if (!bal || bal.onHand < -quantity) throw fieldError('quantity', 'counts.error.notThatMany', { quantity: -quantity, onHand: bal?.onHand ?? 0 });
    }
    const posts = can(opts.user, 'adjustment.approve', { warehouseId: wh.id }) || Math.abs(quantity) <= wh.adjustmentApprovalUnits;
    const [adj] = await tx
      .insert(adjustments)
      .values({ warehouseId: wh.id, locationId: loc.id, productId: product.id, lotId, quantity, reason: input.reason, note: input.note ?? null, status: posts ? 'posted' : 'pending', requestedBy: opts.user.id, idempotencyKey: key, ...(posts ? { decidedBy: opts.user.id, decidedAt: new Date() } : {}) })
      .returning();
    if (posts) {
      try {
        await postAdjustment(tx, adj!, opts.user.id);
      } catch (err) {
        if (err instanceof AppError && err.fieldErrors.length === 0 && ['INSUFFICIENT_STOCK', 'WRONG_TEMPERATURE_CLASS', 'CONFLICT'].includes(err.code)) {
          throw new AppError(err.code, { key: err.key, params: err.params, fieldErrors: [{ path: err.code === 'WRONG_TEMPERATURE_CLASS' ? 'location' : 'quantity', key: err.key, params: err.params }] });
        }
        throw err;
      }
    }
    return adj!;
  });
}

/** A manager approves (posts) or rejects an adjustment that waits. */
export async function decideAdjustment(opts: { db: Db; user: CurrentUser; id: number; input: unknown }): Promise<Adjustment> {
  const input = parseWith(decisionSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const [adj] = await tx.select().from(adjustments).where(eq(adjustments.id, opts.id)).for('update');
    if (!adj || !can(opts.user, 'adjustment.request', { warehouseId: adj.warehouseId })) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    if (!can(opts.user, 'adjustment.approve', { warehouseId: adj.warehouseId })) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    if (adj.status !== 'pending') throw new AppError('CONFLICT', { key: 'counts.error.alreadyDecided' });
    const [done] = await tx
      .update(adjustments)
      .set({ status: input.decision === 'approve' ? 'posted' : 'rejected', decidedBy: opts.user.id, decidedAt: new Date(), decisionNote: input.note ?? null })
      .where(eq(adjustments.id, adj.id))
      .returning();
    if (input.decision === 'approve') await postAdjustment(tx, done!, opts.user.id);
    return done!;
  });
}

/** Sets how many units an adjustment may move before it needs a manager. */
export async function setApprovalThreshold(opts: { db: Db; user: CurrentUser; input: unknown }) {
  const input = parseWith(thresholdSchema, opts.input);
  const [wh] = await opts.db.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
  if (!wh || !can(opts.user, 'adjustment.approve', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
  await opts.db.update(warehouses).set({ adjustmentApprovalUnits: input.units }).where(eq(warehouses.id, wh.id));
  return { ...wh, adjustmentApprovalUnits: input.units };
}

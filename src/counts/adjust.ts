import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adjustments, cycleCountLocations, cycleCounts, locations, products, stockBalances, warehouses } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { stripSymbology } from '../inventory/filters.ts';
import { adjustmentSchema, decisionSchema, parseWith, thresholdSchema } from './schemas.ts';
import { fieldError, resolveItem } from './resolve-item.ts';
import { postAdjustment, type Adjustment } from './post-adjustment.ts';
import { COUNTABLE_KINDS, locationsInOpenCount } from './create-count.ts';
import { queryRows } from '../db/rows.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { checkMove, loadMoveFacts } from '../stock/check.ts';
import { adjustmentOf } from '../cold/quarantine.ts';

/** Locations an adjustment may name: where stock physically is (staging and quarantine: managers only). */
const ADJUSTABLE_KINDS: string[] = [...COUNTABLE_KINDS, 'dock'];
const MANAGER_KINDS: string[] = ['staging', 'quarantine'];

/**
 * Records an adjustment. It posts at once when the user may approve adjustments or when it —
 * with the user's other adjustments of the product in that location today — stays within the
 * warehouse's threshold; otherwise it waits for a manager. A location in an open count is not
 * adjusted (the count's approval will). A repeat of the same key returns the first adjustment.
 */
export async function requestAdjustment(opts: { db: Db; user: CurrentUser; input: unknown }): Promise<Adjustment & { sku: string }> {
  const input = parseWith(adjustmentSchema, opts.input);
  const key = `adjustment:${opts.user.id}:${input.idempotency_key}`;
  return withTransaction(opts.db, async (tx) => {
    // A concurrent repeat waits here, then finds the first one.
    await lockIdempotencyKey(tx, key);
    const [prior] = await tx.select({ adj: adjustments, sku: products.sku }).from(adjustments).innerJoin(products, eq(products.id, adjustments.productId)).where(eq(adjustments.idempotencyKey, key));
    if (prior) return { ...prior.adj, sku: prior.sku };
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
    if (!wh || !can(opts.user, 'adjustment.request', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
    const manager = can(opts.user, 'adjustment.approve', { warehouseId: wh.id });
    if (input.reason === 'count' && !manager) throw fieldError('reason', 'counts.error.countReasonManagers');
    const code = stripSymbology(input.location);
    const [loc] = await tx.select().from(locations).where(and(eq(locations.warehouseId, wh.id), eq(locations.code, code)));
    if (!loc || !(ADJUSTABLE_KINDS.includes(loc.kind) || (manager && MANAGER_KINDS.includes(loc.kind)))) throw fieldError('location', 'error.unknownLocationCode', { code });
    if (!loc.active) throw fieldError('location', 'counts.error.closedLocation', { code });
    const [counting] = await locationsInOpenCount(tx, [loc.id]);
    if (counting) throw fieldError('location', 'counts.error.locationInCount', { code, count: counting.count });
    const { product, lotId } = await resolveItem(tx, { product: input.product, lot: input.lot, field: 'product' });
    if (input.quantity * product.units > 1_000_000) throw fieldError('quantity', 'error.quantityPositiveInteger');
    const quantity = (input.direction === 'add' ? 1 : -1) * input.quantity * product.units;
    // The move it will be must be one the ledger accepts (temperature class …), checked now, not at approval.
    const adjustmentLocationId = await adjustmentOf(tx, wh.id);
    const facts = await loadMoveFacts(tx, { productIds: [product.id], lotIds: lotId ? [lotId] : [], locationIds: [adjustmentLocationId, loc.id] });
    try {
      checkMove(quantity > 0 ? { productId: product.id, lotId, fromLocationId: adjustmentLocationId, toLocationId: loc.id } : { productId: product.id, lotId, fromLocationId: loc.id, toLocationId: adjustmentLocationId }, facts);
    } catch (err) {
      if (err instanceof AppError) throw fieldError(err.code === 'WRONG_TEMPERATURE_CLASS' ? 'location' : 'product', err.key, err.params);
      throw err;
    }
    if (quantity < 0) {
      const [bal] = await tx
        .select({ onHand: stockBalances.onHand })
        .from(stockBalances)
        .where(and(eq(stockBalances.locationId, loc.id), eq(stockBalances.productId, product.id), lotId === null ? isNull(stockBalances.lotId) : eq(stockBalances.lotId, lotId)));
      // Counters never learn the system's quantity from a refusal.
      if (!bal || bal.onHand < -quantity) throw manager ? fieldError('quantity', 'counts.error.notThatMany', { quantity: -quantity, onHand: bal?.onHand ?? 0 }) : fieldError('quantity', 'counts.error.notThatManyHere', { quantity: -quantity });
    }
    // Within the threshold counts the user's other adjustments of this product here today, so it cannot be split.
    const [today] = await queryRows<{ units: number }>(
      tx,
      sql`SELECT COALESCE(SUM(abs(quantity)), 0)::int AS units FROM adjustments
          WHERE requested_by = ${opts.user.id} AND location_id = ${loc.id} AND product_id = ${product.id} AND status <> 'rejected'
            AND requested_at >= date_trunc('day', now() AT TIME ZONE ${wh.timezone}) AT TIME ZONE ${wh.timezone}`,
    );
    const posts = manager || today!.units + Math.abs(quantity) <= wh.adjustmentApprovalUnits;
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
    return { ...adj!, sku: product.sku };
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
    if (input.decision === 'approve') {
      const [counting] = await locationsInOpenCount(tx, [adj.locationId]);
      if (counting) throw new AppError('CONFLICT', { key: 'counts.error.locationInCount', params: { code: counting.code, count: counting.count } });
      // A count approved since the request has set this place's stock to what was there: the
      // request is about stock that no longer exists.
      const [counted] = await tx
        .select({ id: cycleCounts.id })
        .from(cycleCounts)
        .innerJoin(cycleCountLocations, eq(cycleCountLocations.countId, cycleCounts.id))
        .where(
          and(
            eq(cycleCountLocations.locationId, adj.locationId),
            eq(cycleCounts.status, 'approved'),
            gt(cycleCounts.decidedAt, adj.requestedAt),
            // A count of one product covers that product only; a count of places covers all in them.
            or(isNull(cycleCounts.productId), eq(cycleCounts.productId, adj.productId)),
          ),
        )
        .limit(1);
      if (counted) throw new AppError('CONFLICT', { key: 'counts.error.countedSinceRequest', params: { count: counted.id } });
    }
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

import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { adjustments, cycleCountLines, cycleCounts } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { postAdjustment } from './post-adjustment.ts';
import { queryRows } from '../db/rows.ts';
import type { CycleCount } from './create-count.ts';

async function countToDecide(tx: Tx, user: CurrentUser, id: number) {
  const [count] = await tx.select().from(cycleCounts).where(eq(cycleCounts.id, id)).for('update');
  if (!count || !can(user, 'count.perform', { warehouseId: count.warehouseId })) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
  if (!can(user, 'count.manage', { warehouseId: count.warehouseId })) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  return count;
}

/** The final figures of a line: the recount when there was one. */
export const finalOf = (l: { expected: number | null; counted: number; recountExpected: number | null; recounted: number | null }) => {
  const recounted = l.recounted !== null;
  const expected = (recounted ? l.recountExpected : l.expected) ?? 0;
  const counted = recounted ? l.recounted! : l.counted;
  return { expected, counted, variance: counted - expected };
};

/**
 * Approves a counted cycle count: every line with a variance becomes a posted adjustment
 * (reason `count`) and one ledger move, all in one transaction; a move that cannot be made
 * (the units have since been picked) refuses the whole approval with the line named.
 */
export async function approveCount(opts: { db: Db; user: CurrentUser; id: number }): Promise<{ count: CycleCount; adjusted: number }> {
  return withTransaction(opts.db, async (tx) => {
    const count = await countToDecide(tx, opts.user, opts.id);
    if (count.status !== 'review') throw new AppError('CONFLICT', { key: count.status === 'counting' ? 'counts.error.stillCounting' : 'counts.error.alreadyDecided' });
    const lines = await tx.select().from(cycleCountLines).where(eq(cycleCountLines.countId, count.id)).orderBy(cycleCountLines.locationId, cycleCountLines.productId, cycleCountLines.id);
    let adjusted = 0;
    for (const line of lines) {
      const { variance } = finalOf(line);
      if (variance === 0) continue;
      const [adj] = await tx
        .insert(adjustments)
        .values({ warehouseId: count.warehouseId, locationId: line.locationId, productId: line.productId, lotId: line.lotId, quantity: variance, reason: 'count', status: 'posted', countId: count.id, requestedBy: count.createdBy, decidedBy: opts.user.id, decidedAt: new Date() })
        .returning();
      try {
        await postAdjustment(tx, adj!, opts.user.id);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        // The manager learns which line cannot be posted: recount it or cancel the count.
        const [what] = await queryRows<{ location: string; sku: string }>(tx, sql`SELECT l.code AS location, p.sku FROM locations l, products p WHERE l.id = ${line.locationId} AND p.id = ${line.productId}`);
        throw new AppError('CONFLICT', { key: err.code === 'INSUFFICIENT_STOCK' ? 'counts.error.cannotPostShort' : 'counts.error.cannotPost', params: { location: what!.location, sku: what!.sku, quantity: -variance } });
      }
      adjusted++;
    }
    const [done] = await tx.update(cycleCounts).set({ status: 'approved', decidedBy: opts.user.id, decidedAt: sql`now()` }).where(eq(cycleCounts.id, count.id)).returning();
    return { count: done!, adjusted };
  });
}

/** Cancels a count that has not been approved: nothing moves. */
export async function cancelCount(opts: { db: Db; user: CurrentUser; id: number }): Promise<CycleCount> {
  return withTransaction(opts.db, async (tx) => {
    const count = await countToDecide(tx, opts.user, opts.id);
    if (count.status === 'approved' || count.status === 'cancelled') throw new AppError('CONFLICT', { key: 'counts.error.alreadyDecided' });
    const [done] = await tx.update(cycleCounts).set({ status: 'cancelled', decidedBy: opts.user.id, decidedAt: sql`now()` }).where(eq(cycleCounts.id, count.id)).returning();
    return done!;
  });
}

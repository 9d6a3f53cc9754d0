import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { products } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';

/** The largest reorder point accepted (units). */
export const MAX_REORDER_POINT = 100_000_000;

/** A reorder point as typed: a whole number of units from 0, or empty to stop watching the product. */
export const reorderPointSchema = z.object({
  reorder_point: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().replace(/[\s\u00a0\u202f]/g, '') : v),
    z.union([z.literal('').transform(() => null), z.string().regex(/^\d{1,9}$/).transform(Number).pipe(z.number().int().min(0).max(MAX_REORDER_POINT))]),
  ),
});

/** Reorder points are stock planning: managers and administrators set them. */
export const maySetReorderPoint = (user: CurrentUser | null): boolean => can(user, 'catalog.manage');

/**
 * Sets (or clears) the reorder point of a product: the dashboard lists the product as low when
 * its available units are at or below it.
 */
export async function setReorderPoint(opts: { db: Db; user: CurrentUser; productId: number; input: unknown }): Promise<number | null> {
  if (!maySetReorderPoint(opts.user)) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  const parsed = reorderPointSchema.safeParse(opts.input);
  if (!parsed.success) {
    throw new AppError('VALIDATION', { key: 'dashboard.error.badReorderPoint', fieldErrors: [{ path: 'reorder_point', key: 'dashboard.error.badReorderPoint' }] });
  }
  const value = parsed.data.reorder_point;
  const [row] = await opts.db.update(products).set({ reorderPoint: value }).where(eq(products.id, opts.productId)).returning({ id: products.id });
  if (!row) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
  return value;
}

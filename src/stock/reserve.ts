import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { reservations, stockBalances } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';

const reserveSchema = z.object({
  locationId: z.number().int().positive(),
  productId: z.number().int().positive(),
  lotId: z.number().int().positive().nullable(),
  quantity: z.number().int().positive(),
  document: z.object({ type: z.string().min(1), id: z.string().min(1), line: z.string().min(1) }),
});
export type ReserveInput = z.input<typeof reserveSchema>;
export type Reservation = typeof reservations.$inferSelect;

/**
 * Holds units of one balance for one document line. The balance's `reserved` grows only if
 * enough is available at that moment (a conditional update), so two callers can never
 * hold the same unit.
 */
export async function reserve(tx: Tx, input: ReserveInput): Promise<Reservation> {
  const r = reserveSchema.parse(input);
  const [bal] = await tx
    .update(stockBalances)
    .set({ reserved: sql`${stockBalances.reserved} + ${r.quantity}`, updatedAt: sql`now()` })
    .where(
      and(
        eq(stockBalances.locationId, r.locationId),
        eq(stockBalances.productId, r.productId),
        sql`${stockBalances.lotId} IS NOT DISTINCT FROM ${r.lotId}`,
        eq(stockBalances.isVirtual, false),
        sql`${stockBalances.onHand} - ${stockBalances.reserved} >= ${r.quantity}`,
      ),
    )
    .returning({ id: stockBalances.id });
  if (!bal) throw new AppError('INSUFFICIENT_STOCK', { key: 'error.insufficientToReserve', params: { requested: r.quantity } });
  const [row] = await tx
    .insert(reservations)
    .values({ balanceId: bal.id, documentType: r.document.type, documentId: r.document.id, documentLine: r.document.line, quantity: r.quantity })
    .returning();
  if (!row) throw new Error('reservation insert returned nothing');
  return row;
}

/** Gives back all (or `quantity` of) a reservation's units to the available stock. */
export async function release(tx: Tx, input: { reservationId: number; quantity?: number }): Promise<number> {
  const [res] = await tx.select().from(reservations).where(eq(reservations.id, input.reservationId)).for('update');
  if (!res || res.closedAt) return 0;
  const qty = input.quantity ?? res.quantity;
  if (!Number.isInteger(qty) || qty <= 0 || qty > res.quantity) {
    throw new AppError('VALIDATION', { key: 'error.quantityPositiveInteger' });
  }
  await tx
    .update(reservations)
    .set({ quantity: res.quantity - qty, closedAt: res.quantity === qty ? sql`now()` : null })
    .where(eq(reservations.id, res.id));
  await tx
    .update(stockBalances)
    .set({ reserved: sql`${stockBalances.reserved} - ${qty}`, updatedAt: sql`now()` })
    .where(eq(stockBalances.id, res.balanceId));
  return qty;
}

import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { reservations, stockBalances } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { queryRows } from '../db/rows.ts';

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
  const [res] = await tx.select().from(reservations).where(eq(reservations.id, input.reservationId)).for('no key update');
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

const reserveManySchema = z.array(
  z.object({
    balanceId: z.number().int().positive(),
    quantity: z.number().int().positive(),
    document: z.object({ type: z.string().min(1), id: z.string().min(1), line: z.string().min(1) }),
  }),
);
export type ReserveManyItem = z.input<typeof reserveManySchema>[number];

/**
 * Holds many (balance, document line) quantities in two statements, all or nothing: each
 * balance grows by its total only if that much is available, else nothing is held and
 * INSUFFICIENT_STOCK is thrown (roll the transaction back). For callers that locked the
 * balances first (allocation reads them `FOR NO KEY UPDATE`), so the check passes unless the plan
 * itself is wrong. Returns the reservations in the order of `items`.
 */
export async function reserveMany(tx: Tx, items: ReserveManyItem[]): Promise<Reservation[]> {
  if (items.length === 0) return [];
  const parsed = reserveManySchema.safeParse(items);
  if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.quantityPositiveInteger' });
  const perBalance = new Map<number, number>();
  for (const i of parsed.data) perBalance.set(i.balanceId, (perBalance.get(i.balanceId) ?? 0) + i.quantity);
  const totals = [...perBalance].sort((a, b) => a[0] - b[0]);
  const values = sql.join(
    totals.map(([id, q]) => sql`(${id}::int, ${q}::int)`),
    sql`, `,
  );
  const updated = await queryRows<{ id: number }>(
    tx,
    sql`UPDATE ${stockBalances} AS b SET reserved = b.reserved + v.q, updated_at = now()
        FROM (VALUES ${values}) AS v(id, q)
        WHERE b.id = v.id AND NOT b.is_virtual AND b.on_hand - b.reserved >= v.q
        RETURNING b.id`,
  );
  if (updated.length !== totals.length) {
    const done = new Set(updated.map((r) => Number(r.id)));
    const [, requested] = totals.find(([id]) => !done.has(id))!;
    throw new AppError('INSUFFICIENT_STOCK', { key: 'error.insufficientToReserve', params: { requested } });
  }
  const out: Reservation[] = [];
  for (let at = 0; at < parsed.data.length; at += INSERT_CHUNK) {
    const rows = await tx
      .insert(reservations)
      .values(parsed.data.slice(at, at + INSERT_CHUNK).map((i) => ({ balanceId: i.balanceId, documentType: i.document.type, documentId: i.document.id, documentLine: i.document.line, quantity: i.quantity })))
      .returning();
    // PostgreSQL returns the rows of a multi-row INSERT in the order of its VALUES.
    out.push(...rows);
  }
  return out;
}

/** Rows per INSERT (6 parameters each: well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 5000;

import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { lots } from '../db/schema/index.ts';

/** The lot of a product with this code and expiry, created on first receipt. */
export async function ensureLot(tx: Tx, productId: number, code: string, expiresOn: string | null): Promise<number> {
  await tx.insert(lots).values({ productId, code, expiresOn }).onConflictDoNothing();
  const [lot] = await tx
    .select({ id: lots.id })
    .from(lots)
    .where(and(eq(lots.productId, productId), eq(lots.code, code), sql`${lots.expiresOn} IS NOT DISTINCT FROM ${expiresOn}::date`));
  if (!lot) throw new Error(`lot ${productId}/${code}/${expiresOn} vanished`);
  return lot.id;
}

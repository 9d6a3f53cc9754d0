import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/rows.ts';

/** A fingerprint of all stock tables: equal before and after means nothing was written. */
export async function stockFingerprint(db: Db): Promise<string> {
  const rows = await queryRows<{ f: string }>(db, sql`
    SELECT (SELECT count(*) FROM ledger_entries)::text || '/' ||
           (SELECT coalesce(sum(on_hand::bigint * id), 0) FROM stock_balances)::text || '/' ||
           (SELECT coalesce(sum(reserved::bigint * id), 0) FROM stock_balances)::text || '/' ||
           (SELECT count(*) FROM stock_balances)::text || '/' ||
           (SELECT count(*) FROM reservations)::text AS f`);
  return rows[0]!.f;
}

export async function balanceOf(db: Db, locationId: number, productId: number, lotId: number | null = null): Promise<{ onHand: number; reserved: number }> {
  const rows = await queryRows<{ on_hand: number; reserved: number }>(
    db,
    sql`SELECT on_hand, reserved FROM stock_balances WHERE location_id = ${locationId} AND product_id = ${productId} AND lot_id IS NOT DISTINCT FROM ${lotId}`,
  );
  return { onHand: Number(rows[0]?.on_hand ?? 0), reserved: Number(rows[0]?.reserved ?? 0) };
}

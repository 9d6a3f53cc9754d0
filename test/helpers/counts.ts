import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/rows.ts';

/**
 * A fingerprint of the stock tables (of some warehouses: other test files write to a shared
 * PostgreSQL at the same time): equal before and after means nothing was written.
 */
export async function stockFingerprint(db: Db, warehouseIds: number[] | null = null): Promise<string> {
  const ids = warehouseIds ?? [];
  const all = warehouseIds === null;
  const inScope = (col: string) => (all ? sql`true` : sql`${sql.raw(col)} = ANY(${sql.raw(`ARRAY[${ids.map(Number).join(',') || 'NULL'}]::int[]`)})`);
  const rows = await queryRows<{ f: string }>(db, sql`
    SELECT (SELECT count(*) FROM ledger_entries e JOIN locations l ON l.id = e.from_location_id WHERE ${inScope('l.warehouse_id')})::text || '/' ||
           (SELECT coalesce(sum(on_hand::bigint * id), 0) FROM stock_balances WHERE ${inScope('warehouse_id')})::text || '/' ||
           (SELECT coalesce(sum(reserved::bigint * id), 0) FROM stock_balances WHERE ${inScope('warehouse_id')})::text || '/' ||
           (SELECT count(*) FROM stock_balances WHERE ${inScope('warehouse_id')})::text || '/' ||
           (SELECT count(*) FROM reservations r JOIN stock_balances b ON b.id = r.balance_id WHERE ${inScope('b.warehouse_id')})::text AS f`);
  return rows[0]!.f;
}

export async function balanceOf(db: Db, locationId: number, productId: number, lotId: number | null = null): Promise<{ onHand: number; reserved: number }> {
  const rows = await queryRows<{ on_hand: number; reserved: number }>(
    db,
    sql`SELECT on_hand, reserved FROM stock_balances WHERE location_id = ${locationId} AND product_id = ${productId} AND lot_id IS NOT DISTINCT FROM ${lotId}`,
  );
  return { onHand: Number(rows[0]?.on_hand ?? 0), reserved: Number(rows[0]?.reserved ?? 0) };
}

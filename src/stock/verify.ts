import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db/rows.ts';
import type { Db } from '../db/client.ts';

export type LedgerReport = { ok: boolean; problems: string[]; entries: number; balances: number };

type Row = Record<string, unknown>;

/**
 * Replays the whole ledger and checks, on one consistent snapshot:
 * every balance equals its replay, every (product, lot) sums to zero over all locations,
 * real locations hold no negative or over-reserved stock, each balance's `reserved` equals
 * its open reservations, and each balance agrees with its location's warehouse and kind.
 */
export async function verifyLedger(db: Db): Promise<LedgerReport> {
  return db.transaction(
    async (tx) => {
      const rows = (q: SQL) => queryRows<Row>(tx, q);
      const problems: string[] = [];
      const report = (label: string, found: Row[]) => {
        for (const r of found.slice(0, 20)) problems.push(`${label}: ${JSON.stringify(r)}`);
        if (found.length > 20) problems.push(`${label}: … and ${found.length - 20} more`);
      };

      report(
        'balance differs from ledger replay',
        await rows(sql`
          WITH replay AS (
            SELECT location_id, product_id, lot_id, sum(delta)::bigint AS qty FROM (
              SELECT to_location_id AS location_id, product_id, lot_id, quantity AS delta FROM ledger_entries
              UNION ALL
              SELECT from_location_id, product_id, lot_id, -quantity FROM ledger_entries
            ) m GROUP BY location_id, product_id, lot_id
          )
          SELECT coalesce(b.location_id, r.location_id) AS location_id,
                 coalesce(b.product_id, r.product_id) AS product_id,
                 coalesce(b.lot_id, r.lot_id) AS lot_id,
                 b.on_hand, r.qty AS replayed
          FROM stock_balances b
          FULL JOIN replay r
            ON b.location_id = r.location_id AND b.product_id = r.product_id AND b.lot_id IS NOT DISTINCT FROM r.lot_id
          WHERE coalesce(b.on_hand, 0) <> coalesce(r.qty, 0)`),
      );
      report(
        'product and lot do not sum to zero',
        await rows(sql`SELECT product_id, lot_id, sum(on_hand)::bigint AS total FROM stock_balances GROUP BY product_id, lot_id HAVING sum(on_hand) <> 0`),
      );
      report(
        'real location negative or over-reserved',
        await rows(sql`SELECT id, location_id, product_id, lot_id, on_hand, reserved FROM stock_balances
                       WHERE NOT is_virtual AND (on_hand < 0 OR reserved < 0 OR reserved > on_hand)`),
      );
      report(
        'reserved differs from open reservations',
        await rows(sql`
          SELECT b.id AS balance_id, b.reserved, coalesce(r.open, 0) AS open_reservations
          FROM stock_balances b
          LEFT JOIN (SELECT balance_id, sum(quantity)::bigint AS open FROM reservations WHERE closed_at IS NULL GROUP BY balance_id) r
            ON r.balance_id = b.id
          WHERE b.reserved <> coalesce(r.open, 0)`),
      );
      report(
        'balance disagrees with its location',
        await rows(sql`
          SELECT b.id AS balance_id, b.warehouse_id, l.warehouse_id AS location_warehouse, b.is_virtual, l.kind
          FROM stock_balances b JOIN locations l ON l.id = b.location_id
          WHERE b.warehouse_id <> l.warehouse_id
             OR b.is_virtual <> (l.kind IN ('supplier','customer','transit','adjustment'))`),
      );
      report(
        'lot belongs to another product',
        await rows(sql`SELECT e.id AS entry_id FROM ledger_entries e JOIN lots l ON l.id = e.lot_id WHERE l.product_id <> e.product_id`),
      );
      const [counts] = await rows(
        sql`SELECT (SELECT count(*) FROM ledger_entries)::int AS entries, (SELECT count(*) FROM stock_balances)::int AS balances`,
      );
      return { ok: problems.length === 0, problems, entries: Number(counts?.entries ?? 0), balances: Number(counts?.balances ?? 0) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

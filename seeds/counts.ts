import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/db/client.ts';
import { users } from '../src/db/schema/index.ts';
import type { CurrentUser } from '../src/auth/policy.ts';
import { queryRows } from '../src/db/rows.ts';
import { createCount } from '../src/counts/create-count.ts';
import { requestAdjustment } from '../src/counts/adjust.ts';

async function demoUser(tx: Tx, email: string, warehouseIds: number[] = []): Promise<CurrentUser> {
  const [u] = await tx.select().from(users).where(eq(users.email, email));
  return { id: u!.id, email: u!.email, name: u!.name, role: u!.role, sellerId: u!.sellerId, warehouseIds, locale: u!.locale };
}

/**
 * The demo's planning and stock-taking: reorder points on a dozen Moscow products (four of
 * them at or under theirs, so the dashboard lists them as low), an adjustment posted and one
 * waiting for the manager, and an open cycle count of a product wherever it is at Moscow.
 */
export async function seedCounts(tx: Tx): Promise<void> {
  const db = tx as unknown as Db;
  const held = await queryRows<{ product_id: number; sku: string; available: number; location: string; warehouse_id: number }>(
    tx,
    // Available as the dashboard counts it: on shelves, pick faces, cold slots and docks, any lot.
    sql`SELECT b.product_id, p.sku, MIN(l.code) AS location, MIN(l.warehouse_id) AS warehouse_id,
               (SELECT SUM(a.on_hand - a.reserved) FROM stock_balances a JOIN locations al ON al.id = a.location_id
                WHERE a.product_id = b.product_id AND al.warehouse_id = MIN(l.warehouse_id) AND al.kind IN ('storage', 'pick', 'cold', 'dock'))::int AS available
        FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id
        WHERE w.code = 'MSK' AND l.kind = 'storage' AND b.lot_id IS NULL AND b.on_hand > 30
          AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.location_id = l.id AND t.status = 'open')
        GROUP BY b.product_id, p.sku ORDER BY p.sku LIMIT 12`,
  );
  for (const [i, h] of held.entries()) {
    const point = i < 4 ? h.available + 40 * (i + 1) : Math.floor(h.available / 3);
    await tx.execute(sql`UPDATE products SET reorder_point = ${point} WHERE id = ${h.product_id}`);
  }
  const operator = await demoUser(tx, 'operator.msk@demo.test', [held[0]!.warehouse_id]);
  const manager = await demoUser(tx, 'manager@demo.test');
  const [small, large, counted] = [held[5]!, held[6]!, held[7]!];
  await requestAdjustment({ db, user: operator, input: { warehouse: 'MSK', location: small.location, product: small.sku, direction: 'remove', quantity: '2', reason: 'damaged', note: 'Carton crushed by a forklift', idempotency_key: 'demo-adjustment-1' } });
  await requestAdjustment({ db, user: operator, input: { warehouse: 'MSK', location: large.location, product: large.sku, direction: 'remove', quantity: '24', reason: 'lost', note: 'Not on the shelf at the morning walk', idempotency_key: 'demo-adjustment-2' } });
  await createCount({ db, user: manager, input: { warehouse: 'MSK', scope: 'product', product: counted.sku, recount_above: '2', note: 'Seller asked for a check' } });
}

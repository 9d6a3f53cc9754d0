import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/db/client.ts';
import { locations, products, sellers, stockBalances, users, warehouses } from '../src/db/schema/index.ts';
import type { CurrentUser } from '../src/auth/policy.ts';
import { createOrder } from '../src/outbound/create-order.ts';
import { createPickList } from '../src/outbound/pick-list.ts';

/**
 * Marketplace orders of the demo at Moscow, made through the order services: most allocated
 * (FEFO for the frozen goods), one backordered, three of them already on a pick list.
 */
export async function seedOutbound(tx: Tx, day: (offset: number) => string): Promise<number> {
  const db = tx as unknown as Db;
  const [m] = await tx.select().from(users).where(eq(users.email, 'manager@demo.test'));
  const manager: CurrentUser = { id: m!.id, email: m!.email, name: m!.name, role: m!.role, sellerId: null, warehouseIds: [], locale: m!.locale };
  const [msk] = await tx.select().from(warehouses).where(eq(warehouses.code, 'MSK'));
  // Products with stock on the shelves at Moscow, per seller.
  const inStock = async (seller: string, n: number) =>
    tx
      .selectDistinct({ sku: products.sku })
      .from(stockBalances)
      .innerJoin(products, eq(products.id, stockBalances.productId))
      .innerJoin(sellers, eq(sellers.id, products.sellerId))
      .innerJoin(locations, eq(locations.id, stockBalances.locationId))
      .where(and(eq(stockBalances.warehouseId, msk!.id), eq(sellers.code, seller), inArray(locations.kind, ['storage', 'pick', 'cold']), sql`${stockBalances.onHand} - ${stockBalances.reserved} >= 5`, sql`${stockBalances.isVirtual} = false`))
      .orderBy(products.sku)
      .limit(n);
  const frost = await inStock('HARBIN-FROST', 4);
  const lianxin = await inStock('SZ-LIANXIN', 4);
  let n = 0;
  const order = async (seller: string, channel: 'ozon' | 'wildberries' | 'manual', externalId: string, shipBy: string, lines: { sku: string; quantity: number }[]) => {
    if (lines.length === 0) return;
    await createOrder({ db, user: manager, input: { warehouse: 'MSK', seller, channel, external_id: externalId, ship_by: shipBy, lines } });
    n++;
  };
  await order('HARBIN-FROST', 'ozon', '48219001-0001-1', `${day(0)}T10:00:00Z`, frost.slice(0, 2).map((p) => ({ sku: p.sku, quantity: 2 })));
  await order('HARBIN-FROST', 'ozon', '48219002-0003-1', `${day(1)}T10:00:00Z`, frost.slice(1, 3).map((p) => ({ sku: p.sku, quantity: 1 })));
  await order('SZ-LIANXIN', 'wildberries', '13839001', `${day(1)}T12:00:00Z`, lianxin.slice(0, 1).map((p) => ({ sku: p.sku, quantity: 1 })));
  await order('SZ-LIANXIN', 'wildberries', '13839002', `${day(-1)}T12:00:00Z`, lianxin.slice(1, 3).map((p) => ({ sku: p.sku, quantity: 2 })));
  await order('SZ-LIANXIN', 'manual', 'B2B-2026-0412', `${day(3)}T09:00:00Z`, lianxin.slice(0, 4).map((p) => ({ sku: p.sku, quantity: 3 })));
  // More than there is: backordered until stock arrives.
  await order('HARBIN-FROST', 'ozon', '48219003-0031-1', `${day(2)}T10:00:00Z`, frost.slice(3, 4).map((p) => ({ sku: p.sku, quantity: 100_000 })));
  await createPickList({ db, user: manager, warehouse: 'MSK', maxOrders: 3 });
  return n;
}

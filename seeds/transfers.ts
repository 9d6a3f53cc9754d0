import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/db/client.ts';
import { locations, products, sellers, stockBalances, users, warehouses } from '../src/db/schema/index.ts';
import type { CurrentUser } from '../src/auth/policy.ts';
import { createTransfer, startPicking } from '../src/transfers/create-transfer.ts';
import { dispatchTransfer } from '../src/transfers/dispatch.ts';

/**
 * A rail container from the Qingdao hub on its way to Almaty, made through the transfer
 * services: created, picked (reserved FEFO) and dispatched, so every unit in transit belongs
 * to a transfer that can be opened, checked in at Almaty's dock and received.
 */
export async function seedTransfers(tx: Tx, day: (offset: number) => string): Promise<number> {
  const db = tx as unknown as Db;
  const [m] = await tx.select().from(users).where(eq(users.email, 'manager@demo.test'));
  const manager: CurrentUser = { id: m!.id, email: m!.email, name: m!.name, role: m!.role, sellerId: null, warehouseIds: [], locale: m!.locale };
  const [qdh] = await tx.select().from(warehouses).where(eq(warehouses.code, 'QDH'));
  // Ambient goods on Qingdao's shelves (a container without a reefer), a quarter of each.
  const stocked = await tx
    .select({ sku: products.sku, seller: sellers.code, available: sql<number>`sum(${stockBalances.onHand} - ${stockBalances.reserved})::int` })
    .from(stockBalances)
    .innerJoin(products, eq(products.id, stockBalances.productId))
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .innerJoin(locations, eq(locations.id, stockBalances.locationId))
    .where(and(eq(stockBalances.warehouseId, qdh!.id), inArray(locations.kind, ['storage', 'pick']), eq(products.temperatureClass, 'ambient')))
    .groupBy(products.sku, sellers.code)
    .having(sql`sum(${stockBalances.onHand} - ${stockBalances.reserved}) >= 40`)
    .orderBy(products.sku)
    .limit(6);
  if (stocked.length === 0) return 0;
  const t = await createTransfer({
    db,
    user: manager,
    input: {
      from_warehouse: 'QDH',
      to_warehouse: 'ALA',
      transport: { mode: 'rail', container: 'MSKU1234565', seals: ['QD-448710', 'QD-448711'] },
      eta: day(4),
      note: 'Qingdao — Khorgos — Almaty, block train',
      lines: stocked.map((s) => ({ sku: s.sku, seller: s.seller, quantity: Math.floor(Number(s.available) / 4) })),
    },
  });
  await startPicking({ db, user: manager, transferId: t.id });
  await dispatchTransfer({ db, user: manager, transferId: t.id, input: { documents: 'CIM 2611-0077, invoice QD-2611-31' } });
  return 1;
}

import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { locations, stockBalances, warehouses } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { takeOutOfUse } from './quarantine.ts';
import { plainInteger } from '../http/numbers.ts';

const inputSchema = z.object({
  warehouse: z.string().trim().toUpperCase().min(1).max(20),
  balances: z.array(z.preprocess(plainInteger, z.number().int().positive().max(2_147_483_647))).min(1).max(500),
});

/**
 * Moves the chosen expired or short-dated stock of a warehouse to quarantine, all or nothing:
 * one ledger move per balance (reason quarantine), reservations of unpicked orders released
 * and those orders allocated again.
 */
export async function quarantineExpiring(opts: { db: Db; user: CurrentUser; input: unknown }): Promise<{ moved: number; units: number }> {
  const parsed = inputSchema.safeParse(opts.input);
  if (!parsed.success) throw new AppError('VALIDATION', { key: 'cold.error.chooseStock' });
  const { warehouse, balances } = parsed.data;
  return withTransaction(opts.db, async (tx) => {
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, warehouse));
    if (!wh || !can(opts.user, 'cold.read', { warehouseId: wh.id })) throw new AppError('VALIDATION', { key: 'error.unknownWarehouse' });
    if (!can(opts.user, 'cold.decide', { warehouseId: wh.id })) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const rows = await tx
      .select({ id: stockBalances.id })
      .from(stockBalances)
      .innerJoin(locations, eq(locations.id, stockBalances.locationId))
      .where(and(eq(stockBalances.warehouseId, wh.id), inArray(stockBalances.id, balances), inArray(locations.kind, ['dock', 'storage', 'pick', 'cold', 'staging'])))
      .orderBy(stockBalances.id);
    if (rows.length !== new Set(balances).size) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    let moved = 0;
    let units = 0;
    for (const r of rows) {
      const entry = await takeOutOfUse(tx, { balanceId: r.id, to: 'quarantine', userId: opts.user.id, document: { type: 'expiry', id: wh.code } });
      if (entry) {
        moved++;
        units += entry.quantity;
      }
    }
    return { moved, units };
  });
}

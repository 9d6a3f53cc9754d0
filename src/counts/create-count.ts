import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { cycleCountLocations, cycleCounts, locations, stockBalances, warehouses, zones } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { queryRows } from '../db/rows.ts';
import { countSchema, parseWith } from './schemas.ts';
import { fieldError } from './resolve-item.ts';
import { findProduct } from '../inventory/service.ts';

export type CycleCount = typeof cycleCounts.$inferSelect;

/** Kinds of location a count walks: where stock is kept (not docks, staging or quarantine). */
export const COUNTABLE_KINDS = ['storage', 'pick', 'cold'] as const;

/**
 * Location codes of `ids` being picked: open tasks of a pick list being worked, or stock
 * reserved for a transfer being picked (its crew takes the units off the shelf before the
 * ledger moves them at dispatch). Counting them would count the pickers' units as missing.
 */
export async function locationsBeingPicked(tx: Tx, ids: number[]): Promise<string[]> {
  if (!ids.length) return [];
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const rows = await queryRows<{ code: string }>(
    tx,
    sql`SELECT l.code FROM locations l
        WHERE l.id IN (${list})
          AND (EXISTS (SELECT 1 FROM pick_tasks t JOIN pick_lists pl ON pl.id = t.pick_list_id
                       WHERE t.location_id = l.id AND t.status = 'open' AND pl.status IN ('open', 'picking'))
               OR EXISTS (SELECT 1 FROM reservations r JOIN stock_balances b ON b.id = r.balance_id
                          WHERE b.location_id = l.id AND r.document_type = 'transfer' AND r.closed_at IS NULL))
        ORDER BY l.code`,
  );
  return rows.map((r) => r.code);
}

/** Location codes of `ids` already in an open count (counting or waiting for review), with the count. */
export async function locationsInOpenCount(tx: Tx, ids: number[], except?: number): Promise<{ code: string; count: number }[]> {
  if (!ids.length) return [];
  return queryRows<{ code: string; count: number }>(
    tx,
    sql`SELECT l.code, c.id AS count FROM cycle_count_locations cl JOIN cycle_counts c ON c.id = cl.count_id JOIN locations l ON l.id = cl.location_id
        WHERE cl.location_id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) AND c.status IN ('counting', 'review')
          ${except ? sql`AND c.id <> ${except}` : sql``}
        ORDER BY l.code`,
  );
}

const listed = (codes: string[]) => codes.slice(0, 10).join(', ') + (codes.length > 10 ? ' …' : '');

/**
 * Creates a cycle count: the active countable locations of a zone, of a range of codes, or
 * every location holding the product. Refused while any of them is on a pick list being
 * worked: the pickers' units would be counted as missing.
 */
export async function createCount(opts: { db: Db; user: CurrentUser; input: unknown }): Promise<CycleCount> {
  const input = parseWith(countSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
    if (!wh || !can(opts.user, 'count.manage', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
    const base = and(eq(locations.warehouseId, wh.id), eq(locations.active, true), inArray(locations.kind, [...COUNTABLE_KINDS]));
    let zoneId: number | null = null;
    let productId: number | null = null;
    let chosen: { id: number }[];
    if (input.scope === 'zone') {
      const [zone] = await tx.select().from(zones).where(and(eq(zones.warehouseId, wh.id), eq(zones.code, input.zone!)));
      if (!zone) throw fieldError('zone', 'counts.error.unknownZone', { code: input.zone! });
      zoneId = zone.id;
      chosen = await tx.select({ id: locations.id }).from(locations).where(and(base, eq(locations.zoneId, zone.id)));
    } else if (input.scope === 'range') {
      // Codes compare byte by byte, as the form's check does, whatever the database's collation.
      chosen = await tx.select({ id: locations.id }).from(locations).where(and(base, sql`${locations.code} COLLATE "C" >= ${input.from_code!}`, sql`${locations.code} COLLATE "C" <= ${input.to_code!}`));
    } else {
      // Every lot of the product is counted.
      const product = await findProduct(tx, input.product!);
      productId = product.id;
      chosen = await tx
        .selectDistinct({ id: locations.id })
        .from(stockBalances)
        .innerJoin(locations, eq(locations.id, stockBalances.locationId))
        .where(and(base, eq(stockBalances.productId, product.id), sql`${stockBalances.onHand} > 0`));
    }
    if (chosen.length === 0) throw fieldError(input.scope === 'zone' ? 'zone' : input.scope === 'range' ? 'from_code' : 'product', 'counts.error.noLocations');
    // One count at a time per location (no adjustment is posted twice); none while it is picked.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7274103, ${wh.id})`);
    const counted = await locationsInOpenCount(tx, chosen.map((l) => l.id));
    if (counted.length) throw new AppError('CONFLICT', { key: 'counts.error.inOpenCount', params: { locations: listed(counted.map((c) => c.code)), count: counted[0]!.count } });
    const picking = await locationsBeingPicked(tx, chosen.map((l) => l.id));
    if (picking.length) throw new AppError('CONFLICT', { key: 'counts.error.beingPicked', params: { locations: listed(picking) } });
    const [count] = await tx
      .insert(cycleCounts)
      .values({ warehouseId: wh.id, scope: input.scope, zoneId, fromCode: input.from_code ?? null, toCode: input.to_code ?? null, productId, recountAbove: input.recount_above, note: input.note ?? null, createdBy: opts.user.id })
      .returning();
    await tx.insert(cycleCountLocations).values(chosen.map((l) => ({ countId: count!.id, locationId: l.id })));
    return count!;
  });
}

/** The locations of a count in walking order. */
export async function countLocationsInOrder(tx: Tx | Db, countId: number) {
  return tx
    .select({ id: cycleCountLocations.id, locationId: locations.id, code: locations.code, status: cycleCountLocations.status, pass: cycleCountLocations.pass })
    .from(cycleCountLocations)
    .innerJoin(locations, eq(locations.id, cycleCountLocations.locationId))
    .where(eq(cycleCountLocations.countId, countId))
    .orderBy(asc(locations.walkSequence), asc(locations.code));
}

import { and, eq, max, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { locations, stockBalances, warehouses, zones } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { slotInputSchema, slotUpdateSchema, zoneInputSchema } from './schemas.ts';

export type Zone = typeof zones.$inferSelect;
export type Slot = typeof locations.$inferSelect;

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path, key, params }] });
const forbidden = () => new AppError('FORBIDDEN', { key: 'error.forbidden' });
const zoneNotFound = () => new AppError('NOT_FOUND', { key: 'cold.error.zoneNotFound' });

async function managedWarehouse(db: Db, user: CurrentUser, code: string) {
  const [wh] = await db.select().from(warehouses).where(eq(warehouses.code, code.trim().toUpperCase()));
  if (!wh || !can(user, 'cold.read', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
  if (!can(user, 'cold.manage', { warehouseId: wh.id })) throw forbidden();
  return wh;
}

/** Creates a zone of a warehouse: its temperature class, allowed range and logging interval. */
export async function createZone(opts: { db: Db; user: CurrentUser; warehouse: string; input: unknown }): Promise<Zone> {
  const wh = await managedWarehouse(opts.db, opts.user, opts.warehouse);
  const input = parseInput(zoneInputSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const [row] = await tx
      .insert(zones)
      .values({ warehouseId: wh.id, code: input.code, name: input.name, temperatureClass: input.temperature_class, minCelsius: input.min_celsius ?? null, maxCelsius: input.max_celsius ?? null, logIntervalMinutes: input.log_interval_minutes ?? null })
      .onConflictDoNothing()
      .returning();
    if (!row) throw fieldError('code', 'cold.error.zoneCodeTaken', { code: input.code });
    return row;
  });
}

/**
 * Changes a zone. Its range and interval apply to readings from now on (readings already
 * judged keep their verdict). Its class may change only while it holds no stock: the goods in
 * it were put there for the old class.
 */
export async function updateZone(opts: { db: Db; user: CurrentUser; zoneId: number; input: unknown }): Promise<Zone> {
  const input = parseInput(zoneInputSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const [zone] = await tx.select().from(zones).where(eq(zones.id, opts.zoneId)).for('update');
    if (!zone || !can(opts.user, 'cold.read', { warehouseId: zone.warehouseId })) throw zoneNotFound();
    if (!can(opts.user, 'cold.manage', { warehouseId: zone.warehouseId })) throw forbidden();
    if (input.temperature_class !== zone.temperatureClass) {
      const [held] = await tx
        .select({ n: sql<number>`coalesce(sum(${stockBalances.onHand}), 0)::int` })
        .from(stockBalances)
        .innerJoin(locations, eq(locations.id, stockBalances.locationId))
        .where(eq(locations.zoneId, zone.id));
      if (Number(held!.n) > 0) throw fieldError('temperature_class', 'cold.error.zoneHasStock', { units: Number(held!.n) });
    }
    const [taken] = await tx.select({ id: zones.id }).from(zones).where(and(eq(zones.warehouseId, zone.warehouseId), eq(zones.code, input.code), ne(zones.id, zone.id)));
    if (taken) throw fieldError('code', 'cold.error.zoneCodeTaken', { code: input.code });
    const [row] = await tx
      .update(zones)
      .set({ code: input.code, name: input.name, temperatureClass: input.temperature_class, minCelsius: input.min_celsius ?? null, maxCelsius: input.max_celsius ?? null, logIntervalMinutes: input.log_interval_minutes ?? null })
      .where(eq(zones.id, zone.id))
      .returning();
    return row!;
  });
}

/** Adds a slot to a zone at its place in the grid (aisle, rack, level, position). */
export async function createSlot(opts: { db: Db; user: CurrentUser; zoneId: number; input: unknown }): Promise<Slot> {
  const input = parseInput(slotInputSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const [zone] = await tx.select().from(zones).where(eq(zones.id, opts.zoneId));
    if (!zone || !can(opts.user, 'cold.read', { warehouseId: zone.warehouseId })) throw zoneNotFound();
    if (!can(opts.user, 'cold.manage', { warehouseId: zone.warehouseId })) throw forbidden();
    const code = input.code ?? `${input.aisle}-${String(input.rack).padStart(2, '0')}-${String(input.level).padStart(2, '0')}-${input.position}`;
    const [place] = await tx
      .select({ code: locations.code })
      .from(locations)
      .where(and(eq(locations.zoneId, zone.id), eq(locations.aisle, input.aisle), eq(locations.rack, input.rack), eq(locations.level, input.level), eq(locations.position, input.position)));
    if (place) throw fieldError('position', 'cold.error.placeTaken', { code: place.code });
    const [{ last }] = (await tx.select({ last: max(locations.walkSequence) }).from(locations).where(and(eq(locations.warehouseId, zone.warehouseId), sql`${locations.walkSequence} < 9000`))) as [{ last: number | null }];
    const [row] = await tx
      .insert(locations)
      .values({
        warehouseId: zone.warehouseId,
        zoneId: zone.id,
        code,
        kind: zone.temperatureClass === 'ambient' ? 'storage' : 'cold',
        walkSequence: Number(last ?? 0) + 1,
        capacity: input.capacity ?? null,
        capacityUnit: input.capacity_unit,
        aisle: input.aisle,
        rack: input.rack,
        level: input.level,
        position: input.position,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw fieldError('code', 'cold.error.slotCodeTaken', { code });
    return row;
  });
}

/** Changes a slot's capacity, or closes / reopens it (a closed slot takes no putaway and gives no allocation). */
export async function updateSlot(opts: { db: Db; user: CurrentUser; slotId: number; input: unknown }): Promise<Slot> {
  const input = parseInput(slotUpdateSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const [slot] = await tx.select().from(locations).where(eq(locations.id, opts.slotId)).for('update');
    if (!slot || !slot.zoneId || !can(opts.user, 'cold.read', { warehouseId: slot.warehouseId })) throw new AppError('NOT_FOUND', { key: 'cold.error.slotNotFound' });
    if (!can(opts.user, 'cold.manage', { warehouseId: slot.warehouseId })) throw forbidden();
    const [row] = await tx.update(locations).set({ capacity: input.capacity ?? null, capacityUnit: input.capacity_unit, active: input.active }).where(eq(locations.id, slot.id)).returning();
    return row!;
  });
}

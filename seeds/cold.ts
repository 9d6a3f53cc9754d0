import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/db/client.ts';
import { locations, stockBalances, users, warehouses, zones } from '../src/db/schema/index.ts';
import type { CurrentUser } from '../src/auth/policy.ts';
import { recordReadings } from '../src/cold/record-readings.ts';

/**
 * The demo's temperature record, through the readings service: a day of readings every 15
 * minutes from each cold zone's sensor in every warehouse, steady inside the range; and at
 * Moscow a chilled slot holding goods that has just gone warm — an excursion in progress,
 * red on the slot map, to be ended by a reading back in range and then decided.
 */
export async function seedCold(tx: Tx, now = new Date()): Promise<number> {
  const db = tx as unknown as Db;
  const [m] = await tx.select().from(users).where(eq(users.email, 'manager@demo.test'));
  const manager: CurrentUser = { id: m!.id, email: m!.email, name: m!.name, role: m!.role, sellerId: null, warehouseIds: [], locale: m!.locale };
  const cold = await tx
    .select({ warehouse: warehouses.code, zone: zones.code, min: zones.minCelsius, max: zones.maxCelsius })
    .from(zones)
    .innerJoin(warehouses, eq(warehouses.id, zones.warehouseId))
    .where(sql`${zones.temperatureClass} <> 'ambient'`)
    .orderBy(warehouses.code, zones.code);
  const step = 15 * 60_000;
  // Readings end a minute ago (a fresh demo is not "no data" before its next quarter hour).
  const last = now.getTime() - 60_000;
  // All of it in one batch (fewer than 1,000 readings): one transaction, one insert.
  const all: Record<string, unknown>[] = [];
  for (const [i, z] of cold.entries()) {
    const max = z.max === null ? null : Number(z.max);
    const min = z.min === null ? null : Number(z.min);
    // A steady room: the middle of the range (or 2.5 °C under its ceiling), a slow wave and a little noise.
    const centre = min !== null && max !== null ? (min + max) / 2 : (max ?? 20) - 2.5;
    for (let k = 0; k < 96; k++) {
      const wave = Math.sin((k + i * 7) / 9) * 0.8 + Math.sin(k * 1.7 + i) * 0.3;
      all.push({ warehouse: z.warehouse, zone: z.zone, celsius: Math.round((centre + wave) * 10) / 10, at: new Date(last - (95 - k) * step).toISOString() });
    }
  }

  // Moscow: a chilled slot with goods, steady for two hours, warm now.
  const [slot] = await tx
    .select({ code: locations.code })
    .from(locations)
    .innerJoin(zones, eq(zones.id, locations.zoneId))
    .innerJoin(warehouses, eq(warehouses.id, locations.warehouseId))
    .innerJoin(stockBalances, eq(stockBalances.locationId, locations.id))
    .where(and(eq(warehouses.code, 'MSK'), eq(zones.code, 'CHILLED'), eq(locations.kind, 'cold'), gt(stockBalances.onHand, 0)))
    .orderBy(locations.code)
    .limit(1);
  if (slot) {
    for (let k = 0; k < 8; k++) all.push({ warehouse: 'MSK', location: slot.code, celsius: [4.1, 4.3, 4.0, 4.4, 4.6, 4.2, 4.5, 4.8][k]!, at: new Date(last - (8 - k) * step).toISOString() });
    // Warm now: after the goods came in (the stock's ledger entries are older than this reading).
    all.push({ warehouse: 'MSK', location: slot.code, celsius: 9.6, at: now.toISOString() });
  }
  return (await recordReadings({ db, sender: { user: manager }, input: { readings: all }, now })).accepted;
}

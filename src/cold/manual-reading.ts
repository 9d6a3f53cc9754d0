import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { locations, warehouses, zones } from '../db/schema/index.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { stripSymbology } from '../inventory/filters.ts';
import { recordReadings, type RecordResult } from './record-readings.ts';
import { manualReadingSchema } from './schemas.ts';
import { inZoneRange, rangeOf } from './ranges.ts';

export type ManualReadingResult = RecordResult & { target: string; celsius: number; inRange: boolean; range: { min: number | null; max: number | null } };

/**
 * A reading typed on the scanner screen: the scanned label is a slot's code, else a zone's
 * code; the time is now. Stored like a sensor's reading, with the person as its author.
 */
export async function recordManualReading(opts: { db: Db; user: CurrentUser; input: unknown; now?: Date }): Promise<ManualReadingResult> {
  const input = parseInput(manualReadingSchema, opts.input);
  const code = stripSymbology(input.target).trim().toUpperCase();
  const [wh] = await opts.db.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
  const [slot] = wh ? await opts.db.select({ zoneId: locations.zoneId }).from(locations).where(and(eq(locations.warehouseId, wh.id), eq(locations.code, code))) : [];
  const [zone] = wh
    ? slot?.zoneId
      ? await opts.db.select().from(zones).where(eq(zones.id, slot.zoneId))
      : await opts.db.select().from(zones).where(and(eq(zones.warehouseId, wh.id), eq(zones.code, code)))
    : [];
  if (wh && !zone) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path: 'target', key: 'cold.error.unknownTarget', params: { code, warehouse: wh.code } }] });
  const now = opts.now ?? new Date();
  const reading = { warehouse: input.warehouse, celsius: input.celsius, at: now.toISOString(), ...(slot ? { location: code } : { zone: code }) };
  let r: RecordResult;
  try {
    r = await recordReadings({ db: opts.db, sender: { user: opts.user }, input: { readings: [reading] }, now });
  } catch (err) {
    // The batch names `readings.0.<field>`: on this form, the warehouse and the label are the fields.
    if (err instanceof AppError && err.fieldErrors.length) {
      throw new AppError(err.code, { key: err.key, fieldErrors: err.fieldErrors.map((f) => ({ ...f, path: /celsius$/.test(f.path) ? 'celsius' : /warehouse$/.test(f.path) ? 'warehouse' : 'target' })) });
    }
    throw err;
  }
  const celsius = Math.round(input.celsius * 10) / 10;
  const range = rangeOf(zone!);
  return { ...r, target: code, celsius, inRange: inZoneRange(celsius, zone!), range };
}

import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { locations, temperatureReadings, warehouses, zones } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { stripSymbology } from '../inventory/filters.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { parseReadings, storeReadings } from './record-readings.ts';
import { manualReadingSchema } from './schemas.ts';
import { inZoneRange, rangeOf, type Range } from './ranges.ts';

/** What the scanner screen shows after a typed reading (and again for a repeat of its form). */
export type ManualReadingResult = {
  /** The stored reading; null only when the same series already had a reading at that very moment. */
  readingId: number | null;
  /** A repeat of a form already recorded: nothing more was stored. */
  replayed: boolean;
  warehouse: string;
  target: string;
  celsius: number;
  inRange: boolean;
  range: Range;
  excursionOpened: boolean;
};

/** The form's key, per user: two people's forms never share one. */
const keyOf = (user: CurrentUser, key: string) => `reading:${user.id}:${key}`;

/** On this form a temperature that is not one (letters, out of range) gets the temperature's own message. */
function parseManual(raw: unknown) {
  try {
    return parseInput(manualReadingSchema, raw);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new AppError(err.code, {
      key: err.key,
      params: err.params,
      fieldErrors: err.fieldErrors.map((f) => (f.path === 'celsius' && f.key !== 'error.required' ? { path: 'celsius', key: 'cold.error.badCelsius' } : f)),
    });
  }
}

/**
 * A reading typed on the scanner screen: the scanned label is a slot's code, else a zone's
 * code; the time is now. Stored like a sensor's reading, with the person as its author.
 *
 * The form carries a key of its own: the same form sent again (a double Enter, a retry)
 * records nothing more and answers the first reading. A concurrent repeat waits on the key's
 * lock and then finds it. The key sent with another label or temperature is refused.
 */
export async function recordManualReading(opts: { db: Db; user: CurrentUser; input: unknown; now?: Date }): Promise<ManualReadingResult> {
  const input = parseManual(opts.input);
  const code = stripSymbology(input.target).trim().toUpperCase();
  const celsius = Math.round(input.celsius * 10) / 10;
  const key = input.idempotency_key ? keyOf(opts.user, input.idempotency_key) : undefined;
  return withTransaction(opts.db, async (tx) => {
    if (key) {
      await lockIdempotencyKey(tx, key);
      const prior = await typedReading(tx, { key });
      if (prior) {
        if (prior.warehouse !== input.warehouse || prior.target !== code || prior.celsius !== celsius) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'cold.error.readingKeyReused' });
        return { ...prior, replayed: true };
      }
    }
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
    const [slot] = wh ? await tx.select({ zoneId: locations.zoneId }).from(locations).where(and(eq(locations.warehouseId, wh.id), eq(locations.code, code))) : [];
    const [zone] = wh
      ? slot?.zoneId
        ? await tx.select().from(zones).where(eq(zones.id, slot.zoneId))
        : await tx.select().from(zones).where(and(eq(zones.warehouseId, wh.id), eq(zones.code, code)))
      : [];
    if (wh && !zone) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path: 'target', key: 'cold.error.unknownTarget', params: { code, warehouse: wh.code } }] });
    const now = opts.now ?? new Date();
    const reading = { warehouse: input.warehouse, celsius: input.celsius, at: now.toISOString(), ...(slot ? { location: code } : { zone: code }) };
    let stored;
    try {
      stored = await storeReadings(tx, { sender: { user: opts.user }, readings: parseReadings({ readings: [reading] }).readings, now, idempotencyKey: key });
    } catch (err) {
      // The batch names `readings.0.<field>`: on this form, the warehouse and the label are the fields.
      if (err instanceof AppError && err.fieldErrors.length) {
        throw new AppError(err.code, { key: err.key, fieldErrors: err.fieldErrors.map((f) => ({ ...f, path: /celsius$/.test(f.path) ? 'celsius' : /warehouse$/.test(f.path) ? 'warehouse' : 'target' })) });
      }
      throw err;
    }
    return {
      readingId: stored.readingIds[0] ?? null,
      replayed: false,
      warehouse: wh!.code,
      target: code,
      celsius,
      inRange: inZoneRange(celsius, zone!),
      range: rangeOf(zone!),
      excursionOpened: stored.excursionsOpened.length > 0,
    };
  });
}

/**
 * A typed reading as its form's result, by id (the page after saving) or by form key (a
 * repeat): the label scanned, the value, the verdict it was given when it arrived, the zone's
 * range, and whether an excursion starts with it. With `user`, only that person's own reading.
 */
export async function typedReading(db: Db | Tx, where: { id: number; user: CurrentUser } | { key: string }): Promise<Omit<ManualReadingResult, 'replayed'> | null> {
  const [r] = await db
    .select({
      id: temperatureReadings.id,
      warehouse: warehouses.code,
      zoneCode: zones.code,
      slotCode: locations.code,
      celsius: temperatureReadings.celsius,
      inRange: temperatureReadings.inRange,
      minCelsius: zones.minCelsius,
      maxCelsius: zones.maxCelsius,
      excursionOpened: sql<boolean>`EXISTS (SELECT 1 FROM excursions e WHERE e.zone_id = ${temperatureReadings.zoneId} AND e.location_id IS NOT DISTINCT FROM ${temperatureReadings.locationId} AND e.started_at = ${temperatureReadings.measuredAt})`,
    })
    .from(temperatureReadings)
    .innerJoin(warehouses, eq(warehouses.id, temperatureReadings.warehouseId))
    .innerJoin(zones, eq(zones.id, temperatureReadings.zoneId))
    .leftJoin(locations, eq(locations.id, temperatureReadings.locationId))
    .where(
      'key' in where
        ? eq(temperatureReadings.idempotencyKey, where.key)
        : and(eq(temperatureReadings.id, where.id), eq(temperatureReadings.source, 'manual'), eq(temperatureReadings.userId, where.user.id)),
    );
  if (!r) return null;
  return {
    readingId: r.id,
    warehouse: r.warehouse,
    target: r.slotCode ?? r.zoneCode,
    celsius: Number(r.celsius),
    inRange: r.inRange,
    range: rangeOf(r),
    excursionOpened: Boolean(r.excursionOpened),
  };
}

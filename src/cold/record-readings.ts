/**
 * Temperature readings: typed on a scanner screen (a person) or pushed by a sensor (a device
 * token). A batch is checked whole: one bad reading refuses the batch and nothing is stored.
 * Readings may arrive late and out of order; the same series and moment sent again is
 * ignored. Each stored reading is judged against its zone's range, and the excursions of the
 * series it touched are brought up to date (see excursions.ts) in the same transaction.
 */
import { and, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { locations, temperatureReadings, warehouses, zones } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { textArray } from '../db/rows.ts';
import { reconcileSeries, type SeriesKey } from './excursions.ts';
import { inZoneRange } from './ranges.ts';

/** Readings one request may carry. */
export const MAX_READINGS = 1_000;
/** A reading more than this far in the future is a clock error, not a measurement. */
const FUTURE_SLACK_MS = 5 * 60_000;

const code = (max: number) => z.string().trim().toUpperCase().min(1).max(max);
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const readingSchema = z
  .object({
    warehouse: code(20),
    zone: z.preprocess(blank, code(40).optional()),
    location: z.preprocess(blank, code(40).optional()),
    // A number: the API sends JSON numbers; a form's text is converted before (see manual entry).
    celsius: z.number().finite().min(-80).max(60),
    at: z.iso.datetime({ offset: true }),
  })
  .refine((r) => r.zone || r.location, { message: 'zone or location', path: ['location'] });
export const readingsSchema = z.object({ readings: z.array(readingSchema).min(1).max(MAX_READINGS) });
export type ReadingInput = z.input<typeof readingSchema>;

/** Who sent the readings: a signed-in person, or a sensor's device token (one warehouse). */
export type ReadingSender = { user: CurrentUser } | { device: { tokenId: string; warehouseId: number } };

export type RecordResult = {
  /** The rows stored (repeats of a series and moment are not). */
  readingIds: number[];
  accepted: number;
  duplicates: number;
  excursionsOpened: { id: number; warehouse: string; zone: string; location: string | null; startedAt: Date; peakCelsius: number }[];
};

const messages: Record<string, FieldError['key']> = {
  celsius: 'cold.error.badCelsius',
  at: 'cold.error.badTime',
  warehouse: 'error.unknownWarehouse',
  location: 'cold.error.zoneOrLocation',
};

/** The batch, or a 422 naming every bad field (`readings.3.celsius` …). */
export function parseReadings(raw: unknown): z.output<typeof readingsSchema> {
  const parsed = readingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.slice(0, 50).map((i): FieldError => {
    const last = String(i.path[i.path.length - 1] ?? '');
    const key = last === 'readings' ? (i.code === 'too_big' ? 'cold.error.tooManyReadings' : 'cold.error.noReadings') : (messages[last] ?? 'error.invalidValue');
    return { path: i.path.map(String).join('.'), key, params: { detail: i.message, max: MAX_READINGS } };
  });
  throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors });
}

/** Stores a batch of readings (all or none) and updates the excursions they touch. */
export async function recordReadings(opts: { db: Db; sender: ReadingSender; input: unknown; now?: Date }): Promise<RecordResult> {
  const { readings } = parseReadings(opts.input);
  const now = opts.now ?? new Date();
  return withTransaction(opts.db, (tx) => storeReadings(tx, { sender: opts.sender, readings, now }));
}

/**
 * `recordReadings` inside the caller's transaction, for readings already parsed. A typed
 * reading (a batch of one) may carry its form's idempotency key, kept on the stored row; the
 * caller holds the key's lock and has found no reading with it.
 */
export async function storeReadings(
  tx: Tx,
  opts: { sender: ReadingSender; readings: z.output<typeof readingsSchema>['readings']; now: Date; idempotencyKey?: string | undefined },
): Promise<RecordResult> {
  const { readings, now } = opts;
  if (opts.idempotencyKey !== undefined && readings.length !== 1) throw new Error('an idempotency key names one reading');
  const whCodes = [...new Set(readings.map((r) => r.warehouse))];
  const whs = new Map((await tx.select().from(warehouses).where(inArray(warehouses.code, whCodes))).map((w) => [w.code, w]));
  const whIds = [...whs.values()].map((w) => w.id);
  const zoneRows = whIds.length ? await tx.select().from(zones).where(inArray(zones.warehouseId, whIds)) : [];
  const zoneBy = new Map(zoneRows.map((z) => [`${z.warehouseId}|${z.code}`, z]));
  const zoneById = new Map(zoneRows.map((z) => [z.id, z]));
  const locCodes = [...new Set(readings.flatMap((r) => (r.location ? [r.location] : [])))];
  const locRows = locCodes.length && whIds.length
    ? await tx
        .select({ id: locations.id, warehouseId: locations.warehouseId, zoneId: locations.zoneId, code: locations.code })
        .from(locations)
        .where(and(inArray(locations.warehouseId, whIds), sql`${locations.code} = ANY(${textArray(locCodes)})`))
    : [];
  const locBy = new Map(locRows.map((l) => [`${l.warehouseId}|${l.code}`, l]));

  const errors: FieldError[] = [];
  const rows: (typeof temperatureReadings.$inferInsert)[] = [];
  for (const [i, r] of readings.entries()) {
    const wh = whs.get(r.warehouse);
    const allowed = wh && ('user' in opts.sender ? can(opts.sender.user, 'cold.record', { warehouseId: wh.id }) : opts.sender.device.warehouseId === wh.id);
    if (!wh || !allowed) {
      errors.push({ path: `readings.${i}.warehouse`, key: 'device' in opts.sender && wh ? 'cold.error.tokenWarehouse' : 'error.unknownWarehouse', params: { warehouse: r.warehouse } });
      continue;
    }
    const loc = r.location ? locBy.get(`${wh.id}|${r.location}`) : undefined;
    const zone = loc ? (loc.zoneId ? zoneById.get(loc.zoneId) : undefined) : r.zone ? zoneBy.get(`${wh.id}|${r.zone}`) : undefined;
    if (r.location && (!loc || !zone)) {
      errors.push({ path: `readings.${i}.location`, key: 'cold.error.unknownLocation', params: { code: r.location, warehouse: wh.code } });
      continue;
    }
    if (!zone) {
      errors.push({ path: `readings.${i}.zone`, key: 'cold.error.unknownZone', params: { code: r.zone ?? '', warehouse: wh.code } });
      continue;
    }
    if (r.zone && zone.code !== r.zone) {
      errors.push({ path: `readings.${i}.zone`, key: 'cold.error.locationNotInZone', params: { location: r.location ?? '', zone: r.zone } });
      continue;
    }
    const at = new Date(r.at);
    if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) {
      errors.push({ path: `readings.${i}.at`, key: 'cold.error.futureTime' });
      continue;
    }
    const celsius = Math.round(r.celsius * 10) / 10;
    rows.push({
      warehouseId: wh.id,
      zoneId: zone.id,
      locationId: loc?.id ?? null,
      celsius,
      measuredAt: at,
      inRange: inZoneRange(celsius, zone),
      source: 'user' in opts.sender ? 'manual' : 'device',
      userId: 'user' in opts.sender ? opts.sender.user.id : null,
      tokenId: 'device' in opts.sender ? opts.sender.device.tokenId : null,
      idempotencyKey: opts.idempotencyKey ?? null,
    });
  }
  if (errors.length) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors.slice(0, 50) });

  // One row per series and moment within the batch too (the first wins, as in the table).
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const k = `${r.zoneId}|${r.locationId ?? ''}|${r.measuredAt!.getTime()}`;
    return !seen.has(k) && seen.add(k);
  });
  const inserted = await tx
    .insert(temperatureReadings)
    .values(unique)
    .onConflictDoNothing()
    .returning({ id: temperatureReadings.id, zoneId: temperatureReadings.zoneId, locationId: temperatureReadings.locationId, measuredAt: temperatureReadings.measuredAt, inRange: temperatureReadings.inRange });

  const series = new Map<string, SeriesKey & { from: Date; to: Date; anyOut: boolean }>();
  for (const r of inserted) {
    const k = `${r.zoneId}|${r.locationId ?? ''}`;
    const s = series.get(k);
    if (!s) series.set(k, { zoneId: r.zoneId, locationId: r.locationId, from: r.measuredAt, to: r.measuredAt, anyOut: !r.inRange });
    else {
      if (r.measuredAt < s.from) s.from = r.measuredAt;
      if (r.measuredAt > s.to) s.to = r.measuredAt;
      s.anyOut ||= !r.inRange;
    }
  }
  const opened = await reconcileSeries(tx, [...series.values()]);
  const whById = new Map([...whs.values()].map((w) => [w.id, w]));
  const locById = new Map(locRows.map((l) => [l.id, l]));
  return {
    readingIds: inserted.map((r) => r.id),
    accepted: inserted.length,
    duplicates: readings.length - inserted.length,
    excursionsOpened: opened.map((e) => ({
      id: e.id,
      warehouse: whById.get(e.warehouseId)?.code ?? '',
      zone: zoneById.get(e.zoneId)?.code ?? '',
      location: e.locationId ? (locById.get(e.locationId)?.code ?? null) : null,
      startedAt: e.startedAt,
      peakCelsius: e.peakCelsius,
    })),
  };
}

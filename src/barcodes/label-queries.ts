import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { locations, realLocationKinds, warehouses, zones, type LocationKind, type TemperatureClass } from '../db/schema/index.ts';
import type { LocationLabelQuery } from './label-filters.ts';

/** One page prints at most this many labels (about 42 A4 sheets). */
export const MAX_LABELS = 1000;

export type LabelWarehouse = { id: number; code: string; name: string };
export type LabelZone = { code: string; name: string; temperatureClass: TemperatureClass };
export type LocationLabelRow = { code: string; kind: LocationKind | 'zone'; zoneCode: string; temperatureClass: TemperatureClass };

/** Any warehouse by code: the route decides whether this user may see it. */
export async function findWarehouse(db: Executor, code: string): Promise<LabelWarehouse | undefined> {
  const [w] = await db.select({ id: warehouses.id, code: warehouses.code, name: warehouses.name }).from(warehouses).where(eq(warehouses.code, code));
  return w;
}

export async function listZones(db: Executor, warehouseId: number): Promise<LabelZone[]> {
  return db
    .select({ code: zones.code, name: zones.name, temperatureClass: zones.temperatureClass })
    .from(zones)
    .where(eq(zones.warehouseId, warehouseId))
    .orderBy(asc(zones.code));
}

/**
 * The active real locations of a warehouse that need a shelf label, in walk order. Codes
 * compare in code point order (COLLATE "C": the same on every database, whatever its locale),
 * and `to` also takes every code that starts with it, so A-01 … A-03 prints A-03-02-1 too.
 */
export async function listLocationLabels(
  db: Executor,
  warehouseId: number,
  q: Pick<LocationLabelQuery, 'zone' | 'kind' | 'from' | 'to'>,
  limit = MAX_LABELS,
): Promise<{ rows: LocationLabelRow[]; total: number }> {
  if (q.kind === 'zone') return zoneLabels(db, warehouseId, q, limit);
  const code = sql`${locations.code} COLLATE "C"`;
  const rows = await db
    .select({
      code: locations.code,
      kind: locations.kind,
      zoneCode: zones.code,
      temperatureClass: zones.temperatureClass,
      total: sql<number>`count(*) OVER ()`.mapWith(Number),
    })
    .from(locations)
    .innerJoin(zones, eq(zones.id, locations.zoneId))
    .where(
      and(
        eq(locations.warehouseId, warehouseId),
        eq(locations.active, true),
        inArray(locations.kind, [...realLocationKinds]),
        q.zone ? eq(zones.code, q.zone) : undefined,
        q.kind ? eq(locations.kind, q.kind) : undefined,
        q.from ? sql`${code} >= ${q.from}` : undefined,
        q.to ? sql`(${code} <= ${q.to} OR starts_with(${locations.code}, ${q.to}))` : undefined,
      ),
    )
    .orderBy(asc(locations.walkSequence), asc(code))
    .limit(limit);
  return { rows: rows.map(({ total: _, ...r }) => r), total: rows[0]?.total ?? 0 };
}

/** One label per zone of the warehouse (its code), narrowed like locations. */
async function zoneLabels(db: Executor, warehouseId: number, q: Pick<LocationLabelQuery, 'zone' | 'from' | 'to'>, limit: number): Promise<{ rows: LocationLabelRow[]; total: number }> {
  const code = sql`${zones.code} COLLATE "C"`;
  const rows = await db
    .select({ code: zones.code, zoneCode: zones.code, temperatureClass: zones.temperatureClass, total: sql<number>`count(*) OVER ()`.mapWith(Number) })
    .from(zones)
    .where(
      and(
        eq(zones.warehouseId, warehouseId),
        q.zone ? eq(zones.code, q.zone) : undefined,
        q.from ? sql`${code} >= ${q.from}` : undefined,
        q.to ? sql`(${code} <= ${q.to} OR starts_with(${zones.code}, ${q.to}))` : undefined,
      ),
    )
    .orderBy(asc(code))
    .limit(limit);
  return { rows: rows.map(({ total: _, ...r }) => ({ ...r, kind: 'zone' as const })), total: rows[0]?.total ?? 0 };
}

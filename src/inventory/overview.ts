import { asc, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { locations, products, stockBalances, zones } from '../db/schema/index.ts';
import { listWarehouses, type Warehouse } from './queries.ts';
import type { ReadScope } from './scope.ts';

export type ZoneOverview = {
  code: string;
  temperatureClass: string;
  minCelsius: number | null;
  maxCelsius: number | null;
  locations: number;
  units: number;
};
export type WarehouseOverview = Warehouse & { zones: ZoneOverview[] };

/** Warehouses with their zones, location counts and units held (a seller's units only). */
export async function warehouseOverview(db: Executor, scope: ReadScope): Promise<WarehouseOverview[]> {
  const whs = await listWarehouses(db, scope);
  if (whs.length === 0) return [];
  const ids = whs.map((w) => w.id);
  const units =
    scope.sellerId === null
      ? sql<number>`coalesce((SELECT sum(b.on_hand) FROM ${stockBalances} b JOIN ${locations} l ON l.id = b.location_id WHERE l.zone_id = zones.id), 0)::int`
      : sql<number>`coalesce((SELECT sum(b.on_hand) FROM ${stockBalances} b JOIN ${locations} l ON l.id = b.location_id JOIN ${products} p ON p.id = b.product_id WHERE l.zone_id = zones.id AND p.seller_id = ${scope.sellerId}), 0)::int`;
  const rows = await db
    .select({
      warehouseId: zones.warehouseId,
      code: zones.code,
      temperatureClass: zones.temperatureClass,
      minCelsius: zones.minCelsius,
      maxCelsius: zones.maxCelsius,
      locations: sql<number>`(SELECT count(*) FROM ${locations} l WHERE l.zone_id = zones.id)::int`,
      units,
    })
    .from(zones)
    .where(inArray(zones.warehouseId, ids))
    .orderBy(asc(zones.warehouseId), asc(zones.code));
  return whs.map((w) => ({ ...w, zones: rows.filter((r) => r.warehouseId === w.id) }));
}


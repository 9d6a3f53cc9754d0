import { and, desc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { excursions, locations, warehouses, zones } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { excursionStatus } from './excursions.ts';

const unknownWarehouse = () => new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path: 'warehouse', key: 'error.unknownWarehouse' }] });

/** A warehouse by code that this user may see the cold rooms of, or a 422 on `warehouse`. */
export async function coldWarehouse(db: Executor, user: CurrentUser, code: string) {
  const [wh] = await db.select().from(warehouses).where(eq(warehouses.code, code));
  if (!wh || !can(user, 'cold.read', { warehouseId: wh.id })) throw unknownWarehouse();
  return wh;
}

export type ExcursionRow = {
  id: number;
  warehouse: string;
  zone: string;
  zoneName: string;
  location: string | null;
  startedAt: Date;
  endedAt: Date | null;
  peakCelsius: number;
  minCelsius: number | null;
  maxCelsius: number | null;
  closedAt: Date | null;
  status: 'open' | 'ended' | 'closed';
};

/** Excursions of a warehouse, newest first; `open`: not yet closed by a decision (true) or closed (false). */
export async function listExcursions(db: Executor, user: CurrentUser, opts: { warehouse: string; open?: boolean; after?: number | null; limit?: number }): Promise<{ items: ExcursionRow[]; next: number | null }> {
  const wh = await coldWarehouse(db, user, opts.warehouse);
  const limit = opts.limit ?? 50;
  const rows = await db
    .select({ e: excursions, zone: zones.code, zoneName: zones.name, location: locations.code })
    .from(excursions)
    .innerJoin(zones, eq(zones.id, excursions.zoneId))
    .leftJoin(locations, eq(locations.id, excursions.locationId))
    .where(and(eq(excursions.warehouseId, wh.id), opts.open === undefined ? undefined : opts.open ? isNull(excursions.closedAt) : isNotNull(excursions.closedAt), opts.after ? lt(excursions.id, opts.after) : undefined))
    .orderBy(desc(excursions.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map((r) => ({
    id: r.e.id,
    warehouse: wh.code,
    zone: r.zone,
    zoneName: r.zoneName,
    location: r.location,
    startedAt: r.e.startedAt,
    endedAt: r.e.endedAt,
    peakCelsius: Number(r.e.peakCelsius),
    minCelsius: r.e.minCelsius === null ? null : Number(r.e.minCelsius),
    maxCelsius: r.e.maxCelsius === null ? null : Number(r.e.maxCelsius),
    closedAt: r.e.closedAt,
    status: excursionStatus(r.e),
  }));
  return { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
}


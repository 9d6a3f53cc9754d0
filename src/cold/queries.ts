import { and, desc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { queryRows } from '../db/rows.ts';
import type { Executor } from '../db/client.ts';
import { excursions, locations, users, warehouses, zones, type TemperatureClass } from '../db/schema/index.ts';
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
    peakCelsius: r.e.peakCelsius,
    minCelsius: r.e.minCelsius,
    maxCelsius: r.e.maxCelsius,
    closedAt: r.e.closedAt,
    status: excursionStatus(r.e),
  }));
  return { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
}


// ---------------------------------------------------------------------------------------
// Zones and the slot map

export type ZoneOverview = {
  id: number;
  code: string;
  name: string;
  temperatureClass: TemperatureClass;
  minCelsius: number | null;
  maxCelsius: number | null;
  logIntervalMinutes: number | null;
  slots: number;
  units: number;
  lastAt: Date | null;
  lastCelsius: number | null;
  lastInRange: boolean | null;
  openExcursions: number;
  /** Monitored and silent for longer than its interval (or never heard from). */
  noData: boolean;
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** The zones of a warehouse with their latest reading, open excursions and "no data" flag. */
export async function zoneOverview(db: Executor, warehouseId: number, now = new Date()): Promise<ZoneOverview[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT z.id, z.code, z.name, z.temperature_class, z.min_celsius, z.max_celsius, z.log_interval_minutes,
               (SELECT count(*) FROM locations l WHERE l.zone_id = z.id AND l.kind IN ('storage', 'pick', 'cold'))::int AS slots,
               (SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.zone_id = z.id)::int AS units,
               r.measured_at AS last_at, r.celsius AS last_celsius, r.in_range AS last_in_range,
               (SELECT count(*) FROM excursions e WHERE e.zone_id = z.id AND e.closed_at IS NULL)::int AS open_excursions
        FROM zones z
        LEFT JOIN LATERAL (SELECT measured_at, celsius, in_range FROM temperature_readings t WHERE t.zone_id = z.id ORDER BY measured_at DESC LIMIT 1) r ON true
        WHERE z.warehouse_id = ${warehouseId}
        ORDER BY (z.temperature_class = 'ambient'), z.code`,
  );
  return rows.map((r) => {
    const interval = num(r.log_interval_minutes);
    const lastAt = date(r.last_at);
    return {
      id: Number(r.id),
      code: String(r.code),
      name: String(r.name),
      temperatureClass: r.temperature_class as TemperatureClass,
      minCelsius: num(r.min_celsius),
      maxCelsius: num(r.max_celsius),
      logIntervalMinutes: interval,
      slots: Number(r.slots),
      units: Number(r.units),
      lastAt,
      lastCelsius: num(r.last_celsius),
      lastInRange: r.last_in_range === null || r.last_in_range === undefined ? null : Boolean(r.last_in_range),
      openExcursions: Number(r.open_excursions),
      noData: interval !== null && (!lastAt || now.getTime() - lastAt.getTime() > interval * 60_000),
    };
  });
}

/** A zone by id, if the user may see its warehouse's cold rooms. */
export async function zoneFor(db: Executor, user: CurrentUser, zoneId: number) {
  const [row] = await db.select({ zone: zones, warehouse: warehouses }).from(zones).innerJoin(warehouses, eq(warehouses.id, zones.warehouseId)).where(eq(zones.id, zoneId));
  if (!row || !can(user, 'cold.read', { warehouseId: row.zone.warehouseId })) throw new AppError('NOT_FOUND', { key: 'cold.error.zoneNotFound' });
  return row;
}

export type SlotCell = {
  id: number;
  code: string;
  aisle: string | null;
  rack: number | null;
  level: number | null;
  position: number | null;
  capacity: number | null;
  capacityUnit: 'units' | 'pallets';
  active: boolean;
  units: number;
  lots: number;
  products: number;
  topSku: string | null;
  topName: string | null;
  earliestExpiry: string | null;
  lastCelsius: number | null;
  lastAt: Date | null;
  /** Share of the capacity in use (0–1), null without a capacity. */
  fill: number | null;
  state: 'excursion' | 'expiring' | 'occupied' | 'free' | 'closed';
};

/** Days ahead that count as "expiring soon" on the slot map. */
export const EXPIRING_SOON_DAYS = 14;

/**
 * Every slot of a zone with what it holds, its fill, earliest expiry, last reading and state:
 * in excursion (an excursion of the slot or of the whole zone not yet closed), expiring soon
 * (a lot expired or within `soonDays`), occupied, free; closed slots apart.
 */
export async function slotMap(db: Executor, zone: { id: number }, today: string, soonDays = EXPIRING_SOON_DAYS): Promise<{ cells: SlotCell[]; zoneExcursion: boolean }> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT l.id, l.code, l.aisle, l.rack, l.level, l.position, l.capacity, l.capacity_unit, l.active,
               coalesce(sum(b.on_hand), 0)::int AS units,
               count(b.id)::int AS lots,
               count(DISTINCT b.product_id)::int AS products,
               (array_agg(p.sku ORDER BY b.on_hand DESC))[1] AS top_sku,
               (array_agg(p.name ORDER BY b.on_hand DESC))[1] AS top_name,
               to_char(min(lt.expires_on), 'YYYY-MM-DD') AS earliest
        FROM locations l
        LEFT JOIN stock_balances b ON b.location_id = l.id AND b.on_hand > 0
        LEFT JOIN products p ON p.id = b.product_id
        LEFT JOIN lots lt ON lt.id = b.lot_id
        WHERE l.zone_id = ${zone.id} AND l.kind IN ('storage', 'pick', 'cold')
        GROUP BY l.id
        ORDER BY l.aisle NULLS LAST, l.level DESC NULLS LAST, l.rack, l.position, l.code`,
  );
  // The latest reading of each slot: one index probe per slot (not a scan of the zone's history).
  const readings = await queryRows<{ location_id: number; celsius: number; measured_at: string }>(
    db,
    sql`SELECT l.id AS location_id, r.celsius, r.measured_at FROM locations l
        CROSS JOIN LATERAL (SELECT celsius, measured_at FROM temperature_readings t
                            WHERE t.zone_id = ${zone.id} AND t.location_id = l.id ORDER BY t.measured_at DESC LIMIT 1) r
        WHERE l.zone_id = ${zone.id} AND l.kind IN ('storage', 'pick', 'cold')`,
  );
  const lastBy = new Map(readings.map((r) => [Number(r.location_id), r]));
  const open = await queryRows<{ location_id: number | null }>(db, sql`SELECT DISTINCT location_id FROM excursions WHERE zone_id = ${zone.id} AND closed_at IS NULL`);
  const zoneExcursion = open.some((o) => o.location_id === null);
  const slotExcursion = new Set(open.flatMap((o) => (o.location_id === null ? [] : [Number(o.location_id)])));
  const soon = new Date(Date.parse(`${today}T00:00:00Z`) + soonDays * 86_400_000).toISOString().slice(0, 10);
  const cells = rows.map((r): SlotCell => {
    const units = Number(r.units);
    const lots = Number(r.lots);
    const capacity = num(r.capacity);
    const unit = r.capacity_unit as 'units' | 'pallets';
    const earliest = (r.earliest as string | null) ?? null;
    const last = lastBy.get(Number(r.id));
    const active = Boolean(r.active);
    const state: SlotCell['state'] = !active
      ? 'closed'
      : zoneExcursion || slotExcursion.has(Number(r.id))
        ? 'excursion'
        : earliest && earliest <= soon
          ? 'expiring'
          : units > 0
            ? 'occupied'
            : 'free';
    return {
      id: Number(r.id),
      code: String(r.code),
      aisle: (r.aisle as string | null) ?? null,
      rack: num(r.rack),
      level: num(r.level),
      position: num(r.position),
      capacity,
      capacityUnit: unit,
      active,
      units,
      lots,
      products: Number(r.products),
      topSku: (r.top_sku as string | null) ?? null,
      topName: (r.top_name as string | null) ?? null,
      earliestExpiry: earliest,
      lastCelsius: last ? Number(last.celsius) : null,
      lastAt: last ? new Date(last.measured_at) : null,
      fill: capacity ? Math.min(1, (unit === 'units' ? units : lots) / capacity) : null,
      state,
    };
  });
  return { cells, zoneExcursion };
}

// ---------------------------------------------------------------------------------------
// A slot, the readings, the log

export type SlotStockRow = { sku: string; name: string; seller: string; lot: string | null; expiresOn: string | null; onHand: number; reserved: number; balanceId: number };

/** A slot with its zone, its stock by lot, and its recent readings. */
export async function slotDetail(db: Executor, user: CurrentUser, slotId: number) {
  const [row] = await db.select({ slot: locations, zone: zones, warehouse: warehouses }).from(locations).innerJoin(zones, eq(zones.id, locations.zoneId)).innerJoin(warehouses, eq(warehouses.id, locations.warehouseId)).where(eq(locations.id, slotId));
  if (!row || !can(user, 'cold.read', { warehouseId: row.slot.warehouseId })) throw new AppError('NOT_FOUND', { key: 'cold.error.slotNotFound' });
  const stock = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT b.id, p.sku, p.name, s.code AS seller, lt.code AS lot, to_char(lt.expires_on, 'YYYY-MM-DD') AS expires_on, b.on_hand, b.reserved
        FROM stock_balances b JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = p.seller_id LEFT JOIN lots lt ON lt.id = b.lot_id
        WHERE b.location_id = ${slotId} AND b.on_hand > 0 ORDER BY lt.expires_on NULLS LAST, p.sku`,
  );
  const readings = await recentReadings(db, row.zone.id, slotId, 20);
  const open = await db.select().from(excursions).where(and(eq(excursions.zoneId, row.zone.id), isNull(excursions.closedAt), sql`(${excursions.locationId} IS NULL OR ${excursions.locationId} = ${slotId})`)).orderBy(desc(excursions.startedAt));
  return {
    ...row,
    stock: stock.map((s): SlotStockRow => ({ balanceId: Number(s.id), sku: String(s.sku), name: String(s.name), seller: String(s.seller), lot: (s.lot as string | null) ?? null, expiresOn: (s.expires_on as string | null) ?? null, onHand: Number(s.on_hand), reserved: Number(s.reserved) })),
    readings,
    openExcursions: open,
  };
}

export type ReadingRow = { measuredAt: Date; celsius: number; inRange: boolean; location: string | null; source: 'manual' | 'device'; by: string | null };

/** The latest readings of a slot (and of its zone's own sensor), newest first. */
export async function recentReadings(db: Executor, zoneId: number, locationId: number | null, limit: number): Promise<ReadingRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT r.measured_at, r.celsius, r.in_range, l.code AS location, r.source, coalesce(u.name, t.name) AS by
        FROM temperature_readings r LEFT JOIN locations l ON l.id = r.location_id LEFT JOIN users u ON u.id = r.user_id LEFT JOIN api_tokens t ON t.id = r.token_id
        WHERE r.zone_id = ${zoneId} AND (r.location_id IS NULL ${locationId ? sql`OR r.location_id = ${locationId}` : sql``})
        ORDER BY r.measured_at DESC LIMIT ${limit}`,
  );
  return rows.map(readingRow);
}

const readingRow = (r: Record<string, unknown>): ReadingRow => ({
  measuredAt: new Date(r.measured_at as string),
  celsius: Number(r.celsius),
  inRange: Boolean(r.in_range),
  location: (r.location as string | null) ?? null,
  source: r.source as 'manual' | 'device',
  by: (r.by as string | null) ?? null,
});

/** One series (the zone's sensor, or a slot) between two moments, oldest first: what the chart draws. */
export async function seriesReadings(db: Executor, zoneId: number, locationId: number | null, from: Date, to: Date): Promise<{ at: number; celsius: number }[]> {
  const rows = await queryRows<{ measured_at: string; celsius: number }>(
    db,
    sql`SELECT measured_at, celsius FROM temperature_readings
        WHERE zone_id = ${zoneId} AND location_id IS NOT DISTINCT FROM ${locationId}::int AND measured_at >= ${from.toISOString()}::timestamptz AND measured_at <= ${to.toISOString()}::timestamptz
        ORDER BY measured_at LIMIT 50000`,
  );
  return rows.map((r) => ({ at: new Date(r.measured_at).getTime(), celsius: Number(r.celsius) }));
}

/** Excursions of a zone (its own and its slots') overlapping a period. */
export async function excursionsBetween(db: Executor, zoneId: number, from: Date, to: Date) {
  return db
    .select({ e: excursions, location: locations.code, closedByName: users.name })
    .from(excursions)
    .leftJoin(locations, eq(locations.id, excursions.locationId))
    .leftJoin(users, eq(users.id, excursions.closedBy))
    .where(and(eq(excursions.zoneId, zoneId), sql`${excursions.startedAt} <= ${to.toISOString()}::timestamptz`, sql`coalesce(${excursions.endedAt}, now()) >= ${from.toISOString()}::timestamptz`))
    .orderBy(excursions.startedAt);
}

export type LogEntry =
  | ({ kind: 'reading' } & ReadingRow)
  | { kind: 'gap'; location: string | null; from: Date; to: Date; minutes: number };

/**
 * The temperature record of a zone for a period, as an auditor reads it: every reading (who
 * or which device, in or out of range), and every gap longer than the logging interval in
 * each series (the zone's sensor and each slot that has readings), oldest first.
 */
export async function temperatureLog(db: Executor, zone: { id: number; logIntervalMinutes: number | null }, from: Date, to: Date): Promise<LogEntry[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT r.measured_at, r.celsius, r.in_range, l.code AS location, r.source, coalesce(u.name, t.name) AS by
        FROM temperature_readings r LEFT JOIN locations l ON l.id = r.location_id LEFT JOIN users u ON u.id = r.user_id LEFT JOIN api_tokens t ON t.id = r.token_id
        WHERE r.zone_id = ${zone.id} AND r.measured_at >= ${from.toISOString()}::timestamptz AND r.measured_at <= ${to.toISOString()}::timestamptz
        ORDER BY r.measured_at, l.code NULLS FIRST LIMIT 100000`,
  );
  const readings = rows.map(readingRow);
  const out: LogEntry[] = readings.map((r) => ({ kind: 'reading', ...r }));
  if (zone.logIntervalMinutes) {
    const limit = zone.logIntervalMinutes * 60_000;
    const lastBy = new Map<string, Date>();
    const zoneKey = '';
    // The zone's own sensor is expected from the start of the period; slots once they report.
    lastBy.set(zoneKey, from);
    for (const r of readings) {
      const k = r.location ?? zoneKey;
      const prev = lastBy.get(k);
      if (prev && r.measuredAt.getTime() - prev.getTime() > limit) out.push({ kind: 'gap', location: r.location, from: prev, to: r.measuredAt, minutes: Math.round((r.measuredAt.getTime() - prev.getTime()) / 60_000) });
      lastBy.set(k, r.measuredAt);
    }
    const end = Math.min(to.getTime(), Date.now());
    for (const [k, prev] of lastBy) {
      if (end - prev.getTime() > limit) out.push({ kind: 'gap', location: k || null, from: prev, to: new Date(end), minutes: Math.round((end - prev.getTime()) / 60_000) });
    }
    const at = (e: LogEntry) => (e.kind === 'reading' ? e.measuredAt.getTime() : e.from.getTime());
    out.sort((a, b) => at(a) - at(b));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Expiry

export type ExpiringRow = { balanceId: number; location: string; locationKind: string; sku: string; name: string; seller: string; lot: string | null; expiresOn: string; onHand: number; reserved: number; expired: boolean };

/**
 * Stock of a warehouse whose lot expires within `days` (or has expired), soonest first;
 * quarantined stock is left out (already out of use).
 */
export async function expiringStock(db: Executor, warehouseId: number, today: string, days: number, limit = 500): Promise<ExpiringRow[]> {
  const until = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT b.id, l.code AS location, l.kind, p.sku, p.name, s.code AS seller, lt.code AS lot, to_char(lt.expires_on, 'YYYY-MM-DD') AS expires_on, b.on_hand, b.reserved
        FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = p.seller_id JOIN lots lt ON lt.id = b.lot_id
        WHERE b.warehouse_id = ${warehouseId} AND b.on_hand > 0 AND NOT b.is_virtual AND l.kind <> 'quarantine'
          AND lt.expires_on IS NOT NULL AND lt.expires_on <= ${until}::date
        ORDER BY lt.expires_on, p.sku, l.code LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    balanceId: Number(r.id),
    location: String(r.location),
    locationKind: String(r.kind),
    sku: String(r.sku),
    name: String(r.name),
    seller: String(r.seller),
    lot: (r.lot as string | null) ?? null,
    expiresOn: String(r.expires_on),
    onHand: Number(r.on_hand),
    reserved: Number(r.reserved),
    expired: String(r.expires_on) <= today,
  }));
}

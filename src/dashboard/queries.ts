import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { intArray, queryRows } from '../db/rows.ts';
import type { OrderChannel, OrderStatus, TemperatureClass } from '../db/schema/index.ts';
import { excursionStatus } from '../cold/excursions.ts';
import { SELLABLE_KINDS, lotSellable } from '../inventory/queries.ts';

/** A warehouse the dashboard covers. */
export type DashboardWarehouse = { id: number; code: string; name: string; timezone: string };

export type DashboardInput = {
  /** The warehouses in view: one, or every one the user may see. */
  warehouses: DashboardWarehouse[];
  /** Lots expiring within this many days (or already expired) are listed. */
  expiringDays: number;
  /** The moment the figures are for; "today" is each warehouse's own calendar day at that moment. */
  now?: Date;
};

/** Days of history behind the stock trend, and of the throughput chart. */
export const TREND_DAYS = 30;
export const THROUGHPUT_DAYS = 14;
/** Rows shown per list (the totals count them all). */
export const LIST_LIMIT = 20;


const VIRTUAL_KINDS = sql.raw(`('supplier', 'customer', 'transit', 'adjustment')`);
/** A balance's lot (alias lt, in warehouse w) may still be sold, as the inventory's available counts it. */
const SELLABLE_LOT = lotSellable(sql.raw('lt.expires_on'), sql.raw('w.timezone'));
/** Orders that still have to leave the building. */
const OPEN_ORDER_STATUSES = sql.raw(`('new', 'allocated', 'backordered', 'picking', 'picked', 'packed')`);
const CLASS_ORDER = sql.raw(`CASE z.temperature_class WHEN 'ambient' THEN 0 WHEN 'chilled' THEN 1 WHEN 'frozen' THEN 2 ELSE 3 END`);

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/**
 * The warehouses in view with today on each one's clock, as a CTE `wh (id, code, timezone,
 * today, day_start, day_end)`: every "today" figure is taken between that warehouse's own
 * midnights.
 */
function whCte(ids: number[], now: Date): SQL {
  return sql`wh AS (
    SELECT w.id, w.code, w.timezone, d.today,
           (d.today::timestamp AT TIME ZONE w.timezone) AS day_start,
           ((d.today + 1)::timestamp AT TIME ZONE w.timezone) AS day_end
    FROM warehouses w
    CROSS JOIN LATERAL (SELECT (${now.toISOString()}::timestamptz AT TIME ZONE w.timezone)::date AS today) d
    WHERE w.id = ANY(${intArray(ids)}))`;
}

// ---------------------------------------------------------------------------------------
// Stock by zone and temperature class

export type ZoneStock = { warehouse: string; zoneId: number; zone: string; zoneName: string; temperatureClass: TemperatureClass; onHand: number; reserved: number; available: number; quarantined: number };
export type ClassStock = { temperatureClass: TemperatureClass; onHand: number; reserved: number; available: number; quarantined: number };

/** Units on hand in each zone (every real location of it: docks, shelves, staging, quarantine). */
export async function stockByZone(db: Executor, ids: number[]): Promise<ZoneStock[]> {
  const rows = await queryRows(
    db,
    sql`SELECT w.code AS warehouse, z.id, z.code, z.name, z.temperature_class,
               coalesce(sum(b.on_hand), 0)::bigint AS on_hand,
               coalesce(sum(b.reserved), 0)::bigint AS reserved,
               coalesce(sum(b.on_hand - b.reserved) FILTER (WHERE l.kind IN ${SELLABLE_KINDS} AND ${SELLABLE_LOT}), 0)::bigint AS available,
               coalesce(sum(b.on_hand) FILTER (WHERE l.kind = 'quarantine'), 0)::bigint AS quarantined
        FROM zones z
        JOIN warehouses w ON w.id = z.warehouse_id
        LEFT JOIN locations l ON l.zone_id = z.id
        LEFT JOIN stock_balances b ON b.location_id = l.id AND b.on_hand > 0
        LEFT JOIN lots lt ON lt.id = b.lot_id
        WHERE z.warehouse_id = ANY(${intArray(ids)})
        GROUP BY w.code, z.id
        ORDER BY w.code, ${CLASS_ORDER}, z.code`,
  );
  return rows.map((r) => ({
    warehouse: String(r.warehouse),
    zoneId: n(r.id),
    zone: String(r.code),
    zoneName: String(r.name),
    temperatureClass: r.temperature_class as TemperatureClass,
    onHand: n(r.on_hand),
    reserved: n(r.reserved),
    available: n(r.available),
    quarantined: n(r.quarantined),
  }));
}

/** Zone figures added up per temperature class, coldest last. */
export function stockByClass(zones: ZoneStock[]): ClassStock[] {
  const order: TemperatureClass[] = ['ambient', 'chilled', 'frozen', 'deep_frozen'];
  const by = new Map<TemperatureClass, ClassStock>();
  for (const z of zones) {
    const c = by.get(z.temperatureClass) ?? { temperatureClass: z.temperatureClass, onHand: 0, reserved: 0, available: 0, quarantined: 0 };
    c.onHand += z.onHand;
    c.reserved += z.reserved;
    c.available += z.available;
    c.quarantined += z.quarantined;
    by.set(z.temperatureClass, c);
  }
  return order.flatMap((c) => (by.has(c) ? [by.get(c)!] : []));
}

// ---------------------------------------------------------------------------------------
// Slot utilisation

export type ZoneUse = {
  warehouse: string;
  zoneId: number;
  zone: string;
  temperatureClass: TemperatureClass;
  locations: number;
  occupied: number;
  /** Slots counted in units: units in them (each slot up to its capacity) and their capacity. */
  unitsUsed: number;
  unitsCapacity: number;
  /** Slots counted in pallet positions: positions taken (one per product and lot) and positions. */
  palletsUsed: number;
  palletsCapacity: number;
};
export type KindUse = { kind: 'storage' | 'pick' | 'cold'; locations: number; occupied: number; empty: number };

/**
 * Storage, pick and cold locations that are open, per zone and per kind: how many hold stock,
 * and for those with a capacity how full they are. A slot over its capacity (capacity is not
 * enforced on every move) counts as full, so it cannot hide empty slots of the same zone.
 */
export async function slotUtilisation(db: Executor, ids: number[]): Promise<{ zones: ZoneUse[]; kinds: KindUse[] }> {
  const rows = await queryRows(
    db,
    sql`WITH slot AS (
          SELECT l.id, l.zone_id, l.kind, l.capacity, l.capacity_unit,
                 coalesce(sum(b.on_hand), 0)::bigint AS units, count(b.id)::int AS lots
          FROM locations l
          LEFT JOIN stock_balances b ON b.location_id = l.id AND b.on_hand > 0
          WHERE l.warehouse_id = ANY(${intArray(ids)}) AND l.kind IN ('storage', 'pick', 'cold') AND l.active
          GROUP BY l.id)
        SELECT w.code AS warehouse, z.id AS zone_id, z.code AS zone, z.temperature_class, s.kind,
               count(*)::int AS locations,
               count(*) FILTER (WHERE s.units > 0)::int AS occupied,
               coalesce(sum(least(s.units, s.capacity)) FILTER (WHERE s.capacity IS NOT NULL AND s.capacity_unit = 'units'), 0)::bigint AS units_used,
               coalesce(sum(s.capacity) FILTER (WHERE s.capacity_unit = 'units'), 0)::bigint AS units_capacity,
               coalesce(sum(least(s.lots, s.capacity)) FILTER (WHERE s.capacity IS NOT NULL AND s.capacity_unit = 'pallets'), 0)::bigint AS pallets_used,
               coalesce(sum(s.capacity) FILTER (WHERE s.capacity_unit = 'pallets'), 0)::bigint AS pallets_capacity
        FROM slot s JOIN zones z ON z.id = s.zone_id JOIN warehouses w ON w.id = z.warehouse_id
        GROUP BY w.code, z.id, s.kind
        ORDER BY w.code, ${CLASS_ORDER}, z.code, s.kind`,
  );
  const zones = new Map<number, ZoneUse>();
  const kinds = new Map<KindUse['kind'], KindUse>((['storage', 'pick', 'cold'] as const).map((k) => [k, { kind: k, locations: 0, occupied: 0, empty: 0 }]));
  for (const r of rows) {
    const id = n(r.zone_id);
    const z = zones.get(id) ?? { warehouse: String(r.warehouse), zoneId: id, zone: String(r.zone), temperatureClass: r.temperature_class as TemperatureClass, locations: 0, occupied: 0, unitsUsed: 0, unitsCapacity: 0, palletsUsed: 0, palletsCapacity: 0 };
    z.locations += n(r.locations);
    z.occupied += n(r.occupied);
    z.unitsUsed += n(r.units_used);
    z.unitsCapacity += n(r.units_capacity);
    z.palletsUsed += n(r.pallets_used);
    z.palletsCapacity += n(r.pallets_capacity);
    zones.set(id, z);
    const k = kinds.get(r.kind as KindUse['kind'])!;
    k.locations += n(r.locations);
    k.occupied += n(r.occupied);
    k.empty = k.locations - k.occupied;
  }
  return { zones: [...zones.values()], kinds: [...kinds.values()] };
}

// ---------------------------------------------------------------------------------------
// Low stock

export type LowStockRow = { productId: number; sku: string; name: string; seller: string; warehouse: string; reorderPoint: number; available: number; onHand: number };

/**
 * Products whose available units in a warehouse (on hand − reserved on its shelves, pick
 * faces, cold slots and docks) are at or below their reorder point, out-of-stock first. The
 * reorder point holds in each warehouse that stocks the product (has held it): a warehouse
 * is replenished on its own, so Moscow running out is news even while Qingdao is full. The
 * view of several warehouses lists each warehouse's low products, the same rows as each
 * warehouse's own view. Staged units (picked for orders), quarantined units and lots past
 * their expiry date are not available.
 */
export async function lowStock(db: Executor, ids: number[], limit = LIST_LIMIT): Promise<{ rows: LowStockRow[]; total: number }> {
  const whs = intArray(ids);
  const rows = await queryRows(
    db,
    sql`SELECT x.*, count(*) OVER ()::int AS total FROM (
          SELECT p.id, p.sku, p.name, s.code AS seller, w.code AS warehouse, p.reorder_point,
                 coalesce(sum(b.on_hand - b.reserved) FILTER (WHERE l.kind IN ${SELLABLE_KINDS} AND ${SELLABLE_LOT}), 0)::bigint AS available,
                 coalesce(sum(b.on_hand), 0)::bigint AS on_hand
          FROM products p
          JOIN sellers s ON s.id = p.seller_id
          JOIN stock_balances b ON b.product_id = p.id AND NOT b.is_virtual AND b.warehouse_id = ANY(${whs})
          JOIN warehouses w ON w.id = b.warehouse_id
          JOIN locations l ON l.id = b.location_id
          LEFT JOIN lots lt ON lt.id = b.lot_id
          WHERE p.reorder_point IS NOT NULL
          GROUP BY p.id, s.code, w.code) x
        WHERE x.available <= x.reorder_point
        ORDER BY x.available > 0, x.available::float8 / greatest(x.reorder_point, 1), x.sku, x.warehouse
        LIMIT ${limit}`,
  );
  return {
    total: rows.length ? n(rows[0]!.total) : 0,
    rows: rows.map((r) => ({ productId: n(r.id), sku: String(r.sku), name: String(r.name), seller: String(r.seller), warehouse: String(r.warehouse), reorderPoint: n(r.reorder_point), available: n(r.available), onHand: n(r.on_hand) })),
  };
}

// ---------------------------------------------------------------------------------------
// Expiring soon

export type ExpiringLot = { warehouse: string; productId: number; sku: string; name: string; seller: string; lot: string | null; expiresOn: string; daysLeft: number; units: number; reserved: number };

/**
 * Lots expiring within `days` days of each warehouse's today (or already expired) in real
 * locations, quarantine left out (already out of use): one row per warehouse and lot, soonest first.
 */
export async function expiringLots(db: Executor, ids: number[], days: number, now: Date, limit = LIST_LIMIT): Promise<{ rows: ExpiringLot[]; total: number; units: number }> {
  const rows = await queryRows(
    db,
    sql`WITH ${whCte(ids, now)}
        SELECT wh.code AS warehouse, p.id AS product_id, p.sku, p.name, s.code AS seller, lt.code AS lot,
               to_char(lt.expires_on, 'YYYY-MM-DD') AS expires_on, (lt.expires_on - wh.today)::int AS days_left,
               sum(b.on_hand)::bigint AS units, sum(b.reserved)::bigint AS reserved,
               count(*) OVER ()::int AS total, sum(sum(b.on_hand)) OVER ()::bigint AS total_units
        FROM wh
        JOIN stock_balances b ON b.warehouse_id = wh.id AND NOT b.is_virtual AND b.on_hand > 0
        JOIN locations l ON l.id = b.location_id AND l.kind <> 'quarantine'
        JOIN lots lt ON lt.id = b.lot_id AND lt.expires_on <= wh.today + ${days}::int
        JOIN products p ON p.id = b.product_id
        JOIN sellers s ON s.id = p.seller_id
        GROUP BY wh.code, wh.today, p.id, s.code, lt.id
        ORDER BY lt.expires_on, p.sku, wh.code
        LIMIT ${limit}`,
  );
  return {
    total: rows.length ? n(rows[0]!.total) : 0,
    units: rows.length ? n(rows[0]!.total_units) : 0,
    rows: rows.map((r) => ({
      warehouse: String(r.warehouse),
      productId: n(r.product_id),
      sku: String(r.sku),
      name: String(r.name),
      seller: String(r.seller),
      lot: str(r.lot) || null,
      expiresOn: String(r.expires_on),
      daysLeft: n(r.days_left),
      units: n(r.units),
      reserved: n(r.reserved),
    })),
  };
}

// ---------------------------------------------------------------------------------------
// Flows: today's inbound and outbound, the stock trend, throughput

export type TodayFlows = {
  /** Units into real locations from suppliers (ASN receipts) and from transfers. */
  receivedFromSuppliers: number;
  receivedFromTransfers: number;
  /** Units handed to carriers (orders) and dispatched on transfers. */
  shipped: number;
  dispatched: number;
  ordersShipped: number;
  transfersReceived: number;
};

export type FlowSeries = {
  today: TodayFlows;
  /** Units on hand in real locations at the end of each of the last days (the last is today). */
  trend: { days: string[]; onHand: number[] };
  /** Units received (suppliers and transfers) and sent out (orders and transfers) per day. */
  throughput: { days: string[]; received: number[]; sentOut: number[] };
};

const addDays = (iso: string, d: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);

/**
 * One pass over the ledger of the last `TREND_DAYS` days (the warehouse + time index), in
 * the same statement as the current stock so both are one snapshot. The stock at the end of
 * a day is the stock now minus what came in (net) after that day; days are each warehouse's
 * own calendar days.
 */
export async function flows(db: Executor, ids: number[], now: Date): Promise<FlowSeries> {
  const whs = intArray(ids);
  const rows = await queryRows(
    db,
    sql`WITH ${whCte(ids, now)},
        total AS (SELECT coalesce(sum(b.on_hand), 0)::bigint AS units FROM stock_balances b WHERE b.warehouse_id = ANY(${whs}) AND NOT b.is_virtual),
        daily AS (
          SELECT f.* FROM wh CROSS JOIN LATERAL (
            SELECT (e.at AT TIME ZONE wh.timezone)::date AS day,
                   (e.at AT TIME ZONE wh.timezone)::date = wh.today AS is_today,
                   sum((CASE WHEN lt.kind IN ${VIRTUAL_KINDS} THEN 0 ELSE e.quantity END) - (CASE WHEN lf.kind IN ${VIRTUAL_KINDS} THEN 0 ELSE e.quantity END))::bigint AS net,
                   coalesce(sum(e.quantity) FILTER (WHERE e.reason = 'receipt' AND lf.kind IN ${VIRTUAL_KINDS} AND lt.kind NOT IN ${VIRTUAL_KINDS}), 0)::bigint AS from_suppliers,
                   coalesce(sum(e.quantity) FILTER (WHERE e.reason = 'transfer_in' AND lf.kind IN ${VIRTUAL_KINDS} AND lt.kind NOT IN ${VIRTUAL_KINDS}), 0)::bigint AS from_transfers,
                   coalesce(sum(e.quantity) FILTER (WHERE e.reason = 'ship'), 0)::bigint AS shipped,
                   coalesce(sum(e.quantity) FILTER (WHERE e.reason = 'transfer_out' AND lf.kind NOT IN ${VIRTUAL_KINDS}), 0)::bigint AS dispatched,
                   count(DISTINCT e.document_id) FILTER (WHERE e.reason = 'ship' AND e.document_type = 'order')::int AS orders_shipped,
                   count(DISTINCT e.document_id) FILTER (WHERE e.reason = 'transfer_in' AND e.document_type = 'transfer')::int AS transfers_received
            FROM ledger_entries e
            JOIN locations lf ON lf.id = e.from_location_id
            JOIN locations lt ON lt.id = e.to_location_id
            WHERE e.warehouse_id = wh.id AND e.at >= ((wh.today - ${TREND_DAYS - 1}::int)::timestamp AT TIME ZONE wh.timezone)
            GROUP BY 1, 2) f)
        SELECT total.units AS total, to_char((SELECT max(today) FROM wh), 'YYYY-MM-DD') AS last_day, to_char(d.day, 'YYYY-MM-DD') AS day, d.is_today, d.net, d.from_suppliers, d.from_transfers, d.shipped, d.dispatched, d.orders_shipped, d.transfers_received
        FROM total LEFT JOIN daily d ON true`,
  );
  const total = n(rows[0]?.total);
  const lastDay = rows[0]?.last_day ? String(rows[0].last_day) : now.toISOString().slice(0, 10);
  const today: TodayFlows = { receivedFromSuppliers: 0, receivedFromTransfers: 0, shipped: 0, dispatched: 0, ordersShipped: 0, transfersReceived: 0 };
  const byDay = new Map<string, { net: number; received: number; sentOut: number }>();
  for (const r of rows) {
    if (r.day === null || r.day === undefined) continue;
    const d = String(r.day);
    const cur = byDay.get(d) ?? { net: 0, received: 0, sentOut: 0 };
    cur.net += n(r.net);
    cur.received += n(r.from_suppliers) + n(r.from_transfers);
    cur.sentOut += n(r.shipped) + n(r.dispatched);
    byDay.set(d, cur);
    if (r.is_today === true || r.is_today === 't') {
      today.receivedFromSuppliers += n(r.from_suppliers);
      today.receivedFromTransfers += n(r.from_transfers);
      today.shipped += n(r.shipped);
      today.dispatched += n(r.dispatched);
      today.ordersShipped += n(r.orders_shipped);
      today.transfersReceived += n(r.transfers_received);
    }
  }
  const days = Array.from({ length: TREND_DAYS }, (_, i) => addDays(lastDay, i - TREND_DAYS + 1));
  // Net flow after the end of each day: everything dated later (a warehouse whose clock is
  // already on the next day included), walked from the newest day back.
  let later = [...byDay].filter(([d]) => d > lastDay).reduce((s, [, v]) => s + v.net, 0);
  const onHand = new Array<number>(days.length);
  for (let i = days.length - 1; i >= 0; i--) {
    onHand[i] = total - later;
    later += byDay.get(days[i]!)?.net ?? 0;
  }
  const recent = days.slice(-THROUGHPUT_DAYS);
  return {
    today,
    trend: { days, onHand },
    throughput: { days: recent, received: recent.map((d) => byDay.get(d)?.received ?? 0), sentOut: recent.map((d) => byDay.get(d)?.sentOut ?? 0) },
  };
}

// ---------------------------------------------------------------------------------------
// Documents of the day: ASNs, late orders

export type InboundToday = { asnsArrived: number; asnsDue: number };

/** ASNs checked in at the dock today, and ASNs expected by today that have not arrived. */
export async function inboundToday(db: Executor, ids: number[], now: Date): Promise<InboundToday> {
  const rows = await queryRows(
    db,
    sql`WITH ${whCte(ids, now)}
        SELECT (SELECT count(*) FROM wh JOIN inbound_shipments s ON s.warehouse_id = wh.id AND s.arrived_at >= wh.day_start AND s.arrived_at < wh.day_end)::int AS arrived,
               (SELECT count(*) FROM wh JOIN inbound_shipments s ON s.warehouse_id = wh.id AND s.status = 'expected' AND s.eta <= wh.today)::int AS due`,
  );
  return { asnsArrived: n(rows[0]?.arrived), asnsDue: n(rows[0]?.due) };
}

export type LateOrder = { id: number; warehouse: string; timezone: string; externalId: string; channel: OrderChannel; status: OrderStatus; seller: string; shipBy: Date };

/**
 * Orders whose ship-by moment has passed and that have not shipped (nor been cancelled),
 * most overdue first; and how many more are due before the end of today.
 */
export async function lateOrders(db: Executor, ids: number[], now: Date, limit = LIST_LIMIT): Promise<{ rows: LateOrder[]; total: number; dueToday: number }> {
  const at = now.toISOString();
  const [list, counts] = await Promise.all([
    queryRows(
      db,
      sql`SELECT o.id, w.code AS warehouse, w.timezone, o.external_id, o.channel, o.status, s.code AS seller, o.ship_by
          FROM orders o JOIN warehouses w ON w.id = o.warehouse_id JOIN sellers s ON s.id = o.seller_id
          WHERE o.warehouse_id = ANY(${intArray(ids)}) AND o.status IN ${OPEN_ORDER_STATUSES} AND o.ship_by < ${at}::timestamptz
          ORDER BY o.ship_by, o.id
          LIMIT ${limit}`,
    ),
    queryRows(
      db,
      sql`WITH ${whCte(ids, now)}
          SELECT count(*) FILTER (WHERE o.ship_by < ${at}::timestamptz)::int AS late,
                 count(*) FILTER (WHERE o.ship_by >= ${at}::timestamptz)::int AS due
          FROM wh JOIN orders o ON o.warehouse_id = wh.id AND o.status IN ${OPEN_ORDER_STATUSES} AND o.ship_by < wh.day_end`,
    ),
  ]);
  return {
    total: n(counts[0]?.late),
    dueToday: n(counts[0]?.due),
    rows: list.map((r) => ({
      id: n(r.id),
      warehouse: String(r.warehouse),
      timezone: String(r.timezone),
      externalId: String(r.external_id),
      channel: r.channel as OrderChannel,
      status: r.status as OrderStatus,
      seller: String(r.seller),
      shipBy: new Date(r.ship_by as string),
    })),
  };
}

// ---------------------------------------------------------------------------------------
// Open excursions

export type OpenExcursion = { id: number; warehouse: string; timezone: string; zone: string; location: string | null; startedAt: Date; endedAt: Date | null; peakCelsius: number; minCelsius: number | null; maxCelsius: number | null; status: 'open' | 'ended' };

/** Excursions not yet closed by a decision (still out of range, or back in range and waiting), newest first. */
export async function openExcursions(db: Executor, ids: number[], limit = LIST_LIMIT): Promise<{ rows: OpenExcursion[]; total: number }> {
  const rows = await queryRows(
    db,
    sql`SELECT e.id, w.code AS warehouse, w.timezone, z.code AS zone, l.code AS location, e.started_at, e.ended_at, e.peak_celsius, e.min_celsius, e.max_celsius,
               count(*) OVER ()::int AS total
        FROM excursions e JOIN warehouses w ON w.id = e.warehouse_id JOIN zones z ON z.id = e.zone_id LEFT JOIN locations l ON l.id = e.location_id
        WHERE e.warehouse_id = ANY(${intArray(ids)}) AND e.closed_at IS NULL
        ORDER BY e.started_at DESC, e.id DESC
        LIMIT ${limit}`,
  );
  return {
    total: rows.length ? n(rows[0]!.total) : 0,
    rows: rows.map((r) => {
      const endedAt = r.ended_at ? new Date(r.ended_at as string) : null;
      return {
        id: n(r.id),
        warehouse: String(r.warehouse),
        timezone: String(r.timezone),
        zone: String(r.zone),
        location: str(r.location),
        startedAt: new Date(r.started_at as string),
        endedAt,
        peakCelsius: n(r.peak_celsius),
        minCelsius: r.min_celsius === null || r.min_celsius === undefined ? null : n(r.min_celsius),
        maxCelsius: r.max_celsius === null || r.max_celsius === undefined ? null : n(r.max_celsius),
        status: excursionStatus({ endedAt, closedAt: null }) as 'open' | 'ended',
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Picks per operator per hour

export type OperatorPicks = { userId: number | null; name: string; byHour: Record<number, { picks: number; units: number }>; picks: number; units: number };
export type PickBoard = { hours: number[]; operators: OperatorPicks[]; byHour: Record<number, { picks: number; units: number }>; picks: number; units: number };

/**
 * Confirmed picks of today (ledger entries with reason pick), per operator and per hour of
 * the warehouse's clock: how many picks (lines) and units.
 */
export async function picksToday(db: Executor, ids: number[], now: Date): Promise<PickBoard> {
  const rows = await queryRows(
    db,
    sql`WITH ${whCte(ids, now)}
        SELECT p.actor_user_id, coalesce(u.name, p.actor_label, '—') AS name, p.hour, sum(p.picks)::int AS picks, sum(p.units)::bigint AS units
        FROM wh CROSS JOIN LATERAL (
          SELECT e.actor_user_id, e.actor_label, extract(hour FROM e.at AT TIME ZONE wh.timezone)::int AS hour, count(*) AS picks, sum(e.quantity) AS units
          FROM ledger_entries e
          WHERE e.warehouse_id = wh.id AND e.at >= wh.day_start AND e.at < wh.day_end AND e.reason = 'pick'
          GROUP BY 1, 2, 3) p
        LEFT JOIN users u ON u.id = p.actor_user_id
        GROUP BY p.actor_user_id, 2, p.hour`,
  );
  const ops = new Map<string, OperatorPicks>();
  const byHour: PickBoard['byHour'] = {};
  let picks = 0;
  let units = 0;
  for (const r of rows) {
    const userId = r.actor_user_id === null || r.actor_user_id === undefined ? null : n(r.actor_user_id);
    const name = String(r.name);
    const key = userId === null ? `label:${name}` : `user:${userId}`;
    const op = ops.get(key) ?? { userId, name, byHour: {}, picks: 0, units: 0 };
    const hour = n(r.hour);
    const cell = op.byHour[hour] ?? { picks: 0, units: 0 };
    const p = n(r.picks);
    const u = n(r.units);
    cell.picks += p;
    cell.units += u;
    op.byHour[hour] = cell;
    op.picks += p;
    op.units += u;
    ops.set(key, op);
    const h = byHour[hour] ?? { picks: 0, units: 0 };
    h.picks += p;
    h.units += u;
    byHour[hour] = h;
    picks += p;
    units += u;
  }
  const present = Object.keys(byHour).map(Number);
  const hours = present.length ? Array.from({ length: Math.max(...present) - Math.min(...present) + 1 }, (_, i) => Math.min(...present) + i) : [];
  const operators = [...ops.values()].sort((a, b) => b.picks - a.picks || a.name.localeCompare(b.name));
  return { hours, operators, byHour, picks, units };
}

// ---------------------------------------------------------------------------------------
// The whole dashboard

export type Dashboard = {
  now: Date;
  expiringDays: number;
  warehouses: DashboardWarehouse[];
  zones: ZoneStock[];
  classes: ClassStock[];
  totals: { onHand: number; reserved: number; available: number; quarantined: number };
  utilisation: { zones: ZoneUse[]; kinds: KindUse[] };
  lowStock: { rows: LowStockRow[]; total: number };
  expiring: { rows: ExpiringLot[]; total: number; units: number };
  inbound: InboundToday;
  flows: FlowSeries;
  late: { rows: LateOrder[]; total: number; dueToday: number };
  excursions: { rows: OpenExcursion[]; total: number };
  picks: PickBoard;
};

/**
 * Every figure of the dashboard for the warehouses in view. The reads are independent, so
 * they run at once (outside any transaction: each is its own consistent statement).
 */
export async function loadDashboard(db: Executor, input: DashboardInput): Promise<Dashboard> {
  const now = input.now ?? new Date();
  const ids = input.warehouses.map((w) => w.id);
  const [zones, utilisation, low, expiring, inbound, flowSeries, late, excursions, picks] = await Promise.all([
    stockByZone(db, ids),
    slotUtilisation(db, ids),
    lowStock(db, ids),
    expiringLots(db, ids, input.expiringDays, now),
    inboundToday(db, ids, now),
    flows(db, ids, now),
    lateOrders(db, ids, now),
    openExcursions(db, ids),
    picksToday(db, ids, now),
  ]);
  const totals = zones.reduce((t, z) => ({ onHand: t.onHand + z.onHand, reserved: t.reserved + z.reserved, available: t.available + z.available, quarantined: t.quarantined + z.quarantined }), { onHand: 0, reserved: 0, available: 0, quarantined: 0 });
  return { now, expiringDays: input.expiringDays, warehouses: input.warehouses, zones, classes: stockByClass(zones), totals, utilisation, lowStock: low, expiring, inbound, flows: flowSeries, late, excursions, picks };
}

import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.ts';
import { intArray, queryRows } from '../db/rows.ts';
import { inboundShipments, inboundStatuses, orders, orderStatuses, sellers, warehouses, type InboundStatus, type OrderStatus } from '../db/schema/index.ts';
import { blankToUndefined, optionalText } from '../inventory/filters.ts';
import { lotSellable, resolveSearch, type SearchMatch } from '../inventory/queries.ts';
import type { ReadScope } from '../inventory/scope.ts';
import { shipmentTotals } from '../inbound/queries.ts';
import { orderTotals } from '../outbound/queries.ts';
import { plainInteger } from '../http/numbers.ts';

const optionalCode = z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(40).optional());

/** Days ahead that count as "expiring soon" unless the page asks for another horizon. */
export const EXPIRING_DAYS = 30;

/** Filters of the portal page and its stock CSV. `seller` is for staff: whose portal to show. */
export const portalFilterSchema = z.object({
  seller: optionalCode,
  warehouse: optionalCode,
  q: optionalText(200),
  days: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(0).max(365).default(EXPIRING_DAYS))),
  page: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(1).max(1_000_000).default(1))),
});
export type PortalFilter = z.output<typeof portalFilterSchema>;

/** Filters of the ASN and order CSVs of the portal. */
export const portalShipmentCsvSchema = z.object({
  seller: optionalCode,
  warehouse: optionalCode,
  status: z.preprocess(blankToUndefined, z.enum(inboundStatuses).optional()),
});
export const portalOrderCsvSchema = z.object({
  seller: optionalCode,
  warehouse: optionalCode,
  status: z.preprocess(blankToUndefined, z.enum(orderStatuses).optional()),
});

export type PortalSeller = { id: number; code: string; name: string };

export async function sellerById(db: Executor, id: number): Promise<PortalSeller | null> {
  const [s] = await db.select({ id: sellers.id, code: sellers.code, name: sellers.name }).from(sellers).where(eq(sellers.id, id));
  return s ?? null;
}

export async function sellerByCode(db: Executor, code: string): Promise<PortalSeller | null> {
  const [s] = await db.select({ id: sellers.id, code: sellers.code, name: sellers.name }).from(sellers).where(eq(sellers.code, code));
  return s ?? null;
}

/** The scope a seller's own pages read with: that seller, every warehouse. */
export const sellerReadScope = (sellerId: number): ReadScope => ({ sellerId, warehouseIds: null });

/** The five figures of the portal, in units. */
export type Figures = { available: number; reserved: number; inTransit: number; quarantined: number; expiring: number };

export const zeroFigures = (): Figures => ({ available: 0, reserved: 0, inTransit: 0, quarantined: 0, expiring: 0 });

export function addFigures(a: Figures, b: Figures): Figures {
  return { available: a.available + b.available, reserved: a.reserved + b.reserved, inTransit: a.inTransit + b.inTransit, quarantined: a.quarantined + b.quarantined, expiring: a.expiring + b.expiring };
}

/**
 * One row per balance of the seller that counts, split into the portal's figures and filed
 * under a warehouse:
 * - available: on hand − reserved in real locations, except quarantine and staging (the dock
 *   counts: received goods are the seller's stock, put away shortly), of lots that expire
 *   after today in that warehouse (allocation takes no lot expiring today);
 * - reserved: held for orders and transfers, plus what sits picked in staging for an order;
 * - in transit: what a transit location holds (goods dispatched and not yet received), filed
 *   under the warehouse the goods are travelling to;
 * - quarantined (held back): on hand in quarantine locations, and the unreserved units of
 *   lots expiring today or expired that are still elsewhere (they can no longer be sold);
 * - expiring: on hand outside quarantine whose lot expires within `days` of today in that
 *   warehouse (or has expired). A part of available + reserved, not an addition to them.
 * So available + reserved + quarantined = on hand in the seller's real locations.
 */
/** A balance's lot (alias lt, in warehouse w) that can no longer be sold (the inventory's available leaves it out). */
const EXPIRED_LOT = sql`NOT ${lotSellable(sql.raw('lt.expires_on'), sql.raw('w.timezone'))}`;

function figureRows(sellerId: number, days: number): SQL {
  return sql`
    SELECT CASE WHEN l.kind = 'transit' THEN l.peer_warehouse_id ELSE b.warehouse_id END AS warehouse_id,
           b.product_id,
           CASE WHEN l.kind IN ('quarantine', 'staging', 'transit') OR ${EXPIRED_LOT} THEN 0 ELSE b.on_hand - b.reserved END AS available,
           CASE WHEN l.kind = 'staging' THEN b.on_hand WHEN l.kind IN ('quarantine', 'transit') THEN 0 ELSE b.reserved END AS reserved,
           CASE WHEN l.kind = 'transit' THEN b.on_hand ELSE 0 END AS in_transit,
           CASE WHEN l.kind = 'quarantine' THEN b.on_hand
                WHEN l.kind NOT IN ('staging', 'transit') AND ${EXPIRED_LOT} THEN b.on_hand - b.reserved
                ELSE 0 END AS quarantined,
           CASE WHEN l.kind NOT IN ('quarantine', 'transit') AND lt.expires_on <= (now() AT TIME ZONE w.timezone)::date + ${days}::int
                THEN b.on_hand ELSE 0 END AS expiring
    FROM stock_balances b
    JOIN products p ON p.id = b.product_id
    JOIN locations l ON l.id = b.location_id
    JOIN warehouses w ON w.id = b.warehouse_id
    LEFT JOIN lots lt ON lt.id = b.lot_id
    WHERE p.seller_id = ${sellerId}
      AND ((NOT b.is_virtual AND (b.on_hand <> 0 OR b.reserved <> 0)) OR (l.kind = 'transit' AND b.on_hand > 0))`;
}

const sums = sql`sum(f.available)::int AS available, sum(f.reserved)::int AS reserved, sum(f.in_transit)::int AS in_transit,
                 sum(f.quarantined)::int AS quarantined, sum(f.expiring)::int AS expiring`;

const figuresOf = (r: Record<string, unknown>): Figures => ({
  available: Number(r.available ?? 0),
  reserved: Number(r.reserved ?? 0),
  inTransit: Number(r.in_transit ?? 0),
  quarantined: Number(r.quarantined ?? 0),
  expiring: Number(r.expiring ?? 0),
});

export type WarehouseFigures = Figures & { warehouseId: number; code: string; name: string };

/** The seller's figures per warehouse (every warehouse where they have any) and in total. */
export async function stockByWarehouse(db: Executor, sellerId: number, days: number): Promise<{ rows: WarehouseFigures[]; total: Figures }> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH f AS (${figureRows(sellerId, days)})
        SELECT aw.id, aw.code, aw.name, ${sums}
        FROM f JOIN warehouses aw ON aw.id = f.warehouse_id
        GROUP BY aw.id, aw.code, aw.name
        ORDER BY aw.code`,
  );
  const out = rows.map((r): WarehouseFigures => ({ warehouseId: Number(r.id), code: String(r.code), name: String(r.name), ...figuresOf(r) }));
  return { rows: out, total: out.reduce<Figures>((t, r) => addFigures(t, r), zeroFigures()) };
}

export type ProductFigures = Figures & { productId: number; sku: string; name: string };
export type ProductFiguresPage = { rows: ProductFigures[]; total: Figures; count: number; match: SearchMatch | null; page: number; pages: number; pageSize: number };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);

/**
 * The seller's figures per product, in SKU order, a page at a time (or all of them for the CSV):
 * every product of the seller, out of stock ones too (zeros), unless narrowed to one warehouse and by the search box (a barcode, else a SKU prefix or part of the
 * name). The totals of the whole filtered view come with the page.
 */
export async function stockByProduct(
  db: Executor,
  sellerId: number,
  f: Pick<PortalFilter, 'warehouse' | 'q' | 'days' | 'page'>,
  opts: { pageSize: number; all?: boolean },
): Promise<ProductFiguresPage> {
  const match = f.q ? await resolveSearch(db, sellerReadScope(sellerId), f.q) : null;
  let search = sql``;
  if (match?.kind === 'barcode') search = sql`AND p.id = ANY(${intArray(match.productIds)})`;
  else if (match) {
    // A location label says nothing about a product: it is searched as text.
    const like = escapeLike(match.kind === 'text' ? match.text : f.q!.trim());
    search = sql`AND (p.sku ILIKE ${like + '%'} OR p.name ILIKE ${'%' + like + '%'})`;
  }
  // Every product of the seller, with its figures where it has any; narrowed as asked.
  const fromProducts = sql`FROM products p
          LEFT JOIN (f JOIN warehouses aw ON aw.id = f.warehouse_id) ON f.product_id = p.id
          WHERE p.seller_id = ${sellerId} ${f.warehouse ? sql`AND aw.code = ${f.warehouse}` : sql``} ${search}`;
  const fetch = (page: number) =>
    queryRows<Record<string, unknown>>(
      db,
      sql`WITH f AS (${figureRows(sellerId, f.days)})
          SELECT p.id, p.sku, p.name, ${sums},
                 (count(*) OVER ())::int AS total_rows,
                 sum(sum(f.available)) OVER () AS t_available, sum(sum(f.reserved)) OVER () AS t_reserved,
                 sum(sum(f.in_transit)) OVER () AS t_in_transit, sum(sum(f.quarantined)) OVER () AS t_quarantined,
                 sum(sum(f.expiring)) OVER () AS t_expiring
          ${fromProducts}
          GROUP BY p.id, p.sku, p.name
          ORDER BY p.sku, p.id
          LIMIT ${opts.all ? 1_000_000 : opts.pageSize} OFFSET ${opts.all ? 0 : (page - 1) * opts.pageSize}`,
    );
  let page = opts.all ? 1 : f.page;
  let rows = await fetch(page);
  if (rows.length === 0 && page > 1) {
    // Past the end (a stale link): the last page instead.
    const [n] = await queryRows<{ n: number }>(
      db,
      sql`WITH f AS (${figureRows(sellerId, f.days)})
          SELECT count(DISTINCT p.id)::int AS n ${fromProducts}`,
    );
    page = Math.max(1, Math.ceil(Number(n?.n ?? 0) / opts.pageSize));
    rows = await fetch(page);
  }
  const first = rows[0];
  const count = Number(first?.total_rows ?? 0);
  const total: Figures = first
    ? { available: Number(first.t_available), reserved: Number(first.t_reserved), inTransit: Number(first.t_in_transit), quarantined: Number(first.t_quarantined), expiring: Number(first.t_expiring) }
    : zeroFigures();
  return {
    rows: rows.map((r) => ({ productId: Number(r.id), sku: String(r.sku), name: String(r.name), ...figuresOf(r) })),
    total,
    count,
    match,
    page,
    pages: Math.max(1, Math.ceil(count / opts.pageSize)),
    pageSize: opts.pageSize,
  };
}

export type PortalShipment = {
  id: number;
  reference: string;
  status: InboundStatus;
  eta: string | null;
  transportMode: string;
  warehouseCode: string;
  timezone: string;
  arrivedAt: Date | null;
  createdAt: Date;
  lines: number;
  expected: number;
  received: number;
  damaged: number;
  short: number;
  over: number;
};

/** The seller's ASNs, newest first, with their line totals (short and over as on the receiving report). */
export async function sellerShipments(db: Executor, sellerId: number, f: { warehouse?: string; status?: InboundStatus; limit: number }): Promise<PortalShipment[]> {
  const totals = shipmentTotals(db);
  const rows = await db
    .select({
      id: inboundShipments.id,
      reference: inboundShipments.reference,
      status: inboundShipments.status,
      eta: inboundShipments.eta,
      transportMode: inboundShipments.transportMode,
      warehouseCode: warehouses.code,
      timezone: warehouses.timezone,
      arrivedAt: inboundShipments.arrivedAt,
      createdAt: inboundShipments.createdAt,
      lines: sql<number>`coalesce(${totals.lines}, 0)`,
      expected: sql<number>`coalesce(${totals.expected}, 0)`,
      received: sql<number>`coalesce(${totals.received}, 0)`,
      damaged: sql<number>`coalesce(${totals.damaged}, 0)`,
      short: sql<number>`coalesce(${totals.short}, 0)`,
      over: sql<number>`coalesce(${totals.over}, 0)`,
    })
    .from(inboundShipments)
    .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
    .leftJoin(totals, eq(totals.shipmentId, inboundShipments.id))
    .where(and(eq(inboundShipments.sellerId, sellerId), f.warehouse ? eq(warehouses.code, f.warehouse) : undefined, f.status ? eq(inboundShipments.status, f.status) : undefined))
    .orderBy(desc(inboundShipments.id))
    .limit(f.limit);
  return rows.map((r) => ({ ...r, lines: Number(r.lines), expected: Number(r.expected), received: Number(r.received), damaged: Number(r.damaged), short: Number(r.short), over: Number(r.over) }));
}

/** The seller's ASNs per status. */
export async function shipmentCounts(db: Executor, sellerId: number): Promise<Partial<Record<InboundStatus, number>>> {
  const rows = await db
    .select({ status: inboundShipments.status, n: sql<number>`count(*)::int` })
    .from(inboundShipments)
    .where(eq(inboundShipments.sellerId, sellerId))
    .groupBy(inboundShipments.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export type PortalOrder = {
  id: number;
  externalId: string;
  channel: string;
  status: OrderStatus;
  shipBy: Date | null;
  createdAt: Date;
  shippedAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  warehouseCode: string;
  timezone: string;
  units: number;
  picked: number;
  short: number;
  late: boolean;
};

/** The seller's orders, newest first, with their unit totals. */
export async function sellerOrders(db: Executor, sellerId: number, f: { warehouse?: string; status?: OrderStatus; limit: number }): Promise<PortalOrder[]> {
  const totals = orderTotals(db);
  const rows = await db
    .select({
      id: orders.id,
      externalId: orders.externalId,
      channel: orders.channel,
      status: orders.status,
      shipBy: orders.shipBy,
      createdAt: orders.createdAt,
      shippedAt: orders.shippedAt,
      carrier: orders.carrier,
      trackingNumber: orders.trackingNumber,
      warehouseCode: warehouses.code,
      timezone: warehouses.timezone,
      units: sql<number>`coalesce(${totals.units}, 0)`,
      picked: sql<number>`coalesce(${totals.picked}, 0)`,
      short: sql<number>`coalesce(${totals.short}, 0)`,
      late: sql<boolean>`coalesce(${orders.shipBy} < now() AND ${orders.status} NOT IN ('shipped', 'cancelled'), false)`,
    })
    .from(orders)
    .innerJoin(warehouses, eq(warehouses.id, orders.warehouseId))
    .leftJoin(totals, eq(totals.orderId, orders.id))
    .where(and(eq(orders.sellerId, sellerId), f.warehouse ? eq(warehouses.code, f.warehouse) : undefined, f.status ? eq(orders.status, f.status) : undefined))
    .orderBy(desc(orders.id))
    .limit(f.limit);
  return rows.map((r) => ({ ...r, units: Number(r.units), picked: Number(r.picked), short: Number(r.short), late: Boolean(r.late) }));
}

/** Warehouses a seller may choose in the portal's filter: every warehouse, in code order. */
export async function portalWarehouses(db: Executor) {
  return db.select({ id: warehouses.id, code: warehouses.code, name: warehouses.name }).from(warehouses).orderBy(asc(warehouses.code));
}

/** Sellers staff may open the portal of. */
export async function portalSellers(db: Executor): Promise<PortalSeller[]> {
  return db.select({ id: sellers.id, code: sellers.code, name: sellers.name }).from(sellers).orderBy(asc(sellers.code));
}

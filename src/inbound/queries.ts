import { and, asc, desc, eq, gte, ilike, inArray, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Executor } from '../db/client.ts';
import { inboundEvents, inboundLines, inboundReceipts, inboundShipments, inboundStatuses, locations, lots, products, sellers, stockBalances, users, warehouses } from '../db/schema/index.ts';
import { blankToUndefined, isoDate, optionalText, stripSymbology } from '../inventory/filters.ts';
import { sellerCondition, warehouseCondition, type ReadScope } from '../inventory/scope.ts';
import { plainInteger } from '../http/numbers.ts';

const optionalCode = z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(40).optional());

/** Filters of the ASN list (page and API). */
export const shipmentFilterSchema = z.object({
  warehouse: optionalCode,
  seller: optionalCode,
  status: z.preprocess(blankToUndefined, z.enum([...inboundStatuses, 'open'] as const).optional()),
  due_from: isoDate,
  due_to: isoDate,
  q: optionalText(60),
  page: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(1).max(100_000).default(1))),
});
export type ShipmentFilter = z.output<typeof shipmentFilterSchema>;

export type ShipmentRow = {
  id: number;
  reference: string;
  status: (typeof inboundStatuses)[number];
  eta: string | null;
  transportMode: string;
  sellerCode: string;
  warehouseCode: string;
  timezone: string;
  arrivedAt: Date | null;
  lines: number;
  expected: number;
  received: number;
  damaged: number;
};

const scoped = (scope: ReadScope) => and(sellerCondition(scope, inboundShipments.sellerId), warehouseCondition(scope, inboundShipments.warehouseId));

/** Per ASN: its lines and units expected, received, damaged, short and over (a subquery to join). */
export function shipmentTotals(db: Executor) {
  return db
    .select({
      shipmentId: inboundLines.shipmentId,
      lines: sql<number>`count(*)::int`.as('lines'),
      expected: sql<number>`sum(${inboundLines.expectedQty})::int`.as('expected'),
      received: sql<number>`sum(${inboundLines.receivedQty})::int`.as('received'),
      damaged: sql<number>`sum(${inboundLines.damagedQty})::int`.as('damaged'),
      short: sql<number>`sum(greatest(${inboundLines.expectedQty} - ${inboundLines.receivedQty} - ${inboundLines.damagedQty}, 0))::int`.as('short'),
      over: sql<number>`sum(greatest(${inboundLines.receivedQty} + ${inboundLines.damagedQty} - ${inboundLines.expectedQty}, 0))::int`.as('over'),
    })
    .from(inboundLines)
    .groupBy(inboundLines.shipmentId)
    .as('totals');
}

/** ASNs a user may see, newest ETA first within open ones; filters by warehouse, seller, status, due date. */
export async function listShipments(db: Executor, scope: ReadScope, f: ShipmentFilter, pageSize: number): Promise<{ rows: ShipmentRow[]; total: number; page: number; pages: number }> {
  const where = and(
    scoped(scope),
    f.warehouse ? eq(warehouses.code, f.warehouse) : undefined,
    f.seller ? eq(sellers.code, f.seller) : undefined,
    f.status === 'open' ? inArray(inboundShipments.status, ['draft', 'expected', 'arrived', 'receiving', 'received']) : f.status ? eq(inboundShipments.status, f.status) : undefined,
    f.due_from ? gte(inboundShipments.eta, f.due_from) : undefined,
    f.due_to ? lte(inboundShipments.eta, f.due_to) : undefined,
    f.q ? ilike(inboundShipments.reference, `%${stripSymbology(f.q).replace(/[\\%_]/g, (m) => '\\' + m)}%`) : undefined,
  );
  const totals = shipmentTotals(db);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(inboundShipments)
    .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
    .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
    .where(where);
  const total = count?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(f.page, pages);
  const rows = await db
    .select({
      id: inboundShipments.id,
      reference: inboundShipments.reference,
      status: inboundShipments.status,
      eta: inboundShipments.eta,
      transportMode: inboundShipments.transportMode,
      sellerCode: sellers.code,
      warehouseCode: warehouses.code,
      timezone: warehouses.timezone,
      arrivedAt: inboundShipments.arrivedAt,
      lines: sql<number>`coalesce(${totals.lines}, 0)`,
      expected: sql<number>`coalesce(${totals.expected}, 0)`,
      received: sql<number>`coalesce(${totals.received}, 0)`,
      damaged: sql<number>`coalesce(${totals.damaged}, 0)`,
    })
    .from(inboundShipments)
    .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
    .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
    .leftJoin(totals, eq(totals.shipmentId, inboundShipments.id))
    .where(where)
    .orderBy(sql`${inboundShipments.status} IN ('closed', 'cancelled')`, sql`${inboundShipments.eta} ASC NULLS LAST`, desc(inboundShipments.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows: rows.map((r) => ({ ...r, lines: Number(r.lines), expected: Number(r.expected), received: Number(r.received), damaged: Number(r.damaged) })), total, page, pages };
}

export type ShipmentLine = {
  id: number;
  lineNo: number;
  productId: number;
  sku: string;
  name: string;
  temperatureClass: (typeof products.$inferSelect)['temperatureClass'];
  tracksLot: boolean;
  tracksExpiry: boolean;
  expected: number;
  lotCode: string | null;
  expiresOn: string | null;
  received: number;
  damaged: number;
  short: number;
  over: number;
  arrivalCelsius: number | null;
  quarantineReason: string | null;
  quarantineNote: string | null;
  unexpected: boolean;
  decision: string | null;
};

export type ShipmentDetail = typeof inboundShipments.$inferSelect & {
  sellerCode: string;
  sellerName: string;
  warehouseCode: string;
  warehouseName: string;
  timezone: string;
  dockCode: string | null;
  createdByName: string | null;
  lines: ShipmentLine[];
};

/** What the dock's scan form shows of its ASN: the header line and each line's progress. */
export type ReceivingProgress = Pick<ShipmentDetail, 'id' | 'reference' | 'status' | 'sellerCode'> & {
  lines: Pick<ShipmentLine, 'lineNo' | 'sku' | 'name' | 'expected' | 'received' | 'damaged' | 'quarantineReason' | 'unexpected'>[];
};

/** A line's progress as the scan form and the ASN page show it. */
const lineProgressColumns = {
  lineNo: inboundLines.lineNo,
  sku: products.sku,
  name: products.name,
  expected: inboundLines.expectedQty,
  received: inboundLines.receivedQty,
  damaged: inboundLines.damagedQty,
  quarantineReason: inboundLines.quarantineReason,
  unexpected: inboundLines.unexpected,
};

/**
 * The scan form's ASN in one read (the header repeated on each line row): the answer to every
 * scan, so it reads only what the form shows. Null when the ASN is not in the reader's scope.
 */
export async function receivingProgress(db: Executor, scope: ReadScope, id: number): Promise<ReceivingProgress | null> {
  const rows = await db
    .select({
      id: inboundShipments.id,
      reference: inboundShipments.reference,
      status: inboundShipments.status,
      sellerCode: sellers.code,
      ...lineProgressColumns,
    })
    .from(inboundShipments)
    .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
    .leftJoin(inboundLines, eq(inboundLines.shipmentId, inboundShipments.id))
    .leftJoin(products, eq(products.id, inboundLines.productId))
    .where(and(eq(inboundShipments.id, id), scoped(scope)))
    .orderBy(asc(inboundLines.lineNo));
  const [head] = rows;
  if (!head) return null;
  return {
    id: head.id,
    reference: head.reference,
    status: head.status,
    sellerCode: head.sellerCode,
    lines: rows.flatMap((r) =>
      r.lineNo === null || r.sku === null || r.name === null
        ? []
        : [{ lineNo: r.lineNo, sku: r.sku, name: r.name, expected: r.expected ?? 0, received: r.received ?? 0, damaged: r.damaged ?? 0, quarantineReason: r.quarantineReason, unexpected: r.unexpected ?? false }],
    ),
  };
}

/** Short and over per line: damaged units arrived too, so they count against short. */
export function discrepancy(expected: number, received: number, damaged: number): { short: number; over: number } {
  const arrived = received + damaged;
  return { short: Math.max(0, expected - arrived), over: Math.max(0, arrived - expected) };
}

export async function getShipment(db: Executor, scope: ReadScope, id: number): Promise<ShipmentDetail | null> {
  const dock = alias(locations, 'dock');
  // The header and its lines are read at once (the lines of a shipment out of scope are
  // dropped with it).
  const [[s], lines] = await Promise.all([
    db
      .select({
        shipment: inboundShipments,
        sellerCode: sellers.code,
        sellerName: sellers.name,
        warehouseCode: warehouses.code,
        warehouseName: warehouses.name,
        timezone: warehouses.timezone,
        dockCode: dock.code,
        createdByName: users.name,
      })
      .from(inboundShipments)
      .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
      .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
      .leftJoin(dock, eq(dock.id, inboundShipments.dockLocationId))
      .leftJoin(users, eq(users.id, inboundShipments.createdBy))
      .where(and(eq(inboundShipments.id, id), scoped(scope))),
    db
      .select({
        ...lineProgressColumns,
        id: inboundLines.id,
        productId: products.id,
        temperatureClass: products.temperatureClass,
        tracksLot: products.tracksLot,
        tracksExpiry: products.tracksExpiry,
        lotCode: inboundLines.lotCode,
        expiresOn: inboundLines.expiresOn,
        arrivalCelsius: inboundLines.arrivalCelsius,
        quarantineNote: inboundLines.quarantineNote,
        decision: inboundLines.decision,
      })
      .from(inboundLines)
      .innerJoin(products, eq(products.id, inboundLines.productId))
      .where(eq(inboundLines.shipmentId, id))
      .orderBy(asc(inboundLines.lineNo)),
  ]);
  if (!s) return null;
  return {
    ...s.shipment,
    sellerCode: s.sellerCode,
    sellerName: s.sellerName,
    warehouseCode: s.warehouseCode,
    warehouseName: s.warehouseName,
    timezone: s.timezone,
    dockCode: s.dockCode,
    createdByName: s.createdByName,
    lines: lines.map((l) => ({ ...l, ...discrepancy(l.expected, l.received, l.damaged) })),
  };
}

export type ReceiptRow = {
  id: number;
  at: Date;
  lineNo: number;
  sku: string;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
  sscc: string | null;
  quantity: number;
  condition: 'good' | 'damaged';
  location: string;
  locationId: number;
  quarantineReason: string | null;
  actor: string | null;
  ledgerEntryId: number;
};

export async function shipmentReceipts(db: Executor, shipmentId: number, limit = 500): Promise<ReceiptRow[]> {
  const rows = await db
    .select({
      id: inboundReceipts.id,
      at: inboundReceipts.at,
      lineNo: inboundLines.lineNo,
      sku: products.sku,
      lot: lots.code,
      expiry: lots.expiresOn,
      serial: inboundReceipts.serial,
      sscc: inboundReceipts.sscc,
      quantity: inboundReceipts.quantity,
      condition: inboundReceipts.condition,
      location: locations.code,
      locationId: locations.id,
      quarantineReason: inboundReceipts.quarantineReason,
      actor: users.name,
      ledgerEntryId: inboundReceipts.ledgerEntryId,
    })
    .from(inboundReceipts)
    .innerJoin(inboundLines, eq(inboundLines.id, inboundReceipts.lineId))
    .innerJoin(products, eq(products.id, inboundReceipts.productId))
    .innerJoin(locations, eq(locations.id, inboundReceipts.locationId))
    .leftJoin(lots, eq(lots.id, inboundReceipts.lotId))
    .leftJoin(users, eq(users.id, inboundReceipts.actorUserId))
    .where(eq(inboundReceipts.shipmentId, shipmentId))
    .orderBy(desc(inboundReceipts.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, lot: r.lot || null }));
}

export type EventRow = { id: number; at: Date; action: string; fromStatus: string | null; toStatus: string | null; actor: string | null; note: string | null };

export async function shipmentEvents(db: Executor, shipmentId: number): Promise<EventRow[]> {
  return db
    .select({ id: inboundEvents.id, at: inboundEvents.at, action: inboundEvents.action, fromStatus: inboundEvents.fromStatus, toStatus: inboundEvents.toStatus, actor: users.name, note: inboundEvents.note })
    .from(inboundEvents)
    .leftJoin(users, eq(users.id, inboundEvents.actorUserId))
    .where(eq(inboundEvents.shipmentId, shipmentId))
    .orderBy(asc(inboundEvents.id));
}

/** Received lots per line, for the receiving report: what actually came, by lot and condition. */
export async function receivedLots(db: Executor, shipmentId: number) {
  return db
    .select({
      lineNo: inboundLines.lineNo,
      lot: lots.code,
      expiry: lots.expiresOn,
      condition: inboundReceipts.condition,
      quarantineReason: inboundReceipts.quarantineReason,
      quantity: sql<number>`sum(${inboundReceipts.quantity})::int`,
    })
    .from(inboundReceipts)
    .innerJoin(inboundLines, eq(inboundLines.id, inboundReceipts.lineId))
    .leftJoin(lots, eq(lots.id, inboundReceipts.lotId))
    .where(eq(inboundReceipts.shipmentId, shipmentId))
    .groupBy(inboundLines.lineNo, lots.code, lots.expiresOn, inboundReceipts.condition, inboundReceipts.quarantineReason)
    .orderBy(asc(inboundLines.lineNo), asc(lots.expiresOn));
}

/** ASNs an operator may receive now (or soon), for the scanner's ASN picker. */
export async function shipmentsAtDock(db: Executor, scope: ReadScope, warehouseId?: number) {
  return db
    .select({ id: inboundShipments.id, reference: inboundShipments.reference, status: inboundShipments.status, eta: inboundShipments.eta, sellerCode: sellers.code, warehouseCode: warehouses.code })
    .from(inboundShipments)
    .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
    .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
    .where(and(scoped(scope), inArray(inboundShipments.status, ['expected', 'arrived', 'receiving']), warehouseId ? eq(inboundShipments.warehouseId, warehouseId) : undefined))
    .orderBy(sql`${inboundShipments.status} = 'expected'`, sql`${inboundShipments.eta} ASC NULLS LAST`, asc(inboundShipments.reference))
    .limit(100);
}

/** ASNs whose reference is exactly this code (a scanned ASN label), among those a user may see. */
export async function shipmentsByReference(db: Executor, scope: ReadScope, reference: string) {
  return db
    .select({ id: inboundShipments.id, reference: inboundShipments.reference, status: inboundShipments.status, sellerCode: sellers.code, warehouseCode: warehouses.code })
    .from(inboundShipments)
    .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
    .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
    .where(and(scoped(scope), sql`upper(${inboundShipments.reference}) = upper(${reference})`));
}

export type DockStockRow = {
  balanceId: number;
  locationId: number;
  location: string;
  productId: number;
  sku: string;
  name: string;
  temperatureClass: (typeof products.$inferSelect)['temperatureClass'];
  lotId: number | null;
  lot: string | null;
  expiry: string | null;
  available: number;
};

/** Stock waiting at the docks of a warehouse: what putaway has to do. */
export async function dockStock(db: Executor, warehouseId: number, opts: { productIds?: number[]; balanceId?: number } = {}): Promise<DockStockRow[]> {
  const rows = await db
    .select({
      balanceId: stockBalances.id,
      locationId: locations.id,
      location: locations.code,
      productId: products.id,
      sku: products.sku,
      name: products.name,
      temperatureClass: products.temperatureClass,
      lotId: stockBalances.lotId,
      lot: lots.code,
      expiry: lots.expiresOn,
      available: sql<number>`${stockBalances.onHand} - ${stockBalances.reserved}`,
    })
    .from(stockBalances)
    .innerJoin(locations, eq(locations.id, stockBalances.locationId))
    .innerJoin(products, eq(products.id, stockBalances.productId))
    .leftJoin(lots, eq(lots.id, stockBalances.lotId))
    .where(
      and(
        eq(stockBalances.warehouseId, warehouseId),
        eq(locations.kind, 'dock'),
        sql`${stockBalances.onHand} - ${stockBalances.reserved} > 0`,
        opts.productIds ? inArray(stockBalances.productId, opts.productIds.length ? opts.productIds : [0]) : undefined,
        opts.balanceId ? eq(stockBalances.id, opts.balanceId) : undefined,
      ),
    )
    .orderBy(asc(locations.code), asc(products.sku), asc(lots.expiresOn))
    .limit(300);
  return rows.map((r) => ({ ...r, lot: r.lot || null, available: Number(r.available) }));
}


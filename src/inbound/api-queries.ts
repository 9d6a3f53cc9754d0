import { and, desc, eq, gte, ilike, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { inboundLines, inboundReceipts, inboundShipments, sellers, warehouses } from '../db/schema/index.ts';
import { sellerCondition, warehouseCondition, type ReadScope } from '../inventory/scope.ts';
import { shipmentTotals, type ShipmentFilter } from './queries.ts';

export type ShipmentListRow = {
  id: number;
  reference: string;
  status: (typeof inboundShipments.$inferSelect)['status'];
  eta: string | null;
  transportMode: string;
  sellerCode: string;
  warehouseCode: string;
  arrivedAt: Date | null;
  createdAt: Date;
  lines: number;
  expected: number;
  received: number;
  damaged: number;
};

/**
 * ASNs a user may see for GET /api/v1/inbound-shipments: newest id first, keyset-paged by
 * id (`before`: the last id of the previous page), with the line totals of each.
 */
export async function listShipmentsBefore(db: Executor, scope: ReadScope, f: Omit<ShipmentFilter, 'page'>, before: number | null, limit: number): Promise<ShipmentListRow[]> {
  const totals = shipmentTotals(db);
  const rows = await db
    .select({
      id: inboundShipments.id,
      reference: inboundShipments.reference,
      status: inboundShipments.status,
      eta: inboundShipments.eta,
      transportMode: inboundShipments.transportMode,
      sellerCode: sellers.code,
      warehouseCode: warehouses.code,
      arrivedAt: inboundShipments.arrivedAt,
      createdAt: inboundShipments.createdAt,
      lines: sql<number>`coalesce(${totals.lines}, 0)`,
      expected: sql<number>`coalesce(${totals.expected}, 0)`,
      received: sql<number>`coalesce(${totals.received}, 0)`,
      damaged: sql<number>`coalesce(${totals.damaged}, 0)`,
    })
    .from(inboundShipments)
    .innerJoin(warehouses, eq(warehouses.id, inboundShipments.warehouseId))
    .innerJoin(sellers, eq(sellers.id, inboundShipments.sellerId))
    .leftJoin(totals, eq(totals.shipmentId, inboundShipments.id))
    .where(
      and(
        sellerCondition(scope, inboundShipments.sellerId),
        warehouseCondition(scope, inboundShipments.warehouseId),
        f.warehouse ? eq(warehouses.code, f.warehouse) : undefined,
        f.seller ? eq(sellers.code, f.seller) : undefined,
        f.status === 'open' ? inArray(inboundShipments.status, ['draft', 'expected', 'arrived', 'receiving', 'received']) : f.status ? eq(inboundShipments.status, f.status) : undefined,
        f.due_from ? gte(inboundShipments.eta, f.due_from) : undefined,
        f.due_to ? lte(inboundShipments.eta, f.due_to) : undefined,
        f.q ? ilike(inboundShipments.reference, `%${f.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`) : undefined,
        before !== null ? lt(inboundShipments.id, before) : undefined,
      ),
    )
    .orderBy(desc(inboundShipments.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, lines: Number(r.lines), expected: Number(r.expected), received: Number(r.received), damaged: Number(r.damaged) }));
}

/** Units received per line and quarantine reason (all receipts, for the discrepancy list). */
export async function receivedByReason(db: Executor, shipmentId: number): Promise<{ lineId: number; reason: string | null; quantity: number }[]> {
  const rows = await db
    .select({ lineId: inboundReceipts.lineId, reason: inboundReceipts.quarantineReason, quantity: sql<number>`sum(${inboundReceipts.quantity})::int` })
    .from(inboundReceipts)
    .where(eq(inboundReceipts.shipmentId, shipmentId))
    .groupBy(inboundReceipts.lineId, inboundReceipts.quarantineReason);
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }));
}

/** The id of line `lineNo` of an ASN (unscoped: the service that uses it checks access). */
export async function lineIdOf(db: Executor, shipmentId: number, lineNo: number): Promise<number | null> {
  const [row] = await db
    .select({ id: inboundLines.id })
    .from(inboundLines)
    .where(and(eq(inboundLines.shipmentId, shipmentId), eq(inboundLines.lineNo, lineNo)));
  return row?.id ?? null;
}

/** The condition a receipt was recorded with (the service's result does not carry it). */
export async function receiptCondition(db: Executor, receiptId: number): Promise<'good' | 'damaged'> {
  const [row] = await db.select({ condition: inboundReceipts.condition }).from(inboundReceipts).where(eq(inboundReceipts.id, receiptId));
  return row?.condition ?? 'good';
}

import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.ts';
import { locations, lots, products, reservations, sellers, stockBalances, transferEvents, transferLines, transfers, users, warehouses, type TransferStatus } from '../db/schema/index.ts';
import { warehouseScope, type CurrentUser } from '../auth/policy.ts';
import { inTransitByLot } from './receive-transfer.ts';
import type { Transfer } from './create-transfer.ts';

const fromWh = alias(warehouses, 'from_wh');
const toWh = alias(warehouses, 'to_wh');

export type TransferRow = { id: number; status: TransferStatus; from: string; to: string; mode: string; vehiclePlate: string | null; container: string | null; reefer: boolean; eta: string | null; createdAt: Date; dispatchedAt: Date | null; timezone: string; lines: number; units: number; onRoad: number };

/** Transfers the user may see (from or to one of their warehouses), newest first, filtered. */
export async function listTransfers(db: Executor, user: CurrentUser, f: { warehouse?: string; status?: TransferStatus }, limit = 200): Promise<TransferRow[]> {
  const scope = warehouseScope(user);
  const rows = await db
    .select({
      id: transfers.id,
      status: transfers.status,
      from: fromWh.code,
      to: toWh.code,
      mode: transfers.transportMode,
      vehiclePlate: transfers.vehiclePlate,
      container: transfers.container,
      reefer: transfers.reefer,
      eta: transfers.eta,
      createdAt: transfers.createdAt,
      dispatchedAt: transfers.dispatchedAt,
      timezone: fromWh.timezone,
      lines: sql<number>`(SELECT count(*) FROM transfer_lines l WHERE l.transfer_id = ${transfers.id})::int`,
      units: sql<number>`(SELECT coalesce(sum(quantity), 0) FROM transfer_lines l WHERE l.transfer_id = ${transfers.id})::int`,
      onRoad: sql<number>`(SELECT coalesce(sum(dispatched_qty - received_qty - written_off_qty), 0) FROM transfer_lines l WHERE l.transfer_id = ${transfers.id})::int`,
    })
    .from(transfers)
    .innerJoin(fromWh, eq(fromWh.id, transfers.fromWarehouseId))
    .innerJoin(toWh, eq(toWh.id, transfers.toWarehouseId))
    .where(
      and(
        scope === null ? undefined : scope.length ? or(inArray(transfers.fromWarehouseId, scope), inArray(transfers.toWarehouseId, scope)) : sql`false`,
        f.warehouse ? or(eq(fromWh.code, f.warehouse), eq(toWh.code, f.warehouse)) : undefined,
        f.status ? eq(transfers.status, f.status) : undefined,
      ),
    )
    .orderBy(desc(transfers.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, lines: Number(r.lines), units: Number(r.units), onRoad: Number(r.onRoad) }));
}

/** A transfer's lines (with what is still on the road) and its events, for its record page. */
export async function transferRecord(db: Executor, t: Transfer) {
  const [from] = await db.select().from(warehouses).where(eq(warehouses.id, t.fromWarehouseId));
  const [to] = await db.select().from(warehouses).where(eq(warehouses.id, t.toWarehouseId));
  const lines = await db
    .select({ l: transferLines, sku: products.sku, name: products.name, seller: sellers.code, lot: lots.code })
    .from(transferLines)
    .innerJoin(products, eq(products.id, transferLines.productId))
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .leftJoin(lots, eq(lots.id, transferLines.lotId))
    .where(eq(transferLines.transferId, t.id))
    .orderBy(asc(transferLines.lineNo));
  const road = await inTransitByLot(db, t);
  const events = await db
    .select({ e: transferEvents, actor: users.name })
    .from(transferEvents)
    .leftJoin(users, eq(users.id, transferEvents.actorUserId))
    .where(eq(transferEvents.transferId, t.id))
    .orderBy(asc(transferEvents.at), asc(transferEvents.id));
  return {
    from: from!,
    to: to!,
    lines: lines.map(({ l, ...rest }) => ({ ...l, ...rest, lot: rest.lot || null, inTransit: road.filter((r) => r.lineId === l.id).reduce((n, r) => n + r.quantity, 0) })),
    events: events.map(({ e, actor }) => ({ ...e, actor })),
  };
}

/** Where to take a transfer's reserved units from, in walking order (its printable pick list). */
export async function transferPickList(db: Executor, transferId: number) {
  const rows = await db
    .select({ location: locations.code, sku: products.sku, lot: lots.code, quantity: reservations.quantity, walk: locations.walkSequence })
    .from(reservations)
    .innerJoin(stockBalances, eq(stockBalances.id, reservations.balanceId))
    .innerJoin(locations, eq(locations.id, stockBalances.locationId))
    .innerJoin(products, eq(products.id, stockBalances.productId))
    .leftJoin(lots, eq(lots.id, stockBalances.lotId))
    .where(and(eq(reservations.documentType, 'transfer'), eq(reservations.documentId, String(transferId)), isNull(reservations.closedAt)))
    .orderBy(asc(locations.walkSequence), asc(locations.code));
  return rows.map((r) => ({ location: r.location, sku: r.sku, lot: r.lot || null, quantity: r.quantity }));
}

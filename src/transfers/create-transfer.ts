import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { locations, lots, productBarcodes, products, reservations, sellers, transferEvents, transferLines, transfers, warehouses, type TransferStatus } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import { can, type Action, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { lockIdempotencyKey, release } from '../stock/index.ts';
import { earliestExpiry, fill, todayIn, type Demand, type LineToFill } from '../outbound/allocate.ts';
import { transferInputSchema } from './schemas.ts';
import { nextTransferStatus, type TransferAction } from './status.ts';

export type Transfer = typeof transfers.$inferSelect;

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path, key, params }] });
export const transferNotFound = () => new AppError('NOT_FOUND', { key: 'transfers.error.notFound' });

/**
 * A transfer the user may see (one of its two warehouses is theirs), locked as asked; a
 * transfer they may not see is not found. `action` must be allowed at `side`'s warehouse.
 */
export async function transferFor(tx: Tx, user: CurrentUser, id: number, action: Action, side: 'from' | 'to' | 'either', lock?: 'update'): Promise<Transfer> {
  const q = tx.select().from(transfers).where(eq(transfers.id, id));
  const [t] = lock ? await q.for('no key update') : await q;
  if (!t || !(can(user, 'transfer.read', { warehouseId: t.fromWarehouseId }) || can(user, 'transfer.read', { warehouseId: t.toWarehouseId }))) throw transferNotFound();
  const sides = side === 'from' ? [t.fromWarehouseId] : side === 'to' ? [t.toWarehouseId] : [t.fromWarehouseId, t.toWarehouseId];
  if (!sides.some((w) => can(user, action, { warehouseId: w }))) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  return t;
}

/** Sets the status by the transition table and writes the event. */
export async function transition(tx: Tx, t: Transfer, action: TransferAction, userId: number | null, note?: string, extra: Partial<typeof transfers.$inferInsert> = {}): Promise<Transfer> {
  const to = nextTransferStatus(t.status, action);
  const [row] = await tx.update(transfers).set({ ...extra, status: to, updatedAt: sql`now()` }).where(eq(transfers.id, t.id)).returning();
  await tx.insert(transferEvents).values({ transferId: t.id, fromStatus: t.status, toStatus: to as TransferStatus, action, actorUserId: userId, note });
  return row!;
}

/**
 * Creates a transfer (draft): from one warehouse to another along the transit location
 * between them; lines by SKU (with the seller when two sellers share the SKU) and an
 * optional lot. Chilled and frozen goods travel only on a reefer.
 */
export async function createTransfer(opts: { db: Db; user: CurrentUser; input: unknown; idempotencyKey?: string }): Promise<Transfer> {
  const input = parseInput(transferInputSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    if (opts.idempotencyKey) {
      await lockIdempotencyKey(tx, `transfer:${opts.user.id}:${opts.idempotencyKey}`);
      const [prior] = await tx.select().from(transfers).where(eq(transfers.idempotencyKey, `${opts.user.id}:${opts.idempotencyKey}`));
      if (prior) return prior;
    }
    const whs = await tx.select().from(warehouses).where(inArray(warehouses.code, [input.from_warehouse, input.to_warehouse]));
    const from = whs.find((w) => w.code === input.from_warehouse);
    const to = whs.find((w) => w.code === input.to_warehouse);
    if (!from || !can(opts.user, 'transfer.create', { warehouseId: from.id })) throw fieldError('from_warehouse', 'error.unknownWarehouse');
    if (!to) throw fieldError('to_warehouse', 'error.unknownWarehouse');
    if (from.id === to.id) throw fieldError('to_warehouse', 'transfers.error.sameWarehouse');
    const [transit] = await tx.select().from(locations).where(and(eq(locations.warehouseId, from.id), eq(locations.kind, 'transit'), eq(locations.peerWarehouseId, to.id), eq(locations.active, true)));
    if (!transit) throw fieldError('to_warehouse', 'transfers.error.noRoute', { from: from.code, to: to.code });

    const errors: FieldError[] = [];
    const lineRows: { productId: number; lotId: number | null; quantity: number }[] = [];
    for (const [i, l] of input.lines.entries()) {
      const found = await tx
        .selectDistinct({ id: products.id, sku: products.sku, cls: products.temperatureClass, seller: sellers.code })
        .from(products)
        .innerJoin(sellers, eq(sellers.id, products.sellerId))
        .leftJoin(productBarcodes, eq(productBarcodes.productId, products.id))
        .where(and(sql`(${products.sku} = ${l.sku} OR ${productBarcodes.code} = ${l.sku})`, l.seller ? eq(sellers.code, l.seller) : undefined));
      if (found.length === 0) {
        errors.push({ path: `lines.${i}.sku`, key: 'inbound.error.unknownSku', params: { sku: l.sku } });
        continue;
      }
      if (found.length > 1) {
        errors.push({ path: `lines.${i}.sku`, key: 'transfers.error.ambiguousSku', params: { sku: l.sku, sellers: found.map((f) => f.seller).join(', ') } });
        continue;
      }
      const p = found[0]!;
      if (p.cls !== 'ambient' && !input.transport.reefer) errors.push({ path: `lines.${i}.sku`, key: 'transfers.error.needsReefer', params: { sku: p.sku, class: `@class.${p.cls}` } });
      let lotId: number | null = null;
      if (l.lot) {
        const [lot] = await tx.select({ id: lots.id }).from(lots).where(and(eq(lots.productId, p.id), eq(lots.code, l.lot)));
        if (!lot) errors.push({ path: `lines.${i}.lot`, key: 'error.unknownLot' });
        else lotId = lot.id;
      }
      lineRows.push({ productId: p.id, lotId, quantity: l.quantity });
    }
    if (errors.length) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors });

    const [t] = await tx
      .insert(transfers)
      .values({
        fromWarehouseId: from.id,
        toWarehouseId: to.id,
        transportMode: input.transport.mode,
        tirCarnet: input.transport.tir_carnet ?? null,
        vehiclePlate: input.transport.vehicle_plate ?? null,
        trailerPlate: input.transport.trailer_plate ?? null,
        container: input.transport.container ?? null,
        seals: input.transport.seals,
        reefer: input.transport.reefer,
        eta: input.eta ?? null,
        note: input.note ?? null,
        transitLocationId: transit.id,
        createdBy: opts.user.id,
        idempotencyKey: opts.idempotencyKey ? `${opts.user.id}:${opts.idempotencyKey}` : null,
      })
      .returning();
    await tx.insert(transferLines).values(lineRows.map((l, i) => ({ transferId: t!.id, lineNo: i + 1, ...l })));
    await tx.insert(transferEvents).values({ transferId: t!.id, toStatus: 'draft', action: 'create', actorUserId: opts.user.id });
    return t!;
  });
}

/** Open reservations of a transfer's lines. */
export async function transferReservations(tx: Tx, transferId: number) {
  return tx
    .select()
    .from(reservations)
    .where(and(eq(reservations.documentType, 'transfer'), eq(reservations.documentId, String(transferId)), isNull(reservations.closedAt)));
}

/**
 * Starts picking at the source: stock for each line is reserved (first-expired-first-out,
 * never an expired lot; the line's lot when it names one), so orders cannot take it meanwhile.
 * What cannot be reserved is reported short; dispatch sends what was reserved.
 */
export async function startPicking(opts: { db: Db; user: CurrentUser; transferId: number }): Promise<{ transfer: Transfer; reserved: number; short: number }> {
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.create', 'from', 'update');
    nextTransferStatus(t.status, 'startPicking');
    const lines = await tx
      .select({ l: transferLines, tracksExpiry: products.tracksExpiry })
      .from(transferLines)
      .innerJoin(products, eq(products.id, transferLines.productId))
      .where(eq(transferLines.transferId, t.id))
      .orderBy(transferLines.productId, transferLines.id);
    const today = (await todayIn(tx, [t.fromWarehouseId])).get(t.fromWarehouseId)!;
    const demands: Demand[] = lines.map(({ l, tracksExpiry }) => {
      const line: LineToFill = { id: l.id, orderId: t.id, productId: l.productId, quantity: l.quantity, picked: 0, short: 0, shortAt: [], tracksExpiry, minShelf: 0, held: 0 };
      return { docId: t.id, docType: 'transfer', warehouseId: t.fromWarehouseId, line, need: l.quantity, earliest: earliestExpiry(line, { today, shipDay: today }), lotId: l.lotId };
    });
    const got = await fill(tx, demands);
    const reserved = got.reduce((n, g) => n + g.reserved.quantity, 0);
    const wanted = lines.reduce((n, x) => n + x.l.quantity, 0);
    const next = await transition(tx, t, 'startPicking', opts.user.id, reserved < wanted ? `+${reserved} ✗${wanted - reserved}` : `+${reserved}`);
    return { transfer: next, reserved, short: wanted - reserved };
  });
}

/** Cancels a transfer before dispatch; its reservations are released. */
export async function cancelTransfer(opts: { db: Db; user: CurrentUser; transferId: number; note?: string }): Promise<Transfer> {
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.create', 'from', 'update');
    nextTransferStatus(t.status, 'cancel');
    for (const r of await transferReservations(tx, t.id)) await release(tx, { reservationId: r.id });
    return transition(tx, t, 'cancel', opts.user.id, opts.note);
  });
}

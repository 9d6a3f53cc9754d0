import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { locations, markingCodes, orderLines, orders, pickLists, picks, pickTasks, productBarcodes, products, reservations } from '../db/schema/index.ts';
import { can, sellerScope, warehouseScope, type Action, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { sqlState, withTransaction } from '../db/tx.ts';
import { keyMadeStep, move, release } from '../stock/index.ts';
import { parseScan } from '../barcodes/gs1.ts';
import { looksLikeScan, scanErrorMessage } from '../barcodes/messages.ts';
import { barcodeCandidates, blankToUndefined, optionalText, stripSymbology } from '../inventory/filters.ts';
import { parseInput } from '../inbound/schemas.ts';
import { orderEvent, setOrderStatus, type Order } from './events.ts';
import { nextOrderStatus } from './status.ts';
import { dockFor } from '../inventory/docks.ts';
import { plainDecimal, plainInteger } from '../http/numbers.ts';

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) => new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });
const conflict = (path: string, key: FieldError['key'], params?: FieldError['params']) => new AppError('CONFLICT', { key, params, fieldErrors: [{ path, key, params }] });

/** The order a user names, or 404 when it is not theirs to see; 403 when they may not `action`. */
export async function orderFor(tx: Tx, user: CurrentUser, id: number, action: Action): Promise<Order> {
  const [o] = await tx.select().from(orders).where(eq(orders.id, id)).for('no key update');
  const seller = sellerScope(user);
  const whs = warehouseScope(user);
  if (!o || (seller !== null && o.sellerId !== seller) || (whs !== null && !whs.includes(o.warehouseId))) throw new AppError('NOT_FOUND', { key: 'outbound.error.orderNotFound' });
  if (!can(user, action, { warehouseId: o.warehouseId })) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  return o;
}

export const packScanSchema = z.object({ scan: z.string().min(1).max(500), quantity: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().positive().max(10_000).default(1))) });
export type PackScanResult = { sku: string; lineNo: number; quantity: number; packed: number; picked: number; serial: string | null; complete: boolean };

/**
 * The pack station verifies each picked unit by scan. A line that needs marking codes takes
 * one Chestny ZNAK / GS1 (01)+(21) scan per unit (the code is kept with the order); any other
 * line takes its EAN (a case code counts its units).
 */
export async function packScan(opts: { db: Db; user: CurrentUser; orderId: number; input: unknown }): Promise<PackScanResult> {
  const input = parseInput(packScanSchema, opts.input);
  try {
    return await withTransaction(opts.db, async (tx) => {
      const order = await orderFor(tx, opts.user, opts.orderId, 'order.fulfil');
      if (order.status !== 'picked') throw new AppError('CONFLICT', { key: 'outbound.error.notPicked', params: { status: `@outbound.status.${order.status}` } });
      const scan = parseScan(input.scan);
      const lines = await tx
        .select({ id: orderLines.id, lineNo: orderLines.lineNo, productId: orderLines.productId, picked: orderLines.pickedQty, packed: orderLines.packedQty, marking: orderLines.requiresMarking, sku: products.sku })
        .from(orderLines)
        .innerJoin(products, eq(products.id, orderLines.productId))
        .where(eq(orderLines.orderId, order.id))
        .orderBy(orderLines.lineNo);
      const codes = await tx
        .select({ productId: productBarcodes.productId, units: productBarcodes.units })
        .from(productBarcodes)
        .where(and(eq(productBarcodes.sellerId, order.sellerId), inArray(productBarcodes.code, barcodeCandidates(input.scan))));
      const matches = lines.filter((l) => codes.some((c) => c.productId === l.productId));
      if (matches.length === 0) {
        if (scan && !scan.ok && looksLikeScan(input.scan)) {
          const { key, params } = scanErrorMessage(scan.error);
          throw fieldError('scan', key, params);
        }
        throw conflict('scan', 'outbound.error.notInOrder', { code: stripSymbology(input.scan.trim()) });
      }
      const line = matches.find((l) => l.packed < l.picked) ?? matches[0]!;
      const units = codes.find((c) => c.productId === line.productId)!.units;
      let quantity = input.quantity * units;
      let serial: string | null = null;
      if (line.marking) {
        if (!scan.ok || !scan.serial || !scan.gtin) throw conflict('scan', 'outbound.error.markingRequired', { sku: line.sku });
        serial = scan.serial;
        quantity = 1;
        await tx.insert(markingCodes).values({ orderId: order.id, orderLineId: line.id, productId: line.productId, gtin: scan.gtin, serial, code: scan.code });
      }
      if (line.packed + quantity > line.picked) throw conflict('scan', 'outbound.error.packedEnough', { sku: line.sku, picked: line.picked });
      await tx.update(orderLines).set({ packedQty: sql`${orderLines.packedQty} + ${quantity}` }).where(eq(orderLines.id, line.id));
      const all = lines.map((l) => (l.id === line.id ? { ...l, packed: l.packed + quantity } : l));
      return { sku: line.sku, lineNo: line.lineNo, quantity, packed: line.packed + quantity, picked: line.picked, serial, complete: all.every((l) => l.packed === l.picked) };
    });
  } catch (err) {
    if (sqlState(err) === '23505') throw conflict('scan', 'outbound.error.markingUsed');
    throw err;
  }
}

export const packInputSchema = z.object({
  // Kept in grams: at least 1 g.
  weight_kg: z.preprocess(blankToUndefined, z.preprocess(plainDecimal, z.number().min(0.001).max(1000).optional())),
  carrier: optionalText(60),
  tracking_number: optionalText(80),
});

/** Closes the box: every picked unit verified; weight, carrier and tracking number recorded. */
export async function packOrder(opts: { db: Db; user: CurrentUser; orderId: number; input: unknown }): Promise<Order> {
  const input = parseInput(packInputSchema, opts.input);
  return withTransaction(opts.db, async (tx) => {
    const order = await orderFor(tx, opts.user, opts.orderId, 'order.fulfil');
    const to = nextOrderStatus(order.status, 'pack');
    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order.id));
    const unverified = lines.reduce((n, l) => n + l.pickedQty - l.packedQty, 0);
    if (unverified > 0) throw new AppError('CONFLICT', { key: 'outbound.error.notAllPacked', params: { count: unverified } });
    if (lines.every((l) => l.pickedQty === 0)) throw new AppError('CONFLICT', { key: 'outbound.error.nothingPicked' });
    await tx
      .update(orders)
      .set({ weightGrams: input.weight_kg ? Math.round(input.weight_kg * 1000) : order.weightGrams, carrier: input.carrier ?? order.carrier, trackingNumber: input.tracking_number ?? order.trackingNumber, packedAt: sql`now()` })
      .where(eq(orders.id, order.id));
    await setOrderStatus(tx, order, to, 'pack', opts.user.id);
    const [fresh] = await tx.select().from(orders).where(eq(orders.id, order.id));
    return fresh!;
  });
}

/** Hands the parcel to the carrier: the picked units move staging → customer; the order is shipped. */
export async function shipOrder(opts: { db: Db; user: CurrentUser; orderId: number; input: unknown; idempotencyKey?: string | undefined }): Promise<Order> {
  const input = parseInput(packInputSchema, opts.input);
  const key = opts.idempotencyKey === undefined ? undefined : `ship:${opts.user.id}:${opts.idempotencyKey}`;
  return withTransaction(opts.db, async (tx) => {
    const order = await orderFor(tx, opts.user, opts.orderId, 'order.fulfil');
    // Sent again with its key (a lost answer): the order as it is, nothing moves again.
    if (key && (await keyMadeStep(tx, key, { type: 'order', id: String(order.id) }))) {
      if (input.tracking_number && input.tracking_number !== order.trackingNumber) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
      return order;
    }
    if (order.status !== 'packed') throw new AppError('CONFLICT', { key: 'outbound.error.notPacked', params: { status: `@outbound.status.${order.status}` } });
    const to = nextOrderStatus(order.status, 'ship');
    const staged = await tx
      .select({ productId: picks.productId, lotId: picks.lotId, locationId: picks.toLocationId, quantity: sql<number>`sum(${picks.quantity})::int` })
      .from(picks)
      .where(eq(picks.orderId, order.id))
      .groupBy(picks.productId, picks.lotId, picks.toLocationId);
    const customer = await customerOf(tx, order.warehouseId);
    for (const [i, s] of staged.entries()) {
      // The first move carries the key (already locked and looked up above).
      const keyed = i === 0 && key ? { idempotencyKey: key, keyChecked: true } : {};
      await move(tx, { productId: s.productId, lotId: s.lotId, quantity: Number(s.quantity), fromLocationId: s.locationId, toLocationId: customer, reason: 'ship', document: { type: 'order', id: String(order.id) }, actor: { userId: opts.user.id }, ...keyed });
    }
    await tx
      .update(orders)
      .set({ shippedAt: sql`now()`, carrier: input.carrier ?? order.carrier, trackingNumber: input.tracking_number ?? order.trackingNumber, weightGrams: input.weight_kg ? Math.round(input.weight_kg * 1000) : order.weightGrams })
      .where(eq(orders.id, order.id));
    await setOrderStatus(tx, order, to, 'ship', opts.user.id, input.tracking_number);
    const [fresh] = await tx.select().from(orders).where(eq(orders.id, order.id));
    return fresh!;
  });
}

async function customerOf(tx: Tx, warehouseId: number): Promise<number> {
  const [c] = await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.warehouseId, warehouseId), eq(locations.kind, 'customer'))).limit(1);
  if (!c) throw new AppError('CONFLICT', { key: 'outbound.error.noCustomerLocation' });
  return c.id;
}

/**
 * Cancels an order before it ships: every open reservation is released, open tasks are
 * cancelled, and units already picked go from staging back to a dock of their class to be put
 * away again.
 */
export async function cancelOrder(opts: { db: Db; user: CurrentUser; orderId: number; note?: string }): Promise<Order> {
  return withTransaction(opts.db, async (tx) => {
    const order = await orderFor(tx, opts.user, opts.orderId, 'order.cancel');
    const to = nextOrderStatus(order.status, 'cancel');
    if (opts.user.role === 'seller' && !['new', 'allocated', 'backordered'].includes(order.status)) throw new AppError('FORBIDDEN', { key: 'outbound.error.sellerCancelLate' });
    const open = await tx.select({ id: reservations.id }).from(reservations).where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(order.id)), isNull(reservations.closedAt)));
    for (const r of open) await release(tx, { reservationId: r.id });
    const cancelledTasks = await tx.update(pickTasks).set({ status: 'cancelled' }).where(and(eq(pickTasks.orderId, order.id), eq(pickTasks.status, 'open'))).returning();
    // The order's pick list is finished when nothing on it is left to pick (cancelled when nothing was picked at all).
    for (const listId of new Set(cancelledTasks.map((t) => t.pickListId))) {
      const [left] = await tx.select({ open: sql<number>`count(*) FILTER (WHERE ${pickTasks.status} = 'open')::int`, worked: sql<number>`count(*) FILTER (WHERE ${pickTasks.status} IN ('done', 'short'))::int` }).from(pickTasks).where(eq(pickTasks.pickListId, listId));
      if (Number(left!.open) === 0) {
        await tx.update(pickLists).set({ status: Number(left!.worked) > 0 ? 'done' : 'cancelled', completedAt: sql`now()` }).where(eq(pickLists.id, listId));
      }
    }
    const staged = await tx
      .select({ productId: picks.productId, lotId: picks.lotId, locationId: picks.toLocationId, quantity: sql<number>`sum(${picks.quantity})::int` })
      .from(picks)
      .where(eq(picks.orderId, order.id))
      .groupBy(picks.productId, picks.lotId, picks.toLocationId);
    for (const s of staged) {
      const dock = await dockFor(tx, order.warehouseId, s.productId);
      await move(tx, { productId: s.productId, lotId: s.lotId, quantity: Number(s.quantity), fromLocationId: s.locationId, toLocationId: dock, reason: 'return', document: { type: 'order', id: String(order.id) }, actor: { userId: opts.user.id }, note: 'order cancelled' });
    }
    await tx.update(orders).set({ cancelledAt: sql`now()`, pickListId: null }).where(eq(orders.id, order.id));
    await setOrderStatus(tx, order, to, 'cancel', opts.user.id, opts.note);
    if (staged.length) await orderEvent(tx, order.id, 'returnToDock', opts.user.id);
    const [fresh] = await tx.select().from(orders).where(eq(orders.id, order.id));
    return fresh!;
  });
}

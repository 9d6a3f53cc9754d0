import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { orderEvents, orderLines, orders, productBarcodes, products, sellers, warehouses, type OrderChannel } from '../db/schema/index.ts';
import { can, sellerScope, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { sellerFor } from '../inventory/seller-for.ts';
import { parseInput } from '../inbound/schemas.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { orderInputSchema, type ParsedOrder } from './schemas.ts';
import { allocateOrder, type AllocationResult } from './allocate.ts';
import { wallClockToInstant } from '../inbound/temperature.ts';
import type { Order } from './events.ts';

export type CreateOrderResult = { order: Order; created: boolean; allocation: AllocationResult | null };

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path, key, params }] });

/**
 * Creates an order and allocates it in the same transaction. The external id is unique per
 * seller and channel: the same order sent again (a re-imported marketplace payload, an API
 * retry) returns the existing order and creates nothing.
 */
export async function createOrder(opts: { db: Db; user: CurrentUser; input: unknown; source?: unknown }): Promise<CreateOrderResult> {
  let input: ParsedOrder;
  try {
    input = parseInput(orderInputSchema, opts.input);
  } catch (err) {
    throw await withUnknownSkus(opts, err);
  }
  return withTransaction(opts.db, (tx) => createOrderIn(tx, opts.user, input, opts.source));
}

/** The same, inside the caller's transaction (imports run many orders in one go). */
export async function createOrderIn(tx: Tx, user: CurrentUser, input: ParsedOrder, source?: unknown): Promise<CreateOrderResult> {
  const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
  if (!wh || !can(user, 'order.create', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
  const sellerId = await sellerFor(tx, user, input.seller);
  const channel: OrderChannel = input.channel;
  await lockIdempotencyKey(tx, `order:${sellerId}:${channel}:${input.external_id}`);
  const [existing] = await tx.select().from(orders).where(and(eq(orders.sellerId, sellerId), eq(orders.channel, channel), eq(orders.externalId, input.external_id)));
  if (existing) return { order: existing, created: false, allocation: null };

  const lines = await resolveLines(tx, sellerId, input.lines);
  const [order] = await tx
    .insert(orders)
    .values({ sellerId, warehouseId: wh.id, channel, externalId: input.external_id, shipBy: shipByInstant(input.ship_by, wh.timezone), note: input.note ?? null, createdBy: user.id, source: source ?? null })
    .returning();
  await tx.insert(orderLines).values(lines.map((l, i) => ({ orderId: order!.id, lineNo: i + 1, ...l })));
  await tx.insert(orderEvents).values({ orderId: order!.id, toStatus: 'new', action: 'create', actorUserId: user.id, note: channel });
  const allocation = await allocateOrder(tx, order!.id, user.id);
  const [fresh] = await tx.select().from(orders).where(eq(orders.id, order!.id));
  return { order: fresh!, created: true, allocation };
}

/** A ship-by day ends at 23:59 on the warehouse's clock; a moment is taken as it is. */
function shipByInstant(v: ParsedOrder['ship_by'], timeZone: string): Date | null {
  if (!v) return null;
  if ('at' in v && v.at) return v.at;
  return 'day' in v && v.day ? wallClockToInstant(`${v.day}T23:59`, timeZone) : null;
}

/** Lines by the seller's article (SKU) or, failing that, one of the seller's barcodes. */
export async function resolveLines(tx: Tx, sellerId: number, lines: ParsedOrder['lines']) {
  const codes = [...new Set(lines.map((l) => l.sku))];
  const bySku = await tx.select({ id: products.id, code: products.sku }).from(products).where(and(eq(products.sellerId, sellerId), inArray(products.sku, codes)));
  const byBarcode = await tx
    .select({ id: productBarcodes.productId, code: productBarcodes.code, units: productBarcodes.units })
    .from(productBarcodes)
    .where(and(eq(productBarcodes.sellerId, sellerId), inArray(productBarcodes.code, codes)));
  const found = new Map<string, { id: number; units: number }>();
  for (const b of byBarcode) found.set(b.code, { id: b.id, units: b.units });
  for (const p of bySku) found.set(p.code, { id: p.id, units: 1 });
  const errors: FieldError[] = [];
  const out = lines.map((l, i) => {
    const p = found.get(l.sku);
    if (!p) errors.push({ path: `lines.${i}.sku`, key: 'inbound.error.unknownSku', params: { sku: l.sku } });
    return { productId: p?.id ?? 0, quantity: l.quantity * (p?.units ?? 1), requiresMarking: l.requires_marking, externalRef: l.external_ref ?? null };
  });
  if (errors.length) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors });
  return out;
}

/** A refused order form names unknown SKUs too, so every bad row is marked at once. */
async function withUnknownSkus(opts: { db: Db; user: CurrentUser; input: unknown }, err: unknown): Promise<unknown> {
  if (!(err instanceof AppError)) return err;
  const raw = opts.input as { seller?: unknown; lines?: unknown } | null;
  const lines = Array.isArray(raw?.lines) ? (raw.lines as { sku?: unknown }[]) : [];
  const codes = lines.map((l) => (typeof l?.sku === 'string' ? l.sku.trim() : '')).filter((x) => x && x.length <= 80);
  if (codes.length === 0) return err;
  try {
    const sellerId = await withTransaction(opts.db, (tx) => sellerFor(tx, opts.user, typeof raw?.seller === 'string' && raw.seller.trim() ? raw.seller.trim().toUpperCase() : undefined));
    const known = new Set([
      ...(await opts.db.select({ c: products.sku }).from(products).where(and(eq(products.sellerId, sellerId), inArray(products.sku, codes)))).map((r) => r.c),
      ...(await opts.db.select({ c: productBarcodes.code }).from(productBarcodes).where(and(eq(productBarcodes.sellerId, sellerId), inArray(productBarcodes.code, codes)))).map((r) => r.c),
    ]);
    const extra: FieldError[] = [];
    lines.forEach((l, i) => {
      const sku = typeof l?.sku === 'string' ? l.sku.trim() : '';
      if (sku && !known.has(sku) && !err.fieldErrors.some((f) => f.path === `lines.${i}.sku`)) extra.push({ path: `lines.${i}.sku`, key: 'inbound.error.unknownSku', params: { sku } });
    });
    return extra.length ? new AppError(err.code, { key: err.key, params: err.params, fieldErrors: [...err.fieldErrors, ...extra] }) : err;
  } catch {
    return err;
  }
}

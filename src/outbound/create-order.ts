import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { orderEvents, orderLines, orders, productBarcodes, products, sellers, warehouses, type OrderChannel } from '../db/schema/index.ts';
import { can, sellerScope, type CurrentUser } from '../auth/policy.ts';
import { AppError, isAppError, type FieldError } from '../errors.ts';
import { textArray } from '../db/rows.ts';
import { withTransaction } from '../db/tx.ts';
import { sellerFor } from '../inventory/seller-for.ts';
import { parseInput } from '../inbound/schemas.ts';
import { orderInputSchema, type ParsedOrder } from './schemas.ts';
import { allocateLocked, type AllocationResult } from './allocate.ts';
import { wallClockToInstant } from '../inbound/temperature.ts';
import type { Order } from './events.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { requestFingerprint } from '../db/idempotency.ts';

export type CreateOrderResult = { order: Order; created: boolean; allocation: AllocationResult | null };

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path, key, params }] });

/**
 * Creates an order and allocates it in the same transaction. The external id is unique per
 * seller and channel: the same order sent again (a re-imported marketplace payload, an API
 * retry) returns the existing order and creates nothing.
 */
export async function createOrder(opts: { db: Db; user: CurrentUser; input: unknown; source?: unknown; idempotencyKey?: string | undefined }): Promise<CreateOrderResult> {
  let input: ParsedOrder;
  try {
    input = parseInput(orderInputSchema, opts.input);
  } catch (err) {
    throw await withUnknownSkus(opts, err);
  }
  if (opts.idempotencyKey === undefined) return withTransaction(opts.db, (tx) => createOrderIn(tx, opts.user, input, opts.source));
  // With an Idempotency-Key: the order the key made is answered again as it was (created),
  // whatever happened to it since; the key sent with another order is a 409.
  const key = `order:${opts.user.id}:${opts.idempotencyKey}`;
  const asked = requestFingerprint('order', input);
  return withTransaction(opts.db, async (tx) => {
    await lockIdempotencyKey(tx, key);
    const [prior] = await tx.select().from(orders).where(eq(orders.idempotencyKey, key));
    if (prior) {
      if (prior.requestFingerprint !== asked) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
      return { order: prior, created: true, allocation: null };
    }
    return createOrderIn(tx, opts.user, input, opts.source, { key, fingerprint: asked });
  });
}

/** The same, inside the caller's transaction. */
export async function createOrderIn(tx: Tx, user: CurrentUser, input: ParsedOrder, source?: unknown, idempotency?: OrderKey): Promise<CreateOrderResult> {
  const [outcome] = await createOrdersIn(tx, user, [{ input, source, idempotency }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.result;
}

export type OrderOutcome = { ok: true; result: CreateOrderResult } | { ok: false; error: AppError };
/** The Idempotency-Key an API order is created with (scoped to its user) and what was asked with it. */
type OrderKey = { key: string; fingerprint: string };

/** Rows per multi-row INSERT of order lines (7 parameters each). */
const LINE_CHUNK = 5000;

/**
 * Creates many orders in the caller's transaction with a fixed number of statements (an
 * import chunk of hundreds costs about what one order does), then allocates them in the
 * given order. Each order is judged on its own: an unknown warehouse, seller or SKU is that
 * order's error, the rest go ahead. An order whose external id exists for the seller and
 * channel (sent before, by anyone, or twice in this list) is returned as it is, not created.
 */
export async function createOrdersIn(tx: Tx, user: CurrentUser, items: { input: ParsedOrder; source?: unknown; idempotency?: OrderKey | undefined }[]): Promise<OrderOutcome[]> {
  const outcomes: (OrderOutcome | undefined)[] = new Array(items.length);
  const whCodes = [...new Set(items.map((i) => i.input.warehouse))];
  const whByCode = new Map((await tx.select().from(warehouses).where(inArray(warehouses.code, whCodes))).map((w) => [w.code, w]));
  const sellerByCode = new Map<string, number | AppError>();
  type Ready = { at: number; input: ParsedOrder; source: unknown; idempotency: OrderKey | undefined; wh: typeof warehouses.$inferSelect; sellerId: number; key: string };
  const ready: Ready[] = [];
  for (const [at, { input, source, idempotency }] of items.entries()) {
    const wh = whByCode.get(input.warehouse);
    if (!wh || !can(user, 'order.create', { warehouseId: wh.id })) {
      outcomes[at] = { ok: false, error: fieldError('warehouse', 'error.unknownWarehouse') };
      continue;
    }
    const sellerCode = input.seller ?? '';
    if (!sellerByCode.has(sellerCode)) {
      try {
        sellerByCode.set(sellerCode, await sellerFor(tx, user, input.seller));
      } catch (err) {
        if (!isAppError(err)) throw err;
        sellerByCode.set(sellerCode, err);
      }
    }
    const seller = sellerByCode.get(sellerCode)!;
    if (seller instanceof AppError) outcomes[at] = { ok: false, error: seller };
    else ready.push({ at, input, source, idempotency, wh, sellerId: seller, key: `${seller}|${input.channel}|${input.external_id}` });
  }

  // Lines by SKU or barcode, per seller in one go.
  const resolved = new Map<number, ResolvedLine[]>();
  const bySeller = new Map<number, Ready[]>();
  for (const r of ready) bySeller.set(r.sellerId, [...(bySeller.get(r.sellerId) ?? []), r]);
  for (const [sellerId, list] of bySeller) {
    const found = await codesOf(tx, sellerId, list.flatMap((r) => r.input.lines.map((l) => l.sku)));
    for (const r of list) {
      const lines = linesFrom(found, r.input.lines);
      if (lines instanceof AppError) outcomes[r.at] = { ok: false, error: lines };
      else resolved.set(r.at, lines);
    }
  }

  // New orders, in a fixed order (seller, channel, external id) so that concurrent batches
  // sharing an external id wait for each other instead of deadlocking on the unique index.
  const firstOfKey = new Map<string, Ready>();
  const fresh = ready.filter((r) => resolved.has(r.at) && !firstOfKey.has(r.key) && firstOfKey.set(r.key, r));
  fresh.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inserted = fresh.length
    ? await tx
        .insert(orders)
        .values(fresh.map((r) => ({ sellerId: r.sellerId, warehouseId: r.wh.id, channel: r.input.channel, externalId: r.input.external_id, shipBy: shipByInstant(r.input.ship_by, r.wh.timezone), note: r.input.note ?? null, createdBy: user.id, source: r.source ?? null, idempotencyKey: r.idempotency?.key ?? null, requestFingerprint: r.idempotency?.fingerprint ?? null })))
        .onConflictDoNothing()
        .returning()
    : [];
  const created = new Map(inserted.map((o) => [`${o.sellerId}|${o.channel}|${o.externalId}`, o]));

  const lineRows = [...created.values()].flatMap((o) => {
    const r = firstOfKey.get(`${o.sellerId}|${o.channel}|${o.externalId}`)!;
    return resolved.get(r.at)!.map((l, i) => ({ orderId: o.id, lineNo: i + 1, ...l }));
  });
  for (let at = 0; at < lineRows.length; at += LINE_CHUNK) await tx.insert(orderLines).values(lineRows.slice(at, at + LINE_CHUNK));
  if (created.size) await tx.insert(orderEvents).values([...created.values()].map((o) => ({ orderId: o.id, toStatus: 'new' as const, action: 'create', actorUserId: user.id, note: o.channel })));

  // Allocation in the callers' order: earlier orders first when stock is short.
  const inOrder = ready.flatMap((r) => {
    const o = created.get(r.key);
    return o && firstOfKey.get(r.key) === r ? [o] : [];
  });
  const allocations = new Map((await allocateLocked(tx, inOrder, user.id)).map((a) => [a.orderId, a]));

  // The rest existed already (before, or earlier in this list).
  const missing = ready.filter((r) => resolved.has(r.at) && !(created.get(r.key) && firstOfKey.get(r.key) === r));
  const existing = new Map<string, Order>();
  if (missing.length) {
    const keys = sql.join(
      missing.map((r) => sql`(${r.sellerId}::int, ${r.input.channel}::order_channel, ${r.input.external_id}::text)`),
      sql`, `,
    );
    for (const o of await tx.select().from(orders).where(sql`(${orders.sellerId}, ${orders.channel}, ${orders.externalId}) IN (${keys})`)) existing.set(`${o.sellerId}|${o.channel}|${o.externalId}`, o);
  }
  const freshRows = inOrder.length ? new Map((await tx.select().from(orders).where(inArray(orders.id, inOrder.map((o) => o.id)))).map((o) => [o.id, o])) : new Map<number, Order>();
  for (const r of ready) {
    if (outcomes[r.at]) continue;
    const mine = created.get(r.key);
    if (mine && firstOfKey.get(r.key) === r) outcomes[r.at] = { ok: true, result: { order: freshRows.get(mine.id)!, created: true, allocation: allocations.get(mine.id) ?? null } };
    else {
      const o = existing.get(r.key) ?? created.get(r.key);
      // Not inserted and not found: a concurrent insert of this key rolled back after ours waited on it. Rare: ask for a retry.
      if (!o) throw new AppError('CONFLICT', { key: 'error.tryAgain' });
      outcomes[r.at] = { ok: true, result: { order: freshRows.get(o.id) ?? o, created: false, allocation: null } };
    }
  }
  return outcomes.map((o) => o!);
}

/** A ship-by day ends at 23:59 on the warehouse's clock; a moment is taken as it is. */
function shipByInstant(v: ParsedOrder['ship_by'], timeZone: string): Date | null {
  if (!v) return null;
  if ('at' in v && v.at) return v.at;
  return 'day' in v && v.day ? wallClockToInstant(`${v.day}T23:59`, timeZone) : null;
}

type ResolvedLine = { productId: number; quantity: number; requiresMarking: boolean; externalRef: string | null };

/** The seller's products by article (SKU) and by barcode (with the units a barcode stands for). */
async function codesOf(tx: Tx, sellerId: number, codes: string[]): Promise<Map<string, { id: number; units: number }>> {
  const unique = [...new Set(codes)];
  const found = new Map<string, { id: number; units: number }>();
  if (unique.length === 0) return found;
  const byBarcode = await tx
    .select({ id: productBarcodes.productId, code: productBarcodes.code, units: productBarcodes.units })
    .from(productBarcodes)
    .where(and(eq(productBarcodes.sellerId, sellerId), sql`${productBarcodes.code} = ANY(${textArray(unique)})`));
  const bySku = await tx.select({ id: products.id, code: products.sku }).from(products).where(and(eq(products.sellerId, sellerId), sql`${products.sku} = ANY(${textArray(unique)})`));
  for (const b of byBarcode) found.set(b.code, { id: b.id, units: b.units });
  for (const p of bySku) found.set(p.code, { id: p.id, units: 1 });
  return found;
}

/** Lines by the seller's article (SKU) or, failing that, one of the seller's barcodes; every unknown one named. */
function linesFrom(found: Map<string, { id: number; units: number }>, lines: ParsedOrder['lines']): ResolvedLine[] | AppError {
  const errors: FieldError[] = [];
  const out = lines.map((l, i) => {
    const p = found.get(l.sku);
    if (!p) errors.push({ path: `lines.${i}.sku`, key: 'inbound.error.unknownSku', params: { sku: l.sku } });
    return { productId: p?.id ?? 0, quantity: l.quantity * (p?.units ?? 1), requiresMarking: l.requires_marking, externalRef: l.external_ref ?? null };
  });
  return errors.length ? new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors }) : out;
}

/** Lines of one order for a seller (see linesFrom); throws the validation error. */
export async function resolveLines(tx: Tx, sellerId: number, lines: ParsedOrder['lines']): Promise<ResolvedLine[]> {
  const out = linesFrom(await codesOf(tx, sellerId, lines.map((l) => l.sku)), lines);
  if (out instanceof AppError) throw out;
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

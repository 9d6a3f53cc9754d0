import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { locations, lots, products, stockBalances, type CapacityUnit } from '../db/schema/index.ts';
import { queryRows, textArray } from '../db/rows.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { entryForKey, knownFacts, locationFactSql, lockIdempotencyKey, move, productFactSql, type LedgerEntry, type LocationFacts, type ProductFacts } from '../stock/index.ts';
import { barcodeCandidates, stripSymbology } from './filters.ts';
import { parseScan } from '../barcodes/gs1.ts';
import { looksLikeScan, scanErrorMessage } from '../barcodes/messages.ts';
import { settleAll } from '../db/pipeline.ts';
import { plainInteger } from '../http/numbers.ts';

/** The relocation form and its JSON twin: codes as a scanner types them. */
export const relocationSchema = z.object({
  warehouse: z.string().trim().toUpperCase().min(1).max(20),
  product: z.string().trim().min(1).max(200),
  lot: z.string().trim().max(80).optional().default(''),
  from: z.string().trim().toUpperCase().min(1).max(40),
  to: z.string().trim().toUpperCase().min(1).max(40),
  quantity: z.preprocess(plainInteger, z.number().int().positive().max(1_000_000)),
  idempotency_key: z.string().trim().min(8).max(100),
});
export type RelocationInput = z.input<typeof relocationSchema>;
export type RelocationResult = { sku: string; quantity: number; from: string; to: string; replayed: boolean; entryId: number; caseUnits: number };

const fieldMessages: Record<string, FieldError['key']> = {
  warehouse: 'error.required',
  product: 'error.required',
  from: 'error.required',
  to: 'error.required',
  quantity: 'error.quantityPositiveInteger',
  idempotency_key: 'error.required',
};

export function parseRelocation(raw: unknown): z.output<typeof relocationSchema> {
  const parsed = relocationSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.map((i) => {
    const path = String(i.path[0] ?? '');
    return { path, key: fieldMessages[path] ?? 'error.invalidValue' } satisfies FieldError;
  });
  throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors });
}

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });

/**
 * Moves stock from one real location to another inside one warehouse (a relocation or a
 * putaway by hand). The product may be given by barcode or SKU; the lot may be left out when
 * the from-location holds only one lot of the product.
 */
export async function relocateStock(opts: { db: Db; user: CurrentUser; input: unknown }): Promise<RelocationResult> {
  const input = parseRelocation(opts.input);
  const idempotencyKey = `relocation:${opts.user.id}:${input.idempotency_key}`;
  return withTransaction(opts.db, async (tx) => {
    // A repeat (a double Enter, a retry after a lost response) returns the first result
    // before anything else is judged: the stock it moved may no longer be where it was.
    // The key's lock, the entry it made, the warehouse with both locations, and the products
    // the code names are sent at once; the reads run once the lock is held. Each is judged in that
    // order, and nothing is used before the warehouse is the user's.
    const [, prior, places, byBarcode] = await settleAll([
      lockIdempotencyKey(tx, idempotencyKey),
      entryForKey(tx, idempotencyKey),
      placesByCode(tx, input.warehouse, [input.from, input.to]),
      productsByBarcode(tx, input.product),
    ]);
    if (prior) {
      // The same key with another move (another place, product or quantity) is refused.
      const product = byBarcode.find((p) => p.id === prior.productId);
      const same =
        prior.fromLocationId === places.at(input.from)?.id &&
        prior.toLocationId === places.at(input.to)?.id &&
        (byBarcode.length === 0 || product !== undefined) &&
        prior.quantity === input.quantity * (product?.units ?? 1) &&
        (!input.lot || (await lotNamed(tx, prior.lotId, input.lot)));
      if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
      return describeEntry(tx, prior, product?.units ?? 1);
    }
    if (places.warehouseId === null || !can(opts.user, 'stock.move', { warehouseId: places.warehouseId })) throw fieldError('warehouse', 'error.unknownWarehouse');
    const product = await productFrom(tx, input.product, byBarcode);
    const from = movableLocation(places.at(input.from), input.from, 'from');
    const to = movableLocation(places.at(input.to), input.to, 'to');
    const lotId = (await findLot(tx, product, from.id, input.lot))?.id ?? null;
    try {
      const { entry, replayed } = await move(
        tx,
        {
          productId: product.id,
          lotId,
          // A case barcode moves whole cases.
          quantity: input.quantity * product.units,
          fromLocationId: from.id,
          toLocationId: to.id,
          reason: 'relocation',
          actor: { userId: opts.user.id },
          idempotencyKey,
          keyChecked: true,
        },
        // What the lookups above read: the ledger checks its rules against them (the lot is
        // one findLot found among this product's balances).
        knownFacts({ products: [product], locations: [from, to], lots: lotId === null ? [] : [{ id: lotId, productId: product.id }] }),
      );
      return { sku: product.sku, quantity: entry.quantity, from: from.code, to: to.code, replayed, entryId: entry.id, caseUnits: product.units };
    } catch (err) {
      // Point the user at the field to fix.
      if (err instanceof AppError && err.fieldErrors.length === 0) {
        const path = err.code === 'INSUFFICIENT_STOCK' || err.key === 'error.quantityPositiveInteger' ? 'quantity' : err.code === 'WRONG_TEMPERATURE_CLASS' ? 'to' : err.key === 'error.sameLocation' ? 'to' : null;
        if (path) throw new AppError(err.code, { key: err.key, params: err.params, fieldErrors: [{ path, key: err.key, params: err.params }] });
      }
      throw err;
    }
  });
}

/** Whether a lot is the one a form names (by its code, or by its expiry date for goods tracked by expiry only). */
export async function lotNamed(tx: Tx, lotId: number | null, named: string): Promise<boolean> {
  if (lotId === null) return false;
  const [lot] = await queryRows<{ code: string; expiry: string | null }>(tx, sql`SELECT code, to_char(expires_on, 'YYYY-MM-DD') AS expiry FROM lots WHERE id = ${lotId}`);
  return !!lot && (named === lot.code || named === lot.expiry);
}

/** `units`: how many units one scan of the code stands for (a case barcode: units per case). */
async function describeEntry(tx: Tx, entry: LedgerEntry, caseUnits: number): Promise<RelocationResult> {
  const [p] = await tx.select({ sku: products.sku }).from(products).where(eq(products.id, entry.productId));
  const locs = await tx.select({ id: locations.id, code: locations.code }).from(locations).where(inArray(locations.id, [entry.fromLocationId, entry.toLocationId]));
  const code = (id: number) => locs.find((l) => l.id === id)?.code ?? '';
  return { sku: p?.sku ?? '', quantity: entry.quantity, from: code(entry.fromLocationId), to: code(entry.toLocationId), replayed: true, entryId: entry.id, caseUnits };
}

/** With what the stock rules need to know of it (`ProductFacts`). */
export type FoundProduct = ProductFacts & { units: number };


/** The products a barcode (EAN, case code, GS1, marketplace) names. */
function productsByBarcode(tx: Tx, raw: string) {
  return queryRows<FoundProduct>(
    tx,
    sql`SELECT DISTINCT ${productFactSql}, b.units FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ANY(${textArray(barcodeCandidates(raw))})`,
  );
}

/** The one product among those a barcode named, else the one whose SKU the code is; errors on the `product` field. */
async function productFrom(tx: Tx, raw: string, byBarcode: FoundProduct[]): Promise<FoundProduct> {
  const found = byBarcode.length ? byBarcode : await queryRows<FoundProduct>(tx, sql`SELECT ${productFactSql}, 1 AS units FROM products p WHERE p.sku = ${stripSymbology(raw)}`);
  if (found.length === 0) {
    // A scan that is not even a valid barcode says exactly what is wrong with it.
    const scan = looksLikeScan(raw) ? parseScan(raw) : null;
    if (scan && !scan.ok) {
      const { key, params } = scanErrorMessage(scan.error);
      throw fieldError('product', key, params);
    }
    throw fieldError('product', 'error.unknownProductCode', { code: raw });
  }
  if (found.length > 1) throw fieldError('product', 'error.ambiguousProduct', { code: raw });
  return found[0]!;
}

/** The one product a barcode (EAN, case code, GS1, marketplace) or a SKU names; errors on the `product` field. */
export async function findProduct(tx: Tx, raw: string): Promise<FoundProduct> {
  return productFrom(tx, raw, await productsByBarcode(tx, raw));
}

/** A location as a move form looks it up: what the stock rules need to know of it, and its room. */
export type Place = LocationFacts & { capacity: number | null; capacityUnit: CapacityUnit };

/**
 * The warehouse with this code and those of its locations that the labels (as scanned) name,
 * in one statement: `warehouseId` is null when there is no such warehouse; `at(label)` is the
 * location, if the warehouse has one with that label.
 */
export async function placesByCode(tx: Tx, warehouseCode: string, labels: string[]): Promise<{ warehouseId: number | null; at: (label: string) => Place | undefined }> {
  const codes = labels.map(stripSymbology);
  const rows = await queryRows<{ wh: number } & (Place | { [K in keyof Place]: null })>(
    tx,
    sql`SELECT w.id AS wh, ${locationFactSql}, l.capacity, l.capacity_unit::text AS "capacityUnit"
        FROM warehouses w
        LEFT JOIN locations l ON l.warehouse_id = w.id AND l.code IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)})
        LEFT JOIN zones z ON z.id = l.zone_id
        WHERE w.code = ${warehouseCode}`,
  );
  const found = rows.filter((r): r is { wh: number } & Place => r.id !== null);
  return {
    warehouseId: rows[0] ? rows[0].wh : null,
    at: (label) => {
      const code = stripSymbology(label);
      const r = found.find((f) => f.code === code);
      if (!r) return undefined;
      const { wh: _wh, ...place } = r;
      return place;
    },
  };
}

/** The location found, if stock may be moved there by hand (not a virtual one); errors on its field. */
function movableLocation<L extends { kind: string }>(loc: L | undefined, code: string, field: 'from' | 'to'): L {
  if (!loc || ['supplier', 'customer', 'transit', 'adjustment'].includes(loc.kind)) throw fieldError(field, 'error.unknownLocationCode', { code });
  return loc;
}

/**
 * The lot to move: the one named (by lot code, or by expiry date YYYY-MM-DD for goods tracked
 * by expiry only), or the only one the from-location holds.
 */
export async function findLot(tx: Tx, product: FoundProduct, fromId: number, code: string): Promise<{ id: number; code: string | null; expiresOn: string | null } | null> {
  if (!product.tracksLot && !product.tracksExpiry) {
    if (code) throw fieldError('lot', 'error.productHasNoLots', { sku: product.sku });
    return null;
  }
  const byExpiry = /^\d{4}-\d{2}-\d{2}$/.test(code);
  const held = await tx
    .select({ id: lots.id, code: lots.code, expiresOn: lots.expiresOn })
    .from(stockBalances)
    .innerJoin(lots, eq(lots.id, stockBalances.lotId))
    .where(
      and(
        eq(stockBalances.locationId, fromId),
        eq(stockBalances.productId, product.id),
        gt(stockBalances.onHand, 0),
        !code ? sql`true` : byExpiry ? eq(lots.expiresOn, code) : eq(lots.code, code),
      ),
    );
  if (held.length === 1) return held[0]!;
  if (held.length === 0) throw fieldError(code ? 'lot' : 'from', code ? 'error.lotNotHere' : 'error.nothingHere', { sku: product.sku, lot: code });
  throw fieldError('lot', 'error.chooseLot', { lots: held.map((h) => [h.code, h.expiresOn].filter(Boolean).join(' ')).join(', ') });
}

import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { productBarcodes, products, sellers, temperatureClasses, type BarcodeKind } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { MessageKey, MessageParams } from '../i18n/index.ts';
import { gtinCheckDigit, isValidGtin } from '../barcodes/check-digit.ts';
import { sqlState, withTransaction } from '../db/tx.ts';
import { issueFieldError } from '../http/issues.ts';
import { plainInteger } from '../http/numbers.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { blankToUndefined } from './filters.ts';
import type { ProductListItem } from './queries.ts';
import { sellerFor } from './seller-for.ts';

export const MAX_BARCODES = 20;

const GTIN_KINDS: Record<number, BarcodeKind> = { 8: 'ean8', 12: 'upca', 13: 'ean13', 14: 'gtin14' };
/** A marketplace code (Ozon `OZN…`, a Wildberries label): visible ASCII, as a scanner types it. */
const MARKETPLACE_CODE = /^[\x21-\x7e]{4,40}$/;
/** Text a person typed: no control characters (a NUL, a line break) and no broken UTF-16. */
const PLAIN_TEXT = /^[^\p{Cc}\p{Cs}]*$/u;

/**
 * What a unit barcode is: a GTIN (EAN-13, EAN-8, UPC-A, GTIN-14) with its check digit verified,
 * or a marketplace code (4–40 visible characters, not all digits). Digits are always a GTIN:
 * a wrong check digit is a misprint or a slip of the finger, not a marketplace code.
 */
export function barcodeKindOf(code: string): { kind: BarcodeKind } | { error: MessageKey } {
  if (/^\d+$/.test(code)) {
    const kind = GTIN_KINDS[code.length];
    if (!kind) return { error: 'product.error.badBarcode' };
    return isValidGtin(code) ? { kind } : { error: 'product.error.badCheckDigit' };
  }
  return MARKETPLACE_CODE.test(code) ? { kind: 'marketplace' } : { error: 'product.error.badBarcode' };
}

const isGtin = (code: string) => /^\d+$/.test(code) && isValidGtin(code);

/**
 * The GTIN-14 of a case of the item a GTIN names: indicator digit 1, the item's GTIN-13 body
 * without its check digit, a new check digit (as the demo data makes them).
 */
export function caseGtinOf(gtin: string): string {
  const body = '1' + gtin.padStart(14, '0').slice(1, 13);
  return body + gtinCheckDigit(body);
}

/** Every way one code may be written and scanned: a GTIN as 8, 12, 13 or 14 digits (leading zeros). */
function spellings(code: string): string[] {
  if (!isGtin(code)) return [code];
  const g14 = code.padStart(14, '0');
  const out = new Set([code, g14]);
  for (const len of [13, 12, 8]) if (/^0*$/.test(g14.slice(0, 14 - len))) out.add(g14.slice(14 - len));
  return [...out];
}
/** One key per distinct code: a GTIN by its 14 digits, anything else as written. */
const sameCode = (code: string) => (isGtin(code) ? code.padStart(14, '0') : code);

const text = (max: number) => z.string().trim().min(1).max(max).regex(PLAIN_TEXT);

const barcodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .superRefine((code, ctx) => {
    if (code === '' || code.length > 40) return; // already refused by its length
    const k = barcodeKindOf(code);
    if ('error' in k) ctx.addIssue({ code: 'custom', message: k.error, params: { key: k.error, barcode: code } });
  });

/** A product as POST /api/v1/products sends it. */
export const productInputSchema = z
  .object({
    seller: z.preprocess(blankToUndefined, z.string().trim().toUpperCase().min(1).max(40).optional()),
    sku: text(80),
    name: text(200),
    barcodes: z.array(barcodeSchema).max(MAX_BARCODES).default([]),
    temperature_class: z.enum(temperatureClasses),
    tracks_lot: z.boolean().default(false),
    tracks_expiry: z.boolean().default(false),
    /** The product also comes in cases of this many units: each GTIN gets its case GTIN-14. */
    units_per_case: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(2).max(100_000).optional())),
  })
  .superRefine((p, ctx) => {
    const issue = (path: (string | number)[], key: MessageKey, params: MessageParams) => ctx.addIssue({ code: 'custom', path, message: key, params: { key, ...params } });
    if (!Array.isArray(p.barcodes) || !p.barcodes.every((b) => typeof b === 'string')) return;
    const first = new Map<string, number>();
    p.barcodes.forEach((code, i) => {
      const k = sameCode(code);
      if (first.has(k)) issue(['barcodes', i], 'product.error.barcodeTwice', { barcode: code });
      else first.set(k, i);
    });
    if (p.units_per_case === undefined) return;
    if (!p.barcodes.some(isGtin)) return issue(['units_per_case'], 'product.error.caseNeedsGtin', {});
    p.barcodes.forEach((code, i) => {
      const own = isGtin(code) ? first.get(sameCode(caseGtinOf(code))) : undefined;
      if (own !== undefined) issue(['barcodes', i], 'product.error.caseIsUnit', { barcode: caseGtinOf(code), unit: code });
    });
  });
export type ProductInput = z.output<typeof productInputSchema>;

/** Parses a product or throws a 422 naming each field (`barcodes.3`), every problem at once. */
export function parseProductInput(raw: unknown): ProductInput {
  const parsed = productInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.map((i): FieldError => {
    const path = i.path.map(String).join('.');
    if (i.code === 'custom' && i.params?.key) {
      const { key, ...params } = i.params as { key: MessageKey } & MessageParams;
      return { path, key, params };
    }
    if (i.code === 'too_big' && i.origin === 'array') return { path, key: 'product.error.tooManyBarcodes', params: { max: MAX_BARCODES } };
    return issueFieldError(i, path);
  });
  throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors });
}

type BarcodeRow = { code: string; kind: BarcodeKind; units: number };

/** The barcodes a product is registered with: its unit codes as given, then the case codes. */
function barcodeRows(input: ProductInput): BarcodeRow[] {
  const units = input.barcodes.map((code): BarcodeRow => ({ code, kind: (barcodeKindOf(code) as { kind: BarcodeKind }).kind, units: 1 }));
  const cases = new Map<string, BarcodeRow>();
  if (input.units_per_case !== undefined) {
    for (const code of input.barcodes.filter(isGtin)) {
      const c = caseGtinOf(code);
      cases.set(c, { code: c, kind: 'gtin14', units: input.units_per_case });
    }
  }
  return [...units, ...cases.values()];
}

export type CreateProductResult = { product: ProductListItem; created: boolean };

/**
 * Creates a product with its unit barcodes and, given units per case, the case GTIN-14 of each
 * GTIN. Admins and managers name any seller; a seller's user creates only for their own seller
 * (another seller's code is an unknown seller, as for their ASNs and orders). The SKU and every
 * barcode are unique per seller (a GTIN in any of its spellings): a duplicate is a 409 that
 * names the product holding it. With an idempotency key, a repeat of a request whose product
 * exists exactly as asked answers that product again instead of the 409.
 */
export async function createProduct(opts: { db: Db; user: CurrentUser; input: unknown; idempotencyKey?: string }): Promise<CreateProductResult> {
  if (!can(opts.user, 'catalog.edit')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  const input = parseProductInput(opts.input);
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(opts.db, (tx) => createProductIn(tx, opts.user, input, opts.idempotencyKey));
    } catch (err) {
      // A concurrent request inserted the same SKU or barcode first, and has committed: the
      // checks, run again, now see it and answer the 409 naming it (or, for a repeat with a
      // key, the product it made).
      if (sqlState(err) !== '23505') throw err;
      if (attempt >= 3) throw new AppError('CONFLICT', { key: 'product.error.tryAgain', cause: err });
    }
  }
}

/** The same, inside the caller's transaction. */
export async function createProductIn(tx: Tx, user: CurrentUser, input: ProductInput, idempotencyKey?: string): Promise<CreateProductResult> {
  const sellerId = await sellerFor(tx, user, input.seller);
  const [seller] = await tx.select({ code: sellers.code }).from(sellers).where(eq(sellers.id, sellerId));
  const rows = barcodeRows(input);
  // Repeats of one key wait here for the first to commit, then find its product.
  if (idempotencyKey) await lockIdempotencyKey(tx, `product:${sellerId}:${idempotencyKey}`);

  const [existing] = await tx.select().from(products).where(and(eq(products.sellerId, sellerId), eq(products.sku, input.sku)));
  if (existing && idempotencyKey) {
    const codes = await tx.select({ code: productBarcodes.code, units: productBarcodes.units }).from(productBarcodes).where(eq(productBarcodes.productId, existing.id)).orderBy(asc(productBarcodes.id));
    const same =
      existing.name === input.name &&
      existing.temperatureClass === input.temperature_class &&
      existing.tracksLot === input.tracks_lot &&
      existing.tracksExpiry === input.tracks_expiry &&
      sameSet(codes.map((b) => `${b.code}|${b.units}`), rows.map((b) => `${b.code}|${b.units}`));
    if (same) return { product: listItem(existing, seller!.code, codes), created: false };
  }

  const conflicts: FieldError[] = [];
  if (existing) conflicts.push({ path: 'sku', key: 'product.error.skuTaken', params: { sku: input.sku } });
  const wanted = new Map<string, number>();
  rows.forEach((r, i) => {
    for (const s of spellings(r.code)) wanted.set(s, i);
  });
  const taken = wanted.size
    ? await tx
        .select({ code: productBarcodes.code, sku: products.sku })
        .from(productBarcodes)
        .innerJoin(products, eq(products.id, productBarcodes.productId))
        .where(and(eq(productBarcodes.sellerId, sellerId), inArray(productBarcodes.code, [...wanted.keys()])))
        .orderBy(asc(productBarcodes.id))
    : [];
  // Each taken code named once, on the unit barcode it is or was made from (a unit code first).
  const holder = new Map<number, string>();
  for (const t of taken) if (!holder.has(wanted.get(t.code)!)) holder.set(wanted.get(t.code)!, t.sku);
  const named = new Set<string>();
  rows.forEach((r, at) => {
    const sku = holder.get(at);
    if (sku === undefined) return;
    const unit = r.units === 1 ? at : input.barcodes.findIndex((code) => isGtin(code) && caseGtinOf(code) === r.code);
    const path = `barcodes.${unit}`;
    if (named.has(path)) return;
    named.add(path);
    if (r.units === 1) conflicts.push({ path, key: 'product.error.barcodeTaken', params: { barcode: r.code, sku } });
    else conflicts.push({ path, key: 'product.error.caseBarcodeTaken', params: { barcode: r.code, unit: input.barcodes[unit]!, sku } });
  });
  if (conflicts.length) {
    conflicts.sort((a, b) => (a.path === 'sku' ? -1 : b.path === 'sku' ? 1 : 0));
    throw new AppError('CONFLICT', { key: conflicts[0]!.key, params: conflicts[0]!.params, fieldErrors: conflicts });
  }

  const [product] = await tx
    .insert(products)
    .values({ sellerId, sku: input.sku, name: input.name, temperatureClass: input.temperature_class, tracksLot: input.tracks_lot, tracksExpiry: input.tracks_expiry })
    .returning();
  if (rows.length) await tx.insert(productBarcodes).values(rows.map((r) => ({ productId: product!.id, sellerId, code: r.code, kind: r.kind, units: r.units })));
  return { product: listItem(product!, seller!.code, rows), created: true };
}

function sameSet(a: string[], b: string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function listItem(p: typeof products.$inferSelect, seller: string, codes: { code: string; units: number }[]): ProductListItem {
  return {
    id: p.id,
    seller,
    sku: p.sku,
    name: p.name,
    temperatureClass: p.temperatureClass,
    tracksLot: p.tracksLot,
    tracksExpiry: p.tracksExpiry,
    barcodes: codes.map((b) => ({ code: b.code, units: b.units })),
  };
}

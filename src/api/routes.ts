import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireUser } from '../auth/middleware.ts';
import { ledgerFilterSchema, optionalText, stockFilterSchema } from '../inventory/filters.ts';
import { listLedger, listProducts, listStockAfter, listWarehouses, type ProductListItem } from '../inventory/queries.ts';
import { createProduct } from '../inventory/create-product.ts';
import { readScope } from '../inventory/scope.ts';
import { decodeCursor, encodeCursor, pageSchema } from './pagination.ts';
import { issueFieldError } from '../http/issues.ts';
import { can } from '../auth/policy.ts';
import { idempotencyKey, jsonBody } from './request.ts';

/** Parses query parameters or answers 422 with every problem listed. */
function query<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION', {
    key: 'error.badFilter',
    fieldErrors: parsed.error.issues.map((i) => issueFieldError(i)),
  });
}

function cursorOf(c: Context<AppEnv>, raw: string | undefined): number | null {
  const pos = decodeCursor(raw);
  if (raw && pos === null) throw new AppError('VALIDATION', { key: 'error.badCursor', fieldErrors: [{ path: 'cursor', key: 'error.badCursor' }] });
  return pos;
}

export const productQuery = pageSchema.extend({ seller: optionalText(40), q: optionalText(200) });
export const stockQuery = pageSchema.extend(stockFilterSchema.omit({ page: true, by: true }).shape);
export const ledgerQuery = pageSchema.extend(ledgerFilterSchema.omit({ before: true }).shape);

/** A product as GET and POST /api/v1/products answer it: unit barcodes, and case barcodes with their units. */
export function productJson(p: ProductListItem) {
  return {
    seller: p.seller,
    sku: p.sku,
    name: p.name,
    barcodes: p.barcodes.filter((b) => b.units === 1).map((b) => b.code),
    case_barcodes: p.barcodes.filter((b) => b.units > 1).map((b) => ({ barcode: b.code, units: b.units })),
    temperature_class: p.temperatureClass,
    tracks_lot: p.tracksLot,
    tracks_expiry: p.tracksExpiry,
  };
}

/** The read side of the JSON API v1 (../shared/API.md): seller-scoped, problem+json errors. */
export function apiRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/api/v1/*', requireUser());

  app.get('/api/v1/warehouses', async (c) => {
    const rows = await listWarehouses(c.var.db, readScope(c.var.user!));
    return c.json({ items: rows.map((w) => ({ code: w.code, name: w.name, country: w.country, timezone: w.timezone })), next_cursor: null });
  });

  app.get('/api/v1/products', async (c) => {
    const q = query(c, productQuery);
    const rows = await listProducts(c.var.db, readScope(c.var.user!), { seller: q.seller, q: q.q, after: cursorOf(c, q.cursor) ?? 0, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(productJson),
      next_cursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    });
  });

  // A product with its barcodes (sellers: their own). A repeat with the same Idempotency-Key
  // of a product that exists exactly as asked answers it again, 201.
  app.post('/api/v1/products', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'catalog.edit')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const key = idempotencyKey(c);
    const { product } = await createProduct({ db: c.var.db, user, input: await jsonBody(c), idempotencyKey: key });
    return c.json(productJson(product), 201);
  });

  app.get('/api/v1/stock', async (c) => {
    const q = query(c, stockQuery);
    const rows = await listStockAfter(c.var.db, readScope(c.var.user!), { ...q, by: 'location', page: 1 }, cursorOf(c, q.cursor) ?? 0, q.limit + 1);
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => ({
        warehouse: r.warehouseCode,
        location: r.locationCode,
        seller: r.sellerCode,
        sku: r.sku,
        lot: r.lotCode || null,
        expiry: r.expiresOn,
        on_hand: r.onHand,
        reserved: r.reserved,
        available: r.available,
      })),
      next_cursor: more ? encodeCursor(page[page.length - 1]!.balanceId) : null,
    });
  });

  app.get('/api/v1/ledger', async (c) => {
    const q = query(c, ledgerQuery);
    const before = cursorOf(c, q.cursor) ?? undefined;
    const { rows, nextBefore } = await listLedger(c.var.db, readScope(c.var.user!), { ...q, before, limit: q.limit });
    return c.json({
      items: rows.map((r) => ({
        id: String(r.id),
        at: r.at.toISOString(),
        warehouse: r.warehouseCode,
        seller: r.sellerCode,
        sku: r.sku,
        lot: r.lotCode || null,
        expiry: r.expiresOn,
        quantity: r.quantity,
        from_location: r.fromCode,
        to_location: r.toCode,
        reason: r.reason,
        document: r.documentType ? { type: r.documentType, id: r.documentId } : null,
      })),
      next_cursor: nextBefore ? encodeCursor(nextBefore) : null,
    });
  });

  return app;
}


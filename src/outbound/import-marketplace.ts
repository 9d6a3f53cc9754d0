/**
 * Orders from marketplace payloads as the seller APIs return them: an Ozon Seller API
 * `/v3/posting/fbs/list` response and a Wildberries `/api/v3/orders/new` response.
 *
 * The payload is checked with zod: extra fields are ignored, the fields used here must have
 * the right shape, or nothing is imported (422, `imports.error.badPayload`, the paths named).
 * Then each posting / order is created in its own transaction, so one bad order never
 * rejects the rest. Lines are matched by the seller's article (Ozon `offer_id`, WB `article`)
 * as a SKU, else by a barcode (WB `skus[]`; Ozon's own `sku` when the seller keeps it as a
 * marketplace barcode). An order is unique per seller, channel and external id (the Ozon
 * posting number, the WB order id): importing the same payload again creates nothing new.
 * An Ozon posting with status `cancelled` cancels its order unless it has shipped.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { orders, productBarcodes, products, type OrderChannel, type OrderStatus } from '../db/schema/index.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError, isAppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { parseInput } from '../inbound/schemas.ts';
import type { MessageParams } from '../i18n/index.ts';
import { createOrderIn } from './create-order.ts';
import { cancelOrder } from './pack-ship.ts';
import { orderInputSchema } from './schemas.ts';
import { createImportJob, importTarget, JobProgress, logImportFailure, reasonsOf, type ImportTarget, type Reason } from './import-csv.ts';

/** Postings / orders one import takes (an Ozon list page holds at most 1,000). */
export const MARKETPLACE_MAX_ORDERS = 10_000;

// ---------------------------------------------------------------------------------------
// Payload schemas: tolerant of extra fields (zod strips them), strict on the ones used.

/** Ozon's product id (int64): a number in the JSON; a digit string is accepted too. */
const ozonSku = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);

export const ozonProductSchema = z.object({
  offer_id: z.string().trim().min(1).max(80),
  sku: ozonSku,
  quantity: z.number().int().positive().max(100_000),
  name: z.string().max(500).nullish(),
});

export const ozonPostingSchema = z.object({
  posting_number: z.string().trim().min(1).max(80),
  status: z.string().trim().min(1).max(60),
  shipment_date: z.iso.datetime({ offset: true }).nullish(),
  products: z.array(ozonProductSchema).max(500),
  requirements: z.object({ products_requiring_mandatory_mark: z.array(ozonSku).nullish() }).nullish(),
  cancellation: z.object({ cancel_reason: z.string().nullish() }).nullish(),
});

/** `/v3/posting/fbs/list` response. */
export const ozonPostingsSchema = z.object({ result: z.object({ postings: z.array(ozonPostingSchema) }) });
export type OzonPostings = z.output<typeof ozonPostingsSchema>;

export const wbOrderSchema = z.object({
  /** The order (assembly task) id: the external id, as a string. */
  id: z.number().int().positive(),
  /** The seller's article (vendor code); may be empty, then the barcodes alone match. */
  article: z.string().trim().max(80).nullish(),
  /** The item's barcodes. */
  skus: z.array(z.string().trim().min(1).max(80)).max(50).nullish(),
  createdAt: z.iso.datetime({ offset: true }),
  /** Data the seller must provide: `sgtin` is a Chestny ZNAK marking code per unit. */
  requiredMeta: z.array(z.string()).nullish(),
  nmId: z.number().int().nonnegative().nullish(),
  comment: z.string().nullish(),
});

/** `/api/v3/orders/new` response. One WB order is one unit of one item: there is no quantity. */
export const wbOrdersSchema = z.object({ orders: z.array(wbOrderSchema) });
export type WbOrders = z.output<typeof wbOrdersSchema>;

/** Parses a payload (an object, or its JSON text); a bad one is a 422 naming the paths. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  let value = payload;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
    } catch (err) {
      throw new AppError('VALIDATION', { key: 'imports.error.badPayload', fieldErrors: [{ path: 'payload', key: 'error.invalidValue', params: { detail: String((err as Error).message).slice(0, 200) } }] });
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fieldErrors: FieldError[] = parsed.error.issues.slice(0, 20).map((i) => ({ path: ['payload', ...i.path.map(String)].join('.'), key: 'error.invalidValue', params: { detail: i.message } }));
  throw new AppError('VALIDATION', { key: 'imports.error.badPayload', fieldErrors });
}

// ---------------------------------------------------------------------------------------
// Import

export type ImportMarketplaceOptions = {
  db: Db;
  user: CurrentUser;
  /** Seller code (a seller user may leave it out: their own). */
  seller?: string;
  /** Warehouse code. */
  warehouse: string;
  /** The marketplace's response, parsed or as JSON text. */
  payload: unknown;
  /** Shown on the import page (e.g. the uploaded file's name). */
  fileName?: string;
  log?: (line: string) => void;
};

export type ImportResult = {
  /** The import_jobs row with the counts and the rejections. */
  job_id: number;
  created: { external_id: string; order_id: number; status: OrderStatus }[];
  skipped: { external_id: string; order_id: number | null; reason: Reason }[];
  rejected: { external_id: string; order_id?: number; reason: Reason }[];
  cancelled: { external_id: string; order_id: number }[];
};

/** One posting / order of a payload, in the marketplace's words. */
type MarketOrder = {
  externalId: string;
  cancelled: boolean;
  /** The marketplace says the parcel has already left (Ozon: delivering, delivered …): never a new order. */
  gone?: string;
  cancelNote?: string;
  shipBy?: string;
  note?: string;
  /** Each line: the codes to try (article first, then barcodes), and what to say if none matches. */
  lines: { codes: string[]; quantity: number; requiresMarking: boolean; externalRef: string | null; unmatched: Reason }[];
  source: unknown;
};

/** Ozon statuses after the parcel left the seller's warehouse: such a posting is not a new order to pick. */
const OZON_GONE = new Set(['driver_pickup', 'sent_by_seller', 'delivering', 'delivered']);

/** Imports an Ozon `/v3/posting/fbs/list` response (channel `ozon`, external id = posting number). */
export async function importOzon(opts: ImportMarketplaceOptions): Promise<ImportResult> {
  const payload = parsePayload(ozonPostingsSchema, opts.payload);
  const raw = rawList(opts.payload, (p) => (p as { result?: { postings?: unknown[] } }).result?.postings);
  const list = payload.result.postings.map((p, i): MarketOrder => {
    const marked = new Set(p.requirements?.products_requiring_mandatory_mark ?? []);
    return {
      externalId: p.posting_number,
      cancelled: p.status === 'cancelled',
      gone: OZON_GONE.has(p.status) ? p.status : undefined,
      cancelNote: p.cancellation?.cancel_reason?.trim().slice(0, 200) || undefined,
      shipBy: p.shipment_date ?? undefined,
      lines: p.products.map((l) => ({
        // Ozon's `sku` is its own product id, not a barcode; a seller who keeps it as a
        // marketplace barcode of the product gets it matched too.
        codes: [l.offer_id, l.sku],
        quantity: l.quantity,
        requiresMarking: marked.has(l.sku),
        externalRef: l.sku,
        unmatched: { key: 'imports.error.unmatchedOffer', params: { article: l.offer_id, sku: l.sku } },
      })),
      source: raw[i] ?? p,
    };
  });
  return importMarketplace(opts, 'ozon', list);
}

/** Imports a Wildberries `/api/v3/orders/new` response (channel `wildberries`, external id = order id). */
export async function importWildberries(opts: ImportMarketplaceOptions): Promise<ImportResult> {
  const payload = parsePayload(wbOrdersSchema, opts.payload);
  const raw = rawList(opts.payload, (p) => (p as { orders?: unknown[] }).orders);
  const list = payload.orders.map((o, i): MarketOrder => {
    const article = o.article ?? '';
    const barcodes = o.skus ?? [];
    return {
      externalId: String(o.id),
      cancelled: false,
      // The new-orders response carries no deadline, and an order without one would wait
      // behind every dated order (pick lists and allocation take ship_by first, empty last).
      // WB counts an FBS order late from its creation, so ship_by = createdAt + 1 day; staff
      // may change it on the order.
      shipBy: new Date(new Date(o.createdAt).getTime() + 86_400_000).toISOString(),
      note: o.comment?.trim().slice(0, 500) || undefined,
      lines: [
        {
          codes: [article, ...barcodes].filter(Boolean),
          quantity: 1,
          requiresMarking: (o.requiredMeta ?? []).includes('sgtin'),
          externalRef: o.nmId != null ? String(o.nmId) : null,
          unmatched: { key: 'imports.error.unmatchedLine', params: { article: article || '—', barcodes: barcodes.join(', ') || '—' } },
        },
      ],
      source: raw[i] ?? o,
    };
  });
  return importMarketplace(opts, 'wildberries', list);
}

/** The payload's own elements, as received (kept on the order as its `source`). */
function rawList(payload: unknown, pick: (p: object) => unknown[] | undefined): unknown[] {
  let value = payload;
  if (typeof payload === 'string') value = JSON.parse(payload);
  const list = value && typeof value === 'object' ? pick(value) : undefined;
  return Array.isArray(list) ? list : [];
}

async function importMarketplace(opts: ImportMarketplaceOptions, channel: OrderChannel, list: MarketOrder[]): Promise<ImportResult> {
  if (list.length > MARKETPLACE_MAX_ORDERS) throw new AppError('VALIDATION', { key: 'imports.error.tooManyOrders', params: { max: MARKETPLACE_MAX_ORDERS, count: list.length } });
  const target = await importTarget(opts.db, opts.user, opts.warehouse, opts.seller, true);
  const jobId = await createImportJob(opts.db, opts.user, channel, target, list.length, opts.fileName);
  const progress = new JobProgress(opts.db, jobId);
  const result: ImportResult = { job_id: jobId, created: [], skipped: [], rejected: [], cancelled: [] };
  // The job row has no column for cancellations: they are processed but neither created,
  // skipped nor rejected (cancelled = processed − created − skipped − rejected).
  try {
    for (const [i, m] of list.entries()) {
      const outcome = m.cancelled ? await cancelPosting(opts, target, channel, m) : await createPosting(opts, target, channel, m);
      progress.processed++;
      if (outcome.kind === 'created') {
        progress.created++;
        result.created.push({ external_id: m.externalId, order_id: outcome.orderId, status: outcome.status });
      } else if (outcome.kind === 'skipped') {
        progress.skipped++;
        result.skipped.push({ external_id: m.externalId, order_id: outcome.orderId, reason: outcome.reason });
      } else if (outcome.kind === 'cancelled') {
        result.cancelled.push({ external_id: m.externalId, order_id: outcome.orderId });
      } else {
        progress.rejected++;
        progress.error({ externalId: m.externalId, key: outcome.reason.key, ...(outcome.reason.params ? { params: outcome.reason.params } : {}) });
        result.rejected.push({ external_id: m.externalId, ...(outcome.orderId ? { order_id: outcome.orderId } : {}), reason: outcome.reason });
      }
      if ((i + 1) % 200 === 0) await progress.flush();
    }
    await progress.flush('done');
  } catch (err) {
    logImportFailure(opts.log, jobId, err);
    await progress.flush('failed', [{ key: 'imports.error.jobFailed' }]).catch((e2: unknown) => logImportFailure(opts.log, jobId, e2));
    throw err;
  }
  return result;
}

type Outcome =
  | { kind: 'created'; orderId: number; status: OrderStatus }
  | { kind: 'skipped'; orderId: number | null; reason: Reason }
  | { kind: 'cancelled'; orderId: number }
  | { kind: 'rejected'; orderId?: number; reason: Reason };

const firstReason = (err: AppError): Reason => {
  const [r] = reasonsOf(err);
  return { key: r!.key, ...(r!.params ? { params: r!.params } : {}) };
};

async function existingOrder(tx: Db | Tx, sellerId: number, channel: OrderChannel, externalId: string) {
  const [o] = await tx
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.sellerId, sellerId), eq(orders.channel, channel), eq(orders.externalId, externalId)));
  return o;
}

async function createPosting(opts: ImportMarketplaceOptions, target: ImportTarget, channel: OrderChannel, m: MarketOrder): Promise<Outcome> {
  try {
    return await withTransaction(opts.db, async (tx): Promise<Outcome> => {
      const sellerId = target.sellerId!;
      const existing = await existingOrder(tx, sellerId, channel, m.externalId);
      if (existing) return { kind: 'skipped', orderId: existing.id, reason: { key: 'imports.skip.exists' } };
      if (m.gone) return { kind: 'skipped', orderId: null, reason: { key: 'imports.skip.alreadyLeft', params: { status: m.gone } } };
      const codes = [...new Set(m.lines.flatMap((l) => l.codes))];
      const known = new Set<string>();
      if (codes.length) {
        for (const p of await tx.select({ code: products.sku }).from(products).where(and(eq(products.sellerId, sellerId), inArray(products.sku, codes)))) known.add(p.code);
        for (const b of await tx.select({ code: productBarcodes.code }).from(productBarcodes).where(and(eq(productBarcodes.sellerId, sellerId), inArray(productBarcodes.code, codes)))) known.add(b.code);
      }
      const unmatched = m.lines.filter((l) => !l.codes.some((c) => known.has(c)));
      if (unmatched.length) {
        const params: MessageParams = { ...unmatched[0]!.unmatched.params };
        // Several unmatched lines: name every article in the one reason.
        if (unmatched.length > 1 && 'article' in params) params.article = unmatched.map((l) => String(l.unmatched.params?.article ?? '')).join('”, “');
        return { kind: 'rejected', reason: { key: unmatched[0]!.unmatched.key, params } };
      }
      const input = parseInput(orderInputSchema, {
        warehouse: target.warehouseCode,
        seller: target.sellerCode,
        channel,
        external_id: m.externalId,
        ship_by: m.shipBy,
        note: m.note,
        lines: m.lines.map((l) => ({ sku: l.codes.find((c) => known.has(c))!, quantity: l.quantity, requires_marking: l.requiresMarking, external_ref: l.externalRef ?? undefined })),
      });
      const r = await createOrderIn(tx, opts.user, input, m.source);
      return r.created ? { kind: 'created', orderId: r.order.id, status: r.order.status } : { kind: 'skipped', orderId: r.order.id, reason: { key: 'imports.skip.exists' } };
    });
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { kind: 'rejected', reason: firstReason(err) };
  }
}

/** A posting the marketplace cancelled: cancel its order if it has not shipped; unknown ones are skipped. */
async function cancelPosting(opts: ImportMarketplaceOptions, target: ImportTarget, channel: OrderChannel, m: MarketOrder): Promise<Outcome> {
  const existing = await existingOrder(opts.db, target.sellerId!, channel, m.externalId);
  if (!existing) return { kind: 'skipped', orderId: null, reason: { key: 'imports.skip.cancelledUnknown' } };
  if (existing.status === 'cancelled') return { kind: 'skipped', orderId: existing.id, reason: { key: 'imports.skip.alreadyCancelled' } };
  if (existing.status === 'shipped') return { kind: 'rejected', orderId: existing.id, reason: { key: 'imports.error.shippedNotCancelled' } };
  try {
    const order = await cancelOrder({ db: opts.db, user: opts.user, orderId: existing.id, note: m.cancelNote ?? `${channel}: cancelled` });
    return { kind: 'cancelled', orderId: order.id };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { kind: 'rejected', orderId: existing.id, reason: firstReason(err) };
  }
}

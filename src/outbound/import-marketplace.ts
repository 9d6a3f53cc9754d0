/**
 * Orders from marketplace payloads as the seller APIs return them: an Ozon Seller API
 * `/v3/posting/fbs/list` response and a Wildberries `/api/v3/orders/new` response.
 *
 * The payload is checked with zod: extra fields are ignored, the fields used here must have
 * the right shape, or nothing is imported (422, `imports.error.badPayload`, the paths named).
 * Then the postings are created a batch per transaction (a few statements per batch); a
 * posting with an unmatched line is rejected alone, never the rest. Lines are matched by the seller's article (Ozon `offer_id`, WB `article`)
 * as a SKU, else by a barcode (WB `skus[]`; Ozon's own `sku` when the seller keeps it as a
 * marketplace barcode). An order is unique per seller, channel and external id (the Ozon
 * posting number, the WB order id): importing the same payload again creates nothing new.
 * An Ozon posting with status `cancelled` cancels its order unless it has shipped.
 */
import { and, eq, sql } from 'drizzle-orm';
import { textArray } from '../db/rows.ts';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { orders, productBarcodes, products, type OrderChannel, type OrderStatus } from '../db/schema/index.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError, isAppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { parseInput } from '../inbound/schemas.ts';
import type { MessageParams } from '../i18n/index.ts';
import { createOrdersIn } from './create-order.ts';
import { cancelOrder } from './pack-ship.ts';
import { orderInputSchema, type ParsedOrder } from './schemas.ts';
import { createImportJob, importTarget, JobProgress, logImportFailure, reasonsOf, type ImportTarget, type Reason } from './import-csv.ts';
import { issueFieldError } from '../http/issues.ts';

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
  const fieldErrors: FieldError[] = parsed.error.issues.slice(0, 20).map((i) => issueFieldError(i, ['payload', ...i.path.map(String)].join('.')));
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

/** Postings created per transaction: a few statements for the lot, whatever their number. */
const BATCH_ORDERS = 250;
/** …unless their lines add up to this many first. */
const BATCH_LINES = 2_000;

async function importMarketplace(opts: ImportMarketplaceOptions, channel: OrderChannel, list: MarketOrder[]): Promise<ImportResult> {
  if (list.length > MARKETPLACE_MAX_ORDERS) throw new AppError('VALIDATION', { key: 'imports.error.tooManyOrders', params: { max: MARKETPLACE_MAX_ORDERS, count: list.length } });
  const target = await importTarget(opts.db, opts.user, opts.warehouse, opts.seller, true);
  const jobId = await createImportJob(opts.db, opts.user, channel, target, list.length, opts.fileName);
  const progress = new JobProgress(opts.db, jobId);
  const result: ImportResult = { job_id: jobId, created: [], skipped: [], rejected: [], cancelled: [] };
  const record = (m: MarketOrder, outcome: Outcome) => {
    progress.processed++;
    if (outcome.kind === 'created') {
      progress.created++;
      result.created.push({ external_id: m.externalId, order_id: outcome.orderId, status: outcome.status });
    } else if (outcome.kind === 'skipped') {
      progress.skipped++;
      result.skipped.push({ external_id: m.externalId, order_id: outcome.orderId, reason: outcome.reason });
    } else if (outcome.kind === 'cancelled') {
      // The job row has no column for cancellations: they are processed but neither created,
      // skipped nor rejected (cancelled = processed − created − skipped − rejected).
      result.cancelled.push({ external_id: m.externalId, order_id: outcome.orderId });
    } else {
      progress.rejected++;
      progress.error({ externalId: m.externalId, key: outcome.reason.key, ...(outcome.reason.params ? { params: outcome.reason.params } : {}) });
      result.rejected.push({ external_id: m.externalId, ...(outcome.orderId ? { order_id: outcome.orderId } : {}), reason: outcome.reason });
    }
  };
  try {
    // The payload's codes, matched once for every posting.
    const known = await knownCodes(opts.db, target.sellerId!, list.flatMap((m) => m.lines.flatMap((l) => l.codes)));
    let batch: MarketOrder[] = [];
    let batchLines = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const outcomes = await createPostings(opts, target, channel, batch, known);
      batch.forEach((m, i) => record(m, outcomes[i]!));
      batch = [];
      batchLines = 0;
      await progress.flush();
    };
    // In payload order: a cancellation waits for the postings before it to be created.
    for (const m of list) {
      if (m.cancelled) {
        await flush();
        record(m, await cancelPosting(opts, target, channel, m));
        continue;
      }
      batch.push(m);
      batchLines += m.lines.length;
      if (batch.length >= BATCH_ORDERS || batchLines >= BATCH_LINES) await flush();
    }
    await flush();
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

/** Which of these codes are the seller's SKUs or barcodes. */
async function knownCodes(db: Db, sellerId: number, codes: string[]): Promise<Set<string>> {
  const unique = [...new Set(codes)];
  const known = new Set<string>();
  if (unique.length === 0) return known;
  for (const p of await db.select({ code: products.sku }).from(products).where(and(eq(products.sellerId, sellerId), sql`${products.sku} = ANY(${textArray(unique)})`))) known.add(p.code);
  for (const b of await db.select({ code: productBarcodes.code }).from(productBarcodes).where(and(eq(productBarcodes.sellerId, sellerId), sql`${productBarcodes.code} = ANY(${textArray(unique)})`))) known.add(b.code);
  return known;
}

/**
 * A batch of postings in one transaction: those already imported are skipped, those the
 * marketplace says have left are skipped, an unmatched line rejects its posting only; the
 * rest are created and allocated together (in payload order).
 */
async function createPostings(opts: ImportMarketplaceOptions, target: ImportTarget, channel: OrderChannel, batch: MarketOrder[], known: Set<string>): Promise<Outcome[]> {
  const sellerId = target.sellerId!;
  return withTransaction(opts.db, async (tx) => {
    const outcomes: (Outcome | undefined)[] = new Array(batch.length);
    const ids = batch.map((m) => m.externalId);
    const before = new Map(
      (
        await tx
          .select({ id: orders.id, externalId: orders.externalId })
          .from(orders)
          .where(and(eq(orders.sellerId, sellerId), eq(orders.channel, channel), sql`${orders.externalId} = ANY(${textArray(ids)})`))
      ).map((o) => [o.externalId, o.id]),
    );
    const toCreate: { at: number; input: ParsedOrder; source: unknown }[] = [];
    for (const [at, m] of batch.entries()) {
      const existing = before.get(m.externalId);
      if (existing) {
        outcomes[at] = { kind: 'skipped', orderId: existing, reason: { key: 'imports.skip.exists' } };
        continue;
      }
      if (m.gone) {
        outcomes[at] = { kind: 'skipped', orderId: null, reason: { key: 'imports.skip.alreadyLeft', params: { status: m.gone } } };
        continue;
      }
      const unmatched = m.lines.filter((l) => !l.codes.some((c) => known.has(c)));
      if (unmatched.length) {
        const params: MessageParams = { ...unmatched[0]!.unmatched.params };
        // Several unmatched lines: name every article in the one reason.
        if (unmatched.length > 1 && 'article' in params) params.article = unmatched.map((l) => String(l.unmatched.params?.article ?? '')).join('”, “');
        outcomes[at] = { kind: 'rejected', reason: { key: unmatched[0]!.unmatched.key, params } };
        continue;
      }
      try {
        const input = parseInput(orderInputSchema, {
          warehouse: target.warehouseCode,
          seller: target.sellerCode,
          channel,
          external_id: m.externalId,
          ship_by: m.shipBy,
          note: m.note,
          lines: m.lines.map((l) => ({ sku: l.codes.find((c) => known.has(c))!, quantity: l.quantity, requires_marking: l.requiresMarking, external_ref: l.externalRef ?? undefined })),
        });
        toCreate.push({ at, input, source: m.source });
      } catch (err) {
        if (!isAppError(err)) throw err;
        outcomes[at] = { kind: 'rejected', reason: firstReason(err) };
      }
    }
    const created = await createOrdersIn(tx, opts.user, toCreate);
    toCreate.forEach((c, i) => {
      const o = created[i]!;
      outcomes[c.at] = !o.ok
        ? { kind: 'rejected', reason: firstReason(o.error) }
        : o.result.created
          ? { kind: 'created', orderId: o.result.order.id, status: o.result.order.status }
          : { kind: 'skipped', orderId: o.result.order.id, reason: { key: 'imports.skip.exists' } };
    });
    return outcomes.map((o) => o!);
  });
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

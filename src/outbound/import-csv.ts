/**
 * Order import from a CSV file, processed in the background with a progress row
 * (`import_jobs`) that the page polls; and what every order import shares (the target
 * warehouse and seller, the job row, its per-row error report).
 *
 * CSV format (README: "Importing orders"):
 *
 *   external_id,sku,quantity,ship_by,seller,note
 *   A-1001,SKU-1,2,2026-12-01,,gift wrap
 *   A-1001,4607012345677,1,,,
 *   A-1002,SKU-2,1,2026-12-01T18:00:00+03:00,,
 *
 * - A header row names the columns (any order, any case; unknown columns are ignored).
 *   `external_id`, `sku` and `quantity` are required; `ship_by`, `seller`, `note` optional.
 * - One row per order line. Rows with the same `external_id` (and `seller`) form one order,
 *   wherever they are in the file. `sku` is the seller's SKU or one of the product's barcodes
 *   (a case barcode counts its units).
 * - `ship_by`: a date (YYYY-MM-DD: the end of that day in the warehouse) or an RFC 3339 time with its
 *   offset (2026-12-01T18:00:00+03:00); the first non-empty value of the order's rows is used.
 *   `note`: likewise, at most 500 characters.
 * - `seller`: a seller code, only for staff uploading orders of several sellers (else the
 *   seller chosen for the upload). A seller's own upload is always theirs.
 * - UTF-8, with or without a BOM; comma, semicolon or tab separated (detected from the header
 *   row); fields may be quoted ("…", "" for a quote inside). Blank lines are skipped.
 * - At most 5 MB and 50,000 rows; larger files are refused before anything starts.
 * - A bad row (no external_id, a bad quantity or ship_by, an unknown SKU …) rejects its order
 *   and is reported with its line number in the file (the header is line 1); the other orders
 *   are created. The external id is unique per seller and channel: uploading the same file
 *   again creates nothing new, so a re-upload finishes an interrupted import.
 */
import { desc, eq, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Db, Executor } from '../db/client.ts';
import { importJobs, sellers, warehouses, type OrderChannel } from '../db/schema/index.ts';
import { can, sellerScope, type CurrentUser } from '../auth/policy.ts';
import { AppError, isAppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import type { MessageKey, MessageParams } from '../i18n/index.ts';
import { isRealDate } from '../inventory/filters.ts';
import { createOrdersIn } from './create-order.ts';
import { orderInputSchema, type ParsedOrder } from './schemas.ts';

export const CSV_MAX_BYTES = 5 * 1024 * 1024;
export const CSV_MAX_ROWS = 50_000;
/** Orders per chunk: the job row's counters are written after each chunk. */
export const CSV_CHUNK = 200;
/** Rejections kept on the job row; past that only a count (the page lists them all anyway). */
export const MAX_STORED_ERRORS = 1_000;
export const CSV_COLUMNS = ['external_id', 'sku', 'quantity', 'ship_by', 'seller', 'note'] as const;
const REQUIRED_COLUMNS = ['external_id', 'sku', 'quantity'] as const;

export type ImportJob = typeof importJobs.$inferSelect;
/** One entry of a job's error report: where (file line, order), why (a catalog key). */
export type ImportErrorEntry = ImportJob['errors'][number];
/** A reason as the catalog says it: translate `key` with `params` when showing it. */
export type Reason = { key: MessageKey; params?: MessageParams };

// ---------------------------------------------------------------------------------------
// Shared by every order import

export type ImportTarget = { warehouseId: number; warehouseCode: string; sellerId: number | null; sellerCode: string | undefined };

const targetError = (path: string, key: MessageKey, params?: MessageParams) => new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path, key, params }] });

/**
 * The warehouse the orders go to (it must exist and the user must be allowed to create orders
 * there) and the seller they belong to: a seller user's own; for staff the named one, or none
 * when `sellerRequired` is false (a CSV file naming its sellers per row).
 */
export async function importTarget(db: Executor, user: CurrentUser, warehouse: string, seller: string | undefined, sellerRequired: boolean): Promise<ImportTarget> {
  const whCode = String(warehouse ?? '').trim().toUpperCase();
  const [wh] = whCode ? await db.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).where(eq(warehouses.code, whCode)) : [];
  if (!wh || !can(user, 'order.create', { warehouseId: wh.id })) throw targetError('warehouse', 'error.unknownWarehouse');
  const code = seller?.trim().toUpperCase() || undefined;
  const own = sellerScope(user);
  if (own !== null) {
    const [s] = await db.select({ id: sellers.id, code: sellers.code }).from(sellers).where(eq(sellers.id, own));
    if (!s || (code && code !== s.code)) throw targetError('seller', 'inbound.error.unknownSeller', { seller: code ?? '' });
    return { warehouseId: wh.id, warehouseCode: wh.code, sellerId: s.id, sellerCode: s.code };
  }
  if (!code) {
    if (sellerRequired) throw targetError('seller', 'error.required');
    return { warehouseId: wh.id, warehouseCode: wh.code, sellerId: null, sellerCode: undefined };
  }
  const [s] = await db.select({ id: sellers.id, code: sellers.code }).from(sellers).where(eq(sellers.code, code));
  if (!s) throw targetError('seller', 'inbound.error.unknownSeller', { seller: code });
  return { warehouseId: wh.id, warehouseCode: wh.code, sellerId: s.id, sellerCode: s.code };
}

export async function createImportJob(db: Db, user: CurrentUser, channel: OrderChannel, target: ImportTarget, total: number, fileName?: string | null): Promise<number> {
  const [job] = await db
    .insert(importJobs)
    .values({ channel, sellerId: target.sellerId, warehouseId: target.warehouseId, status: 'running', fileName: fileName?.slice(0, 200) || null, total, createdBy: user.id })
    .returning({ id: importJobs.id });
  return job!.id;
}

/** Counters of a running job, written to its row after each chunk (and at the end). */
export class JobProgress {
  processed = 0;
  created = 0;
  skipped = 0;
  rejected = 0;
  private stored = 0;
  private notStored = 0;
  private pending: ImportErrorEntry[] = [];
  constructor(
    private readonly db: Db,
    readonly jobId: number,
  ) {}

  error(entry: ImportErrorEntry): void {
    if (this.stored + this.pending.length < MAX_STORED_ERRORS) this.pending.push(entry);
    else this.notStored++;
  }

  async flush(status?: 'done' | 'failed', extra: ImportErrorEntry[] = []): Promise<void> {
    const add = [...this.pending, ...extra];
    if (status && this.notStored > 0) add.push({ key: 'imports.error.moreErrors', params: { count: this.notStored } });
    this.stored += this.pending.length;
    this.pending = [];
    await this.db
      .update(importJobs)
      .set({
        processed: this.processed,
        created: this.created,
        skipped: this.skipped,
        rejected: this.rejected,
        // A NUL in a quoted value cannot be stored in jsonb: it is shown as U+FFFD.
        ...(add.length ? { errors: sql`${importJobs.errors} || ${JSON.stringify(add).replace(/\\u0000/g, '\\ufffd')}::jsonb` } : {}),
        ...(status ? { status, finishedAt: sql`now()` } : {}),
      })
      .where(eq(importJobs.id, this.jobId));
  }
}

/** An unexpected failure of an import: logged as one JSON line (like the request log). */
export function logImportFailure(log: ((line: string) => void) | undefined, jobId: number, err: unknown): void {
  const line = JSON.stringify({ t: new Date().toISOString(), level: 'error', msg: 'order import failed', job: jobId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  (log ?? ((l: string) => process.stdout.write(l + '\n')))(line);
}

/** The progress of an import: the user's own jobs; admins and managers see every job. */
export async function getImportJob(opts: { db: Db; user: CurrentUser; id: number }): Promise<ImportJob> {
  const [job] = Number.isSafeInteger(opts.id) ? await opts.db.select().from(importJobs).where(eq(importJobs.id, opts.id)) : [];
  if (!job || (!seesAllJobs(opts.user) && job.createdBy !== opts.user.id)) throw new AppError('NOT_FOUND', { key: 'imports.error.jobNotFound' });
  return job;
}

/** The latest imports the user may see (their own; admins and managers: everyone's). */
export async function recentImportJobs(opts: { db: Db; user: CurrentUser; limit?: number }): Promise<ImportJob[]> {
  return opts.db
    .select()
    .from(importJobs)
    .where(seesAllJobs(opts.user) ? undefined : eq(importJobs.createdBy, opts.user.id))
    .orderBy(desc(importJobs.id))
    .limit(Math.min(Math.max(opts.limit ?? 20, 1), 100));
}

const seesAllJobs = (user: CurrentUser) => user.role === 'admin' || user.role === 'manager';

/** Where an AppError from createOrderIn points: its field errors, or its own key. */
export function reasonsOf(err: AppError): { path: string; key: MessageKey; params?: MessageParams }[] {
  if (err.fieldErrors.length) return err.fieldErrors.map((f: FieldError) => ({ path: f.path, key: f.key, ...(f.params ? { params: f.params } : {}) }));
  return [{ path: '', key: err.key, ...(Object.keys(err.params).length ? { params: err.params } : {}) }];
}

// ---------------------------------------------------------------------------------------
// CSV

export type CsvLine = { row: number; sku: string; quantity: string; shipBy: string; note: string };
/** What a file holds: orders (rows grouped by seller + external id), and rows with no external id. */
export type CsvItem = { kind: 'order'; externalId: string; seller: string; lines: CsvLine[] } | { kind: 'orphan'; row: number };
export type ParsedCsv = { items: CsvItem[]; rows: number; orders: number; delimiter: string };

const tooBig = (bytes: number) =>
  new AppError('VALIDATION', { key: 'imports.error.fileTooLarge', params: { size: (Math.ceil((bytes / 1024 / 1024) * 10) / 10).toFixed(1), max: CSV_MAX_BYTES / 1024 / 1024 } });

/** The file as text: a string as it is, bytes only when they are UTF-8. */
export function csvText(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    const bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > CSV_MAX_BYTES) throw tooBig(bytes);
    return input;
  }
  if (input.byteLength > CSV_MAX_BYTES) throw tooBig(input.byteLength);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new AppError('VALIDATION', { key: 'imports.error.notUtf8' });
  }
}

/** The separator of the header row: the most frequent of `;` `,` and tab outside quotes (comma on a tie). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

const normalizeHeader = (h: string) => h.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * Parses the file into orders. Refuses (AppError VALIDATION, nothing started) a file that is
 * too large, not CSV, without the required columns, without rows, or with too many rows.
 */
export function parseOrdersCsv(input: string | Uint8Array): ParsedCsv {
  const text = csvText(input).replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(text, { delimiter, info: true, relax_column_count: true, trim: true, max_record_size: 100_000 }) as unknown as typeof records;
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new AppError('VALIDATION', { key: 'imports.error.badCsv', params: { line: e.lines ?? 0, detail: String(e.message ?? err).slice(0, 200) } });
  }
  // A row is reported by the line it starts on. csv-parse's own line count goes wrong after
  // a quoted CRLF, so lines are counted here: a record starts at the byte where the one
  // before it ended (`info.bytes`, UTF-8).
  const buf = Buffer.from(text, 'utf8');
  let pos = 0;
  let line = 1;
  let start = 0;
  const rows: { line: number; fields: string[] }[] = [];
  for (const r of records) {
    for (; pos < start && pos < buf.length; pos++) {
      if (buf[pos] === 0x0a || (buf[pos] === 0x0d && buf[pos + 1] !== 0x0a)) line++;
    }
    start = r.info.bytes;
    if (r.record.every((f) => f.trim() === '')) continue;
    rows.push({ line, fields: r.record });
  }
  const [header, ...data] = rows;
  if (!header) throw new AppError('VALIDATION', { key: 'imports.error.emptyFile' });
  const names = header.fields.map(normalizeHeader);
  const col: Partial<Record<(typeof CSV_COLUMNS)[number], number>> = {};
  names.forEach((n, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(n)) return;
    if (col[n as (typeof CSV_COLUMNS)[number]] !== undefined) throw new AppError('VALIDATION', { key: 'imports.error.duplicateColumn', params: { column: n } });
    col[n as (typeof CSV_COLUMNS)[number]] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => col[c] === undefined);
  if (missing.length) throw new AppError('VALIDATION', { key: 'imports.error.missingColumns', params: { columns: missing.join(', ') } });
  if (data.length === 0) throw new AppError('VALIDATION', { key: 'imports.error.emptyFile' });
  if (data.length > CSV_MAX_ROWS) throw new AppError('VALIDATION', { key: 'imports.error.tooManyRows', params: { count: data.length, max: CSV_MAX_ROWS } });

  const get = (fields: string[], c: (typeof CSV_COLUMNS)[number]) => (col[c] === undefined ? '' : (fields[col[c]!] ?? '').trim());
  const items: CsvItem[] = [];
  const byKey = new Map<string, Extract<CsvItem, { kind: 'order' }>>();
  for (const { line, fields } of data) {
    const externalId = get(fields, 'external_id');
    if (!externalId) {
      items.push({ kind: 'orphan', row: line });
      continue;
    }
    const seller = get(fields, 'seller').toUpperCase();
    const key = `${seller}\u0000${externalId}`;
    let order = byKey.get(key);
    if (!order) {
      order = { kind: 'order', externalId, seller, lines: [] };
      byKey.set(key, order);
      items.push(order);
    }
    order.lines.push({ row: line, sku: get(fields, 'sku'), quantity: get(fields, 'quantity'), shipBy: get(fields, 'ship_by'), note: get(fields, 'note') });
  }
  return { items, rows: data.length, orders: byKey.size, delimiter };
}

/** A ship-by as the CSV takes it: a real date, or an RFC 3339 time with its offset. */
const csvShipBy = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.iso.datetime({ offset: true })]).refine((s) => isRealDate(s.slice(0, 10)));

export type StartCsvImportOptions = {
  db: Db;
  user: CurrentUser;
  /** Warehouse code. */
  warehouse: string;
  /** Seller code for the whole file (staff); a seller user's upload is always their own. */
  seller?: string;
  fileName?: string;
  text: string | Uint8Array;
  /** Where an unexpected failure is logged (default: stdout, one JSON line). */
  log?: (line: string) => void;
  /** Orders per chunk (default CSV_CHUNK). */
  chunk?: number;
};

const running = new Map<number, Promise<void>>();
let stopping = false;

/** Resolves once every CSV import running in this process has finished (tests). */
export async function settleImports(): Promise<void> {
  while (running.size) await Promise.allSettled([...running.values()]);
}

/**
 * For shutdown: asks every running CSV import to stop after the chunk in progress (its job is
 * marked failed, `imports.error.interrupted`: uploading the file again finishes it, the orders
 * already created being skipped), and resolves once they have stopped. New imports are refused
 * from then on.
 */
export async function stopImports(): Promise<void> {
  stopping = true;
  await settleImports();
}

/**
 * Checks the file and creates its import job (status running, total = number of orders, a row
 * without an external id counting as one), then returns at once; the orders are created in
 * the background, a chunk per transaction, the job's counters updated after every chunk.
 * Poll `getImportJob` for the progress.
 */
export async function startCsvImport(opts: StartCsvImportOptions): Promise<{ id: number; total: number }> {
  if (stopping) throw new AppError('CONFLICT', { key: 'imports.error.shuttingDown' });
  const target = await importTarget(opts.db, opts.user, opts.warehouse, opts.seller, false);
  const parsed = parseOrdersCsv(opts.text);
  const total = parsed.items.length;
  const id = await createImportJob(opts.db, opts.user, 'csv', target, total, opts.fileName);
  const job = runCsvImport(opts, target, id, parsed.items).finally(() => running.delete(id));
  running.set(id, job);
  return { id, total };
}

async function runCsvImport(opts: StartCsvImportOptions, target: ImportTarget, jobId: number, items: CsvItem[]): Promise<void> {
  const progress = new JobProgress(opts.db, jobId);
  try {
    const chunk = Math.max(1, opts.chunk ?? CSV_CHUNK);
    for (let start = 0; start < items.length; start += chunk) {
      if (stopping) {
        await progress.flush('failed', [{ key: 'imports.error.interrupted', params: { processed: progress.processed, total: items.length } }]);
        return;
      }
      for (const errors of await importCsvChunk(opts, target, items.slice(start, start + chunk), jobId)) {
        progress.processed++;
        if (errors === 'created') progress.created++;
        else if (errors === 'skipped') progress.skipped++;
        else {
          progress.rejected++;
          for (const e of errors) progress.error(e);
        }
      }
      await progress.flush();
      // Let requests (and the page's progress poll) in between chunks.
      await new Promise((r) => setImmediate(r));
    }
    await progress.flush('done');
  } catch (err) {
    logImportFailure(opts.log, jobId, err);
    try {
      await progress.flush('failed', [{ key: 'imports.error.jobFailed' }]);
    } catch (err2) {
      logImportFailure(opts.log, jobId, err2);
    }
  }
}

type CsvOutcome = 'created' | 'skipped' | ImportErrorEntry[];
type PreparedCsv = { errors: ImportErrorEntry[] } | { input: ParsedOrder; source: unknown; errorsOf: (err: AppError) => ImportErrorEntry[] };

/**
 * A chunk of the file's orders: each checked on its own (a bad row rejects its order only),
 * then the good ones created together in one transaction, in file order.
 */
async function importCsvChunk(opts: StartCsvImportOptions, target: ImportTarget, items: CsvItem[], jobId: number): Promise<CsvOutcome[]> {
  const prepared = items.map((item) => prepareCsvItem(opts.user, target, item, jobId));
  const ready = prepared.flatMap((p) => ('input' in p ? [p] : []));
  const created = ready.length ? await withTransaction(opts.db, (tx) => createOrdersIn(tx, opts.user, ready.map((p) => ({ input: p.input, source: p.source })))) : [];
  const outcomeOf = new Map(ready.map((p, i) => [p, created[i]!]));
  return prepared.map((p): CsvOutcome => {
    if (!('input' in p)) return p.errors;
    const o = outcomeOf.get(p)!;
    if (!o.ok) return p.errorsOf(o.error);
    return o.result.created ? 'created' : 'skipped';
  });
}

/** One order of the file, checked: its input, or its rows' errors. */
function prepareCsvItem(user: CurrentUser, target: ImportTarget, item: CsvItem, jobId: number): PreparedCsv {
  if (item.kind === 'orphan') return { errors: [{ row: item.row, key: 'imports.error.missingExternalId' }] };
  const { externalId, lines } = item;
  const first = lines[0]!.row;
  const errors: ImportErrorEntry[] = [];
  const fail = (row: number, key: MessageKey, params?: MessageParams) => {
    if (!errors.some((e) => e.row === row && e.key === key)) errors.push({ row, externalId, key, ...(params ? { params } : {}) });
  };
  const seller = item.seller || target.sellerCode;
  if (!seller && sellerScope(user) === null) fail(first, 'imports.error.sellerRequired');
  for (const l of lines) {
    if (l.shipBy && !csvShipBy.safeParse(l.shipBy).success) fail(l.row, 'imports.error.badShipBy', { value: l.shipBy.slice(0, 40) });
    if (l.note.length > 500) fail(l.row, 'imports.error.badNote');
  }
  const input = {
    warehouse: target.warehouseCode,
    seller,
    channel: 'csv' as const,
    external_id: externalId,
    ship_by: lines.find((l) => l.shipBy)?.shipBy,
    note: lines.find((l) => l.note)?.note,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
  };
  const parsed = orderInputSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index, sub] = issue.path.map(String);
      const line = field === 'lines' && index !== undefined ? lines[Number(index)] : undefined;
      const row = line?.row ?? first;
      if (field === 'lines' && sub === 'quantity') fail(row, 'imports.error.badQuantity', { value: (line?.quantity ?? '').slice(0, 20) });
      else if (field === 'lines' && sub === 'sku') fail(row, line?.sku ? 'imports.error.invalidField' : 'imports.error.missingSku', line?.sku ? { field: 'sku' } : undefined);
      else if (field === 'lines') fail(row, 'imports.error.tooManyLines');
      else if (field === 'external_id') fail(row, 'imports.error.badExternalId');
      else if (field === 'seller') fail(row, 'imports.error.badSeller', { value: String(seller ?? '').slice(0, 40) });
      else if (field === 'ship_by') fail(lines.find((l) => l.shipBy)?.row ?? row, 'imports.error.badShipBy', { value: String(input.ship_by ?? '').slice(0, 40) });
      else if (field === 'note') fail(row, 'imports.error.badNote');
      else fail(row, 'imports.error.invalidField', { field: issue.path.join('.') || '—' });
    }
  }
  const sorted = () => errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (errors.length || !parsed.success) return { errors: sorted() };
  return {
    input: parsed.data,
    source: { import_job: jobId, rows: lines.map((l) => l.row) },
    errorsOf: (err) => {
      for (const r of reasonsOf(err)) {
        const m = /^lines\.(\d+)/.exec(r.path);
        fail(m ? (lines[Number(m[1])]?.row ?? first) : first, r.key, r.params);
      }
      return sorted();
    },
  };
}

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { and, eq } from 'drizzle-orm';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { locations, pickTasks, stockBalances } from '../../src/db/schema/index.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { encodeCursor } from '../../src/api/pagination.ts';
import { settleImports } from '../../src/outbound/import-csv.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { backends, openTestDatabase, type Backend } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { matrixWorld, plainPattern, type MatrixWorld } from '../helpers/matrix.ts';
import { makeOrder } from '../helpers/outbound.ts';
import { asUser, stock, uid } from '../helpers/world.ts';
import {
  applyFieldOps,
  badId,
  badText,
  changedTables,
  extraFields,
  fieldOp,
  fieldValue,
  formEncoding,
  formRequest,
  idempotencyHeader,
  jsonBodySpec,
  jsonBodyText,
  jsonContentType,
  mutateJson,
  queryOp,
  queryString,
  rawQueryJunk,
  toJsonText,
  worldFingerprint,
  type FieldOp,
  type FormEncoding,
  type FormFields,
  type FreshValues,
  type FuzzScope,
  type JsonBodySpec,
  type QueryOp,
} from '../helpers/fuzz.ts';

/**
 * Every form, JSON endpoint and query string of the app, fed generated bad input (fast-check):
 * fields replaced by odd text, numbers and dates, repeated or missing; JSON of the wrong types,
 * malformed, deeply nested or huge; bodies in the wrong encoding; path ids that are no ids.
 *
 * Properties, for every request:
 *   - the answer is never a 5xx (nor no answer at all);
 *   - an /api/ error is application/problem+json;
 *   - a POST answered 4xx changed nothing: stock, documents, settings, tokens (fingerprints of
 *     the world before and after). A generated value that happens to be valid may succeed
 *     (2xx/3xx): the fingerprint is then taken anew.
 * GET requests never change anything (checked per route). Every route of the app is in the
 * table (a test fails on a route that is not); a query string, path ids and a random tail are
 * bent on every GET, the parameters each list reads most of all.
 *
 * The world is one matrix world shared by every route: a document an action ends (a cancel, a
 * pick) stays ended, so the actions that end documents come last. Cases the fuzz found are
 * kept below as plain tests on documents of their own.
 *
 * The acting user is an administrator (everything allowed: validation answers, not access), by
 * session for pages and by Bearer token for the API; fewer runs as seller A and as the
 * operator of the other warehouse. FUZZ_SEED fixes the seed (a failure names it); FUZZ_RUNS
 * multiplies the runs (FUZZ_RUNS=10 for a long local run).
 */

const BASE_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUN_FACTOR = process.env.FUZZ_RUNS ? Math.max(0.1, Number(process.env.FUZZ_RUNS)) : 1;
/** Seconds one request may take before it counts as a hang. */
const HANG_MS = 15_000;

type Role = 'admin' | 'sellerA' | 'operatorOther' | 'anon';
type M = MatrixWorld;
type Row = {
  route: string;
  path: (m: M) => string;
  /** POST of a form: its fields with good values (the fuzz bends them). */
  form?: (m: M) => FormFields;
  /** POST of JSON (/api/): a good body. */
  json?: (m: M) => Record<string, unknown>;
  /** GET: query parameters the route reads, with a good value each. */
  query?: (m: M) => Record<string, string>;
  /** Fields with their own generators (a payload, a file). */
  custom?: (m: M) => Record<string, fc.Arbitrary<string>>;
  /** A CSV file field (multipart). */
  file?: (m: M) => fc.Arbitrary<FileSpec>;
  /** More field names to try. */
  extras?: string[];
  /** How deep a JSON body is bent (payloads nest deeper). */
  depth?: number;
  /** Who sends it (default: admin, seller A, the other warehouse's operator). */
  roles?: Role[];
  /** The spare signed-in administrator (signing out). */
  spare?: boolean;
};

type FileSpec = { name: string; content: string | number[] } | null;

const FRESH: FreshValues = {
  '«key»': () => randomUUID(),
  '«ref»': () => `FZ-${uid()}`,
  '«ext»': () => `FZ-${uid()}`,
  '«now»': () => new Date(Date.now() - 60_000).toISOString(),
};
const fresh = (v: string) => (Object.hasOwn(FRESH, v) ? FRESH[v]!() : v);

const row = (route: string, path: Row['path'], opts: Omit<Row, 'route' | 'path'> = {}): Row => ({ route, path, ...opts });
const W = (m: M) => m.w.warehouse.code;
const SKU = (m: M) => m.w.product.widget.sku;
const EAN = (m: M) => m.w.product.widget.ean;
const SA = (m: M) => m.w.sellerA.code;

const asnForm = (m: M, reference: string): FormFields => ({
  warehouse: W(m),
  seller: SA(m),
  reference,
  eta: '2030-01-01',
  mode: 'road_tir',
  tir_carnet: 'XC123',
  vehicle_plate: 'A123BC77',
  trailer_plate: 'AB1234',
  container: 'MSCU1234567',
  seals: 'S-1001 S-1002',
  note: 'fuzz',
  line_sku: [SKU(m), m.w.product.kefir.sku],
  line_quantity: ['5', '3'],
  line_lot: ['', 'L1'],
  line_expiry: ['', '2030-05-31'],
  intent: 'draft',
});

const ozonPayload = (m: M) => ({
  result: { postings: [{ posting_number: '«ext»', status: 'awaiting_packaging', shipment_date: '2030-01-01T10:00:00Z', products: [{ offer_id: SKU(m), sku: 123456, quantity: 1, name: 'Widget' }], requirements: { products_requiring_mandatory_mark: [] } }] },
});
const wbPayload = (m: M) => ({ orders: [{ id: 987654321, article: SKU(m), skus: [EAN(m)], createdAt: '2026-01-01T10:00:00Z', nmId: 1, comment: '' }] });
const payloadText = (good: unknown) => fc.oneof({ weight: 3, arbitrary: mutateJson(good, 6).map((v) => toJsonText(v, FRESH)) }, { weight: 1, arbitrary: fieldValue(JSON.stringify(good)) });

const CSV_HEADER = ['external_id', 'sku', 'quantity', 'ship_by', 'seller', 'note'];
const csvFile = (m: M): fc.Arbitrary<FileSpec> => {
  const good = ['«ext»', SKU(m), '1', '2030-01-01', SA(m), 'fuzz'];
  const text = fc
    .record({
      header: fc.oneof({ weight: 4, arbitrary: fc.constant(CSV_HEADER) }, { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...CSV_HEADER), badText), { maxLength: 7 }) }),
      rows: fc.array(fc.tuple(...good.map((g) => fc.oneof({ weight: 2, arbitrary: fc.constant(g) }, { weight: 1, arbitrary: fieldValue(g) }))), { maxLength: 4 }),
      delimiter: fc.constantFrom(',', ';', '\t', '|'),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      bom: fc.boolean(),
    })
    .map(({ header, rows, delimiter, eol, bom }) => (bom ? '\ufeff' : '') + [header, ...rows.map((r) => r.map(fresh))].map((r) => r.join(delimiter)).join(eol));
  return fc.oneof(
    { weight: 6, arbitrary: text.map((content): FileSpec => ({ name: 'orders.csv', content })) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((content): FileSpec => ({ name: 'orders.csv', content })) },
    { weight: 1, arbitrary: fc.constantFrom<FileSpec>(null, { name: '', content: '' }, { name: 'x'.repeat(300), content: 'external_id,sku,quantity\n' }, { name: 'big.csv', content: `external_id,sku,quantity\n${'X,Y,1\n'.repeat(3000)}` }) },
  );
};

// prettier-ignore
const TABLE: Row[] = [
  // ---- Public, sign-in
  row('GET /static/:name', () => '/static/app.css', { query: () => ({ v: 'x' }) }),
  row('GET /healthz', () => '/healthz'),
  row('GET /', () => '/'),
  row('GET /login', () => '/login', { query: () => ({ next: '/inventory' }) }),
  row('POST /login', () => '/login', { form: () => ({ email: 'nobody.fuzz@test.example', password: 'wrong horse battery', next: '/inventory' }), roles: ['anon'] }),
  row('POST /locale', () => '/locale', { form: () => ({ locale: 'ru', next: '/inventory' }) }),

  // ---- Stock
  row('GET /inventory', () => '/inventory', { query: (m) => ({ warehouse: W(m), seller: SA(m), class: 'chilled', q: 'Widget', sku: SKU(m), location: 'A-01-01-1', by: 'product', page: '1' }) }),
  row('GET /inventory/totals', () => '/inventory/totals', { query: (m) => ({ warehouse: W(m), seller: SA(m), class: 'chilled', q: 'Widget', sku: SKU(m), location: 'A-01-01-1', by: 'product', page: '1' }) }),
  row('GET /inventory.csv', () => '/inventory.csv', { query: (m) => ({ warehouse: W(m), seller: SA(m), class: 'ambient', q: 'Widget', sku: SKU(m), location: 'A-01-01-1', by: 'product', page: '1' }) }),
  row('GET /products/:id', (m) => `/products/${m.w.product.widget.id}`, { query: () => ({ saved: '1' }) }),
  row('POST /products/:id/reorder-point', (m) => `/products/${m.w.product.widget.id}/reorder-point`, { form: () => ({ reorder_point: '5' }) }),
  row('GET /locations/:id', (m) => `/locations/${m.w.loc.a1.id}`),
  row('GET /ledger', () => '/ledger', { query: (m) => ({ warehouse: W(m), seller: SA(m), q: 'Widget', sku: SKU(m), reason: 'receipt', since: '2020-01-01', until: '2030-01-01', before: '100' }) }),
  row('GET /ledger.csv', () => '/ledger.csv', { query: (m) => ({ warehouse: W(m), seller: SA(m), q: 'Widget', sku: SKU(m), reason: 'receipt', since: '2020-01-01T00:00:00Z', until: '2030-01-01', before: '100' }) }),
  row('GET /warehouses', () => '/warehouses'),
  row('GET /moves/new', () => '/moves/new', { query: (m) => ({ warehouse: W(m) }) }),
  row('POST /moves', () => '/moves', { form: (m) => ({ warehouse: W(m), product: SKU(m), lot: '', from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1', idempotency_key: '«key»' }) }),
  row('GET /dashboard', () => '/dashboard', { query: (m) => ({ warehouse: W(m), days: '14' }) }),
  row('GET /labels/locations', () => '/labels/locations', { query: (m) => ({ warehouse: W(m), zone: 'CHILLED', kind: 'storage', from: 'A', to: 'Z', format: 'a4' }) }),

  // ---- Receiving
  row('GET /inbound', () => '/inbound', { query: (m) => ({ warehouse: W(m), seller: SA(m), status: 'open', due_from: '2020-01-01', due_to: '2030-01-01', q: 'TIR', page: '1' }) }),
  row('GET /inbound/new', () => '/inbound/new', { query: (m) => ({ warehouse: W(m) }) }),
  row('POST /inbound', () => '/inbound', { form: (m) => asnForm(m, '«ref»'), extras: ['rows'] }),
  row('GET /inbound/:id', (m) => `/inbound/${m.asnA.id}`, { query: () => ({ done: 'saved' }) }),
  row('GET /inbound/:id/edit', (m) => `/inbound/${m.asnA.id}/edit`),
  row('POST /inbound/:id', (m) => `/inbound/${m.asnA.id}`, { form: (m) => asnForm(m, m.asnA.reference), extras: ['rows'] }),
  row('GET /inbound/:id/arrival', (m) => `/inbound/${m.asnA.id}/arrival`),
  row('POST /inbound/:id/arrival', (m) => `/inbound/${m.asnA.id}/arrival`, {
    form: () => ({ arrived_at: '2026-01-01T10:00', dock: 'DOCK-01', note: '', seal: ['S-1001', 'S-1002'], seal_state_0: 'intact', seal_state_1: 'broken', seal_note: ['', 'torn'], extra_seal: 'S-9', temp_chilled: '4', temp_frozen: '-20' }),
    extras: ['seal_state_2', 'temp_ambient'] }),
  row('GET /receive', () => '/receive', { query: (m) => ({ ref: m.asnA.reference }) }),
  row('GET /inbound/:id/receive', (m) => `/inbound/${m.asnA.id}/receive`),
  row('POST /inbound/:id/receipts', (m) => `/inbound/${m.asnA.id}/receipts`, { form: (m) => ({ scan: EAN(m), quantity: '1', lot: '', expiry: '', condition: 'good', confirm_over: '', idempotency_key: '«key»' }) }),
  row('POST /inbound/:id/lines/:line/decision', (m) => `/inbound/${m.asnA.id}/lines/${m.asnALine.id}/decision`, { form: () => ({ decision: 'accepted' }) }),
  row('GET /inbound/:id/report', (m) => `/inbound/${m.asnA.id}/report`),
  row('GET /inbound/:id/report.csv', (m) => `/inbound/${m.asnA.id}/report.csv`),
  row('GET /inbound/:id/label', (m) => `/inbound/${m.asnA.id}/label`, { query: () => ({ format: 'a4', copies: '2' }) }),
  row('GET /putaway', () => '/putaway', { query: (m) => ({ warehouse: W(m) }) }),
  row('GET /putaway/task', () => '/putaway/task', { query: (m) => ({ warehouse: W(m), balance: String(m.dockBalanceId), skip: '1,2', item: EAN(m) }) }),
  row('POST /putaway', () => '/putaway', {
    form: (m) => ({ warehouse: W(m), seller: SA(m), sku: SKU(m), lot: '', from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: '1', suggested: 'A-01-01-2', idempotency_key: '«key»', balance: String(m.dockBalanceId), skip: '' }) }),

  // ---- Orders, picking, packing, imports
  row('GET /orders', () => '/orders', { query: (m) => ({ warehouse: W(m), seller: SA(m), status: 'open', late: '1', q: 'M-', page: '1' }) }),
  row('GET /orders/new', () => '/orders/new'),
  row('POST /orders', () => '/orders', { form: (m) => ({ warehouse: W(m), seller: SA(m), external_id: '«ext»', ship_by: '2030-01-01', note: '', line_sku: [SKU(m)], line_quantity: ['1'] }), extras: ['rows'] }),
  row('GET /orders/:id', (m) => `/orders/${m.orderA.id}`),
  row('GET /orders/:id/pack', (m) => `/orders/${m.orderA.id}/pack`),
  row('POST /orders/:id/pack-scans', (m) => `/orders/${m.orderA.id}/pack-scans`, { form: (m) => ({ scan: EAN(m), quantity: '1' }) }),
  row('POST /orders/:id/pack', (m) => `/orders/${m.orderA.id}/pack`, { form: () => ({ weight_kg: '1,5', carrier: 'CDEK', tracking_number: 'T1' }) }),
  row('GET /orders/:id/packing-list', (m) => `/orders/${m.orderA.id}/packing-list`),
  row('GET /orders/import', () => '/orders/import'),
  row('POST /orders/import/csv', () => '/orders/import/csv', { form: (m) => ({ warehouse: W(m), seller: SA(m) }), file: csvFile }),
  row('POST /orders/import/marketplace', () => '/orders/import/marketplace', {
    form: (m) => ({ warehouse: W(m), seller: SA(m), channel: 'ozon', payload: JSON.stringify(ozonPayload(m)) }),
    custom: (m) => ({ payload: fc.oneof(payloadText(ozonPayload(m)), payloadText(wbPayload(m))) }) }),
  row('GET /imports/:id', (m) => `/imports/${m.importJobId}`, { query: () => ({ cancelled: '1' }) }),
  row('GET /pick-lists', () => '/pick-lists', { query: (m) => ({ warehouse: W(m) }) }),
  row('POST /pick-lists', () => '/pick-lists', { form: (m) => ({ warehouse: W(m), max_orders: '5', assign_to: String(m.w.user.operator.id) }) }),
  row('GET /pick-lists/:id', (m) => `/pick-lists/${m.pickList.id}`),
  row('GET /pick-lists/:id/pick', (m) => `/pick-lists/${m.pickList.id}/pick`),
  row('POST /pick-tasks/:id/picks', (m) => `/pick-tasks/${m.task.id}/picks`, { form: (m) => ({ list: String(m.pickList.id), location: 'A-01-01-1', scan: EAN(m), quantity: '1', idempotency_key: '«key»' }) }),
  row('POST /pick-tasks/:id/short', (m) => `/pick-tasks/${m.task.id}/short`, { form: (m) => ({ list: String(m.pickList.id) }) }),

  // ---- Cold chain
  row('GET /cold', () => '/cold', { query: (m) => ({ warehouse: W(m) }) }),
  row('GET /cold/zones/new', () => '/cold/zones/new', { query: (m) => ({ warehouse: W(m) }) }),
  row('POST /cold/zones', () => '/cold/zones', { form: (m) => ({ warehouse: W(m), code: 'FZ-1', name: 'Fuzz', temperature_class: 'chilled', min_celsius: '2', max_celsius: '8', log_interval_minutes: '15' }) }),
  row('GET /cold/zones/:id/edit', (m) => `/cold/zones/${m.chilledZone.id}/edit`),
  row('POST /cold/zones/:id', (m) => `/cold/zones/${m.chilledZone.id}`, { form: () => ({ code: 'CHILLED', name: 'Chilled', temperature_class: 'chilled', min_celsius: '2', max_celsius: '8', log_interval_minutes: '15' }) }),
  row('GET /cold/zones/:id/slots', (m) => `/cold/zones/${m.chilledZone.id}/slots`, { query: () => ({ saved: 'R-01-01-1' }) }),
  row('POST /cold/zones/:id/slots', (m) => `/cold/zones/${m.chilledZone.id}/slots`, { form: () => ({ aisle: 'F', rack: '1', level: '1', position: '1', code: '', capacity: '10', capacity_unit: 'units' }) }),
  row('POST /cold/slots/:id', (m) => `/cold/slots/${m.spareSlot.id}`, { form: () => ({ capacity: '5', capacity_unit: 'units', active: 'on' }) }),
  row('GET /cold/zones/:id/map', (m) => `/cold/zones/${m.chilledZone.id}/map`),
  row('GET /cold/slots/:id', (m) => `/cold/slots/${m.w.loc.chilled.id}`),
  row('GET /cold/readings/new', () => '/cold/readings/new', { query: (m) => ({ warehouse: W(m), target: 'R-01-01-1' }) }),
  row('POST /cold/readings', () => '/cold/readings', { form: (m) => ({ warehouse: W(m), target: 'R-01-01-2', celsius: '4' }) }),
  row('GET /cold/excursions', () => '/cold/excursions', { query: (m) => ({ warehouse: W(m), status: 'all', cursor: encodeCursor(1) }) }),
  row('GET /cold/excursions/:id', (m) => `/cold/excursions/${m.excursion.id}`, { query: () => ({ closed: '1' }) }),
  row('GET /cold/zones/:id/chart', (m) => `/cold/zones/${m.chilledZone.id}/chart`, { query: () => ({ days: '7', from: '2026-01-01T00:00:00Z', slot: 'R-01-01-1' }) }),
  row('GET /cold/zones/:id/log', (m) => `/cold/zones/${m.chilledZone.id}/log`, { query: () => ({ days: '7' }) }),
  row('GET /cold/zones/:id/log.csv', (m) => `/cold/zones/${m.chilledZone.id}/log.csv`, { query: () => ({ days: '7' }) }),
  row('GET /cold/expiring', () => '/cold/expiring', { query: (m) => ({ warehouse: W(m), days: '30' }) }),
  row('POST /cold/expiring/quarantine', () => '/cold/expiring/quarantine', { form: (m) => ({ warehouse: W(m), balance: [String(m.dockBalanceId)], days: '14' }) }),
  row('GET /cold/devices', () => '/cold/devices', { query: (m) => ({ warehouse: W(m) }) }),
  row('POST /cold/devices', () => '/cold/devices', { form: (m) => ({ warehouse: W(m), name: 'probe' }) }),

  // ---- Transfers
  row('GET /transfers/new', () => '/transfers/new'),
  row('POST /transfers', () => '/transfers', {
    form: (m) => ({ from_warehouse: W(m), to_warehouse: m.third.code, mode: 'road_tir', tir_carnet: '', vehicle_plate: 'A123BC77', trailer_plate: '', container: '', seals: 'S-1', reefer: '', eta: '2030-01-01', note: '', line_sku: [SKU(m)], line_seller: [SA(m)], line_lot: [''], line_quantity: ['1'] }) }),
  row('GET /transfers.csv', () => '/transfers.csv', { query: (m) => ({ warehouse: W(m), status: 'draft' }) }),
  row('GET /transfers', () => '/transfers', { query: (m) => ({ warehouse: W(m), status: 'picking' }) }),
  row('GET /transfers/:id', (m) => `/transfers/${m.transferDraft.id}`),
  row('POST /transfers/:id/start-picking', (m) => `/transfers/${m.transferPicking.id}/start-picking`, { form: () => ({}) }),
  row('GET /transfers/:id/load', (m) => `/transfers/${m.transferPicking.id}/load`),
  row('POST /transfers/:id/load', (m) => `/transfers/${m.transferPicking.id}/load`, { form: (m) => ({ scan: EAN(m), quantity: '1', lot: '', condition: 'good', idempotency_key: '«key»' }) }),
  row('POST /transfers/:id/dispatch', (m) => `/transfers/${m.transferPicking.id}/dispatch`, { form: () => ({ seals: 'S-1 S-2', vehicle_plate: 'A123BC77', documents: 'CMR 1' }) }),
  row('POST /transfers/:id/arrival', (m) => `/transfers/${m.transferDraft.id}/arrival`, { form: () => ({ dock: 'DOCK-01', celsius: '4', note: '', 'seal_S-1': 'intact' }) }),
  row('GET /transfers/:id/receive', (m) => `/transfers/${m.transferDraft.id}/receive`),
  row('POST /transfers/:id/receive', (m) => `/transfers/${m.transferDraft.id}/receive`, { form: (m) => ({ scan: EAN(m), quantity: '1', lot: '', condition: 'good', idempotency_key: '«key»' }) }),
  row('POST /transfers/:id/lines/:line/write-off', (m) => `/transfers/${m.transferDraft.id}/lines/${m.transferLineId}/write-off`, { form: () => ({ note: 'lost' }) }),

  // ---- Counts and adjustments
  row('GET /counts', () => '/counts', { query: (m) => ({ warehouse: W(m), status: 'counting' }) }),
  row('GET /counts/new', () => '/counts/new', { query: (m) => ({ warehouse: W(m) }) }),
  row('POST /counts', () => '/counts', { form: (m) => ({ warehouse: W(m), scope: 'range', zone: '', from_code: 'R-09-09-9', to_code: 'R-09-09-9', product: '', recount_above: '0', note: '' }) }),
  row('GET /counts/:id', (m) => `/counts/${m.count.id}`, { query: () => ({ done: 'approved' }) }),
  row('GET /counts/:id/count', (m) => `/counts/${m.count.id}/count`, { query: () => ({ location: 'A-01-01-2', outcome: 'counted' }) }),
  row('POST /counts/:id/open', (m) => `/counts/${m.count.id}/open`, { form: () => ({ location: 'A-01-01-2' }) }),
  row('GET /counts/:id/locations/:place', (m) => `/counts/${m.count.id}/locations/${m.place}`, { query: () => ({ restarted: '1' }) }),
  row('POST /counts/:id/locations/:place/scans', (m) => `/counts/${m.count.id}/locations/${m.place}/scans`, { form: (m) => ({ scan: SKU(m), lot: '', quantity: '1', idempotency_key: '«key»' }) }),
  row('GET /adjustments', () => '/adjustments', { query: (m) => ({ warehouse: W(m), status: 'pending', reason: 'found', page: '1', done: 'approve' }) }),
  row('GET /adjustments/new', () => '/adjustments/new', { query: (m) => ({ warehouse: W(m), location: 'A-01-01-1', product: SKU(m) }) }),
  row('POST /adjustments', () => '/adjustments', { form: (m) => ({ warehouse: W(m), location: 'A-01-01-1', product: SKU(m), lot: '', direction: 'add', quantity: '1', reason: 'found', note: '', idempotency_key: '«key»' }) }),
  row('POST /adjustments/threshold', () => '/adjustments/threshold', { form: (m) => ({ warehouse: W(m), units: '10' }) }),

  // ---- Tokens, portal
  row('GET /tokens', () => '/tokens'),
  row('POST /tokens', () => '/tokens', { form: () => ({ name: 'fuzz', user: '' }) }),
  row('GET /portal', () => '/portal', { query: (m) => ({ seller: SA(m), warehouse: W(m), q: 'Widget', days: '14', page: '1' }) }),
  row('GET /portal/stock.csv', () => '/portal/stock.csv', { query: (m) => ({ seller: SA(m), warehouse: W(m), q: 'Widget', days: '14', page: '1' }) }),
  row('GET /portal/inbound.csv', () => '/portal/inbound.csv', { query: (m) => ({ seller: SA(m), warehouse: W(m), status: 'expected' }) }),
  row('GET /portal/orders.csv', () => '/portal/orders.csv', { query: (m) => ({ seller: SA(m), warehouse: W(m), status: 'allocated' }) }),

  // ---- JSON API
  row('GET /api/v1/openapi.json', () => '/api/v1/openapi.json'),
  row('GET /api/docs', () => '/api/docs'),
  row('GET /api/v1/warehouses', () => '/api/v1/warehouses'),
  row('GET /api/v1/products', () => '/api/v1/products', { query: (m) => ({ seller: SA(m), q: 'Widget', limit: '10', cursor: encodeCursor(1) }) }),
  row('POST /api/v1/products', () => '/api/v1/products', { json: (m) => ({ seller: SA(m), sku: '«ext»', name: 'Fuzz pelmeni 1 kg', barcodes: ['«ref»', '4006381333931'], temperature_class: 'frozen', tracks_lot: true, tracks_expiry: true, units_per_case: 6 }) }),
  row('GET /api/v1/stock', () => '/api/v1/stock', { query: (m) => ({ warehouse: W(m), seller: SA(m), class: 'ambient', q: 'Widget', sku: SKU(m), location: 'A-01-01-1', limit: '10', cursor: encodeCursor(1) }) }),
  row('GET /api/v1/ledger', () => '/api/v1/ledger', { query: (m) => ({ warehouse: W(m), seller: SA(m), q: 'Widget', sku: SKU(m), reason: 'receipt', since: '2020-01-01', until: '2030-01-01', limit: '10', cursor: encodeCursor(1000) }) }),
  row('POST /api/v1/temperature-readings', () => '/api/v1/temperature-readings', { json: (m) => ({ readings: [{ warehouse: W(m), zone: 'CHILLED', location: 'R-01-01-2', celsius: 4, at: '«now»' }] }) }),
  row('GET /api/v1/excursions', () => '/api/v1/excursions', { query: (m) => ({ warehouse: W(m), open: 'true', limit: '10', cursor: encodeCursor(1) }) }),
  row('GET /api/v1/inbound-shipments', () => '/api/v1/inbound-shipments', { query: (m) => ({ warehouse: W(m), seller: SA(m), status: 'open', due_from: '2020-01-01', due_to: '2030-01-01', q: 'TIR', limit: '10', cursor: encodeCursor(1_000_000) }) }),
  row('POST /api/v1/inbound-shipments', () => '/api/v1/inbound-shipments', {
    json: (m) => ({ warehouse: W(m), seller: SA(m), reference: '«ref»', eta: '2030-01-01', transport: { mode: 'road_tir', tir_carnet: 'XC1', vehicle_plate: 'A1', trailer_plate: 'B1', container: 'C1', seals: ['S-1'] }, note: 'fuzz', lines: [{ sku: SKU(m), quantity: 1, lot: 'L1', expiry: '2030-01-01' }], draft: false }) }),
  row('GET /api/v1/inbound-shipments/:id', (m) => `/api/v1/inbound-shipments/${m.asnB.id}`),
  row('POST /api/v1/inbound-shipments/:id/arrival', (m) => `/api/v1/inbound-shipments/${m.asnB.id}/arrival`, {
    json: () => ({ arrived_at: '2026-01-01T10:00', dock: 'DOCK-01', seals: [{ seal: 'S-9', state: 'intact', note: '' }], temperatures: { chilled: 4 }, note: '' }) }),
  row('POST /api/v1/inbound-shipments/:id/receipts', (m) => `/api/v1/inbound-shipments/${m.asnB.id}/receipts`, {
    json: (m) => ({ scan: m.w.product.gadget.ean, sku: m.w.product.gadget.sku, quantity: 1, lot: '', expiry: '', condition: 'good', temperature_c: 4, confirm_over: false }) }),
  row('POST /api/v1/inbound-shipments/:id/lines/:line/:decision', (m) => `/api/v1/inbound-shipments/${m.asnB.id}/lines/1/accept`, { json: () => ({}) }),
  row('POST /api/v1/putaways', () => '/api/v1/putaways', { json: (m) => ({ warehouse: W(m), seller: SA(m), sku: SKU(m), lot: '', from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: 1 }) }),
  row('GET /api/v1/orders', () => '/api/v1/orders', { query: (m) => ({ warehouse: W(m), seller: SA(m), status: 'open', limit: '10', cursor: encodeCursor(1_000_000) }) }),
  row('POST /api/v1/orders', () => '/api/v1/orders', { json: (m) => ({ warehouse: W(m), seller: SA(m), channel: 'api', external_id: '«ext»', ship_by: '2030-01-01T10:00:00+03:00', note: '', lines: [{ sku: SKU(m), quantity: 1, requires_marking: false, external_ref: 'r1' }] }) }),
  row('POST /api/v1/orders/import/ozon', () => '/api/v1/orders/import/ozon', { json: (m) => ({ warehouse: W(m), seller: SA(m), payload: ozonPayload(m) }), depth: 7 }),
  row('POST /api/v1/orders/import/wildberries', () => '/api/v1/orders/import/wildberries', { json: (m) => ({ warehouse: W(m), seller: SA(m), payload: wbPayload(m) }), depth: 6 }),
  row('GET /api/v1/orders/:id', (m) => `/api/v1/orders/${m.orderA.id}`),
  row('POST /api/v1/orders/:id/pack-scans', (m) => `/api/v1/orders/${m.orderPicked.id}/pack-scans`, { json: (m) => ({ scan: EAN(m), quantity: 1 }) }),
  row('POST /api/v1/orders/:id/pack', (m) => `/api/v1/orders/${m.orderPicked.id}/pack`, { json: () => ({ weight_kg: 1.5, carrier: 'CDEK', tracking_number: 'T1' }) }),
  row('POST /api/v1/pick-lists', () => '/api/v1/pick-lists', { json: (m) => ({ warehouse: W(m), orders: [String(m.orderA.id)], max_orders: 5 }) }),
  row('GET /api/v1/pick-lists/:id', (m) => `/api/v1/pick-lists/${m.pickList.id}`),
  row('POST /api/v1/pick-lists/:id/picks', (m) => `/api/v1/pick-lists/${m.pickList.id}/picks`, { json: (m) => ({ task: String(m.task.id), location: 'A-01-01-1', scan: EAN(m), sku: SKU(m), lot: '', quantity: 1 }) }),
  row('POST /api/v1/pick-lists/:id/tasks/:task/short', (m) => `/api/v1/pick-lists/${m.pickList.id}/tasks/${m.task.id}/short`, { json: () => ({}) }),
  row('POST /api/v1/transfers', () => '/api/v1/transfers', {
    json: (m) => ({ from_warehouse: W(m), to_warehouse: m.third.code, transport: { mode: 'road_tir', vehicle_plate: 'A123BC77', seals: ['S-1'], reefer: false }, eta: '2030-01-01', note: '', lines: [{ sku: SKU(m), seller: SA(m), lot: '', quantity: 1 }] }) }),
  row('GET /api/v1/transfers/:id', (m) => `/api/v1/transfers/${m.transferDraft.id}`),
  row('POST /api/v1/transfers/:id/start-picking', (m) => `/api/v1/transfers/${m.transferPicking.id}/start-picking`, { json: () => ({}) }),
  row('POST /api/v1/transfers/:id/dispatch', (m) => `/api/v1/transfers/${m.transferPicking.id}/dispatch`, { json: () => ({ seals: ['S-1'], vehicle_plate: 'A123BC77', documents: 'CMR', note: '' }) }),
  row('POST /api/v1/transfers/:id/arrival', (m) => `/api/v1/transfers/${m.transferDraft.id}/arrival`, { json: () => ({ dock: 'DOCK-01', seals: [{ seal: 'S-1', state: 'intact' }], celsius: 4, note: '' }) }),
  row('POST /api/v1/transfers/:id/receipts', (m) => `/api/v1/transfers/${m.transferDraft.id}/receipts`, { json: (m) => ({ scan: EAN(m), sku: SKU(m), lot: '', quantity: 1, condition: 'good', confirm_over: false }) }),

  // ---- State changes last: each may end its document (cancel, close, ship, approve)
  row('POST /inbound/:id/status', (m) => `/inbound/${m.asnA.id}/status`, { form: () => ({ action: 'submit', note: '' }) }),
  row('POST /api/v1/inbound-shipments/:id/:action', (m) => `/api/v1/inbound-shipments/${m.asnB.id}/finish`, { json: () => ({ note: 'fuzz' }) }),
  row('POST /orders/:id/ship', (m) => `/orders/${m.orderA.id}/ship`, { form: () => ({}) }),
  row('POST /api/v1/orders/:id/ship', (m) => `/api/v1/orders/${m.orderPicked.id}/ship`, { json: () => ({ carrier: 'CDEK', tracking_number: 'T1', weight_kg: 1 }) }),
  row('POST /orders/:id/cancel', (m) => `/orders/${m.orderToCancel.id}/cancel`, { form: () => ({}) }),
  row('POST /api/v1/orders/:id/cancel', (m) => `/api/v1/orders/${m.orderB.id}/cancel`, { json: () => ({ note: 'fuzz' }) }),
  row('POST /transfers/:id/finish', (m) => `/transfers/${m.transferDraft.id}/finish`, { form: () => ({}) }),
  row('POST /api/v1/transfers/:id/finish', (m) => `/api/v1/transfers/${m.transferDraft.id}/finish`, { json: () => ({}) }),
  row('POST /transfers/:id/close', (m) => `/transfers/${m.transferDraft.id}/close`, { form: () => ({}) }),
  row('POST /api/v1/transfers/:id/close', (m) => `/api/v1/transfers/${m.transferDraft.id}/close`, { json: () => ({}) }),
  row('POST /transfers/:id/cancel', (m) => `/transfers/${m.transferToCancel.id}/cancel`, { form: () => ({}) }),
  row('POST /api/v1/transfers/:id/cancel', (m) => `/api/v1/transfers/${m.transferToCancel.id}/cancel`, { json: () => ({ note: 'fuzz' }) }),
  row('POST /counts/:id/locations/:place/finish', (m) => `/counts/${m.count.id}/locations/${m.place}/finish`, { form: () => ({}) }),
  row('POST /counts/:id/locations/:place/restart', (m) => `/counts/${m.count.id}/locations/${m.place}/restart`, { form: () => ({}) }),
  row('POST /counts/:id/approve', (m) => `/counts/${m.count.id}/approve`, { form: () => ({}) }),
  row('POST /counts/:id/cancel', (m) => `/counts/${m.countToCancel.id}/cancel`, { form: () => ({}) }),
  row('POST /adjustments/:id/decision', (m) => `/adjustments/${m.adjustment.id}/decision`, { form: () => ({ decision: 'reject', note: 'fuzz' }) }),
  row('POST /cold/excursions/:id/close', (m) => `/cold/excursions/${m.excursion.id}/close`, {
    form: (m) => ({ note: 'checked', [`decision_${m.w.loc.chilled.id}_${m.w.product.kefir.id}_${m.w.lot.kefir.id}`]: 'keep' }), extras: ['decision_0_0_0', 'decision_99999999999_1_1'] }),
  row('POST /cold/devices/:id/revoke', (m) => `/cold/devices/${m.deviceTokenId}/revoke`, { form: () => ({}) }),
  row('POST /tokens/:id/revoke', (m) => `/tokens/${m.spareTokenId}/revoke`, { form: () => ({}) }),
  row('POST /logout', () => '/logout', { form: () => ({}), roles: ['admin'], spare: true }),
];

const methodOf = (r: Row) => r.route.split(' ')[0] as 'GET' | 'POST';
const patternOf = (r: Row) => r.route.split(' ')[1]!;
const isApi = (path: string) => path.startsWith('/api/');
const paramCount = (r: Row) => patternOf(r).split('/').filter((s) => s.startsWith(':')).length;

/** Runs per route and role. */
function runsFor(r: Row, role: Role, backend: Backend): number {
  const post = methodOf(r) === 'POST';
  const admin = role === 'admin' || role === 'anon';
  const base = post ? (admin ? 16 : 3) : r.query ? (admin ? 10 : 2) : admin ? 3 : 1;
  const pg = backend === 'postgres' ? 0.75 : 1;
  return Math.max(1, Math.round(base * RUN_FACTOR * pg));
}

/** One generated request. */
type Case = {
  /** Replacements of the path's parameters (null: the real one). */
  ids: (string | null)[];
  htmx: boolean;
  /** API only: sent with the browser session (and its CSRF header) instead of a Bearer token. */
  session: boolean;
  body:
    | { kind: 'form'; enc: FormEncoding; ops: Record<string, FieldOp>; extra: [string, string][]; file: FileSpec | undefined }
    | { kind: 'json'; spec: JsonBodySpec; type: string; key: string | null }
    | { kind: 'query'; ops: Record<string, QueryOp>; extra: [string, string][]; raw: string };
};

function caseArbitrary(r: Row, m: M): fc.Arbitrary<Case> {
  const n = paramCount(r);
  const ids = fc.tuple(...Array.from({ length: n }, () => fc.oneof({ weight: 5, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: badId }))) as fc.Arbitrary<(string | null)[]>;
  let body: fc.Arbitrary<Case['body']>;
  if (methodOf(r) === 'GET') {
    const params = r.query?.(m) ?? {};
    body = fc
      .record({
        ops: fc.record(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, queryOp(v)]))) as fc.Arbitrary<Record<string, QueryOp>>,
        extra: fc.array(fc.tuple(fc.oneof(fc.constantFrom('page', 'limit', 'cursor', 'warehouse', 'seller', '__proto__', 'constructor', ''), fc.string({ maxLength: 8 })), badText), { maxLength: 2 }),
        raw: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: rawQueryJunk }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) }),
      })
      .map((q) => ({ kind: 'query' as const, ...q }));
  } else if (r.json) {
    const good = r.json(m);
    body = fc
      .record({ spec: r.depth ? fc.oneof({ weight: 3, arbitrary: mutateJson(good, r.depth).map((value): JsonBodySpec => ({ kind: 'value', value })) }, { weight: 2, arbitrary: jsonBodySpec(good) }) : jsonBodySpec(good), type: jsonContentType, key: idempotencyHeader })
      .map((j) => ({ kind: 'json' as const, ...j }));
  } else {
    const good = r.form?.(m) ?? {};
    const custom = r.custom?.(m) ?? {};
    const ops = Object.fromEntries(
      Object.entries(good).map(([k, v]) => {
        const first = Array.isArray(v) ? (v[0] ?? '') : v;
        const own = custom[k];
        const op = own ? fc.oneof({ weight: 1, arbitrary: fc.constant<FieldOp>({ op: 'keep' }) }, { weight: 3, arbitrary: own.map((x): FieldOp => ({ op: 'set', values: [x] })) }, { weight: 1, arbitrary: fieldOp(first) }) : fieldOp(first);
        return [k, op];
      }),
    );
    // Mostly several fields bent at once; as often, exactly one (the rest good): a request that
    // passes every other check reaches what the route does after it succeeds.
    const keys = Object.keys(ops);
    const allKept = Object.fromEntries(keys.map((k) => [k, { op: 'keep' } as FieldOp]));
    const someOps = fc.record(ops) as fc.Arbitrary<Record<string, FieldOp>>;
    const oneOp = keys.length ? fc.constantFrom(...keys).chain((k) => ops[k]!.filter((o) => o.op !== 'keep').map((o) => ({ ...allKept, [k]: o }))) : someOps;
    body = fc
      .record({
        enc: r.file ? fc.oneof({ weight: 6, arbitrary: fc.constant<FormEncoding>('multipart') }, { weight: 1, arbitrary: formEncoding }) : formEncoding,
        ops: fc.oneof(someOps, oneOp),
        extra: extraFields(r.extras),
        file: r.file ? r.file(m) : fc.constant(undefined),
      })
      .map((f) => ({ kind: 'form' as const, ...f }));
  }
  return fc.record({ ids, htmx: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), session: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), body });
}

function pathOf(r: Row, m: M, ids: (string | null)[]): string {
  const real = r.path(m).split('/');
  const pattern = plainPattern(patternOf(r)).split('/');
  let k = 0;
  return pattern.map((seg, i) => (seg.startsWith(':') ? (ids[k++] ?? real[i]!) : real[i]!)).join('/');
}

type Answer = { status: number; type: string; text: string; request: string };

/** The message of an answer: a page's alert, a problem's detail, else its first characters. */
function alertText(text: string): string {
  const alert = /role="alert"[^>]*>([\s\S]*?)<\/(?:div|p)>/.exec(text)?.[1] ?? /"detail":"([^"]*)"/.exec(text)?.[1];
  return (alert ?? text).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}

describe.each(backends)('fuzzing every input on %s', (backend) => {
  let database: Database;
  let app: App;
  let m: MatrixWorld;
  let scope: FuzzScope;
  const clients = {} as Record<Role | 'spare', Client>;
  /** Administrator tokens, used in turn: one token's rate limit is not what is tested here. */
  const adminTokens: string[] = [];
  let turn = 0;
  /** The world's fingerprint as it stands (after the last request). */
  let state = '';
  let requests = 0;
  let started = 0;
  /** Statuses per route and role (FUZZ_STATS=1 prints them: is validation reached?). */
  const stats: Record<string, Record<number, number>> = {};

  beforeAll(async () => {
    started = performance.now();
    database = await openTestDatabase(backend);
    app = testApp(database.db);
    m = await matrixWorld(database.db);
    scope = { warehouseIds: [m.w.warehouse.id, m.w.other.id, m.third.id], sellerIds: [m.w.sellerA.id, m.w.sellerB.id], userIds: Object.values(m.w.user).map((u) => u.id) };
    for (let i = 0; i < 8; i++) adminTokens.push((await createApiToken(database.db, { kind: 'user', name: `fuzz ${i}`, userId: m.w.user.admin.id, createdBy: m.w.user.admin.id })).token);
    clients.admin = await signedIn(app, m.w.user.admin.email);
    clients.spare = await signedIn(app, m.w.user.admin.email);
    clients.sellerA = await signedIn(app, m.w.user.sellerA.email);
    clients.operatorOther = await signedIn(app, m.w.user.operatorOther.email);
    clients.anon = new Client(app);
    await clients.anon.get('/login');
    state = await worldFingerprint(database.db, scope);
    console.info(`fuzz on ${backend}: FUZZ_SEED=${BASE_SEED}`);
  });

  afterAll(async () => {
    await settleImports();
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    if (process.env.FUZZ_STATS) for (const [k, v] of Object.entries(stats)) console.info(`${k}: ${Object.entries(v).map(([st, n]) => `${st}×${n}`).join(' ')}`);
    console.info(`fuzz on ${backend}: ${TABLE.length} routes, ${requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s (FUZZ_SEED=${BASE_SEED})`);
    await database.close();
  });

  function tokenOf(role: Role): string | undefined {
    if (role === 'admin') return adminTokens[turn++ % adminTokens.length];
    if (role === 'anon') return undefined;
    return m.tokens[role];
  }

  async function send(r: Row, role: Role, c: Case): Promise<Answer> {
    const path = pathOf(r, m, c.ids);
    const client = r.spare ? clients.spare : clients[role];
    let url = path;
    const headers: Record<string, string> = {};
    const init: RequestInit = { method: methodOf(r) };
    if (c.htmx) headers['HX-Request'] = 'true';
    const b = c.body;
    if (b.kind === 'query') {
      const q = queryString(r.query?.(m) ?? {}, b.ops, b.extra, b.raw);
      if (q) url = `${path}?${q}`;
    } else if (b.kind === 'json') {
      const good = r.json!(m);
      const text = jsonBodyText(b.spec, good, FRESH);
      init.body = typeof text === 'string' ? text : Buffer.from(text);
      if (b.type) headers['Content-Type'] = b.type;
      if (b.key !== null) headers['Idempotency-Key'] = b.key;
    } else {
      const good = Object.fromEntries(Object.entries(r.form?.(m) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(fresh) : fresh(v)]));
      const pairs = applyFieldOps(good, b.ops, b.extra);
      if (b.file) pairs.push(['file', typeof b.file.content === 'string' ? b.file.content : Uint8Array.from(b.file.content)]);
      const { body, headers: formHeaders } = formRequest(pairs, b.enc, client.csrf);
      if (body instanceof FormData && b.file) {
        // The file as a browser sends it: a part with a file name.
        body.delete('file');
        body.append('file', new Blob([typeof b.file.content === 'string' ? b.file.content : Uint8Array.from(b.file.content)], { type: 'text/csv' }), b.file.name);
      }
      init.body = body;
      Object.assign(headers, formHeaders, { Origin: client.origin });
    }
    let res: Response;
    const api = isApi(path);
    const sending = (async () => {
      if (api && !c.session && role !== 'anon') {
        return app.request(`http://localhost${url}`, { ...init, headers: { ...headers, Authorization: `Bearer ${tokenOf(role)}`, 'X-Forwarded-For': client.address } });
      }
      if (api) Object.assign(headers, { 'X-CSRF-Token': client.csrf, Origin: client.origin });
      return client.request(url, { ...init, headers });
    })();
    let timer: NodeJS.Timeout | undefined;
    try {
      res = await Promise.race([sending, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${HANG_MS / 1000} s`)), HANG_MS)))]);
    } finally {
      clearTimeout(timer);
    }
    requests++;
    const text = await res.text();
    const key = `${r.route} ${role}`;
    (stats[key] ??= {})[res.status] = (stats[key]![res.status] ?? 0) + 1;
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, request: `${methodOf(r)} ${url.length > 300 ? url.slice(0, 300) + '…' : url}` };
  }

  /** Whatever is wrong with one answer (and the world after it). */
  async function check(r: Row, a: Answer): Promise<string[]> {
    const problems: string[] = [];
    const path = a.request.split(' ')[1]!;
    if (a.status >= 500) problems.push(`${a.status}: ${alertText(a.text)}`);
    if (isApi(path) && a.status >= 400 && !a.type.includes('application/problem+json')) problems.push(`${a.status} is not problem+json (${a.type})`);
    if (methodOf(r) === 'POST') {
      await settleImports();
      const after = await worldFingerprint(database.db, scope);
      if (a.status >= 400 && a.status < 500 && after !== state) problems.push(`answered ${a.status} (${alertText(a.text)}) but changed ${changedTables(state, after).join(', ')}`);
      state = after;
    }
    return problems;
  }

  const seedOf = (route: string, role: Role) => {
    let h = BASE_SEED | 0;
    for (const ch of `${route} ${role}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    return h;
  };

  it('covers every route of the app (every POST, every GET)', () => {
    const appRoutes = new Set<string>();
    for (const r of app.routes) if (r.method !== 'ALL') appRoutes.add(`${r.method} ${plainPattern(r.path)}`);
    const listed = TABLE.map((r) => r.route);
    expect(listed.filter((r, i) => listed.indexOf(r) !== i), 'listed twice').toEqual([]);
    expect([...appRoutes].filter((r) => r.startsWith('POST ') && !listed.includes(r)), 'POST routes the fuzz does not cover').toEqual([]);
    expect([...appRoutes].filter((r) => !listed.includes(r)), 'routes the fuzz does not cover').toEqual([]);
    expect(listed.filter((r) => !appRoutes.has(r)), 'rows for routes the app no longer has').toEqual([]);
    // Every form and body has its fields; every list its parameters.
    for (const r of TABLE) {
      if (methodOf(r) === 'POST') expect(Boolean(r.form) !== Boolean(r.json), r.route).toBe(true);
      if (methodOf(r) === 'POST') expect(Boolean(r.json), r.route).toBe(isApi(r.path(m)));
    }
  });

  /** A form post as a browser would send it, by the administrator's session; the world compared before and after. */
  async function postAndCompare(client: Client, path: string, body: BodyInit, headers: Record<string, string>): Promise<{ status: number; changed: string[]; text: string }> {
    const before = await worldFingerprint(database.db, scope);
    const res = await client.request(path, { method: 'POST', body, headers: { Origin: client.origin, ...headers } });
    const text = await res.text();
    await settleImports();
    const after = await worldFingerprint(database.db, scope);
    state = after;
    return { status: res.status, changed: changedTables(before, after), text: alertText(text) };
  }

  // ---- Cases the fuzz found, kept as plain tests (each on documents of its own).

  it('a body declared multipart that is not multipart is refused (4xx) on every form route, and changes nothing', { timeout: 60_000 }, async () => {
    const wrong: string[] = [];
    for (const r of TABLE.filter((x) => methodOf(x) === 'POST' && x.form)) {
      const client = r.roles?.includes('anon') || r.spare ? clients.anon : clients.admin;
      // A route that reads no fields may act on a request whose token is in the header: only the
      // token in the (unreadable) body is tried there.
      const readsFields = Object.keys(r.form!(m)).length > 0;
      for (const csrfHeader of readsFields ? [true, false] : [false]) {
        const headers: Record<string, string> = { 'Content-Type': 'multipart/form-data; boundary=----fuzz', ...(csrfHeader ? { 'X-CSRF-Token': client.csrf } : {}) };
        const a = await postAndCompare(client, r.path(m), `a=b&_csrf=${client.csrf}`, headers);
        if (a.status < 400 || a.status >= 500 || a.changed.length) wrong.push(`${r.route}${csrfHeader ? '' : ' (token in the body)'}: ${a.status}${a.changed.length ? `, changed ${a.changed.join(', ')}` : ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a pick (and a short pick) whose pick-list field is missing or not a number: refused with nothing changed, or recorded and not answered 4xx', async () => {
    const manager = asUser(m.w, 'manager');
    const wrong: string[] = [];
    // Stock of its own to pick from (A-01-01-2), so the fuzz below still finds the world's.
    await stock(database.db, m.w, [{ productId: m.w.product.widget.id, locationId: m.w.loc.a2.id, quantity: 4 }]);
    for (const action of ['picks', 'short'] as const) {
      for (const listField of [{ list: 'x' }, {}] as Record<string, string>[]) {
        const { order } = await makeOrder(database.db, m.w, [{ sku: SKU(m), quantity: 1 }]);
        const { list } = await createPickList({ db: database.db, user: manager, warehouse: W(m), orderIds: [order.id] });
        const [task] = await database.db.select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
        const [loc] = await database.db.select({ code: locations.code }).from(locations).where(eq(locations.id, task!.locationId));
        const fields: Record<string, string> = action === 'picks' ? { ...listField, location: loc!.code, scan: EAN(m), quantity: '1', idempotency_key: randomUUID() } : listField;
        const body = new URLSearchParams({ ...fields, _csrf: clients.admin.csrf });
        const a = await postAndCompare(clients.admin, `/pick-tasks/${task!.id}/${action}`, body, { 'Content-Type': 'application/x-www-form-urlencoded' });
        const named = 'list' in listField ? 'list=x' : 'without list';
        if (a.status >= 500 || (a.status >= 400 && a.changed.length)) wrong.push(`POST /pick-tasks/:id/${action} ${named}: ${a.status} (${a.text}) but changed ${a.changed.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('quarantining stock with a days field that is not a number: refused with nothing changed, or done and not answered 4xx', async () => {
    await stock(database.db, m.w, [{ productId: m.w.product.gadget.id, locationId: m.w.loc.a2.id, quantity: 2 }]);
    const [balance] = await database.db.select({ id: stockBalances.id }).from(stockBalances).where(and(eq(stockBalances.locationId, m.w.loc.a2.id), eq(stockBalances.productId, m.w.product.gadget.id)));
    const body = new URLSearchParams({ warehouse: W(m), balance: String(balance!.id), days: 'x', _csrf: clients.admin.csrf });
    const a = await postAndCompare(clients.admin, '/cold/expiring/quarantine', body, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(a.status).toBeLessThan(500);
    if (a.status >= 400) expect(a.changed, `answered ${a.status} (${a.text})`).toEqual([]);
  });

  // ---- The fuzz, route by route.

  for (const r of TABLE) {
    it(r.route, { timeout: 180_000 }, async () => {
      const before = methodOf(r) === 'GET' ? await worldFingerprint(database.db, scope) : '';
      const failures: string[] = [];
      for (const role of r.roles ?? (['admin', 'sellerA', 'operatorOther'] as Role[])) {
        const seed = seedOf(r.route, role);
        let last = '';
        try {
          await fc.assert(
            fc.asyncProperty(fc.limitShrink(caseArbitrary(r, m), 40), async (c) => {
              const a = await send(r, role, c);
              const problems = await check(r, a);
              last = `${a.request} → ${a.status}`;
              if (problems.length) throw new Error(`${a.request}\n  ${problems.join('\n  ')}`);
            }),
            { numRuns: runsFor(r, role, backend), seed, includeErrorInReport: true },
          );
        } catch (err) {
          failures.push(`as ${role} (FUZZ_SEED=${BASE_SEED}): ${err instanceof Error ? err.message : String(err)}\n  last request: ${last}`);
        }
      }
      if (methodOf(r) === 'GET') {
        const after = await worldFingerprint(database.db, scope);
        if (after !== before) failures.push(`a GET changed ${changedTables(before, after).join(', ')}`);
        state = after;
      }
      expect(failures, r.route).toEqual([]);
    });
  }
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { catalogs, locales } from '../../src/i18n/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { stockFingerprint } from '../helpers/counts.ts';
import { documentFingerprint, matrixWorld, plainPattern, ROLES, type MatrixWorld, type Role } from '../helpers/matrix.ts';

/**
 * Every route × every role → the expected answer.
 *
 * Columns, in this order: admin, manager, operator (of the world's warehouse), operator of
 * another warehouse, seller A (whose documents the paths name), seller B, anonymous.
 *   ok     allowed: any status below 500 except 401, 403 and 404 (200, 201, a 303 that is not
 *          to /login, 409, 422 …)
 *   login  pages: 303 to /login (htmx: 401 with HX-Redirect to /login); /api/: 401 problem+json
 *   403    the role may not do this (a seller's session or token on a staff route)
 *   404    not theirs to see: another warehouse's or another seller's thing, or a warehouse's own
 *          record named by id (a zone, a slot, an excursion, a transfer, a pick task) to a
 *          seller, for whom it does not exist
 *   422    the form or JSON names a warehouse or seller outside the user's scope, refused as unknown
 * Every /api/ error is problem+json; no request is ever a 500.
 *
 * A POST sends `body` (incomplete or failing, so an allowed role changes nothing where it can
 * be helped) to the allowed roles and `attack` (complete and valid: only the access check can
 * stop it) to every other role. Refused requests go first and must change nothing; the allowed
 * ones follow. Seller A's and seller B's answers (pages, fragments, CSVs, API) never carry the
 * other seller's SKUs or documents, and the other warehouse's operator never gets this
 * warehouse's documents.
 */
type Expected = 'ok' | 'login' | number;
type Body = Record<string, unknown>;
type Row = {
  route: string;
  method: 'GET' | 'POST';
  path: (m: MatrixWorld) => string;
  expect: Record<Role, Expected>;
  body?: (m: MatrixWorld, role: Role) => Body;
  attack?: (m: MatrixWorld, role: Role) => Body;
  /** Runs after everything else (it ends the session). */
  last?: boolean;
  /** A list: also asked for the world's warehouse and for another seller (a filter outside the scope). */
  probe?: boolean;
  /** More paths of the same route with their own expectations (a seller's own portal, the seller not named). */
  also?: { path: (m: MatrixWorld) => string; expect: Record<Role, Expected> }[];
};

function expectations(route: string, spec: string): Record<Role, Expected> {
  const tokens = spec.trim().split(/\s+/);
  if (tokens.length !== ROLES.length) throw new Error(`${route}: ${tokens.length} expectations`);
  const expect = Object.fromEntries(ROLES.map((r, i) => [r, /^\d+$/.test(tokens[i]!) ? Number(tokens[i]) : tokens[i]])) as Record<Role, Expected>;
  for (const e of Object.values(expect)) if (e !== 'ok' && e !== 'login' && typeof e !== 'number') throw new Error(`${route}: ${String(e)}`);
  return expect;
}

function row(route: string, path: Row['path'], spec: string, opts: Pick<Row, 'body' | 'attack' | 'last' | 'probe'> & { also?: [Row['path'], string][] } = {}): Row {
  const [method, pattern] = route.split(' ') as ['GET' | 'POST', string];
  const also = opts.also?.map(([p, s]) => ({ path: p, expect: expectations(route, s) }));
  return { route: `${method} ${pattern}`, method, path, expect: expectations(route, spec), ...opts, also };
}

const W = (m: MatrixWorld) => m.w.warehouse.code;
const key = () => `matrix-${randomUUID()}`;
const now = () => new Date().toISOString();
/** The other seller, for a seller who tries to act for them. */
const otherSeller = (m: MatrixWorld, role: Role) => (role === 'sellerB' ? { seller: m.w.sellerA, sku: m.w.product.widget.sku } : { seller: m.w.sellerB, sku: m.w.product.gadget.sku });

// prettier-ignore
const MATRIX: Row[] = [
  //                                                                                              adm mgr op  opX sA  sB  anon
  // ---- Public, sign-in
  row('GET /static/:name', () => '/static/app.css',                                             'ok  ok  ok  ok  ok  ok  ok'),
  row('GET /healthz', () => '/healthz',                                                         'ok  ok  ok  ok  ok  ok  ok'),
  row('GET /', () => '/',                                                                       'ok  ok  ok  ok  ok  ok  login'),
  row('GET /login', () => '/login',                                                             'ok  ok  ok  ok  ok  ok  ok'),
  row('POST /login', () => '/login',                                                            'ok  ok  ok  ok  ok  ok  ok', { body: () => ({ email: '', password: '' }) }),
  row('POST /locale', () => '/locale',                                                          'ok  ok  ok  ok  ok  ok  ok', { body: () => ({ locale: 'xx' }) }),
  row('POST /logout', () => '/logout',                                                          'login login login login login login login', { last: true }),

  // ---- Stock
  row('GET /inventory', () => '/inventory',                                                     'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /inventory/totals', () => '/inventory/totals',                                       'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /inventory.csv', () => '/inventory.csv',                                             'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /products/:id', (m) => `/products/${m.w.product.widget.id}`,                         'ok  ok  ok  ok  ok  404 login'),
  row('POST /products/:id/reorder-point', (m) => `/products/${m.w.product.widget.id}/reorder-point`, 'ok  ok  403 403 403 404 login', {
    body: () => ({ reorder_point: 'many' }), attack: () => ({ reorder_point: '7' }) }),
  row('GET /locations/:id', (m) => `/locations/${m.w.loc.a1.id}`,                               'ok  ok  ok  404 ok  ok  login'),
  row('GET /ledger', () => '/ledger',                                                           'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /ledger.csv', () => '/ledger.csv',                                                   'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /warehouses', () => '/warehouses',                                                   'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /moves/new', () => '/moves/new',                                                     'ok  ok  ok  ok  403 403 login'),
  row('POST /moves', () => '/moves',                                                            'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ warehouse: W(m), product: m.w.product.widget.sku, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '0', idempotency_key: key() }),
    attack: (m) => ({ warehouse: W(m), product: m.w.product.widget.sku, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1', idempotency_key: key() }) }),
  row('GET /dashboard', (m) => `/dashboard?warehouse=${W(m)}`,                                  'ok  ok  ok  404 403 403 login'),
  row('GET /labels/locations', (m) => `/labels/locations?warehouse=${W(m)}`,                    'ok  ok  ok  404 403 403 login'),

  // ---- Receiving
  row('GET /inbound', () => '/inbound',                                                         'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /inbound/new', () => '/inbound/new',                                                 'ok  ok  ok  ok  ok  ok  login'),
  row('POST /inbound', () => '/inbound',                                                        'ok  ok  ok  422 422 422 login', {
    body: () => ({ intent: 'submit' }),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, reference: `TIR-${randomUUID().slice(0, 8)}`, mode: 'road_tir', seals: 'S-1', line_sku: role.startsWith('seller') ? otherSeller(m, role).sku : m.w.product.widget.sku, line_quantity: '1', intent: 'submit' }) }),
  row('GET /inbound/:id', (m) => `/inbound/${m.asnA.id}`,                                       'ok  ok  ok  404 ok  404 login'),
  row('GET /inbound/:id/edit', (m) => `/inbound/${m.asnA.id}/edit`,                             'ok  ok  ok  404 ok  404 login'),
  row('POST /inbound/:id', (m) => `/inbound/${m.asnA.id}`,                                      'ok  ok  ok  404 ok  404 login', {
    body: () => ({ intent: 'submit' }),
    attack: (m) => ({ warehouse: W(m), seller: m.w.sellerA.code, reference: m.asnA.reference, mode: 'road_tir', seals: 'S-1001 S-1002', line_sku: m.w.product.widget.sku, line_quantity: '99', intent: 'submit' }) }),
  row('POST /inbound/:id/status', (m) => `/inbound/${m.asnA.id}/status`,                        'ok  ok  403 404 403 404 login', { body: () => ({ action: 'close' }) }),
  row('POST /inbound/:id/lines/:line/decision', (m) => `/inbound/${m.asnA.id}/lines/${m.asnALine.id}/decision`, 'ok  ok  403 404 403 404 login', { body: () => ({ decision: 'accepted' }) }),
  row('GET /inbound/:id/arrival', (m) => `/inbound/${m.asnA.id}/arrival`,                       'ok  ok  ok  404 403 404 login'),
  row('POST /inbound/:id/arrival', (m) => `/inbound/${m.asnA.id}/arrival`,                      'ok  ok  ok  404 403 404 login', {
    body: () => ({ dock: 'DOCK-01' }),
    attack: () => ({ dock: 'DOCK-01', seal: 'S-1001', seal_state_0: 'intact', temp_chilled: '4' }) }),
  row('GET /receive', () => '/receive',                                                         'ok  ok  ok  ok  403 403 login', { probe: true }),
  row('GET /inbound/:id/receive', (m) => `/inbound/${m.asnA.id}/receive`,                       'ok  ok  ok  404 403 404 login'),
  row('POST /inbound/:id/receipts', (m) => `/inbound/${m.asnA.id}/receipts`,                    'ok  ok  ok  404 403 404 login', {
    body: (m) => ({ scan: m.w.product.widget.ean, quantity: '1', idempotency_key: key() }) }),
  row('GET /inbound/:id/report', (m) => `/inbound/${m.asnA.id}/report`,                         'ok  ok  ok  404 ok  404 login'),
  row('GET /inbound/:id/report.csv', (m) => `/inbound/${m.asnA.id}/report.csv`,                 'ok  ok  ok  404 ok  404 login'),
  row('GET /inbound/:id/label', (m) => `/inbound/${m.asnA.id}/label`,                           'ok  ok  ok  404 403 403 login'),
  row('GET /putaway', (m) => `/putaway?warehouse=${W(m)}`,                                      'ok  ok  ok  ok  403 403 login'),
  row('GET /putaway/task', (m) => `/putaway/task?warehouse=${W(m)}&balance=${m.dockBalanceId}`, 'ok  ok  ok  404 403 403 login'),
  row('POST /putaway', () => '/putaway',                                                        'ok  ok  ok  403 403 403 login', {
    body: (m) => ({ warehouse: W(m), sku: m.w.product.widget.sku, from_location: 'DOCK-01', to_location: 'NO-SUCH', quantity: '1', idempotency_key: key() }),
    attack: (m) => ({ warehouse: W(m), sku: m.w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: '1', idempotency_key: key() }) }),

  // ---- Orders, picking, packing, imports
  row('GET /orders', () => '/orders',                                                           'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /orders/new', () => '/orders/new',                                                   'ok  ok  ok  ok  ok  ok  login'),
  row('POST /orders', () => '/orders',                                                          'ok  ok  ok  422 422 422 login', {
    body: () => ({}),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, external_id: `X-${randomUUID().slice(0, 8)}`, line_sku: role.startsWith('seller') ? otherSeller(m, role).sku : m.w.product.widget.sku, line_quantity: '1' }) }),
  row('GET /orders/:id', (m) => `/orders/${m.orderA.id}`,                                       'ok  ok  ok  404 ok  404 login'),
  row('POST /orders/:id/cancel', (m) => `/orders/${m.orderToCancel.id}/cancel`,                 'ok  ok  ok  404 ok  404 login'),
  row('GET /orders/:id/pack', (m) => `/orders/${m.orderA.id}/pack`,                             'ok  ok  ok  404 403 404 login'),
  row('POST /orders/:id/pack-scans', (m) => `/orders/${m.orderA.id}/pack-scans`,                'ok  ok  ok  404 403 404 login', { body: (m) => ({ scan: m.w.product.widget.ean, quantity: '1' }) }),
  row('POST /orders/:id/pack', (m) => `/orders/${m.orderA.id}/pack`,                            'ok  ok  ok  404 403 404 login', { body: () => ({ weight_kg: '1', carrier: 'CDEK', tracking_number: 'T1' }) }),
  row('POST /orders/:id/ship', (m) => `/orders/${m.orderA.id}/ship`,                            'ok  ok  ok  404 403 404 login'),
  row('GET /orders/:id/packing-list', (m) => `/orders/${m.orderA.id}/packing-list`,             'ok  ok  ok  404 ok  404 login'),
  row('GET /orders/import', () => '/orders/import',                                             'ok  ok  ok  ok  ok  ok  login'),
  row('POST /orders/import/csv', () => '/orders/import/csv',                                    'ok  ok  ok  422 ok  ok  login', { body: (m) => ({ warehouse: W(m) }) }),
  row('POST /orders/import/marketplace', () => '/orders/import/marketplace',                    'ok  ok  ok  422 422 422 login', {
    body: (m) => ({ warehouse: W(m), channel: 'ozon', payload: '' }),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, channel: 'ozon', payload: JSON.stringify({ result: { postings: [] } }) }) }),
  row('GET /imports/:id', (m) => `/imports/${m.importJobId}`,                                   'ok  ok  404 404 ok  404 login'),
  row('GET /pick-lists', (m) => `/pick-lists?warehouse=${W(m)}`,                                'ok  ok  ok  ok  403 403 login'),
  row('POST /pick-lists', () => '/pick-lists',                                                  'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ warehouse: W(m), max_orders: '1', assign_to: '999999999' }),
    attack: (m) => ({ warehouse: W(m), max_orders: '30' }) }),
  row('GET /pick-lists/:id', (m) => `/pick-lists/${m.pickList.id}`,                             'ok  ok  ok  404 403 403 login'),
  row('GET /pick-lists/:id/pick', (m) => `/pick-lists/${m.pickList.id}/pick`,                   'ok  ok  ok  404 403 403 login'),
  row('POST /pick-tasks/:id/picks', (m) => `/pick-tasks/${m.task.id}/picks`,                    'ok  ok  ok  404 404 404 login', {
    body: (m) => ({ list: String(m.pickList.id), location: '', scan: '', quantity: '1', idempotency_key: key() }),
    attack: (m) => ({ list: String(m.pickList.id), location: 'A-01-01-1', scan: m.w.product.widget.ean, quantity: '1', idempotency_key: key() }) }),
  row('POST /pick-tasks/:id/short', (m) => `/pick-tasks/${m.task.id}/short`,                    'ok  ok  ok  404 404 404 login', { body: (m) => ({ list: String(m.pickList.id) }) }),

  // ---- Cold chain
  row('GET /cold', (m) => `/cold?warehouse=${W(m)}`,                                            'ok  ok  ok  404 403 403 login'),
  row('GET /cold/zones/new', (m) => `/cold/zones/new?warehouse=${W(m)}`,                        'ok  ok  403 404 403 403 login'),
  row('POST /cold/zones', () => '/cold/zones',                                                  'ok  ok  403 403 403 403 login', {
    body: (m) => ({ warehouse: W(m), code: '', name: '' }),
    attack: (m) => ({ warehouse: W(m), code: 'MX', name: 'Rogue', temperature_class: 'chilled', min_celsius: '2', max_celsius: '8', log_interval_minutes: '15' }) }),
  row('GET /cold/zones/:id/edit', (m) => `/cold/zones/${m.chilledZone.id}/edit`,                'ok  ok  403 404 404 404 login'),
  row('POST /cold/zones/:id', (m) => `/cold/zones/${m.chilledZone.id}`,                         'ok  ok  403 404 404 404 login', {
    body: () => ({ code: '', name: '' }),
    attack: () => ({ code: 'CHILLED', name: 'Renamed', temperature_class: 'chilled', min_celsius: '-30', max_celsius: '40', log_interval_minutes: '15' }) }),
  row('GET /cold/zones/:id/slots', (m) => `/cold/zones/${m.chilledZone.id}/slots`,              'ok  ok  403 404 404 404 login'),
  row('POST /cold/zones/:id/slots', (m) => `/cold/zones/${m.chilledZone.id}/slots`,             'ok  ok  403 404 404 404 login', {
    body: () => ({ aisle: '', rack: '', level: '', position: '' }),
    attack: () => ({ aisle: 'M', rack: '1', level: '1', position: '1', capacity_unit: 'units' }) }),
  row('POST /cold/slots/:id', (m) => `/cold/slots/${m.spareSlot.id}`,                           'ok  ok  403 404 404 404 login', {
    body: () => ({ capacity: 'lots', capacity_unit: 'units', active: 'on' }),
    attack: () => ({ capacity: '1', capacity_unit: 'units', active: '' }) }),
  row('GET /cold/zones/:id/map', (m) => `/cold/zones/${m.chilledZone.id}/map`,                  'ok  ok  ok  404 404 404 login'),
  row('GET /cold/slots/:id', (m) => `/cold/slots/${m.w.loc.chilled.id}`,                        'ok  ok  ok  404 404 404 login'),
  row('GET /cold/readings/new', (m) => `/cold/readings/new?warehouse=${W(m)}`,                  'ok  ok  ok  404 403 403 login'),
  row('POST /cold/readings', () => '/cold/readings',                                            'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ warehouse: W(m), target: 'NO-SUCH', celsius: '4' }),
    attack: (m) => ({ warehouse: W(m), target: 'R-01-01-2', celsius: '30' }) }),
  row('GET /cold/excursions', (m) => `/cold/excursions?warehouse=${W(m)}`,                      'ok  ok  ok  404 403 403 login'),
  row('GET /cold/excursions/:id', (m) => `/cold/excursions/${m.excursion.id}`,                  'ok  ok  ok  404 404 404 login'),
  row('POST /cold/excursions/:id/close', (m) => `/cold/excursions/${m.excursion.id}/close`,     'ok  ok  403 404 404 404 login', { body: () => ({ note: 'checked' }) }),
  row('GET /cold/zones/:id/chart', (m) => `/cold/zones/${m.chilledZone.id}/chart`,              'ok  ok  ok  404 404 404 login'),
  row('GET /cold/zones/:id/log', (m) => `/cold/zones/${m.chilledZone.id}/log`,                  'ok  ok  ok  404 404 404 login'),
  row('GET /cold/zones/:id/log.csv', (m) => `/cold/zones/${m.chilledZone.id}/log.csv`,          'ok  ok  ok  404 404 404 login'),
  row('GET /cold/expiring', (m) => `/cold/expiring?warehouse=${W(m)}`,                          'ok  ok  ok  404 403 403 login'),
  row('POST /cold/expiring/quarantine', () => '/cold/expiring/quarantine',                      'ok  ok  403 403 403 403 login', {
    body: (m) => ({ warehouse: W(m) }),
    attack: (m) => ({ warehouse: W(m), balance: String(m.dockBalanceId) }) }),
  row('GET /cold/devices', (m) => `/cold/devices?warehouse=${W(m)}`,                            'ok  ok  403 403 403 403 login'),
  row('POST /cold/devices', () => '/cold/devices',                                              'ok  ok  403 403 403 403 login', {
    body: (m) => ({ warehouse: W(m), name: '' }), attack: (m) => ({ warehouse: W(m), name: 'rogue probe' }) }),
  row('POST /cold/devices/:id/revoke', (m) => `/cold/devices/${m.deviceTokenId}/revoke`,        'ok  ok  404 404 404 404 login'),

  // ---- Transfers (from the world's warehouse to a third one)
  row('GET /transfers/new', () => '/transfers/new',                                             'ok  ok  ok  ok  403 403 login'),
  row('POST /transfers', () => '/transfers',                                                    'ok  ok  ok  422 403 403 login', {
    body: () => ({}),
    attack: (m) => ({ from_warehouse: W(m), to_warehouse: m.third.code, mode: 'road_tir', seals: 'S-1', line_sku: m.w.product.widget.sku, line_seller: m.w.sellerA.code, line_quantity: '1' }) }),
  row('GET /transfers.csv', () => '/transfers.csv',                                             'ok  ok  ok  ok  403 403 login', { probe: true }),
  row('GET /transfers', () => '/transfers',                                                     'ok  ok  ok  ok  403 403 login', { probe: true }),
  row('GET /transfers/:id', (m) => `/transfers/${m.transferDraft.id}`,                          'ok  ok  ok  404 404 404 login'),
  row('POST /transfers/:id/start-picking', (m) => `/transfers/${m.transferPicking.id}/start-picking`, 'ok  ok  ok  404 404 404 login'),
  row('POST /transfers/:id/cancel', (m) => `/transfers/${m.transferToCancel.id}/cancel`,        'ok  ok  ok  404 404 404 login'),
  row('POST /transfers/:id/dispatch', (m) => `/transfers/${m.transferPicking.id}/dispatch`,     'ok  ok  ok  404 404 404 login', { body: () => ({ seals: 'S-1' }) }),
  row('POST /transfers/:id/arrival', (m) => `/transfers/${m.transferDraft.id}/arrival`,         'ok  ok  403 404 404 404 login', { body: () => ({ dock: 'DOCK-01' }) }),
  row('POST /transfers/:id/finish', (m) => `/transfers/${m.transferDraft.id}/finish`,           'ok  ok  403 404 404 404 login'),
  row('POST /transfers/:id/close', (m) => `/transfers/${m.transferDraft.id}/close`,             'ok  ok  403 404 404 404 login'),
  row('POST /transfers/:id/lines/:line/write-off', (m) => `/transfers/${m.transferDraft.id}/lines/${m.transferLineId}/write-off`, 'ok  ok  403 404 404 404 login', { body: () => ({ note: 'lost' }) }),
  row('GET /transfers/:id/load', (m) => `/transfers/${m.transferPicking.id}/load`,              'ok  ok  ok  404 404 404 login'),
  row('POST /transfers/:id/load', (m) => `/transfers/${m.transferPicking.id}/load`,             'ok  ok  ok  404 404 404 login', {
    body: () => ({ scan: 'NO-SUCH', quantity: '1', idempotency_key: key() }),
    attack: (m) => ({ scan: m.w.product.widget.ean, quantity: '1', idempotency_key: key() }) }),
  row('GET /transfers/:id/receive', (m) => `/transfers/${m.transferDraft.id}/receive`,          'ok  ok  403 404 404 404 login'),
  row('POST /transfers/:id/receive', (m) => `/transfers/${m.transferDraft.id}/receive`,         'ok  ok  403 404 404 404 login', {
    body: (m) => ({ scan: m.w.product.widget.ean, quantity: '1', idempotency_key: key() }) }),

  // ---- Cycle counts and adjustments
  row('GET /counts', () => '/counts',                                                           'ok  ok  ok  ok  403 403 login', { probe: true }),
  row('GET /counts/new', () => '/counts/new',                                                   'ok  ok  403 403 403 403 login'),
  row('POST /counts', () => '/counts',                                                          'ok  ok  403 403 403 403 login', {
    body: (m) => ({ warehouse: W(m), scope: 'zone', zone: '' }),
    attack: (m) => ({ warehouse: W(m), scope: 'range', from_code: 'A-01-01-2', to_code: 'A-01-01-2', recount_above: '0' }) }),
  row('GET /counts/:id', (m) => `/counts/${m.count.id}`,                                        'ok  ok  ok  404 403 403 login'),
  row('POST /counts/:id/approve', (m) => `/counts/${m.count.id}/approve`,                       'ok  ok  403 404 403 403 login'),
  row('POST /counts/:id/cancel', (m) => `/counts/${m.countToCancel.id}/cancel`,                 'ok  ok  403 404 403 403 login'),
  row('GET /counts/:id/count', (m) => `/counts/${m.count.id}/count`,                            'ok  ok  ok  404 403 403 login'),
  row('POST /counts/:id/open', (m) => `/counts/${m.count.id}/open`,                             'ok  ok  ok  404 403 403 login', {
    body: () => ({ location: 'NO-SUCH' }), attack: () => ({ location: 'A-01-01-2' }) }),
  row('GET /counts/:id/locations/:place', (m) => `/counts/${m.count.id}/locations/${m.place}`,  'ok  ok  ok  404 403 403 login'),
  row('POST /counts/:id/locations/:place/scans', (m) => `/counts/${m.count.id}/locations/${m.place}/scans`, 'ok  ok  ok  404 403 403 login', {
    body: () => ({ scan: '', quantity: '1', idempotency_key: key() }),
    attack: (m) => ({ scan: m.w.product.widget.sku, quantity: '5', idempotency_key: key() }) }),
  row('POST /counts/:id/locations/:place/finish', (m) => `/counts/${m.count.id}/locations/${m.place}/finish`, 'ok  ok  ok  404 403 403 login'),
  row('POST /counts/:id/locations/:place/restart', (m) => `/counts/${m.count.id}/locations/${m.place}/restart`, 'ok  ok  ok  404 403 403 login'),
  row('GET /adjustments', () => '/adjustments',                                                 'ok  ok  ok  ok  403 403 login', { probe: true }),
  row('GET /adjustments/new', () => '/adjustments/new',                                         'ok  ok  ok  ok  403 403 login'),
  row('POST /adjustments', () => '/adjustments',                                                'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ warehouse: W(m) }),
    attack: (m) => ({ warehouse: W(m), location: 'A-01-01-1', product: m.w.product.widget.sku, direction: 'add', quantity: '1', reason: 'found', idempotency_key: key() }) }),
  row('POST /adjustments/:id/decision', (m) => `/adjustments/${m.adjustment.id}/decision`,      'ok  ok  403 404 403 403 login', {
    body: () => ({ decision: '' }), attack: () => ({ decision: 'approve' }) }),
  row('POST /adjustments/threshold', () => '/adjustments/threshold',                            'ok  ok  403 403 403 403 login', {
    body: (m) => ({ warehouse: W(m), units: 'all' }), attack: (m) => ({ warehouse: W(m), units: '100000' }) }),

  // ---- API tokens, seller portal
  row('GET /tokens', () => '/tokens',                                                           'ok  ok  ok  ok  ok  ok  login'),
  row('POST /tokens', () => '/tokens',                                                          'ok  403 403 403 ok  ok  login', {
    body: () => ({ name: '' }), attack: () => ({ name: 'rogue' }) }),
  row('POST /tokens/:id/revoke', (m) => `/tokens/${m.spareTokenId}/revoke`,                     'ok  404 404 404 ok  404 login'),
  row('GET /portal', (m) => `/portal?seller=${m.w.sellerA.code}`,                               'ok  ok  403 403 ok  404 login', { also: [[() => '/portal', 'ok  ok  403 403 ok  ok  login']] }),
  row('GET /portal/stock.csv', (m) => `/portal/stock.csv?seller=${m.w.sellerA.code}`,           'ok  ok  403 403 ok  404 login', { also: [[() => '/portal/stock.csv', 'ok  ok  403 403 ok  ok  login']] }),
  row('GET /portal/inbound.csv', (m) => `/portal/inbound.csv?seller=${m.w.sellerA.code}`,       'ok  ok  403 403 ok  404 login', { also: [[() => '/portal/inbound.csv', 'ok  ok  403 403 ok  ok  login']] }),
  row('GET /portal/orders.csv', (m) => `/portal/orders.csv?seller=${m.w.sellerA.code}`,         'ok  ok  403 403 ok  404 login', { also: [[() => '/portal/orders.csv', 'ok  ok  403 403 ok  ok  login']] }),

  // ---- JSON API (Bearer tokens)
  row('GET /api/v1/openapi.json', () => '/api/v1/openapi.json',                                 'ok  ok  ok  ok  ok  ok  ok'),
  row('GET /api/docs', () => '/api/docs',                                                       'ok  ok  ok  ok  ok  ok  ok'),
  row('GET /api/v1/warehouses', () => '/api/v1/warehouses',                                     'ok  ok  ok  ok  ok  ok  login'),
  row('GET /api/v1/products', () => '/api/v1/products',                                         'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('POST /api/v1/products', () => '/api/v1/products',                                        'ok  ok  403 403 422 422 login', {
    body: (m) => ({ seller: m.w.sellerA.code, sku: `MX-${randomUUID().slice(0, 8)}`, name: '', temperature_class: 'ambient' }),
    attack: (m, role) => ({ seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, sku: `MX-${randomUUID().slice(0, 8)}`, name: 'Matrix product', barcodes: [], temperature_class: 'ambient' }) }),
  row('GET /api/v1/stock', () => '/api/v1/stock',                                               'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('GET /api/v1/ledger', () => '/api/v1/ledger',                                             'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('POST /api/v1/temperature-readings', () => '/api/v1/temperature-readings',               'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ readings: [{ warehouse: W(m), location: 'NO-SUCH', celsius: 4, at: now() }] }),
    attack: (m) => ({ readings: [{ warehouse: W(m), location: 'R-01-01-2', celsius: 30, at: now() }] }) }),
  row('GET /api/v1/excursions', (m) => `/api/v1/excursions?warehouse=${W(m)}`,                  'ok  ok  ok  422 403 403 login'),
  row('GET /api/v1/inbound-shipments', () => '/api/v1/inbound-shipments',                       'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('POST /api/v1/inbound-shipments', () => '/api/v1/inbound-shipments',                      'ok  ok  ok  422 422 422 login', {
    body: () => ({}),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, reference: `TIR-${randomUUID().slice(0, 8)}`, transport: { mode: 'road_tir', seals: 'S-1' }, lines: [{ sku: role.startsWith('seller') ? otherSeller(m, role).sku : m.w.product.widget.sku, quantity: 1 }] }) }),
  row('GET /api/v1/inbound-shipments/:id', (m) => `/api/v1/inbound-shipments/${m.asnA.id}`,     'ok  ok  ok  404 ok  404 login'),
  row('POST /api/v1/inbound-shipments/:id/arrival', (m) => `/api/v1/inbound-shipments/${m.asnA.id}/arrival`, 'ok  ok  ok  404 403 404 login', {
    body: () => ({ dock: 'DOCK-01' }),
    attack: () => ({ dock: 'DOCK-01', seals: [{ seal: 'S-1001', state: 'intact' }, { seal: 'S-1002', state: 'intact' }], temperatures: { chilled: 4 } }) }),
  row('POST /api/v1/inbound-shipments/:id/receipts', (m) => `/api/v1/inbound-shipments/${m.asnA.id}/receipts`, 'ok  ok  ok  404 403 404 login', {
    body: (m) => ({ sku: m.w.product.widget.sku, quantity: 1 }) }),
  row('POST /api/v1/inbound-shipments/:id/lines/:line/:decision', (m) => `/api/v1/inbound-shipments/${m.asnA.id}/lines/1/accept`, 'ok  ok  403 404 403 404 login'),
  row('POST /api/v1/inbound-shipments/:id/:action', (m) => `/api/v1/inbound-shipments/${m.asnA.id}/close`, 'ok  ok  403 404 403 404 login'),
  row('POST /api/v1/putaways', () => '/api/v1/putaways',                                        'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ warehouse: W(m), sku: m.w.product.widget.sku, from_location: 'DOCK-01', to_location: 'NO-SUCH', quantity: 1 }),
    attack: (m) => ({ warehouse: W(m), sku: m.w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: 1 }) }),
  row('GET /api/v1/orders', () => '/api/v1/orders',                                             'ok  ok  ok  ok  ok  ok  login', { probe: true }),
  row('POST /api/v1/orders', () => '/api/v1/orders',                                            'ok  ok  ok  422 422 422 login', {
    body: () => ({}),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, external_id: `X-${randomUUID().slice(0, 8)}`, lines: [{ sku: role.startsWith('seller') ? otherSeller(m, role).sku : m.w.product.widget.sku, quantity: 1 }] }) }),
  row('POST /api/v1/orders/import/ozon', () => '/api/v1/orders/import/ozon',                    'ok  ok  ok  422 422 422 login', {
    body: () => ({}),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, payload: { result: { postings: [] } } }) }),
  row('POST /api/v1/orders/import/wildberries', () => '/api/v1/orders/import/wildberries',      'ok  ok  ok  422 422 422 login', {
    body: () => ({}),
    attack: (m, role) => ({ warehouse: W(m), seller: role.startsWith('seller') ? otherSeller(m, role).seller.code : m.w.sellerA.code, payload: { orders: [] } }) }),
  row('GET /api/v1/orders/:id', (m) => `/api/v1/orders/${m.orderA.id}`,                         'ok  ok  ok  404 ok  404 login'),
  row('POST /api/v1/orders/:id/cancel', (m) => `/api/v1/orders/${m.orderToCancel.id}/cancel`,   'ok  ok  ok  404 ok  404 login'),
  row('POST /api/v1/orders/:id/pack-scans', (m) => `/api/v1/orders/${m.orderA.id}/pack-scans`,  'ok  ok  ok  404 403 404 login', { body: (m) => ({ scan: m.w.product.widget.ean, quantity: 1 }) }),
  row('POST /api/v1/orders/:id/pack', (m) => `/api/v1/orders/${m.orderA.id}/pack`,              'ok  ok  ok  404 403 404 login'),
  row('POST /api/v1/orders/:id/ship', (m) => `/api/v1/orders/${m.orderA.id}/ship`,              'ok  ok  ok  404 403 404 login', { body: () => ({ carrier: 'CDEK', tracking_number: 'T1' }) }),
  row('POST /api/v1/pick-lists', () => '/api/v1/pick-lists',                                    'ok  ok  ok  422 403 403 login', {
    body: (m) => ({ warehouse: W(m), orders: ['999999999'] }), attack: (m) => ({ warehouse: W(m) }) }),
  row('GET /api/v1/pick-lists/:id', (m) => `/api/v1/pick-lists/${m.pickList.id}`,               'ok  ok  ok  404 403 403 login'),
  row('POST /api/v1/pick-lists/:id/picks', (m) => `/api/v1/pick-lists/${m.pickList.id}/picks`,  'ok  ok  ok  404 403 403 login', {
    body: (m) => ({ task: String(m.task.id) }),
    attack: (m) => ({ task: String(m.task.id), location: 'A-01-01-1', scan: m.w.product.widget.ean, quantity: 1 }) }),
  row('POST /api/v1/pick-lists/:id/tasks/:task/short', (m) => `/api/v1/pick-lists/${m.pickList.id}/tasks/${m.task.id}/short`, 'ok  ok  ok  404 403 403 login'),
  row('POST /api/v1/transfers', () => '/api/v1/transfers',                                      'ok  ok  ok  422 403 403 login', {
    body: () => ({}),
    attack: (m) => ({ from_warehouse: W(m), to_warehouse: m.third.code, transport: { mode: 'road_tir', seals: 'S-1' }, lines: [{ sku: m.w.product.widget.sku, seller: m.w.sellerA.code, quantity: 1 }] }) }),
  row('GET /api/v1/transfers/:id', (m) => `/api/v1/transfers/${m.transferDraft.id}`,            'ok  ok  ok  404 404 404 login'),
  row('POST /api/v1/transfers/:id/start-picking', (m) => `/api/v1/transfers/${m.transferPicking.id}/start-picking`, 'ok  ok  ok  404 404 404 login'),
  row('POST /api/v1/transfers/:id/dispatch', (m) => `/api/v1/transfers/${m.transferDraft.id}/dispatch`, 'ok  ok  ok  404 404 404 login'),
  row('POST /api/v1/transfers/:id/arrival', (m) => `/api/v1/transfers/${m.transferDraft.id}/arrival`, 'ok  ok  403 404 404 404 login'),
  row('POST /api/v1/transfers/:id/finish', (m) => `/api/v1/transfers/${m.transferDraft.id}/finish`, 'ok  ok  403 404 404 404 login'),
  row('POST /api/v1/transfers/:id/close', (m) => `/api/v1/transfers/${m.transferDraft.id}/close`, 'ok  ok  403 404 404 404 login'),
  row('POST /api/v1/transfers/:id/cancel', (m) => `/api/v1/transfers/${m.transferToCancel.id}/cancel`, 'ok  ok  ok  404 404 404 login'),
  row('POST /api/v1/transfers/:id/receipts', (m) => `/api/v1/transfers/${m.transferDraft.id}/receipts`, 'ok  ok  403 404 404 404 login', {
    body: (m) => ({ sku: m.w.product.widget.sku, quantity: 1 }) }),
];

const isApi = (path: string) => path.startsWith('/api/v1/');
const CSRF_MESSAGES = locales.map((l) => catalogs[l]['error.csrf']);

type Sent = { status: number; location: string; hxRedirect: string; type: string; text: string };

describe.each(backends)('the authorization matrix on %s', (backend) => {
  let database: Database;
  let app: App;
  let m: MatrixWorld;
  const clients = {} as Record<Role, Client>;
  /** Every mismatch, named by route, role and request: reported all at once. */
  const problems: string[] = [];
  let checks = 0;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
    m = await matrixWorld(database.db);
    for (const role of ROLES) {
      if (role === 'anon') {
        clients.anon = new Client(app);
        await clients.anon.get('/login');
      } else {
        clients[role] = await signedIn(app, m.w.user[role].email);
      }
    }
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });

  /** Strings that must never reach a given role: the other seller's SKUs and documents. */
  function secretsFor(role: Role): (string | RegExp)[] {
    const { w } = m;
    const ofA = [w.product.widget.sku, w.product.kefir.sku, w.product.icecream.sku, w.product.widget.ean, m.asnA.reference, m.orderA.externalId, m.orderToCancel.externalId, m.orderPicked.externalId, 'matrix sellerA', m.spareTokenId, new RegExp(`/inbound/${m.asnA.id}(?![0-9])`), new RegExp(`/orders/${m.orderA.id}(?![0-9])`), new RegExp(`/imports/${m.importJobId}(?![0-9])`)];
    const ofB = [w.product.gadget.sku, w.product.gadget.ean, m.asnB.reference, m.orderB.externalId, 'matrix sellerB', new RegExp(`/inbound/${m.asnB.id}(?![0-9])`), new RegExp(`/orders/${m.orderB.id}(?![0-9])`)];
    // This warehouse's documents, which the other warehouse's operator must not see.
    const ofWarehouse = [m.asnA.reference, m.asnB.reference, m.orderA.externalId, m.orderB.externalId, new RegExp(`/transfers/${m.transferDraft.id}(?![0-9])`), new RegExp(`/counts/${m.count.id}(?![0-9])`), new RegExp(`/pick-lists/${m.pickList.id}(?![0-9])`), new RegExp(`/cold/excursions/${m.excursion.id}(?![0-9])`), m.deviceTokenId];
    return role === 'sellerA' ? ofB : role === 'sellerB' ? ofA : role === 'operatorOther' ? ofWarehouse : [];
  }

  async function send(r: Row, role: Role, opts: { htmx?: boolean; token?: string; path?: string } = {}): Promise<Sent & { path: string; sentBody: string }> {
    const path = opts.path ?? r.path(m);
    const allowed = r.expect[role] === 'ok';
    const body = r.method === 'POST' ? ((!allowed && r.attack ? r.attack(m, role) : r.body?.(m, role)) ?? {}) : undefined;
    let res: Response;
    if (isApi(path)) {
      const headers: Record<string, string> = {};
      const token = opts.token ?? (role === 'anon' ? undefined : m.tokens[role]);
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body) headers['Content-Type'] = 'application/json';
      res = await app.request(`http://localhost${path}`, { method: r.method, headers, body: body ? JSON.stringify(body) : undefined });
    } else if (r.method === 'GET') {
      res = await clients[role].get(path, { htmx: opts.htmx });
    } else {
      res = await clients[role].post(path, body as Record<string, string>);
    }
    return {
      path,
      sentBody: body ? JSON.stringify(body) : '',
      status: res.status,
      location: res.headers.get('location') ?? '',
      hxRedirect: res.headers.get('hx-redirect') ?? '',
      type: res.headers.get('content-type') ?? '',
      text: await res.text(),
    };
  }

  /** What is wrong with an answer, or null. */
  function verdict(expected: Expected, s: Sent & { path: string }, htmx: boolean): string | null {
    const api = isApi(s.path);
    if (s.status >= 500) return `${s.status}: ${s.text.slice(0, 200)}`;
    if (api && s.status >= 400 && !s.type.includes('application/problem+json')) return `${s.status} is not problem+json (${s.type})`;
    if (s.status === 403 && CSRF_MESSAGES.some((msg) => s.text.includes(msg))) return '403 from the CSRF check, not the policy';
    const toLogin = (u: string) => u === '/login' || u.startsWith('/login?');
    if (expected === 'ok') {
      if ([401, 403, 404].includes(s.status)) return `${s.status}, expected an allowed answer`;
      if (s.status >= 300 && s.status < 400 && toLogin(s.location)) return `redirected to sign in (${s.location})`;
      return null;
    }
    if (expected === 'login') {
      if (api) return s.status === 401 ? null : `${s.status}, expected 401`;
      // htmx: a full-page redirect by HX-Redirect (or a plain redirect to the sign-in page).
      if (htmx) return (s.status === 401 && toLogin(s.hxRedirect)) || (s.status === 303 && toLogin(s.location)) ? null : `${s.status} (HX-Redirect ${s.hxRedirect || 'none'}), expected 401 with HX-Redirect to /login`;
      return s.status === 303 && toLogin(s.location) ? null : `${s.status} ${s.location}, expected 303 to /login`;
    }
    return s.status === expected ? null : `${s.status}, expected ${expected}`;
  }

  function leaks(role: Role, s: Sent & { path: string; sentBody: string }): string | null {
    const found = secretsFor(role).filter((secret) => {
      // What the request itself named may come back (a search box, the language switcher's return path).
      const inRequest = typeof secret === 'string' ? s.path.includes(secret) || s.sentBody.includes(secret) : secret.test(s.path) || secret.test(s.sentBody);
      if (inRequest) return false;
      return typeof secret === 'string' ? s.text.includes(secret) : secret.test(s.text);
    });
    return found.length ? `leaks ${found.map(String).join(', ')}` : null;
  }

  async function check(r: Row, role: Role, opts: { htmx?: boolean; path?: string; probe?: boolean } = {}) {
    const s = await send(r, role, { htmx: opts.htmx, path: opts.path });
    checks++;
    const label = `${r.route} [${role}${opts.htmx ? ', htmx' : ''}] ${r.method} ${s.path}`;
    let wrong = verdict(r.expect[role], s, Boolean(opts.htmx));
    // A filter naming what is outside the user's scope may be refused as unknown (or give an empty list).
    if (wrong && opts.probe && r.expect[role] === 'ok' && [404, 422].includes(s.status) && verdict(s.status, s, Boolean(opts.htmx)) === null) wrong = null;
    if (wrong) problems.push(`${label}: ${wrong}`);
    const leak = leaks(role, s);
    if (leak) problems.push(`${label}: ${leak}`);
  }

  it('lists every route of the app, and only those', () => {
    const appRoutes = new Set<string>();
    const raw = new Set<string>();
    for (const r of app.routes) {
      if (r.method === 'ALL') continue;
      raw.add(`${r.method} ${r.path}`);
      appRoutes.add(`${r.method} ${plainPattern(r.path)}`);
    }
    // Two routes that differ only in their parameters' patterns would be one row here.
    expect(appRoutes.size).toBe(raw.size);
    const listed = MATRIX.map((r) => r.route);
    expect(listed.filter((r, i) => listed.indexOf(r) !== i), 'listed twice').toEqual([]);
    expect([...appRoutes].filter((r) => !listed.includes(r)), 'routes of the app missing from the matrix').toEqual([]);
    expect(listed.filter((r) => !appRoutes.has(r)), 'rows of the matrix for routes the app no longer has').toEqual([]);
  });

  it('reads: every GET page (and its htmx fragment), CSV and API read, in every role', async () => {
    for (const r of MATRIX.filter((x) => x.method === 'GET' && !x.last)) {
      for (const role of ROLES) {
        const asks: { path?: string; probe?: boolean; row: Row }[] = [{ row: r }];
        for (const a of r.also ?? []) asks.push({ path: a.path(m), row: { ...r, expect: a.expect } });
        if (r.probe) {
          const sep = r.path(m).includes('?') ? '&' : '?';
          for (const filter of [`warehouse=${W(m)}`, `seller=${(role === 'sellerA' ? m.w.sellerB : m.w.sellerA).code}`]) asks.push({ path: `${r.path(m)}${sep}${filter}`, probe: true, row: r });
        }
        for (const a of asks) {
          await check(a.row, role, { path: a.path, probe: a.probe });
          if (!isApi(a.path ?? r.path(m))) await check(a.row, role, { path: a.path, probe: a.probe, htmx: true });
        }
      }
    }
    expect.soft(problems.splice(0)).toEqual([]);
    // The secrets looked for are real: each seller's own answers carry them.
    const own = async (role: Role, route: string, other: Role) => {
      const s = await send(MATRIX.find((x) => x.route === route)!, role);
      expect(leaks(other, s), `${route} for ${role}`).not.toBeNull();
    };
    await own('sellerA', 'GET /inventory', 'sellerB');
    await own('sellerA', 'GET /inbound', 'sellerB');
    await own('sellerA', 'GET /api/v1/orders', 'sellerB');
    await own('sellerB', 'GET /inventory.csv', 'sellerA');
    await own('sellerB', 'GET /api/v1/inbound-shipments', 'sellerA');
    await own('operator', 'GET /orders', 'operatorOther');
  });

  it('refused writes: every POST in every role that may not make it, and none of them changes anything', async () => {
    const stockBefore = await stockFingerprint(database.db, [m.w.warehouse.id, m.w.other.id, m.third.id]);
    const docsBefore = await documentFingerprint(database.db, m);
    for (const r of MATRIX.filter((x) => x.method === 'POST' && !x.last)) {
      for (const role of ROLES) if (r.expect[role] !== 'ok') await check(r, role);
    }
    expect.soft(problems.splice(0)).toEqual([]);
    expect(await stockFingerprint(database.db, [m.w.warehouse.id, m.w.other.id, m.third.id])).toBe(stockBefore);
    expect(await documentFingerprint(database.db, m)).toBe(docsBefore);
  });

  it('a revoked or unknown token is 401 problem+json on every API route', async () => {
    for (const r of MATRIX.filter((x) => isApi(x.path(m)))) {
      for (const token of [m.revokedToken, m.unknownToken]) {
        const s = await send(r, 'sellerA', { token });
        checks++;
        if (s.status !== 401 || !s.type.includes('application/problem+json')) problems.push(`${r.route} with a ${token === m.revokedToken ? 'revoked' : 'unknown'} token: ${s.status} ${s.type}`);
      }
    }
    expect.soft(problems.splice(0)).toEqual([]);
  });

  it('allowed writes: every POST in every role that may make it (after the refused ones)', async () => {
    const stockBefore = await stockFingerprint(database.db, [m.w.warehouse.id, m.w.other.id, m.third.id]);
    const docsBefore = await documentFingerprint(database.db, m);
    for (const r of MATRIX.filter((x) => x.method === 'POST' && !x.last)) {
      for (const role of ROLES) if (r.expect[role] === 'ok') await check(r, role);
    }
    expect.soft(problems.splice(0)).toEqual([]);
    // The fingerprints see a change: the cancels, the short pick and the revokes above made some.
    expect(await stockFingerprint(database.db, [m.w.warehouse.id, m.w.other.id, m.third.id])).not.toBe(stockBefore);
    expect(await documentFingerprint(database.db, m)).not.toBe(docsBefore);
  });

  it('signing out, last', async () => {
    for (const r of MATRIX.filter((x) => x.last)) for (const role of ROLES) await check(r, role);
    expect.soft(problems.splice(0)).toEqual([]);
    // Signed out means signed out.
    expect((await clients.manager.get('/inventory')).status).toBe(303);
    console.info(`authorization matrix on ${backend}: ${MATRIX.length} routes, ${checks} route × role checks`);
  });
});

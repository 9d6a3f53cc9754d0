/**
 * The OpenAPI 3.1 document of the JSON API, built from the same zod schemas the routes parse
 * their input with (zod's own JSON Schema output, input side), so the document cannot drift
 * from what the server accepts. Served at GET /api/v1/openapi.json and read by /api/docs.
 */
import { z } from 'zod';
import { orderInputSchema } from '../outbound/schemas.ts';
import { packInputSchema, packScanSchema } from '../outbound/pack-ship.ts';
import { pickInputSchema } from '../outbound/confirm-pick.ts';
import { arrivalInputSchema as inboundArrivalSchema, putawayInputSchema, receiptInputSchema, shipmentInputSchema } from '../inbound/schemas.ts';
import { readingsSchema } from '../cold/record-readings.ts';
import { arrivalInputSchema as transferArrivalSchema, dispatchInputSchema, transferInputSchema, transferReceiptSchema } from '../transfers/schemas.ts';
import { importInputSchema, orderListQuery, pickListInputSchema, pickTaskSchema } from './outbound.ts';
import { noteSchema, shipmentListQuery } from './inbound.ts';
import { ledgerQuery, productQuery, stockQuery } from './routes.ts';
import { productInputSchema } from '../inventory/create-product.ts';
import { excursionQuery } from './cold.ts';
import { shortInputSchema } from '../outbound/confirm-pick.ts';

type Op = { method: 'get' | 'post'; path: string; summary: string; tag: string; body?: z.ZodType; query?: z.ZodObject; ok?: number; idempotent?: boolean; description?: string };

const ops: Op[] = [
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document (public)', tag: 'meta' },
  { method: 'get', path: '/api/v1/warehouses', summary: 'Warehouses the caller may see', tag: 'stock' },
  { method: 'get', path: '/api/v1/products', summary: 'Products (a seller: their own)', tag: 'stock', query: productQuery },
  { method: 'post', path: '/api/v1/products', summary: 'Create a product with its barcodes (a seller: their own)', tag: 'stock', body: productInputSchema, ok: 201, idempotent: true, description: 'Answers the product as `GET /api/v1/products` lists it. The SKU and every barcode are unique per seller: a duplicate is 409 and names the product that has it. Unit barcodes are EAN-13, EAN-8, UPC-A or GTIN-14 (check digit verified) or marketplace codes (4–40 visible characters, not all digits). `units_per_case` also registers, for each GTIN, the GTIN-14 of its case (indicator digit 1), answered in `case_barcodes`. With an `Idempotency-Key`, a repeat whose product exists exactly as asked is answered 201 with it again.' },
  { method: 'get', path: '/api/v1/stock', summary: 'Balances by location, product and lot', tag: 'stock', query: stockQuery },
  { method: 'get', path: '/api/v1/ledger', summary: 'Ledger entries, newest first', tag: 'stock', query: ledgerQuery },
  { method: 'post', path: '/api/v1/inbound-shipments', summary: 'Create an ASN', tag: 'inbound', body: shipmentInputSchema, ok: 201, idempotent: true },
  { method: 'get', path: '/api/v1/inbound-shipments', summary: 'ASNs', tag: 'inbound', query: shipmentListQuery },
  { method: 'get', path: '/api/v1/inbound-shipments/{id}', summary: 'One ASN with lines and receipts', tag: 'inbound' },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/arrival', summary: 'Dock arrival: time, dock, seals, temperature', tag: 'inbound', body: inboundArrivalSchema },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/receipts', summary: 'Receive a scan or a SKU', tag: 'inbound', body: receiptInputSchema, ok: 201, idempotent: true },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/submit', summary: 'Submit a draft ASN (draft → expected)', tag: 'inbound', body: noteSchema },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/cancel', summary: 'Cancel an ASN before receiving', tag: 'inbound', body: noteSchema },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/finish', summary: 'Finish receiving (short lines stay short)', tag: 'inbound', body: noteSchema },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/close', summary: 'Close a received ASN (every discrepancy decided)', tag: 'inbound', body: noteSchema },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/lines/{line}/accept', summary: 'Accept goods that were not on the ASN (quarantine → dock)', tag: 'inbound' },
  { method: 'post', path: '/api/v1/inbound-shipments/{id}/lines/{line}/reject', summary: 'Reject goods that were not on the ASN (back to the supplier)', tag: 'inbound' },
  { method: 'post', path: '/api/v1/putaways', summary: 'Put stock away from a dock', tag: 'inbound', body: putawayInputSchema, ok: 201, idempotent: true },
  { method: 'get', path: '/api/v1/orders', summary: 'Orders (a seller: their own), newest first', tag: 'outbound', query: orderListQuery },
  { method: 'post', path: '/api/v1/orders', summary: 'Create (and allocate) an order', tag: 'outbound', body: orderInputSchema, ok: 201, idempotent: true, description: 'Idempotent by `external_id`: an order whose seller, channel and external id exist already is answered 200 with `created: false`, and nothing is created. With an `Idempotency-Key`, a repeat answers the order the key created (201); the key sent with another order is 409 `IDEMPOTENCY_KEY_REUSED`.' },
  { method: 'post', path: '/api/v1/orders/import/ozon', summary: 'Import an Ozon /v3/posting/fbs/list response', tag: 'outbound', body: importInputSchema },
  { method: 'post', path: '/api/v1/orders/import/wildberries', summary: 'Import a Wildberries /api/v3/orders/new response', tag: 'outbound', body: importInputSchema },
  { method: 'get', path: '/api/v1/orders/{id}', summary: 'One order with lines, allocations and status', tag: 'outbound' },
  { method: 'post', path: '/api/v1/orders/{id}/cancel', summary: 'Cancel an order (reservations released)', tag: 'outbound' },
  { method: 'post', path: '/api/v1/pick-lists', summary: 'Make a pick list', tag: 'outbound', body: pickListInputSchema, ok: 201 },
  { method: 'post', path: '/api/v1/orders/{id}/pack-scans', summary: 'Verify one packed unit by scan (Chestny ZNAK serials kept)', tag: 'outbound', body: packScanSchema, ok: 201 },
  { method: 'post', path: '/api/v1/orders/{id}/pack', summary: 'Close the parcel: weight, carrier, tracking', tag: 'outbound', body: packInputSchema },
  { method: 'get', path: '/api/v1/pick-lists/{id}', summary: 'One pick list with its tasks in walking order', tag: 'outbound' },
  { method: 'post', path: '/api/v1/pick-lists/{id}/picks', summary: 'Confirm a pick: location, item, quantity', tag: 'outbound', body: z.object({ ...pickTaskSchema.shape, ...pickInputSchema.shape }), ok: 201, idempotent: true },
  { method: 'post', path: '/api/v1/pick-lists/{id}/tasks/{task}/short', summary: 'Report a short pick: release, re-allocate elsewhere', tag: 'outbound', body: shortInputSchema, description: 'The task location label as scanned: a short is reported only at the location (422 without it, 409 for another one).' },
  { method: 'post', path: '/api/v1/orders/{id}/ship', summary: 'Ship a packed order', tag: 'outbound', body: packInputSchema, idempotent: true },
  { method: 'post', path: '/api/v1/temperature-readings', summary: 'Temperature readings (sensors: device token)', tag: 'cold', body: readingsSchema, ok: 201 },
  { method: 'get', path: '/api/v1/excursions', summary: 'Temperature excursions of a warehouse', tag: 'cold', query: excursionQuery },
  { method: 'post', path: '/api/v1/transfers', summary: 'Create a transfer between warehouses', tag: 'transfers', body: transferInputSchema, ok: 201, idempotent: true },
  { method: 'get', path: '/api/v1/transfers/{id}', summary: 'One transfer with what is still on the road', tag: 'transfers' },
  { method: 'post', path: '/api/v1/transfers/{id}/start-picking', summary: 'Reserve the stock at the source', tag: 'transfers' },
  { method: 'post', path: '/api/v1/transfers/{id}/dispatch', summary: 'Dispatch: picked stock to transit', tag: 'transfers', body: dispatchInputSchema, idempotent: true },
  { method: 'post', path: '/api/v1/transfers/{id}/arrival', summary: 'Arrival at the destination: seals, temperature, dock', tag: 'transfers', body: transferArrivalSchema },
  { method: 'post', path: '/api/v1/transfers/{id}/receipts', summary: 'Receive a scan or a SKU from transit', tag: 'transfers', body: transferReceiptSchema, ok: 201, idempotent: true },
  { method: 'post', path: '/api/v1/transfers/{id}/finish', summary: 'Finish receiving', tag: 'transfers' },
  { method: 'post', path: '/api/v1/transfers/{id}/close', summary: 'Close (nothing left on the road)', tag: 'transfers' },
  { method: 'post', path: '/api/v1/transfers/{id}/cancel', summary: 'Cancel before dispatch', tag: 'transfers' },
];

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const problem = { $ref: '#/components/schemas/Problem' };
const errors = Object.fromEntries(
  [
    ['400', 'Malformed request'],
    ['401', 'No or bad token'],
    ['403', 'The role may not'],
    ['404', 'Not found, or not yours'],
    ['409', 'Conflict with the current state'],
    ['422', 'Invalid values (errors lists each path)'],
  ].map(([code, description]) => [code, { description, content: { 'application/problem+json': { schema: problem } } }]),
);

let built: Record<string, unknown> | null = null;

/** The document (built once per process). */
export function openApiDocument(): Record<string, unknown> {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of ops) {
    const parameters: unknown[] = [];
    for (const [, name] of op.path.matchAll(/\{([a-z]+)\}/g)) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    if (op.query) {
      const props = (jsonSchema(op.query).properties ?? {}) as Record<string, unknown>;
      for (const [name, schema] of Object.entries(props)) parameters.push({ name, in: 'query', required: false, schema });
    }
    if (op.idempotent) parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 8, maxLength: 100 }, description: 'A repeat with the same key returns the first response and moves nothing.' });
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: { [String(op.ok ?? 200)]: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors },
    };
  }
  built = {
    openapi: '3.1.0',
    info: { title: 'Caravan JSON API', version: '1', description: 'Stock, inbound, orders, cold storage and transfers of Caravan warehouses. JSON in and out; errors as application/problem+json.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (id.secret) made on /tokens, or a sensor token made on /cold/devices.' },
        session: { type: 'apiKey', in: 'cookie', name: 'caravan_session', description: 'The browser session; POSTs then need the X-CSRF-Token header.' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
  return built;
}

/** The operations, for the docs page. */
export function openApiOperations() {
  const doc = openApiDocument() as { paths: Record<string, Record<string, { summary: string; tags: string[]; requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown>; required?: string[] } } } } }>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const schema = op.requestBody?.content['application/json'].schema;
      return { method: method.toUpperCase(), path, summary: op.summary, tag: op.tags[0] ?? '', fields: Object.keys(schema?.properties ?? {}), required: schema?.required ?? [] };
    }),
  );
}

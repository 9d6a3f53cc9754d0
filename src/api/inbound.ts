import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import type { Executor } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { requireUser } from '../auth/middleware.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { optionalText } from '../inventory/filters.ts';
import { readScope, type ReadScope } from '../inventory/scope.ts';
import { saveShipment } from '../inbound/save-shipment.ts';
import { changeShipmentStatus, type StatusAction } from '../inbound/change-status.ts';
import { recordArrival } from '../inbound/record-arrival.ts';
import { receiveItem } from '../inbound/receive-item.ts';
import { putAway } from '../inbound/putaway.ts';
import { decideUnexpectedLine } from '../inbound/decide-line.ts';
import { parseInput } from '../inbound/schemas.ts';
import { getShipment, shipmentFilterSchema, shipmentReceipts } from '../inbound/queries.ts';
import { lineIdOf, listShipmentsBefore, receiptCondition, receivedByReason } from '../inbound/api-queries.ts';
import { encodeCursor, pageSchema } from './pagination.ts';
import { cursorOf, idempotencyKey, jsonBody, pathId } from './request.ts';
import { issueFieldError } from '../http/issues.ts';

const notFound = () => new AppError('NOT_FOUND', { key: 'inbound.error.notFound' });

export const shipmentListQuery = pageSchema.extend(shipmentFilterSchema.omit({ page: true }).shape);
export const noteSchema = z.object({ note: optionalText(500) });

type Discrepancy = { line: number; sku: string; kind: 'short' | 'over' | 'damaged' | 'unexpected' | 'temperature'; quantity: number };

/** GET /api/v1/inbound-shipments/:id: the ASN with its lines, discrepancies and receipts (404 when not the user's to see). */
export async function shipmentJson(db: Executor, scope: ReadScope, id: number) {
  const s = await getShipment(db, scope, id);
  if (!s) throw notFound();
  const [receipts, byReason] = await Promise.all([shipmentReceipts(db, id, 500), receivedByReason(db, id)]);
  const discrepancies: Discrepancy[] = [];
  for (const l of s.lines) {
    const base = { line: l.lineNo, sku: l.sku };
    if (l.unexpected) {
      // Goods not on the ASN: everything that came is the discrepancy (not also "over").
      discrepancies.push({ ...base, kind: 'unexpected', quantity: l.received + l.damaged });
    } else {
      if (l.short > 0) discrepancies.push({ ...base, kind: 'short', quantity: l.short });
      if (l.over > 0) discrepancies.push({ ...base, kind: 'over', quantity: l.over });
    }
    if (l.damaged > 0) discrepancies.push({ ...base, kind: 'damaged', quantity: l.damaged });
    const warm = byReason.filter((r) => r.lineId === l.id && r.reason === 'temperature').reduce((n, r) => n + r.quantity, 0);
    // A reading outside the range at arrival is a discrepancy even before anything is scanned.
    if (warm > 0 || l.quarantineReason === 'temperature') discrepancies.push({ ...base, kind: 'temperature', quantity: warm });
  }
  return {
    id: String(s.id),
    reference: s.reference,
    status: s.status,
    seller: s.sellerCode,
    warehouse: s.warehouseCode,
    eta: s.eta,
    transport: {
      mode: s.transportMode,
      tir_carnet: s.tirCarnet,
      vehicle_plate: s.vehiclePlate,
      trailer_plate: s.trailerPlate,
      container: s.container,
      seals: s.seals,
    },
    note: s.note,
    arrived_at: s.arrivedAt ? s.arrivedAt.toISOString() : null,
    dock: s.dockCode,
    seal_checks: (s.sealChecks ?? []).map((c) => ({ seal: c.seal, state: c.state, note: c.note ?? null })),
    arrival_note: s.arrivalNote,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    lines: s.lines.map((l) => ({
      line: l.lineNo,
      sku: l.sku,
      expected: l.expected,
      received: l.received,
      damaged: l.damaged,
      short: l.short,
      over: l.over,
      lot: l.lotCode || null,
      expiry: l.expiresOn,
      unexpected: l.unexpected,
      decision: l.decision,
      arrival_celsius: l.arrivalCelsius,
      quarantine_reason: l.quarantineReason,
    })),
    discrepancies,
    receipts: receipts.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      line: r.lineNo,
      sku: r.sku,
      lot: r.lot,
      expiry: r.expiry,
      serial: r.serial,
      sscc: r.sscc,
      quantity: r.quantity,
      condition: r.condition,
      location: r.location,
      quarantine_reason: r.quarantineReason,
    })),
  };
}

const statusActions: Record<string, StatusAction> = { submit: 'submit', cancel: 'cancel', finish: 'finishReceiving', close: 'close' };

/** The inbound part of the JSON API v1 (../shared/API.md): ASNs, receipts at the dock, putaways. */
export function inboundApiRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/api/v1/inbound-shipments', requireUser());
  app.use('/api/v1/inbound-shipments/*', requireUser());
  app.use('/api/v1/putaways', requireUser());
  const user = (c: Context<AppEnv>): CurrentUser => c.var.user!;

  app.get('/api/v1/inbound-shipments', async (c) => {
    const parsed = shipmentListQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw new AppError('VALIDATION', {
        key: 'error.badFilter',
        fieldErrors: parsed.error.issues.map((i) => issueFieldError(i)),
      });
    }
    const q = parsed.data;
    const rows = await listShipmentsBefore(c.var.db, readScope(user(c)), q, cursorOf(q.cursor), q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => ({
        id: String(r.id),
        reference: r.reference,
        status: r.status,
        seller: r.sellerCode,
        warehouse: r.warehouseCode,
        eta: r.eta,
        transport_mode: r.transportMode,
        arrived_at: r.arrivedAt ? r.arrivedAt.toISOString() : null,
        created_at: r.createdAt.toISOString(),
        line_count: r.lines,
        expected: r.expected,
        received: r.received,
        damaged: r.damaged,
      })),
      next_cursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    });
  });

  app.post('/api/v1/inbound-shipments', async (c) => {
    const body = await jsonBody(c);
    const key = idempotencyKey(c);
    const u = user(c);
    const shipment = await saveShipment({ db: c.var.db, user: u, input: body, ...(key ? { idempotencyKey: `api:${u.id}:${key}` } : {}) });
    return c.json(await shipmentJson(c.var.db, readScope(u), shipment.id), 201);
  });

  app.get('/api/v1/inbound-shipments/:id', async (c) => {
    const id = pathId(c.req.param('id'), notFound);
    return c.json(await shipmentJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/inbound-shipments/:id/arrival', async (c) => {
    const id = pathId(c.req.param('id'), notFound);
    const body = await jsonBody(c, { optional: true });
    await recordArrival({ db: c.var.db, user: user(c), shipmentId: id, input: body });
    return c.json(await shipmentJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/inbound-shipments/:id/receipts', async (c) => {
    const id = pathId(c.req.param('id'), notFound);
    const body = await jsonBody(c);
    const key = idempotencyKey(c) ?? randomUUID();
    const r = await receiveItem({ db: c.var.db, user: user(c), shipmentId: id, input: { ...body, idempotency_key: key }, keyScope: 'api' });
    return c.json(
      {
        id: String(r.receiptId),
        outcome: r.outcome,
        sku: r.sku,
        lot: r.lot,
        expiry: r.expiry,
        // The lot(s) the ASN announced, when the received lot is none of them (received, and flagged).
        expected_lot: r.expectedLot,
        serial: r.serial,
        quantity: r.quantity,
        location: r.location,
        condition: await receiptCondition(c.var.db, r.receiptId),
        quarantine_reason: r.quarantineReason,
        line: r.lineNo,
        expected: r.expected,
        received: r.received,
        damaged: r.damaged,
      },
      201,
    );
  });

  app.post('/api/v1/inbound-shipments/:id/lines/:line/:decision{accept|reject}', async (c) => {
    const id = pathId(c.req.param('id'), notFound);
    const lineNo = /^[1-9]\d{0,5}$/.test(c.req.param('line')) ? Number(c.req.param('line')) : 0;
    await jsonBody(c, { optional: true });
    // An unknown line number still goes through the service, which answers 404/403 for the ASN first.
    const lineId = lineNo ? ((await lineIdOf(c.var.db, id, lineNo)) ?? 0) : 0;
    await decideUnexpectedLine({ db: c.var.db, user: user(c), shipmentId: id, lineId, decision: c.req.param('decision') === 'accept' ? 'accepted' : 'rejected' });
    return c.json(await shipmentJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/inbound-shipments/:id/:action{submit|cancel|finish|close}', async (c) => {
    const id = pathId(c.req.param('id'), notFound);
    const { note } = parseInput(noteSchema, await jsonBody(c, { optional: true }));
    await changeShipmentStatus({ db: c.var.db, user: user(c), shipmentId: id, action: statusActions[c.req.param('action')]!, note });
    return c.json(await shipmentJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/putaways', async (c) => {
    // The role first: a seller learns nothing about the body a putaway would need.
    if (!can(user(c), 'inbound.receive')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const body = await jsonBody(c);
    const key = idempotencyKey(c) ?? randomUUID();
    // The API has no "suggested location" to confirm: that is the scanner screen's check.
    const { suggested: _ignored, ...rest } = body;
    const p = await putAway({ db: c.var.db, user: user(c), input: { ...rest, idempotency_key: key }, keyScope: 'api' });
    return c.json({ id: String(p.putawayId), sku: p.sku, lot: p.lot, expiry: p.expiry, quantity: p.quantity, from_location: p.from, to_location: p.to }, 201);
  });

  return app;
}

import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import type { Executor } from '../db/client.ts';
import { orders, orderStatuses, pickTasks, sellers, warehouses } from '../db/schema/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { requireUser } from '../auth/middleware.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { blankToUndefined, optionalText } from '../inventory/filters.ts';
import { readScope, sellerCondition, warehouseCondition, type ReadScope } from '../inventory/scope.ts';
import { parseInput } from '../inbound/schemas.ts';
import { createOrder } from '../outbound/create-order.ts';
import { cancelOrder, packInputSchema, packOrder, packScan, shipOrder } from '../outbound/pack-ship.ts';
import { createPickList } from '../outbound/pick-list.ts';
import { confirmPick, shortPick } from '../outbound/confirm-pick.ts';
import { getOrder, getPickList, orderReservations, orderTotals, pickListTasks } from '../outbound/queries.ts';
import { importOzon, importWildberries, type ImportResult } from '../outbound/import-marketplace.ts';
import { encodeCursor, pageSchema } from './pagination.ts';
import { cursorOf, idempotencyKey, jsonBody, MAX_ID, pathId } from './request.ts';
import { issueFieldError } from '../http/issues.ts';

const orderNotFound = () => new AppError('NOT_FOUND', { key: 'outbound.error.orderNotFound' });
const listNotFound = () => new AppError('NOT_FOUND', { key: 'error.notFound' });
const taskNotFound = () => new AppError('NOT_FOUND', { key: 'outbound.error.taskNotFound' });
const forbidden = () => new AppError('FORBIDDEN', { key: 'error.forbidden' });

/** Picking, packing and shipping are the warehouse's: a seller's role may not (403). */
function mayFulfil(user: CurrentUser): void {
  if (!can(user, 'order.fulfil')) throw forbidden();
}

/** An id in a body: a digit string (as the API answers ids) or a positive integer. */
const bodyId = z
  .union([z.string().trim().regex(/^[1-9]\d{0,9}$/), z.number().int().positive()])
  .transform(Number)
  .refine((n) => n <= MAX_ID, { message: 'not an id' });

const optionalCode = z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(40).optional());
export const orderListQuery = pageSchema.extend({
  warehouse: optionalCode,
  seller: optionalCode,
  status: z.preprocess(blankToUndefined, z.enum([...orderStatuses, 'open'] as const).optional()),
});
const openStatuses = ['new', 'allocated', 'backordered', 'picking', 'picked', 'packed'] as const;

const noteSchema = z.object({ note: optionalText(500) });
export const pickListInputSchema = z.object({
  warehouse: z.string().trim().min(1).max(20),
  orders: z.array(bodyId).min(1).max(200).optional(),
  max_orders: z.number().int().min(1).max(200).optional(),
});
export const pickTaskSchema = z.object({ task: bodyId });
export const importInputSchema = z.object({
  seller: optionalText(40),
  warehouse: z.string().trim().min(1).max(20),
  payload: z.unknown(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The order as every order endpoint answers it: lines, where its units are held, shipping data. */
export async function orderJson(db: Executor, scope: ReadScope, id: number) {
  const o = await getOrder(db, scope, id);
  if (!o) throw orderNotFound();
  const held = await orderReservations(db, id);
  const lineNo = new Map(o.lines.map((l) => [String(l.id), l.lineNo]));
  return {
    id: String(o.id),
    external_id: o.externalId,
    channel: o.channel,
    status: o.status,
    seller: o.sellerCode,
    warehouse: o.warehouseCode,
    ship_by: iso(o.shipBy),
    note: o.note,
    pick_list: o.pickListId === null ? null : String(o.pickListId),
    carrier: o.carrier,
    tracking_number: o.trackingNumber,
    weight_kg: o.weightGrams === null ? null : o.weightGrams / 1000,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    packed_at: iso(o.packedAt),
    shipped_at: iso(o.shippedAt),
    cancelled_at: iso(o.cancelledAt),
    lines: o.lines.map((l) => ({
      line: l.lineNo,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      allocated: l.reserved + l.picked,
      reserved: l.reserved,
      picked: l.picked,
      short: l.short,
      packed: l.packed,
      requires_marking: l.requiresMarking,
    })),
    allocations: held.map((r) => ({ line: lineNo.get(String(r.lineId)) ?? null, location: r.location, lot: r.lot || null, expiry: r.expiry, quantity: r.quantity })),
  };
}

/** A pick list with its tasks in walking order. */
export async function pickListJson(db: Executor, scope: ReadScope, id: number) {
  const l = await getPickList(db, scope, id);
  if (!l) throw listNotFound();
  const tasks = await pickListTasks(db, id);
  return {
    id: String(l.id),
    status: l.status,
    warehouse: l.warehouseCode,
    created_at: l.createdAt.toISOString(),
    completed_at: iso(l.completedAt),
    tasks: tasks.map((t) => ({
      id: String(t.id),
      sequence: t.sequence,
      status: t.status,
      order: String(t.orderId),
      external_id: t.externalId,
      location: t.location,
      sku: t.sku,
      ean: t.ean,
      lot: t.lot,
      expiry: t.expiry,
      quantity: t.quantity,
      picked: t.picked,
      short: t.short,
    })),
  };
}

/** Orders a user may see for GET /api/v1/orders: newest id first, keyset-paged by id. */
async function listOrdersBefore(db: Executor, scope: ReadScope, f: z.output<typeof orderListQuery>, before: number | null, limit: number) {
  const totals = orderTotals(db);
  const rows = await db
    .select({
      id: orders.id,
      externalId: orders.externalId,
      channel: orders.channel,
      status: orders.status,
      shipBy: orders.shipBy,
      sellerCode: sellers.code,
      warehouseCode: warehouses.code,
      createdAt: orders.createdAt,
      lines: sql<number>`coalesce(${totals.lines}, 0)`,
      units: sql<number>`coalesce(${totals.units}, 0)`,
      picked: sql<number>`coalesce(${totals.picked}, 0)`,
      short: sql<number>`coalesce(${totals.short}, 0)`,
      packed: sql<number>`coalesce(${totals.packed}, 0)`,
    })
    .from(orders)
    .innerJoin(warehouses, eq(warehouses.id, orders.warehouseId))
    .innerJoin(sellers, eq(sellers.id, orders.sellerId))
    .leftJoin(totals, eq(totals.orderId, orders.id))
    .where(
      and(
        sellerCondition(scope, orders.sellerId),
        warehouseCondition(scope, orders.warehouseId),
        f.warehouse ? eq(warehouses.code, f.warehouse) : undefined,
        f.seller ? eq(sellers.code, f.seller) : undefined,
        f.status === 'open' ? inArray(orders.status, [...openStatuses]) : f.status ? eq(orders.status, f.status) : undefined,
        before !== null ? lt(orders.id, before) : undefined,
      ),
    )
    .orderBy(desc(orders.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, lines: Number(r.lines), units: Number(r.units), picked: Number(r.picked), short: Number(r.short), packed: Number(r.packed) }));
}

/** The outbound part of the JSON API v1 (../shared/API.md): orders, pick lists, picks, packing, shipping, marketplace imports. */
export function outboundApiRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/api/v1/orders', '/api/v1/orders/*', '/api/v1/pick-lists', '/api/v1/pick-lists/*']) app.use(path, requireUser());
  const user = (c: Context<AppEnv>): CurrentUser => c.var.user!;

  // --- Orders -------------------------------------------------------------------------

  app.get('/api/v1/orders', async (c) => {
    const parsed = orderListQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw new AppError('VALIDATION', {
        key: 'error.badFilter',
        fieldErrors: parsed.error.issues.map((i) => issueFieldError(i)),
      });
    }
    const q = parsed.data;
    const rows = await listOrdersBefore(c.var.db, readScope(user(c)), q, cursorOf(q.cursor), q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map((r) => ({
        id: String(r.id),
        external_id: r.externalId,
        channel: r.channel,
        status: r.status,
        seller: r.sellerCode,
        warehouse: r.warehouseCode,
        ship_by: iso(r.shipBy),
        created_at: r.createdAt.toISOString(),
        line_count: r.lines,
        units: r.units,
        picked: r.picked,
        short: r.short,
        packed: r.packed,
      })),
      next_cursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    });
  });

  app.post('/api/v1/orders', async (c) => {
    const body = await jsonBody(c);
    const u = user(c);
    // An integration's order is channel `api` unless it says otherwise.
    const { order, created } = await createOrder({ db: c.var.db, user: u, input: { ...body, channel: body.channel ?? 'api' }, idempotencyKey: idempotencyKey(c) });
    return c.json({ ...(await orderJson(c.var.db, readScope(u), order.id)), created }, created ? 201 : 200);
  });

  const importRoute = (run: typeof importOzon) => async (c: Context<AppEnv>) => {
    const input = parseInput(importInputSchema, await jsonBody(c));
    const r: ImportResult = await run({ db: c.var.db, user: user(c), seller: input.seller, warehouse: input.warehouse, payload: input.payload, fileName: 'API' });
    const t = c.var.t;
    return c.json({
      job: String(r.job_id),
      created: r.created.map((x) => ({ external_id: x.external_id, order: String(x.order_id), status: x.status })),
      skipped: r.skipped.map((x) => ({ external_id: x.external_id, order: x.order_id === null ? null : String(x.order_id), reason: t(x.reason.key, x.reason.params), reason_code: x.reason.key })),
      rejected: r.rejected.map((x) => ({ external_id: x.external_id, order: x.order_id ? String(x.order_id) : null, reason: t(x.reason.key, x.reason.params), reason_code: x.reason.key })),
      cancelled: r.cancelled.map((x) => ({ external_id: x.external_id, order: String(x.order_id) })),
    });
  };
  app.post('/api/v1/orders/import/ozon', importRoute(importOzon));
  app.post('/api/v1/orders/import/wildberries', importRoute(importWildberries));

  app.get('/api/v1/orders/:id', async (c) => {
    const id = pathId(c.req.param('id'), orderNotFound);
    return c.json(await orderJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/orders/:id/cancel', async (c) => {
    const id = pathId(c.req.param('id'), orderNotFound);
    const { note } = parseInput(noteSchema, await jsonBody(c, { optional: true }));
    await cancelOrder({ db: c.var.db, user: user(c), orderId: id, note });
    return c.json(await orderJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/orders/:id/pack-scans', async (c) => {
    const id = pathId(c.req.param('id'), orderNotFound);
    const body = await jsonBody(c);
    const r = await packScan({ db: c.var.db, user: user(c), orderId: id, input: body });
    return c.json({ order: String(id), line: r.lineNo, sku: r.sku, quantity: r.quantity, packed: r.packed, picked: r.picked, serial: r.serial, complete: r.complete }, 201);
  });

  app.post('/api/v1/orders/:id/pack', async (c) => {
    const id = pathId(c.req.param('id'), orderNotFound);
    const body = await jsonBody(c, { optional: true });
    await packOrder({ db: c.var.db, user: user(c), orderId: id, input: body });
    return c.json(await orderJson(c.var.db, readScope(user(c)), id));
  });

  app.post('/api/v1/orders/:id/ship', async (c) => {
    const id = pathId(c.req.param('id'), orderNotFound);
    const body = await jsonBody(c, { optional: true });
    const u = user(c);
    const input = parseInput(packInputSchema, body);
    // Not the user's order: 404; their role may not ship: 403; not packed: 409 (the service
    // decides all three again under its lock). A packed parcel leaves with a carrier and a
    // tracking number: given now, or at packing.
    const o = await getOrder(c.var.db, readScope(u), id);
    if (!o) throw orderNotFound();
    if (!can(u, 'order.fulfil', { warehouseId: o.warehouseId })) throw forbidden();
    if (o.status === 'packed') {
      const missing: FieldError[] = [];
      if (!input.carrier && !o.carrier) missing.push({ path: 'carrier', key: 'error.required' });
      if (!input.tracking_number && !o.trackingNumber) missing.push({ path: 'tracking_number', key: 'error.required' });
      if (missing.length) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: missing });
    }
    await shipOrder({ db: c.var.db, user: u, orderId: id, input: body, idempotencyKey: idempotencyKey(c) });
    return c.json(await orderJson(c.var.db, readScope(u), id));
  });

  // --- Pick lists -----------------------------------------------------------------------

  app.post('/api/v1/pick-lists', async (c) => {
    const u = user(c);
    mayFulfil(u);
    const input = parseInput(pickListInputSchema, await jsonBody(c));
    const { list } = await createPickList({ db: c.var.db, user: u, warehouse: input.warehouse, orderIds: input.orders, maxOrders: input.max_orders });
    return c.json(await pickListJson(c.var.db, readScope(u), list.id), 201);
  });

  app.get('/api/v1/pick-lists/:id', async (c) => {
    const u = user(c);
    mayFulfil(u);
    return c.json(await pickListJson(c.var.db, readScope(u), pathId(c.req.param('id'), listNotFound)));
  });

  /** The list (404 when not the user's warehouse's) and one of its tasks (404 when not on it). */
  const taskOfList = async (c: Context<AppEnv>, listId: number, taskId: number): Promise<void> => {
    const l = await getPickList(c.var.db, readScope(user(c)), listId);
    if (!l) throw listNotFound();
    const [t] = await c.var.db.select({ id: pickTasks.id }).from(pickTasks).where(and(eq(pickTasks.id, taskId), eq(pickTasks.pickListId, listId)));
    if (!t) throw taskNotFound();
  };

  app.post('/api/v1/pick-lists/:id/picks', async (c) => {
    const u = user(c);
    mayFulfil(u);
    const listId = pathId(c.req.param('id'), listNotFound);
    const body = await jsonBody(c);
    const key = idempotencyKey(c) ?? randomUUID();
    const { task: taskId } = parseInput(pickTaskSchema, body);
    await taskOfList(c, listId, taskId);
    const { task: _task, ...rest } = body;
    const r = await confirmPick({ db: c.var.db, user: u, taskId, input: { ...rest, idempotency_key: key }, keyScope: 'api' });
    // A key is one pick: the same key for another task is a conflict, not a silent replay.
    if (r.replayed && r.taskId !== taskId) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
    return c.json({ id: String(r.pickId), task: String(r.taskId), sku: r.sku, lot: r.lot, quantity: r.quantity, from_location: r.from, to_location: r.to, task_done: r.taskDone, list_done: r.listDone }, 201);
  });

  app.post('/api/v1/pick-lists/:id/tasks/:task/short', async (c) => {
    const u = user(c);
    mayFulfil(u);
    const listId = pathId(c.req.param('id'), listNotFound);
    const taskId = pathId(c.req.param('task'), taskNotFound);
    // { location }: the task's location label, scanned there (a short is recorded only at the location).
    const body = await jsonBody(c, { optional: true });
    await taskOfList(c, listId, taskId);
    const r = await shortPick({ db: c.var.db, user: u, taskId, input: body });
    return c.json({ task: String(r.taskId), missing: r.missing, replaced_by: r.replacedBy, still_short: r.stillShort });
  });

  return app;
}

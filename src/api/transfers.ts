import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { asc, eq, inArray } from 'drizzle-orm';
import type { AppEnv } from '../context.ts';
import type { Executor } from '../db/client.ts';
import { locations, lots, products, sellers, transferLines, warehouses } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { withTransaction } from '../db/tx.ts';
import { cancelTransfer, createTransfer, startPicking, transferFor, type Transfer } from '../transfers/create-transfer.ts';
import { dispatchTransfer } from '../transfers/dispatch.ts';
import { closeTransfer, finishTransferReceiving, inTransitByLot, receiveTransferItem, recordTransferArrival } from '../transfers/receive-transfer.ts';
import { idempotencyKey, jsonBody, pathId } from './request.ts';

const notFound = () => new AppError('NOT_FOUND', { key: 'transfers.error.notFound' });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A transfer as the API answers it: codes, not ids; lines with what left, arrived and is still on the road. */
async function transferJson(db: Executor, t: Transfer) {
  const whs = new Map((await db.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).where(inArray(warehouses.id, [t.fromWarehouseId, t.toWarehouseId]))).map((w) => [w.id, w.code]));
  const lines = await db
    .select({ l: transferLines, sku: products.sku, seller: sellers.code, lot: lots.code })
    .from(transferLines)
    .innerJoin(products, eq(products.id, transferLines.productId))
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .leftJoin(lots, eq(lots.id, transferLines.lotId))
    .where(eq(transferLines.transferId, t.id))
    .orderBy(asc(transferLines.lineNo));
  const road = await inTransitByLot(db, t);
  const [transit] = await db.select({ code: locations.code }).from(locations).where(eq(locations.id, t.transitLocationId));
  return {
    id: String(t.id),
    status: t.status === 'dispatched' ? 'in_transit' : t.status,
    from_warehouse: whs.get(t.fromWarehouseId),
    to_warehouse: whs.get(t.toWarehouseId),
    transit_location: transit?.code ?? null,
    transport: { mode: t.transportMode, tir_carnet: t.tirCarnet, vehicle_plate: t.vehiclePlate, trailer_plate: t.trailerPlate, container: t.container, seals: t.seals, reefer: t.reefer },
    eta: t.eta,
    note: t.note,
    dispatched_at: iso(t.dispatchedAt),
    documents: t.documents,
    arrived_at: iso(t.arrivedAt),
    seal_checks: t.sealChecks ?? [],
    arrival_celsius: t.arrivalCelsius,
    lines: lines.map(({ l, sku, seller, lot }) => ({
      line: l.lineNo,
      sku,
      seller,
      lot: lot || null,
      quantity: l.quantity,
      dispatched: l.dispatchedQty,
      received: l.receivedQty,
      damaged: l.damagedQty,
      written_off: l.writtenOffQty,
      in_transit: road.filter((r) => r.lineId === l.id).reduce((n, r) => n + r.quantity, 0),
    })),
  };
}

/** Transfers in the JSON API (../shared/API.md): create, pick, dispatch, arrive, receive, close. */
export function transferApiRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/api/v1/transfers', requireUser());
  app.use('/api/v1/transfers/*', requireUser());
  const id = (c: Context<AppEnv>) => pathId(c.req.param('id'), notFound);
  const answer = async (c: Context<AppEnv>, t: Transfer, status: 200 | 201 = 200) => c.json(await transferJson(c.var.db, t), status);

  app.post('/api/v1/transfers', async (c) => {
    if (!can(c.var.user!, 'transfer.create')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const t = await createTransfer({ db: c.var.db, user: c.var.user!, input: await jsonBody(c), idempotencyKey: idempotencyKey(c) });
    return answer(c, t, 201);
  });

  app.get('/api/v1/transfers/:id', async (c) => {
    const t = await withTransaction(c.var.db, (tx) => transferFor(tx, c.var.user!, id(c), 'transfer.read', 'either'));
    return answer(c, t);
  });

  app.post('/api/v1/transfers/:id/start-picking', async (c) => answer(c, (await startPicking({ db: c.var.db, user: c.var.user!, transferId: id(c) })).transfer));
  app.post('/api/v1/transfers/:id/dispatch', async (c) => answer(c, (await dispatchTransfer({ db: c.var.db, user: c.var.user!, transferId: id(c), input: await jsonBody(c, { optional: true }), idempotencyKey: idempotencyKey(c) })).transfer));
  app.post('/api/v1/transfers/:id/arrival', async (c) => answer(c, await recordTransferArrival({ db: c.var.db, user: c.var.user!, transferId: id(c), input: await jsonBody(c, { optional: true }) })));
  app.post('/api/v1/transfers/:id/finish', async (c) => answer(c, await finishTransferReceiving({ db: c.var.db, user: c.var.user!, transferId: id(c) })));
  app.post('/api/v1/transfers/:id/close', async (c) => answer(c, await closeTransfer({ db: c.var.db, user: c.var.user!, transferId: id(c) })));
  app.post('/api/v1/transfers/:id/cancel', async (c) => {
    const body = await jsonBody(c, { optional: true });
    return answer(c, await cancelTransfer({ db: c.var.db, user: c.var.user!, transferId: id(c), note: typeof body.note === 'string' ? body.note.slice(0, 500) : undefined }));
  });

  app.post('/api/v1/transfers/:id/receipts', async (c) => {
    const key = idempotencyKey(c);
    const body = await jsonBody(c);
    const r = await receiveTransferItem({ db: c.var.db, user: c.var.user!, transferId: id(c), input: { ...body, idempotency_key: key ?? body.idempotency_key ?? randomUUID() } });
    return c.json({ id: String(r.receiptId), sku: r.sku, lot: r.lot, quantity: r.quantity, condition: r.condition, location: r.location, line: r.lineNo, dispatched: r.dispatched, received: r.received }, 201); // a repeat answers the first response
  });

  return app;
}


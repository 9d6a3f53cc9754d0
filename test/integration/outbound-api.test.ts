import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { ledgerEntries, orders } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { asUser, makeWorld, nextEan, stock, uid, type World } from '../helpers/world.ts';
import { makeOrder } from '../helpers/outbound.ts';
import { key } from '../helpers/inbound.ts';
import { get, post, problemOf, type Answer, type Json, type Problem } from '../helpers/api.ts';


const paths = (p: Problem) => (p.errors ?? []).map((e) => e.path);

/** A GS1 element string as a handheld reads it: (01) GTIN-14, (10) lot (last: no separator). */
const gs1 = (ean: string, lot: string) => `01${'0' + ean}10${lot}`;

/** An order as an integration sends it: 2 widgets, 1 kefir, 1 ice cream of seller A. */
function orderBody(w: World, extra: Record<string, unknown> = {}) {
  return {
    warehouse: w.warehouse.code,
    seller: w.sellerA.code,
    external_id: `API-${uid()}`,
    ship_by: '2029-12-01',
    lines: [
      { sku: w.product.widget.sku, quantity: 2 },
      { sku: w.product.kefir.sku, quantity: 1 },
      { sku: w.product.icecream.sku, quantity: 1 },
    ],
    ...extra,
  };
}

/** Stock for orderBody: widgets in A-01-01-1, kefir in the chiller, ice cream in the freezer. */
async function stockUp(db: Parameters<typeof stock>[0], w: World) {
  await stock(db, w, [
    { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 },
    { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 4 },
    { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 3 },
  ]);
}

/** The right scan for a task: the EAN, or a GS1 string with the lot for lot-tracked goods. */
function scanFor(w: World, task: Json): string {
  const p = Object.values(w.product).find((x) => x.sku === task.sku)!;
  return p.tracksLot ? gs1(p.ean, task.lot) : p.ean;
}

describe.each(backends)('outbound JSON API on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(() => database.close());
  const db = () => database.db;
  const ledgerOk = async () => expect((await verifyLedger(db())).problems).toEqual([]);
  const fingerprint = (w: World) => stockFingerprint(db(), [w.warehouse.id, w.other.id]);
  const ledgerOf = (orderId: number | string) => db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'order'), eq(ledgerEntries.documentId, String(orderId))));

  /** Picks every open task of a list through the API, as the handheld would. */
  async function pickAll(w: World, op: Client, list: Json) {
    const out: Answer[] = [];
    for (const t of list.tasks.filter((x: Json) => x.status === 'open')) {
      const r = await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: t.id, location: t.location, scan: scanFor(w, t), quantity: t.quantity - t.picked }, { key: key() });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      out.push(r);
    }
    return out;
  }

  /** An order of seller A taken through the API to `packed` (or `picked`), by manager and operator. */
  async function orderAt(w: World, to: 'picking' | 'picked' | 'packed' | 'shipped', lines = [{ sku: w.product.widget.sku, quantity: 2 }]) {
    const m = await signedIn(app, w.user.manager.email);
    const op = await signedIn(app, w.user.operator.email);
    const created = await post(m, '/api/v1/orders', orderBody(w, { lines }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const list = await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, orders: [id] });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    if (to !== 'picking') await pickAll(w, op, list.body);
    if (to === 'packed' || to === 'shipped') {
      for (const l of lines) expect((await post(op, `/api/v1/orders/${id}/pack-scans`, { scan: Object.values(w.product).find((p) => p.sku === l.sku)!.ean, quantity: l.quantity })).status).toBe(201);
      expect((await post(op, `/api/v1/orders/${id}/pack`, { weight_kg: 0.5 })).status).toBe(200);
    }
    if (to === 'shipped') expect((await post(op, `/api/v1/orders/${id}/ship`, { carrier: 'CDEK', tracking_number: `TR${uid()}` })).status).toBe(200);
    return { id, list: list.body, m, op };
  }

  describe('happy paths', () => {
    it('order → pick list → scan-to-pick (EAN and GS1 with lot) → pack scans → pack → ship, all by API; the ledger shows the moves', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const m = await signedIn(app, w.user.manager.email);
      const body = orderBody(w);
      const created = await post(m, '/api/v1/orders', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.type).toContain('application/json');
      const order = created.body;
      expect(order).toMatchObject({
        created: true,
        external_id: body.external_id,
        channel: 'api',
        status: 'allocated',
        seller: w.sellerA.code,
        warehouse: w.warehouse.code,
        ship_by: '2029-12-01T20:59:00.000Z',
        carrier: null,
        tracking_number: null,
        weight_kg: null,
      });
      expect(typeof order.id).toBe('string');
      expect(order.lines.map((l: Json) => ({ line: l.line, sku: l.sku, quantity: l.quantity, allocated: l.allocated, picked: l.picked, short: l.short, packed: l.packed }))).toEqual([
        { line: 1, sku: w.product.widget.sku, quantity: 2, allocated: 2, picked: 0, short: 0, packed: 0 },
        { line: 2, sku: w.product.kefir.sku, quantity: 1, allocated: 1, picked: 0, short: 0, packed: 0 },
        { line: 3, sku: w.product.icecream.sku, quantity: 1, allocated: 1, picked: 0, short: 0, packed: 0 },
      ]);

      const shown = await get(m, `/api/v1/orders/${order.id}`);
      expect(shown.status).toBe(200);
      const { created: _c, ...withoutFlag } = order;
      expect(shown.body).toEqual(withoutFlag);
      expect(shown.body.allocations).toEqual(
        expect.arrayContaining([
          { line: 1, location: 'A-01-01-1', lot: null, expiry: null, quantity: 2 },
          { line: 2, location: 'R-01-01-1', lot: w.lot.kefir.code, expiry: '2030-01-31', quantity: 1 },
          { line: 3, location: 'F-01-01-1', lot: w.lot.ice.code, expiry: '2031-06-30', quantity: 1 },
        ]),
      );
      expect(shown.body.allocations).toHaveLength(3);

      const op = await signedIn(app, w.user.operator.email);
      const listed = await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, orders: [order.id] });
      expect(listed.status, JSON.stringify(listed.body)).toBe(201);
      const list = listed.body;
      expect(list).toMatchObject({ id: expect.any(String), status: 'open', warehouse: w.warehouse.code });
      // Walking order: ambient first, then the chiller, the freezer last.
      expect(list.tasks.map((t: Json) => ({ sequence: t.sequence, location: t.location, sku: t.sku, lot: t.lot, expiry: t.expiry, quantity: t.quantity, order: t.order }))).toEqual([
        { sequence: 1, location: 'A-01-01-1', sku: w.product.widget.sku, lot: null, expiry: null, quantity: 2, order: order.id },
        { sequence: 2, location: 'R-01-01-1', sku: w.product.kefir.sku, lot: w.lot.kefir.code, expiry: '2030-01-31', quantity: 1, order: order.id },
        { sequence: 3, location: 'F-01-01-1', sku: w.product.icecream.sku, lot: w.lot.ice.code, expiry: '2031-06-30', quantity: 1, order: order.id },
      ]);
      expect((await get(op, `/api/v1/orders/${order.id}`)).body).toMatchObject({ status: 'picking', pick_list: list.id });
      expect((await get(op, `/api/v1/pick-lists/${list.id}`)).body).toEqual(list);

      const [t1, t2, t3] = list.tasks as Json[];
      const p1 = await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: t1!.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 2 }, { key: key() });
      expect(p1.status, JSON.stringify(p1.body)).toBe(201);
      expect(p1.body).toEqual({ id: expect.any(String), task: t1!.id, sku: w.product.widget.sku, lot: null, quantity: 2, from_location: 'A-01-01-1', to_location: 'STAGE-A', task_done: true, list_done: false });
      const p2 = await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: t2!.id, location: 'R-01-01-1', scan: gs1(w.product.kefir.ean, w.lot.kefir.code), quantity: 1 });
      expect(p2.body).toMatchObject({ task: t2!.id, sku: w.product.kefir.sku, lot: w.lot.kefir.code, to_location: 'STAGE-R', task_done: true, list_done: false });
      const p3 = await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: t3!.id, location: 'F-01-01-1', scan: gs1(w.product.icecream.ean, w.lot.ice.code), quantity: 1 });
      expect(p3.body).toMatchObject({ sku: w.product.icecream.sku, lot: w.lot.ice.code, to_location: 'STAGE-F', task_done: true, list_done: true });
      const picked = await get(op, `/api/v1/orders/${order.id}`);
      expect(picked.body.status).toBe('picked');
      expect(picked.body.allocations).toEqual([]);
      expect(picked.body.lines.map((l: Json) => [l.allocated, l.reserved, l.picked])).toEqual([
        [2, 0, 2],
        [1, 0, 1],
        [1, 0, 1],
      ]);
      expect((await get(op, `/api/v1/pick-lists/${list.id}`)).body.status).toBe('done');

      // The pack station verifies each unit.
      const s1 = await post(op, `/api/v1/orders/${order.id}/pack-scans`, { scan: w.product.widget.ean, quantity: 2 });
      expect(s1.status, JSON.stringify(s1.body)).toBe(201);
      expect(s1.body).toEqual({ order: order.id, line: 1, sku: w.product.widget.sku, quantity: 2, packed: 2, picked: 2, serial: null, complete: false });
      expect((await post(op, `/api/v1/orders/${order.id}/pack-scans`, { scan: w.product.kefir.ean })).body).toMatchObject({ line: 2, quantity: 1, complete: false });
      expect((await post(op, `/api/v1/orders/${order.id}/pack-scans`, { scan: gs1(w.product.icecream.ean, w.lot.ice.code) })).body).toMatchObject({ line: 3, complete: true });
      const packed = await post(op, `/api/v1/orders/${order.id}/pack`, { weight_kg: 1.25 });
      expect(packed.status, JSON.stringify(packed.body)).toBe(200);
      expect(packed.body).toMatchObject({ status: 'packed', weight_kg: 1.25, packed_at: expect.any(String) });

      const sk = key();
      const shipped = await post(op, `/api/v1/orders/${order.id}/ship`, { carrier: 'Ozon Logistics', tracking_number: 'OZ123456' }, { key: sk });
      expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
      expect(shipped.body).toMatchObject({ id: order.id, status: 'shipped', carrier: 'Ozon Logistics', tracking_number: 'OZ123456', weight_kg: 1.25, shipped_at: expect.any(String) });
      // Sent again with its key (the answer was lost): the same answer, nothing moves again.
      const before = await fingerprint(w);
      const again = await post(op, `/api/v1/orders/${order.id}/ship`, { carrier: 'Ozon Logistics', tracking_number: 'OZ123456' }, { key: sk });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toEqual(shipped.body);
      // The same key with another tracking number is another request; without a key, a shipped order is a conflict.
      expect(problemOf(await post(op, `/api/v1/orders/${order.id}/ship`, { carrier: 'Ozon Logistics', tracking_number: 'OZ999' }, { key: sk }), 409).title).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(problemOf(await post(op, `/api/v1/orders/${order.id}/ship`, { carrier: 'Ozon Logistics', tracking_number: 'OZ123456' }), 409).title).toBe('CONFLICT');
      expect(await fingerprint(w)).toBe(before);

      const moves = await ledgerOf(order.id);
      expect(moves.filter((e) => e.reason === 'pick')).toHaveLength(3);
      expect(moves.filter((e) => e.reason === 'ship')).toHaveLength(3);
      expect(await balanceOf(db(), w.loc.customer.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
      expect(await balanceOf(db(), w.loc.customer.id, w.product.kefir.id, w.lot.kefir.id)).toEqual({ onHand: 1, reserved: 0 });
      expect(await balanceOf(db(), w.loc.customer.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 1, reserved: 0 });
      expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
      expect(await balanceOf(db(), w.loc.staging.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
      await ledgerOk();
    });

    it('the same seller, channel and external id again answers the existing order (200, created: false)', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const m = await signedIn(app, w.user.manager.email);
      const body = orderBody(w);
      const first = await post(m, '/api/v1/orders', body);
      expect(first.status).toBe(201);
      const before = await fingerprint(w);
      const again = await post(m, '/api/v1/orders', { ...body, lines: [{ sku: w.product.widget.sku, quantity: 5 }] });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, created: false, lines: first.body.lines });
      // Seller A's own integration sends it too (its seller is implied; the channel is `api`).
      const s = await signedIn(app, w.user.sellerA.email);
      const { seller: _s, ...own } = body;
      const mine = await post(s, '/api/v1/orders', own);
      expect(mine.status).toBe(200);
      expect(mine.body.id).toBe(first.body.id);
      // Another channel is another order.
      const manual = await post(m, '/api/v1/orders', { ...body, channel: 'manual', lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
      expect(manual.status).toBe(201);
      expect(manual.body).toMatchObject({ channel: 'manual', created: true });
      expect(manual.body.id).not.toBe(first.body.id);
      expect(await db().select().from(orders).where(and(eq(orders.sellerId, w.sellerA.id), eq(orders.externalId, body.external_id)))).toHaveLength(2);
      expect(await fingerprint(w)).not.toBe(before); // the manual order reserved a widget
      await ledgerOk();
    });

    it('an order with too little stock is backordered: allocated shows what is held', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 3 }]);
      const m = await signedIn(app, w.user.manager.email);
      const r = await post(m, '/api/v1/orders', orderBody(w, { lines: [{ sku: w.product.widget.ean, quantity: 5 }] }));
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ status: 'backordered', lines: [{ line: 1, sku: w.product.widget.sku, quantity: 5, allocated: 3 }] });
      expect(r.body.allocations).toEqual([{ line: 1, location: 'A-01-01-1', lot: null, expiry: null, quantity: 3 }]);
    });

    it('a repeated pick with the same Idempotency-Key answers the same body and moves once', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { list, op } = await orderAt(w, 'picking', [{ sku: w.product.widget.sku, quantity: 4 }]);
      const [task] = list.tasks as Json[];
      const k = key();
      const pick = { task: task!.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1 };
      const first = await post(op, `/api/v1/pick-lists/${list.id}/picks`, pick, { key: k });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ quantity: 1, task_done: false, list_done: false });
      const before = await fingerprint(w);
      const again = await post(op, `/api/v1/pick-lists/${list.id}/picks`, pick, { key: k });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await fingerprint(w)).toBe(before);
      expect((await ledgerOf(task!.order)).filter((e) => e.reason === 'pick')).toHaveLength(1);
      // The same key with another quantity is another request: refused, nothing moves.
      expect(problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { ...pick, quantity: 2 }, { key: k }), 409).title).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await fingerprint(w)).toBe(before);
      // Without a key each post is a pick of its own.
      const a = await post(op, `/api/v1/pick-lists/${list.id}/picks`, pick);
      const b = await post(op, `/api/v1/pick-lists/${list.id}/picks`, pick);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
      expect((await ledgerOf(task!.order)).filter((e) => e.reason === 'pick')).toHaveLength(3);
      expect(await balanceOf(db(), w.loc.staging.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
      await ledgerOk();
    });

    it('a short pick by API re-allocates from another location; the new task joins the list', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [
        { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 },
        { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 5 },
      ]);
      const { id, list, op } = await orderAt(w, 'picking', [{ sku: w.product.widget.sku, quantity: 2 }]);
      const [task] = list.tasks as Json[];
      expect(task).toMatchObject({ location: 'A-01-01-1', quantity: 2 });
      expect((await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: task!.id, location: 'A-01-01-1', sku: w.product.widget.sku, quantity: 1 })).status).toBe(201);
      const short = await post(op, `/api/v1/pick-lists/${list.id}/tasks/${task!.id}/short`, { location: 'A-01-01-1' });
      expect(short.status, JSON.stringify(short.body)).toBe(200);
      expect(short.body).toEqual({ task: task!.id, missing: 1, replaced_by: 1, still_short: 0 });
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/tasks/${task!.id}/short`, {}), 409);
      const now = await get(op, `/api/v1/pick-lists/${list.id}`);
      expect(now.body.tasks.map((t: Json) => [t.sequence, t.location, t.status, t.quantity, t.picked, t.short])).toEqual([
        [1, 'A-01-01-1', 'short', 2, 1, 1],
        [2, 'A-01-01-2', 'open', 1, 0, 0],
      ]);
      const [done] = await pickAll(w, op, now.body);
      expect(done!.body).toMatchObject({ from_location: 'A-01-01-2', task_done: true, list_done: true });
      expect((await get(op, `/api/v1/orders/${id}`)).body).toMatchObject({ status: 'picked', lines: [{ quantity: 2, picked: 2, short: 0 }] });
      // A1 still holds the unit the picker could not find: the count is the manager's business.
      expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 1, reserved: 0 });
      await ledgerOk();
    });

    it('a short pick names the task\'s location label: without it 422, with another 409, and nothing changes', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [
        { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 },
        { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 5 },
      ]);
      const { list, op } = await orderAt(w, 'picking', [{ sku: w.product.widget.sku, quantity: 2 }]);
      const path = `/api/v1/pick-lists/${list.id}/tasks/${list.tasks[0].id}/short`;
      const before = await fingerprint(w);
      for (const body of [{}, { location: '' }, { location: 7 }]) {
        const p = problemOf(await post(op, path, body), 422);
        expect(paths(p)).toEqual(['location']);
        expect(p.detail).toContain('A-01-01-1');
      }
      expect(paths(problemOf(await post(op, path, '', { raw: true }), 422))).toEqual(['location']);
      const wrong = problemOf(await post(op, path, { location: 'A-01-01-2' }), 409);
      expect(paths(wrong)).toEqual(['location']);
      expect(await fingerprint(w)).toBe(before);
      expect((await get(op, `/api/v1/pick-lists/${list.id}`)).body.tasks.map((t: Json) => t.status)).toEqual(['open']);
      expect((await post(op, path, { location: 'a-01-01-1' })).status).toBe(200);
      await ledgerOk();
    });

    it('a short pick with nothing elsewhere leaves the line short', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 }]);
      const { id, list, op } = await orderAt(w, 'picking');
      const before = await fingerprint(w);
      const r = await post(op, `/api/v1/pick-lists/${list.id}/tasks/${list.tasks[0].id}/short`, { location: 'A-01-01-1' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({ task: list.tasks[0].id, missing: 2, replaced_by: 0, still_short: 2 });
      // Only the reservation was released: no unit moved.
      expect((await fingerprint(w)).split('/')[0]).toBe(before.split('/')[0]);
      expect((await get(op, `/api/v1/orders/${id}`)).body).toMatchObject({ lines: [{ allocated: 0, short: 2 }] });
      await ledgerOk();
    });

    it('a manager cancels a picked order: reservations released, picked units back to the dock', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, m } = await orderAt(w, 'picked');
      const cancelled = await post(m, `/api/v1/orders/${id}/cancel`, { note: 'customer changed their mind' });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toMatchObject({ id, status: 'cancelled', cancelled_at: expect.any(String), allocations: [] });
      expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
      expect((await ledgerOf(id)).filter((e) => e.reason === 'return')).toHaveLength(1);
      await ledgerOk();
    });

    // A list whose other tasks are all done is done; a list whose only order was cancelled is cancelled.
    it('cancelling an order completes its pick list when nothing else is left to pick', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
      const m = await signedIn(app, w.user.manager.email);
      const op = await signedIn(app, w.user.operator.email);
      const x = (await post(m, '/api/v1/orders', orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] }))).body.id as string;
      const y = (await post(m, '/api/v1/orders', orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] }))).body.id as string;
      const list = (await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, orders: [x, y] })).body;
      expect(list.tasks).toHaveLength(2);
      await pickAll(w, op, { ...list, tasks: list.tasks.filter((t: Json) => t.order === y) });
      expect((await post(m, `/api/v1/orders/${x}/cancel`, {})).body.status).toBe('cancelled');
      const after = await get(op, `/api/v1/pick-lists/${list.id}`);
      expect(after.body.tasks.map((t: Json) => t.status).sort()).toEqual(['cancelled', 'done']);
      expect(after.body.status).toBe('done');
    });

    it('pack and ship: carrier and tracking given at packing need not be repeated; shipping demands them otherwise', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, op } = await orderAt(w, 'packed');
      const before = await fingerprint(w);
      const p = problemOf(await post(op, `/api/v1/orders/${id}/ship`, {}), 422);
      expect(paths(p)).toEqual(['carrier', 'tracking_number']);
      expect(paths(problemOf(await post(op, `/api/v1/orders/${id}/ship`, { carrier: 'CDEK' }), 422))).toEqual(['tracking_number']);
      expect(paths(problemOf(await post(op, `/api/v1/orders/${id}/ship`, { carrier: 'CDEK', tracking_number: 'T1', weight_kg: 'heavy' }), 422))).toEqual(['weight_kg']);
      expect(await fingerprint(w)).toBe(before);

      const second = await orderAt(w, 'picked');
      await post(op, `/api/v1/orders/${second.id}/pack-scans`, { scan: w.product.widget.ean, quantity: 2 });
      const packed = await post(op, `/api/v1/orders/${second.id}/pack`, { carrier: 'Boxberry', tracking_number: 'BB-1' });
      expect(packed.body).toMatchObject({ status: 'packed', carrier: 'Boxberry', tracking_number: 'BB-1', weight_kg: null });
      const shipped = await post(op, `/api/v1/orders/${second.id}/ship`, '', { raw: true });
      expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
      expect(shipped.body).toMatchObject({ status: 'shipped', carrier: 'Boxberry', tracking_number: 'BB-1' });
      await ledgerOk();
    });

    it('the list pages newest first with an opaque cursor, filters by status, and is seller-scoped', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
      const m = await signedIn(app, w.user.manager.email);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await post(m, '/api/v1/orders', orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] }))).body.id);
      const seen: string[] = [];
      let cursor: string | null = '';
      for (let guard = 0; cursor !== null && guard < 5; guard++) {
        const page: Answer = await get(m, `/api/v1/orders?warehouse=${w.warehouse.code}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((i: Json) => i.id as string));
        cursor = page.body.next_cursor;
      }
      expect(seen).toEqual([...ids].reverse());
      const first = (await get(m, `/api/v1/orders?warehouse=${w.warehouse.code}&limit=1`)).body.items[0];
      expect(first).toMatchObject({ id: ids[2], channel: 'api', status: 'allocated', seller: w.sellerA.code, warehouse: w.warehouse.code, line_count: 1, units: 1, picked: 0 });
      await post(m, `/api/v1/orders/${ids[0]}/cancel`, {});
      expect((await get(m, `/api/v1/orders?warehouse=${w.warehouse.code}&status=cancelled`)).body).toEqual({ items: [expect.objectContaining({ id: ids[0], status: 'cancelled' })], next_cursor: null });
      expect((await get(m, `/api/v1/orders?warehouse=${w.warehouse.code}&status=open`)).body.items.map((i: Json) => i.id)).toEqual([ids[2], ids[1]]);
      // Seller B sees none of them, even naming seller A.
      const b = await signedIn(app, w.user.sellerB.email);
      expect((await get(b, `/api/v1/orders?warehouse=${w.warehouse.code}`)).body.items).toEqual([]);
      expect((await get(b, `/api/v1/orders?seller=${w.sellerA.code}`)).body.items).toEqual([]);
      for (const bad of ['limit=0', 'limit=501', 'cursor=%25%25', 'status=lost']) problemOf(await get(m, `/api/v1/orders?${bad}`), 422);
    });

    it('Ozon and Wildberries payloads import as orders; a repeat skips them, a cancelled posting cancels its order', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
      const m = await signedIn(app, w.user.manager.email);
      const pn = `${uid()}-0001-1`;
      const posting = (number: string, status: string, offer: string) => ({ posting_number: number, status, shipment_date: '2029-11-29T10:00:00Z', products: [{ offer_id: offer, sku: 1480048123, quantity: 2, name: 'x' }] });
      const unknown = `${uid()}-0002-1`;
      const ozon = { result: { postings: [posting(pn, 'awaiting_packaging', w.product.widget.sku), posting(unknown, 'awaiting_packaging', 'NO-SUCH-OFFER')] } };
      const r = await post(m, '/api/v1/orders/import/ozon', { seller: w.sellerA.code, warehouse: w.warehouse.code, payload: ozon });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.created).toEqual([{ external_id: pn, order: expect.any(String), status: 'allocated' }]);
      expect(r.body.rejected).toEqual([{ external_id: unknown, order: null, reason: expect.stringContaining('NO-SUCH-OFFER'), reason_code: expect.any(String) }]);
      expect(r.body.skipped).toEqual([]);
      expect(r.body.cancelled).toEqual([]);
      const orderId = r.body.created[0].order as string;
      expect((await get(m, `/api/v1/orders/${orderId}`)).body).toMatchObject({ channel: 'ozon', external_id: pn, ship_by: '2029-11-29T10:00:00.000Z', lines: [{ sku: w.product.widget.sku, quantity: 2, allocated: 2 }] });

      const again = await post(m, '/api/v1/orders/import/ozon', { seller: w.sellerA.code, warehouse: w.warehouse.code, payload: ozon });
      expect(again.body.created).toEqual([]);
      expect(again.body.skipped).toEqual([{ external_id: pn, order: orderId, reason: expect.any(String), reason_code: 'imports.skip.exists' }]);

      const cancel = await post(m, '/api/v1/orders/import/ozon', { seller: w.sellerA.code, warehouse: w.warehouse.code, payload: { result: { postings: [{ ...posting(pn, 'cancelled', w.product.widget.sku), cancellation: { cancel_reason: 'buyer' } }] } } });
      expect(cancel.body.cancelled).toEqual([{ external_id: pn, order: orderId }]);
      expect((await get(m, `/api/v1/orders/${orderId}`)).body.status).toBe('cancelled');

      // Seller A's integration imports Wildberries orders of its own (one unit each).
      const s = await signedIn(app, w.user.sellerA.email);
      const wbId = Math.floor(Math.random() * 1e9) + 1;
      const wb = { orders: [{ id: wbId, article: w.product.widget.sku, skus: [w.product.widget.ean], createdAt: '2029-11-27T08:05:11Z', nmId: 12345678 }] };
      const fromWb = await post(s, '/api/v1/orders/import/wildberries', { warehouse: w.warehouse.code, payload: wb });
      expect(fromWb.status, JSON.stringify(fromWb.body)).toBe(200);
      expect(fromWb.body.created).toEqual([{ external_id: String(wbId), order: expect.any(String), status: 'allocated' }]);
      expect((await get(s, `/api/v1/orders/${fromWb.body.created[0].order}`)).body).toMatchObject({ channel: 'wildberries', seller: w.sellerA.code, lines: [{ quantity: 1, allocated: 1 }] });
      await ledgerOk();
    });
  });

  describe('errors answer problem+json and move nothing', () => {
    /** An order of seller A on a pick list, the operator's client, and the fingerprint before. */
    async function onList() {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, list, op, m } = await orderAt(w, 'picking', [
        { sku: w.product.widget.sku, quantity: 2 },
        { sku: w.product.kefir.sku, quantity: 1 },
      ]);
      return { w, id, list, op, m, task: list.tasks[0] as Json, kefirTask: list.tasks[1] as Json, before: await fingerprint(w) };
    }

    it.each([
      ['quantity 0', { quantity: 0 }, 422, 'quantity'],
      ['quantity -1', { quantity: -1 }, 422, 'quantity'],
      ['quantity "x"', { quantity: 'x' }, 422, 'quantity'],
      ['quantity 1.5', { quantity: 1.5 }, 422, 'quantity'],
      ['quantity an object', { quantity: { n: 1 } }, 422, 'quantity'],
      ['more than the task', { quantity: 3 }, 422, 'quantity'],
      ['the wrong location', { location: 'A-01-01-2' }, 409, 'location'],
      ['an unknown location', { location: 'NOWHERE' }, 409, 'location'],
      ['the wrong product', { scan: 'KEFIR' }, 409, 'scan'],
      ['another seller’s product', { scan: 'GADGET' }, 409, 'scan'],
      ['an unknown barcode', { scan: 'UNKNOWN' }, 409, 'scan'],
      ['the wrong SKU', { scan: undefined, sku: 'SKU-NOPE' }, 409, 'sku'],
      ['a bad check digit', { scan: 'BADCHECK' }, 422, 'scan'],
      ['neither scan nor sku', { scan: undefined }, 422, 'scan'],
      ['no location', { location: undefined }, 422, 'location'],
      ['a task that is not an id', { task: 'abc' }, 422, 'task'],
      ['no task', { task: undefined }, 422, 'task'],
    ] as const)('a pick with %s', async (_label, change, status, path) => {
      const { w, list, op, task, before } = await onList();
      const codes: Record<string, string> = {
        KEFIR: w.product.kefir.ean,
        GADGET: w.product.gadget.ean,
        UNKNOWN: nextEan(),
        BADCHECK: w.product.widget.ean.slice(0, 12) + String((Number(w.product.widget.ean[12]) + 1) % 10),
      };
      const body: Record<string, unknown> = { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1, ...change };
      if (typeof body.scan === 'string' && codes[body.scan]) body.scan = codes[body.scan];
      const p = problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, body, { key: key() }), status);
      expect(paths(p)).toContain(path);
      expect(await fingerprint(w)).toBe(before);
    });

    it('a lot-tracked pick with the wrong lot is 409', async () => {
      const { w, list, op, kefirTask, before } = await onList();
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: kefirTask.id, location: 'R-01-01-1', scan: gs1(w.product.kefir.ean, 'NOPE'), quantity: 1 }), 409);
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: kefirTask.id, location: 'R-01-01-1', sku: w.product.kefir.sku, lot: 'NOPE', quantity: 1 }), 409);
      expect(await fingerprint(w)).toBe(before);
      // A plain EAN or the SKU alone says nothing about the lot: 422 at the lot.
      expect(paths(problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: kefirTask.id, location: 'R-01-01-1', scan: w.product.kefir.ean, quantity: 1 }), 422))).toEqual(['lot']);
      expect(paths(problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: kefirTask.id, location: 'R-01-01-1', sku: w.product.kefir.sku, quantity: 1 }), 422))).toEqual(['lot']);
      expect(await fingerprint(w)).toBe(before);
      // The right lot by SKU + lot is fine.
      const ok = await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: kefirTask.id, location: 'R-01-01-1', sku: w.product.kefir.sku, lot: w.lot.kefir.code, quantity: 1 });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      await ledgerOk();
    });

    it('a task of another pick list, or none, is 404; a done task is 409; the same key for another task is 409', async () => {
      const { w, list, op, task, kefirTask, before } = await onList();
      const other = await orderAt(w, 'picking', [{ sku: w.product.widget.sku, quantity: 1 }]);
      const foreign = other.list.tasks[0] as Json;
      const p = problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: foreign.id, location: foreign.location, scan: w.product.widget.ean, quantity: 1 }), 404);
      expect(p.title).toBe('NOT_FOUND');
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: '2147483000', location: 'A-01-01-1', scan: w.product.widget.ean }), 404);
      problemOf(await post(op, `/api/v1/pick-lists/2147483000/picks`, { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean }), 404);
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/tasks/${foreign.id}/short`, {}), 404);
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/tasks/abc/short`, {}), 404);
      const mid = await fingerprint(w);
      expect(mid).not.toBe(before); // the second order reserved a widget
      const k = key();
      expect((await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 2 }, { key: k })).status).toBe(201);
      const done = await fingerprint(w);
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1 }), 409);
      problemOf(await post(op, `/api/v1/pick-lists/${list.id}/tasks/${task.id}/short`, {}), 409);
      const reused = problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: kefirTask.id, location: 'R-01-01-1', sku: w.product.kefir.sku, quantity: 1 }, { key: k }), 409);
      expect(reused.title).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await fingerprint(w)).toBe(done);
    });

    it.each([
      ['too short', 'short'],
      ['too long', 'k'.repeat(101)],
      ['with spaces inside', 'a key with spaces'],
    ])('an Idempotency-Key %s is 422', async (_label, k) => {
      const { w, list, op, task, before } = await onList();
      const p = problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean }, { key: k }), 422);
      expect(paths(p)).toEqual(['Idempotency-Key']);
      expect(await fingerprint(w)).toBe(before);
    });

    it('an order with an unknown SKU is 422 naming the line, and creates nothing', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const m = await signedIn(app, w.user.manager.email);
      const before = await fingerprint(w);
      const body = orderBody(w, { lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }, { sku: w.product.widget.sku, quantity: 1 }, { sku: w.product.gadget.sku, quantity: 1 }] });
      const p = problemOf(await post(m, '/api/v1/orders', body), 422);
      expect(p.errors).toEqual([
        { path: 'lines.0.sku', message: expect.stringContaining('NO-SUCH-SKU') },
        { path: 'lines.2.sku', message: expect.stringContaining(w.product.gadget.sku) },
      ]);
      expect(await db().select().from(orders).where(eq(orders.externalId, body.external_id))).toEqual([]);
      expect(await fingerprint(w)).toBe(before);
    });

    it.each([
      ['quantity 0', { lines: [{ sku: 'X', quantity: 0 }] }, 'lines.0.quantity'],
      ['quantity -1', { lines: [{ sku: 'X', quantity: -1 }] }, 'lines.0.quantity'],
      ['quantity "x"', { lines: [{ sku: 'X', quantity: 'x' }] }, 'lines.0.quantity'],
      ['no lines', { lines: [] }, 'lines'],
      ['lines not an array', { lines: 'widget x 2' }, 'lines'],
      ['no external id', { external_id: undefined }, 'external_id'],
      ['an external id as an object', { external_id: { id: 1 } }, 'external_id'],
      ['an unknown channel', { channel: 'fax' }, 'channel'],
      ['a ship-by that is no date', { ship_by: 'tomorrow' }, 'ship_by'],
      ['a ship-by in month 13', { ship_by: '2029-13-01T10:00:00Z' }, 'ship_by'],
      ['a ship-by of 30 February', { ship_by: '2029-02-30' }, 'ship_by'],
      ['a ship-by time on 30 February', { ship_by: '2029-02-30T10:00:00Z' }, 'ship_by'],
      ['a ship-by time on 31 April', { ship_by: '2029-04-31T18:00:00+03:00' }, 'ship_by'],
      ['a ship-by time without an offset', { ship_by: '2029-02-28T10:00' }, 'ship_by'],
      ['an unknown warehouse', { warehouse: 'NOPE' }, 'warehouse'],
      ['an unknown seller', { seller: 'NOPE' }, 'seller'],
      ['a huge note', { note: 'n'.repeat(501) }, 'note'],
    ])('an order with %s is 422', async (_label, extra, path) => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const before = await fingerprint(w);
      const p = problemOf(await post(m, '/api/v1/orders', orderBody(w, extra)), 422);
      expect(paths(p)).toContain(path);
      expect(await fingerprint(w)).toBe(before);
    });

    it('ship before packed and pack before picked are 409; cancel after shipped is 409', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 10 }]);
      const picking = await orderAt(w, 'picking');
      const before = await fingerprint(w);
      const p = problemOf(await post(picking.op, `/api/v1/orders/${picking.id}/ship`, { carrier: 'CDEK', tracking_number: 'T1' }), 409);
      expect(p.title).toBe('CONFLICT');
      problemOf(await post(picking.op, `/api/v1/orders/${picking.id}/pack`, {}), 409);
      problemOf(await post(picking.op, `/api/v1/orders/${picking.id}/pack-scans`, { scan: w.product.widget.ean }), 409);
      expect(await fingerprint(w)).toBe(before);

      const picked = await orderAt(w, 'picked');
      const mid = await fingerprint(w);
      problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/ship`, { carrier: 'CDEK', tracking_number: 'T1' }), 409);
      // Packing before every unit is verified; a product not in the order; more than was picked.
      problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/pack`, {}), 409);
      problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/pack-scans`, { scan: w.product.kefir.ean }), 409);
      problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/pack-scans`, { scan: w.product.widget.ean, quantity: 3 }), 409);
      expect(paths(problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/pack-scans`, { scan: w.product.widget.ean, quantity: 0 }), 422))).toEqual(['quantity']);
      expect(paths(problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/pack-scans`, { quantity: 1 }), 422))).toEqual(['scan']);
      expect(paths(problemOf(await post(picked.op, `/api/v1/orders/${picked.id}/pack`, { weight_kg: -1 }), 422))).toEqual(['weight_kg']);
      expect(await fingerprint(w)).toBe(mid);

      const shipped = await orderAt(w, 'shipped');
      const after = await fingerprint(w);
      problemOf(await post(shipped.m, `/api/v1/orders/${shipped.id}/cancel`, {}), 409);
      problemOf(await post(shipped.op, `/api/v1/orders/${shipped.id}/ship`, { carrier: 'CDEK', tracking_number: 'T2' }), 409);
      expect((await get(shipped.m, `/api/v1/orders/${shipped.id}`)).body.status).toBe('shipped');
      expect(await fingerprint(w)).toBe(after);
      await ledgerOk();
    });

    // Weights are kept in grams: less than one gram is refused as a value.
    it('a weight that rounds to 0 g is 422, not 500', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, op } = await orderAt(w, 'picked');
      await post(op, `/api/v1/orders/${id}/pack-scans`, { scan: w.product.widget.ean, quantity: 2 });
      const p = problemOf(await post(op, `/api/v1/orders/${id}/pack`, { weight_kg: 0.0004 }), 422);
      expect(paths(p)).toEqual(['weight_kg']);
    });

    it('a pick list with nothing to pick is 409; bad pick-list input is 422', async () => {
      const w = await makeWorld(db());
      const op = await signedIn(app, w.user.operator.email);
      const before = await fingerprint(w);
      const p = problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code }), 409);
      expect(p.title).toBe('CONFLICT');
      // A backordered order is not pickable either.
      await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }]);
      problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code }), 409);
      problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, orders: ['2147483000'] }), 409);
      expect(paths(problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, orders: ['x'] }), 422))).toEqual(['orders.0']);
      expect(paths(problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, orders: '1,2' }), 422))).toEqual(['orders']);
      expect(paths(problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code, max_orders: 0 }), 422))).toEqual(['max_orders']);
      expect(paths(problemOf(await post(op, '/api/v1/pick-lists', { orders: [] }), 422))).toEqual(expect.arrayContaining(['warehouse', 'orders']));
      expect(paths(problemOf(await post(op, '/api/v1/pick-lists', { warehouse: 'NOPE' }), 422))).toEqual(['warehouse']);
      expect(await fingerprint(w)).toBe(before);
    });

    it('a bad marketplace payload or target is 422 and creates nothing', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const target = { seller: w.sellerA.code, warehouse: w.warehouse.code };
      expect(paths(problemOf(await post(m, '/api/v1/orders/import/ozon', { ...target, payload: { result: {} } }), 422))).toEqual(['payload.result.postings']);
      expect(paths(problemOf(await post(m, '/api/v1/orders/import/ozon', target), 422))).toEqual(['payload']);
      expect(paths(problemOf(await post(m, '/api/v1/orders/import/wildberries', { ...target, payload: { orders: [{ id: 'x' }] } }), 422))).toEqual(expect.arrayContaining(['payload.orders.0.id']));
      expect(paths(problemOf(await post(m, '/api/v1/orders/import/ozon', { ...target, seller: 7, payload: { result: { postings: [] } } }), 422))).toEqual(['seller']);
      expect(paths(problemOf(await post(m, '/api/v1/orders/import/ozon', { ...target, seller: 'NOPE', payload: { result: { postings: [] } } }), 422))).toEqual(['seller']);
      expect(paths(problemOf(await post(m, '/api/v1/orders/import/ozon', { ...target, warehouse: 'NOPE', payload: { result: { postings: [] } } }), 422))).toEqual(['warehouse']);
      expect(await db().select().from(orders).where(eq(orders.sellerId, w.sellerA.id))).toEqual([]);
    });

    it('malformed JSON is 400 on every POST, and moves nothing', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, list, op, m } = await orderAt(w, 'picking');
      const before = await fingerprint(w);
      const targets: [Client, string][] = [
        [m, '/api/v1/orders'],
        [m, '/api/v1/orders/import/ozon'],
        [m, '/api/v1/orders/import/wildberries'],
        [m, `/api/v1/orders/${id}/cancel`],
        [op, `/api/v1/orders/${id}/pack-scans`],
        [op, `/api/v1/orders/${id}/pack`],
        [op, `/api/v1/orders/${id}/ship`],
        [op, '/api/v1/pick-lists'],
        [op, `/api/v1/pick-lists/${list.id}/picks`],
        [op, `/api/v1/pick-lists/${list.id}/tasks/${list.tasks[0].id}/short`],
      ];
      for (const [c, path] of targets) {
        for (const raw of ['{"quantity": ', '[1, 2]', 'null', '"scan"']) {
          const p = problemOf(await post(c, path, raw, { raw: true }), 400);
          expect(p.title).toBe('MALFORMED');
        }
      }
      // Text the database cannot store: 400 or 422, never 500.
      const nul = await post(m, '/api/v1/orders', orderBody(w, { note: 'A\u0000B' }));
      expect([400, 422]).toContain(nul.status);
      expect(await fingerprint(w)).toBe(before);
      expect((await get(m, `/api/v1/orders/${id}`)).body.status).toBe('picking');
    });

    it('ids that are not ids are 404', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      for (const id of ['abc', '-1', '0', '1.5', '99999999999', '2147483648', '1e3']) {
        problemOf(await get(m, `/api/v1/orders/${id}`), 404);
        problemOf(await post(m, `/api/v1/orders/${id}/cancel`, {}), 404);
        problemOf(await post(m, `/api/v1/orders/${id}/ship`, { carrier: 'C', tracking_number: 'T' }), 404);
        problemOf(await get(m, `/api/v1/pick-lists/${id}`), 404);
        problemOf(await post(m, `/api/v1/pick-lists/${id}/picks`, { task: '1', location: 'A', sku: 'X' }), 404);
      }
    });
  });

  describe('security', () => {
    it('seller B gets 404 for seller A’s order, for reads and for every action', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id } = await orderAt(w, 'picked');
      const b = await signedIn(app, w.user.sellerB.email);
      const p = problemOf(await get(b, `/api/v1/orders/${id}`), 404);
      expect(p).toEqual(problemOf(await get(b, '/api/v1/orders/2147483000'), 404));
      const before = await fingerprint(w);
      problemOf(await post(b, `/api/v1/orders/${id}/cancel`, {}), 404);
      problemOf(await post(b, `/api/v1/orders/${id}/pack-scans`, { scan: w.product.widget.ean }), 404);
      problemOf(await post(b, `/api/v1/orders/${id}/pack`, {}), 404);
      problemOf(await post(b, `/api/v1/orders/${id}/ship`, { carrier: 'C', tracking_number: 'T' }), 404);
      expect((await get(b, '/api/v1/orders?limit=500')).body.items.map((i: Json) => i.id)).not.toContain(id);
      // Seller B cannot order seller A's goods nor for seller A.
      expect(paths(problemOf(await post(b, '/api/v1/orders', { ...orderBody(w), seller: undefined }), 422))).toEqual(['lines.0.sku', 'lines.1.sku', 'lines.2.sku']);
      expect(paths(problemOf(await post(b, '/api/v1/orders', orderBody(w)), 422))).toEqual(['seller']);
      expect(paths(problemOf(await post(b, '/api/v1/orders/import/ozon', { seller: w.sellerA.code, warehouse: w.warehouse.code, payload: { result: { postings: [] } } }), 422))).toEqual(['seller']);
      expect(await fingerprint(w)).toBe(before);
      expect((await get(await signedIn(app, w.user.manager.email), `/api/v1/orders/${id}`)).body.status).toBe('picked');
    });

    it('seller A creates, reads and cancels its own orders before picking, but may not pick, pack or ship: 403', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const s = await signedIn(app, w.user.sellerA.email);
      const { seller: _s, ...body } = orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
      const created = await post(s, '/api/v1/orders', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ seller: w.sellerA.code, channel: 'api', status: 'allocated', created: true });
      expect((await get(s, `/api/v1/orders/${created.body.id}`)).body.external_id).toBe(body.external_id);
      expect((await get(s, '/api/v1/orders')).body.items.map((i: Json) => i.id)).toEqual([created.body.id]);
      const cancelled = await post(s, `/api/v1/orders/${created.body.id}/cancel`, {});
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');

      const { id, list } = await orderAt(w, 'picking');
      const before = await fingerprint(w);
      const late = problemOf(await post(s, `/api/v1/orders/${id}/cancel`, {}), 403);
      expect(late.title).toBe('FORBIDDEN');
      problemOf(await post(s, '/api/v1/pick-lists', { warehouse: w.warehouse.code }), 403);
      problemOf(await get(s, `/api/v1/pick-lists/${list.id}`), 403);
      problemOf(await post(s, `/api/v1/pick-lists/${list.id}/picks`, { task: list.tasks[0].id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1 }), 403);
      problemOf(await post(s, `/api/v1/pick-lists/${list.id}/tasks/${list.tasks[0].id}/short`, {}), 403);
      problemOf(await post(s, `/api/v1/orders/${id}/pack-scans`, { scan: w.product.widget.ean }), 403);
      problemOf(await post(s, `/api/v1/orders/${id}/pack`, {}), 403);
      problemOf(await post(s, `/api/v1/orders/${id}/ship`, { carrier: 'C', tracking_number: 'T' }), 403);
      expect(await fingerprint(w)).toBe(before);

      const packed = await orderAt(w, 'packed');
      const mid = await fingerprint(w);
      problemOf(await post(s, `/api/v1/orders/${packed.id}/ship`, { carrier: 'C', tracking_number: 'T' }), 403);
      problemOf(await post(s, `/api/v1/orders/${packed.id}/cancel`, {}), 403);
      expect(await fingerprint(w)).toBe(mid);
      await ledgerOk();
    });

    it('an operator of another warehouse gets 404 for the order and the pick list, 422 for the warehouse', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, list } = await orderAt(w, 'picking');
      const o = await signedIn(app, w.user.operatorOther.email);
      const before = await fingerprint(w);
      problemOf(await get(o, `/api/v1/orders/${id}`), 404);
      expect((await get(o, `/api/v1/orders?warehouse=${w.warehouse.code}`)).body.items).toEqual([]);
      problemOf(await get(o, `/api/v1/pick-lists/${list.id}`), 404);
      problemOf(await post(o, `/api/v1/pick-lists/${list.id}/picks`, { task: list.tasks[0].id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1 }), 404);
      problemOf(await post(o, `/api/v1/pick-lists/${list.id}/tasks/${list.tasks[0].id}/short`, {}), 404);
      problemOf(await post(o, `/api/v1/orders/${id}/cancel`, {}), 404);
      problemOf(await post(o, `/api/v1/orders/${id}/ship`, { carrier: 'C', tracking_number: 'T' }), 404);
      expect(paths(problemOf(await post(o, '/api/v1/pick-lists', { warehouse: w.warehouse.code }), 422))).toEqual(['warehouse']);
      expect(paths(problemOf(await post(o, '/api/v1/orders', orderBody(w)), 422))).toEqual(['warehouse']);
      expect(await fingerprint(w)).toBe(before);
    });

    it('anonymous callers get 401, for reads and for posts', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }]);
      const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
      const anon = new Client(app);
      problemOf(await get(anon, '/api/v1/orders'), 401);
      problemOf(await get(anon, `/api/v1/orders/${order.id}`), 401);
      problemOf(await get(anon, `/api/v1/pick-lists/${list.id}`), 401);
      await anon.get('/login'); // the visitor's CSRF token
      expect(anon.csrf).not.toBe('');
      const before = await fingerprint(w);
      problemOf(await post(anon, '/api/v1/orders', orderBody(w)), 401);
      problemOf(await post(anon, '/api/v1/orders/import/ozon', {}), 401);
      problemOf(await post(anon, `/api/v1/orders/${order.id}/cancel`, {}), 401);
      problemOf(await post(anon, `/api/v1/orders/${order.id}/ship`, {}), 401);
      problemOf(await post(anon, '/api/v1/pick-lists', { warehouse: w.warehouse.code }), 401);
      problemOf(await post(anon, `/api/v1/pick-lists/${list.id}/picks`, { task: '1', location: 'A-01-01-1', scan: w.product.widget.ean }), 401);
      expect(await fingerprint(w)).toBe(before);
    });

    it('a POST from a cookie session without X-CSRF-Token is 403 and changes nothing', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { id, list, op, m } = await orderAt(w, 'picking');
      const before = await fingerprint(w);
      const task = list.tasks[0] as Json;
      const p = problemOf(await post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1 }, { csrf: false }), 403);
      expect(p.title).toBe('CSRF_FAILED');
      const body = orderBody(w);
      problemOf(await post(m, '/api/v1/orders', body, { csrf: false }), 403);
      problemOf(await post(m, `/api/v1/orders/${id}/cancel`, {}, { csrf: false }), 403);
      problemOf(await post(op, '/api/v1/pick-lists', { warehouse: w.warehouse.code }, { csrf: false }), 403);
      expect(await db().select().from(orders).where(eq(orders.externalId, body.external_id))).toEqual([]);
      // A cross-site origin is refused even with the token.
      const res = await op.request(`/api/v1/pick-lists/${list.id}/picks`, {
        method: 'POST',
        body: JSON.stringify({ task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 1 }),
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': op.csrf, Origin: 'https://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(await fingerprint(w)).toBe(before);
      expect((await get(m, `/api/v1/orders/${id}`)).body.status).toBe('picking');
    });
  });

  describe('races', () => {
    it('concurrent repeats of one pick key move once and answer alike', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const { list, op } = await orderAt(w, 'picking', [{ sku: w.product.widget.sku, quantity: 4 }]);
      const task = list.tasks[0] as Json;
      const k = key();
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post(op, `/api/v1/pick-lists/${list.id}/picks`, { task: task.id, location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 3 }, { key: k })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
      expect((await ledgerOf(task.order)).filter((e) => e.reason === 'pick')).toHaveLength(1);
      expect(await balanceOf(db(), w.loc.staging.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
      await ledgerOk();
    });

    it('concurrent posts of one external id make one order', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const m = await signedIn(app, w.user.manager.email);
      const body = orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
      const answers = await Promise.all([1, 2, 3, 4].map(() => post(m, '/api/v1/orders', body)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 1 });
    });

    it('an order sent again with its Idempotency-Key answers the first 201 and reserves nothing more; the key with another order is a 409', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const m = await signedIn(app, w.user.manager.email);
      const k = key();
      const body = orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 2 }] });
      const first = await post(m, '/api/v1/orders', body, { key: k });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const before = await fingerprint(w);
      const again = await post(m, '/api/v1/orders', body, { key: k });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      // Another external id, or other lines, under the same key: refused, nothing created or reserved.
      for (const other of [{ external_id: `API-${uid()}` }, { lines: [{ sku: w.product.widget.sku, quantity: 3 }] }]) {
        expect(problemOf(await post(m, '/api/v1/orders', { ...body, ...other }, { key: k }), 409).title, JSON.stringify(other)).toBe('IDEMPOTENCY_KEY_REUSED');
      }
      problemOf(await post(m, '/api/v1/orders', { ...body, external_id: `API-${uid()}` }, { key: 'x' }), 422);
      expect(await fingerprint(w)).toBe(before);
      expect((await db().select().from(orders).where(eq(orders.sellerId, w.sellerA.id))).length).toBe(1);
    });

    (backend === 'postgres' ? it : it.skip)('concurrent posts of one Idempotency-Key make one order and answer alike', async () => {
      const w = await makeWorld(db());
      await stockUp(db(), w);
      const m = await signedIn(app, w.user.manager.email);
      const k = key();
      const body = orderBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post(m, '/api/v1/orders', body, { key: k })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
      expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 1 });
    });
  });
});

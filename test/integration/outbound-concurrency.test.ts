import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { orders, pickTasks, reservations } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { importOzon } from '../../src/outbound/import-marketplace.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { confirmPick } from '../../src/outbound/confirm-pick.ts';
import { hasPostgres, openTestDatabase } from '../helpers/db.ts';
import { balanceOf } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid } from '../helpers/world.ts';
import { key } from '../helpers/inbound.ts';

// PGlite runs one transaction at a time, so races can only be shown on PostgreSQL.
describe.runIf(hasPostgres)('concurrent orders on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  it('30 orders at once competing for 20 units in two locations reserve exactly 20, never more', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 12 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 8 },
    ]);
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `C-${uid()}`, lines: [{ sku: w.product.widget.sku, quantity: 1 }] } }),
      ),
    );
    expect(results.filter((r) => r.allocation?.status === 'allocated')).toHaveLength(20);
    expect(results.filter((r) => r.allocation?.status === 'backordered')).toHaveLength(10);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 12, reserved: 12 });
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 8, reserved: 8 });
    const ids = results.map((r) => String(r.order.id));
    const [held] = await db().select({ n: sql<number>`coalesce(sum(${reservations.quantity}), 0)::int` }).from(reservations).where(and(eq(reservations.documentType, 'order'), inArray(reservations.documentId, ids), isNull(reservations.closedAt)));
    expect(Number(held!.n)).toBe(20);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('orders that each need several units: the stock is split, none over-reserved', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 25 }]);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `C-${uid()}`, lines: [{ sku: w.product.widget.sku, quantity: 4 }] } }),
      ),
    );
    const reserved = results.reduce((n, r) => n + (r.allocation?.reserved ?? 0), 0);
    expect(reserved).toBe(25);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 25, reserved: 25 });
  });

  it('the same order imported twice at once is created once', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    const input = { warehouse: w.warehouse.code, seller: w.sellerA.code, channel: 'ozon' as const, external_id: `OZ-${uid()}`, lines: [{ sku: w.product.widget.sku, quantity: 2 }] };
    const results = await Promise.all([0, 1, 2].map(() => createOrder({ db: db(), user: asUser(w, 'manager'), input })));
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 2 });
  });

  it('two imports at once, sharing half their postings, with orders by API among them: each posting once, exactly the stock reserved', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 150 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 50 },
    ]);
    const tag = uid();
    const posting = (n: number) => ({ posting_number: `${tag}-${n}`, status: 'awaiting_packaging', products: [{ offer_id: w.product.widget.sku, sku: 1, quantity: 1 }] });
    const payload = (from: number) => ({ result: { postings: Array.from({ length: 300 }, (_, i) => posting(from + i)) } });
    const run = (from: number) => importOzon({ db: db(), user: asUser(w, 'manager'), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: payload(from) });
    const api = Array.from({ length: 20 }, () =>
      createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `API-${uid()}`, lines: [{ sku: w.product.widget.sku, quantity: 1 }] } }),
    );
    const [a, b] = await Promise.all([run(0), run(150), ...api]);
    const imports = [a, b] as Awaited<ReturnType<typeof importOzon>>[];
    const made = await db().select().from(orders).where(sql`${orders.externalId} LIKE ${`${tag}-%`}`);
    expect(made).toHaveLength(450);
    expect(imports[0]!.created.length + imports[1]!.created.length).toBe(450);
    expect(imports[0]!.skipped.length + imports[1]!.skipped.length).toBe(150);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 150, reserved: 150 });
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 50, reserved: 50 });
    const allocated = await db().select({ n: sql<number>`count(*)::int` }).from(orders).where(and(eq(orders.sellerId, w.sellerA.id), eq(orders.status, 'allocated')));
    expect(Number(allocated[0]!.n)).toBe(200);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('two managers making pick lists at once never put one order on both', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 20 }]);
    for (let i = 0; i < 6; i++) await createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `P-${uid()}`, lines: [{ sku: w.product.widget.sku, quantity: 2 }] } });
    const lists = await Promise.allSettled([0, 1].map(() => createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, maxOrders: 4 })));
    const made = lists.filter((l) => l.status === 'fulfilled').map((l) => (l as PromiseFulfilledResult<Awaited<ReturnType<typeof createPickList>>>).value);
    expect(made.reduce((n, l) => n + l.orders, 0)).toBe(6);
    const tasks = await db().select().from(pickTasks).where(inArray(pickTasks.pickListId, made.map((m) => m.list.id)));
    expect(new Set(tasks.map((t) => t.orderId)).size).toBe(6);
    expect(tasks).toHaveLength(6);
    const onList = await db().select().from(orders).where(inArray(orders.id, [...new Set(tasks.map((t) => t.orderId))]));
    expect(onList.every((o) => o.status === 'picking')).toBe(true);
  });

  it('the same pick sent 5 times at once moves once', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 3 }]);
    const { order } = await createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `K-${uid()}`, lines: [{ sku: w.product.widget.sku, quantity: 3 }] } });
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    const k = key();
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => confirmPick({ db: db(), user: asUser(w, 'operator'), taskId: task!.id, input: { location: 'A-01-01-1', scan: w.product.widget.ean, quantity: 2, idempotency_key: k } })));
    expect(new Set(results.map((r) => r.pickId)).size).toBe(1);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 1, reserved: 1 });
    expect(await balanceOf(db(), w.loc.staging.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
  });
});

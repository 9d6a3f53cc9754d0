import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Db } from '../../src/db/client.ts';
import { importJobs, orderLines, orders, productBarcodes, products, reservations } from '../../src/db/schema/index.ts';
import type { TemperatureClass } from '../../src/db/schema/index.ts';
import type { CurrentUser } from '../../src/auth/policy.ts';
import { AppError } from '../../src/errors.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { importOzon, importWildberries } from '../../src/outbound/import-marketplace.ts';
import { getImportJob, settleImports, startCsvImport, stopImports, type ImportJob } from '../../src/outbound/import-csv.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { balanceOf } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid, type World } from '../helpers/world.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/marketplaces/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const OZON = fixture('ozon-fbs-postings.json');
const WB = fixture('wildberries-orders-new.json');
type OzonPayload = { result: { postings: Record<string, unknown>[] } };
const ozonCopy = () => structuredClone(OZON) as OzonPayload;

const caught = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe.each(backends)('order imports on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await settleImports();
    await database.close();
  });
  const db = () => database.db;
  const ledgerOk = async () => expect((await verifyLedger(db())).problems).toEqual([]);
  const manager = (w: World) => asUser(w, 'manager');

  /**
   * Seller A of a new world gets the fixtures' products: SKUs equal to the Ozon `offer_id`s and
   * the WB `article` ICE-CHOC-90 (with its barcode); the running shoe has another SKU and is
   * found by its WB barcode only. Stock for all of them.
   */
  async function marketWorld() {
    const w = await makeWorld(db());
    const mk = async (sku: string, cls: TemperatureClass, barcodes: string[] = []) => {
      const [p] = await db().insert(products).values({ sellerId: w.sellerA.id, sku, name: sku, temperatureClass: cls }).returning();
      for (const code of barcodes) await db().insert(productBarcodes).values({ productId: p!.id, sellerId: w.sellerA.id, code, kind: 'ean13' });
      return p!;
    };
    const p = {
      iceVan: await mk('ICE-VAN-500', 'frozen'),
      candy: await mk('CANDY-MIX-1KG', 'ambient'),
      power: await mk('PWR-BANK-20K', 'ambient'),
      iceChoc: await mk('ICE-CHOC-90', 'frozen', ['4607012345677']),
      shoe: await mk(`SHOE-${uid()}`, 'ambient', ['4690257528523']),
    };
    await stock(db(), w, [
      { productId: p.iceVan.id, locationId: w.loc.frozen.id, quantity: 10 },
      { productId: p.candy.id, locationId: w.loc.a1.id, quantity: 10 },
      { productId: p.power.id, locationId: w.loc.a2.id, quantity: 10 },
      { productId: p.iceChoc.id, locationId: w.loc.frozen.id, quantity: 10 },
      { productId: p.shoe.id, locationId: w.loc.a1.id, quantity: 10 },
    ]);
    return { w, p };
  }

  const sellerOrders = (w: World) => db().select().from(orders).where(eq(orders.sellerId, w.sellerA.id)).orderBy(asc(orders.id));
  const linesOf = (orderId: number) => db().select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo));
  const openReserved = async (orderId: number) =>
    (await db().select().from(reservations).where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(orderId)), isNull(reservations.closedAt)))).reduce((n, r) => n + r.quantity, 0);
  const job = async (id: number) => (await db().select().from(importJobs).where(eq(importJobs.id, id)))[0]!;

  async function waitDone(user: CurrentUser, id: number, ms = 10_000): Promise<ImportJob> {
    const until = Date.now() + ms;
    for (;;) {
      const j = await getImportJob({ db: db(), user, id });
      if (j.status !== 'running') return j;
      if (Date.now() > until) throw new Error(`import ${id} still running after ${ms} ms: ${j.processed}/${j.total}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Marketplaces

  it('imports the Ozon fixture: orders, lines, marking from the mandatory-mark list, ship-by; again creates nothing', async () => {
    const { w, p } = await marketWorld();
    const r = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: OZON });
    expect(r.created.map((c) => c.external_id)).toEqual(['48213377-0102-1', '48213390-0007-2']);
    expect(r.created.map((c) => c.status)).toEqual(['allocated', 'allocated']);
    expect(r).toMatchObject({ skipped: [], rejected: [], cancelled: [] });

    const [a, b] = await sellerOrders(w);
    expect(a).toMatchObject({ id: r.created[0]!.order_id, channel: 'ozon', externalId: '48213377-0102-1', warehouseId: w.warehouse.id, status: 'allocated' });
    expect(a!.shipBy?.toISOString()).toBe('2026-11-29T10:00:00.000Z');
    expect(b!.shipBy?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect((a!.source as { posting_number: string; order_number: string }).order_number).toBe('48213377-0102');
    expect((await linesOf(a!.id)).map((l) => ({ productId: l.productId, quantity: l.quantity, requiresMarking: l.requiresMarking, externalRef: l.externalRef }))).toEqual([
      { productId: p.iceVan.id, quantity: 2, requiresMarking: true, externalRef: '1480048123' },
      { productId: p.candy.id, quantity: 1, requiresMarking: false, externalRef: '1480048777' },
    ]);
    expect((await linesOf(b!.id)).map((l) => [l.productId, l.quantity, l.requiresMarking])).toEqual([[p.power.id, 1, false]]);
    expect(await openReserved(a!.id)).toBe(3);
    expect(await job(r.job_id)).toMatchObject({ channel: 'ozon', sellerId: w.sellerA.id, warehouseId: w.warehouse.id, status: 'done', total: 2, processed: 2, created: 2, skipped: 0, rejected: 0, errors: [] });

    const again = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: JSON.stringify(OZON) });
    expect(again.created).toEqual([]);
    expect(again.skipped).toEqual([
      { external_id: '48213377-0102-1', order_id: a!.id, reason: { key: 'imports.skip.exists' } },
      { external_id: '48213390-0007-2', order_id: b!.id, reason: { key: 'imports.skip.exists' } },
    ]);
    expect(await sellerOrders(w)).toHaveLength(2);
    expect(await openReserved(a!.id)).toBe(3);
    expect(await job(again.job_id)).toMatchObject({ status: 'done', total: 2, processed: 2, created: 0, skipped: 2 });
    await ledgerOk();
  });

  it('imports the Wildberries fixture: by article or by barcode, one unit each, sgtin needs marking; again creates nothing', async () => {
    const { w, p } = await marketWorld();
    const r = await importWildberries({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: WB });
    expect(r.created.map((c) => c.external_id)).toEqual(['13833711', '13833790']);
    expect(r).toMatchObject({ skipped: [], rejected: [], cancelled: [] });
    const [a, b] = await sellerOrders(w);
    expect(a).toMatchObject({ channel: 'wildberries', externalId: '13833711', status: 'allocated', note: null });
    expect(b).toMatchObject({ channel: 'wildberries', externalId: '13833790', status: 'allocated', note: 'gift wrap' });
    // No deadline in the payload: one day after the order was placed.
    expect(a!.shipBy?.toISOString()).toBe('2026-11-28T08:05:11.000Z');
    expect(b!.shipBy?.toISOString()).toBe('2026-11-28T08:09:40.000Z');
    expect((await linesOf(a!.id)).map((l) => [l.productId, l.quantity, l.requiresMarking, l.externalRef])).toEqual([[p.iceChoc.id, 1, true, '12345678']]);
    expect((await linesOf(b!.id)).map((l) => [l.productId, l.quantity, l.requiresMarking, l.externalRef])).toEqual([[p.shoe.id, 1, true, '22345611']]);
    expect(await balanceOf(db(), w.loc.a1.id, p.shoe.id)).toEqual({ onHand: 10, reserved: 1 });

    const again = await importWildberries({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: WB });
    expect(again.created).toEqual([]);
    expect(again.skipped.map((s) => [s.external_id, s.order_id])).toEqual([
      ['13833711', a!.id],
      ['13833790', b!.id],
    ]);
    expect(await sellerOrders(w)).toHaveLength(2);
    expect(await balanceOf(db(), w.loc.a1.id, p.shoe.id)).toEqual({ onHand: 10, reserved: 1 });
    await ledgerOk();
  });

  it('a posting with an unknown offer_id is rejected with its reason; the others are created', async () => {
    const { w } = await marketWorld();
    const payload = ozonCopy();
    (payload.result.postings[0]!.products as { offer_id: string }[])[1]!.offer_id = 'NO-SUCH-ARTICLE';
    const r = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload });
    expect(r.created.map((c) => c.external_id)).toEqual(['48213390-0007-2']);
    expect(r.rejected).toEqual([{ external_id: '48213377-0102-1', reason: { key: 'imports.error.unmatchedOffer', params: { article: 'NO-SUCH-ARTICLE', sku: '1480048777' } } }]);
    expect((await sellerOrders(w)).map((o) => o.externalId)).toEqual(['48213390-0007-2']);
    expect(await job(r.job_id)).toMatchObject({
      status: 'done',
      total: 2,
      processed: 2,
      created: 1,
      rejected: 1,
      errors: [{ externalId: '48213377-0102-1', key: 'imports.error.unmatchedOffer', params: { article: 'NO-SUCH-ARTICLE', sku: '1480048777' } }],
    });
    // Once the product exists, the same payload brings the missing order in.
    await db().insert(products).values({ sellerId: w.sellerA.id, sku: 'NO-SUCH-ARTICLE', name: 'late' });
    const again = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload });
    expect(again.created.map((c) => [c.external_id, c.status])).toEqual([['48213377-0102-1', 'backordered']]);
    expect(again.skipped.map((s) => s.external_id)).toEqual(['48213390-0007-2']);
    await ledgerOk();
  });

  it('a Wildberries order whose article and barcodes match nothing is rejected, naming both', async () => {
    const { w } = await marketWorld();
    const payload = structuredClone(WB) as { orders: Record<string, unknown>[] };
    payload.orders[1]!.article = 'SHOE-RUN-43';
    payload.orders[1]!.skus = ['4690257528530'];
    const r = await importWildberries({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload });
    expect(r.created.map((c) => c.external_id)).toEqual(['13833711']);
    expect(r.rejected).toEqual([{ external_id: '13833790', reason: { key: 'imports.error.unmatchedLine', params: { article: 'SHOE-RUN-43', barcodes: '4690257528530' } } }]);
    await ledgerOk();
  });

  it('a cancelled posting cancels its order and releases the reservations; unknown or shipped ones are not touched', async () => {
    const { w, p } = await marketWorld();
    const first = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: OZON });
    const orderId = first.created[0]!.order_id;
    expect(await balanceOf(db(), w.loc.frozen.id, p.iceVan.id)).toEqual({ onHand: 10, reserved: 2 });

    const payload = ozonCopy();
    payload.result.postings[0]!.status = 'cancelled';
    payload.result.postings[0]!.cancellation = { cancel_reason_id: 352, cancel_reason: 'Покупатель передумал', cancellation_type: 'buyer', cancelled_after_ship: false };
    payload.result.postings.push({ ...structuredClone(payload.result.postings[0]!), posting_number: '99999999-0001-1' });
    const r = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload });
    expect(r.cancelled).toEqual([{ external_id: '48213377-0102-1', order_id: orderId }]);
    expect(r.skipped).toEqual([
      { external_id: '48213390-0007-2', order_id: first.created[1]!.order_id, reason: { key: 'imports.skip.exists' } },
      { external_id: '99999999-0001-1', order_id: null, reason: { key: 'imports.skip.cancelledUnknown' } },
    ]);
    expect(r.created).toEqual([]);
    const [o] = await db().select().from(orders).where(eq(orders.id, orderId));
    expect(o).toMatchObject({ status: 'cancelled' });
    expect(o!.cancelledAt).toBeInstanceOf(Date);
    expect(await openReserved(orderId)).toBe(0);
    expect(await balanceOf(db(), w.loc.frozen.id, p.iceVan.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await balanceOf(db(), w.loc.a1.id, p.candy.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await job(r.job_id)).toMatchObject({ status: 'done', total: 3, processed: 3, created: 0, skipped: 2, rejected: 0 });
    await ledgerOk();

    // The same cancellation again: already cancelled, nothing happens.
    const again = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload });
    expect(again.cancelled).toEqual([]);
    expect(again.skipped[0]).toEqual({ external_id: '48213377-0102-1', order_id: orderId, reason: { key: 'imports.skip.alreadyCancelled' } });

    // A shipped order is not cancelled: reported as rejected.
    const shippedId = first.created[1]!.order_id;
    await db().update(orders).set({ status: 'shipped' }).where(eq(orders.id, shippedId));
    const late = ozonCopy();
    late.result.postings[1]!.status = 'cancelled';
    const r3 = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: late });
    expect(r3.rejected).toEqual([{ external_id: '48213390-0007-2', order_id: shippedId, reason: { key: 'imports.error.shippedNotCancelled' } }]);
    expect((await db().select().from(orders).where(eq(orders.id, shippedId)))[0]!.status).toBe('shipped');
  });

  it('a large payload goes in batches: earlier postings are served first, a repeated posting is created once, a cancellation after its posting cancels it', async () => {
    const { w, p } = await marketWorld();
    // 10 candy on a1 (marketWorld); 600 postings of one candy each, in three batches.
    const posting = (n: number, status = 'awaiting_packaging') => ({ posting_number: `BIG-${n}`, status, shipment_date: '2026-12-01T10:00:00Z', products: [{ offer_id: 'CANDY-MIX-1KG', sku: 1480048777, quantity: 1 }] });
    const postings = Array.from({ length: 600 }, (_, i) => posting(i));
    postings.splice(100, 0, posting(7)); // the same posting again, in the batch that creates it
    postings.splice(301, 0, posting(5)); // and in a later batch
    postings.push(posting(2, 'cancelled')); // a cancellation of an earlier one
    postings.push({ ...posting(9_999), products: [{ offer_id: 'NOPE', sku: 1, quantity: 1 }] });
    const r = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: { result: { postings } } });
    expect(r.created).toHaveLength(600);
    // The first ten postings took the ten units; the rest wait.
    expect(r.created.slice(0, 10).every((c) => c.status === 'allocated')).toBe(true);
    expect(r.created.slice(10).every((c) => c.status === 'backordered')).toBe(true);
    expect(r.created.map((c) => c.external_id)).toEqual(Array.from({ length: 600 }, (_, i) => `BIG-${i}`));
    expect(r.skipped.map((x) => [x.external_id, x.reason.key])).toEqual([
      ['BIG-7', 'imports.skip.exists'],
      ['BIG-5', 'imports.skip.exists'],
    ]);
    expect(r.skipped.map((x) => x.order_id)).toEqual([r.created[7]!.order_id, r.created[5]!.order_id]);
    expect(r.cancelled).toEqual([{ external_id: 'BIG-2', order_id: r.created[2]!.order_id }]);
    expect(r.rejected).toEqual([{ external_id: 'BIG-9999', reason: { key: 'imports.error.unmatchedOffer', params: { article: 'NOPE', sku: '1' } } }]);
    expect(await sellerOrders(w)).toHaveLength(600);
    // BIG-2 gave its unit back when it was cancelled: 9 held.
    expect(await balanceOf(db(), w.loc.a1.id, p.candy.id)).toEqual({ onHand: 10, reserved: 9 });
    expect(await job(r.job_id)).toMatchObject({ status: 'done', total: 604, processed: 604, created: 600, skipped: 2, rejected: 1 });
    await ledgerOk();
  });

  it('a posting the marketplace says has already left is not created', async () => {
    const { w } = await marketWorld();
    const payload = ozonCopy();
    payload.result.postings[1]!.status = 'delivered';
    const r = await importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload });
    expect(r.created.map((c) => c.external_id)).toEqual(['48213377-0102-1']);
    expect(r.skipped).toEqual([{ external_id: '48213390-0007-2', order_id: null, reason: { key: 'imports.skip.alreadyLeft', params: { status: 'delivered' } } }]);
    await ledgerOk();
  });

  it('a malformed payload is a 422 naming the path, and nothing is created', async () => {
    const { w } = await marketWorld();
    const jobsBefore = (await db().select({ n: sql<number>`count(*)::int` }).from(importJobs).where(eq(importJobs.createdBy, w.user.manager.id)))[0]!.n;
    const payload = ozonCopy();
    (payload.result.postings[1]!.products as { quantity: unknown }[])[0]!.quantity = 'one';
    const e = await caught(importOzon({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload }));
    expect(e).toMatchObject({ status: 422, code: 'VALIDATION', key: 'imports.error.badPayload' });
    expect(e.fieldErrors.map((f) => f.path)).toEqual(['payload.result.postings.1.products.0.quantity']);
    const e2 = await caught(importWildberries({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: { result: OZON.result } }));
    expect(e2).toMatchObject({ status: 422, key: 'imports.error.badPayload' });
    expect(e2.fieldErrors[0]!.path).toBe('payload.orders');
    const e3 = await caught(importWildberries({ db: db(), user: manager(w), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: 'not json' }));
    expect(e3.fieldErrors[0]!.path).toBe('payload');
    expect(await sellerOrders(w)).toEqual([]);
    const jobsAfter = (await db().select({ n: sql<number>`count(*)::int` }).from(importJobs).where(eq(importJobs.createdBy, w.user.manager.id)))[0]!.n;
    expect(jobsAfter).toBe(jobsBefore);
    await ledgerOk();
  });

  it('a seller imports their own orders only; an operator only into their warehouse; jobs are seen by their owner and managers', async () => {
    const { w } = await marketWorld();
    const other = await caught(importOzon({ db: db(), user: asUser(w, 'sellerA'), seller: w.sellerB.code, warehouse: w.warehouse.code, payload: OZON }));
    expect(other.fieldErrors[0]).toMatchObject({ path: 'seller', key: 'inbound.error.unknownSeller' });
    const wrongWh = await caught(importOzon({ db: db(), user: asUser(w, 'operatorOther'), seller: w.sellerA.code, warehouse: w.warehouse.code, payload: OZON }));
    expect(wrongWh.fieldErrors[0]).toMatchObject({ path: 'warehouse', key: 'error.unknownWarehouse' });
    const noSeller = await caught(importOzon({ db: db(), user: manager(w), warehouse: w.warehouse.code, payload: OZON }));
    expect(noSeller.fieldErrors[0]).toMatchObject({ path: 'seller', key: 'error.required' });

    const own = await importOzon({ db: db(), user: asUser(w, 'sellerA'), warehouse: w.warehouse.code, payload: OZON });
    expect(own.created).toHaveLength(2);
    expect(await getImportJob({ db: db(), user: asUser(w, 'sellerA'), id: own.job_id })).toMatchObject({ id: own.job_id, status: 'done' });
    expect(await getImportJob({ db: db(), user: asUser(w, 'manager'), id: own.job_id })).toMatchObject({ id: own.job_id });
    expect(await caught(getImportJob({ db: db(), user: asUser(w, 'sellerB'), id: own.job_id }))).toMatchObject({ status: 404, key: 'imports.error.jobNotFound' });
    expect(await caught(getImportJob({ db: db(), user: asUser(w, 'operator'), id: own.job_id }))).toMatchObject({ status: 404 });
    await ledgerOk();
  });

  // ---------------------------------------------------------------------------------------
  // CSV

  it('CSV: three orders, one bad row: two created, one rejected with its line number', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 20 }]);
    const { widget, gadget } = w.product;
    const csv = [
      'external_id,sku,quantity,ship_by,note',
      `A-1,${widget.sku},2,2026-12-01,first`,
      `A-1,${w.product.kefir.ean},1,,`,
      `A-2,${widget.sku},1,2026-12-02T18:00:00+03:00,`,
      `A-3,${widget.sku},two,,`,
      `A-3,${widget.sku},1,,`,
    ].join('\n');
    const user = manager(w);
    const { id, total } = await startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, fileName: 'orders.csv', text: csv });
    expect(total).toBe(3);
    const j = await waitDone(user, id);
    expect(j).toMatchObject({ channel: 'csv', status: 'done', fileName: 'orders.csv', sellerId: w.sellerA.id, total: 3, processed: 3, created: 2, skipped: 0, rejected: 1 });
    expect(j.errors).toEqual([{ row: 5, externalId: 'A-3', key: 'imports.error.badQuantity', params: { value: 'two' } }]);
    expect(j.finishedAt).toBeInstanceOf(Date);
    const made = await sellerOrders(w);
    expect(made.map((o) => [o.externalId, o.channel, o.shipBy?.toISOString(), o.note])).toEqual([
      ['A-1', 'csv', '2026-12-01T20:59:00.000Z', 'first'],
      ['A-2', 'csv', '2026-12-02T15:00:00.000Z', null],
    ]);
    // A barcode in the sku column finds its product.
    expect((await linesOf(made[0]!.id)).map((l) => [l.productId, l.quantity])).toEqual([
      [widget.id, 2],
      [w.product.kefir.id, 1],
    ]);
    expect(made[0]!.source).toEqual({ import_job: id, rows: [2, 3] });

    // An unknown SKU, another seller's SKU, a bad date, and a row with no external id.
    const csv2 = [
      'external_id,sku,quantity,ship_by',
      `B-1,${widget.sku},1,`,
      `B-1,NOPE-${uid()},1,`,
      `B-2,${gadget.sku},1,`,
      `,${widget.sku},1,`,
      `B-3,${widget.sku},1,2026-02-30`,
      `A-1,${widget.sku},5,`,
    ].join('\r\n');
    const second = await startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text: csv2 });
    expect(second.total).toBe(5);
    const j2 = await waitDone(user, second.id);
    expect(j2).toMatchObject({ status: 'done', total: 5, processed: 5, created: 0, skipped: 1, rejected: 4 });
    expect(j2.errors).toEqual([
      { row: 3, externalId: 'B-1', key: 'inbound.error.unknownSku', params: { sku: expect.stringMatching(/^NOPE-/) } },
      { row: 4, externalId: 'B-2', key: 'inbound.error.unknownSku', params: { sku: gadget.sku } },
      { row: 5, key: 'imports.error.missingExternalId' },
      { row: 6, externalId: 'B-3', key: 'imports.error.badShipBy', params: { value: '2026-02-30' } },
    ]);
    expect(await sellerOrders(w)).toHaveLength(2);
    await ledgerOk();
  });

  it('CSV: semicolons, a BOM, quoted fields and CRLF', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 20 }]);
    const sku = w.product.widget.sku;
    const text = `\uFEFFExternal_ID;SKU;Quantity;Ship_By;Seller;Note\r\n"S;1";${sku};3;2026-12-05;${w.sellerA.code.toLowerCase()};"call first; ""fragile""\r\nsecond line"\r\n\r\nS2;"${sku}";1;;;\r\n`;
    const user = manager(w);
    const { id, total } = await startCsvImport({ db: db(), user, warehouse: w.warehouse.code.toLowerCase(), text: new TextEncoder().encode(text) });
    expect(total).toBe(2);
    const j = await waitDone(user, id);
    // No seller chosen for the file: the row without one is rejected, the other names its own.
    expect(j).toMatchObject({ status: 'done', sellerId: null, processed: 2, created: 1, rejected: 1 });
    expect(j.errors).toEqual([{ row: 5, externalId: 'S2', key: 'imports.error.sellerRequired' }]);
    const [o] = await sellerOrders(w);
    expect(o).toMatchObject({ externalId: 'S;1', note: 'call first; "fragile"\r\nsecond line', status: 'allocated' });
    expect((await linesOf(o!.id)).map((l) => l.quantity)).toEqual([3]);

    // A seller's upload is theirs, without a seller column.
    const mine = await startCsvImport({ db: db(), user: asUser(w, 'sellerA'), warehouse: w.warehouse.code, text: `external_id;sku;quantity\r\nS2;${sku};1\r\n` });
    expect(await waitDone(asUser(w, 'sellerA'), mine.id)).toMatchObject({ status: 'done', sellerId: w.sellerA.id, created: 1 });
    await ledgerOk();
  });

  it('CSV: the background job reaches done with processed = total, chunk by chunk, and a second upload skips everything', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 1000 }]);
    const rows = Array.from({ length: 45 }, (_, i) => `BG-${i},${w.product.widget.sku},1`);
    const text = ['external_id,sku,quantity', ...rows].join('\n');
    const user = manager(w);
    const started = await startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text, chunk: 10 });
    // It returns before the work is done.
    expect(await getImportJob({ db: db(), user, id: started.id })).toMatchObject({ status: 'running', total: 45 });
    const j = await waitDone(user, started.id);
    expect(j).toMatchObject({ status: 'done', total: 45, processed: 45, created: 45, skipped: 0, rejected: 0, errors: [] });
    const again = await startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text, chunk: 10 });
    expect(await waitDone(user, again.id)).toMatchObject({ status: 'done', total: 45, processed: 45, created: 0, skipped: 45 });
    expect(await sellerOrders(w)).toHaveLength(45);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 1000, reserved: 45 });
    await ledgerOk();
  });

  it('CSV: 1,200 orders finish and count right', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 1000 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 5000 },
    ]);
    // Every tenth order has a second line (kefir); order BIG-700's second line is bad.
    const rows: string[] = [];
    let badRow = 0;
    for (let i = 0; i < 1200; i++) {
      rows.push(`BIG-${i};${w.product.widget.sku};1`);
      if (i % 10 === 0) rows.push(`BIG-${i};${w.product.kefir.sku};${i === 700 ? 0 : 2}`);
      if (i === 700) badRow = rows.length + 1;
    }
    const user = manager(w);
    const { id, total } = await startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text: ['external_id;sku;quantity', ...rows].join('\n') });
    expect(total).toBe(1200);
    const j = await waitDone(user, id, 150_000);
    expect(j).toMatchObject({ status: 'done', total: 1200, processed: 1200, created: 1199, skipped: 0, rejected: 1 });
    expect(j.errors).toEqual([{ row: badRow, externalId: 'BIG-700', key: 'imports.error.badQuantity', params: { value: '0' } }]);
    expect(await sellerOrders(w)).toHaveLength(1199);
    // 1,000 widgets for 1,199 orders: the first thousand allocated, the rest backordered.
    const byStatus = await db().select({ status: orders.status, n: sql<number>`count(*)::int` }).from(orders).where(eq(orders.sellerId, w.sellerA.id)).groupBy(orders.status);
    expect(Object.fromEntries(byStatus.map((s) => [s.status, s.n]))).toEqual({ allocated: 1000, backordered: 199 });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 1000, reserved: 1000 });
    expect(await balanceOf(db(), w.loc.chilled.id, w.product.kefir.id, w.lot.kefir.id)).toEqual({ onHand: 5000, reserved: 119 * 2 });
    await ledgerOk();
  }, 180_000);

  it('CSV: a file that is too large, or has no required columns, is refused before a job starts', async () => {
    const w = await makeWorld(db());
    const user = manager(w);
    const big = await caught(startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text: 'external_id,sku,quantity\n' + 'x,y,1\n'.repeat(900_000) }));
    expect(big).toMatchObject({ status: 422, key: 'imports.error.fileTooLarge' });
    const rows = await caught(startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text: 'external_id,sku,quantity\n' + 'x,y,1\n'.repeat(50_001) }));
    expect(rows).toMatchObject({ status: 422, key: 'imports.error.tooManyRows', params: { count: 50_001, max: 50_000 } });
    const cols = await caught(startCsvImport({ db: db(), user, warehouse: w.warehouse.code, seller: w.sellerA.code, text: 'order;article;qty\n1;2;3\n' }));
    expect(cols).toMatchObject({ key: 'imports.error.missingColumns', params: { columns: 'external_id, sku, quantity' } });
    const wh = await caught(startCsvImport({ db: db(), user: asUser(w, 'operatorOther'), warehouse: w.warehouse.code, seller: w.sellerA.code, text: 'external_id,sku,quantity\nA,B,1\n' }));
    expect(wh.fieldErrors[0]).toMatchObject({ path: 'warehouse', key: 'error.unknownWarehouse' });
    expect(await db().select().from(importJobs).where(eq(importJobs.createdBy, w.user.manager.id))).toEqual([]);
  });

  it('CSV: an unexpected error fails the job with a reason, and it is logged', async () => {
    const w = await makeWorld(db());
    const user = manager(w);
    // A database whose transactions break (the job row itself is still written).
    const real = db();
    const broken = new Proxy(real, {
      get(target, prop) {
        if (prop === 'transaction') return () => Promise.reject(new Error('connection reset'));
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Db;
    const logged: string[] = [];
    const { id } = await startCsvImport({ db: broken, user, warehouse: w.warehouse.code, seller: w.sellerA.code, text: `external_id,sku,quantity\nF-1,${w.product.widget.sku},1\n`, log: (l) => logged.push(l) });
    const j = await waitDone(user, id);
    expect(j).toMatchObject({ status: 'failed', processed: 0, errors: [{ key: 'imports.error.jobFailed' }] });
    expect(j.finishedAt).toBeInstanceOf(Date);
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'error', msg: 'order import failed', job: id, error: expect.stringContaining('connection reset') });
    await ledgerOk();
  });
});

// Last in the file: once stopped, this process takes no new CSV imports.
describe('stopping CSV imports for shutdown', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await settleImports();
    await database.close();
  });

  it('stops a running import after the chunk in progress; the job says how far it got; new ones are refused', async () => {
    const db = database.db;
    const w = await makeWorld(db);
    const user = asUser(w, 'manager');
    const text = ['external_id,sku,quantity', ...Array.from({ length: 300 }, (_, i) => `ST-${i},${w.product.widget.sku},1`)].join('\n');
    const { id } = await startCsvImport({ db, user, warehouse: w.warehouse.code, seller: w.sellerA.code, text, chunk: 5 });
    while ((await getImportJob({ db, user, id })).processed < 5) await new Promise((r) => setTimeout(r, 10));
    await stopImports();
    const j = await getImportJob({ db, user, id });
    expect(j.status).toBe('failed');
    expect(j.processed).toBeLessThan(300);
    expect(j.created).toBe(j.processed);
    expect(j.errors).toEqual([{ key: 'imports.error.interrupted', params: { processed: j.processed, total: 300 } }]);
    expect((await db.select().from(orders).where(eq(orders.sellerId, w.sellerA.id))).length).toBe(j.processed);
    expect(await caught(startCsvImport({ db, user, warehouse: w.warehouse.code, seller: w.sellerA.code, text }))).toMatchObject({ code: 'CONFLICT', key: 'imports.error.shuttingDown' });
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});

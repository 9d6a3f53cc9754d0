import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { orders, pickTasks } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid } from '../helpers/world.ts';
import { makeOrder, widgetTaskOnTwoShelves } from '../helpers/outbound.ts';
import { postForm } from '../helpers/api.ts';

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

describe.each(backends)('order pages on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  it('a manager creates an order on the page; it is allocated; a bad row is named', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const m = await signedIn(app, w.user.manager.email);
    expect((await m.get('/orders/new')).status).toBe(200);
    // The import page's two forms each label their own controls: no id twice.
    const importPage = await (await m.get('/orders/import')).text();
    const ids = [...importPage.matchAll(/\sid="([^"]+)"/g)].map((x) => x[1]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const bad = await postForm(m, '/orders', [['external_id', `M-${uid()}`], ['warehouse', w.warehouse.code], ['seller', w.sellerA.code], ['line_sku', 'NOPE'], ['line_quantity', '1'], ['line_sku', w.product.widget.sku], ['line_quantity', '0']]);
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('NOPE');
    // An empty order number is "required" in the user's language, not the validator's English.
    await m.post('/locale', { locale: 'zh', next: '/orders/new' });
    const blank = await postForm(m, '/orders', [['external_id', '  '], ['warehouse', w.warehouse.code], ['seller', w.sellerA.code], ['line_sku', w.product.widget.sku], ['line_quantity', '1']]);
    expect(blank.status).toBe(422);
    const blankHtml = await blank.text();
    expect(blankHtml).toContain('必填。');
    expect(blankHtml).not.toMatch(/Too small|expected string/);
    await m.post('/locale', { locale: 'en', next: '/orders/new' });
    const number = `M-${uid()}`;
    const ok = await postForm(m, '/orders', [['external_id', number], ['warehouse', w.warehouse.code], ['seller', w.sellerA.code], ['ship_by', '2020-01-01'], ['line_sku', w.product.widget.ean], ['line_quantity', '3']]);
    expect(ok.status).toBe(303);
    // The same order number again on the page is a mistake named at its field, and creates nothing.
    const ordersBefore = (await db().select().from(orders)).length;
    const taken = await postForm(m, '/orders', [['external_id', number], ['warehouse', w.warehouse.code], ['seller', w.sellerA.code], ['line_sku', w.product.widget.sku], ['line_quantity', '1']]);
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain(`Order ${number} exists already`);
    expect((await db().select().from(orders)).length).toBe(ordersBefore);
    const page = await (await m.get(ok.headers.get('location')!)).text();
    expect(page).toContain('Allocated');
    expect(page).toContain('A-01-01-1');
    // Ship-by in the past: late on the board.
    const board = await (await m.get(`/orders?late=1&warehouse=${w.warehouse.code}`)).text();
    expect(board).toContain('row-late');
  });

  it('sellers see only their own orders; they cannot pick', async () => {
    const w = await makeWorld(db());
    const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }]);
    const b = await signedIn(app, w.user.sellerB.email);
    expect((await b.get(`/orders/${order.id}`)).status).toBe(404);
    expect(await (await b.get('/orders')).text()).not.toContain(order.externalId);
    const a = await signedIn(app, w.user.sellerA.email);
    expect((await a.get(`/orders/${order.id}`)).status).toBe(200);
    // The status tabs count what the search finds: its order, and none for a search that finds nothing.
    const openCount = (html: string) => /status=open"[^>]*>[^<]*<span class="count">(\d+)</.exec(html)?.[1];
    expect(openCount(await (await a.get(`/orders?q=${encodeURIComponent(order.externalId)}`)).text())).toBe('1');
    expect(openCount(await (await a.get('/orders?q=zzzz-nothing')).text())).toBe('0');
    expect((await a.get('/pick-lists')).status).toBe(403);
    expect((await a.get(`/orders/${order.id}/pack`)).status).toBe(403);
    const other = await signedIn(app, w.user.operatorOther.email);
    expect((await other.get(`/orders/${order.id}`)).status).toBe(404);
  });

  it('pick on the scanner screen: a wrong location is refused in Russian, the right scans pick; short; pack; ship', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 1 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 5 },
    ]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 2 }]);
    const op = await signedIn(app, w.user.operator.email);
    const made = await postForm(op, '/pick-lists', [['warehouse', w.warehouse.code], ['max_orders', '10']]);
    expect(made.status).toBe(303);
    const listUrl = made.headers.get('location')!;
    expect(await (await op.get(listUrl)).text()).toContain(order.externalId);
    let html = await (await op.get(`${listUrl}/pick`)).text();
    const firstTask = /action="\/pick-tasks\/(\d+)\/picks"/.exec(html)![1]!;
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const wrong = await postForm(op, `/pick-tasks/${firstTask}/picks`, [['list', listUrl.split('/').pop()!], ['idempotency_key', hidden(html, 'idempotency_key')], ['location', 'A-99-99-9'], ['scan', w.product.widget.ean], ['quantity', '1']], { htmx: true });
    expect(wrong.status).toBe(409);
    expect(await wrong.text()).toMatch(/Неверная ячейка|ячейк/);
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    // A-01-01-1 holds one: pick it, then the list sends us on.
    const where = /<strong class="code">([^<]+)<\/strong>/.exec(html)![1]!;
    const qty = hidden(html.replace(/id="f-quantity" name="quantity"/, 'name="quantity"'), 'quantity') || '1';
    const picked = await postForm(op, `/pick-tasks/${firstTask}/picks`, [['list', listUrl.split('/').pop()!], ['idempotency_key', hidden(html, 'idempotency_key')], ['location', where], ['scan', w.product.widget.ean], ['quantity', qty]], { htmx: true });
    expect(picked.status).toBe(201);
    html = await picked.text();
    expect(html).toContain('data-result="ok"');
    const [o] = await db().select().from(orders).where(eq(orders.id, order.id));
    expect(['picking', 'picked']).toContain(o!.status);
    // Finish whatever is left.
    const tasks = await db().select().from(pickTasks).where(eq(pickTasks.orderId, order.id));
    for (const t of tasks.filter((x) => x.status === 'open')) {
      const loc = t.locationId === w.loc.a1.id ? 'A-01-01-1' : 'A-01-01-2';
      const res = await postForm(op, `/pick-tasks/${t.id}/picks`, [['list', String(t.pickListId)], ['idempotency_key', `k-${uid()}${uid()}`], ['location', loc], ['scan', w.product.widget.ean], ['quantity', String(t.quantity - t.pickedQty)]], { htmx: true });
      expect(res.status).toBe(201);
    }
    const pack = await (await op.get(`/orders/${order.id}/pack`)).text();
    expect(pack).toContain(w.product.widget.sku);
    expect((await postForm(op, `/orders/${order.id}/pack-scans`, [['scan', w.product.widget.ean]], { htmx: true })).status).toBe(201);
    const unknown = await postForm(op, `/orders/${order.id}/pack-scans`, [['scan', 'NOPE-1']], { htmx: true });
    expect(unknown.status).toBe(409);
    expect((await postForm(op, `/orders/${order.id}/pack-scans`, [['scan', w.product.widget.ean]], { htmx: true })).status).toBe(201);
    expect((await postForm(op, `/orders/${order.id}/pack`, [['weight_kg', '0,8'], ['carrier', 'CDEK'], ['tracking_number', 'TR1']])).status).toBe(303);
    expect((await postForm(op, `/orders/${order.id}/ship`, [])).status).toBe(303);
    expect(await balanceOf(db(), w.loc.customer.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(await (await op.get(`/orders/${order.id}/packing-list`)).text()).toContain('TR1');
  });

  it('a short pick on the scanner screen tells where the rest is found', async () => {
    const w = await makeWorld(db());
    const { order, list, task } = await widgetTaskOnTwoShelves(db(), w);
    const op = await signedIn(app, w.user.operator.email);
    await op.get(`/pick-lists/${list.id}/pick`);
    const res = await postForm(op, `/pick-tasks/${task!.id}/short`, [['list', String(list.id)], ['location', 'A-01-01-1']], { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('A-01-01-2');
  });
  it('a short pick on the page needs the task\'s location label first: refused at the location field, with the error sound, and nothing recorded', async () => {
    const w = await makeWorld(db());
    const { order, list, task } = await widgetTaskOnTwoShelves(db(), w);
    const op = await signedIn(app, w.user.operator.email);
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    for (const [location, status, message] of [['', 422, 'Сначала отсканируйте этикетку ячейки A-01-01-1'], ['A-01-01-2', 409, 'Не та ячейка: вы отсканировали A-01-01-2']] as const) {
      for (const htmx of [true, false]) {
        const res = await postForm(op, `/pick-tasks/${task!.id}/short`, [['list', String(list.id)], ['location', location]], { htmx });
        expect(res.status).toBe(status);
        const html = await res.text();
        expect(html).toMatch(new RegExp(`<small class="error" id="f-location-error" role="alert">${message}`));
        expect(html).toContain('data-result="error"');
        expect(html).toMatch(/id="f-location"[^>]*autofocus/);
      }
    }
    const [still] = await db().select().from(pickTasks).where(eq(pickTasks.id, task!.id));
    expect([still!.status, still!.shortQty]).toEqual(['open', 0]);
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    const [o] = await db().select().from(orders).where(eq(orders.id, order.id));
    expect(o!.status).toBe('picking');
  });

  it('a location label is checked as soon as it is scanned: a wrong one is refused at once, at its field; the right one answers nothing', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 }]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 2 }]);
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    const op = await signedIn(app, w.user.operator.email);
    const page = await (await op.get(`/pick-lists/${list.id}/pick`)).text();
    // The location field asks the page itself as soon as its value changes (a scanner's Enter).
    expect(page).toContain(`hx-get="/pick-lists/${list.id}/pick?task=${task!.id}"`);
    const wrong = await op.get(`/pick-lists/${list.id}/pick?task=${task!.id}&location=A-01-01-2`, { htmx: true });
    expect(wrong.status).toBe(409);
    const html = await wrong.text();
    expect(html).toMatch(/^<form id="pick-form"/);
    expect(html).toContain('data-result="error"');
    expect(html).toContain('<small class="error" id="f-location-error" role="alert">Не та ячейка: вы отсканировали A-01-01-2, задание — в A-01-01-1.</small>');
    expect(html).toMatch(/id="f-location"[^>]*autofocus/);
    expect(html).not.toMatch(/id="f-scan"[^>]*autofocus/);
    for (const right of ['A-01-01-1', 'a-01-01-1', ']C1A-01-01-1', '']) {
      const ok = await op.get(`/pick-lists/${list.id}/pick?task=${task!.id}&location=${encodeURIComponent(right)}`, { htmx: true });
      expect(ok.status).toBe(204);
    }
    // Another list's task, or one that is not a task at all: not found; another warehouse's operator: not found.
    expect((await op.get(`/pick-lists/${list.id}/pick?task=2147483000&location=A-01-01-1`, { htmx: true })).status).toBe(404);
    const other = await signedIn(app, w.user.operatorOther.email);
    expect([403, 404]).toContain((await other.get(`/pick-lists/${list.id}/pick?task=${task!.id}&location=A-01-01-2`, { htmx: true })).status);
    const [still] = await db().select().from(pickTasks).where(eq(pickTasks.id, task!.id));
    expect(still!.status).toBe('open');
  });

  it('the scanner screens show the scanned code as it was scanned, and a lot\'s expiry in the user\'s locale; a lot task asks for the lot', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 5 }]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.icecream.sku, quantity: 2 }]);
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    const op = await signedIn(app, w.user.operator.email);
    const page = await (await op.get(`/pick-lists/${list.id}/pick`)).text();
    expect(page).toContain('id="f-lot" name="lot"');
    const pick = (pairs: [string, string][]) => postForm(op, `/pick-tasks/${task!.id}/picks`, [['list', String(list.id)], ['idempotency_key', `k-${uid()}${uid()}`], ['location', 'F-01-01-1'], ['quantity', '1'], ...pairs], { htmx: true });
    const garbage = await (await pick([['scan', 'garbage']])).text();
    expect(garbage).toContain('«garbage» — не товар этого задания');
    expect(garbage).not.toContain('Garbage');
    // A plain EAN: the lot is asked for at its field; the location and the item stay filled in.
    const plain = await pick([['scan', w.product.icecream.ean]]);
    expect(plain.status).toBe(422);
    const plainHtml = await plain.text();
    expect(plainHtml).toMatch(/<small class="error" id="f-lot-error" role="alert">По заданию нужна определённая партия/);
    expect(plainHtml).toMatch(/id="f-lot"[^>]*autofocus/);
    expect(plainHtml).toContain(`value="${w.product.icecream.ean}"`);
    expect(plainHtml).toContain('value="F-01-01-1"');
    const wrongLot = await (await pick([['scan', w.product.icecream.ean], ['lot', 'NOPE']])).text();
    expect(wrongLot).toContain(`Не та партия NOPE: по заданию нужна партия ${w.lot.ice.code} со сроком годности до 30.06.2031.`);
    expect(wrongLot).not.toContain('2031-06-30.');
    const wrongExpiry = await (await pick([['scan', `01${'0' + w.product.icecream.ean}17301231` + `10${w.lot.ice.code}`]])).text();
    expect(wrongExpiry).toContain('Не та партия 31.12.2030');
    expect(await balanceOf(db(), w.loc.frozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 5, reserved: 2 });
    expect((await pick([['scan', w.product.icecream.ean], ['lot', w.lot.ice.code]])).status).toBe(201);
  });

  it('packing: a scanned code is shown as scanned; a refused weight keeps the focus on the weight; shipping asks first and the order page says it shipped', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 }]);
    const { order } = await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }]);
    const { list } = await createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
    const [task] = await db().select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
    const op = await signedIn(app, w.user.operator.email);
    await op.get(`/orders/${order.id}/pack`);
    expect((await postForm(op, `/pick-tasks/${task!.id}/picks`, [['list', String(list.id)], ['idempotency_key', `k-${uid()}${uid()}`], ['location', 'A-01-01-1'], ['scan', w.product.widget.ean], ['quantity', '1']], { htmx: true })).status).toBe(201);
    const zzz = await postForm(op, `/orders/${order.id}/pack-scans`, [['scan', 'zzz']], { htmx: true });
    expect(zzz.status).toBe(409);
    const zzzHtml = await zzz.text();
    expect(zzzHtml).toContain('«zzz» нет в этом заказе.');
    expect(zzzHtml).not.toContain('Zzz');
    expect((await postForm(op, `/orders/${order.id}/pack-scans`, [['scan', w.product.widget.ean]], { htmx: true })).status).toBe(201);
    for (const weight of ['abc', '0', '-1']) {
      const res = await postForm(op, `/orders/${order.id}/pack`, [['weight_kg', weight], ['carrier', 'CDEK'], ['tracking_number', 'TR9']]);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toMatch(/<input id="f-weight_kg" name="weight_kg" value="[^"]*"[^>]*autofocus/);
      expect(html).not.toMatch(/id="f-scan"[^>]*autofocus/);
      expect(html).toContain('id="f-weight_kg-error"');
    }
    expect((await postForm(op, `/orders/${order.id}/pack`, [['weight_kg', '0,5'], ['carrier', 'CDEK'], ['tracking_number', 'TR9']])).status).toBe(303);
    const packed = await (await op.get(`/orders/${order.id}/pack`)).text();
    expect(packed).toContain(`data-confirm="Отгрузить заказ ${order.externalId}?`);
    // Before shipping, the notice in the address says nothing.
    expect(await (await op.get(`/orders/${order.id}?done=shipped`)).text()).not.toContain('отгружен.');
    const shipped = await postForm(op, `/orders/${order.id}/ship`, []);
    expect(shipped.status).toBe(303);
    expect(shipped.headers.get('location')).toBe(`/orders/${order.id}?done=shipped`);
    const after = await (await op.get(shipped.headers.get('location')!)).text();
    expect(after).toContain(`<div class="alert alert-ok" role="status">Заказ ${order.externalId} отгружен.</div>`);
  });

  it('a pick list is assigned to a picker of its warehouse, never to someone from elsewhere', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    await makeOrder(db(), w, [{ sku: w.product.widget.sku, quantity: 1 }]);
    const m = await signedIn(app, w.user.manager.email);
    const page = await (await m.get(`/pick-lists?warehouse=${w.warehouse.code}`)).text();
    expect(page).toContain(`value="${w.user.operator.id}"`);
    const refused = await postForm(m, '/pick-lists', [['warehouse', w.warehouse.code], ['assign_to', String(w.user.operatorOther.id)]]);
    expect(refused.status).toBe(422);
    const made = await postForm(m, '/pick-lists', [['warehouse', w.warehouse.code], ['assign_to', String(w.user.operator.id)]]);
    expect(made.status).toBe(303);
    const lists = await (await m.get(`/pick-lists?warehouse=${w.warehouse.code}`)).text();
    expect(lists).toContain(w.user.operator.name);
  });
});

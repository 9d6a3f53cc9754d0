import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { adjustments, cycleCounts, warehouses } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock, uid, type World } from '../helpers/world.ts';
import type { App } from '../../src/app.tsx';

const location = (res: Response) => res.headers.get('location') ?? '';

describe.each(backends)('count and adjustment pages on %s', (backend) => {
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
  const as = (w: World, who: keyof World['user']) => signedIn(app, w.user[who].email);

  it('a manager creates a count on the form, the operator counts it blind on the scanner, the manager approves', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const manager = await as(w, 'manager');
    expect((await manager.get('/counts/new')).status).toBe(200);
    const bad = await manager.post('/counts', { warehouse: w.warehouse.code, scope: 'range', from_code: 'A-01-01-2', to_code: 'A-01-01-1', recount_above: '0' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('The last location must come after the first.');
    const bad2 = await manager.post('/counts', { warehouse: w.warehouse.code, scope: 'range', from_code: 'A-01-01-1', to_code: 'A-01-01-2', recount_above: 'x' });
    expect(bad2.status).toBe(422);
    expect(await bad2.text()).toContain('A whole number of units, 0 or more.');
    const created = await manager.post('/counts', { warehouse: w.warehouse.code, scope: 'range', from_code: 'A-01-01-1', to_code: 'A-01-01-2', recount_above: '0' });
    expect(created.status).toBe(303);
    const countPath = location(created);
    const id = Number(countPath.split('/').pop());

    // The operator's screens are in Russian and never show the expected quantity.
    const operator = await as(w, 'operator');
    const start = await operator.get(`/counts/${id}/count`);
    const startHtml = await start.text();
    expect(startHtml).toContain('Отсканируйте ячейку');
    expect(startHtml).toContain('A-01-01-1');
    const wrong = await operator.post(`/counts/${id}/open`, { location: 'R-01-01-1' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('R-01-01-1 не входит в эту инвентаризацию.');
    const opened = await operator.post(`/counts/${id}/open`, { location: 'A-01-01-1' });
    expect(opened.status).toBe(303);
    const placePath = location(opened);
    const placePage = await (await operator.get(placePath)).text();
    expect(placePage).not.toMatch(/>\s*10\s*</);
    const keyOf = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)![1]!;
    const scan = { scan: w.product.widget.ean, quantity: '7', lot: '', idempotency_key: keyOf(placePage) };
    const counted = await operator.post(`${placePath}/scans`, scan);
    // Post/Redirect/Get: the scanner loads the location's page with what the scan counted.
    expect(counted.status).toBe(303);
    expect(location(counted)).toBe(`${placePath}?counted=${w.product.widget.sku}&units=7`);
    // The same scan sent again (a double Enter): counted once, and answered with the first scan's result.
    const repeat = await operator.post(`${placePath}/scans`, scan);
    expect(location(repeat)).toBe(`${placePath}?counted=${w.product.widget.sku}&units=7&replayed=1`);
    const countedHtml = await (await operator.get(location(counted))).text();
    expect(countedHtml).toContain('data-result="ok"');
    expect(countedHtml).toContain(w.product.widget.sku);
    expect(countedHtml).toMatch(/class="pl-count">7</);
    expect(keyOf(countedHtml)).not.toBe(scan.idempotency_key);
    const badScan = await operator.post(`${placePath}/scans`, { scan: w.product.widget.ean, quantity: '0', lot: '', idempotency_key: keyOf(countedHtml) });
    expect(badScan.status).toBe(422);
    expect(await badScan.text()).toContain('Количество должно быть целым числом больше нуля.');
    const finished = await operator.post(`${placePath}/finish`, {});
    expect(location(finished)).toContain('outcome=recount');
    const again = await (await operator.get(placePath)).text();
    expect(again).toContain('Повторный подсчёт');
    await operator.post(`${placePath}/scans`, { scan: w.product.widget.sku, quantity: '8', lot: '', idempotency_key: keyOf(again) });
    expect(location(await operator.post(`${placePath}/finish`, {}))).toContain('outcome=counted');
    const a2 = location(await operator.post(`/counts/${id}/open`, { location: 'A-01-01-2' }));
    await operator.post(`${a2}/finish`, {});
    const operatorView = await (await operator.get(`/counts/${id}`)).text();
    expect(operatorView).not.toContain('id="variances"');
    expect((await operator.post(`/counts/${id}/approve`, {})).status).toBe(403);

    const review = await (await manager.get(`/counts/${id}`)).text();
    expect(review).toContain('id="variances"');
    expect(review).toMatch(/−2|-2/);
    expect(review).toContain('first count 7');
    const approved = await manager.post(`/counts/${id}/approve`, {});
    expect(location(approved)).toBe(`/counts/${id}?done=approved`);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 8, reserved: 0 });
    expect((await db().select().from(cycleCounts).where(eq(cycleCounts.id, id)))[0]!.status).toBe('approved');
    const again2 = await manager.post(`/counts/${id}/approve`, {});
    expect(again2.status).toBe(409);
    expect(await again2.text()).toContain('Already decided.');
    const list = await (await manager.get(`/adjustments?warehouse=${w.warehouse.code}&reason=count`)).text();
    expect(list).toContain(`/counts/${id}`);
    // The ledger names the count and links to it.
    const ledger = await (await manager.get(`/ledger?warehouse=${w.warehouse.code}&reason=count`)).text();
    expect(ledger).toContain(`Cycle count <a class="code" href="/counts/${id}">${id}</a>`);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('the count scan: htmx gets the result, form and list in place; a plain form a 303 that keeps the lot; errors re-render the form', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const manager = await as(w, 'manager');
    const id = Number(location(await manager.post('/counts', { warehouse: w.warehouse.code, scope: 'range', from_code: 'A-01-01-1', to_code: 'A-01-01-1', recount_above: '0' })).split('/').pop());
    const operator = await as(w, 'operator');
    const placePath = location(await operator.post(`/counts/${id}/open`, { location: 'A-01-01-1' }));
    const keyOf = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)![1]!;
    const page = await (await operator.get(placePath)).text();
    const scan = { scan: w.product.widget.sku, quantity: '3', lot: '', idempotency_key: keyOf(page) };
    const part = await operator.post(`${placePath}/scans`, scan, { htmx: true });
    expect(part.status).toBe(200);
    expect(part.headers.get('vary')).toContain('HX-Request');
    const partHtml = await part.text();
    expect(partHtml.startsWith('<div id="count-item"')).toBe(true);
    expect(partHtml).toContain('data-result="ok"');
    expect(partHtml).toMatch(/class="pl-count">3</);
    expect(keyOf(partHtml)).not.toBe(scan.idempotency_key);
    // The same scan as a plain form: nothing more counted, sent to the page.
    const plain = await operator.post(`${placePath}/scans`, scan);
    expect(plain.status).toBe(303);
    expect(await (await operator.get(location(plain))).text()).toMatch(/class="pl-count">3</);
    // A refused scan re-renders the form with the message at its field (the page, or the part for htmx).
    const bad = await operator.post(`${placePath}/scans`, { ...scan, quantity: 'x', idempotency_key: keyOf(partHtml) });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('id="f-quantity-error"');
    const badPart = await operator.post(`${placePath}/scans`, { ...scan, scan: 'NO-SUCH-ITEM', idempotency_key: keyOf(partHtml) }, { htmx: true });
    expect(badPart.status).toBe(422);
    const badPartHtml = await badPart.text();
    expect(badPartHtml.startsWith('<div id="count-item"')).toBe(true);
    expect(badPartHtml).toContain('id="f-scan-error"');
    // The lot of a scan stays for the next one: the redirect carries it, the page fills it in.
    expect(await (await operator.get(`${placePath}?counted=${w.product.widget.sku}&units=1&lot=L-7`)).text()).toContain('name="lot" value="L-7"');
  });

  it('adjustments on the page: a small one posts, a large one waits and the manager approves it; bad input changes nothing', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 40 }]);
    const operator = await as(w, 'operator');
    const form = await (await operator.get('/adjustments/new')).text();
    const keyOf = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)![1]!;
    const fields = (extra: Record<string, string>, html: string) => ({ warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.ean, lot: '', direction: 'remove', quantity: '3', reason: 'damaged', note: '', idempotency_key: keyOf(html), ...extra });
    const small = await operator.post('/adjustments', fields({}, form));
    expect(small.status).toBe(200);
    const smallHtml = await small.text();
    expect(smallHtml).toContain('Проведено.');
    // Entered by barcode, confirmed by SKU.
    expect(smallHtml).toContain(w.product.widget.sku);
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const bad = await operator.post('/adjustments', fields({ reason: 'found', quantity: '1000' }, smallHtml));
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Причина не подходит');
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    const big = await operator.post('/adjustments', fields({ quantity: '25', reason: 'lost', note: 'не найдено' }, badHtml));
    expect(await big.text()).toContain('Ждёт утверждения менеджера.');
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    const [pending] = await db().select().from(adjustments).where(eq(adjustments.status, 'pending')).then((rows) => rows.filter((r) => r.warehouseId === w.warehouse.id));
    // Operators see the adjustment but cannot decide it.
    const opList = await (await operator.get('/adjustments')).text();
    expect(opList).toContain(`data-adjustment="${pending!.id}"`);
    expect(opList).not.toContain(`/adjustments/${pending!.id}/decision`);
    expect((await operator.post(`/adjustments/${pending!.id}/decision`, { decision: 'approve' })).status).toBe(403);
    const manager = await as(w, 'manager');
    expect(await (await manager.get('/adjustments?status=pending')).text()).toContain(`/adjustments/${pending!.id}/decision`);
    expect(location(await manager.post(`/adjustments/${pending!.id}/decision`, { decision: 'approve', note: 'ok' }))).toBe('/adjustments?done=approve');
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 12, reserved: 0 });
    // The ledger says which kind of adjustment each was.
    const ledger = await (await manager.get(`/ledger?warehouse=${w.warehouse.code}&reason=adjustment`)).text();
    expect(ledger).toContain('Adjustment<small class="muted"> · Damaged</small>');
    expect(ledger).toContain(`Adjustment <span class="code">${pending!.id}</span>`);
    // The threshold is the manager's to set.
    expect((await operator.post('/adjustments/threshold', { warehouse: w.warehouse.code, units: '100' })).status).toBe(403);
    const negative = await manager.post('/adjustments/threshold', { warehouse: w.warehouse.code, units: '-5' });
    expect(negative.status).toBe(422);
    // The message is at the warehouse's field, which keeps what was typed.
    const negativeHtml = await negative.text();
    expect(negativeHtml).toContain(`id="f-units-${w.warehouse.code}-error"`);
    expect(negativeHtml).toMatch(new RegExp(`id="f-units-${w.warehouse.code}" name="units" value="-5"`));
    // A blank threshold is refused, not saved as 0.
    expect((await manager.post('/adjustments/threshold', { warehouse: w.warehouse.code, units: ' ' })).status).toBe(422);
    expect((await db().select().from(warehouses).where(eq(warehouses.id, w.warehouse.id)))[0]!.adjustmentApprovalUnits).not.toBe(0);
    expect(location(await manager.post('/adjustments/threshold', { warehouse: w.warehouse.code, units: '100' }))).toBe('/adjustments?done=threshold');
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('sellers, strangers and other warehouses get no counts or adjustments', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 4 }]);
    const manager = await as(w, 'manager');
    const id = Number(location(await manager.post('/counts', { warehouse: w.warehouse.code, scope: 'product', product: w.product.widget.sku, recount_above: '0' })).split('/').pop());
    expect(id).toBeGreaterThan(0);
    const seller = await as(w, 'sellerA');
    for (const path of ['/counts', `/counts/${id}`, '/adjustments', '/adjustments/new']) expect((await seller.get(path)).status).toBe(403);
    expect((await seller.post('/adjustments', { warehouse: w.warehouse.code, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'remove', quantity: '1', reason: 'lost', idempotency_key: `k-${uid()}` })).status).toBe(403);
    const other = await as(w, 'operatorOther');
    expect((await other.get(`/counts/${id}`)).status).toBe(404);
    expect((await other.get(`/counts/${id}/count`)).status).toBe(404);
    expect(await (await other.get('/counts')).text()).not.toContain(`/counts/${id}"`);
    expect((await other.get('/counts/new')).status).toBe(403);
    const anon = await app.request('http://localhost/counts');
    expect([302, 303]).toContain(anon.status);
    expect((await manager.get('/counts/999999999')).status).toBe(404);
    expect((await manager.get('/counts/99999999999999')).status).toBe(404);
  });
});

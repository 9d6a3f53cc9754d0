import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { verifyLedger } from '../../src/stock/index.ts';
import { productBarcodes } from '../../src/db/schema/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock, type World } from '../helpers/world.ts';

describe.each(backends)('pages on %s', (backend) => {
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

  async function stocked(): Promise<World> {
    const w = await makeWorld(database.db);
    await stock(database.db, w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 40 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 12 },
      { productId: w.product.gadget.id, locationId: w.loc.a2.id, quantity: 9 },
    ]);
    return w;
  }

  describe('inventory', () => {
    it('lists stock, and its totals bar loads the totals; htmx gets only the results fragment', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      const page = await m.get(`/inventory?warehouse=${w.warehouse.code}`);
      const html = await page.text();
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(page.headers.get('vary')).toContain('HX-Request');
      for (const sku of [w.product.widget.sku, w.product.kefir.sku, w.product.gadget.sku]) expect(html).toContain(sku);
      expect(html).toContain(`hx-get="/inventory/totals?warehouse=${w.warehouse.code}" hx-trigger="load"`);
      const totals = await (await m.get(`/inventory/totals?warehouse=${w.warehouse.code}`, { htmx: true })).text();
      expect(totals).toMatch(/On hand: <strong data-total="on-hand">61<\/strong>/);
      expect(totals.startsWith('<div class="totals" id="inventory-totals">')).toBe(true);
      // The pager swapped in with the totals is the one of the same view; another view's answer matches none.
      const pagerOf = (h: string) => /id="(inventory-pager-[a-z0-9]+)"/.exec(h)?.[1];
      expect(pagerOf(totals)).toBe(pagerOf(html));
      expect(pagerOf(await (await m.get(`/inventory/totals?warehouse=${w.warehouse.code}&page=2`, { htmx: true })).text())).not.toBe(pagerOf(html));
      const frag = await m.get(`/inventory?warehouse=${w.warehouse.code}`, { htmx: true });
      const fragHtml = await frag.text();
      expect(fragHtml.startsWith('<section id="inventory-results"')).toBe(true);
      expect(fragHtml).not.toContain('<html');
      // A history restore asks for the whole page again.
      const restore = await m.get(`/inventory?warehouse=${w.warehouse.code}`, { htmx: true, headers: { 'HX-History-Restore-Request': 'true' } });
      expect((await restore.text()).startsWith('<!DOCTYPE html>')).toBe(true);
    });

    it('finds a product by its scanned barcode, SKU, name or a location label', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      for (const q of [w.product.widget.ean, `]E0${w.product.widget.ean}`, `0${w.product.widget.ean}`, w.product.widget.sku, 'widget charger']) {
        const html = await (await m.get(`/inventory?warehouse=${w.warehouse.code}&q=${encodeURIComponent(q)}`)).text();
        expect(html).toContain(w.product.widget.sku);
        expect(html).not.toContain(w.product.gadget.sku);
      }
      const byLocation = await (await m.get(`/inventory?warehouse=${w.warehouse.code}&q=a-01-01-2`)).text();
      expect(byLocation).toContain(w.product.gadget.sku);
      expect(byLocation).not.toContain(w.product.widget.sku);
    });

    it('says what is wrong with a scan that is not a valid barcode', async () => {
      const w = await stocked();
      const op = await signedIn(app, w.user.operator.email);
      const ean = w.product.widget.ean;
      const wrong = ean.slice(0, 12) + String((Number(ean[12]) + 1) % 10);
      const html = await (await op.get(`/inventory?q=${wrong}`)).text();
      expect(html).toContain('контрольная цифра');
      expect(html).toContain(ean[12]!);
      const gs1 = await (await op.get(`/inventory?q=${encodeURIComponent(`]C101${'0' + ean}17261331`)}`)).text();
      expect(gs1).toContain('(17)');
    });

    it('filters by temperature class, groups by product and exports the view as CSV', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      const chilled = await (await m.get(`/inventory?warehouse=${w.warehouse.code}&class=chilled`)).text();
      expect(chilled).toContain(w.product.kefir.sku);
      expect(chilled).not.toContain(w.product.widget.sku);
      const byProduct = await (await m.get(`/inventory?warehouse=${w.warehouse.code}&by=product`)).text();
      expect(byProduct).toContain(w.product.kefir.sku);
      const csv = await m.get(`/inventory.csv?warehouse=${w.warehouse.code}&class=chilled`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(w.product.kefir.sku);
      expect(lines[1]).toContain(w.lot.kefir.code);
      expect(lines[1]).toContain('2030-01-31');
      expect(lines[1]).toContain(',Chilled,');
      // The temperature class is named in the user's language, as on the page.
      const op = await signedIn(app, w.user.operator.email);
      const ru = (await (await op.get(`/inventory.csv?warehouse=${w.warehouse.code}&class=chilled`)).text()).trim().split('\n');
      // … with semicolons between fields, as Excel set to Russian reads them.
      expect(ru[1]).toContain(';Охлаждение;');
      expect(ru[1]).not.toContain('chilled');
    });

    it('pages through many rows', async () => {
      const w = await makeWorld(database.db);
      await stock(database.db, w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 1 }]);
      const m = await signedIn(app, w.user.manager.email);
      const html = await (await m.get(`/inventory?warehouse=${w.warehouse.code}&page=99`)).text();
      expect(html).toContain(w.product.widget.sku);
    });

    it('a bad filter value is a clear 422, in the user’s language', async () => {
      const w = await stocked();
      const op = await signedIn(app, w.user.operator.email);
      const res = await op.get('/inventory?class=lukewarm');
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('Недопустимое значение фильтра');
    });
  });

  describe('product, location and ledger pages', () => {
    it('the stock card shows balances now and the history that made them', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      const html = await (await m.get(`/products/${w.product.kefir.id}`)).text();
      expect(html).toContain(w.product.kefir.ean);
      expect(html).toContain('R-01-01-1');
      expect(html).toContain(w.lot.kefir.code);
      expect(html).toContain('Receipt');
      expect((await m.get('/products/999999999')).status).toBe(404);
      expect((await m.get('/products/abc')).status).toBe(404);
    });

    it('the location page lists what it holds', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      const html = await (await m.get(`/locations/${w.loc.chilled.id}`)).text();
      expect(html).toContain(w.product.kefir.sku);
      expect(html).toContain('Cold slot');
    });

    it('the ledger filters by warehouse, product, reason and date', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      const all = await (await m.get(`/ledger?warehouse=${w.warehouse.code}`)).text();
      expect(all).toContain(w.product.widget.sku);
      const byProduct = await (await m.get(`/ledger?warehouse=${w.warehouse.code}&q=${w.product.kefir.ean}`)).text();
      expect(byProduct).toContain(w.product.kefir.sku);
      expect(byProduct).not.toContain(w.product.widget.sku);
      expect(await (await m.get(`/ledger?warehouse=${w.warehouse.code}&reason=ship`)).text()).not.toContain(w.product.widget.sku);
      const today = new Date().toISOString().slice(0, 10);
      expect(await (await m.get(`/ledger?warehouse=${w.warehouse.code}&since=${today}`)).text()).toContain(w.product.widget.sku);
      expect(await (await m.get(`/ledger?warehouse=${w.warehouse.code}&until=2020-01-01`)).text()).not.toContain(w.product.widget.sku);
      expect((await m.get('/ledger?since=yesterday')).status).toBe(422);
    });

    it('warehouses show their zones and local time', async () => {
      const w = await stocked();
      const m = await signedIn(app, w.user.manager.email);
      const html = await (await m.get('/warehouses')).text();
      expect(html).toContain(w.warehouse.code);
      expect(html).toContain('Europe/Moscow');
    });
  });

  describe('moving stock', () => {
    it('moves by barcode and location codes; a repeated submit moves once', async () => {
      const w = await stocked();
      const op = await signedIn(app, w.user.operator.email);
      await op.get('/moves/new');
      const form = { warehouse: w.warehouse.code, product: w.product.widget.ean, from: 'a-01-01-1', to: 'A-01-01-2', quantity: '5', idempotency_key: `move-${w.warehouse.code}` };
      const res = await op.post('/moves', form, { htmx: true });
      expect(res.status).toBe(201);
      expect(await res.text()).toContain('data-result="ok"');
      const again = await op.post('/moves', form, { htmx: true });
      expect(again.status).toBe(201);
      // The same key with another move (a form sent back after it was changed) is refused.
      for (const other of [{ quantity: '6' }, { to: 'A-01-01-1', from: 'A-01-01-2' }]) {
        const changed = await op.post('/moves', { ...form, ...other }, { htmx: true });
        expect(changed.status, JSON.stringify(other)).toBe(409);
        // The form comes back with a fresh key: the next scan is not refused again.
        const next = /name="idempotency_key" value="([^"]+)"/.exec(await changed.text())?.[1];
        expect(next).toBeTruthy();
        expect(next).not.toBe(form.idempotency_key);
      }
      expect(await balanceOf(database.db, w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 0 });
      expect(await balanceOf(database.db, w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 35, reserved: 0 });
    });

    it('a case barcode moves whole cases', async () => {
      const w = await stocked();
      await database.db.insert(productBarcodes).values({ productId: w.product.widget.id, sellerId: w.sellerA.id, code: `1${w.product.widget.ean.slice(0, 12)}9`, kind: 'gtin14', units: 6 });
      const op = await signedIn(app, w.user.operator.email);
      await op.get('/moves/new');
      const form = { warehouse: w.warehouse.code, product: `1${w.product.widget.ean.slice(0, 12)}9`, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '2', idempotency_key: `case-${w.warehouse.code}` };
      const res = await op.post('/moves', form, { htmx: true });
      expect(res.status).toBe(201);
      expect(await balanceOf(database.db, w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 12, reserved: 0 });
      // Sent again (a lost answer): the same answer, cases and all, and nothing moves.
      const again = await op.post('/moves', form, { htmx: true });
      expect(again.status).toBe(201);
      // "(2 cases of 6)" in the operator's language, the first time and again.
      const cases = (html: string) => /<small> \((2 [^)]*6[^)]*)\)<\/small>/.exec(html)?.[1];
      const firstHtml = await res.text();
      const first = cases(firstHtml);
      expect(first, /<div class="alert[\s\S]*?<\/div>/.exec(firstHtml)?.[0]).toBeTruthy();
      expect(cases(await again.text())).toBe(first);
      expect(await balanceOf(database.db, w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 12, reserved: 0 });
    });

    it('a tracked product takes the only lot in the location when none is typed', async () => {
      const w = await stocked();
      const op = await signedIn(app, w.user.operator.email);
      await op.get('/moves/new');
      const res = await op.post('/moves', { warehouse: w.warehouse.code, product: w.product.kefir.sku, from: 'R-01-01-1', to: 'R-01-01-2', quantity: '2', idempotency_key: `lot-${w.warehouse.code}` });
      expect(res.status).toBe(201);
      expect(await balanceOf(database.db, w.loc.chilled2.id, w.product.kefir.id, w.lot.kefir.id)).toEqual({ onHand: 2, reserved: 0 });
    });

    it('a repeat after the stock has gone still returns the first result', async () => {
      const w = await makeWorld(database.db);
      await stock(database.db, w, [{ productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 4 }]);
      const op = await signedIn(app, w.user.operator.email);
      await op.get('/moves/new');
      const form = { warehouse: w.warehouse.code, product: w.product.kefir.ean, from: 'R-01-01-1', to: 'R-01-01-2', quantity: '4', idempotency_key: `all-${w.warehouse.code}` };
      expect((await op.post('/moves', form, { htmx: true })).status).toBe(201);
      const again = await op.post('/moves', form, { htmx: true });
      expect(again.status).toBe(201);
      expect(await again.text()).toContain('data-result="ok"');
      expect(await balanceOf(database.db, w.loc.chilled2.id, w.product.kefir.id, w.lot.kefir.id)).toEqual({ onHand: 4, reserved: 0 });
    });

    it('the lot may be named by its expiry date', async () => {
      const w = await stocked();
      const op = await signedIn(app, w.user.operator.email);
      await op.get('/moves/new');
      const res = await op.post('/moves', { warehouse: w.warehouse.code, product: w.product.kefir.sku, lot: '2030-01-31', from: 'R-01-01-1', to: 'R-01-01-2', quantity: '1', idempotency_key: `exp-${w.warehouse.code}` });
      expect(res.status).toBe(201);
    });

    describe('bad input: a clear message in the user’s language, next to the field, nothing written', () => {
      const cases: [string, (w: World) => Record<string, string>, number, string][] = [
        ['quantity 0', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '0' }), 422, 'Количество'],
        ['quantity 1.5', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1.5' }), 422, 'Количество'],
        ['quantity text', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'A-01-01-2', quantity: 'abc' }), 422, 'Количество'],
        ['unknown product', () => ({ product: '4600000000000', from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1' }), 422, '4600000000000'],
        ['a GS1 scan with an impossible expiry date', (w) => ({ product: `]C101${'0' + w.product.widget.ean}17250230`, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1' }), 422, 'Дата'],
        ['unknown location', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'Z-99', quantity: '1' }), 422, 'Z-99'],
        ['wrong temperature class', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'F-01-01-1', quantity: '1' }), 422, 'F-01-01-1'],
        ['more than available', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '41' }), 409, '40'],
        ['into the supplier', (w) => ({ product: w.product.widget.ean, from: 'A-01-01-1', to: 'SUPPLIER', quantity: '1' }), 422, 'SUPPLIER'],
      ];
      it.each(cases)('%s', async (_name, fields, status, text) => {
        const w = await stocked();
        const op = await signedIn(app, w.user.operator.email);
        await op.get('/moves/new');
        const before = await stockFingerprint(database.db, [w.warehouse.id, w.other.id]);
        const res = await op.post('/moves', { warehouse: w.warehouse.code, idempotency_key: `bad-${w.warehouse.code}`, ...fields(w) }, { htmx: true });
        expect(res.status).toBe(status);
        const html = await res.text();
        expect(html).toContain('data-result="error"');
        expect(html).toContain('role="alert"');
        expect(html).toContain(text);
        expect(await stockFingerprint(database.db, [w.warehouse.id, w.other.id])).toBe(before);
      });

      it('works as a plain form post too (no htmx): the whole page with the message', async () => {
        const w = await stocked();
        const op = await signedIn(app, w.user.operator.email);
        await op.get('/moves/new');
        const res = await op.post('/moves', { warehouse: w.warehouse.code, idempotency_key: 'plain-1', product: w.product.widget.ean, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '-3' });
        expect(res.status).toBe(422);
        const html = await res.text();
        expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
        expect(html).toContain('Количество');
      });
    });
  });

  it.each([
    ['/inventory?q=%00', 400],
    ['/ledger?q=a%00b', 400],
    ['/ledger?since=2024-02-30', 422],
    ['/ledger?since=0000-01-01', 422],
    ['/api/v1/ledger?until=2023-02-29', 422],
    [`/api/v1/stock?cursor=${Buffer.from('p999999999999999').toString('base64url')}`, 422],
    ['/products/99999999999', 404],
  ])('%s is a clear %s, never a 500', async (path, status) => {
    const w = await makeWorld(database.db);
    const m = await signedIn(app, w.user.manager.email);
    expect((await m.get(path)).status).toBe(status);
  });

  it('health check answers with the database', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves htmx and the stylesheet from our own origin', async () => {
    const htmx = await app.request('/static/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(await htmx.text()).toContain('htmx');
    expect((await app.request('/static/app.css')).headers.get('content-type')).toContain('text/css');
    expect((await app.request('/static/nope.js')).status).toBe(404);
  });
});

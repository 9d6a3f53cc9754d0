import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock, type World } from '../helpers/world.ts';
import type { App } from '../../src/app.tsx';

type Items = { items: Record<string, unknown>[]; next_cursor: string | null };

describe.each(backends)('who sees what on %s', (backend) => {
  let database: Database;
  let app: App;
  let w: World;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
    w = await makeWorld(database.db);
    await stock(database.db, w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 },
      { productId: w.product.gadget.id, locationId: w.loc.a1.id, quantity: 7 },
      { productId: w.product.gadget.id, locationId: w.loc.otherA1.id, quantity: 3 },
    ]);
  });
  afterAll(() => database.close());

  it('anonymous visitors are sent to sign in; the API answers 401 problem+json', async () => {
    const c = new Client(app);
    const page = await c.get('/inventory?warehouse=MSK');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Finventory%3Fwarehouse%3DMSK');
    const frag = await c.get('/inventory', { htmx: true });
    expect(frag.headers.get('HX-Redirect')).toMatch(/^\/login/);
    for (const path of ['/api/v1/warehouses', '/api/v1/products', '/api/v1/stock', '/api/v1/ledger']) {
      const res = await c.get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 401, title: 'UNAUTHENTICATED' });
    }
    for (const path of ['/products/1', '/locations/1', '/ledger', '/warehouses', '/moves/new', '/inventory.csv']) expect((await c.get(path)).status).toBe(303);
  });

  describe('a seller sees only their own products, everywhere', () => {
    it('inventory page, fragment and CSV', async () => {
      const a = await signedIn(app, w.user.sellerA.email);
      for (const path of [`/inventory?warehouse=${w.warehouse.code}`, `/inventory?warehouse=${w.warehouse.code}&seller=${w.sellerB.code}`, `/inventory?q=${w.product.gadget.ean}`, `/inventory.csv?warehouse=${w.warehouse.code}`]) {
        const body = await (await a.get(path)).text();
        expect(body).not.toContain(w.product.gadget.sku);
      }
      expect(await (await a.get(`/inventory?warehouse=${w.warehouse.code}`)).text()).toContain(w.product.widget.sku);
      expect(await (await a.get(`/inventory.csv?warehouse=${w.warehouse.code}`)).text()).toContain(w.product.widget.sku);
    });

    it("another seller's product answers 404, and a shared location shows only their own goods", async () => {
      const a = await signedIn(app, w.user.sellerA.email);
      expect((await a.get(`/products/${w.product.gadget.id}`)).status).toBe(404);
      expect((await a.get(`/products/${w.product.widget.id}`)).status).toBe(200);
      const loc = await (await a.get(`/locations/${w.loc.a1.id}`)).text();
      expect(loc).toContain(w.product.widget.sku);
      expect(loc).not.toContain(w.product.gadget.sku);
      const ledger = await (await a.get(`/ledger?warehouse=${w.warehouse.code}`)).text();
      expect(ledger).toContain(w.product.widget.sku);
      expect(ledger).not.toContain(w.product.gadget.sku);
    });

    it('a location without any of their goods, now or before, is not found', async () => {
      const a = await signedIn(app, w.user.sellerA.email);
      expect((await a.get(`/locations/${w.loc.a2.id}`)).status).toBe(404);
      expect((await a.get(`/locations/${w.loc.a1.id}`)).status).toBe(200);
    });

    it('the JSON API is scoped the same way', async () => {
      const b = await signedIn(app, w.user.sellerB.email);
      const products = await b.json<Items>(`/api/v1/products?q=${w.product.widget.sku}`);
      expect(products.body.items).toEqual([]);
      const mine = await b.json<Items>(`/api/v1/products?q=${w.product.gadget.sku}`);
      expect(mine.body.items).toHaveLength(1);
      const stockRows = await b.json<Items>(`/api/v1/stock?warehouse=${w.warehouse.code}`);
      expect(stockRows.body.items.map((i) => i.sku)).toEqual([w.product.gadget.sku]);
      const viaOther = await b.json<Items>(`/api/v1/stock?sku=${w.product.widget.sku}`);
      expect(viaOther.body.items).toEqual([]);
      const ledger = await b.json<Items>(`/api/v1/ledger?warehouse=${w.warehouse.code}`);
      expect(ledger.body.items.every((i) => i.sku === w.product.gadget.sku)).toBe(true);
      expect(ledger.body.items.length).toBeGreaterThan(0);
    });

    it('a seller may not move stock', async () => {
      const a = await signedIn(app, w.user.sellerA.email);
      expect((await a.get('/moves/new')).status).toBe(403);
      const res = await a.post('/moves', { warehouse: w.warehouse.code, product: w.product.widget.sku, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1', idempotency_key: 'seller-try-1' });
      expect(res.status).toBe(403);
    });
  });

  describe('an operator works in their own warehouses only', () => {
    it('sees their warehouse, not the other one', async () => {
      const op = await signedIn(app, w.user.operator.email);
      expect((await op.get(`/locations/${w.loc.a1.id}`)).status).toBe(200);
      expect((await op.get(`/locations/${w.loc.otherA1.id}`)).status).toBe(404);
      const other = await (await op.get(`/inventory?warehouse=${w.other.code}`)).text();
      expect(other).not.toContain(w.product.gadget.sku);
      const whs = await op.json<Items>('/api/v1/warehouses');
      expect(whs.body.items.map((x) => x.code)).toEqual([w.warehouse.code]);
    });

    it('cannot move stock in a warehouse that is not theirs', async () => {
      const op = await signedIn(app, w.user.operatorOther.email);
      const res = await op.post('/moves', { warehouse: w.warehouse.code, product: w.product.widget.sku, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1', idempotency_key: 'other-op-try-1' });
      expect(res.status).toBe(422);
    });
  });

  it('managers and admins see every seller', async () => {
    for (const user of [w.user.manager, w.user.admin]) {
      const m = await signedIn(app, user.email);
      const body = await (await m.get(`/inventory?warehouse=${w.warehouse.code}`)).text();
      expect(body).toContain(w.product.widget.sku);
      expect(body).toContain(w.product.gadget.sku);
      expect((await m.get(`/products/${w.product.gadget.id}`)).status).toBe(200);
    }
  });
});

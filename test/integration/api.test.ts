import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock, type World } from '../helpers/world.ts';
import { lots } from '../../src/db/schema/index.ts';
import { parse } from 'csv-parse/sync';

type Items = { items: Record<string, unknown>[]; next_cursor: string | null };

describe.each(backends)('JSON API reads on %s', (backend) => {
  let database: Database;
  let app: App;
  let w: World;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
    w = await makeWorld(database.db);
    await stock(database.db, w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 6 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 7 },
    ]);
  });
  afterAll(() => database.close());

  it('GET /api/v1/warehouses', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.json<Items>('/api/v1/warehouses');
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual({ code: w.warehouse.code, name: w.warehouse.name, country: 'RU', timezone: 'Europe/Moscow' });
  });

  it('GET /api/v1/products by seller and by barcode', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.json<Items>(`/api/v1/products?seller=${w.sellerA.code}`);
    expect(res.body.items.map((p) => p.sku).sort()).toEqual([w.product.widget.sku, w.product.kefir.sku, w.product.icecream.sku].sort());
    const byCode = await m.json<Items>(`/api/v1/products?q=${w.product.kefir.ean}`);
    expect(byCode.body.items).toEqual([
      { seller: w.sellerA.code, sku: w.product.kefir.sku, name: w.product.kefir.name, barcodes: [w.product.kefir.ean], case_barcodes: [], temperature_class: 'chilled', tracks_lot: true, tracks_expiry: true },
    ]);
  });

  it('GET /api/v1/stock pages with an opaque cursor until next_cursor is null', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = '';
    for (let guard = 0; cursor !== null && guard < 10; guard++) {
      const res: { body: Items } = await m.json<Items>(`/api/v1/stock?warehouse=${w.warehouse.code}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
    }
    expect(seen).toHaveLength(3);
    expect(seen).toContainEqual({ warehouse: w.warehouse.code, location: 'R-01-01-1', seller: w.sellerA.code, sku: w.product.kefir.sku, lot: w.lot.kefir.code, expiry: '2030-01-31', on_hand: 7, reserved: 0, available: 7 });
  });

  it('GET /api/v1/stock: units in quarantine or of an expired lot are on hand but not available; the inventory totals agree', async () => {
    const x = await makeWorld(database.db);
    const [old] = await database.db.insert(lots).values({ productId: x.product.kefir.id, code: 'OLD-1', expiresOn: '2020-01-31' }).returning();
    await stock(database.db, x, [
      { productId: x.product.widget.id, locationId: x.loc.a1.id, quantity: 5 },
      { productId: x.product.widget.id, locationId: x.loc.quarantine.id, quantity: 2 },
      { productId: x.product.kefir.id, lotId: old!.id, locationId: x.loc.chilled.id, quantity: 3 },
    ]);
    const m = await signedIn(app, x.user.manager.email);
    const res = await m.json<Items>(`/api/v1/stock?warehouse=${x.warehouse.code}`);
    const row = (location: string) => res.body.items.find((i) => i.location === location);
    expect(row('A-01-01-1')).toMatchObject({ on_hand: 5, available: 5 });
    expect(row('QUAR-A')).toMatchObject({ on_hand: 2, available: 0 });
    expect(row('R-01-01-1')).toMatchObject({ lot: 'OLD-1', expiry: '2020-01-31', on_hand: 3, available: 0 });
    const totals = await (await m.get(`/inventory/totals?warehouse=${x.warehouse.code}`)).text();
    expect(totals).toMatch(/data-total="available"[^>]*>5</);
    expect(totals).toMatch(/data-total="on-hand"[^>]*>10</);
  });

  it('GET /api/v1/ledger filters by sku and dates', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.json<Items>(`/api/v1/ledger?warehouse=${w.warehouse.code}&sku=${w.product.widget.sku}`);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toMatchObject({ warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'SUPPLIER', reason: 'receipt', lot: null });
    expect(String(res.body.items[0]!.at)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const none = await m.json<Items>(`/api/v1/ledger?warehouse=${w.warehouse.code}&until=2001-01-01`);
    expect(none.body.items).toEqual([]);
    // Exact moments (RFC 3339 with an offset): from `since`, up to but not including `until`.
    const at = String(res.body.items[0]!.at);
    const ms = Date.parse(at);
    const iso = (t: number) => new Date(t).toISOString();
    const url = (q: string) => `/api/v1/ledger?warehouse=${w.warehouse.code}&sku=${w.product.widget.sku}&${q}`;
    expect((await m.json<Items>(url(`since=${encodeURIComponent(iso(ms))}`))).body.items.map((i) => i.at)).toContain(at);
    expect((await m.json<Items>(url(`until=${encodeURIComponent(iso(ms))}`))).body.items.map((i) => i.at)).not.toContain(at);
    expect((await m.json<Items>(url(`since=${encodeURIComponent(iso(ms + 1))}`))).body.items.map((i) => i.at)).not.toContain(at);
    const moscow = new Date(ms - 60_000 + 3 * 3600_000).toISOString().replace('Z', '+03:00');
    expect((await m.json<Items>(url(`since=${encodeURIComponent(moscow)}`))).body.items.map((i) => i.at)).toContain(at);
  });

  it('GET /ledger.csv: the filtered ledger, newest first, in the user language (semicolons in Russian)', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.get(`/ledger.csv?warehouse=${w.warehouse.code}&sku=${w.product.widget.sku}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('ledger-');
    const rows = parse((await res.text()).replace(/^\uFEFF/, '')) as string[][];
    expect(rows[0]).toEqual(['#', 'Time (UTC)', 'Warehouse time', 'Warehouse', 'Seller', 'SKU', 'Product', 'Lot', 'Expiry', 'Qty', 'From', 'To', 'Reason', 'Document', 'By']);
    expect(rows.slice(1).map((r) => [r[3], r[5], r[9], r[10], r[12]])).toEqual([
      [w.warehouse.code, w.product.widget.sku, '6', 'Supplier', 'Receipt'],
      [w.warehouse.code, w.product.widget.sku, '5', 'Supplier', 'Receipt'],
    ]);
    expect(Number(rows[1]![0])).toBeGreaterThan(Number(rows[2]![0]));
    const ru = await (await m.get(`/ledger.csv?warehouse=${w.warehouse.code}&sku=${w.product.widget.sku}`, { headers: { 'Accept-Language': 'ru' } })).text();
    expect((parse(ru.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][]).slice(1).map((r) => r[9])).toEqual(['6', '5']);
  });

  it.each([
    ['/api/v1/stock?limit=0', 'limit'],
    ['/api/v1/stock?limit=501', 'limit'],
    ['/api/v1/stock?cursor=%%%', 'cursor'],
    ['/api/v1/ledger?since=2024-13-45', 'since'],
    ['/api/v1/ledger?since=2026-11-29T25:00:00Z', 'since'],
    ['/api/v1/ledger?until=2026-11-29T10:00:00', 'until'],
    ['/api/v1/ledger?until=2026-02-30T10:00:00Z', 'until'],
    ['/api/v1/stock?class=tepid', 'class'],
  ])('%s answers 422 problem+json naming %s', async (path, field) => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.get(path);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { status: number; errors: { path: string; message: string }[] };
    expect(body.status).toBe(422);
    expect(body.errors.map((e) => e.path)).toContain(field);
  });

  it('an unknown API path is a 404 problem', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

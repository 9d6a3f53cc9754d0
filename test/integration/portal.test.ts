import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { inboundShipments, lots, orders, products, sellers, users } from '../../src/db/schema/index.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { saveShipment } from '../../src/inbound/save-shipment.ts';
import { localToday } from '../../src/inbound/temperature.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { createTransfer, startPicking } from '../../src/transfers/create-transfer.ts';
import { dispatchTransfer } from '../../src/transfers/dispatch.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { postForm } from '../helpers/api.ts';
import { stockFingerprint } from '../helpers/counts.ts';
import { arrive, scan } from '../helpers/inbound.ts';
import { PASSWORD, asUser, makeWorld, stock, uid, type World } from '../helpers/world.ts';

type Figures = { available: number; reserved: number; 'in-transit': number; quarantined: number; expiring: number };
const fig = (available: number, reserved: number, inTransit: number, quarantined: number, expiring: number): Figures => ({ available, reserved, 'in-transit': inTransit, quarantined, expiring });

/** The five figures of one row of the portal (a warehouse row by code, a product row by SKU, or "total"). */
function figuresIn(html: string, attr: 'data-warehouse' | 'data-sku', value: string): Figures | null {
  const row = new RegExp(`<tr ${attr}="${value}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (!row) return null;
  const out: Record<string, number> = {};
  for (const m of row.matchAll(/data-figure="([a-z-]+)"[^>]*>([^<]*)</g)) out[m[1]!] = Number(m[2]!.replace(/\D/g, ''));
  return out as Figures;
}

/** A CSV answer's rows; it starts with a UTF-8 byte order mark, for spreadsheets. */
const csvRows = async (res: Response, delimiter = ','): Promise<string[][]> => {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(new TextDecoder().decode(bytes), { delimiter }) as string[][];
};

const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const asnForm = (w: World, reference: string, lines: [string, string][]): [string, string][] => [
  ['reference', reference],
  ['warehouse', w.warehouse.code],
  ['eta', '2026-12-05'],
  ['mode', 'road_tir'],
  ['tir_carnet', 'XC11223344'],
  ['vehicle_plate', 'A777AA77'],
  ['seals', 'S-1 S-2'],
  ...lines.flatMap(([sku, qty]): [string, string][] => [
    ['line_sku', sku],
    ['line_quantity', qty],
    ['line_lot', ''],
    ['line_expiry', ''],
  ]),
  ['intent', 'submit'],
];

describe.each(backends)('seller portal on %s', (backend) => {
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

  /**
   * Two sellers sharing locations in two warehouses, with known stock: free, reserved by an
   * order, picked into staging, on the road to the other warehouse, quarantined, expiring and
   * expired, received on the dock from an ASN the seller made on the page.
   */
  async function scenario() {
    const w = await makeWorld(db());
    const today = localToday(w.warehouse.timezone);
    const [soon] = await db().insert(lots).values({ productId: w.product.kefir.id, code: `SOON${uid()}`, expiresOn: plusDays(today, 10) }).returning();
    const [old] = await db().insert(lots).values({ productId: w.product.kefir.id, code: `OLD${uid()}`, expiresOn: '2020-01-01' }).returning();
    await stock(db(), w, [
      // Seller A.
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 20 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 5 },
      { productId: w.product.widget.id, locationId: w.loc.quarantine.id, quantity: 3 },
      { productId: w.product.widget.id, locationId: w.loc.otherA1.id, quantity: 7 },
      { productId: w.product.kefir.id, lotId: soon!.id, locationId: w.loc.chilled.id, quantity: 8 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled2.id, quantity: 12 },
      { productId: w.product.kefir.id, lotId: old!.id, locationId: w.loc.chilled.id, quantity: 1 },
      { productId: w.product.kefir.id, lotId: old!.id, locationId: w.loc.quarantineChilled.id, quantity: 2 },
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 4 },
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.stagingFrozen.id, quantity: 1 },
      // Seller B, in the same locations.
      { productId: w.product.gadget.id, locationId: w.loc.a1.id, quantity: 50 },
      { productId: w.product.gadget.id, locationId: w.loc.quarantine.id, quantity: 9 },
      { productId: w.product.gadget.id, locationId: w.loc.otherA1.id, quantity: 11 },
    ]);
    const a = await signedIn(app, w.user.sellerA.email);

    // Seller A orders 6 widgets on the page: allocated at once.
    const orderRes = await postForm(a, '/orders', [['external_id', `A-${uid()}`], ['warehouse', w.warehouse.code], ['line_sku', w.product.widget.sku], ['line_quantity', '6']]);
    expect(orderRes.status).toBe(303);
    const orderA = (await db().select().from(orders).where(eq(orders.id, Number(orderRes.headers.get('location')!.split('/').pop()))))[0]!;
    expect(orderA).toMatchObject({ sellerId: w.sellerA.id, status: 'allocated' });
    const { order: orderB } = await createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerB.code, external_id: `B-${uid()}`, lines: [{ sku: w.product.gadget.sku, quantity: 5 }] } });

    // Seller A sends an ASN on the page; it arrives and 10 widgets are received onto the dock.
    const asnRes = await postForm(a, '/inbound', asnForm(w, `TIR-A-${uid()}`, [[w.product.widget.sku, '10']]));
    expect(asnRes.status).toBe(303);
    const asnA = (await db().select().from(inboundShipments).where(eq(inboundShipments.id, Number(/\/inbound\/(\d+)/.exec(asnRes.headers.get('location')!)![1]))))[0]!;
    expect(asnA).toMatchObject({ sellerId: w.sellerA.id, status: 'expected' });
    await arrive(db(), w, asnA.id, {}, ['S-1', 'S-2']);
    await scan(db(), w, asnA.id, { scan: w.product.widget.ean, quantity: 10 });
    const asnB = await saveShipment({
      db: db(),
      user: asUser(w, 'manager'),
      input: { warehouse: w.warehouse.code, seller: w.sellerB.code, reference: `TIR-B-${uid()}`, eta: '2026-12-06', transport: { mode: 'rail' }, lines: [{ sku: w.product.gadget.sku, quantity: 30 }], draft: false },
    });

    // 4 widgets of A and 2 gadgets of B leave for the other warehouse.
    const transfer = await createTransfer({
      db: db(),
      user: asUser(w, 'manager'),
      input: { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'road_tir' }, lines: [{ sku: w.product.widget.sku, quantity: 4 }, { sku: w.product.gadget.sku, quantity: 2 }] },
    });
    await startPicking({ db: db(), user: asUser(w, 'operator'), transferId: transfer.id });
    expect((await dispatchTransfer({ db: db(), user: asUser(w, 'operator'), transferId: transfer.id })).units).toBe(6);
    expect((await verifyLedger(db())).problems).toEqual([]);
    return { w, a, orderA, orderB, asnA, asnB, soon: soon!, old: old! };
  }

  it('shows a seller exactly their figures per warehouse, in total and per product; filters, search, expiry horizon and paging', async () => {
    const { w, a, orderA, asnA } = await scenario();
    // Signing in lands on the portal; the nav starts with it.
    expect((await a.get('/')).headers.get('location')).toBe('/portal');
    const page = await a.get('/portal');
    expect(page.status).toBe(200);
    expect(page.headers.get('vary')).toContain('HX-Request');
    const html = await page.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(/<nav class="nav"[^>]*>\s*<a href="\/portal"/.test(html)).toBe(true);

    // W: widgets 21 on shelves + 10 on the dock − 6 reserved = 25, kefir 8 + 12 = 20 (the expired
    // unit is held back, not available), ice cream 4 (the unit in staging counts as reserved);
    // held back: 3 widgets + 2 kefir in quarantine and the expired kefir on its shelf;
    // expiring within 30 days: the 8 kefir of the near lot and the expired one outside quarantine.
    expect(figuresIn(html, 'data-warehouse', w.warehouse.code)).toEqual(fig(49, 7, 0, 6, 9));
    // The other warehouse: 7 widgets on its shelf, and the 4 on the road to it.
    expect(figuresIn(html, 'data-warehouse', w.other.code)).toEqual(fig(7, 0, 4, 0, 0));
    expect(figuresIn(html, 'data-warehouse', 'total')).toEqual(fig(56, 7, 4, 6, 9));
    expect(figuresIn(html, 'data-sku', w.product.widget.sku)).toEqual(fig(32, 6, 4, 3, 0));
    expect(figuresIn(html, 'data-sku', w.product.kefir.sku)).toEqual(fig(20, 0, 0, 3, 9));
    expect(figuresIn(html, 'data-sku', w.product.icecream.sku)).toEqual(fig(4, 1, 0, 0, 0));
    expect(figuresIn(html, 'data-sku', 'total')).toEqual(fig(56, 7, 4, 6, 9));
    // Their ASN with its receiving report, their order with its status, counts by status.
    expect(html).toContain(`href="/inbound/${asnA.id}"`);
    expect(html).toContain(`href="/inbound/${asnA.id}/report"`);
    expect(html).toContain(`href="/orders/${orderA.id}"`);
    expect(html).toContain(orderA.externalId);
    expect(/data-status="allocated">[^<]*<span class="count">1</.test(html)).toBe(true);
    for (const link of ['/inbound/new', '/orders/new', '/tokens', '/portal/inbound.csv', '/portal/orders.csv', '/portal/stock.csv']) expect(html).toContain(`href="${link}"`);

    // One warehouse, as a fragment: the stock part alone.
    const frag = await a.get(`/portal?warehouse=${w.other.code}`, { htmx: true });
    const fragHtml = await frag.text();
    expect(fragHtml.startsWith('<section id="portal-stock"')).toBe(true);
    expect(figuresIn(fragHtml, 'data-sku', w.product.widget.sku)).toEqual(fig(7, 0, 4, 0, 0));
    expect(figuresIn(fragHtml, 'data-sku', w.product.kefir.sku)).toBeNull();
    expect(figuresIn(fragHtml, 'data-sku', 'total')).toEqual(fig(7, 0, 4, 0, 0));
    const inW = await (await a.get(`/portal?warehouse=${w.warehouse.code.toLowerCase()}`, { htmx: true })).text();
    expect(figuresIn(inW, 'data-sku', w.product.widget.sku)).toEqual(fig(25, 6, 0, 3, 0));
    expect(figuresIn(inW, 'data-sku', 'total')).toEqual(fig(49, 7, 0, 6, 9));

    // The expiry horizon: 5 days leaves only the expired unit, 10 days takes the near lot.
    expect(figuresIn(await (await a.get('/portal?days=5', { htmx: true })).text(), 'data-sku', w.product.kefir.sku)).toEqual(fig(20, 0, 0, 3, 1));
    expect(figuresIn(await (await a.get('/portal?days=10', { htmx: true })).text(), 'data-sku', w.product.kefir.sku)).toEqual(fig(20, 0, 0, 3, 9));
    expect(figuresIn(await (await a.get('/portal?days=9', { htmx: true })).text(), 'data-warehouse', 'total')).toEqual(fig(56, 7, 4, 6, 1));

    // Search: part of a name, a barcode, a SKU prefix.
    const byName = await (await a.get('/portal?q=kefir', { htmx: true })).text();
    expect(figuresIn(byName, 'data-sku', w.product.kefir.sku)).not.toBeNull();
    expect(figuresIn(byName, 'data-sku', w.product.widget.sku)).toBeNull();
    const byEan = await (await a.get(`/portal?q=${w.product.widget.ean}`, { htmx: true })).text();
    expect(figuresIn(byEan, 'data-sku', w.product.widget.sku)).toEqual(fig(32, 6, 4, 3, 0));
    expect(figuresIn(byEan, 'data-sku', w.product.kefir.sku)).toBeNull();
    expect(figuresIn(await (await a.get(`/portal?q=${w.product.icecream.sku.slice(0, 9)}`, { htmx: true })).text(), 'data-sku', w.product.icecream.sku)).toEqual(fig(4, 1, 0, 0, 0));

    // Paging: more products than a page holds; a page past the end shows the last one.
    const many = Array.from({ length: 52 }, (_, i) => i);
    const { products } = await import('../../src/db/schema/index.ts');
    const made = await db()
      .insert(products)
      .values(many.map((i) => ({ sellerId: w.sellerA.id, sku: `ZZ-${uid()}-${String(i).padStart(2, '0')}`, name: `Filler ${i}`, temperatureClass: 'ambient' as const, tracksLot: false, tracksExpiry: false })))
      .returning();
    await stock(db(), w, made.map((p) => ({ productId: p.id, locationId: w.loc.a2.id, quantity: 1 })));
    const first = await (await a.get('/portal', { htmx: true })).text();
    expect(first).toContain('rel="next"');
    expect(first).toContain('href="/portal?page=2"');
    const second = await (await a.get('/portal?page=2', { htmx: true })).text();
    expect((second.match(/<tr data-sku="ZZ-/g) ?? []).length).toBe(55 - 50);
    expect(figuresIn(second, 'data-sku', 'total')).toEqual(fig(56 + 52, 7, 4, 6, 9));
    expect((await (await a.get('/portal?page=99', { htmx: true })).text())).toContain('rel="prev"');
    expect((await verifyLedger(db())).problems).toEqual([]);

    // A product with no stock yet is listed with zeros: out of stock is what a seller looks for.
    const [idle] = await db().insert(products).values({ sellerId: w.sellerA.id, sku: `ZZZ-IDLE-${w.sellerA.id}`, name: 'Idle', temperatureClass: 'ambient', tracksLot: false, tracksExpiry: false }).returning();
    const last = await (await a.get('/portal?page=2', { htmx: true })).text();
    expect(figuresIn(last, 'data-sku', idle!.sku)).toEqual(fig(0, 0, 0, 0, 0));
    expect(figuresIn(last, 'data-sku', 'total')).toEqual(fig(56 + 52, 7, 4, 6, 9));
    // In one warehouse's view only what is or was there.
    expect(figuresIn(await (await a.get(`/portal?warehouse=${w.warehouse.code}&q=ZZZ-IDLE`, { htmx: true })).text(), 'data-sku', idle!.sku)).toBeNull();

    // Bad filters are a 422 in the seller's language, never a 500.
    for (const q of ['days=-1', 'days=abc', 'days=366', 'page=0', `q=${'x'.repeat(201)}`]) {
      const res = await a.get(`/portal?${q}`);
      expect(res.status, q).toBe(422);
    }
  });

  it('CSV exports: the stock table with the same filters, the ASNs and the orders — the seller’s own, with a bearer token too', async () => {
    const { w, a, orderA, orderB, asnA, asnB } = await scenario();
    const res = await a.get('/portal/stock.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain(`stock-${w.sellerA.code}`);
    const rows = await csvRows(res);
    // Seller A reads Chinese: the headers are in Chinese.
    expect(rows[0]).toEqual(['SKU', '商品', '可用', '已预留', '在途', '暂不可售', '≤ 30 天到期']);
    const sorted = [w.product.widget, w.product.kefir, w.product.icecream].sort((x, y) => (x.sku < y.sku ? -1 : 1));
    const want: Record<string, string[]> = {
      [w.product.widget.sku]: ['32', '6', '4', '3', '0'],
      [w.product.kefir.sku]: ['20', '0', '0', '3', '9'],
      [w.product.icecream.sku]: ['4', '1', '0', '0', '0'],
    };
    expect(rows.slice(1)).toEqual(sorted.map((p) => [p.sku, p.name, ...want[p.sku]!]));
    const inX = await csvRows(await a.get(`/portal/stock.csv?warehouse=${w.other.code}&days=10`));
    expect(inX).toEqual([['SKU', '商品', '可用', '已预留', '在途', '暂不可售', '≤ 10 天到期'], [w.product.widget.sku, w.product.widget.name, '7', '0', '4', '0', '0']]);
    expect(await csvRows(await a.get(`/portal/stock.csv?q=${w.product.gadget.sku}`))).toHaveLength(1);

    const asns = await csvRows(await a.get('/portal/inbound.csv'));
    expect(asns).toHaveLength(2);
    expect(asns[1]!.slice(0, 4)).toEqual([asnA.reference, '收货中', w.warehouse.code, '2026-12-05']);
    expect(asns[1]!.slice(6)).toEqual(['1', '10', '10', '0', '0', '0']);
    const ords = await csvRows(await a.get('/portal/orders.csv'));
    expect(ords).toHaveLength(2);
    expect(ords[1]!.slice(0, 4)).toEqual([orderA.externalId, '已分配库存', w.warehouse.code, '手工录入']);
    expect(ords[1]![7]).toBe('6');
    expect(await csvRows(await a.get('/portal/orders.csv?status=shipped'))).toHaveLength(1);
    for (const path of ['/portal/inbound.csv', '/portal/orders.csv', '/portal/stock.csv']) {
      const text = await (await a.get(path)).text();
      for (const theirs of [asnB.reference, orderB.externalId, w.product.gadget.sku, w.sellerB.code]) expect(text, path).not.toContain(theirs);
    }

    // An API token of the seller reads the same CSVs; another seller's code is a 404 with it too.
    const made = await (await a.post('/tokens', { name: 'ERP' })).text();
    const token = /data-token[^>]*>([a-z2-9]{24}\.[a-z2-9]{24})</.exec(made)?.[1];
    expect(token).toBeDefined();
    const bearer = (path: string, t = token!) => app.request(`http://localhost${path}`, { headers: { Authorization: `Bearer ${t}`, 'Accept-Language': 'en' } });
    const viaToken = await bearer('/portal/stock.csv');
    expect(viaToken.status).toBe(200);
    const tokenRows = await csvRows(viaToken);
    expect(tokenRows.slice(1).map((r) => r[0])).toEqual(sorted.map((p) => p.sku));
    expect((await bearer('/portal/orders.csv')).status).toBe(200);
    expect((await bearer(`/portal/stock.csv?seller=${w.sellerB.code}`)).status).toBe(404);
    expect((await bearer(`/portal/orders.csv?seller=${w.sellerB.code}`)).status).toBe(404);
    expect((await bearer('/portal/stock.csv', 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbb')).status).toBe(401);
    // Without any credentials a CSV sends to the sign-in page.
    const anon = await app.request('http://localhost/portal/stock.csv', { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login?next=%2Fportal%2Fstock.csv');
  });

  it('a seller never reads or changes another seller’s anything: page, fragment, CSV, document pages, API', async () => {
    const { w, a, orderB, asnB } = await scenario();
    const b = await signedIn(app, w.user.sellerB.email);
    const theirs = [w.product.gadget.sku, w.product.gadget.name, asnB.reference, orderB.externalId, w.sellerB.code];
    for (const [path, typed] of [
      ['/portal', ''],
      [`/portal?warehouse=${w.other.code}`, ''],
      [`/portal?q=${w.product.gadget.sku}`, w.product.gadget.sku],
      [`/portal?q=${w.product.gadget.ean}`, w.product.gadget.ean],
    ] as const) {
      for (const htmx of [false, true]) {
        const res = await a.get(path, { htmx });
        expect(res.status).toBe(200);
        // What A typed comes back in the search box and the links; nothing else of B's does.
        const html = (await res.text()).replaceAll(typed || '\u0000', '');
        for (const s of theirs) expect(html, `${path} ${htmx}`).not.toContain(s);
      }
    }
    // B's own portal: B's figures (50 − 2 dispatched − 5 reserved, 9 quarantined; 11 + 2 on the road in X).
    const bHtml = await (await b.get('/portal')).text();
    expect(figuresIn(bHtml, 'data-warehouse', w.warehouse.code)).toEqual(fig(43, 5, 0, 9, 0));
    expect(figuresIn(bHtml, 'data-warehouse', w.other.code)).toEqual(fig(11, 0, 2, 0, 0));
    expect(bHtml).not.toContain(w.product.widget.sku);

    // Naming the other seller, or guessing their documents behind the portal's links: 404.
    for (const path of [
      `/portal?seller=${w.sellerB.code}`,
      `/portal?seller=${w.sellerB.code.toLowerCase()}`,
      `/portal/stock.csv?seller=${w.sellerB.code}`,
      `/portal/inbound.csv?seller=${w.sellerB.code}`,
      `/portal/orders.csv?seller=${w.sellerB.code}`,
      `/portal?seller=NO-SUCH-SELLER`,
      `/inbound/${asnB.id}`,
      `/inbound/${asnB.id}/report`,
      `/inbound/${asnB.id}/report.csv`,
      `/orders/${orderB.id}`,
      `/orders/${orderB.id}/packing-list`,
      `/products/${w.product.gadget.id}`,
    ]) {
      const res = await a.get(path);
      expect(res.status, path).toBe(404);
      const body = await res.text();
      for (const s of [asnB.reference, orderB.externalId, w.product.gadget.sku]) expect(body, path).not.toContain(s);
    }
    expect((await a.get(`/portal?seller=${w.sellerB.code}`, { htmx: true })).status).toBe(404);
    // Their own code is fine.
    expect((await a.get(`/portal?seller=${w.sellerA.code}`)).status).toBe(200);

    // A's order or ASN naming B's goods (SKU or barcode) is refused and reserves nothing of B's.
    const before = await stockFingerprint(db(), [w.warehouse.id, w.other.id]);
    for (const code of [w.product.gadget.sku, w.product.gadget.ean]) {
      expect((await postForm(a, '/orders', [['external_id', `X-${uid()}`], ['warehouse', w.warehouse.code], ['line_sku', code], ['line_quantity', '1']])).status).toBe(422);
    }
    expect((await postForm(a, '/orders', [['external_id', `X-${uid()}`], ['warehouse', w.warehouse.code], ['seller', w.sellerB.code], ['line_sku', w.product.widget.sku], ['line_quantity', '1']])).status).toBe(422);
    expect((await postForm(a, '/inbound', asnForm(w, `TIR-X-${uid()}`, [[w.product.gadget.sku, '1']]))).status).toBe(422);
    expect(await stockFingerprint(db(), [w.warehouse.id, w.other.id])).toBe(before);

    // Changing B's documents: 404, nothing changes.
    expect((await a.post(`/orders/${orderB.id}/cancel`, {})).status).toBe(404);
    expect((await a.post(`/inbound/${asnB.id}/status`, { action: 'cancel' })).status).toBe(404);
    expect((await db().select().from(orders).where(eq(orders.id, orderB.id)))[0]!.status).toBe('allocated');
    expect((await db().select().from(inboundShipments).where(eq(inboundShipments.id, asnB.id)))[0]!.status).toBe('expected');

    // Tokens: B's token is not A's to revoke; A's token reads A's things only through the API.
    const bMade = await (await b.post('/tokens', { name: 'B ERP' })).text();
    const bTokenId = /action="\/tokens\/([a-z2-9]{24})\/revoke"/.exec(bMade)?.[1];
    expect(bTokenId).toBeDefined();
    expect((await a.post(`/tokens/${bTokenId}/revoke`, {})).status).toBe(404);
    expect(await (await a.get('/tokens')).text()).not.toContain('B ERP');
    const aMade = await (await a.post('/tokens', { name: 'A ERP' })).text();
    const aToken = /data-token[^>]*>([a-z2-9]{24}\.[a-z2-9]{24})</.exec(aMade)![1]!;
    const api = (path: string) => app.request(`http://localhost${path}`, { headers: { Authorization: `Bearer ${aToken}` } });
    expect((await api(`/api/v1/orders/${orderB.id}`)).status).toBe(404);
    expect((await api(`/api/v1/inbound-shipments/${asnB.id}`)).status).toBe(404);
    const stockJson = await (await api(`/api/v1/stock?sku=${w.product.gadget.sku}`)).json();
    expect(JSON.stringify(stockJson)).not.toContain(w.product.gadget.sku);
    // A page is not opened by a token at all: nobody is signed in there.
    expect((await api(`/portal?seller=${w.sellerB.code}`)).status).toBe(303);
    // A revokes their own token: it stops working.
    const aTokenId = aToken.split('.')[0]!;
    expect((await a.post(`/tokens/${aTokenId}/revoke`, {})).status).toBe(303);
    expect((await api('/portal/stock.csv')).status).toBe(401);
    expect((await verifyLedger(db())).problems).toEqual([]);
  });

  it('admins and managers see a seller’s portal exactly as the seller does; operators may not; anonymous visitors sign in first', async () => {
    const { w, a } = await scenario();
    const sellerView = await (await a.get('/portal')).text();
    for (const who of ['admin', 'manager'] as const) {
      const staff = await signedIn(app, w.user[who].email);
      const chooser = await staff.get('/portal');
      expect(chooser.status).toBe(200);
      const chooserHtml = await chooser.text();
      expect(chooserHtml).toContain(`value="${w.sellerA.code}"`);
      expect(chooserHtml).toContain(`value="${w.sellerB.code}"`);
      const res = await staff.get(`/portal?seller=${w.sellerA.code.toLowerCase()}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const [attr, value] of [
        ['data-warehouse', w.warehouse.code],
        ['data-warehouse', w.other.code],
        ['data-warehouse', 'total'],
        ['data-sku', w.product.widget.sku],
        ['data-sku', w.product.kefir.sku],
        ['data-sku', w.product.icecream.sku],
        ['data-sku', 'total'],
      ] as const) {
        expect(figuresIn(html, attr, value), `${who} ${value}`).toEqual(figuresIn(sellerView, attr, value));
      }
      expect(html).not.toContain(w.product.gadget.sku);
      // Links keep the seller.
      expect(html).toContain(`href="/portal/stock.csv?seller=${w.sellerA.code}"`);
      const frag = await staff.get(`/portal?seller=${w.sellerA.code}&warehouse=${w.other.code}`, { htmx: true });
      expect(figuresIn(await frag.text(), 'data-sku', 'total')).toEqual(fig(7, 0, 4, 0, 0));
      const csv = await staff.get(`/portal/stock.csv?seller=${w.sellerA.code}`);
      expect(csv.status).toBe(200);
      expect((await csvRows(csv)).slice(1).map((r) => r[0]).sort()).toEqual([w.product.widget.sku, w.product.kefir.sku, w.product.icecream.sku].sort());
      expect((await staff.get(`/portal/orders.csv?seller=${w.sellerB.code}`)).status).toBe(200);
      expect((await staff.get('/portal/stock.csv')).status).toBe(422);
      expect((await staff.get('/portal?seller=NO-SUCH-SELLER')).status).toBe(404);
      // Staff do not land on a portal.
      expect((await staff.get('/')).headers.get('location')).not.toBe('/portal');
    }
    for (const who of ['operator', 'operatorOther'] as const) {
      const op = await signedIn(app, w.user[who].email);
      for (const path of ['/portal', `/portal?seller=${w.sellerA.code}`, `/portal/stock.csv?seller=${w.sellerA.code}`, `/portal/inbound.csv?seller=${w.sellerA.code}`, `/portal/orders.csv?seller=${w.sellerA.code}`]) {
        expect((await op.get(path)).status, `${who} ${path}`).toBe(403);
      }
    }
    const anon = new Client(app);
    const res = await anon.get('/portal');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fportal');
    const hx = await anon.get('/portal?warehouse=X', { htmx: true });
    expect(hx.status).toBe(401);
    expect(hx.headers.get('hx-redirect')).toBe('/login?next=%2Fportal%3Fwarehouse%3DX');
    expect((await anon.get('/')).headers.get('location')).toBe('/login');
  });

  it('a seller with nothing yet sees empty states, not errors; the staff chooser lists them', async () => {
    const w = await makeWorld(db());
    const [seller] = await db().insert(sellers).values({ code: `SC${uid()}`, name: 'Seller C', country: 'UZ' }).returning();
    const [user] = await db().insert(users).values({ email: `seller.c.${uid().toLowerCase()}@test.example`, name: 'C', role: 'seller', sellerId: seller!.id, passwordHash: await hashPassword(PASSWORD), locale: 'en' }).returning();
    const c = await signedIn(app, user!.email);
    const res = await c.get('/portal');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const s of ['No stock in our warehouses yet.', 'No ASNs yet.', 'No orders yet.']) expect(html).toContain(s);
    expect(figuresIn(html, 'data-warehouse', 'total')).toBeNull();
    expect((await csvRows(await c.get('/portal/stock.csv'))).length).toBe(1);
    expect((await csvRows(await c.get('/portal/inbound.csv'))).length).toBe(1);
    expect((await csvRows(await c.get('/portal/orders.csv'))).length).toBe(1);
    const frag = await c.get(`/portal?warehouse=${w.warehouse.code}&q=nothing`, { htmx: true });
    expect(frag.status).toBe(200);
    expect(await frag.text()).toContain('No stock in our warehouses yet.');
    const admin = await signedIn(app, w.user.admin.email);
    expect(await (await admin.get('/portal')).text()).toContain(`value="${seller!.code}"`);
  });

  it('speaks Chinese, Russian and English: the user’s language first, else Accept-Language', async () => {
    const { w, a } = await scenario();
    // Seller A chose Chinese.
    const zh = await (await a.get('/portal', { headers: { 'Accept-Language': 'ru' } })).text();
    expect(zh).toContain('<html lang="zh-CN"');
    for (const s of ['概览', '按仓库', '按商品', '入库通知（ASN）', '导出库存 CSV', '新建订单', '已分配库存']) expect(zh).toContain(s);
    // Seller B chose nothing: the browser's language decides.
    const b = new Client(app);
    await b.login(w.user.sellerB.email);
    const ru = await (await b.get('/portal', { headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' } })).text();
    expect(ru).toContain('<html lang="ru"');
    for (const s of ['Обзор', 'По складам', 'По товарам', 'Задержано', 'Входящие поставки (ASN)', 'Новый заказ']) expect(ru).toContain(s);
    const en = await (await b.get('/portal', { headers: { 'Accept-Language': 'en-GB' } })).text();
    expect(en).toContain('<html lang="en"');
    for (const s of ['Overview', 'By warehouse', 'By product', 'Held back', 'Expiring ≤ 30 d', 'Inbound shipments (ASNs)', 'New order']) expect(en).toContain(s);
    // In Russian, fields are separated by semicolons (as Excel set to Russian expects).
    const ruCsv = await csvRows(await b.get('/portal/stock.csv', { headers: { 'Accept-Language': 'ru' } }), ';');
    expect(ruCsv[0]).toEqual(['SKU', 'Товар', 'Доступно', 'В резерве', 'В пути', 'Задержано', 'Срок ≤ 30 дн.']);
    // An error is in the user's language too.
    const bad = await (await b.get('/portal?days=x', { headers: { 'Accept-Language': 'ru' } })).text();
    expect(bad).toContain('<html lang="ru"');
  });
});

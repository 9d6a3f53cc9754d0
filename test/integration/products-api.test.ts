import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { productBarcodes, products } from '../../src/db/schema/index.ts';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { caseGtinOf } from '../../src/inventory/create-product.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { testApp } from '../helpers/client.ts';
import { nextEan, uid, type World, makeWorld } from '../helpers/world.ts';
import { problemOf, type Answer, type Json } from '../helpers/api.ts';

/** A valid GTIN of `digits` digits (check digit computed). */
function gtin(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + ((10 - (sum % 10)) % 10);
}
const upcA = () => gtin(String(Math.floor(Math.random() * 1e11)).padStart(11, '0'));
const ean8 = () => gtin(String(Math.floor(Math.random() * 1e7)).padStart(7, '0'));
/** The same EAN-13 with its last digit wrong. */
const badCheck = (ean: string) => ean.slice(0, -1) + ((Number(ean.at(-1)) + 1) % 10);

type Who = keyof World['user'];

describe.each(backends)('products JSON API on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(() => database.close());
  const db = () => database.db;

  const tokens = new Map<number, string>();
  /** A Bearer token for one of the world's users. */
  async function tokenOf(w: World, who: Who): Promise<string> {
    const u = w.user[who];
    if (!tokens.has(u.id)) tokens.set(u.id, (await createApiToken(db(), { kind: 'user', name: `products ${who}`, userId: u.id, createdBy: w.user.admin.id })).token);
    return tokens.get(u.id)!;
  }
  async function send(token: string | null, body: unknown, opts: { key?: string; raw?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.key !== undefined) headers['Idempotency-Key'] = opts.key;
    const res = await app.request('http://localhost/api/v1/products', { method: 'POST', headers, body: opts.raw ? (body as string) : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Json) : {} };
  }
  const create = async (w: World, who: Who, body: unknown, opts: { key?: string } = {}) => send(await tokenOf(w, who), body, opts);
  async function list(w: World, who: Who, query: string): Promise<Json[]> {
    const res = await app.request(`http://localhost/api/v1/products?${query}`, { headers: { Authorization: `Bearer ${await tokenOf(w, who)}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as Json).items as Json[];
  }
  /** Everything the world's two sellers have in the catalog: nothing written means this is unchanged. */
  async function catalog(w: World): Promise<string> {
    const ps = await db().select({ id: products.id, sku: products.sku }).from(products).where(inArray(products.sellerId, [w.sellerA.id, w.sellerB.id])).orderBy(products.id);
    const bs = await db().select({ code: productBarcodes.code }).from(productBarcodes).where(inArray(productBarcodes.sellerId, [w.sellerA.id, w.sellerB.id])).orderBy(productBarcodes.id);
    return JSON.stringify([ps, bs]);
  }
  const pathsOf = (a: Answer, status: number) => (problemOf(a, status).errors ?? []).map((e) => e.path).sort();

  const body = (w: World, extra: Record<string, unknown> = {}) => ({ seller: w.sellerA.code, sku: `NEW-${uid()}`, name: 'Pelmeni 1 kg', barcodes: [nextEan()], temperature_class: 'frozen', tracks_lot: true, tracks_expiry: true, ...extra });

  describe('happy paths', () => {
    it('a manager creates a product with a GTIN of each kind, a marketplace code and units per case; GET /api/v1/products lists it the same way', async () => {
      const w = await makeWorld(db());
      const [e13, ua, e8] = [nextEan(), upcA(), ean8()];
      const ozon = `OZN${uid()}`;
      const sent = body(w, { barcodes: [e13, ua, e8, ozon], units_per_case: 12 });
      const created = await create(w, 'manager', sent);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.type).toContain('application/json');
      expect(created.body).toEqual({
        seller: w.sellerA.code,
        sku: sent.sku,
        name: 'Pelmeni 1 kg',
        barcodes: [e13, ua, e8, ozon],
        case_barcodes: [
          { barcode: caseGtinOf(e13), units: 12 },
          { barcode: caseGtinOf(ua), units: 12 },
          { barcode: caseGtinOf(e8), units: 12 },
        ],
        temperature_class: 'frozen',
        tracks_lot: true,
        tracks_expiry: true,
      });
      // The case of an EAN-13 is indicator 1 + its first 12 digits + a new check digit.
      expect(caseGtinOf(e13).slice(0, 13)).toBe(`1${e13.slice(0, 12)}`);
      expect(await list(w, 'manager', `seller=${w.sellerA.code}&q=${sent.sku}`)).toEqual([created.body]);
      expect(await list(w, 'sellerA', `q=${sent.sku}`)).toEqual([created.body]);

      const [p] = await db().select().from(products).where(eq(products.sku, sent.sku));
      const kinds = await db().select({ code: productBarcodes.code, kind: productBarcodes.kind, units: productBarcodes.units }).from(productBarcodes).where(eq(productBarcodes.productId, p!.id)).orderBy(productBarcodes.id);
      expect(kinds).toEqual([
        { code: e13, kind: 'ean13', units: 1 },
        { code: ua, kind: 'upca', units: 1 },
        { code: e8, kind: 'ean8', units: 1 },
        { code: ozon, kind: 'marketplace', units: 1 },
        { code: caseGtinOf(e13), kind: 'gtin14', units: 12 },
        { code: caseGtinOf(ua), kind: 'gtin14', units: 12 },
        { code: caseGtinOf(e8), kind: 'gtin14', units: 12 },
      ]);
    });

    it("a seller's token creates for its own seller, named or not; the flags default to false, and digits in a string are a number", async () => {
      const w = await makeWorld(db());
      const sku = `OWN-${uid()}`;
      const plain = await create(w, 'sellerA', { sku, name: 'Tea 100 g', temperature_class: 'ambient' });
      expect(plain.status, JSON.stringify(plain.body)).toBe(201);
      expect(plain.body).toEqual({ seller: w.sellerA.code, sku, name: 'Tea 100 g', barcodes: [], case_barcodes: [], temperature_class: 'ambient', tracks_lot: false, tracks_expiry: false });
      const g14 = gtin(`0${nextEan().slice(0, 12)}`);
      const named = await create(w, 'sellerA', { seller: w.sellerA.code.toLowerCase(), sku: `OWN-${uid()}`, name: 'Kefir', barcodes: [g14, 'WB-2041885'], temperature_class: 'chilled', units_per_case: '6' });
      expect(named.status, JSON.stringify(named.body)).toBe(201);
      expect(named.body).toMatchObject({ seller: w.sellerA.code, barcodes: [g14, 'WB-2041885'], case_barcodes: [{ barcode: caseGtinOf(g14), units: 6 }] });
      // Barcodes are unique per seller: seller B's EAN may be seller A's too.
      const shared = await create(w, 'sellerA', body(w, { barcodes: [w.product.gadget.ean] }));
      expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    });

    it('the same create sent twice with one Idempotency-Key answers the first 201 again and makes one product; without a key the same SKU is 409', async () => {
      const w = await makeWorld(db());
      const sent = body(w, { units_per_case: 24 });
      const key = randomUUID();
      const first = await create(w, 'manager', sent, { key });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const again = await create(w, 'manager', sent, { key });
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await db().select().from(products).where(eq(products.sku, sent.sku))).toHaveLength(1);

      const before = await catalog(w);
      expect(pathsOf(await create(w, 'manager', sent), 409)).toEqual(['barcodes.0', 'sku']);
      // The same key with another product under that SKU is not a repeat.
      expect(pathsOf(await create(w, 'manager', { ...sent, name: 'Other' }, { key }), 409)).toContain('sku');
      expect(await catalog(w)).toBe(before);
    });
  });

  describe('errors: 422 or 409 problem+json naming the fields, and nothing written', () => {
    it('values of the wrong type', async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      const a = await create(w, 'manager', { seller: w.sellerA.code, sku: 123, name: true, barcodes: nextEan(), temperature_class: 'ambient', tracks_lot: 'yes', tracks_expiry: 1, units_per_case: 1.5 });
      expect(pathsOf(a, 422)).toEqual(['barcodes', 'name', 'sku', 'tracks_expiry', 'tracks_lot', 'units_per_case']);
      expect(pathsOf(await create(w, 'manager', body(w, { units_per_case: '1e1' })), 422)).toEqual(['units_per_case']);
      expect(pathsOf(await create(w, 'manager', body(w, { units_per_case: 1 })), 422)).toEqual(['units_per_case']);
      expect(pathsOf(await create(w, 'manager', body(w, { units_per_case: 100_001 })), 422)).toEqual(['units_per_case']);
      expect(pathsOf(await create(w, 'manager', body(w, { sku: 'x'.repeat(81), name: 'y'.repeat(201) })), 422)).toEqual(['name', 'sku']);
      expect(pathsOf(await create(w, 'manager', body(w, { sku: 'A\u0000B' })), 422)).toEqual(['sku']);
      expect(await catalog(w)).toBe(before);
    });

    it('missing fields, and an unknown temperature class', async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      expect(pathsOf(await create(w, 'manager', {}), 422)).toEqual(['name', 'sku', 'temperature_class']);
      // Staff name the seller.
      const noSeller = await create(w, 'manager', { ...body(w), seller: undefined });
      expect(pathsOf(noSeller, 422)).toEqual(['seller']);
      expect(noSeller.body.errors[0].message).toBe('Required.');
      const warm = problemOf(await create(w, 'manager', body(w, { temperature_class: 'warm' })), 422);
      expect(warm.errors).toEqual([{ path: 'temperature_class', message: expect.stringContaining('deep_frozen') }]);
      expect(await catalog(w)).toBe(before);
    });

    it('barcodes: a bad check digit, digits that are no GTIN, a code too short, one given twice, 150 of them', async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      const ean = nextEan();
      const bad = problemOf(await create(w, 'manager', body(w, { barcodes: [badCheck(ean), '123456789', 'AB', ' ', 'Ozon code', ean, `0${ean}`] })), 422);
      expect(bad.errors).toEqual([
        { path: 'barcodes.0', message: `The check digit of ${badCheck(ean)} is wrong: check the number on the label.` },
        { path: 'barcodes.1', message: expect.stringContaining('123456789 is not a barcode') },
        { path: 'barcodes.2', message: expect.stringContaining('AB is not a barcode') },
        { path: 'barcodes.3', message: 'Required.' },
        { path: 'barcodes.4', message: expect.stringContaining('Ozon code is not a barcode') },
        { path: 'barcodes.6', message: `0${ean} is given twice.` },
      ]);
      // Valid one by one, but the same GTIN twice (as EAN-13 and as GTIN-14).
      expect(problemOf(await create(w, 'manager', body(w, { barcodes: [ean, `0${ean}`] })), 422).errors).toEqual([{ path: 'barcodes.1', message: `0${ean} is given twice.` }]);
      const many = problemOf(await create(w, 'manager', body(w, { barcodes: Array.from({ length: 150 }, (_, i) => `OZN${uid()}${i}`) })), 422);
      expect(many.errors).toEqual([{ path: 'barcodes', message: 'At most 20 barcodes.' }]);
      // Units per case need a GTIN to make the case's GTIN-14 from.
      expect(pathsOf(await create(w, 'manager', body(w, { barcodes: ['OZN123456'], units_per_case: 10 })), 422)).toEqual(['units_per_case']);
      expect(await catalog(w)).toBe(before);
    });

    it('a SKU the seller has, a barcode the seller uses (in any spelling), a case barcode that is taken: 409 naming them', async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      const sku = problemOf(await create(w, 'manager', body(w, { sku: w.product.widget.sku })), 409);
      expect(sku.errors).toEqual([{ path: 'sku', message: `The seller already has a product with SKU ${w.product.widget.sku}.` }]);
      expect(sku.detail).toBe(sku.errors![0]!.message);
      const code = problemOf(await create(w, 'manager', body(w, { barcodes: [nextEan(), w.product.kefir.ean] })), 409);
      expect(code.errors).toEqual([{ path: 'barcodes.1', message: `The barcode ${w.product.kefir.ean} already belongs to the seller’s product ${w.product.kefir.sku}.` }]);
      expect(pathsOf(await create(w, 'manager', body(w, { barcodes: [`0${w.product.widget.ean}`] })), 409)).toEqual(['barcodes.0']);
      // A product's case barcode blocks it as another product's unit barcode, and the other way round.
      const cased = await create(w, 'manager', body(w, { units_per_case: 10 }));
      expect(cased.status).toBe(201);
      const caseCode = cased.body.case_barcodes[0].barcode as string;
      expect(problemOf(await create(w, 'manager', body(w, { barcodes: [caseCode] })), 409).errors).toEqual([{ path: 'barcodes.0', message: expect.stringContaining(cased.body.sku) }]);
      const afterCased = await catalog(w);
      // Another packaging level of the same item (indicator 2): its case would be the taken case code.
      const level2 = gtin(`2${(cased.body.barcodes[0] as string).slice(0, 12)}`);
      expect(caseGtinOf(level2)).toBe(caseCode);
      const clash = problemOf(await create(w, 'manager', body(w, { barcodes: [`OZN${uid()}`, level2], units_per_case: 4 })), 409);
      expect(clash.errors).toEqual([{ path: 'barcodes.1', message: `The case barcode ${caseCode} (a case of ${level2}) already belongs to the seller’s product ${cased.body.sku}.` }]);
      expect(await catalog(w)).toBe(afterCased);
      expect(before).not.toBe(afterCased);
    });

    it('a body that is not JSON is 400, a bad Idempotency-Key 422', async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      problemOf(await send(await tokenOf(w, 'manager'), '{"sku": ', { raw: true }), 400);
      problemOf(await send(await tokenOf(w, 'manager'), '[1]', { raw: true }), 400);
      expect(pathsOf(await create(w, 'manager', body(w), { key: 'short' }), 422)).toEqual(['Idempotency-Key']);
      expect(await catalog(w)).toBe(before);
    });
  });

  describe('security', () => {
    it("a seller naming another seller is refused as an unknown seller (422), exactly as a seller that does not exist, and nothing is written", async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      const other = problemOf(await create(w, 'sellerA', body(w, { seller: w.sellerB.code })), 422);
      const none = problemOf(await create(w, 'sellerA', body(w, { seller: 'NOSUCHSELLER' })), 422);
      expect(other.errors).toEqual([{ path: 'seller', message: expect.stringContaining(w.sellerB.code) }]);
      expect(other.errors![0]!.message.replace(w.sellerB.code, '«code»')).toBe(none.errors![0]!.message.replace('NOSUCHSELLER', '«code»'));
      expect(other.detail).toBe(none.detail);
      // Nor does it tell whether seller B has the SKU.
      const taken = problemOf(await create(w, 'sellerA', body(w, { seller: w.sellerB.code, sku: w.product.gadget.sku })), 422);
      expect(taken.errors!.map((e) => e.path)).toEqual(['seller']);
      expect(await catalog(w)).toBe(before);
    });

    it('operators may not create products (403), with or without a valid body; no token is 401', async () => {
      const w = await makeWorld(db());
      const before = await catalog(w);
      problemOf(await create(w, 'operator', body(w)), 403);
      problemOf(await create(w, 'operatorOther', {}), 403);
      const anon = problemOf(await send(null, body(w)), 401);
      expect(anon.status).toBe(401);
      problemOf(await send('nope.nope', body(w)), 401);
      expect(await catalog(w)).toBe(before);
    });

    it('an admin creates for any seller', async () => {
      const w = await makeWorld(db());
      const a = await create(w, 'admin', body(w, { seller: w.sellerB.code }));
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      expect(a.body.seller).toBe(w.sellerB.code);
      // Seller A does not see it.
      expect(await list(w, 'sellerA', `q=${a.body.sku}`)).toEqual([]);
    });
  });

  describe.runIf(backend === 'postgres')('concurrency (PostgreSQL)', () => {
    it('creates of one SKU at once: one 201, the others 409, one product', async () => {
      const w = await makeWorld(db());
      const token = await tokenOf(w, 'manager');
      const sku = `RACE-${uid()}`;
      const answers = await Promise.all(Array.from({ length: 6 }, () => send(token, body(w, { sku }))));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409)) expect(problemOf(a, 409).errors!.map((e) => e.path)).toContain('sku');
      const [n] = await db().select({ n: sql<number>`count(*)::int` }).from(products).where(eq(products.sku, sku));
      expect(n!.n).toBe(1);
    });

    it('two SKUs with one barcode at once: one 201, one 409 naming the barcode', async () => {
      const w = await makeWorld(db());
      const token = await tokenOf(w, 'manager');
      const ean = nextEan();
      const answers = await Promise.all([send(token, body(w, { barcodes: [ean] })), send(token, body(w, { barcodes: [ean] }))]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(problemOf(answers.find((a) => a.status === 409)!, 409).errors).toEqual([{ path: 'barcodes.0', message: expect.stringContaining(ean) }]);
      expect(await db().select().from(productBarcodes).where(eq(productBarcodes.code, ean))).toHaveLength(1);
    });

    it('one create with one Idempotency-Key sent 5 times at once: 201 each, the same product, made once', async () => {
      const w = await makeWorld(db());
      const token = await tokenOf(w, 'manager');
      const sent = body(w, { units_per_case: 8 });
      const key = randomUUID();
      const answers = await Promise.all(Array.from({ length: 5 }, () => send(token, sent, { key })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
      expect(await db().select().from(products).where(eq(products.sku, sent.sku))).toHaveLength(1);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { apiTokens } from '../../src/db/schema/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock } from '../helpers/world.ts';

describe.each(backends)('API tokens for people on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;
  const tokenOf = (html: string) => /data-token[^>]*>([a-z2-9]{24}\.[a-z2-9]{24})</.exec(html)?.[1];

  it('a seller makes a token on the page; with it the API answers as the seller (their stock only); revoked, it is 401', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 },
      { productId: w.product.gadget.id, locationId: w.loc.a2.id, quantity: 7 },
    ]);
    const app = testApp(db());
    const seller = await signedIn(app, w.user.sellerA.email);
    expect((await seller.get('/tokens')).status).toBe(200);
    const made = await (await seller.post('/tokens', { name: 'ERP sync' })).text();
    const token = tokenOf(made);
    expect(token).toBeDefined();
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.userId, w.user.sellerA.id));
    expect(row).toMatchObject({ kind: 'user', name: 'ERP sync', revokedAt: null, lastUsedAt: null });
    // Shown once: the list does not show it again.
    expect(tokenOf(await (await seller.get('/tokens')).text())).toBeUndefined();
    const api = (path: string, t = token!) => app.request(`http://localhost${path}`, { headers: { Authorization: `Bearer ${t}` } });
    const res = await api(`/api/v1/stock?warehouse=${w.warehouse.code}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { sku: string }[] };
    expect(body.items.map((i) => i.sku)).toEqual([w.product.widget.sku]);
    expect((await db().select().from(apiTokens).where(eq(apiTokens.id, row!.id)))[0]!.lastUsedAt).toBeInstanceOf(Date);
    // A POST with the token needs no CSRF token (no cookie is involved).
    const post = await app.request('http://localhost/api/v1/orders', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ warehouse: w.warehouse.code, external_id: 'T-1', lines: [{ sku: w.product.widget.sku, quantity: 1 }] }) });
    expect(post.status).toBe(201);
    // It opens the JSON API only: with it alone, pages and forms see nobody signed in.
    const bearer = { Authorization: `Bearer ${token}` };
    const page = await app.request('http://localhost/inventory', { headers: bearer });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/login/);
    const mint = await app.request('http://localhost/tokens', { method: 'POST', headers: { ...bearer, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' }, body: 'name=another' });
    expect(mint.status).toBe(403);
    const revokeByToken = await app.request(`http://localhost/tokens/${row!.id}/revoke`, { method: 'POST', headers: { ...bearer, Origin: 'http://localhost' } });
    expect(revokeByToken.status).toBe(403);
    expect(await db().select().from(apiTokens).where(eq(apiTokens.userId, w.user.sellerA.id))).toHaveLength(1);
    // Another seller cannot revoke it; the owner can.
    const other = await signedIn(app, w.user.sellerB.email);
    expect((await other.post(`/tokens/${row!.id}/revoke`, {})).status).toBe(404);
    expect((await seller.post(`/tokens/${row!.id}/revoke`, {})).status).toBe(303);
    const revoked = await api('/api/v1/stock');
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer realm="caravan"');
  });

  it('an admin makes a token for an operator; managers and operators may not make tokens; a bad name is refused', async () => {
    const w = await makeWorld(db());
    const app = testApp(db());
    const admin = await signedIn(app, w.user.admin.email);
    const made = await (await admin.post('/tokens', { name: 'Handheld app', user: w.user.operator.email })).text();
    const token = tokenOf(made)!;
    const res = await app.request(`http://localhost/api/v1/warehouses`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await res.json()) as { items: { code: string }[] }).items.map((x) => x.code)).toEqual([w.warehouse.code]);
    expect((await admin.post('/tokens', { name: '', user: w.user.operator.email })).status).toBe(422);
    expect((await admin.post('/tokens', { name: 'x', user: 'nobody@nowhere.test' })).status).toBe(422);
    for (const who of [w.user.manager.email, w.user.operator.email]) {
      const c = await signedIn(app, who);
      expect((await c.get('/tokens')).status).toBe(200);
      expect((await c.post('/tokens', { name: 'mine' })).status).toBe(403);
    }
    expect((await app.request('http://localhost/tokens')).status).toBe(303);
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1, public, lists every API route with bodies from the route schemas, and has a docs page', async () => {
    const database = await openTestDatabase('pglite');
    try {
      const app = testApp(database.db);
      const res = await app.request('http://localhost/api/v1/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> } }>> };
      expect(doc.openapi).toBe('3.1.0');
      for (const path of ['/api/v1/orders', '/api/v1/temperature-readings', '/api/v1/transfers', '/api/v1/inbound-shipments', '/api/v1/stock']) expect(Object.keys(doc.paths)).toContain(path);
      const order = doc.paths['/api/v1/orders']!.post!.requestBody!.content['application/json']!.schema;
      expect(Object.keys(order.properties)).toEqual(expect.arrayContaining(['warehouse', 'external_id', 'lines']));
      expect(order.required).toEqual(expect.arrayContaining(['warehouse', 'external_id', 'lines']));
      const transfer = doc.paths['/api/v1/transfers']!.post!.requestBody!.content['application/json']!.schema;
      expect(Object.keys(transfer.properties)).toEqual(expect.arrayContaining(['from_warehouse', 'to_warehouse', 'transport', 'lines']));
      // Every route the server answers under /api/v1 is in the document, with each path parameter.
      const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
      const served = app.routes
        .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
        .flatMap((r) => {
          // `:action{submit|cancel}` is one path per word; `:id{[0-9]+}` or `:id` is `{id}`.
          const alternatives = /:([a-z]+)\{([a-z|-]+)\}/i.exec(r.path);
          const paths = alternatives ? alternatives[2]!.split('|').map((word) => r.path.replace(alternatives[0], word)) : [r.path];
          return paths.map((p) => `${r.method} ${p.replace(/:([a-z]+)(\{[^}]*\})?/gi, '{$1}')}`);
        });
      expect(served.filter((route) => !documented.has(route))).toEqual([]);
      const pick = doc.paths['/api/v1/pick-lists/{id}/picks']!.post as { parameters: { name: string; in: string }[] };
      expect(pick.parameters.map((x) => `${x.in}:${x.name}`)).toEqual(['path:id', 'header:Idempotency-Key']);
      // Every POST that moves stock or creates a document takes the key; a list names its query.
      for (const path of ['/api/v1/orders', '/api/v1/orders/{id}/ship', '/api/v1/transfers/{id}/dispatch', '/api/v1/putaways']) {
        const op = doc.paths[path]!.post as { parameters: { name: string }[] };
        expect(op.parameters.map((x) => x.name), path).toContain('Idempotency-Key');
      }
      const excursions = doc.paths['/api/v1/excursions']!.get as { parameters: { name: string; in: string }[] };
      expect(excursions.parameters.map((x) => `${x.in}:${x.name}`)).toEqual(expect.arrayContaining(['query:warehouse', 'query:open', 'query:limit', 'query:cursor']));
      const page = await app.request('http://localhost/api/docs');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/api/v1/transfers/{id}/receipts');
    } finally {
      await database.close();
    }
  });
});

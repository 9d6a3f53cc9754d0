import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { sessions, users } from '../../src/db/schema/index.ts';
import { hashSecret } from '../../src/auth/session.ts';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { makeWorld } from '../helpers/world.ts';

describe.each(backends)('sign-in and sessions on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(() => database.close());

  describe('happy', () => {
    it('signs in with e-mail and password and lands on the inventory', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      const page = await c.get('/login');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('name="password"');
      const res = await c.login(w.user.manager.email);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/inventory');
      const cookie = res.headers.getSetCookie().find((s) => s.startsWith('caravan_session='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\//);
      const signedInPage = await c.get('/inventory');
      expect(signedInPage.status).toBe(200);
      // Not kept by the browser: Back after signing out shows nothing of it.
      expect(signedInPage.headers.get('cache-control')).toBe('private, no-store');
    });

    it('keeps only a SHA-256 hash of the session secret', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      await c.login(w.user.admin.email);
      const token = c.cookies.get('caravan_session')!;
      const [id, secret] = token.split('.');
      expect(id).toMatch(/^[a-z2-9]{24}$/);
      expect(secret).toMatch(/^[a-z2-9]{24}$/);
      const [row] = await database.db.select().from(sessions).where(eq(sessions.id, id!));
      expect(Buffer.from(row!.secretHash).equals(Buffer.from(hashSecret(secret!)))).toBe(true);
      expect(JSON.stringify(row)).not.toContain(secret);
    });

    it('sets Secure on cookies over https', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db), 'https://wms.example');
      const res = await c.login(w.user.manager.email);
      expect(res.headers.getSetCookie().find((s) => s.startsWith('caravan_session='))).toMatch(/Secure/);
    });

    it('slides the expiry when the session is used after the check interval', async () => {
      const w = await makeWorld(database.db);
      const c = await signedIn(testApp(database.db), w.user.manager.email);
      const id = c.cookies.get('caravan_session')!.split('.')[0]!;
      await database.db.update(sessions).set({ lastVerifiedAt: sql`now() - interval '2 hours'` }).where(eq(sessions.id, id));
      expect((await c.get('/inventory')).status).toBe(200);
      const [row] = await database.db.select().from(sessions).where(eq(sessions.id, id));
      expect(Date.now() - row!.lastVerifiedAt.getTime()).toBeLessThan(60_000);
    });

    it('signs out: the session is gone from the database and the cookie no longer works', async () => {
      const w = await makeWorld(database.db);
      const c = await signedIn(testApp(database.db), w.user.operator.email);
      const token = c.cookies.get('caravan_session')!;
      const res = await c.post('/logout', {});
      expect(res.status).toBe(303);
      expect(await database.db.select().from(sessions).where(eq(sessions.id, token.split('.')[0]!))).toEqual([]);
      c.cookies.set('caravan_session', token);
      const after = await c.get('/inventory');
      expect(after.status).toBe(303);
      expect(after.headers.get('location')).toMatch(/^\/login/);
    });

    it('switches language, remembers it for the user, and falls back to Accept-Language', async () => {
      const w = await makeWorld(database.db);
      const anon = new Client(testApp(database.db));
      expect(await (await anon.get('/login', { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' } })).text()).toContain('登录');
      expect(await (await anon.get('/login', { headers: { 'Accept-Language': 'ru-RU' } })).text()).toContain('Вход');
      const c = await signedIn(testApp(database.db), w.user.manager.email);
      const res = await c.post('/locale', { locale: 'ru', next: '/inventory' });
      expect(res.headers.get('location')).toBe('/inventory');
      const fresh = await signedIn(testApp(database.db), w.user.manager.email);
      const html = await (await fresh.get('/inventory', { headers: { 'Accept-Language': 'en' } })).text();
      expect(html).toContain('lang="ru"');
      expect(html).toContain('Остатки');
    });
  });

  describe('errors', () => {
    it('a wrong password or an unknown e-mail gets the same message and no session', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      await c.get('/login');
      const wrong = await c.post('/login', { email: w.user.manager.email, password: 'nope' });
      const unknown = await c.post('/login', { email: 'nobody@test.example', password: 'nope' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(await wrong.text()).toContain('Wrong e-mail or password');
      expect(await unknown.text()).toContain('Wrong e-mail or password');
      expect(c.cookies.has('caravan_session')).toBe(false);
    });

    it('empty fields are refused with a message', async () => {
      const c = new Client(testApp(database.db));
      await c.get('/login');
      const res = await c.post('/login', { email: '', password: '' });
      expect(res.status).toBe(422);
    });

    it('an expired session sends the user back to sign in', async () => {
      const w = await makeWorld(database.db);
      const c = await signedIn(testApp(database.db), w.user.manager.email);
      const id = c.cookies.get('caravan_session')!.split('.')[0]!;
      await database.db.update(sessions).set({ lastVerifiedAt: sql`now() - interval '8 days'` }).where(eq(sessions.id, id));
      const res = await c.get('/inventory');
      expect(res.status).toBe(303);
      expect(await database.db.select().from(sessions).where(eq(sessions.id, id))).toEqual([]);
    });
  });

  describe('security', () => {
    it("a deactivated user's session and API token stop working at once", async () => {
      const w = await makeWorld(database.db);
      const app = testApp(database.db);
      const c = await signedIn(app, w.user.manager.email);
      const { token } = await createApiToken(database.db, { kind: 'user', name: 'erp', createdBy: w.user.admin.id, userId: w.user.manager.id });
      const api = () => app.request('http://localhost/api/v1/warehouses', { headers: { Authorization: `Bearer ${token}` } });
      expect((await api()).status).toBe(200);
      await database.db.update(users).set({ active: false }).where(eq(users.id, w.user.manager.id));
      const page = await c.get('/inventory');
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toMatch(/^\/login/);
      const refused = await api();
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    });

    it('rate-limits guessing: after 5 failures even the right password is refused for a while', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      await c.get('/login');
      for (let i = 0; i < 5; i++) expect((await c.post('/login', { email: w.user.sellerA.email, password: `guess-${i}` })).status).toBe(401);
      const blocked = await c.post('/login', { email: w.user.sellerA.email, password: 'correct horse battery' });
      expect(blocked.status).toBe(429);
      expect(await blocked.text()).toContain('Too many failed sign-ins');
      // Other accounts are not locked out by it.
      expect((await c.login(w.user.sellerB.email)).status).toBe(303);
    });

    it('refuses a form without the CSRF token, with a forged one, or from another origin', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      await c.get('/login');
      expect((await c.post('/login', { email: w.user.manager.email, password: 'correct horse battery' }, { csrf: false })).status).toBe(403);
      expect((await c.post('/login', { email: w.user.manager.email, password: 'correct horse battery', _csrf: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, { csrf: false })).status).toBe(403);
      const signed = await signedIn(testApp(database.db), w.user.manager.email);
      const forged = await signed.post('/logout', {}, { headers: { Origin: 'https://evil.example' } });
      expect(forged.status).toBe(403);
      const noToken = await signed.post('/moves', { warehouse: w.warehouse.code, product: w.product.widget.sku, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1', idempotency_key: 'k-csrf-test' }, { csrf: false });
      expect(noToken.status).toBe(403);
      expect((await signed.get('/inventory')).status).toBe(200);
    });

    it.each(['//evil.example/x', '/\\evil.example', '/\t/evil.example', '/%09/evil.example', 'https://evil.example', '/\n/evil.example'])(
      'never redirects to another site after sign-in (next=%j)',
      async (next) => {
        const w = await makeWorld(database.db);
        const c = new Client(testApp(database.db));
        await c.get('/login');
        const res = await c.post('/login', { email: w.user.manager.email, password: 'correct horse battery', next: decodeURIComponent(next) });
        expect(res.headers.get('location')).toBe('/inventory');
      },
    );

    it('keeps a same-site next with its query', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      await c.get('/login');
      const res = await c.post('/login', { email: w.user.manager.email, password: 'correct horse battery', next: '/inventory?warehouse=MSK&q=x' });
      expect(res.headers.get('location')).toBe('/inventory?warehouse=MSK&q=x');
    });

    it('parallel guesses cannot slip past the limit', async () => {
      const w = await makeWorld(database.db);
      const c = new Client(testApp(database.db));
      await c.get('/login');
      const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => c.post('/login', { email: w.user.sellerB.email, password: `parallel-${i}` }).then((r) => r.status)));
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    });

    it('a malformed or guessed session cookie is ignored', async () => {
      const c = new Client(testApp(database.db));
      c.cookies.set('caravan_session', 'abc.def');
      expect((await c.get('/inventory')).status).toBe(303);
      c.cookies.set('caravan_session', 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbb');
      expect((await c.get('/inventory')).status).toBe(303);
    });
  });
});

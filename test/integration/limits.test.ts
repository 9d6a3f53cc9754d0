import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { MAX_BODY_BYTES, type App } from '../../src/app.tsx';
import { orders } from '../../src/db/schema/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock, uid } from '../helpers/world.ts';
import { balanceOf } from '../helpers/counts.ts';
import { post, problemOf } from '../helpers/api.ts';

/** What a request may carry: no more than the body limit, and no text the database cannot store. */
describe.each(backends)('request limits on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(() => database.close());

  it('a body larger than the limit is a 413 problem in the user language, and nothing is created', async () => {
    const w = await makeWorld(database.db);
    const m = await signedIn(app, w.user.manager.email);
    const body = { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `BIG-${uid()}`, note: 'x'.repeat(MAX_BODY_BYTES), lines: [{ sku: w.product.widget.sku, quantity: 1 }] };
    const p = problemOf(await post(m, '/api/v1/orders', body), 413);
    expect(p.title).toBe('TOO_LARGE');
    expect(p.detail).toContain('16');
    expect(await database.db.select().from(orders).where(eq(orders.sellerId, w.sellerA.id))).toEqual([]);
    // Just under the limit the body is read and judged (here: the note is too long, 422).
    problemOf(await post(m, '/api/v1/orders', { ...body, note: 'x'.repeat(600) }), 422);
  });

  it('a declared length over the limit is refused before the body is read', async () => {
    const w = await makeWorld(database.db);
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.request('/api/v1/orders', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json', 'Content-Length': String(MAX_BODY_BYTES + 1), Origin: m.origin, 'X-CSRF-Token': m.csrf } });
    expect(res.status).toBe(413);
  });

  it('a body sent in chunks without a length is cut off at the limit too', async () => {
    const w = await makeWorld(database.db);
    const m = await signedIn(app, w.user.manager.email);
    const chunk = new TextEncoder().encode('x'.repeat(1 << 20));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES + (2 << 20)) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await m.request('/api/v1/orders', { method: 'POST', body: stream, headers: { 'Content-Type': 'application/json', Origin: m.origin, 'X-CSRF-Token': m.csrf }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  // A NUL byte is text PostgreSQL cannot store. In any field of the relocation form, also with a
  // key that already made a move (the lookups then go out pipelined behind the key's read), it
  // is a 400 and moves nothing: never the "transaction aborted" of a statement behind it.
  it('a NUL byte in a move is a 400 in every field, before and after the key made a move', async () => {
    const w = await makeWorld(database.db);
    await stock(database.db, w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const op = await signedIn(app, w.user.admin.email);
    await op.get('/moves/new');
    const form = { warehouse: w.warehouse.code, product: w.product.widget.ean, from: 'A-01-01-1', to: 'A-01-01-2', quantity: '1', idempotency_key: 'nul-key-123456' };
    const nul = (field: string) => ({ ...form, [field]: '\u0000' });
    expect((await op.post('/moves', nul('from'), { htmx: true })).status).toBe(400);
    expect((await op.post('/moves', form, { htmx: true })).status).toBe(201);
    for (const field of ['from', 'to', 'product']) expect((await op.post('/moves', nul(field), { htmx: true })).status, `${backend}: ${field}`).toBe(400);
    expect(await balanceOf(database.db, w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 1, reserved: 0 });
  });
});

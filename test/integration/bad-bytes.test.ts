import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, stock } from '../helpers/world.ts';
import { balanceOf } from '../helpers/counts.ts';

/**
 * A NUL byte is text PostgreSQL cannot store. Sent in any field of the relocation form, also
 * with a key that already made a move (the lookups then go out pipelined behind the key's
 * read), it is a 400 and moves nothing: never the "transaction aborted" of a statement behind it.
 */
describe.each(backends)('a NUL byte in a move on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(() => database.close());
  it('is a 400 in every field, before and after the key made a move', async () => {
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { withTransaction } from '../../src/db/tx.ts';
import { AppError } from '../../src/errors.ts';
import { move, reserve, verifyLedger } from '../../src/stock/index.ts';
import { hasPostgres, openTestDatabase } from '../helpers/db.ts';
import { balanceOf } from '../helpers/counts.ts';
import { makeWorld, stock } from '../helpers/world.ts';

// PGlite runs one transaction at a time, so races can only be shown on PostgreSQL.
describe.runIf(hasPostgres)('concurrent stock changes on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  it('20 concurrent moves competing for 10 units: exactly 10 succeed, the rest fail cleanly', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        withTransaction(db(), (tx) => move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: w.loc.a1.id, toLocationId: w.loc.customer.id, reason: 'ship', actor: {} })),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(failed).toHaveLength(10);
    for (const f of failed) expect((f.reason as AppError).code).toBe('INSUFFICIENT_STOCK');
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
    expect(await balanceOf(db(), w.loc.customer.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it('the same scan sent 10 times at once moves once', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const key = `scan-${w.warehouse.code}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        withTransaction(db(), (tx) => move(tx, { productId: w.product.widget.id, quantity: 3, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation', actor: {}, idempotencyKey: key })),
      ),
    );
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('opposite moves between two locations all complete (no deadlock reaches the caller)', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 100 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 100 },
    ]);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withTransaction(db(), (tx) =>
          move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: i % 2 ? w.loc.a1.id : w.loc.a2.id, toLocationId: i % 2 ? w.loc.a2.id : w.loc.a1.id, reason: 'relocation', actor: {} }),
        ),
      ),
    );
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 100, reserved: 0 });
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it('30 concurrent reservations for scarce stock reserve exactly what exists', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 25 }]);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        withTransaction(db(), (tx) => reserve(tx, { locationId: w.loc.a1.id, productId: w.product.widget.id, lotId: null, quantity: 2, document: { type: 'order', id: `O${i}`, line: '1' } })),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(12);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 25, reserved: 24 });
    expect((await verifyLedger(db())).ok).toBe(true);
  });
});

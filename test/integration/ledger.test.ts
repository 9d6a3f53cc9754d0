import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Database, Tx } from '../../src/db/client.ts';
import { ledgerEntries } from '../../src/db/schema/index.ts';
import { loadMoveFacts } from '../../src/stock/check.ts';
import { AppError } from '../../src/errors.ts';
import { knownFacts, locationFactSql, move, moveMany, productFactSql, release, reserve, verifyLedger, type LocationFacts, type ProductFacts } from '../../src/stock/index.ts';
import { intArray, queryRows } from '../../src/db/rows.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { makeWorld, stock, type World } from '../helpers/world.ts';

describe.each(backends)('stock ledger on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    const report = await verifyLedger(database.db);
    expect(report.problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  async function expectRejected(w: World, code: string, fn: () => Promise<unknown>) {
    const scope = [w.warehouse.id, w.other.id];
    const before = await stockFingerprint(db(), scope);
    const err = await fn().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    expect(await stockFingerprint(db(), scope)).toBe(before);
    return err as AppError;
  }

  it('a receipt moves units out of the supplier and into the dock: the product sums to zero', async () => {
    const w = await makeWorld(db());
    const { entry, replayed } = await db().transaction((tx) =>
      move(tx, { productId: w.product.widget.id, quantity: 10, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.dock.id, reason: 'receipt', actor: { userId: w.user.operator.id } }),
    );
    expect(replayed).toBe(false);
    expect(entry.quantity).toBe(10);
    expect(entry.warehouseId).toBe(w.warehouse.id);
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await balanceOf(db(), w.loc.supplier.id, w.product.widget.id)).toEqual({ onHand: -10, reserved: 0 });
    await db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 4, fromLocationId: w.loc.dock.id, toLocationId: w.loc.a1.id, reason: 'putaway', actor: {} }));
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 6, reserved: 0 });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 4, reserved: 0 });
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it('the entry a move answers, and a repeat answers, is the row as the schema reads it', async () => {
    const w = await makeWorld(db());
    const input = {
      productId: w.product.kefir.id,
      lotId: w.lot.kefir.id,
      quantity: 3,
      fromLocationId: w.loc.supplier.id,
      toLocationId: w.loc.chilled.id,
      reason: 'receipt' as const,
      document: { type: 'inbound', id: '42' },
      actor: { userId: w.user.operator.id, label: 'dock 1' },
      note: 'first pallet',
      idempotencyKey: `entry-${w.warehouse.id}-${Date.now()}`,
    };
    const first = await db().transaction((tx) => move(tx, input));
    const again = await db().transaction((tx) => move(tx, input));
    const [row] = await db().select().from(ledgerEntries).where(eq(ledgerEntries.id, first.entry.id));
    expect(typeof first.entry.id).toBe('number');
    expect(first.entry.at).toBeInstanceOf(Date);
    expect(first.entry).toEqual(row);
    expect(again).toEqual({ entry: row, replayed: true });
    const bare = await db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.dock.id, reason: 'receipt', actor: {} }));
    const [bareRow] = await db().select().from(ledgerEntries).where(eq(ledgerEntries.id, bare.entry.id));
    expect(bare.entry).toEqual(bareRow);
  });

  it('lots are kept apart and cold goods go to cold slots', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 12 }]);
    expect(await balanceOf(db(), w.loc.chilled.id, w.product.kefir.id, w.lot.kefir.id)).toEqual({ onHand: 12, reserved: 0 });
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it('an idempotent repeat returns the first entry and moves nothing', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    const input = { productId: w.product.widget.id, quantity: 2, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation' as const, actor: {}, idempotencyKey: `scan-${w.warehouse.code}-1` };
    const first = await db().transaction((tx) => move(tx, input));
    const before = await stockFingerprint(db(), [w.warehouse.id, w.other.id]);
    const again = await db().transaction((tx) => move(tx, input));
    expect(again.replayed).toBe(true);
    expect(again.entry.id).toBe(first.entry.id);
    expect(await stockFingerprint(db(), [w.warehouse.id, w.other.id])).toBe(before);
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
    // The same key for a different move is refused.
    await expectRejected(w, 'IDEMPOTENCY_KEY_REUSED', () => db().transaction((tx) => move(tx, { ...input, quantity: 3 })));
  });

  it('reservations hold units: available drops, a pick consumes, a release gives back', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 }]);
    const doc = { type: 'order', id: `O-${w.warehouse.code}`, line: '1' };
    const r = await db().transaction((tx) => reserve(tx, { locationId: w.loc.a1.id, productId: w.product.widget.id, lotId: null, quantity: 7, document: doc }));
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 7 });
    // Only 3 are free: moving 4 unreserved units fails, 3 works.
    await expectRejected(w, 'INSUFFICIENT_STOCK', () =>
      db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 4, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation', actor: {} })),
    );
    await expectRejected(w, 'INSUFFICIENT_STOCK', () => db().transaction((tx) => reserve(tx, { locationId: w.loc.a1.id, productId: w.product.widget.id, lotId: null, quantity: 4, document: doc })));
    // A pick of 5 reserved units.
    await db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 5, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'pick', actor: {}, reservationId: r.id }));
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 2 });
    expect((await verifyLedger(db())).ok).toBe(true);
    expect(await db().transaction((tx) => release(tx, { reservationId: r.id }))).toBe(2);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await db().transaction((tx) => release(tx, { reservationId: r.id }))).toBe(0);
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  it('many moves in one batch change each balance by its net amount', async () => {
    const w = await makeWorld(db());
    const base = { productId: w.product.widget.id, reason: 'receipt' as const, actor: {} };
    await db().transaction((tx) =>
      moveMany(tx, [
        { ...base, quantity: 10, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.dock.id },
        { ...base, quantity: 7, fromLocationId: w.loc.dock.id, toLocationId: w.loc.a1.id, reason: 'putaway' },
        { ...base, quantity: 2, fromLocationId: w.loc.a1.id, toLocationId: w.loc.customer.id, reason: 'ship' },
      ]),
    );
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 5, reserved: 0 });
    expect(await balanceOf(db(), w.loc.customer.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
    // A batch that would leave a real location short changes nothing at all.
    await expectRejected(w, 'INSUFFICIENT_STOCK', () =>
      db().transaction((tx) =>
        moveMany(tx, [
          { ...base, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.a2.id },
          { ...base, quantity: 6, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation' },
        ]),
      ),
    );
    expect((await verifyLedger(db())).ok).toBe(true);
  });

  describe('bad input is refused and writes nothing', () => {
    it.each([0, -1, 1.5, Number.NaN])('quantity %s', async (quantity) => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
      const err = await expectRejected(w, 'VALIDATION', () =>
        db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation', actor: {} })),
      );
      expect(err.key).toBe('error.quantityPositiveInteger');
    });

    it('an unknown product or location', async () => {
      const w = await makeWorld(db());
      await expectRejected(w, 'NOT_FOUND', () =>
        db().transaction((tx) => move(tx, { productId: 999_999_999, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.dock.id, reason: 'receipt', actor: {} })),
      );
      await expectRejected(w, 'NOT_FOUND', () =>
        db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: 999_999_999, reason: 'receipt', actor: {} })),
      );
    });

    it('a product into a location of the wrong temperature class', async () => {
      const w = await makeWorld(db());
      const err = await expectRejected(w, 'WRONG_TEMPERATURE_CLASS', () =>
        db().transaction((tx) => move(tx, { productId: w.product.icecream.id, lotId: w.lot.ice.id, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.a1.id, reason: 'receipt', actor: {} })),
      );
      expect(err.params.location).toBe('A-01-01-1');
      await expectRejected(w, 'WRONG_TEMPERATURE_CLASS', () =>
        db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.frozen.id, reason: 'receipt', actor: {} })),
      );
    });

    it('more than is available, and stock that is not there', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 3 }]);
      const err = await expectRejected(w, 'INSUFFICIENT_STOCK', () =>
        db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 4, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a2.id, reason: 'relocation', actor: {} })),
      );
      expect(err.params).toMatchObject({ available: 3, requested: 4 });
      await expectRejected(w, 'INSUFFICIENT_STOCK', () =>
        db().transaction((tx) => move(tx, { productId: w.product.widget.id, quantity: 1, fromLocationId: w.loc.a2.id, toLocationId: w.loc.a1.id, reason: 'relocation', actor: {} })),
      );
    });

    it('a tracked product without its lot, or with another product’s lot', async () => {
      const w = await makeWorld(db());
      await expectRejected(w, 'VALIDATION', () =>
        db().transaction((tx) => move(tx, { productId: w.product.kefir.id, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.chilled.id, reason: 'receipt', actor: {} })),
      );
      await expectRejected(w, 'VALIDATION', () =>
        db().transaction((tx) => move(tx, { productId: w.product.kefir.id, lotId: w.lot.ice.id, quantity: 1, fromLocationId: w.loc.supplier.id, toLocationId: w.loc.chilled.id, reason: 'receipt', actor: {} })),
      );
    });

    it('the same location, a closed location, or straight into another warehouse', async () => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 3 }]);
      const m = { productId: w.product.widget.id, quantity: 1, reason: 'relocation' as const, actor: {} };
      await expectRejected(w, 'INVALID_MOVE', () => db().transaction((tx) => move(tx, { ...m, fromLocationId: w.loc.a1.id, toLocationId: w.loc.a1.id })));
      await expectRejected(w, 'INVALID_MOVE', () => db().transaction((tx) => move(tx, { ...m, fromLocationId: w.loc.a1.id, toLocationId: w.loc.closed.id })));
      await expectRejected(w, 'INVALID_MOVE', () => db().transaction((tx) => move(tx, { ...m, fromLocationId: w.loc.a1.id, toLocationId: w.loc.otherA1.id })));
      // Through transit it is allowed: out of this warehouse, into the other one.
      await db().transaction((tx) => move(tx, { ...m, reason: 'transfer_out', fromLocationId: w.loc.a1.id, toLocationId: w.loc.transit.id }));
      const arrived = await db().transaction((tx) => move(tx, { ...m, reason: 'transfer_in', fromLocationId: w.loc.transit.id, toLocationId: w.loc.otherA1.id }));
      expect(arrived.entry.warehouseId).toBe(w.other.id);
    });
  });

  describe('facts the caller already read (knownFacts)', () => {
    const readFacts = async (tx: Tx, productId: number, locationIds: number[]) => {
      const [product] = await queryRows<ProductFacts>(tx, sql`SELECT ${productFactSql} FROM products p WHERE p.id = ${productId}`);
      const locs = await queryRows<LocationFacts>(tx, sql`SELECT ${locationFactSql} FROM locations l LEFT JOIN zones z ON z.id = l.zone_id WHERE l.id = ANY(${intArray(locationIds)})`);
      return { product: product!, locs };
    };

    it('the columns a caller selects give the facts the ledger reads itself', async () => {
      const w = await makeWorld(db());
      const ids = [w.loc.supplier.id, w.loc.dock.id, w.loc.frozen.id, w.loc.closed.id, w.loc.transit.id];
      const [mine, own] = await db().transaction(async (tx) => {
        const { product, locs } = await readFacts(tx, w.product.icecream.id, ids);
        return [knownFacts({ products: [product], locations: locs, lots: [{ id: w.lot.ice.id, productId: w.product.icecream.id }] }), await loadMoveFacts(tx, { productIds: [w.product.icecream.id], lotIds: [w.lot.ice.id], locationIds: ids })];
      });
      expect(mine).toEqual(own);
    });

    it('a move checks its rules against them, and reads afresh what they leave out', async () => {
      const w = await makeWorld(db());
      const m = { productId: w.product.icecream.id, lotId: w.lot.ice.id, quantity: 1, fromLocationId: w.loc.supplier.id, reason: 'receipt' as const, actor: {} };
      const lots = [{ id: w.lot.ice.id, productId: w.product.icecream.id }];
      // Ice cream into an ambient rack, with the rack among the facts.
      await expectRejected(w, 'WRONG_TEMPERATURE_CLASS', () =>
        db().transaction(async (tx) => {
          const { product, locs } = await readFacts(tx, m.productId, [w.loc.supplier.id, w.loc.a1.id]);
          return move(tx, { ...m, toLocationId: w.loc.a1.id }, knownFacts({ products: [product], locations: locs, lots }));
        }),
      );
      // Facts that do not name the destination are not taken for it: the ledger reads it.
      await expectRejected(w, 'WRONG_TEMPERATURE_CLASS', () =>
        db().transaction(async (tx) => {
          const { product, locs } = await readFacts(tx, m.productId, [w.loc.supplier.id, w.loc.frozen.id]);
          return move(tx, { ...m, toLocationId: w.loc.a1.id }, knownFacts({ products: [product], locations: locs, lots }));
        }),
      );
      // A lot of another product, named so in the facts or left out of them (read afresh).
      for (const named of [lots, []]) {
        const err = await expectRejected(w, 'VALIDATION', () =>
          db().transaction(async (tx) => {
            const { product, locs } = await readFacts(tx, w.product.kefir.id, [w.loc.supplier.id, w.loc.chilled.id]);
            return move(tx, { ...m, productId: w.product.kefir.id, toLocationId: w.loc.chilled.id }, knownFacts({ products: [product], locations: locs, lots: named }));
          }),
        );
        expect(err.key).toBe('error.unknownLot');
      }
      const { entry } = await db().transaction(async (tx) => {
        const { product, locs } = await readFacts(tx, m.productId, [w.loc.supplier.id, w.loc.frozen.id]);
        return move(tx, { ...m, toLocationId: w.loc.frozen.id }, knownFacts({ products: [product], locations: locs, lots }));
      });
      expect(entry).toMatchObject({ warehouseId: w.warehouse.id, quantity: 1, toLocationId: w.loc.frozen.id });
      expect(await balanceOf(db(), w.loc.frozen.id, m.productId, w.lot.ice.id)).toEqual({ onHand: 1, reserved: 0 });
      expect((await verifyLedger(db())).ok).toBe(true);
    });
  });

  describe('the ledger is append-only in the database', () => {
    it.each([
      ['UPDATE', sql`UPDATE ledger_entries SET quantity = quantity + 1`],
      ['DELETE', sql`DELETE FROM ledger_entries`],
      ['TRUNCATE', sql`TRUNCATE ledger_entries CASCADE`],
    ])('%s is rejected', async (_op, statement) => {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 1 }]);
      const before = await stockFingerprint(db(), [w.warehouse.id, w.other.id]);
      await expect(db().execute(statement)).rejects.toThrow();
      expect(await stockFingerprint(db(), [w.warehouse.id, w.other.id])).toBe(before);
    });

    it('the database refuses a negative balance in a real location even without move()', async () => {
      await expect(db().execute(sql`UPDATE stock_balances SET on_hand = -1 WHERE NOT is_virtual AND id = (SELECT min(id) FROM stock_balances WHERE NOT is_virtual)`)).rejects.toThrow();
    });
  });

  it('verifyLedger finds a balance that drifted from its history', async () => {
    // Drift is made inside a transaction that is rolled back, so other tests never see it.
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 5 }]);
    const problems = await db()
      .transaction(async (tx) => {
        await tx.execute(sql`UPDATE stock_balances SET on_hand = on_hand + 1 WHERE location_id = ${w.loc.a1.id}`);
        const drifted = await verifyLedgerIn(tx);
        throw Object.assign(new Error('rollback'), { drifted });
      })
      .catch((e: { drifted?: string[] }) => e.drifted);
    expect(problems?.some((p) => p.startsWith('balance differs from ledger replay'))).toBe(true);
    expect(problems?.some((p) => p.startsWith('product and lot do not sum to zero'))).toBe(true);
    expect((await verifyLedger(db())).ok).toBe(true);
  });
});

/** verifyLedger on an open transaction (to see uncommitted drift). */
async function verifyLedgerIn(tx: Parameters<Parameters<Database['db']['transaction']>[0]>[0]): Promise<string[]> {
  const fakeDb = { transaction: (fn: (t: typeof tx) => Promise<unknown>) => fn(tx) } as unknown as Database['db'];
  return (await verifyLedger(fakeDb)).problems;
}

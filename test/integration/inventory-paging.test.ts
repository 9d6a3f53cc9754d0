import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { listStock, stockTotals } from '../../src/inventory/queries.ts';
import { readScope } from '../../src/inventory/scope.ts';
import { stockFilterSchema } from '../../src/inventory/filters.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { asUser, makeWorld, stock, type World } from '../helpers/world.ts';

/**
 * The inventory reads its page as an index walk (by location in walking order per warehouse, by
 * product in SKU order) and its totals apart, in an aggregate joined only to the tables a filter
 * names; the whole view (the CSV) is one plain query. They must agree, page by page, for every
 * filter and scope.
 */
describe.each(backends)('inventory paging and totals on %s', (backend) => {
  let database: Database;
  let w: World;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    w = await makeWorld(database.db);
    await stock(database.db, w, [
      { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 },
      { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 4 },
      { productId: w.product.gadget.id, locationId: w.loc.a1.id, quantity: 7 },
      { productId: w.product.gadget.id, locationId: w.loc.dock.id, quantity: 2 },
      { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 5 },
      { productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 3 },
      { productId: w.product.widget.id, locationId: w.loc.otherA1.id, quantity: 6 },
    ]);
  });
  afterAll(async () => {
    await database.close();
  });

  const filters = (): Record<string, string>[] => [
    { warehouse: w.warehouse.code },
    { warehouse: w.other.code },
    { seller: w.sellerA.code, warehouse: w.warehouse.code },
    { seller: w.sellerB.code },
    { class: 'chilled', warehouse: w.warehouse.code },
    { sku: w.product.widget.sku },
    { location: 'A-01-01-1', warehouse: w.warehouse.code },
    { q: w.product.gadget.ean },
    // Other test files write to a shared PostgreSQL at the same time: every filter stays in this world.
    { q: 'A-01-01-1', warehouse: w.warehouse.code },
    { q: w.product.widget.sku.slice(0, 6), warehouse: w.warehouse.code },
  ];

  it('every page in order and the totals equal the whole view, for every filter and every scope', async () => {
    for (const who of ['manager', 'operator', 'operatorOther', 'sellerA', 'sellerB'] as const) {
      const scope = readScope(asUser(w, who));
      for (const raw of filters().flatMap((x) => [x, { ...x, by: 'product' }])) {
        const label = `${who} ${JSON.stringify(raw)}`;
        const f = stockFilterSchema.parse(raw);
        const whole = await listStock(database.db, scope, f, { pageSize: 50, all: true });
        const onHand = whole.rows.reduce((a, r) => a + Number(r.onHand), 0);
        const reserved = whole.rows.reduce((a, r) => a + Number(r.reserved), 0);
        expect(await stockTotals(database.db, scope, f), label).toEqual({ rows: whole.rows.length, onHand, reserved, available: onHand - reserved });
        const key = (r: { balanceId: number; productId: number; warehouseCode: string }) => (f.by === 'product' ? `${r.warehouseCode}|${r.productId}` : String(r.balanceId));
        const seen: string[] = [];
        const last = Math.max(1, Math.ceil(whole.rows.length / 2));
        for (let page = 1; ; page++) {
          const p = await listStock(database.db, scope, { ...f, page }, { pageSize: 2 });
          expect(p.page, `${label} page ${page}`).toBe(page);
          seen.push(...p.rows.map(key));
          expect(p.hasNext, `${label} page ${page}`).toBe(page < last);
          if (!p.hasNext) break;
        }
        expect(seen, label).toEqual(whole.rows.map(key));
        // Past the end (a stale link): the last page.
        const past = await listStock(database.db, scope, { ...f, page: last + 3 }, { pageSize: 2 });
        expect(past.page, label).toBe(last);
        expect(past.rows.map(key), label).toEqual(whole.rows.slice((last - 1) * 2).map(key));
      }
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { listStock } from '../../src/inventory/queries.ts';
import { readScope } from '../../src/inventory/scope.ts';
import { stockFilterSchema } from '../../src/inventory/filters.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { asUser, makeWorld, stock, type World } from '../helpers/world.ts';

/**
 * The inventory by location reads its page in walking order per warehouse and its totals in a
 * separate aggregate joined only to the tables a filter names; the whole view (the CSV) is one
 * query with window aggregates. The two must agree, page by page, for every filter and scope.
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
        const f = stockFilterSchema.parse(raw);
        const whole = await listStock(database.db, scope, f, { pageSize: 50, all: true });
        const seen: string[] = [];
        for (let page = 1; page <= Math.ceil(whole.totals.rows / 2) + 1; page++) {
          const p = await listStock(database.db, scope, { ...f, page }, { pageSize: 2 });
          expect(p.totals, `${who} ${JSON.stringify(raw)} page ${page}`).toEqual(whole.totals);
          if (page > p.pages) {
            // Past the end: the last page.
            expect(p.page).toBe(p.pages);
            break;
          }
          seen.push(...p.rows.map((r) => (f.by === 'product' ? `${r.warehouseCode}|${r.productId}` : String(r.balanceId))));
        }
        const key = (r: { balanceId: number; productId: number; warehouseCode: string }) => (f.by === 'product' ? `${r.warehouseCode}|${r.productId}` : String(r.balanceId));
        expect(seen, `${who} ${JSON.stringify(raw)}`).toEqual(whole.rows.map(key));
      }
    }
  });
});

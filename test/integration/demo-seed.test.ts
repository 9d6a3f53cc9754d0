import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { productBarcodes, products, sellers, users, warehouses, zones } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { gs1CheckDigit } from '../../seeds/barcodes.ts';
import { DEMO_PASSWORD, isDatabaseEmpty, seedDemo } from '../../seeds/demo.ts';
import { Client, testApp } from '../helpers/client.ts';
import { loadDashboard } from '../../src/dashboard/queries.ts';
import { queryRows } from '../../src/db/rows.ts';

describe('the demo data', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    expect(await isDatabaseEmpty(database.db)).toBe(true);
    await seedDemo(database.db);
  });
  afterAll(() => database.close());

  it('has the four warehouses, each with ambient, chilled and frozen zones', async () => {
    const whs = await database.db.select().from(warehouses).orderBy(warehouses.code);
    expect(whs.map((w) => [w.code, w.country, w.timezone])).toEqual([
      ['ALA', 'KZ', 'Asia/Almaty'],
      ['MSK', 'RU', 'Europe/Moscow'],
      ['QDH', 'CN', 'Asia/Shanghai'],
      ['TAS', 'UZ', 'Asia/Tashkent'],
    ]);
    const z = await database.db.select({ code: zones.code }).from(zones).innerJoin(warehouses, eq(warehouses.id, zones.warehouseId)).where(eq(warehouses.code, 'ALA'));
    expect(z.map((r) => r.code).sort()).toEqual(['AMBIENT', 'CHILLED', 'FROZEN']);
    expect(await isDatabaseEmpty(database.db)).toBe(false);
  });

  it('has at least 5 sellers and 300 products with valid EAN-13 barcodes', async () => {
    expect((await database.db.select({ n: count() }).from(sellers))[0]!.n).toBeGreaterThanOrEqual(5);
    expect((await database.db.select({ n: count() }).from(products))[0]!.n).toBeGreaterThanOrEqual(300);
    const eans = await database.db.select({ code: productBarcodes.code }).from(productBarcodes).where(eq(productBarcodes.kind, 'ean13'));
    expect(eans.length).toBeGreaterThanOrEqual(300);
    for (const { code } of eans) {
      expect(code).toMatch(/^\d{13}$/);
      expect(Number(code[12])).toBe(gs1CheckDigit(code.slice(0, 12)));
    }
    const cases = await database.db.select({ code: productBarcodes.code, units: productBarcodes.units }).from(productBarcodes).where(eq(productBarcodes.kind, 'gtin14'));
    for (const c of cases) {
      expect(Number(c.code[13])).toBe(gs1CheckDigit(c.code.slice(0, 13)));
      expect(c.units).toBeGreaterThan(1);
    }
  });

  it('posted its opening stock through the ledger, so it replays', async () => {
    const report = await verifyLedger(database.db);
    expect(report.problems).toEqual([]);
    expect(report.entries).toBeGreaterThan(1000);
    const cold = (await database.db.execute(sql`
      SELECT count(*)::int AS n FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN zones z ON z.id = l.zone_id
      JOIN products p ON p.id = b.product_id WHERE b.on_hand > 0 AND z.temperature_class <> p.temperature_class`)) as unknown as { rows: { n: number }[] };
    expect(cold.rows[0]!.n).toBe(0);
  });

  it('has the demo users, who can sign in with the demo password', async () => {
    const emails = (await database.db.select({ email: users.email }).from(users)).map((u) => u.email);
    expect(emails).toEqual(expect.arrayContaining(['admin@demo.test', 'manager@demo.test', 'operator.msk@demo.test', 'seller1@demo.test', 'seller2@demo.test']));
    const app = testApp(database.db);
    for (const email of emails) {
      const c = new Client(app);
      expect((await c.login(email, DEMO_PASSWORD)).status).toBe(303);
    }
    const s1 = new Client(app);
    await s1.login('seller1@demo.test', DEMO_PASSWORD);
    const html = await (await s1.get('/inventory?by=product')).text();
    expect(html).toContain('HF-');
    expect(html).not.toContain('LX-');
  });

  it("lists the four Moscow products it set low on the dashboard, at Moscow and in the view of all", async () => {
    const whs = await database.db.select().from(warehouses).orderBy(warehouses.code);
    const msk = whs.find((w) => w.code === 'MSK')!;
    const atMsk = await loadDashboard(database.db, { warehouses: [msk], expiringDays: 30 });
    expect(atMsk.lowStock.total).toBe(4);
    const all = await loadDashboard(database.db, { warehouses: whs, expiringDays: 30 });
    expect(all.lowStock.rows.filter((r) => r.warehouse === 'MSK').map((r) => r.sku)).toEqual(atMsk.lowStock.rows.map((r) => r.sku));
  });

  it('holds no location above its capacity, and every unit in transit travels on a dispatched transfer', async () => {
    const over = await queryRows(database.db, sql`SELECT l.code FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.capacity IS NOT NULL GROUP BY l.id HAVING sum(b.on_hand) > l.capacity`);
    expect(over).toEqual([]);
    const [road] = await queryRows<{ transit: number; dispatched: number }>(
      database.db,
      sql`SELECT (SELECT coalesce(sum(b.on_hand), 0)::int FROM stock_balances b JOIN locations l ON l.id = b.location_id WHERE l.kind = 'transit') AS transit,
                 (SELECT coalesce(sum(tl.dispatched_qty - tl.received_qty), 0)::int FROM transfer_lines tl JOIN transfers t ON t.id = tl.transfer_id WHERE t.status = 'dispatched') AS dispatched`,
    );
    expect(Number(road!.transit)).toBeGreaterThan(0);
    expect(Number(road!.transit)).toBe(Number(road!.dispatched));
  });
});

/**
 * The two morning pages in real Chromium. A seller signs in with the Chinese interface on a
 * 1280 px desktop and then a 360 px phone, and sees only their own stock: the portal, the
 * inventory and another seller's product (404). A manager at 1280 px opens the dashboard and
 * sees its charts drawn.
 *
 * Runs where /usr/bin/chromium exists; CI installs it and requires these tests.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { queryRows } from '../../src/db/rows.ts';
import { products, sellers } from '../../src/db/schema/index.ts';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo.ts';
import { noHorizontalScroll, shot, signInPage, skipBrowser, startBrowserApp, SCANNER, type BrowserApp } from '../helpers/browser.ts';

const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 768, height: 1024 };

describe.skipIf(skipBrowser)('the seller portal and the manager dashboard (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let desk: BrowserApp | undefined;
  let phone: BrowserApp | undefined;
  const own = new Set<string>();
  const others = new Set<string>();
  let otherProductId = 0;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);
    const rows = await db.select({ id: products.id, sku: products.sku, seller: sellers.code }).from(products).innerJoin(sellers, eq(sellers.id, products.sellerId));
    for (const r of rows) (r.seller === 'HARBIN-FROST' ? own : others).add(r.sku);
    otherProductId = rows.find((r) => r.seller === 'SZ-LIANXIN')!.id;
    desk = await startBrowserApp(db, DESKTOP);
    phone = await startBrowserApp(db, SCANNER);
  }, 120_000);

  afterAll(async () => {
    await desk?.close();
    await phone?.close();
    if (database) {
      expect((await verifyLedger(database.db)).problems).toEqual([]);
      await database.close();
    }
  });

  const signInSeller = async (b: BrowserApp) => {
    await b.context.clearCookies();
    const page = await b.context.newPage();
    await page.goto(`${b.base}/login`);
    // The sign-in page switched to Chinese before signing in.
    await Promise.all([page.waitForLoadState('load'), page.locator('.lang-switch button[value="zh"]').click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.locator('#f-email').fill('seller1@demo.test');
    await page.locator('#f-password').fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${b.base}/portal`), page.locator('#f-password').press('Enter')]);
    return page;
  };

  it('a seller signs in in Chinese and sees only their own stock, on the desktop and on the phone', async () => {
    for (const b of [desk!, phone!]) {
      const page = await signInSeller(b);
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect(await page.locator('h1').textContent()).toContain('概览');
      const skus = await page.locator('#portal-products tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku') ?? ''));
      expect(skus.length).toBeGreaterThan(0);
      for (const s of skus) expect(own.has(s), `${s} is HARBIN-FROST's`).toBe(true);
      const text = (await page.locator('main').textContent()) ?? '';
      for (const s of others) expect(text).not.toContain(s);
      // The page's available total is the seller's unreserved units in real locations (per the
      // ledger), but quarantine, staging and lots expiring today or before.
      const [expected] = await queryRows<{ available: number }>(
        db,
        sql`SELECT COALESCE(SUM(b.on_hand - b.reserved), 0)::int AS available FROM stock_balances b JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = p.seller_id JOIN locations l ON l.id = b.location_id
              JOIN warehouses w ON w.id = b.warehouse_id LEFT JOIN lots lt ON lt.id = b.lot_id
            WHERE s.code = 'HARBIN-FROST' AND l.kind NOT IN ('supplier', 'customer', 'transit', 'adjustment', 'quarantine', 'staging')
              AND (lt.expires_on IS NULL OR lt.expires_on > (now() AT TIME ZONE w.timezone)::date)`,
      );
      const total = (await page.locator('tr[data-warehouse="total"] [data-figure="available"]').textContent())!.replace(/[^\d]/g, '');
      expect(Number(total)).toBe(expected!.available);
      if (b === phone) await noHorizontalScroll(page);
      await shot(page, b === phone ? 'portal-seller-zh-360' : 'portal-seller-zh-1280');

      await page.goto(`${b.base}/inventory`);
      const invText = (await page.locator('main').textContent()) ?? '';
      for (const s of others) expect(invText).not.toContain(s);
      const res = await page.goto(`${b.base}/products/${otherProductId}`);
      expect(res!.status()).toBe(404);
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await page.close();
    }
  });

  it('switching the language keeps the filters a page applied in place', async () => {
    const page = await signInSeller(desk!);
    // What htmx does when a filter is applied: the address changes, the page is not reloaded.
    await page.evaluate(() => history.pushState({}, '', '/portal?q=HF-00'));
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith('/portal?q=HF-00')), page.locator('.lang-switch button[value="en"]').click()]);
    await page.waitForLoadState('load');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(new URL(page.url()).search).toBe('?q=HF-00');
    await page.close();
  });

  it('a manager at 1280 px sees the dashboard with its charts drawn', async () => {
    const page = await signInPage(desk!, 'manager@demo.test', DEMO_PASSWORD);
    await page.goto(`${desk!.base}/dashboard?warehouse=MSK`);
    for (const id of ['dash-trend', 'dash-throughput']) {
      const holder = page.locator(`[data-dash-chart="${id}"]`);
      await expect.poll(() => holder.locator('.uplot canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const box = await holder.locator('.uplot canvas').first().boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(100);
    }
    // The trend ends at today's stock: the same figure as the inventory's on-hand total of MSK.
    const [msk] = await queryRows<{ on_hand: number }>(
      db,
      sql`SELECT COALESCE(SUM(b.on_hand), 0)::int AS on_hand FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN warehouses w ON w.id = l.warehouse_id
          WHERE w.code = 'MSK' AND l.kind NOT IN ('supplier', 'customer', 'transit', 'adjustment')`,
    );
    const trend = JSON.parse((await page.locator('#dash-trend').textContent())!) as unknown;
    expect(JSON.stringify(trend)).toContain(String(msk!.on_hand));
    await noHorizontalScroll(page, DESKTOP.width);
    await shot(page, 'dashboard-1280');
  });

  it('a manager on a 768 px tablet: a one-row menu, and the inventory\'s quantities in view without scrolling sideways', async () => {
    const page = await signInPage(desk!, 'manager@demo.test', DEMO_PASSWORD);
    await page.setViewportSize(TABLET);
    await page.goto(`${desk!.base}/inventory`);
    // The menu is one row under the brand, not a column down the page.
    const topbar = await page.locator('.topbar').boundingBox();
    expect(topbar!.height).toBeLessThan(140);
    const navRows = await page.locator('.nav a').evaluateAll((links) => new Set(links.map((a) => Math.round(a.getBoundingClientRect().top))).size);
    expect(navRows).toBe(1);
    for (const view of ['/inventory', '/inventory?by=product']) {
      await page.goto(`${desk!.base}${view}`);
      await noHorizontalScroll(page, TABLET.width);
      for (const cell of ['thead th.s-av', 'tbody tr:first-child td.s-av', 'tbody tr:first-child td.s-oh']) {
        const box = await page.locator(`table.stock ${cell}`).boundingBox();
        expect(box, cell).not.toBeNull();
        expect(box!.x + box!.width, `${view} ${cell} is in view`).toBeLessThanOrEqual(TABLET.width);
      }
      // The rows' table does not scroll inside itself either.
      expect(await page.locator('.table-scroll').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
    }
    await shot(page, 'inventory-768');
    for (const view of ['/dashboard', '/transfers', '/orders']) {
      await page.goto(`${desk!.base}${view}`);
      await noHorizontalScroll(page, TABLET.width);
    }
    // The transfers' status filter names the statuses as the badges' labels are written on their own.
    await page.goto(`${desk!.base}/transfers`);
    expect(await page.locator('select[name="status"] option[value="dispatched"]').textContent()).toBe('In transit');
    await page.close();
  });
});

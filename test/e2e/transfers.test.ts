/**
 * A transfer Qingdao → Almaty in real Chromium at 1280 px: the manager creates it on the form,
 * starts picking, loads it by scan and dispatches it; at Almaty the truck is checked in and the goods received on the
 * scanner screen, short; the transfer's record shows the discrepancy and the moves.
 *
 * Runs where /usr/bin/chromium exists; CI installs it and requires these tests.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { queryRows } from '../../src/db/rows.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo.ts';
import { noHorizontalScroll, shot, signInPage, skipBrowser, startBrowserApp, SCANNER, type BrowserApp } from '../helpers/browser.ts';

describe.skipIf(skipBrowser)('a transfer Qingdao → Almaty, received short (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let browser: BrowserApp | undefined;
  let item = { sku: '', seller: '', ean: '' };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);
    const [row] = await queryRows<{ sku: string; seller: string; ean: string }>(
      db,
      sql`SELECT p.sku, s.code AS seller, (SELECT code FROM product_barcodes pb WHERE pb.product_id = p.id AND pb.kind = 'ean13' LIMIT 1) AS ean
          FROM stock_balances b JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = p.seller_id JOIN locations l ON l.id = b.location_id JOIN warehouses w ON w.id = b.warehouse_id
          WHERE w.code = 'QDH' AND l.kind IN ('storage', 'pick') AND p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry
            AND b.on_hand - b.reserved >= 5 AND EXISTS (SELECT 1 FROM product_barcodes pb WHERE pb.product_id = p.id AND pb.kind = 'ean13')
          ORDER BY p.sku LIMIT 1`,
    );
    item = row!;
    browser = await startBrowserApp(db, { width: 1280, height: 900 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (database) {
      expect((await verifyLedger(database.db)).problems).toEqual([]);
      await database.close();
    }
  });

  it('creates, picks, dispatches, receives short on the scanner, and the record shows the discrepancy', async () => {
    const page = await signInPage(browser!, 'manager@demo.test', DEMO_PASSWORD);
    await page.goto(`${browser!.base}/transfers/new`);
    await page.locator('#f-from_warehouse').selectOption('QDH');
    await page.locator('#f-to_warehouse').selectOption('ALA');
    await page.locator('#f-mode').selectOption('road_tir');
    await page.locator('#f-tir_carnet').fill('XZ 40021987');
    await page.locator('#f-vehicle_plate').fill('鲁B 12345');
    await page.locator('#f-seals').fill('CN-7781');
    await page.locator('input[name="line_sku"]').first().fill(item.sku);
    await page.locator('input[name="line_seller"]').first().fill(item.seller);
    await page.locator('input[name="line_quantity"]').first().fill('5');
    await Promise.all([page.waitForURL(/\/transfers\/\d+$/), page.getByRole('button', { name: 'Create the transfer' }).click()]);
    const url = page.url();
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: /Start picking/ }).click()]);
    expect(await page.locator('h2', { hasText: 'Pick list' }).count()).toBe(1);
    // Confirm-by-scan: every picked unit scanned onto the truck, then dispatch.
    await page.getByRole('link', { name: 'Load by scan' }).click();
    await page.waitForURL(`${url}/load`);
    await page.locator('#f-scan').pressSequentially(item.ean);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('[data-result="ok"]').count()).toBe(1);
    expect(await page.locator('.pl-count').first().textContent()).toBe('5 / 5');
    await shot(page, 'transfer-load-1280');
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: /Dispatch:/ }).click()]);
    expect(await page.locator('.badge.transfer-dispatched').first().textContent()).toBe('in transit');
    await page.locator('#f-celsius').fill('');
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Check the truck in' }).click()]);
    expect(await page.locator('.badge.transfer-arrived').count()).toBeGreaterThan(0);

    // The scanner screen at Almaty: 3 of the 5 arrive.
    await page.setViewportSize(SCANNER);
    await page.goto(`${url}/receive`);
    await page.locator('#f-scan').pressSequentially(item.ean);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-quantity');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('[data-result="ok"]').count()).toBe(1);
    expect(await page.locator('.pl-count').first().textContent()).toBe('3 / 5');
    await noHorizontalScroll(page);
    await shot(page, 'transfer-receive-360');
    // More than is on the road: refused next to the quantity.
    await page.locator('#f-scan').pressSequentially(item.ean);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('9');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('[data-result="error"]').count()).toBe(1);

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url);
    await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Finish receiving' }).click()]);
    const html = await page.content();
    expect(html).toContain('2 units dispatched have not arrived');
    const line = page.locator('tr[data-line="1"] td');
    expect(await line.nth(5).textContent()).toBe('5');
    expect(await line.nth(6).textContent()).toBe('3');
    expect((await line.nth(9).textContent())?.startsWith('2')).toBe(true);
    expect(html).toContain('TRANSIT-ALA');
    await shot(page, 'transfer-record-1280');
    await page.close();
  });
});

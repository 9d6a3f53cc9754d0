/**
 * A cycle count in real Chromium: the manager creates a count of one Moscow shelf on the
 * form at 1280 px; the operator counts it blind on the 360 px scanner screen (scan the
 * location, scan the item, type the quantity, Enter), is sent to a second count because the
 * first was short, counts again; the manager sees expected, counted and variance and
 * approves, and the ledger holds the adjustment. Then an adjustment on the scanner screen.
 *
 * Runs where /usr/bin/chromium exists; CI installs it and requires these tests.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { queryRows } from '../../src/db/rows.ts';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo.ts';
import { balanceOf } from '../helpers/counts.ts';
import { focusedId, noHorizontalScroll, scanInto, shot, signInPage, skipBrowser, startBrowserApp, SCANNER, type BrowserApp } from '../helpers/browser.ts';

const MANAGER = 'manager@demo.test';
const OPERATOR = 'operator.msk@demo.test';
const DESKTOP = { width: 1280, height: 900 };

describe.skipIf(skipBrowser)('cycle counts on the scanner and the desktop (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let desk: BrowserApp | undefined;
  let scanner: BrowserApp | undefined;
  let shelf = { locationId: 0, code: '', productId: 0, sku: '', ean: '', onHand: 0 };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);
    // A Moscow shelf holding one untracked product, nothing reserved, not on a pick list.
    const [row] = await queryRows<{ location_id: number; code: string; product_id: number; sku: string; ean: string; on_hand: number }>(
      db,
      sql`SELECT l.id AS location_id, l.code, p.id AS product_id, p.sku, min(pb.code) AS ean, b.on_hand
          FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN warehouses w ON w.id = l.warehouse_id
            JOIN products p ON p.id = b.product_id JOIN product_barcodes pb ON pb.product_id = p.id AND pb.units = 1 AND pb.kind = 'ean13'
          WHERE w.code = 'MSK' AND l.kind = 'storage' AND b.on_hand > 5 AND b.reserved = 0 AND NOT p.tracks_lot AND NOT p.tracks_expiry
            AND (SELECT count(*) FROM stock_balances b2 WHERE b2.location_id = l.id AND b2.on_hand > 0) = 1
            AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.location_id = l.id AND t.status = 'open')
            AND NOT EXISTS (SELECT 1 FROM cycle_count_locations cl JOIN cycle_counts c ON c.id = cl.count_id WHERE cl.location_id = l.id AND c.status IN ('counting', 'review'))
            AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.balance_id = b.id AND r.closed_at IS NULL)
          GROUP BY l.id, l.code, p.id, p.sku, b.on_hand ORDER BY l.code LIMIT 1`,
    );
    shelf = { locationId: row!.location_id, code: row!.code, productId: row!.product_id, sku: row!.sku, ean: row!.ean, onHand: row!.on_hand };
    desk = await startBrowserApp(db, DESKTOP);
    scanner = await startBrowserApp(db, SCANNER);
  }, 120_000);

  afterAll(async () => {
    await desk?.close();
    await scanner?.close();
    if (database) {
      expect((await verifyLedger(database.db)).problems).toEqual([]);
      await database.close();
    }
  });

  it('count blind, recount, approve: the stock becomes what was counted', async () => {
    const manager = await signInPage(desk!, MANAGER, DEMO_PASSWORD);
    await manager.goto(`${desk!.base}/counts/new`);
    await manager.locator('#f-warehouse').selectOption('MSK');
    await manager.locator('input[name="scope"][value="range"]').check();
    await manager.locator('#f-from_code').fill(shelf.code);
    await manager.locator('#f-to_code').fill(shelf.code);
    await manager.locator('#f-recount_above').fill('0');
    await Promise.all([manager.waitForURL(/\/counts\/\d+$/), manager.locator('#count-form button[type="submit"]').click()]);
    const countUrl = manager.url();
    await shot(manager, 'count-1280-created');

    const operator = await signInPage(scanner!, OPERATOR, DEMO_PASSWORD);
    await operator.goto(`${countUrl}/count`);
    expect(await operator.locator('.big-code').textContent()).toBe(shelf.code);
    expect(await focusedId(operator)).toBe('f-location');
    await Promise.all([operator.waitForURL(/\/locations\/\d+$/), scanInto(operator, shelf.code)]);
    await noHorizontalScroll(operator);
    // Blind: the expected quantity is nowhere on the screen.
    expect(await operator.locator('main').textContent()).not.toContain(String(shelf.onHand));
    expect(await focusedId(operator)).toBe('f-scan');
    const placeUrl = operator.url();
    await operator.keyboard.type(shelf.ean);
    await operator.keyboard.press('Enter');
    await operator.keyboard.press('Control+A');
    await operator.keyboard.type(String(shelf.onHand - 3));
    // A scan is answered with the location's page to load (Post/Redirect/Get).
    await Promise.all([operator.waitForURL(/\?counted=.*&units=\d+$/), operator.keyboard.press('Enter')]);
    await expect.poll(() => operator.locator('[data-result="ok"]').count()).toBe(1);
    const firstScanUrl = operator.url();
    await operator.keyboard.type(shelf.ean);
    await operator.keyboard.press('Enter');
    await operator.keyboard.press('Control+A');
    await operator.keyboard.type('1');
    await Promise.all([operator.waitForURL((u) => u.href !== firstScanUrl && /units=1$/.test(u.href)), operator.keyboard.press('Enter')]);
    expect(await operator.locator('#counted .pl-count').textContent()).toBe(String(shelf.onHand - 2));
    // Back after a scan shows the previous scan's page (a GET), not "Confirm Form Resubmission", and counts nothing.
    const back = await operator.goBack();
    expect(back?.status()).toBe(200);
    expect(operator.url()).toBe(firstScanUrl);
    await expect.poll(() => operator.locator('[data-result="ok"]').count()).toBe(1);
    expect(await operator.locator('#counted .pl-count').textContent()).toBe(String(shelf.onHand - 2));
    await operator.goto(placeUrl);
    expect(await operator.locator('#counted .pl-count').textContent()).toBe(String(shelf.onHand - 2));
    await shot(operator, 'count-360-counting');
    await Promise.all([operator.waitForURL(/outcome=recount/), operator.getByRole('button', { name: 'Ячейка готова' }).click()]);
    expect(await operator.locator('.result strong').textContent()).toContain('нужно пересчитать');
    await Promise.all([operator.waitForURL(/\/locations\/\d+$/), scanInto(operator, shelf.code)]);
    expect(await operator.locator('h1').textContent()).toContain('Повторный подсчёт');
    await operator.keyboard.type(shelf.ean);
    await operator.keyboard.press('Enter');
    await operator.keyboard.press('Control+A');
    await operator.keyboard.type(String(shelf.onHand - 1));
    await Promise.all([operator.waitForLoadState('load'), operator.keyboard.press('Enter')]);
    await expect.poll(() => operator.locator('[data-result="ok"]').count()).toBe(1);
    await Promise.all([operator.waitForURL(/outcome=counted/), operator.getByRole('button', { name: 'Ячейка готова' }).click()]);
    expect(await operator.locator('.alert').textContent()).toContain('Все ячейки посчитаны');
    await shot(operator, 'count-360-done');

    await manager.goto(countUrl);
    const row = manager.locator('#variances tbody tr').first();
    expect(await row.locator('td').nth(4).textContent()).toBe(String(shelf.onHand));
    expect(await row.locator('td').nth(6).textContent()).toBe('-1');
    await shot(manager, 'count-1280-review');
    await Promise.all([manager.waitForURL(/done=approved/), manager.getByRole('button', { name: /Approve and post the adjustments \(1\)/ }).click()]);
    expect(await balanceOf(db, shelf.locationId, shelf.productId)).toEqual({ onHand: shelf.onHand - 1, reserved: 0 });
  });

  it('on the 360 px scanner the menu shows the current page: the counts item is scrolled into view', async () => {
    const operator = await signInPage(scanner!, OPERATOR, DEMO_PASSWORD);
    await operator.goto(`${scanner!.base}/counts`);
    const box = await operator.locator('.topbar .nav [aria-current="page"]').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(SCANNER.width);
    await operator.close();
  });

  it('an adjustment on the scanner screen: damaged units written off at once', async () => {
    const operator = await signInPage(scanner!, OPERATOR, DEMO_PASSWORD);
    await operator.goto(`${scanner!.base}/adjustments/new`);
    await noHorizontalScroll(operator);
    await operator.locator('#f-warehouse').selectOption('MSK');
    // Scans alone never write stock off: Enter after the item stops at the quantity, and
    // without a reason chosen the form is not sent.
    await operator.locator('#f-location').fill(shelf.code);
    await operator.locator('#f-location').press('Enter');
    await operator.keyboard.type(shelf.ean);
    await operator.keyboard.press('Enter');
    expect(await operator.evaluate(() => document.activeElement?.id)).toBe('f-quantity');
    await operator.keyboard.press('Enter');
    await operator.waitForTimeout(300);
    expect(await operator.locator('[data-result]').count()).toBe(0);
    expect(await balanceOf(db, shelf.locationId, shelf.productId)).toEqual({ onHand: shelf.onHand - 1, reserved: 0 });
    await operator.locator('input[name="direction"][value="remove"]').check();
    await operator.locator('#f-quantity').fill('1');
    await operator.locator('#f-reason').selectOption('damaged');
    await Promise.all([operator.waitForLoadState('load'), operator.locator('#adjustment-form button[type="submit"]').click()]);
    await expect.poll(() => operator.locator('[data-result="ok"]').count()).toBe(1);
    expect(await operator.locator('.alert').first().textContent()).toContain('Проведено.');
    await shot(operator, 'adjustment-360');
    expect(await balanceOf(db, shelf.locationId, shelf.productId)).toEqual({ onHand: shelf.onHand - 2, reserved: 0 });
    // Remove or add: two big segments, not small radios.
    for (const seg of await operator.locator('.segmented.direction .seg').all()) expect((await seg.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  });

  it('the counts list at 360 px: each count opens from a full-width row link, nothing cut off', async () => {
    const operator = await signInPage(scanner!, OPERATOR, DEMO_PASSWORD);
    await operator.goto(`${scanner!.base}/counts`);
    await noHorizontalScroll(operator);
    const link = operator.locator('table.counts-list a.open-link').first();
    const box = (await link.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThan(200);
    expect(await operator.locator('.table-scroll').first().evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
    await shot(operator, 'counts-360');
    await Promise.all([operator.waitForURL(/\/counts\/\d+$/), link.click()]);
    await noHorizontalScroll(operator);
    for (const el of await operator.locator('.table-scroll').all()) expect(await el.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(1);
    await operator.close();
  });

  it('adjustments on a 768 px tablet: the approve and reject buttons are in view', async () => {
    const manager = await signInPage(desk!, MANAGER, DEMO_PASSWORD);
    await manager.setViewportSize({ width: 768, height: 1024 });
    await manager.goto(`${desk!.base}/adjustments?status=pending`);
    await noHorizontalScroll(manager, 768);
    for (const name of ['approve', 'reject']) {
      const box = await manager.locator(`#adjustments button[value="${name}"]`).first().boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x + box!.width).toBeLessThanOrEqual(768);
      expect(box!.height).toBeGreaterThanOrEqual(36);
    }
    await shot(manager, 'adjustments-768');
    await manager.goto(`${desk!.base}/counts`);
    await noHorizontalScroll(manager, 768);
    await manager.close();
  });
});

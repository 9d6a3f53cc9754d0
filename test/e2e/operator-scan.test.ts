/**
 * A warehouse operator on a 360 px handheld, in real Chromium: sign in, scan a barcode into
 * the inventory search, then move stock with the scanner form (success and a refused move).
 *
 * Runs where /usr/bin/chromium exists; CI installs it and requires these tests.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createApp } from '../../src/app.tsx';
import { verifyLedger } from '../../src/stock/index.ts';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
const OPERATOR = 'operator.msk@demo.test';
const VIEWPORT = { width: 360, height: 740 };
const shotsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

if (!hasChromium && !inCi) {
  console.warn(`[e2e] ${CHROMIUM} not found: skipping the browser tests (install it with "apt-get install chromium"; CI requires it).`);
}

type Row = Record<string, unknown>;

/** Scan the to-location (Enter, as a scanner sends it), land on the quantity, type it. */
async function scanDestinationAndQuantity(page: Page, code: string, quantity: number): Promise<void> {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await page.evaluate(() => document.activeElement?.id))).toBe('f-quantity');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(quantity));
}
const rows = <T = Row>(db: Db, q: ReturnType<typeof sql>): Promise<T[]> => queryRows<T>(db, q);

// Skipped only off CI: on CI a missing Chromium fails in beforeAll with a clear message.
describe.skipIf(!hasChromium && !inCi)('operator on a 360 px scanner (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let server: ServerType | undefined;
  let context: BrowserContext | undefined;
  let profileDir: string | undefined;
  let base = '';

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI requires Chromium at ${CHROMIUM} for the browser tests (apt-get install chromium), and it is missing.`);
    mkdirSync(shotsDir, { recursive: true });

    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);

    const app = createApp({ db, settings: { logRequests: false } });
    const port = await new Promise<number>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
      s.once('error', reject);
      server = s;
    });
    if (!port) throw new Error(`no port: ${JSON.stringify(server?.address() as AddressInfo | null)}`);
    base = `http://127.0.0.1:${port}`;

    profileDir = mkdtempSync(join(tmpdir(), 'caravan-e2e-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: VIEWPORT,
    });
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    if (server) {
      const s = server;
      (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await database?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(shotsDir, `operator-scan-${name}.png`), fullPage: true });
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? { id: el.id, scan: el.hasAttribute('data-scan-input') } : null;
    });
  const noHorizontalScroll = async (page: Page) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, 'page must not scroll sideways at 360 px').toBeLessThanOrEqual(VIEWPORT.width + 1);
  };

  /** A fresh page signed in as the operator through the login form, on /inventory. */
  async function signIn(): Promise<Page> {
    await context!.clearCookies();
    const page = await context!.newPage();
    await page.goto(`${base}/login`);
    await page.locator('#f-email').fill(OPERATOR);
    await page.locator('#f-password').fill(DEMO_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/inventory`), page.locator('#f-password').press('Enter')]);
    await page.waitForLoadState('load');
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    return page;
  }

  it('scans an EAN-13 into the inventory search and sees only that product', async () => {
    const [target] = await rows<{ code: string; sku: string; product_id: number; n: number }>(
      db,
      sql`SELECT pb.code, p.sku, p.id AS product_id, count(*)::int AS n
          FROM product_barcodes pb
          JOIN products p ON p.id = pb.product_id
          JOIN stock_balances b ON b.product_id = p.id AND NOT b.is_virtual AND (b.on_hand <> 0 OR b.reserved <> 0)
          JOIN warehouses w ON w.id = b.warehouse_id AND w.code = 'MSK'
          WHERE pb.kind = 'ean13'
          GROUP BY pb.code, p.sku, p.id
          HAVING count(*) >= 1
          ORDER BY count(*) DESC, p.sku
          LIMIT 1`,
    );
    expect(target, 'the demo has a product with stock in MSK').toBeDefined();

    const page = await signIn();
    // The rows come first; the totals bar then loads the totals of the whole view and the pager
    // learns the page count.
    const first = page.locator('#inventory-totals strong').first();
    await expect.poll(() => first.count()).toBe(1);
    const shown = Number((await first.textContent())!.replace(/\D/g, ''));
    expect(shown, 'the demo has more than a page of stock in MSK').toBeGreaterThan(50);
    if (shown > 50) await expect.poll(() => page.locator('[id^="inventory-pager-"] .pager').textContent()).toContain(`из ${Math.ceil(shown / 50)}`);
    await shot(page, '01-inventory');
    await noHorizontalScroll(page);

    // A keyboard-wedge scanner just types: the search box must already have focus.
    expect(await focused(page)).toMatchObject({ scan: true });
    const fragment = page.waitForResponse((r) => r.url().startsWith(`${base}/inventory?`) && r.request().headers()['hx-request'] === 'true');
    await page.keyboard.type(target!.code);
    await page.keyboard.press('Enter');
    expect((await fragment).status()).toBe(200);
    await page.waitForURL((u) => u.searchParams.get('q') === target!.code);

    const results = page.locator('#inventory-results');
    await expect.poll(() => results.locator('tbody tr').count()).toBe(target!.n);
    await expect.poll(() => results.locator('.match').textContent()).toContain(target!.code);
    const skus = await results.locator('tbody tr td a[href^="/products/"]').allTextContents();
    expect(skus.length).toBe(target!.n);
    expect(new Set(skus.map((s) => s.trim()))).toEqual(new Set([target!.sku]));
    expect(await results.textContent()).toContain(target!.sku);
    await expect.poll(() => results.locator('#inventory-totals strong').first().textContent()).toBe(String(target!.n));
    // Every row is in MSK: the operator sees only their warehouse.
    const whs = await results.locator('tbody tr td:first-child').allTextContents();
    expect(new Set(whs.map((s) => s.trim()))).toEqual(new Set(['MSK']));

    // Focus stays in the box, ready for the next scan.
    expect(await focused(page)).toMatchObject({ scan: true });
    await shot(page, '02-inventory-scanned');
    await noHorizontalScroll(page);
    await page.close();

    // Paging: the next page's totals bar brings the pager of that page.
    if (shown > 50) {
      const again = await signIn();
      const pager = again.locator('[id^="inventory-pager-"] .pager');
      await expect.poll(() => pager.textContent()).toContain(`1 из ${Math.ceil(shown / 50)}`);
      await again.locator('[id^="inventory-pager-"] a[rel="next"]').click();
      await again.waitForURL((u) => u.searchParams.get('page') === '2');
      await expect.poll(() => pager.textContent()).toContain(`2 из ${Math.ceil(shown / 50)}`);
      expect(await again.locator('[id^="inventory-pager-"] a[rel="prev"]').count()).toBe(1);
      await again.close();
    }
  });

  it('moves one unit with the scanner form, then refuses more than is there', async () => {
    const [src] = await rows<{ product_id: number; sku: string; ean: string; from_id: number; from_code: string; on_hand: number; available: number }>(
      db,
      sql`SELECT p.id AS product_id, p.sku, pb.code AS ean, l.id AS from_id, l.code AS from_code, b.on_hand, (b.on_hand - b.reserved) AS available
          FROM stock_balances b
          JOIN locations l ON l.id = b.location_id
          JOIN zones z ON z.id = l.zone_id AND z.temperature_class = 'ambient'
          JOIN warehouses w ON w.id = b.warehouse_id AND w.code = 'MSK'
          JOIN products p ON p.id = b.product_id AND p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry
          JOIN product_barcodes pb ON pb.product_id = p.id AND pb.kind = 'ean13'
          WHERE l.kind IN ('storage', 'pick') AND b.lot_id IS NULL AND b.on_hand - b.reserved >= 2
          ORDER BY p.sku, l.code
          LIMIT 1`,
    );
    expect(src, 'an ambient product with stock in an MSK storage location').toBeDefined();
    const [dest] = await rows<{ id: number; code: string }>(
      db,
      sql`SELECT l.id, l.code
          FROM locations l
          JOIN zones z ON z.id = l.zone_id AND z.temperature_class = 'ambient'
          JOIN warehouses w ON w.id = l.warehouse_id AND w.code = 'MSK'
          WHERE l.kind = 'storage' AND l.active AND l.id <> ${src!.from_id}
            AND NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.location_id = l.id AND (b.on_hand <> 0 OR b.reserved <> 0))
          ORDER BY l.walk_sequence
          LIMIT 1`,
    );
    expect(dest, 'an empty ambient storage location in MSK').toBeDefined();

    const page = await signIn();
    await page.goto(`${base}/moves/new`);
    await page.waitForLoadState('load');
    await shot(page, '03-move-empty');
    await noHorizontalScroll(page);
    expect(await page.locator('#f-warehouse').inputValue()).toBe('MSK');

    const fromBefore = await balanceOf(db, src!.from_id, src!.product_id);
    const toBefore = await balanceOf(db, dest!.id, src!.product_id);

    // Scan product, from, to: each Enter moves on to the next empty field (the lot is optional).
    expect(await focused(page)).toMatchObject({ id: 'f-product' });
    await page.keyboard.type(src!.ean);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.id).toBe('f-from');
    await page.keyboard.type(src!.from_code);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page))?.id).toBe('f-to');
    // The quantity is prefilled with 1; Enter on the to-field stops at it to confirm.
    await scanDestinationAndQuantity(page, dest!.code, 1);
    await shot(page, '04-move-filled');
    const posted = page.waitForResponse((r) => r.url() === `${base}/moves` && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    expect((await posted).status()).toBe(201);

    const ok = page.locator('#move-form .alert-ok');
    await ok.waitFor({ state: 'visible' });
    expect(await ok.textContent()).toContain('Перемещено');
    expect(await ok.textContent()).toContain(src!.sku);
    expect(await ok.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(15, 123, 63)');
    expect(await page.locator('#move-form').getAttribute('data-result')).toBe('ok');
    // Focus is back on the product field for the next scan.
    await expect.poll(async () => (await focused(page))?.id).toBe('f-product');
    await shot(page, '05-move-done');
    await noHorizontalScroll(page);

    expect(await balanceOf(db, src!.from_id, src!.product_id)).toEqual({ onHand: fromBefore.onHand - 1, reserved: fromBefore.reserved });
    expect(await balanceOf(db, dest!.id, src!.product_id)).toEqual({ onHand: toBefore.onHand + 1, reserved: 0 });

    // Now more than the location holds: a red error by the quantity, and nothing moves.
    const fromMid = await balanceOf(db, src!.from_id, src!.product_id);
    const toMid = await balanceOf(db, dest!.id, src!.product_id);
    const fingerprint = await stockFingerprint(db);
    const tooMany = fromMid.onHand - fromMid.reserved + 5;

    expect(await page.locator('#f-from').inputValue()).toBe(src!.from_code);
    await page.keyboard.type(src!.ean);
    await page.keyboard.press('Enter');
    // From is kept from the last move: Enter goes straight to the empty to-field.
    await expect.poll(async () => (await focused(page))?.id).toBe('f-to');
    await scanDestinationAndQuantity(page, dest!.code, tooMany);
    const refused = page.waitForResponse((r) => r.url() === `${base}/moves` && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    // INSUFFICIENT_STOCK is a conflict (409); both 409 and 422 swap the form back in.
    expect([409, 422]).toContain((await refused).status());

    const qtyField = page.locator('#move-form .field.invalid:has(#f-quantity)');
    await qtyField.waitFor({ state: 'visible' });
    const message = qtyField.locator('small.error');
    const text = (await message.textContent()) ?? '';
    expect(text).toMatch(/[А-Яа-яЁё]/);
    expect(text).toContain('Недостаточно');
    expect(text).toContain(String(tooMany));
    expect(await message.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(179, 38, 30)');
    expect(await page.locator('#move-form').getAttribute('data-result')).toBe('error');
    expect(await page.locator('#move-form .alert-ok').count()).toBe(0);
    await expect.poll(async () => (await focused(page))?.id).toBe('f-quantity');
    await shot(page, '06-move-refused');
    await noHorizontalScroll(page);

    expect(await balanceOf(db, src!.from_id, src!.product_id)).toEqual(fromMid);
    expect(await balanceOf(db, dest!.id, src!.product_id)).toEqual(toMid);
    expect(await stockFingerprint(db)).toBe(fingerprint);

    const report = await verifyLedger(db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    await page.close();
  });
});

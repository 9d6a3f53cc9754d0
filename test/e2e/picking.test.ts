/**
 * Outbound on a 360 × 740 handheld, in real Chromium: an operator imports the Ozon fixture,
 * makes a pick list, picks it on the scanner screen (a wrong location label refused at once, one
 * short pick at the scanned location, re-allocated; the ice cream's lot asked for after a plain
 * EAN), packs the ice cream with its marking codes (a bad weight keeps the focus on the weight),
 * ships after confirming, and sees the result on the order, the inventory and the ledger.
 *
 * Runs where /usr/bin/chromium exists; CI installs it and requires these tests.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db, Tx } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { queryRows } from '../../src/db/rows.ts';
import { moveMany, verifyLedger } from '../../src/stock/index.ts';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo.ts';
import { lots, productBarcodes, products, sellers } from '../../src/db/schema/index.ts';
import { balanceOf } from '../helpers/counts.ts';
import { nextEan } from '../helpers/world.ts';
import { focusedId, noHorizontalScroll, scanInto, shot as shotAs, signInPage, skipBrowser, startBrowserApp, type BrowserApp } from '../helpers/browser.ts';

const OPERATOR = 'operator.msk@demo.test';
const fixture = fileURLToPath(new URL('../../../shared/fixtures/marketplaces/ozon-fbs-postings.json', import.meta.url));
const localFixture = fileURLToPath(new URL('../fixtures/marketplaces/ozon-fbs-postings.json', import.meta.url));
const GS = '\u001d';

describe.skipIf(skipBrowser)('picking Ozon orders on a 360 px scanner (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let browser: BrowserApp | undefined;
  let base = '';
  const p: Record<string, { id: number; ean: string }> = {};
  let candy = { first: '', second: '', firstId: 0, secondId: 0 };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);

    // The seller of the fixture's postings, with the articles the postings name.
    const [seller] = await db.insert(sellers).values({ code: 'OZ-E2E', name: 'Ozon E2E Trading', country: 'CN' }).returning();
    const make = async (sku: string, name: string, cls: 'ambient' | 'frozen', tracked: boolean) => {
      const [row] = await db.insert(products).values({ sellerId: seller!.id, sku, name, temperatureClass: cls, tracksLot: tracked, tracksExpiry: tracked }).returning();
      const ean = nextEan();
      await db.insert(productBarcodes).values({ productId: row!.id, sellerId: seller!.id, code: ean, kind: 'ean13' });
      p[sku] = { id: row!.id, ean };
    };
    await make('ICE-VAN-500', 'Vanilla ice cream 500 g', 'frozen', true);
    await make('CANDY-MIX-1KG', 'Assorted candy 1 kg', 'ambient', false);
    await make('PWR-BANK-20K', 'Power bank 20000 mAh', 'ambient', false);
    const [iceLot] = await db.insert(lots).values({ productId: p['ICE-VAN-500']!.id, code: 'L0611', expiresOn: '2027-06-30' }).returning();
    const place = await queryRows<{ id: number; code: string; kind: string; cls: string }>(
      db,
      sql`SELECT l.id, l.code, l.kind, z.temperature_class AS cls FROM locations l JOIN zones z ON z.id = l.zone_id JOIN warehouses w ON w.id = l.warehouse_id
          WHERE w.code = 'MSK' AND l.kind IN ('storage', 'pick', 'cold') AND l.active
            AND NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.location_id = l.id AND b.on_hand <> 0)
          ORDER BY l.walk_sequence`,
    );
    const ambientPick = place.filter((l) => l.cls === 'ambient' && l.kind === 'pick');
    const ambientStore = place.filter((l) => l.cls === 'ambient' && l.kind === 'storage');
    // The demo fills every freezer slot: the ice cream then shares the first one.
    const frozen =
      place.find((l) => l.cls === 'frozen') ??
      (await queryRows<{ id: number }>(db, sql`SELECT l.id FROM locations l JOIN zones z ON z.id = l.zone_id JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = 'MSK' AND l.kind = 'cold' AND l.active AND z.temperature_class = 'frozen' ORDER BY l.walk_sequence LIMIT 1`))[0]!;
    candy = { first: ambientPick[0]!.code, firstId: ambientPick[0]!.id, second: ambientStore[0]!.code, secondId: ambientStore[0]!.id };
    const [supplier] = await queryRows<{ id: number }>(db, sql`SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = 'MSK' AND l.kind = 'supplier'`);
    await db.transaction((tx) =>
      moveMany(tx as Tx, [
        { productId: p['ICE-VAN-500']!.id, lotId: iceLot!.id, quantity: 10, fromLocationId: supplier!.id, toLocationId: frozen.id, reason: 'receipt', actor: { label: 'e2e' } },
        // One candy on the pick face (the one that will be missing), five in bulk storage.
        { productId: p['CANDY-MIX-1KG']!.id, quantity: 1, fromLocationId: supplier!.id, toLocationId: candy.firstId, reason: 'receipt', actor: { label: 'e2e' } },
        { productId: p['CANDY-MIX-1KG']!.id, quantity: 5, fromLocationId: supplier!.id, toLocationId: candy.secondId, reason: 'receipt', actor: { label: 'e2e' } },
        { productId: p['PWR-BANK-20K']!.id, quantity: 3, fromLocationId: supplier!.id, toLocationId: ambientPick[1]!.id, reason: 'receipt', actor: { label: 'e2e' } },
      ]),
    );

    browser = await startBrowserApp(db);
    base = browser.base;
  });

  afterAll(async () => {
    await browser?.close();
    await database?.close();
  });

  const shot = (page: Page, name: string) => shotAs(page, `picking-${name}`);

  it('imports the Ozon postings, picks them with one short pick, packs with marking codes and ships', async () => {
    const page = await signInPage(browser!, OPERATOR, DEMO_PASSWORD);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });

    // 1. Import the Ozon response as the marketplace sent it.
    await page.goto(`${base}/orders/import`);
    await noHorizontalScroll(page);
    const form = page.locator('form[action="/orders/import/marketplace"]');
    await form.locator('select[name="seller"]').selectOption('OZ-E2E');
    await form.locator('select[name="channel"]').selectOption('ozon');
    await form.locator('input[type="file"]').setInputFiles(existsSync(fixture) ? fixture : localFixture);
    await Promise.all([page.waitForURL(/\/imports\/\d+/), form.locator('button[type="submit"]').click()]);
    await shot(page, '01-imported');
    expect(await page.locator('#import-progress').textContent()).toMatch(/2/);
    const created = await queryRows<{ id: number; external_id: string; status: string }>(db, sql`SELECT o.id, o.external_id, o.status FROM orders o JOIN sellers s ON s.id = o.seller_id WHERE s.code = 'OZ-E2E' ORDER BY o.id`);
    expect(created.map((o) => [o.external_id, o.status])).toEqual([
      ['48213377-0102-1', 'allocated'],
      ['48213390-0007-2', 'allocated'],
    ]);

    // 2. A pick list of these two orders (the earliest ship-by first).
    await page.goto(`${base}/pick-lists`);
    await noHorizontalScroll(page);
    await Promise.all([page.waitForURL(/\/pick-lists\/\d+$/), page.locator('form[action="/pick-lists"] button[type="submit"]').click()]);
    await shot(page, '02-pick-list');
    await Promise.all([page.waitForURL(/\/pick-lists\/\d+\/pick$/), page.locator('a[href$="/pick"]').first().click()]);

    // 3. Pick task by task: scan the location label, the item, confirm the quantity.
    let shorted = false;
    let wrongLabel = false;
    let lotAsked = false;
    for (let guard = 0; guard < 60; guard++) {
      const goto = page.locator('#pick-form .goto strong');
      if ((await goto.count()) === 0) break;
      const location = ((await goto.textContent()) ?? '').trim();
      const sku = ((await page.locator('#pick-form .task-what .code').first().textContent()) ?? '').trim();
      await shot(page, `03-task-${guard}`);
      await noHorizontalScroll(page);
      expect(await focusedId(page)).toBe('f-location');
      if (!wrongLabel) {
        // Another location's label: refused at once, at the location field, before the item.
        const check = page.waitForResponse((r) => r.url().includes('/pick?task=') && r.request().method() === 'GET');
        await scanInto(page, location === candy.second ? candy.first : candy.second);
        expect((await check).status()).toBe(409);
        await expect.poll(() => page.locator('#f-location-error').textContent()).toMatch(/Не та ячейка/);
        expect(await page.locator('#pick-form').getAttribute('data-result')).toBe('error');
        await expect.poll(() => focusedId(page)).toBe('f-location');
        await shot(page, `03-wrong-label-${guard}`);
        wrongLabel = true;
      }
      if (sku === 'CANDY-MIX-1KG' && location === candy.first && !shorted) {
        // The candy is not on the pick face: without the label scanned, a short is refused at the location field.
        const refused = page.waitForResponse((r) => r.url().includes('/short'));
        await page.locator('#pick-form button.danger').click();
        expect((await refused).status()).toBe(422);
        await expect.poll(() => page.locator('#f-location-error').textContent()).toContain(location);
        await expect.poll(() => focusedId(page)).toBe('f-location');
        // At the location: its label, then short; the rest is found in bulk storage.
        await scanInto(page, location);
        const answer = page.waitForResponse((r) => r.url().includes('/short'));
        await page.locator('#pick-form button.danger').click();
        expect((await answer).status()).toBe(200);
        await expect.poll(() => page.locator('#pick-form .alert-info').textContent()).toContain(candy.second);
        shorted = true;
        continue;
      }
      // A task naming a lot has a lot field (not required: Enter after the item goes on to the quantity).
      const hasLot = (await page.locator('#f-lot').count()) > 0;
      await scanInto(page, location);
      expect(await focusedId(page)).toBe('f-scan');
      const answer = page.waitForResponse((r) => r.url().endsWith('/picks') && r.request().method() === 'POST');
      // Demo orders may share the list: any product's EAN comes from the catalog.
      const ean = p[sku]?.ean ?? (await queryRows<{ code: string }>(db, sql`SELECT b.code FROM product_barcodes b JOIN products pr ON pr.id = b.product_id WHERE pr.sku = ${sku} AND b.kind = 'ean13' LIMIT 1`))[0]!.code;
      await page.keyboard.type(ean);
      await page.keyboard.press('Enter');
      // Enter on the item lands on the quantity (already the task's): Enter again confirms.
      await expect.poll(() => focusedId(page)).toBe('f-quantity');
      await page.keyboard.press('Enter');
      if (hasLot) {
        // A plain EAN of a lot-tracked product: the lot is asked for at its field, the rest kept.
        expect((await answer).status()).toBe(422);
        await expect.poll(() => page.locator('#f-lot-error').textContent()).toMatch(/партия/);
        await expect.poll(() => focusedId(page)).toBe('f-lot');
        expect(await page.locator('#f-scan').inputValue()).toBe(ean);
        if (sku === 'ICE-VAN-500') await shot(page, `03-lot-asked-${guard}`);
        lotAsked = true;
        const lot = ((await page.locator('#pick-form .task-what code').first().textContent()) ?? '').trim();
        const again = page.waitForResponse((r) => r.url().endsWith('/picks') && r.request().method() === 'POST');
        await scanInto(page, lot);
        await expect.poll(() => focusedId(page)).toBe('f-quantity');
        await page.keyboard.press('Enter');
        expect((await again).status()).toBe(201);
      } else {
        expect((await answer).status()).toBe(201);
      }
      await expect.poll(() => page.locator('#pick-form').getAttribute('data-result')).toBe('ok');
    }
    expect([shorted, wrongLabel, lotAsked]).toEqual([true, true, true]);
    await shot(page, '04-picked');
    const statuses = await queryRows<{ status: string }>(db, sql`SELECT o.status FROM orders o JOIN sellers s ON s.id = o.seller_id WHERE s.code = 'OZ-E2E' ORDER BY o.id`);
    expect(statuses.map((s) => s.status)).toEqual(['picked', 'picked']);

    // 4. Pack the ice cream order: plain EAN for the candy, a marking code per ice cream.
    const ice = created[0]!;
    await page.goto(`${base}/orders/${ice.id}/pack`);
    await noHorizontalScroll(page);
    expect(await focusedId(page)).toBe('f-scan');
    await scanInto(page, p['ICE-VAN-500']!.ean);
    await expect.poll(() => page.locator('#pack-panel .alert-error, #pack-panel .error').first().textContent()).toMatch(/Честный ЗНАК|маркировк/i);
    for (const serial of ['5JrHv8Qk1Az0p', '5JrHv8Qk1Az0q']) {
      await page.locator('#f-scan').focus();
      await scanInto(page, `01${'0' + p['ICE-VAN-500']!.ean}21${serial}${GS}91EE07${GS}92${'Q'.repeat(44)}`);
      await expect.poll(() => page.locator('#pack-panel').textContent()).toContain(serial);
    }
    await page.locator('#f-scan').focus();
    await scanInto(page, p['CANDY-MIX-1KG']!.ean);
    await expect.poll(() => page.locator('#pack-panel form.stacked button[type="submit"]').isDisabled()).toBe(false);
    await shot(page, '05-packed-scans');
    // A weight that is no weight: refused, and the focus is back on the weight.
    await page.locator('#f-weight_kg').fill('abc');
    await page.locator('#f-tracking_number').fill('OZ-TRACK-001');
    await Promise.all([page.waitForURL(`${base}/orders/${ice.id}/pack`), page.locator('#pack-panel form.stacked button[type="submit"]').click()]);
    await page.waitForLoadState('load');
    expect(await focusedId(page)).toBe('f-weight_kg');
    expect(await page.locator('#f-weight_kg-error').textContent()).toMatch(/кг/);
    await shot(page, '05-bad-weight');
    await page.locator('#f-weight_kg').fill('1,4');
    await Promise.all([page.waitForURL(`${base}/orders/${ice.id}/pack`), page.locator('#pack-panel form.stacked button[type="submit"]').click()]);
    // Shipping asks first, then the order page says it shipped.
    const asked = dialogs.length;
    await Promise.all([page.waitForURL(`${base}/orders/${ice.id}?done=shipped`), page.locator('form[action$="/ship"] button[type="submit"]').click()]);
    expect(dialogs.slice(asked)).toEqual([`Отгрузить заказ ${ice.external_id}? Посылка покидает склад, отменить это нельзя.`]);
    await shot(page, '06-shipped');
    expect(await page.locator('h1 .badge').textContent()).toMatch(/Отгружен|Shipped/);
    expect(await page.locator('.alert-ok').textContent()).toBe(`Заказ ${ice.external_id} отгружен.`);

    // 5. Inventory and ledger show it: the ice cream left the freezer, the candy came from bulk.
    const [customer] = await queryRows<{ id: number }>(db, sql`SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = 'MSK' AND l.kind = 'customer'`);
    expect((await balanceOf(db, customer!.id, p['ICE-VAN-500']!.id, (await queryRows<{ id: number }>(db, sql`SELECT id FROM lots WHERE code = 'L0611'`))[0]!.id)).onHand).toBe(2);
    expect(await balanceOf(db, candy.secondId, p['CANDY-MIX-1KG']!.id)).toEqual({ onHand: 4, reserved: 0 });
    expect(await balanceOf(db, candy.firstId, p['CANDY-MIX-1KG']!.id)).toEqual({ onHand: 1, reserved: 0 });
    await page.goto(`${base}/inventory?q=ICE-VAN-500`);
    expect(await page.locator('#inventory-results').textContent()).toContain('8');
    await page.goto(`${base}/ledger?q=ICE-VAN-500`);
    const ledger = (await page.locator('#ledger-results').textContent()) ?? '';
    expect(ledger).toContain(ice.external_id === '48213377-0102-1' ? String(ice.id) : '');
    await shot(page, '07-ledger');
    await noHorizontalScroll(page);
    const marks = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM marking_codes WHERE order_id = ${ice.id}`);
    expect(Number(marks[0]!.n)).toBe(2);
    expect((await verifyLedger(db)).problems).toEqual([]);
    await page.close();
  });
});

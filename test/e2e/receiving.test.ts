/**
 * Receiving on a 360 × 740 handheld, in real Chromium: an operator opens a TIR ASN by scanning
 * its reference, records the arrival, receives a GS1-128 scan (with a GS character) that carries
 * lot and expiry, puts the goods away by scanning the suggested location's label, and the
 * product page shows the stock with its lot and expiry.
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
import { saveShipment } from '../../src/inbound/save-shipment.ts';
import { recordArrival } from '../../src/inbound/record-arrival.ts';
import { balanceOf } from '../helpers/counts.ts';
import { focusedId, noHorizontalScroll, scanInto, shot as shotAs, signInPage, skipBrowser, startBrowserApp, type BrowserApp } from '../helpers/browser.ts';
import type { Page } from 'playwright-core';

const OPERATOR = 'operator.msk@demo.test';
const GS = '\u001d';

type Product = { id: number; sku: string; seller: string; ean: string; cls: string };

describe.skipIf(skipBrowser)('receiving a TIR truck on a 360 px scanner (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let browser: BrowserApp | undefined;
  let base = '';
  let product: Product;
  let shipmentId = 0;
  /** A second truck of the same product, already at the dock: its line names lot L1101. */
  let secondId = 0;
  const reference = `TIR-E2E-${Date.now().toString(36).toUpperCase()}`;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);

    // A frozen, lot-tracked product of a seller, with an EAN-13: ice cream on a reefer truck.
    [product] = (await queryRows<Product>(
      db,
      sql`SELECT p.id, p.sku, s.code AS seller, pb.code AS ean, p.temperature_class AS cls
          FROM products p JOIN sellers s ON s.id = p.seller_id
          JOIN product_barcodes pb ON pb.product_id = p.id AND pb.kind = 'ean13'
          WHERE p.temperature_class = 'frozen' AND p.tracks_lot AND p.tracks_expiry
          ORDER BY p.sku LIMIT 1`,
    )) as [Product];
    expect(product, 'the demo has a frozen lot-tracked product').toBeDefined();
    const [manager] = await queryRows<{ id: number; email: string; name: string }>(db, sql`SELECT id, email, name FROM users WHERE role = 'manager' LIMIT 1`);
    const managerUser = { id: manager!.id, email: manager!.email, name: manager!.name, role: 'manager' as const, sellerId: null, warehouseIds: [], locale: 'en' as const };
    const shipment = await saveShipment({
      db,
      user: managerUser,
      input: {
        warehouse: 'MSK',
        seller: product.seller,
        reference,
        eta: '2026-12-01',
        transport: { mode: 'road_tir', tir_carnet: 'XC40012345', vehicle_plate: 'O555OO77', trailer_plate: 'AX 7712 77', seals: 'TIR-SEAL-881' },
        lines: [{ sku: product.sku, quantity: 24, lot: 'L0917' }],
      },
    });
    shipmentId = shipment.id;
    const second = await saveShipment({
      db,
      user: managerUser,
      input: {
        warehouse: 'MSK',
        seller: product.seller,
        reference: `${reference}-2`,
        eta: '2026-12-02',
        transport: { mode: 'road_tir', tir_carnet: 'XC40012346', vehicle_plate: 'O556OO77', seals: 'TIR-SEAL-882' },
        lines: [{ sku: product.sku, quantity: 12, lot: 'L1101' }],
      },
    });
    await recordArrival({ db, user: managerUser, shipmentId: second.id, input: { dock: 'DOCK-F1', seals: [{ seal: 'TIR-SEAL-882', state: 'intact' }], temperatures: { frozen: -21 } } });
    secondId = second.id;

    browser = await startBrowserApp(db);
    base = browser.base;
  });

  afterAll(async () => {
    await browser?.close();
    await database?.close();
  });

  const shot = (page: Page, name: string) => shotAs(page, `receiving-${name}`);

  it('receives the ASN with a GS1-128 scan, puts it away by scanning the label, and the product page shows the lot', async () => {
    const page = await signInPage(browser!, OPERATOR, DEMO_PASSWORD);

    // 1. Open the ASN by scanning its label (the reference) on the receiving screen.
    await page.goto(`${base}/receive`);
    expect(await focusedId(page)).toBe('f-ref');
    await shot(page, '01-pick-asn');
    await noHorizontalScroll(page);
    await Promise.all([page.waitForURL(`${base}/inbound/${shipmentId}/arrival`), scanInto(page, reference)]);

    // 2. The arrival: seal intact, ice cream core temperature −21 °C.
    await shot(page, '02-arrival');
    await noHorizontalScroll(page);
    await page.locator('label.seal-intact').first().click();
    await page.locator('#f-temp_frozen').fill('-21');
    await Promise.all([page.waitForURL(`${base}/inbound/${shipmentId}?done=arrival`), page.locator('form.arrival-form button[type=submit]').click()]);
    await shot(page, '03-arrived');
    await noHorizontalScroll(page);
    await Promise.all([page.waitForURL(`${base}/inbound/${shipmentId}/receive`), page.locator(`a[href="/inbound/${shipmentId}/receive"]`).first().click()]);

    // 3. One GS1-128 scan: ]C1, (01) GTIN, (17) expiry, (10) lot, GS, (37) count 24.
    expect(await focusedId(page)).toBe('f-scan');
    const gs1 = `]C101${'0' + product.ean}17280430` + `10L0917${GS}3724`;
    const answer = page.waitForResponse((r) => r.url().endsWith(`/inbound/${shipmentId}/receipts`) && r.request().method() === 'POST');
    await scanInto(page, gs1);
    expect((await answer).status()).toBe(201);
    await expect.poll(() => page.locator('#receive-form').getAttribute('data-result')).toBe('ok');
    const result = (await page.locator('.result').textContent()) ?? '';
    expect(result).toContain('L0917');
    expect(result).toContain('24');
    expect(result).toContain('DOCK-F1');
    // Focus is back in the scan input, empty, ready for the next carton.
    expect(await focusedId(page)).toBe('f-scan');
    expect(await page.locator('#f-scan').inputValue()).toBe('');
    expect(await page.locator('.pl-done').count()).toBe(1);
    await shot(page, '04-received');
    await noHorizontalScroll(page);

    // A bad check digit: a red refusal in Russian, focus back in the input, nothing written.
    const bad = product.ean.slice(0, 12) + ((Number(product.ean[12]) + 1) % 10);
    await scanInto(page, bad);
    await expect.poll(() => page.locator('#receive-form').getAttribute('data-result')).toBe('error');
    expect(await page.locator('#receive-form .error').first().textContent()).toMatch(/контрольн/i);
    expect(await focusedId(page)).toBe('f-scan');
    await shot(page, '05-refused');

    // 4. Putaway: scan the item at the dock, go to the suggested frozen slot, scan its label.
    await page.goto(`${base}/putaway`);
    expect(await focusedId(page)).toBe('f-item');
    await Promise.all([page.waitForURL(/\/putaway\/task\?.*balance=/), scanInto(page, product.ean)]);
    await shot(page, '06-putaway-task');
    await noHorizontalScroll(page);
    const target = ((await page.locator('.goto strong').textContent()) ?? '').trim();
    expect(target).toMatch(/^F-/);
    expect(await focusedId(page)).toBe('f-to_location');
    // A different label first: refused.
    await Promise.all([page.waitForLoadState('load'), scanInto(page, 'DOCK-01')]);
    await expect.poll(() => page.locator('#putaway-form').getAttribute('data-result')).toBe('error');
    expect(await focusedId(page)).toBe('f-to_location');
    await Promise.all([page.waitForURL(`${base}/putaway`), scanInto(page, target)]);
    await expect.poll(() => page.locator('.result-received').count()).toBe(1);
    await shot(page, '07-put-away');

    const [slot] = await queryRows<{ id: number }>(db, sql`SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = 'MSK' AND l.code = ${target}`);
    const [lot] = await queryRows<{ id: number }>(db, sql`SELECT id FROM lots WHERE product_id = ${product.id} AND code = 'L0917'`);
    expect(await balanceOf(db, slot!.id, product.id, lot!.id)).toEqual({ onHand: 24, reserved: 0 });

    // 5. The product page shows the stock in the slot, with its lot and expiry.
    await page.goto(`${base}/products/${product.id}`);
    const card = (await page.locator('main').textContent()) ?? '';
    expect(card).toContain(target);
    expect(card).toContain('L0917');
    expect(card).toContain('30.04.2028');
    await shot(page, '08-product');
    await noHorizontalScroll(page);
    expect((await verifyLedger(db)).problems).toEqual([]);
    await page.close();
  });

  it('asked for the lot of an EAN scan, the ASN\'s lot is offered to confirm; the case label scanned into the lot field receives its lot and expiry', async () => {
    const page = await signInPage(browser!, OPERATOR, DEMO_PASSWORD);
    await page.goto(`${base}/inbound/${secondId}/receive`);
    expect(await focusedId(page)).toBe('f-scan');

    // The unit EAN carries no lot: an amber prompt, the ASN's lot prefilled and selected, no red field.
    await scanInto(page, product.ean);
    await expect.poll(() => page.locator('#receive-form').getAttribute('data-result')).toBe('warn');
    expect(await focusedId(page)).toBe('f-lot');
    expect(await page.locator('#f-lot').inputValue()).toBe('L1101');
    expect(await page.locator('#receive-form .field.invalid').count()).toBe(0);
    expect(await page.locator('#receive-form .error').count()).toBe(0);
    expect((await page.locator('#receive-form .hint').textContent()) ?? '').toContain('L1101');
    await shot(page, '09-lot-prompt');
    await noHorizontalScroll(page);

    // The carton's GS1-128 as the scanner types it into the lot field: (01)(17)(10), the lot
    // closed by a GS. It replaces the prefilled lot, and Enter receives it.
    const answer = page.waitForResponse((r) => r.url().endsWith(`/inbound/${secondId}/receipts`) && r.request().method() === 'POST');
    await scanInto(page, `01${'0' + product.ean}17281130` + `10L1101${GS}`);
    expect((await answer).status()).toBe(201);
    await expect.poll(() => page.locator('#receive-form').getAttribute('data-result')).toBe('ok');
    const result = (await page.locator('.result').textContent()) ?? '';
    expect(result).toContain('L1101');
    expect(result).toContain('30.11.2028');
    expect(await focusedId(page)).toBe('f-scan');
    await shot(page, '10-label-in-lot');
    const [lot] = await queryRows<{ code: string; expiresOn: string }>(db, sql`SELECT l.code, l.expires_on::text AS "expiresOn" FROM inbound_receipts r JOIN lots l ON l.id = r.lot_id WHERE r.shipment_id = ${secondId}`);
    expect(lot).toEqual({ code: 'L1101', expiresOn: '2028-11-30' });
    expect((await verifyLedger(db)).problems).toEqual([]);
    await page.close();
  });
});

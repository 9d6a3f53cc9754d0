/**
 * Cold storage on a 1024 × 768 tablet, in real Chromium: the slot map of the Moscow freezer
 * is open; a sensor reports an out-of-range temperature through the API; the map turns the
 * slot red by itself; the reading back in range ends the excursion; the manager quarantines
 * the affected lot from the excursion page, and the ledger holds the move. Then the scanner
 * screen for typed readings at 360 px, and the chart.
 *
 * Runs where /usr/bin/chromium exists; CI installs it and requires these tests.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/db/client.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { seedDemo, DEMO_PASSWORD } from '../../seeds/demo.ts';
import { locations, stockBalances, temperatureReadings, users, warehouses, zones } from '../../src/db/schema/index.ts';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { balanceOf } from '../helpers/counts.ts';
import { noHorizontalScroll, shot, signInPage, skipBrowser, startBrowserApp, SCANNER, type BrowserApp } from '../helpers/browser.ts';

const MANAGER = 'manager@demo.test';
const OPERATOR = 'operator.msk@demo.test';
const TABLET = { width: 1024, height: 768 };

describe.skipIf(skipBrowser)('cold storage on a tablet and a scanner (Chromium)', () => {
  let database: Database | undefined;
  let db: Db;
  let browser: BrowserApp | undefined;
  let token = '';
  let zoneId = 0;
  let slot = { id: 0, code: '', productId: 0, lotId: null as number | null, onHand: 0 };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await seedDemo(db);
    const [msk] = await db.select().from(warehouses).where(eq(warehouses.code, 'MSK'));
    const [frozen] = await db.select().from(zones).where(and(eq(zones.warehouseId, msk!.id), eq(zones.code, 'FROZEN')));
    zoneId = frozen!.id;
    const [held] = await db
      .select({ id: locations.id, code: locations.code, productId: stockBalances.productId, lotId: stockBalances.lotId, onHand: stockBalances.onHand })
      .from(stockBalances)
      .innerJoin(locations, eq(locations.id, stockBalances.locationId))
      .where(and(eq(locations.zoneId, frozen!.id), eq(locations.kind, 'cold'), gt(stockBalances.onHand, 0), sql`${stockBalances.reserved} = 0`))
      .orderBy(locations.code)
      .limit(1);
    slot = { ...held!, lotId: held!.lotId ?? null };
    const [admin] = await db.select().from(users).where(eq(users.email, 'admin@demo.test'));
    token = (await createApiToken(db, { kind: 'device', name: 'Freezer probe', warehouseId: msk!.id, createdBy: admin!.id })).token;
    browser = await startBrowserApp(db, TABLET);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (database) {
      expect((await verifyLedger(database.db)).problems).toEqual([]);
      await database.close();
    }
  });

  const sensor = async (celsius: number, at: Date) => {
    const res = await fetch(`${browser!.base}/api/v1/temperature-readings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ readings: [{ warehouse: 'MSK', location: slot.code, celsius, at: at.toISOString() }] }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { excursions_opened: { id: string }[] };
  };

  it('the slot map turns a slot red when a sensor reports it warm; the manager quarantines the lot', async () => {
    const page = await signInPage(browser!, MANAGER, DEMO_PASSWORD);
    await page.goto(`${browser!.base}/cold/zones/${zoneId}/map`);
    const cell = page.locator(`[data-slot="${slot.code}"]`);
    await expect.poll(() => cell.getAttribute('data-state')).not.toBe('excursion');
    await shot(page, 'cold-map-1024-before');

    const opened = await sensor(-9.5, new Date(Date.now() + 1000));
    expect(opened.excursions_opened).toHaveLength(1);
    // No reload: the map refreshes itself.
    await expect.poll(() => cell.getAttribute('data-state'), { timeout: 30_000, interval: 500 }).toBe('excursion');
    await shot(page, 'cold-map-1024-excursion');

    await sensor(-19.5, new Date(Date.now() + 2000));
    await cell.click();
    await page.waitForURL(`${browser!.base}/cold/slots/${slot.id}`);
    await page.locator('.alert-error a').first().click();
    await page.waitForURL(/\/cold\/excursions\/\d+$/);
    const key = `${slot.id}_${slot.productId}_${slot.lotId ?? 0}`;
    await page.locator(`input[name="decision_${key}"][value="quarantine"]`).check({ force: true });
    // Any other lot in the slot is kept.
    for (const other of await page.locator('input[type="radio"][value="keep"]').all()) {
      const name = await other.getAttribute('name');
      if (name !== `decision_${key}`) await other.check({ force: true });
    }
    await page.locator('#f-note').fill('Probe showed −9.5 °C for one reading; lot quarantined for a core temperature check.');
    await shot(page, 'cold-excursion-1024');
    await Promise.all([page.waitForURL(/closed=1$/), page.getByRole('button', { name: /Apply the decisions|Close the excursion/ }).click()]);
    await expect.poll(() => page.locator('.alert-ok').count()).toBe(1);
    expect(await page.locator('.badge.decision-quarantine').count()).toBeGreaterThan(0);
    expect(await balanceOf(db, slot.id, slot.productId, slot.lotId)).toEqual({ onHand: 0, reserved: 0 });

    // The ledger page shows the quarantine move with the excursion as its document.
    await page.goto(`${browser!.base}/locations/${slot.id}`);
    expect(await page.content()).toContain('QUAR-F1');
    await page.close();
  });

  it('an operator types a reading on the 360 px scanner: scan the slot label, type °C, Enter', async () => {
    await browser!.context.clearCookies();
    const page = await signInPage(browser!, OPERATOR, DEMO_PASSWORD);
    await page.setViewportSize(SCANNER);
    await page.goto(`${browser!.base}/cold/readings/new`);
    await page.locator('#f-target').pressSequentially(slot.code);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-celsius');
    await page.keyboard.type('-19,2');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('[data-result="ok"]').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-target');
    await noHorizontalScroll(page);
    await shot(page, 'cold-reading-360');
    // A label that is neither a slot nor a zone: refused, next to the field, nothing stored.
    await page.keyboard.type('NO-SUCH-SLOT');
    await page.keyboard.press('Enter');
    await page.keyboard.type('-19');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('#f-target-error').count()).toBe(1);
    await noHorizontalScroll(page);
    await page.goto(`${browser!.base}/cold/zones/${zoneId}/map`);
    await noHorizontalScroll(page);
    await shot(page, 'cold-map-360');
    await page.close();
  });

  it('a double Enter on the reading form records one reading; Back after saving shows a page, never a resubmission', async () => {
    await browser!.context.clearCookies();
    const page = await signInPage(browser!, OPERATOR, DEMO_PASSWORD);
    await page.setViewportSize(SCANNER);
    const [operator] = await db.select().from(users).where(eq(users.email, OPERATOR));
    const readingsOfSlot = async () => Number((await db.select({ n: sql<number>`count(*)::int` }).from(temperatureReadings).where(and(eq(temperatureReadings.locationId, slot.id), eq(temperatureReadings.userId, operator!.id))))[0]!.n);
    const before = await readingsOfSlot();
    await page.goto(`${browser!.base}/cold/readings/new`);
    await page.locator('#f-target').pressSequentially(slot.code);
    await page.keyboard.press('Enter');
    await page.keyboard.type('-19');
    // Enter twice, as fast as a thumb does it: the form goes twice with one key. The browser may
    // abandon the first navigation for the second, so the page is waited for by its address.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(/\/cold\/readings\/new\?warehouse=MSK&reading=\d+$/);
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('[data-result="ok"]').count(), { timeout: 15_000 }).toBe(1);
    await page.waitForTimeout(300);
    expect(await readingsOfSlot()).toBe(before + 1);
    const firstUrl = page.url();
    // A second reading from the result page, then Back: the first result page loads again (a GET).
    await page.keyboard.type(slot.code);
    await page.keyboard.press('Enter');
    await page.keyboard.type('-19,5');
    await Promise.all([page.waitForURL((u) => u.href !== firstUrl && /reading=\d+$/.test(u.href)), page.keyboard.press('Enter')]);
    expect(await readingsOfSlot()).toBe(before + 2);
    const back = await page.goBack();
    expect(back?.status()).toBe(200);
    expect(page.url()).toBe(firstUrl);
    await expect.poll(() => page.locator('#f-target').count()).toBe(1);
    expect(await page.locator('.result .result-qty').textContent()).toBe('−19 °C');
    expect(await readingsOfSlot()).toBe(before + 2);
    await page.close();
  });

  it('the chart draws the zone sensor with the allowed band', async () => {
    const page = await signInPage(browser!, MANAGER, DEMO_PASSWORD);
    await page.goto(`${browser!.base}/cold/zones/${zoneId}/chart?days=1`);
    await expect.poll(() => page.locator('.chart-holder canvas').count()).toBeGreaterThan(0);
    await shot(page, 'cold-chart-1024');
    await page.close();
  });

  it('at 768 px the slot map shows every column, and the chart speaks the operator\'s Russian', async () => {
    const manager = await signInPage(browser!, MANAGER, DEMO_PASSWORD);
    await manager.setViewportSize({ width: 768, height: 1024 });
    for (const code of ['CHILLED', 'FROZEN']) {
      const [zone] = await db.select({ id: zones.id }).from(zones).innerJoin(warehouses, eq(warehouses.id, zones.warehouseId)).where(and(eq(warehouses.code, 'MSK'), eq(zones.code, code)));
      await manager.goto(`${browser!.base}/cold/zones/${zone!.id}/map`);
      await noHorizontalScroll(manager, 768);
      for (const grid of await manager.locator('.slot-grid').all()) expect(await grid.evaluate((g) => g.scrollWidth - g.clientWidth), code).toBeLessThanOrEqual(1);
    }
    await shot(manager, 'cold-map-768');
    await manager.close();

    const page = await signInPage(browser!, OPERATOR, DEMO_PASSWORD);
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${browser!.base}/cold/zones/${zoneId}/chart?days=1`);
    await expect.poll(() => page.locator('.chart-holder canvas').count()).toBeGreaterThan(0);
    await noHorizontalScroll(page, 768);
    expect(await page.locator('.u-legend .u-series').first().locator('.u-label').textContent()).toBe('Время');
    // The legend's time under the pointer: a 24-hour Russian date and time.
    const over = (await page.locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
    await expect.poll(() => page.locator('.u-legend .u-series').first().locator('.u-value').textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    await shot(page, 'cold-chart-768-ru');
    await page.close();
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { createApp } from '../../src/app.tsx';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const inCi = Boolean(process.env.CI);
/** Browser tests run where Chromium is; off CI they are skipped without it, on CI they fail. */
export const skipBrowser = !hasChromium && !inCi;
export const SCANNER = { width: 360, height: 740 };
export const shotsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

if (skipBrowser) console.warn(`[e2e] ${CHROMIUM} not found: skipping the browser tests (install it with "apt-get install chromium"; CI requires it).`);

export type BrowserApp = { base: string; context: BrowserContext; close: () => Promise<void> };

/** The app on a real port and a fresh Chromium profile at the given viewport. */
export async function startBrowserApp(db: Db, viewport = SCANNER): Promise<BrowserApp> {
  if (!hasChromium) throw new Error(`CI requires Chromium at ${CHROMIUM} for the browser tests (apt-get install chromium), and it is missing.`);
  mkdirSync(shotsDir, { recursive: true });
  const app = createApp({ db, settings: { logRequests: false } });
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    s.once('error', reject);
    server = s;
  });
  const profileDir = mkdtempSync(join(tmpdir(), 'caravan-e2e-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  return {
    base: `http://127.0.0.1:${port}`,
    context,
    close: async () => {
      await context.close().catch(() => {});
      if (server) {
        const s = server;
        (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** A fresh page signed in through the login form (lands on /inventory). */
export async function signInPage(b: BrowserApp, email: string, password: string): Promise<Page> {
  await b.context.clearCookies();
  const page = await b.context.newPage();
  await page.goto(`${b.base}/login`);
  await page.locator('#f-email').fill(email);
  await page.locator('#f-password').fill(password);
  await Promise.all([page.waitForURL(`${b.base}/inventory`), page.locator('#f-password').press('Enter')]);
  await page.waitForLoadState('load');
  return page;
}

/**
 * The id of the focused element. Chromium focuses an `autofocus` field at its next rendering
 * step, which on a busy machine can come after the load event: wait (briefly) for a field to
 * hold the focus before asking which one.
 */
export async function focusedId(page: Page): Promise<string> {
  await page.waitForFunction(() => document.activeElement !== null && document.activeElement !== document.body, undefined, { timeout: 3000 }).catch(() => undefined);
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/** What a keyboard-wedge scanner does: type the code (control characters included), press Enter. */
export async function scanInto(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

export async function noHorizontalScroll(page: Page, width = SCANNER.width): Promise<void> {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll, `page must not scroll sideways at ${width} px`).toBeLessThanOrEqual(width + 1);
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });

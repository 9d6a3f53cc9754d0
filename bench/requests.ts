/**
 * In-process request benchmark: PGlite in memory with the demo data, the app driven through
 * app.request (no sockets), timing each request from the call until its body is fully read.
 */
import { asc, count, desc, eq } from 'drizzle-orm';
import { createApp } from '../src/app.tsx';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { productBarcodes, products, stockBalances } from '../src/db/schema/index.ts';
import { verifyLedger } from '../src/stock/index.ts';
import { DEMO_PASSWORD, seedDemo } from '../seeds/demo.ts';
import { SessionClient } from './session-client.ts';
import { median, summarize, type Summary } from './stats.ts';

export type Scenario = { name: string; path: string; htmx?: boolean; warmup: number; runs: number; check?: (body: string) => string | null };
export type ScenarioResult = { name: string; path: string; htmx: boolean; stats: Summary; bytes: number; target?: string };

export type RequestBench = {
  setup: { openMs: number; migrateMs: number; seedMs: number; products: number; moves: number };
  scenarios: ScenarioResult[];
  verify: { runs: number[]; median: number; entries: number; balances: number; ok: boolean; problems: string[] };
  picked: { ean: string; productId: number; sku: string };
};

const WARMUP = 30;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function benchRequests(progress: (line: string) => void = () => {}): Promise<RequestBench> {
  const opened = await timed(() => openDatabase({}));
  const database = opened.value;
  try {
    const migrated = await timed(() => migrate(database));
    const seeded = await timed(() => seedDemo(database.db));
    const { db } = database;
    progress(`in-memory PGlite: open ${Math.round(opened.ms)} ms, migrate ${Math.round(migrated.ms)} ms, seed ${Math.round(seeded.ms)} ms (${seeded.value.products} products, ${seeded.value.moves} moves)`);

    // A real EAN-13 of the product with the most stock rows, so the search has something to show.
    const [pick] = await db
      .select({ ean: productBarcodes.code, productId: products.id, sku: products.sku, rows: count(stockBalances.id) })
      .from(productBarcodes)
      .innerJoin(products, eq(products.id, productBarcodes.productId))
      .innerJoin(stockBalances, eq(stockBalances.productId, products.id))
      .where(eq(productBarcodes.kind, 'ean13'))
      .groupBy(productBarcodes.code, products.id, products.sku)
      .orderBy(desc(count(stockBalances.id)), asc(products.id))
      .limit(1);
    if (!pick) throw new Error('demo data has no EAN-13 barcode with stock');

    const app = createApp({ db, settings: { logRequests: false } });
    const client = new SessionClient(app);
    await client.signIn('manager@demo.test', DEMO_PASSWORD);

    const isPage = (b: string) => (/^<!DOCTYPE html>/i.test(b) ? null : 'not a full page (no <!DOCTYPE html>)');
    const scenarios: (Scenario & { target?: string })[] = [
      { name: 'GET /inventory (full page)', path: '/inventory', warmup: WARMUP, runs: 300, check: isPage, target: 'p95 < 50 ms' },
      { name: 'GET /inventory (htmx fragment)', path: '/inventory', htmx: true, warmup: WARMUP, runs: 300, check: (b) => (/^<!DOCTYPE/i.test(b) ? 'htmx request got a full page' : null), target: 'p95 < 50 ms' },
      { name: 'GET /inventory?q=<EAN-13>', path: `/inventory?q=${pick.ean}`, warmup: WARMUP, runs: 300, check: (b) => (b.includes(pick.sku) ? null : `search result does not show SKU ${pick.sku}`), target: 'p95 < 50 ms' },
      { name: 'GET /inventory?by=product', path: '/inventory?by=product', warmup: WARMUP, runs: 100, check: isPage },
      { name: `GET /products/:id`, path: `/products/${pick.productId}`, warmup: WARMUP, runs: 100, check: (b) => (b.includes(pick.sku) ? null : `product page does not show SKU ${pick.sku}`) },
      { name: 'GET /api/v1/stock?limit=50', path: '/api/v1/stock?limit=50', warmup: WARMUP, runs: 100, check: (b) => ((JSON.parse(b) as { items?: unknown[] }).items?.length === 50 ? null : 'expected 50 items') },
    ];

    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
      const init = (): RequestInit => (s.htmx ? { headers: { 'HX-Request': 'true' } } : {});
      let bytes = 0;
      for (let i = 0; i < s.warmup; i++) {
        const res = await client.send(s.path, init());
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${s.name}: status ${res.status}\n${body.slice(0, 500)}`);
        if (i === 0) {
          const problem = s.check?.(body) ?? null;
          if (problem) throw new Error(`${s.name}: ${problem}`);
          bytes = Buffer.byteLength(body);
        }
      }
      const samples: number[] = [];
      for (let i = 0; i < s.runs; i++) {
        const t0 = performance.now();
        const res = await client.send(s.path, init());
        await res.arrayBuffer();
        samples.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${s.name}: status ${res.status} on run ${i + 1}`);
      }
      const stats = summarize(samples);
      progress(`${s.name}: p50 ${stats.p50.toFixed(2)} ms, p95 ${stats.p95.toFixed(2)} ms (${s.runs} runs)`);
      results.push({ name: s.name, path: s.path, htmx: !!s.htmx, stats, bytes, ...(s.target ? { target: s.target } : {}) });
    }

    const verifyRuns: number[] = [];
    let last: Awaited<ReturnType<typeof verifyLedger>> | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await timed(() => verifyLedger(db));
      verifyRuns.push(r.ms);
      last = r.value;
    }
    progress(`verifyLedger: median ${median(verifyRuns).toFixed(1)} ms (${last!.entries} entries, ${last!.balances} balances, ok=${last!.ok})`);

    return {
      setup: { openMs: opened.ms, migrateMs: migrated.ms, seedMs: seeded.ms, products: seeded.value.products, moves: seeded.value.moves },
      scenarios: results,
      verify: { runs: verifyRuns, median: median(verifyRuns), entries: last!.entries, balances: last!.balances, ok: last!.ok, problems: last!.problems },
      picked: { ean: pick.ean, productId: pick.productId, sku: pick.sku },
    };
  } finally {
    await database.close();
  }
}

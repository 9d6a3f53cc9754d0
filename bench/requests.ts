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
import { DbProbe, type StatementStat } from './db-probe.ts';
import { SessionClient } from './session-client.ts';
import { median, summarize, type Summary } from './stats.ts';

export type Scenario = { name: string; path: string; htmx?: boolean; warmup: number; runs: number; targetP95Ms?: number; check?: (body: string) => string | null };
export type Profile = { runs: number; totalP50: number; dbP50: number; restP50: number; queriesPerRequest: number; top: (StatementStat & { avgMs: number; perRequest: number })[] };
export type ScenarioResult = { name: string; path: string; htmx: boolean; stats: Summary; bytes: number; targetP95Ms?: number; profile?: Profile };

export type RequestBench = {
  setup: { openMs: number; migrateMs: number; seedMs: number; products: number; moves: number };
  scenarios: ScenarioResult[];
  verify: { runs: number[]; median: number; entries: number; balances: number; ok: boolean; problems: string[] };
  picked: { ean: string; productId: number; sku: string };
};

const WARMUP = 30;
/** Extra instrumented runs per scenario (not part of the timings above them). */
const PROFILE_RUNS = 50;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function benchRequests(progress: (line: string) => void = () => {}, opts: { explain?: boolean } = {}): Promise<RequestBench> {
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

    const probe = DbProbe.install(db);
    const app = createApp({ db, settings: { logRequests: false } });
    const client = new SessionClient(app);
    await client.signIn('manager@demo.test', DEMO_PASSWORD);

    const isPage = (b: string) => (/^<!DOCTYPE html>/i.test(b) ? null : 'not a full page (no <!DOCTYPE html>)');
    const scenarios: Scenario[] = [
      { name: 'GET /inventory (full page)', path: '/inventory', warmup: WARMUP, runs: 300, check: isPage, targetP95Ms: 50 },
      { name: 'GET /inventory (htmx fragment)', path: '/inventory', htmx: true, warmup: WARMUP, runs: 300, check: (b) => (/^<!DOCTYPE/i.test(b) ? 'htmx request got a full page' : null), targetP95Ms: 50 },
      { name: 'GET /inventory?q=<EAN-13>', path: `/inventory?q=${pick.ean}`, warmup: WARMUP, runs: 300, check: (b) => (b.includes(pick.sku) ? null : `search result does not show SKU ${pick.sku}`), targetP95Ms: 50 },
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
      let profile: Profile | undefined;
      if (probe) {
        const totals: number[] = [];
        const dbs: number[] = [];
        const rests: number[] = [];
        let queries = 0;
        probe.resetStatements();
        for (let i = 0; i < PROFILE_RUNS; i++) {
          probe.start();
          const t0 = performance.now();
          const res = await client.send(s.path, init());
          await res.arrayBuffer();
          const total = performance.now() - t0;
          probe.stop();
          if (res.status !== 200) throw new Error(`${s.name}: status ${res.status} on instrumented run ${i + 1}`);
          totals.push(total);
          dbs.push(probe.dbMs);
          rests.push(total - probe.dbMs);
          queries += probe.queries;
        }
        profile = {
          runs: PROFILE_RUNS,
          totalP50: median(totals),
          dbP50: median(dbs),
          restP50: median(rests),
          queriesPerRequest: queries / PROFILE_RUNS,
          top: probe.top(3).map((t) => ({ ...t, avgMs: t.totalMs / t.calls, perRequest: t.calls / PROFILE_RUNS })),
        };
        if (opts.explain && profile.top[0]) {
          const plan = await probe.explain(profile.top[0]);
          progress(`${s.name}: slowest statement (${profile.top[0].avgMs.toFixed(1)} ms avg)\n${profile.top[0].sql}\nparams: ${JSON.stringify(profile.top[0].params)}\n${plan}\n`);
        }
      }
      results.push({ name: s.name, path: s.path, htmx: !!s.htmx, stats, bytes, ...(s.targetP95Ms !== undefined ? { targetP95Ms: s.targetP95Ms } : {}), ...(profile ? { profile } : {}) });
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

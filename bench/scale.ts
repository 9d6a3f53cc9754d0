/**
 * The inventory at volume: seeds/scale.ts (100,000 products, 1,000,000 ledger entries, four
 * warehouses) on PostgreSQL, then the real server: the inventory page (whole, htmx fragment,
 * with each filter, a deep page, a warehouse-scoped operator) and the product page, timed one
 * request at a time; then 10 concurrent managers on those pages; and verifyLedger() on the
 * whole ledger. A page whose p95 misses 50 ms is taken apart: its statements are captured
 * in-process and the slowest one is EXPLAINed (printed to stderr, summarised in the report).
 *
 * BENCH_SCALE_URL=postgres://…/db reuses a database already seeded with seeds/scale.ts (it is
 * seeded there when empty, and kept); otherwise a scratch database is seeded and dropped.
 */
import postgres from 'postgres';
import { createApp } from '../src/app.tsx';
import { openDatabase, type Database } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { verifyLedger } from '../src/stock/index.ts';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import { seedScale, type ScaleResult } from '../seeds/scale.ts';
import { adminUrl, closedLoop, countingDatabase, CpuWatch, int, pct, row, scratchDatabase, shownUrl, verdict, type LoadResult, type Outcome, type Scratch } from './harness.ts';
import { MemorySampler, type MemoryReport } from './memory.ts';
import { errorText, httpFetcher, running, startServer, stopServer, type Server } from './server-process.ts';
import { SessionClient, signedInClients } from './session-client.ts';
import { freePort } from './startup.ts';
import { median, ms, summarize, type Summary } from './stats.ts';

const MANAGER = 'manager@demo.test';
const OPERATOR = 'operator.msk@demo.test';
export const PAGE_TARGET_P95_MS = 50;

export type ScaleBenchOptions = { url?: string; runs?: number; maxSecondsPerPage?: number; concurrentSeconds?: number; adminUrl?: string };

export type Explained = { sql: string; params: unknown[]; perRequest: number; executionMs: number; plan: string };

export type PageResult = {
  name: string;
  path: string;
  who: string;
  stats: Summary;
  bytes: number;
  target: boolean;
  /** Statements per request and the slowest one, EXPLAINed (only for pages over the target). */
  explained?: { statements: number; slowest: Explained[] };
};

export type ScaleBench =
  | { skipped: string }
  | { failed: string; memory?: MemoryReport }
  | {
      postgres: string;
      database: string;
      reused: boolean;
      seed: ScaleResult | null;
      volume: { products: number; entries: number; balances: number; shown: number; locations: number; sellers: number };
      pages: PageResult[];
      concurrent: { load: LoadResult; clients: number; serverCores: number; postgresCores: number; machineBusy: number };
      verify: { runs: number[]; ok: boolean; entries: number; balances: number; problems: string[] };
      memory: MemoryReport;
      serverUnhandled: number;
    };

type Page = { name: string; path: (i: number) => string; who: 'manager' | 'operator'; htmx?: boolean; target: boolean; check?: (body: string, i: number) => string | null };

const isPage = (b: string) => (/^<!DOCTYPE html>/i.test(b) ? null : 'not a full page');

export async function benchScale(root: string, progress: (line: string) => void = () => {}, opts: ScaleBenchOptions = {}): Promise<ScaleBench> {
  const runs = opts.runs ?? 100;
  const maxMs = (opts.maxSecondsPerPage ?? 15) * 1000;
  const concurrentMs = (opts.concurrentSeconds ?? 20) * 1000;
  const admin = adminUrl(opts.adminUrl);
  const given = opts.url ?? process.env.BENCH_SCALE_URL;
  let scratch: Scratch | null = null;
  let url: string;
  let version = '';
  if (given) {
    url = given;
    const probe = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      version = (await probe<{ v: string }[]>`SELECT current_setting('server_version') AS v`)[0]!.v;
    } catch (err) {
      return { skipped: `BENCH_SCALE_URL not reachable (${errorText(err)})` };
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
    progress(`reusing the database at ${shownUrl(url)} (BENCH_SCALE_URL; kept afterwards)`);
  } else {
    const s = await scratchDatabase(admin, 'scale', progress);
    if ('skipped' in s) return s;
    scratch = s;
    url = s.url;
    version = s.version;
  }

  let server: Server | null = null;
  let memory: MemorySampler | null = null;
  let direct: Database | null = null;
  const killOnExit = () => server?.child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    direct = await openDatabase({ url, max: 4 });
    await migrate(direct);
    const seed = await seedScale(direct.db, { log: (line) => progress(`seed: ${line}`) });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    let volume: Extract<ScaleBench, { volume: unknown }>['volume'];
    let samples: { id: number; ean: string; sku: string }[];
    try {
      const [v] = await sql<{ products: number; entries: number; balances: number; shown: number; locations: number; sellers: number }[]>`
        SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM ledger_entries)::int AS entries,
               (SELECT count(*) FROM stock_balances)::int AS balances,
               (SELECT count(*) FROM stock_balances WHERE NOT is_virtual AND (on_hand <> 0 OR reserved <> 0))::int AS shown,
               (SELECT count(*) FROM locations)::int AS locations, (SELECT count(*) FROM sellers)::int AS sellers`;
      volume = v!;
      // Products with stock, spread over the catalogue: the product page and the search rotate over them.
      samples = [
        ...(await sql<{ id: number; ean: string; sku: string }[]>`
          SELECT p.id, b.code AS ean, p.sku FROM products p JOIN product_barcodes b ON b.product_id = p.id AND b.kind = 'ean13'
          WHERE EXISTS (SELECT 1 FROM stock_balances sb WHERE sb.product_id = p.id AND NOT sb.is_virtual AND sb.on_hand > 0)
            AND p.id % 997 = 0
          ORDER BY p.id LIMIT 100`),
      ];
    } finally {
      await sql.end({ timeout: 1 });
    }
    if (samples.length === 0) throw new Error('no product with stock found');
    progress(`volume: ${int(volume.products)} products, ${int(volume.entries)} ledger entries, ${int(volume.balances)} balances (${int(volume.shown)} shown on the inventory), ${int(volume.locations)} locations`);

    const port = await freePort();
    server = await startServer(root, url, port);
    memory = new MemorySampler('Inventory at 100,000 products (scale section)', server.child.pid ?? 0);
    const origin = `http://127.0.0.1:${port}`;
    progress(`server ready in ${(server.readyMs / 1000).toFixed(1)} s`);
    const manager = new SessionClient(httpFetcher, origin);
    await manager.signIn(MANAGER, DEMO_PASSWORD);
    const operator = new SessionClient(httpFetcher, origin);
    await operator.signIn(OPERATOR, DEMO_PASSWORD);
    const clientOf = { manager, operator };

    const sample = (i: number) => samples[i % samples.length]!;
    const pages: Page[] = [
      { name: 'GET /inventory (full page)', path: () => '/inventory', who: 'manager', target: true, check: isPage },
      { name: 'GET /inventory (htmx fragment)', path: () => '/inventory', who: 'manager', htmx: true, target: true },
      { name: 'GET /inventory?warehouse=MSK', path: () => '/inventory?warehouse=MSK', who: 'manager', target: true },
      { name: 'GET /inventory?seller=SZ-HUAQIANG', path: () => '/inventory?seller=SZ-HUAQIANG', who: 'manager', target: true },
      { name: 'GET /inventory?class=frozen', path: () => '/inventory?class=frozen', who: 'manager', target: true },
      { name: 'GET /inventory?q=<EAN-13>', path: (i) => `/inventory?q=${sample(i).ean}`, who: 'manager', target: true, check: (b, i) => (b.includes(sample(i).sku) ? null : `search does not show ${sample(i).sku}`) },
      { name: 'GET /inventory?by=product', path: () => '/inventory?by=product', who: 'manager', target: true },
      { name: 'GET /inventory?page=1000 (deep page)', path: () => '/inventory?page=1000', who: 'manager', target: false },
      // The totals bar of /inventory loads itself after the page (htmx): shown, no target.
      { name: 'GET /inventory/totals (totals bar, after the page)', path: () => '/inventory/totals', who: 'manager', htmx: true, target: false },
      { name: 'GET /inventory/totals?by=product (totals bar)', path: () => '/inventory/totals?by=product', who: 'manager', htmx: true, target: false },
      { name: 'GET /inventory, operator of MSK', path: () => '/inventory', who: 'operator', target: true },
      { name: 'GET /products/:id', path: (i) => `/products/${sample(i).id}`, who: 'manager', target: true, check: (b, i) => (b.includes(sample(i).sku) ? null : `product page does not show ${sample(i).sku}`) },
    ];

    memory.phase('pages, one at a time');
    const results: PageResult[] = [];
    for (const p of pages) {
      const c = clientOf[p.who];
      const init = (): RequestInit => (p.htmx ? { headers: { 'HX-Request': 'true' } } : {});
      let bytes = 0;
      for (let i = 0; i < 5; i++) {
        const res = await c.send(p.path(i), init());
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${p.name}: ${res.status} ${body.slice(0, 300)}`);
        const problem = p.check?.(body, i) ?? null;
        if (problem) throw new Error(`${p.name}: ${problem}`);
        bytes = Buffer.byteLength(body);
      }
      const times: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < runs && (i < 20 || performance.now() - t0 < maxMs); i++) {
        const s = performance.now();
        const res = await c.send(p.path(i), init());
        await res.arrayBuffer();
        times.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`${p.name}: ${res.status} on run ${i + 1}`);
      }
      const stats = summarize(times);
      results.push({ name: p.name, path: p.path(0), who: p.who, stats, bytes, target: p.target });
      progress(`${p.name}: p50 ${ms(stats.p50)}, p95 ${ms(stats.p95)} (${stats.n} runs, ${Math.round(bytes / 1024)} KiB)`);
    }

    // 10 managers at once on the inventory and product pages: throughput and the server's memory.
    memory.phase('10 managers at once');
    const many = await signedInClients(httpFetcher, origin, 10, MANAGER, DEMO_PASSWORD);
    const mon = postgres(url, { max: 1, onnotice: () => {} });
    const cpu = await CpuWatch.start(memory.appPid, mon, new URL(url).pathname.slice(1));
    const load = await closedLoop(many.length, concurrentMs, async (w, i): Promise<Outcome> => {
      const path = i % 2 === 0 ? (i % 4 === 0 ? '/inventory' : '/inventory?warehouse=ALA') : `/products/${sample(w * 7 + i).id}`;
      // An inventory page view is the page and then its totals bar, as the browser loads them.
      for (const p of path.startsWith('/inventory') ? [path, path.replace('/inventory', '/inventory/totals')] : [path]) {
        const res = await many[w]!.send(p, p.includes('/totals') ? { headers: { 'HX-Request': 'true' } } : {});
        await res.arrayBuffer();
        if (res.status !== 200) return { ok: false, error: `${p}: ${res.status}`, serverError: res.status >= 500 };
      }
      return { ok: true };
    });
    const c = cpu.stop();
    await mon.end({ timeout: 1 }).catch(() => {});
    const concurrent = { load, clients: many.length, serverCores: c.serverMs / c.wallMs, postgresCores: c.postgresMs / c.wallMs, machineBusy: c.machineBusy };
    progress(`10 managers at once: ${load.rate.toFixed(1)} pages/s, p50 ${ms(load.latency.p50)}, p95 ${ms(load.latency.p95)}, ${load.errors} errors, CPU server ${concurrent.serverCores.toFixed(2)} / PostgreSQL ${concurrent.postgresCores.toFixed(2)} cores, machine ${pct(c.machineBusy)} busy`);
    memory.phase(null);

    // Pages over the target: their statements, in-process on a counting client, the slowest EXPLAINed.
    const over = results.filter((r) => r.target && r.stats.p95 >= PAGE_TARGET_P95_MS);
    if (over.length) {
      const counting = countingDatabase(url, 4);
      try {
        const app = createApp({ db: counting.db, settings: { logRequests: false } });
        const inproc = { manager: new SessionClient(app), operator: new SessionClient(app) };
        await inproc.manager.signIn(MANAGER, DEMO_PASSWORD);
        await inproc.operator.signIn(OPERATOR, DEMO_PASSWORD);
        for (const r of over) {
          const p = pages.find((x) => x.name === r.name)!;
          counting.counter.reset();
          const n = 3;
          for (let i = 0; i < n; i++) await (await inproc[p.who].send(p.path(i), p.htmx ? { headers: { 'HX-Request': 'true' } } : {})).arrayBuffer();
          const explained: Explained[] = [];
          for (const [text, count] of counting.counter.byText) {
            if (/^(begin|commit|rollback)\b/i.test(text)) continue;
            const { sql: q, params } = counting.counter.last.get(text)!;
            if (!/^\s*(select|with)\b/i.test(q)) continue;
            const plan = await counting.sql.unsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${q}`, params as never[]);
            const lines = plan.map((l) => l['QUERY PLAN']);
            const exec = /Execution Time: ([\d.]+) ms/.exec(lines[lines.length - 1] ?? '');
            explained.push({ sql: text, params, perRequest: count / n, executionMs: exec ? Number(exec[1]) : Number.NaN, plan: lines.join('\n') });
          }
          explained.sort((a, b) => b.executionMs - a.executionMs);
          r.explained = { statements: counting.counter.statements / n, slowest: explained.slice(0, 2) };
          const top = explained[0];
          if (top) progress(`${r.name}: ${r.explained.statements.toFixed(1)} statements per request; slowest ${top.executionMs.toFixed(1)} ms:\n${top.sql}\nparams: ${JSON.stringify(top.params)}\n${top.plan}\n`);
        }
      } finally {
        await counting.close();
      }
    }

    const report = memory.stop();
    memory = null;
    await stopServer(server);

    const verifyRuns: number[] = [];
    let last: Awaited<ReturnType<typeof verifyLedger>> | null = null;
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      last = await verifyLedger(direct.db);
      verifyRuns.push(performance.now() - t0);
      progress(`verifyLedger: ${last.ok ? 'ok' : `${last.problems.length} problems`} in ${ms(verifyRuns[i]!)} (${int(last.entries)} entries, ${int(last.balances)} balances)`);
    }
    return {
      postgres: `PostgreSQL ${version}`,
      database: given ? shownUrl(url) : `${scratch!.name} (dropped afterwards)`,
      reused: !!given,
      seed: seed.seeded ? seed : null,
      volume,
      pages: results,
      concurrent,
      verify: { runs: verifyRuns, ok: last!.ok, entries: last!.entries, balances: last!.balances, problems: last!.problems },
      memory: report,
      serverUnhandled: server.log.unhandled,
    };
  } catch (err) {
    if (server) process.stderr.write(`--- server output (tail) ---\n${server.log.tail.slice(-3000)}\n`);
    const report = memory?.stop();
    return { failed: errorText(err), ...(report ? { memory: report } : {}) };
  } finally {
    if (running(server)) await stopServer(server);
    await direct?.close().catch(() => {});
    await scratch?.drop();
    process.removeListener('exit', killOnExit);
  }
}

const planSummary = (plan: string) =>
  plan
    .split('\n')
    .filter((l) => /->|^\s*(Limit|WindowAgg|Sort|Hash|Nested|Incremental|Gather)/.test(l) || /Execution Time/.test(l))
    .slice(0, 4)
    .map((l) => l.trim().replace(/\s*\(cost=[^)]*\)/, ''))
    .join(' / ');

export function scaleMarkdown(r: ScaleBench): string[] {
  if ('skipped' in r) return [`Inventory at volume: skipped, ${r.skipped}.`];
  if ('failed' in r) return [`Inventory at volume: **failed**: ${r.failed.split('\n')[0]}`];
  const out: string[] = [];
  const v = r.volume;
  out.push(row([`Real server on PostgreSQL, ${int(v.products)} products, ${int(v.entries)} ledger entries, ${int(v.shown)} stock rows shown (one request at a time)`, 'Runs', 'p50', 'p95', 'p99', 'Body', `p95 < ${PAGE_TARGET_P95_MS} ms`]));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const p of r.pages) out.push(row([p.name, p.stats.n, ms(p.stats.p50), ms(p.stats.p95), ms(p.stats.p99), `${(p.bytes / 1024).toFixed(0)} KiB`, p.target ? verdict(p.stats.p95 < PAGE_TARGET_P95_MS) : '']));
  const c = r.concurrent;
  out.push(row([`${c.clients} managers at once (inventory and inventory of one warehouse, each with its totals bar; product pages), ${Math.round(c.load.wallMs / 1000)} s; CPU in cores: server ${c.serverCores.toFixed(2)} / PostgreSQL ${c.postgresCores.toFixed(2)}, machine ${pct(c.machineBusy)} busy`, int(c.load.ok), ms(c.load.latency.p50), ms(c.load.latency.p95), ms(c.load.latency.p99), `${c.load.rate.toFixed(1)} pages/s`, c.load.errors ? `**${c.load.errors} errors**` : '']));
  out.push(row([`verifyLedger() on the whole ledger (${int(r.verify.entries)} entries, ${int(r.verify.balances)} balances)`, r.verify.runs.length, ms(median(r.verify.runs)), '', '', '', r.verify.ok ? 'ledger ok' : `**${r.verify.problems.length} problems**`]));
  out.push('');
  const explained = r.pages.filter((p) => p.explained?.slowest.length);
  if (explained.length) {
    out.push(row(['Pages over the target: the slowest statement (EXPLAIN ANALYZE)', 'Statements per request', 'Slowest statement', 'Plan (top nodes)']));
    out.push(row(['---', '---:', '---:', '---']));
    for (const p of explained) {
      const s = p.explained!.slowest[0]!;
      out.push(row([p.name, p.explained!.statements.toFixed(1), ms(s.executionMs), planSummary(s.plan)]));
    }
    out.push('');
  }
  const seed = r.seed;
  out.push(
    `Volume: seeds/scale.ts (${v.sellers} sellers, ${int(v.locations)} locations in 4 warehouses, ${int(v.balances)} balance rows of which ${int(v.shown)} real and non-zero) on ${r.postgres}, database ${r.database}` +
      (seed ? `, seeded in ${(seed.ms.total / 1000).toFixed(0)} s (${(seed.ms.moves / 1000).toFixed(0)} s of it the moves through \`moveMany\`, ${int(v.entries / (seed.ms.moves / 1000))} entries/s)` : ', seeded beforehand') +
      `. Pages are timed over keep-alive HTTP, request sent → body read, after 5 untimed requests; the search and the product page rotate over 100 products with stock. ` +
      `The operator is assigned to MSK only, so sees one warehouse.` +
      (r.serverUnhandled ? ` The server logged ${r.serverUnhandled} unhandled errors.` : ''),
  );
  return out;
}

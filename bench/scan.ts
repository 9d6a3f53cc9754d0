/**
 * Scan latency at 50 concurrent scanners: the real server on PostgreSQL, and the request a
 * handheld sends most when a truck is unloaded: the receiving scan of the dock screen,
 * POST /inbound/:id/receipts (form fields as the screen sends them, htmx: the answer is the
 * scan form again with the green result). Each scanner is a signed-in operator session on its
 * own ASN (two lines, ambient goods without lot or expiry), scanning EAN-13 codes with a new
 * idempotency key each.
 *
 * Three loads: scanners used by people (one scan a second each, ±20 %), twice that, and
 * scanners firing back to back (no pause: the server's ceiling). Latency is request planned →
 * answer read. Then where the time goes: server and PostgreSQL CPU per scan from /proc, and the
 * statements one scan sends, counted in-process on the same database.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createApp } from '../src/app.tsx';
import { openDatabase } from '../src/db/client.ts';
import { verifyLedger } from '../src/stock/index.ts';
import { DEMO_PASSWORD } from '../seeds/demo.ts';
import { adminUrl, closedLoop, countingDatabase, CpuWatch, int, pacedLoop, pct, row, scratchDatabase, shownUrl, verdict, type LoadResult, type Outcome } from './harness.ts';
import { MemorySampler, type MemoryReport } from './memory.ts';
import { errorText, running, startServer, stopServer, type Server } from './server-process.ts';
import { rawFetcher } from './raw-fetcher.ts';
import { SessionClient, signedInClients } from './session-client.ts';
import { freePort } from './startup.ts';
import { median, ms } from './stats.ts';

const OPERATOR = 'operator.msk@demo.test';
const WAREHOUSE = 'MSK';
const DOCK = 'DOCK-01';
export const SCAN_TARGET_P95_MS = 25;

export type ScanOptions = { scanners?: number; pacedSeconds?: number; closedSeconds?: number; adminUrl?: string };

export type ScanCase = {
  name: string;
  /** Planned scans per scanner per second (null: back to back). */
  perScannerPerSec: number | null;
  load: LoadResult;
  cpu: { serverMsPerScan: number; postgresMsPerScan: number; serverCores: number; postgresCores: number; clientCores: number; machineBusy: number };
};

export type ScanProfile = { scans: number; statements: number; transactions: number; p50: number; cpuMs: number; top: { sql: string; perScan: number }[] };

export type ScanBench =
  | { skipped: string }
  | { failed: string; memory?: MemoryReport }
  | {
      postgres: string;
      scanners: number;
      sessions: string;
      cases: ScanCase[];
      profile: ScanProfile;
      checks: { name: string; ok: boolean; detail: string }[];
      verify: { ok: boolean; entries: number; ms: number; problems: string[] };
      memory: MemoryReport;
      serverUnhandled: number;
    };

type Product = { sku: string; seller: string; ean: string };
type Asn = { id: string; products: Product[] };

async function postJson(c: SessionClient, path: string, body: unknown, key?: string) {
  const res = await c.send(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrf, ...(key ? { 'Idempotency-Key': key } : {}) } });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* checked by the caller */
  }
  return { status: res.status, json, text };
}

/** Ambient goods without lot or expiry, `lines` of one seller per ASN, one ASN per scanner (+ spare). */
async function productGroups(sql: postgres.Sql, count: number, lines: number): Promise<Product[][]> {
  const pool = await sql<Product[]>`
    SELECT p.sku, s.code AS seller, b.code AS ean
    FROM products p JOIN sellers s ON s.id = p.seller_id
    JOIN product_barcodes b ON b.product_id = p.id AND b.kind = 'ean13' AND b.units = 1
    WHERE p.temperature_class = 'ambient' AND NOT p.tracks_lot AND NOT p.tracks_expiry
    ORDER BY s.code, p.sku`;
  const bySeller = new Map<string, Product[]>();
  for (const p of pool) bySeller.set(p.seller, [...(bySeller.get(p.seller) ?? []), p]);
  const groups: Product[][] = [];
  for (const list of bySeller.values()) for (let i = 0; i + lines <= list.length; i += lines) groups.push(list.slice(i, i + lines));
  if (groups.length === 0) throw new Error('no ambient products without lot or expiry');
  return Array.from({ length: count }, (_, i) => groups[i % groups.length]!);
}

async function createAsn(c: SessionClient, tag: string, products: Product[]): Promise<Asn> {
  const reference = `SCAN-${tag}-${randomBytes(3).toString('hex').toUpperCase()}`;
  const created = await postJson(c, '/api/v1/inbound-shipments', { warehouse: WAREHOUSE, seller: products[0]!.seller, reference, transport: { mode: 'road_tir' }, lines: products.map((p) => ({ sku: p.sku, quantity: 100_000 })) }, `bench-${reference}`);
  if (created.status !== 201 || typeof created.json.id !== 'string') throw new Error(`POST /api/v1/inbound-shipments answered ${created.status}: ${created.text.slice(0, 300)}`);
  const arrived = await postJson(c, `/api/v1/inbound-shipments/${created.json.id}/arrival`, { dock: DOCK, seals: [] });
  if (arrived.status !== 200) throw new Error(`arrival answered ${arrived.status}: ${arrived.text.slice(0, 300)}`);
  return { id: created.json.id, products };
}

/** One receiving scan from the dock screen; 201 with the form again is a success. */
async function scan(c: SessionClient, asn: Asn, seq: number, tag: string): Promise<Outcome> {
  const p = asn.products[seq % asn.products.length]!;
  const body = new URLSearchParams({ scan: p.ean, quantity: '1', lot: '', expiry: '', idempotency_key: `scan-${tag}-${seq}-${randomBytes(4).toString('hex')}`, _csrf: c.csrf });
  const res = await c.send(`/inbound/${asn.id}/receipts`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' } });
  const text = await res.text();
  if (res.status !== 201) return { ok: false, error: `${res.status}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`, serverError: res.status >= 500 };
  return { ok: true };
}

export async function benchScan(root: string, progress: (line: string) => void = () => {}, opts: ScanOptions = {}): Promise<ScanBench> {
  const scanners = opts.scanners ?? 50;
  const pacedMs = (opts.pacedSeconds ?? 30) * 1000;
  const closedMs = (opts.closedSeconds ?? 20) * 1000;
  const admin = adminUrl(opts.adminUrl);
  const scratch = await scratchDatabase(admin, 'scan', progress);
  if ('skipped' in scratch) return scratch;
  let server: Server | null = null;
  let memory: MemorySampler | null = null;
  const monitor = postgres(scratch.url, { max: 1, onnotice: () => {} });
  const killOnExit = () => server?.child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const port = await freePort();
    server = await startServer(root, scratch.url, port);
    memory = new MemorySampler('Receiving scans, 50 scanners (scan section)', server.child.pid ?? 0);
    const origin = `http://127.0.0.1:${port}`;
    progress(`server ready in ${(server.readyMs / 1000).toFixed(1)} s (demo seeded first; migrate + start on PostgreSQL)`);

    const clients = await signedInClients(rawFetcher(), origin, scanners, OPERATOR, DEMO_PASSWORD, '/receive');
    const sessions = `${scanners} sessions of ${OPERATOR}, one per scanner`;
    const groups = await productGroups(monitor, scanners + 1, 2);
    const asns: Asn[] = [];
    for (let i = 0; i < scanners; i++) asns.push(await createAsn(clients[0]!, `D${i + 1}`, groups[i]!));
    progress(`signed in ${scanners} scanners; ${asns.length} ASNs arrived at ${DOCK} (2 lines of 100,000 each)`);

    const tag = randomBytes(3).toString('hex');
    let seq = 0;
    let accepted = 0;
    const send = async (w: number): Promise<Outcome> => {
      const o = await scan(clients[w]!, asns[w]!, seq++, tag);
      if (o.ok) accepted++;
      return o;
    };
    memory.phase('warm-up');
    const warm = await closedLoop(scanners, 3_000, (w) => send(w));
    if (warm.errors) throw new Error(`${warm.errors} errors in the warm-up: ${warm.errorSamples.join(' | ')}`);

    const cases: ScanCase[] = [];
    const runCase = async (name: string, perSec: number | null, durationMs: number) => {
      memory!.phase(name);
      const cpu = await CpuWatch.start(memory!.appPid, monitor, scratch.name);
      const load = perSec === null ? await closedLoop(scanners, durationMs, (w) => send(w)) : await pacedLoop(scanners, durationMs, 1000 / perSec, (w) => send(w));
      const c = cpu.stop();
      const k: ScanCase = {
        name,
        perScannerPerSec: perSec,
        load,
        cpu: { serverMsPerScan: c.serverMs / load.ok, postgresMsPerScan: c.postgresMs / load.ok, serverCores: c.serverMs / c.wallMs, postgresCores: c.postgresMs / c.wallMs, clientCores: c.clientMs / c.wallMs, machineBusy: c.machineBusy },
      };
      cases.push(k);
      progress(
        `${name}: ${load.rate.toFixed(0)} scans/s, p50 ${ms(load.latency.p50)}, p95 ${ms(load.latency.p95)}, p99 ${ms(load.latency.p99)}, ${load.errors} errors, ${load.late} late starts; ` +
          `server CPU ${k.cpu.serverMsPerScan.toFixed(1)} ms/scan, PostgreSQL ${k.cpu.postgresMsPerScan.toFixed(1)} ms/scan, machine ${pct(c.machineBusy)} busy`,
      );
    };
    await runCase(`${scanners} scanners, 1 scan/s each`, 1, pacedMs);
    await runCase(`${scanners} scanners, 2 scans/s each`, 2, pacedMs);
    await runCase(`${scanners} scanners back to back`, null, closedMs);
    memory.phase(null);

    // Statements per scan: the same request in-process, one at a time, on a counting client.
    const counting = countingDatabase(scratch.url, 10);
    let profile: ScanProfile;
    try {
      const app = createApp({ db: counting.db, settings: { logRequests: false } });
      const c = new SessionClient(app);
      await c.signIn(OPERATOR, DEMO_PASSWORD);
      await c.loadCsrf('/receive');
      const asn = await createAsn(c, 'PROFILE', groups[scanners]!);
      for (let i = 0; i < 20; i++) if (!(await scan(c, asn, i, `${tag}-p`)).ok) throw new Error('profile warm-up scan failed');
      counting.counter.reset();
      const times: number[] = [];
      const n = 100;
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const o = await scan(c, asn, 100 + i, `${tag}-p`);
        times.push(performance.now() - t0);
        if (!o.ok) throw new Error(`profile scan: ${o.error}`);
      }
      const cpu = process.cpuUsage(cpu0);
      const texts = [...counting.counter.byText].sort((a, b) => b[1] - a[1]);
      profile = {
        scans: n,
        statements: counting.counter.statements / n,
        transactions: texts.filter(([t]) => /^begin\b/i.test(t)).reduce((a, [, k]) => a + k, 0) / n,
        p50: median(times),
        cpuMs: (cpu.user + cpu.system) / 1000 / n,
        top: texts.slice(0, 12).map(([sql, k]) => ({ sql, perScan: k / n })),
      };
      progress(`one scan in-process: ${profile.statements.toFixed(1)} statements, ${profile.transactions.toFixed(2)} transactions, p50 ${ms(profile.p50)}, ${profile.cpuMs.toFixed(1)} ms CPU (app + client)`);
    } finally {
      await counting.close();
    }

    const [ledger] = await monitor<{ n: number }[]>`SELECT count(*)::int AS n FROM ledger_entries WHERE reason = 'receipt' AND document_type = 'inbound' AND document_id = ANY(${asns.map((a) => a.id)}::text[])`;
    const checks = [{ name: 'receipt ledger entries = scans answered 201', ok: ledger!.n === accepted, detail: `${int(accepted)} scans answered 201 (warm-up included), ${int(ledger!.n)} receipt entries on the ${asns.length} ASNs` }];
    const report = memory.stop();
    memory = null;
    await stopServer(server);
    const t0 = performance.now();
    const direct = await openDatabase({ url: scratch.url, max: 2 });
    let verify: { ok: boolean; entries: number; ms: number; problems: string[] };
    try {
      const v = await verifyLedger(direct.db);
      verify = { ok: v.ok, entries: v.entries, ms: performance.now() - t0, problems: v.problems };
    } finally {
      await direct.close();
    }
    progress(`verifyLedger: ${verify.ok ? 'ok' : 'PROBLEMS'} (${int(verify.entries)} entries); ${checks[0]!.ok ? 'ledger matches the answers' : 'MISMATCH: ' + checks[0]!.detail}`);
    return { postgres: `PostgreSQL ${scratch.version} at ${shownUrl(admin)}`, scanners, sessions, cases, profile, checks, verify, memory: report, serverUnhandled: server.log.unhandled };
  } catch (err) {
    if (server) process.stderr.write(`--- server output (tail) ---\n${server.log.tail.slice(-3000)}\n`);
    const report = memory?.stop();
    return { failed: errorText(err), ...(report ? { memory: report } : {}) };
  } finally {
    if (running(server)) await stopServer(server);
    await monitor.end({ timeout: 2 }).catch(() => {});
    await scratch.drop();
    process.removeListener('exit', killOnExit);
  }
}

const shortSql = (s: string) => (s.length > 140 ? s.slice(0, 140) + '…' : s);

export function scanMarkdown(r: ScanBench): string[] {
  if ('skipped' in r) return [`Scan latency: skipped, ${r.skipped}.`];
  if ('failed' in r) return [`Scan latency: **failed**: ${r.failed.split('\n')[0]}`];
  const out: string[] = [];
  out.push(row([`Receiving scan POST /inbound/:id/receipts (htmx), real server on PostgreSQL, ${r.scanners} scanners`, 'Scans/s', 'p50', 'p95', 'p99', 'Max', 'Errors', 'Server CPU per scan', 'PostgreSQL CPU per scan', 'CPU in cores: server / PostgreSQL / bench client', 'Machine busy', `p95 < ${SCAN_TARGET_P95_MS} ms`]));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const k of r.cases) {
    const l = k.load;
    const c = k.cpu;
    out.push(
      row([
        k.name,
        l.rate.toFixed(0),
        ms(l.latency.p50),
        ms(l.latency.p95),
        ms(l.latency.p99),
        ms(l.latency.max),
        l.errors ? `**${l.errors}**` : '0',
        ms(c.serverMsPerScan),
        ms(c.postgresMsPerScan),
        `${c.serverCores.toFixed(2)} / ${c.postgresCores.toFixed(2)} / ${c.clientCores.toFixed(2)}`,
        pct(c.machineBusy),
        verdict(l.latency.p95 < SCAN_TARGET_P95_MS && l.errors === 0),
      ]),
    );
  }
  const p = r.profile;
  out.push('');
  out.push(row(['One scan alone (in-process, same database, counted statements)', 'Statements', 'Transactions', 'p50', 'CPU (app + in-process client)', 'Most sent statements (× per scan)']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---']));
  out.push(row([`${p.scans} scans one after another`, p.statements.toFixed(1), p.transactions.toFixed(2), ms(p.p50), ms(p.cpuMs), p.top.slice(0, 6).map((t) => `\`${shortSql(t.sql)}\` ×${t.perScan.toFixed(1)}`).join('; ')]));
  out.push('');
  out.push(row(['Check', 'Result']));
  out.push(row(['---', '---']));
  for (const c of r.checks) out.push(row([c.name, `${c.ok ? 'ok' : '**mismatch**'}: ${c.detail}`]));
  out.push(row([`verifyLedger (${int(r.verify.entries)} entries, ${ms(r.verify.ms)})`, r.verify.ok ? 'ok' : `**${r.verify.problems.length} problems**`]));
  out.push('');
  out.push(
    `Scans: ${r.sessions}, each on its own ASN; keep-alive HTTP/1.1 on 127.0.0.1 from a raw-socket client (bench/raw-fetcher.ts: a handheld is another machine, and fetch would cost the shared cores 2–3 ms per scan); latency = planned send → answer read (a scan that waits for the previous one is charged the wait). ` +
      `The paced rows are people scanning (a scan a second is brisk work for one operator); the back-to-back row is the server's ceiling on this machine, where by Little's law p50 ≈ ${r.scanners} ÷ scans/s. ` +
      `The server's pool holds 10 PostgreSQL connections; client, server and PostgreSQL share the machine's cores.` +
      (r.serverUnhandled ? ` The server logged ${r.serverUnhandled} unhandled errors.` : ''),
  );
  const samples = r.cases.flatMap((k) => k.load.errorSamples.map((e) => `- ${k.name}: ${e}`));
  if (samples.length) out.push('', 'First errors:', ...samples);
  return out;
}

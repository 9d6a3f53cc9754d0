/** Share of CPU time (all cores) not idle during `ms` milliseconds: other work competing with the bench. */
export async function cpuBusy(ms = 1000): Promise<number> {
  const total = () => os.cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, all: acc.all + c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq }), { idle: 0, all: 0 });
  const a = total();
  await new Promise((r) => setTimeout(r, ms));
  const b = total();
  const all = b.all - a.all;
  return all > 0 ? 1 - (b.idle - a.idle) / all : 0;
}

/** Formats the benchmark results as Markdown tables that can be pasted into the README. */
import os from 'node:os';
import type { OutboundBench, BurstCase, Load } from './outbound.ts';
import type { ReceivingBench, ReceivingCase } from './receiving.ts';
import type { RequestBench } from './requests.ts';
import type { StartupResult } from './startup.ts';
import { median, ms } from './stats.ts';

export type Machine = { node: string; cpu: string; cores: number; memory: string; platform: string; date: string; loadStart: number[]; loadEnd?: number[]; busyBefore?: number };

export function machineFacts(now = new Date()): Machine {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: now.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
    loadStart: os.loadavg(),
  };
}

/** Index of `word` (lower case, spaced) at parenthesis depth 0 from `from`, or -1. */
function topLevel(sql: string, word: string, from = 0): number {
  const lower = sql.toLowerCase();
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && lower.startsWith(word, i)) return i;
  }
  return -1;
}

/** One line of SQL with the select list and the joins elided, at most 300 characters. */
function shortSql(sql: string): string {
  let one = sql.replace(/\s+/g, ' ').trim();
  const from = topLevel(one, ' from ');
  if (/^select /i.test(one) && from > 0) {
    const where = topLevel(one, ' where ', from);
    const body = one.slice(from + 6, where > 0 ? where : undefined);
    const joins = (body.match(/ join /gi) ?? []).length;
    const first = body.split(' ')[0] ?? '';
    one = `select … from ${first}${joins ? ` (+ ${joins} joins)` : ''}${where > 0 ? one.slice(where) : ''}`;
  }
  return one.length > 300 ? one.slice(0, 300) + '…' : one;
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

/** The receiving section's result: measured, skipped (no PostgreSQL), or failed with a message. */
export type ReceivingReport = ReceivingBench | { failed: string };
/** The outbound section's result, the same way. */
export type OutboundReport = OutboundBench | { failed: string };

const pct = (x: number) => `${Math.round(x * 100)} %`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function markdown(machine: Machine, startup: StartupResult | null, requests: RequestBench | null, receiving: ReceivingReport | null = null, outbound: OutboundReport | null = null): string {
  const out: string[] = [];
  out.push(`### Caravan benchmark (${machine.date})`, '');
  out.push(row(['Machine', '']), row(['---', '---']));
  out.push(row(['Node', machine.node]), row(['CPU', machine.cpu]), row(['Cores', machine.cores]), row(['Memory', machine.memory]), row(['OS', machine.platform]), row(['Date', machine.date]));
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  if (machine.busyBefore !== undefined) out.push(row(['CPU busy with other work just before the run', `${Math.round(machine.busyBefore * 100)} %`]));
  out.push(row(['Load average 1/5/15 min', `${load(machine.loadStart)} at start${machine.loadEnd ? `, ${load(machine.loadEnd)} at end` : ''}`]));
  if (receiving && 'postgres' in receiving) out.push(row(['Database for receiving', receiving.postgres]));
  if (outbound && 'postgres' in outbound) out.push(row(['Database for outbound', outbound.postgres]));
  out.push('');

  if (startup) {
    const cold = startup.cold.map((r) => r.readyMs);
    const coldMedian = median(cold);
    out.push(row(['Startup (spawn → first 200 of GET /login, 50 ms polling)', 'Runs', 'Median', 'Min', 'Max', 'Target']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---']));
    out.push(row(['Cold start: fresh DATA_DIR (PGlite init, migrate, seed demo)', cold.length, ms(coldMedian), ms(Math.min(...cold)), ms(Math.max(...cold)), `< 10 s: ${verdict(coldMedian < 10_000)}`]));
    out.push(row(['… spawn → "listening" log line', cold.length, ms(median(startup.cold.map((r) => r.listeningMs ?? Number.NaN))), '', '', '']));
    out.push(row(['… of which demo seeding (server log)', cold.length, ms(median(startup.cold.map((r) => r.seedMs ?? Number.NaN))), '', '', '']));
    out.push(row(['Restart on a seeded DATA_DIR', 1, ms(startup.restart.readyMs), '', '', `< 10 s: ${verdict(startup.restart.readyMs < 10_000)}`]));
    out.push(row(['Graceful stop (SIGTERM → exit)', startup.cold.length + 1, ms(median([...startup.cold, startup.restart].map((r) => r.stopMs))), '', '', '']));
    out.push('');
  }

  if (requests) {
    out.push(row(['Server time, in-process `app.request`, demo data, manager', 'Runs', 'p50', 'p95', 'p99', 'Max', 'Body', 'Target']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const s of requests.scenarios) {
      const target = s.targetP95Ms !== undefined ? `p95 < ${s.targetP95Ms} ms: ${verdict(s.stats.p95 < s.targetP95Ms)}` : '';
      out.push(row([s.name, s.stats.n, ms(s.stats.p50), ms(s.stats.p95), ms(s.stats.p99), ms(s.stats.max), `${(s.bytes / 1024).toFixed(1)} KiB`, target]));
    }
    const v = requests.verify;
    out.push(row([`verifyLedger (${v.entries} entries, ${v.balances} balances)`, v.runs.length, ms(v.median), '', '', ms(Math.max(...v.runs)), '', v.ok ? 'ledger ok' : '**ledger problems**']));
    out.push('');
    const profiled = requests.scenarios.filter((x) => x.profile);
    if (profiled.length) {
      const statementIds = new Map<string, number>();
      const statementIndex = (sql: string) => {
        if (!statementIds.has(sql)) statementIds.set(sql, statementIds.size + 1);
        return statementIds.get(sql)!;
      };
      out.push(row([`Where the time goes (${profiled[0]!.profile!.runs} more runs each, SQL timed one statement at a time)`, 'Queries/request', 'Total p50', 'SQL p50', 'Rest p50 (middleware, render)', 'Slowest statement, avg']));
      out.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
      for (const x of profiled) {
        const p = x.profile!;
        out.push(row([x.name, p.queriesPerRequest.toFixed(1), ms(p.totalP50), ms(p.dbP50), ms(p.restP50), p.top[0] ? `S${statementIndex(p.top[0].sql)}: ${ms(p.top[0].avgMs)} × ${p.top[0].perRequest.toFixed(0)}` : '']));
      }
      out.push('');
      out.push('Slowest statements:');
      for (const [sql, i] of statementIds) out.push(`- S${i}: \`${shortSql(sql)}\``);
      out.push('');
    }
    const s = requests.setup;
    out.push(
      `Demo data: ${s.products} products, ${s.moves} moves; in-memory PGlite open ${ms(s.openMs)}, migrate ${ms(s.migrateMs)}, seed ${ms(s.seedMs)}. ` +
        `Sequential requests after 30 warm-up requests each; the search uses EAN ${requests.picked.ean} (${requests.picked.sku}), the product page /products/${requests.picked.productId}.`,
    );
  }

  if (receiving) {
    if (requests) out.push('');
    out.push(...receivingMarkdown(receiving, machine));
  }
  if (outbound) {
    if (requests || receiving) out.push('');
    out.push(...outboundMarkdown(outbound, machine));
  }
  return out.join('\n');
}

const share = (c: ReceivingCase, pick: (event: string) => boolean) => c.waits.filter((w) => pick(w.event)).reduce((a, w) => a + w.share, 0);

function receivingMarkdown(r: ReceivingReport, machine: Machine): string[] {
  const out: string[] = [];
  if ('skipped' in r) return [`Receiving throughput: skipped, ${r.skipped}.`];
  if ('failed' in r) return [`Receiving throughput: **failed**: ${r.failed}`];
  const scanners = r.cases[0]?.scanners ?? 0;
  out.push(row([`Receiving over HTTP, real server on PostgreSQL, ${scanners} concurrent scanners`, 'Scans', 'Wall', 'Scans/s', 'p50', 'p95', 'p99', 'Max', 'Errors', 'Retries → same receipt']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const c of r.cases) {
    const errors = c.errors ? `**${c.errors}**${c.serverErrors ? ` (${c.serverErrors} × 5xx)` : ''}` : '0';
    const retries = `${c.retriesSameId}/${c.retries}${c.retryStats.n ? `, p50 ${ms(c.retryStats.p50)}` : ''}`;
    out.push(row([`${c.name} (${c.lines} lines each)`, int(c.scans), ms(c.wallMs), c.scansPerSec.toFixed(0), ms(c.stats.p50), ms(c.stats.p95), ms(c.stats.p99), ms(c.stats.max), errors, retries]));
  }
  out.push('');
  out.push(row(['Where the time goes', 'Transactions/request', 'Rollbacks', 'Deadlocks', 'Busy backends (pool of 10)', 'What busy backends do (share of samples)', 'CPU in cores: server / PostgreSQL / bench client', 'Machine CPU busy']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---', '---:', '---:']));
  for (const c of r.cases) {
    const waits = c.waits
      .slice(0, 4)
      .map((w) => `${w.event} ${pct(w.share)}`)
      .join(', ');
    const cores = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
    out.push(row([c.name, (c.db.commits / c.requests).toFixed(1), c.db.rollbacks, c.db.deadlocks, c.activeBackends.toFixed(1), waits, `${cores(c.cpu.server)} / ${cores(c.cpu.postgres)} / ${cores(c.cpu.client)}`, pct(c.cpuBusy)]));
  }
  out.push('');
  out.push(row(['Check against the database', 'Result']));
  out.push(row(['---', '---']));
  for (const c of r.checks) out.push(row([`${c.name}: ledger receipts = line received_qty = scans answered 201`, `${c.ok ? 'ok' : '**mismatch**'}: ${c.detail}`]));
  out.push(row([`verifyLedger (${r.verify.entries} entries, ${r.verify.balances} balances, ${ms(r.verify.ms)})`, r.verify.ok ? 'ok' : `**${r.verify.problems.length} problems**: ${r.verify.problems.slice(0, 3).join('; ')}`]));
  out.push('');
  const [a, b] = r.cases;
  const figure = (c: ReceivingCase | undefined) => (c ? `${c.scansPerSec.toFixed(0)} scans/s (p50 ${ms(c.stats.p50)}, p95 ${ms(c.stats.p95)}, p99 ${ms(c.stats.p99)})` : '—');
  const perScanner = a ? a.scans / a.scanners : 0;
  out.push(
    `Receiving: ${scanners} scanners (${r.sessions}) POST /api/v1/inbound-shipments/:id/receipts with an EAN-13 scan of quantity 1 and a unique Idempotency-Key, ` +
      `${perScanner} scans each after warm-up, plus one retry of an earlier key per 20 scans (5 %, expected 201 with the first receipt id). ` +
      `Latency is request sent → body read, over keep-alive HTTP on 127.0.0.1; scans/s = new scans ÷ wall time. ` +
      `With one ASN per scanner the server took ${figure(a)}; with all scanners on one ASN ${figure(b)}. ` +
      `Ambient goods without lot or expiry, received at ${'MSK'} DOCK-01 on ASNs made and arrived through the API. ` +
      `The server started on a new database in ${ms(r.readyMs)} (demo seeded first by the bench, then migrate + start; ${r.database}, dropped afterwards); its PostgreSQL pool has 10 connections. ` +
      `Client, server and PostgreSQL share the ${machine.cores} cores. ` +
      `Busy backends that wait for the server's next statement ("idle in transaction", Client:ClientRead): ${r.cases.map((c) => pct(share(c, (e) => e === 'idle in transaction' || e === 'Client:ClientRead'))).join(' and ')}; ` +
      `on row locks (Lock:…): ${r.cases.map((c) => pct(share(c, (e) => e.startsWith('Lock:')))).join(' and ')} (20 ASNs and shared ASN).` +
      (r.serverLog.unhandled ? ` The server logged ${r.serverLog.unhandled} unhandled errors.` : ''),
  );
  const samples = r.cases.flatMap((c) => c.errorSamples.map((e) => `- ${c.name}: ${e}`));
  if (samples.length) out.push('', 'First errors:', ...samples);
  return out;
}

const cores = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const waitsOf = (l: Load, n = 4) =>
  l.waits
    .slice(0, n)
    .map((w) => `${w.event} ${pct(w.share)}`)
    .join(', ');
const errorsCell = (errors: number, serverErrors: number) => (errors ? `**${errors}**${serverErrors ? ` (${serverErrors} × 5xx)` : ''}` : '0');
const fixed = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function outboundMarkdown(r: OutboundReport, machine: Machine): string[] {
  const out: string[] = [];
  if ('skipped' in r) return [`Outbound throughput: skipped, ${r.skipped}.`];
  if ('failed' in r) return [`Outbound throughput: **failed**: ${r.failed}`];
  const pool = 10;
  const first = r.bursts[0];
  const n = Math.max(0, ...r.bursts.map((b) => b.orders));
  out.push(row([`Livestream burst over HTTP, real server on PostgreSQL: ${int(n)} orders of 1–3 lines, each created and allocated`, 'Clients', 'Requests', 'Wall', 'Orders/s', 'p50 per request', 'p95', 'p99', 'Max', 'Errors', `${int(n)} orders in < 20 s`]));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const b of r.bursts) {
    // A part of the burst (one import request alone) is judged at its rate: n ÷ orders/s.
    const forN = (n / b.ordersPerSec) * 1000;
    out.push(row([b.name, b.clients, int(b.requests), ms(b.wallMs), b.ordersPerSec.toFixed(0), ms(b.stats.p50), ms(b.stats.p95), ms(b.stats.p99), ms(b.stats.max), errorsCell(b.errors, b.serverErrors), `${b.orders === n ? '' : `≈ ${ms(forN)} at this rate: `}${verdict(forN < 20_000 && b.errors === 0)}`]));
  }
  out.push('');
  const p = r.picking;
  out.push(row([`Scan-to-pick over HTTP, ${p.scanners} concurrent scanners`, 'Lists', 'Picks', 'Wall', 'Picks/s', 'p50', 'p95', 'p99', 'Max', 'Errors', 'Retries → same pick']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  out.push(
    row([
      `${p.name} (${int(p.tasks)} tasks)`,
      p.lists,
      int(p.picks),
      ms(p.wallMs),
      p.picksPerSec.toFixed(0),
      ms(p.stats.p50),
      ms(p.stats.p95),
      ms(p.stats.p99),
      ms(p.stats.max),
      errorsCell(p.errors, p.serverErrors),
      `${p.retriesSameId}/${p.retries}${p.retryStats.n ? `, p50 ${ms(p.retryStats.p50)}` : ''}`,
    ]),
  );
  out.push('');

  // Little's law on the pool: connections busy on average = requests/s × connection time per request.
  const cases: { name: string; per: string; count: number; wallMs: number; requests: number; meanMs: number; load: Load }[] = [
    ...r.bursts.map((b: BurstCase) => ({ name: b.name, per: 'order', count: b.orders, wallMs: b.wallMs, requests: b.requests, meanMs: b.stats.mean, load: b.load })),
    { name: 'Scan-to-pick', per: 'pick', count: p.picks + p.retries, wallMs: p.wallMs, requests: p.picks + p.retries, meanMs: p.stats.mean, load: p.load },
  ];
  out.push(row(['Where the time goes', 'Transactions per order / pick', 'Rollbacks', 'Deadlocks', `Busy backends (pool of ${pool}): mean, share of samples with all ${pool} busy`, 'Connection time per order / pick (busy ÷ rate)', 'Mean latency per request', 'What busy backends do (share of samples)', 'CPU in cores: server / PostgreSQL / bench client', 'Machine CPU busy']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:']));
  for (const c of cases) {
    const rate = c.count / (c.wallMs / 1000);
    const held = (c.load.activeBackends / rate) * 1000;
    out.push(
      row([
        c.name,
        fixed(c.load.db.commits / c.count, 2),
        c.load.db.rollbacks,
        c.load.db.deadlocks,
        `${fixed(c.load.activeBackends)}, ${pct(c.load.poolFull)}`,
        ms(held),
        ms(c.meanMs),
        waitsOf(c.load),
        `${cores(c.load.cpu.server)} / ${cores(c.load.cpu.postgres)} / ${cores(c.load.cpu.client)}`,
        pct(c.load.cpuBusy),
      ]),
    );
  }
  out.push('');

  // Rows written and index/sequential scans per order (API burst) and per pick.
  const tableCases = [...(first ? [{ name: first.name, per: first.orders, load: first.load }] : []), { name: 'Scan-to-pick', per: p.picks + p.retries, load: p.load }];
  out.push(row(['Table work per order / pick (pg_stat_user_tables, flushed ~1 s late: approximate)', 'Inserted', 'Updated', 'Index scans', 'Sequential scans (rows read)']));
  out.push(row(['---', '---:', '---:', '---:', '---:']));
  for (const t of tableCases) {
    for (const x of t.load.tables.slice(0, 9)) {
      out.push(row([`${t.name}: ${x.table}`, fixed(x.inserted / t.per, 2), fixed(x.updated / t.per, 2), fixed(x.idxScans / t.per, 2), x.seqScans ? `${fixed(x.seqScans / t.per, 2)} (${int(x.seqRows / Math.max(1, x.seqScans))} rows each)` : '0']));
    }
  }
  out.push('');

  if (r.profile?.length) {
    const ids = new Map<string, number>();
    const idOf = (sql: string) => {
      if (!ids.has(sql)) ids.set(sql, ids.size + 1);
      return ids.get(sql)!;
    };
    out.push(row(['Statements per request (a second server behind a wire-protocol counter, one request at a time)', 'Requests', 'Statements', 'Round trips', 'Parsed afresh', 'Transactions', 'Time p50', 'In statements (first message → ReadyForQuery, summed)', 'CPU: server / PostgreSQL', 'Most frequent statements (× per request, avg time)']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const x of r.profile) {
      const top = x.top
        .slice(0, 5)
        .map((s) => `S${idOf(s.sql)} ×${fixed(s.perRequest, s.perRequest % 1 ? 2 : 0)} ${ms(s.avgMs)}`)
        .join(', ');
      out.push(row([x.name, x.requests, fixed(x.statements), fixed(x.roundTrips), fixed(x.parses), fixed(x.transactions, 2), ms(x.msP50), ms(x.dbMs), `${ms(x.serverCpuMs)} / ${ms(x.postgresCpuMs)}`, top]));
    }
    out.push('');
    out.push('Statements:');
    for (const [sql, i] of ids) out.push(`- S${i}: \`${shortSql(sql)}\``);
    out.push('');
  }

  out.push(row(['Check against the database', 'Result']));
  out.push(row(['---', '---']));
  for (const c of r.checks) out.push(row([c.name === 'picks' ? "Picks: 'pick' ledger entries = picks rows = picks answered 201; tasks, lists, orders done; no open reservations" : `${c.name}: orders, all allocated, reserved = ordered units`, `${c.ok ? 'ok' : '**mismatch**'}: ${c.detail}`]));
  for (const [i, v] of r.verify.entries()) {
    out.push(row([`verifyLedger ${i === 0 ? 'after the bursts' : 'at the end'} (${int(v.entries)} entries, ${int(v.balances)} balances, ${ms(v.ms)})`, v.ok ? 'ok' : `**${v.problems.length} problems**: ${v.problems.slice(0, 3).join('; ')}`]));
  }
  out.push('');
  const phases = r.rss.phases.map((x) => `${x.phase} ${x.peakMiB.toFixed(0)}`).join(', ');
  out.push(
    `Outbound: ${r.sessions}; keep-alive HTTP on 127.0.0.1, latency = request sent → body read. ` +
      `Stock: ${int(r.setup.units)} units of ${r.setup.products} ambient products of ${r.setup.seller} without lot or expiry put on ${r.setup.locations} storage locations at MSK with one \`moveMany\` (supplier → shelf, ${ms(r.setup.ms)}); ` +
      `orders of 1–3 distinct products, 1–2 units each, lines in random order, ship-by in two days; every answer must be 201 (API) or list every posting as created, and \`allocated\`. ` +
      `${r.importNote} ` +
      `Pick lists: POST /api/v1/pick-lists with 20 orders of the first burst each (p50 ${ms(p.listCreate.p50)}, made one after another before the picks), each task confirmed in walking order by scanning the location and the EAN-13 with the task's quantity and a unique Idempotency-Key, the first 2 per scanner untimed, plus one retry of an earlier key per 20 picks. ` +
      `The server started on a new database in ${ms(r.readyMs)} (${r.database}, dropped afterwards); its PostgreSQL pool has ${pool} connections. ` +
      `Server peak RSS (tsx + node, /proc sampled every 500 ms): ${r.rss.peakMiB.toFixed(0)} MiB (kernel high-water mark ${r.rss.hwmMiB.toFixed(0)} MiB; by phase: ${phases}). ` +
      `Client, server and PostgreSQL share the ${machine.cores} cores` +
      (machine.busyBefore !== undefined ? `; other work kept the CPU ${pct(machine.busyBefore)} busy just before the run.` : '.') +
      (r.profileNote !== 'ok' ? ` Statement profile: ${r.profileNote}.` : ' The statement profile runs through a proxy that adds a hop to every round trip: its times are for comparison, the counts are exact; a round trip is a Sync or a Flush (postgres.js sends an unnamed statement\'s Parse/Describe and waits for the parameter types before Bind/Execute), "parsed afresh" counts Parse messages.') +
      (r.serverLog.unhandled ? ` The server logged ${r.serverLog.unhandled} unhandled errors.` : ''),
  );
  const samples = [...r.bursts.flatMap((b) => b.errorSamples.map((e) => `- ${b.name}: ${e}`)), ...p.errorSamples.map((e) => `- picks: ${e}`)];
  if (samples.length) out.push('', 'First errors:', ...samples);
  return out;
}

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

export function markdown(machine: Machine, startup: StartupResult | null, requests: RequestBench | null): string {
  const out: string[] = [];
  out.push(`### Caravan benchmark (${machine.date})`, '');
  out.push(row(['Machine', '']), row(['---', '---']));
  out.push(row(['Node', machine.node]), row(['CPU', machine.cpu]), row(['Cores', machine.cores]), row(['Memory', machine.memory]), row(['OS', machine.platform]), row(['Date', machine.date]));
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  if (machine.busyBefore !== undefined) out.push(row(['CPU busy with other work just before the run', `${Math.round(machine.busyBefore * 100)} %`]));
  out.push(row(['Load average 1/5/15 min', `${load(machine.loadStart)} at start${machine.loadEnd ? `, ${load(machine.loadEnd)} at end` : ''}`]));
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
  return out.join('\n');
}

/**
 * Optional instrumentation for the request benchmark: wraps the PGlite client's `query` so
 * that, while recording, every SQL statement is run one at a time (PGlite runs one at a
 * time anyway) and timed. Gives queries per request, database time and the slowest statements.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '../src/db/client.ts';

type QueryFn = PGlite['query'];
export type StatementStat = { sql: string; calls: number; totalMs: number; maxMs: number; params: unknown[] | undefined };

export class DbProbe {
  private recording = false;
  private chain: Promise<unknown> = Promise.resolve();
  private statements = new Map<string, StatementStat>();
  queries = 0;
  dbMs = 0;

  private constructor(private readonly client: PGlite) {}

  /** Installs the probe on the PGlite client behind a drizzle database; null if it is not PGlite. */
  static install(db: Db): DbProbe | null {
    const client = (db as unknown as { $client?: PGlite }).$client;
    if (!client || typeof client.query !== 'function') return null;
    const probe = new DbProbe(client);
    const original: QueryFn = client.query.bind(client);
    const wrapped = (<T>(query: string, params?: unknown[], options?: Parameters<QueryFn>[2]) => {
      if (!probe.recording) return original<T>(query, params, options);
      const run = probe.chain.then(async () => {
        const t0 = performance.now();
        try {
          return await original<T>(query, params, options);
        } finally {
          probe.note(query, params, performance.now() - t0);
        }
      });
      probe.chain = run.catch(() => undefined);
      return run;
    }) as QueryFn;
    client.query = wrapped;
    return probe;
  }

  private note(sql: string, params: unknown[] | undefined, ms: number) {
    this.queries++;
    this.dbMs += ms;
    const s = this.statements.get(sql) ?? { sql, calls: 0, totalMs: 0, maxMs: 0, params };
    s.calls++;
    s.totalMs += ms;
    s.maxMs = Math.max(s.maxMs, ms);
    this.statements.set(sql, s);
  }

  start() {
    this.recording = true;
    this.queries = 0;
    this.dbMs = 0;
  }

  stop() {
    this.recording = false;
  }

  /** Clears the per-statement table. */
  resetStatements() {
    this.statements.clear();
  }

  /** EXPLAIN (ANALYZE) of a recorded statement with the parameters it last ran with. */
  async explain(stat: StatementStat): Promise<string> {
    const res = await this.client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${stat.sql}`, stat.params);
    return res.rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /** Statements by total time, slowest first. */
  top(n: number): StatementStat[] {
    return [...this.statements.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, n);
  }
}

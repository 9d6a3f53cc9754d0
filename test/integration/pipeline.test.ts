import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/rows.ts';
import { settleAll } from '../../src/db/pipeline.ts';
import { withTransaction } from '../../src/db/tx.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { uid } from '../helpers/world.ts';

describe.each(backends)('statements sent at once (settleAll) on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await database.db.execute(sql`CREATE TABLE IF NOT EXISTS pipeline_probe (tag text NOT NULL)`);
  });
  afterAll(async () => {
    await database.close();
  });
  const probes = async (tag: string) => (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM pipeline_probe WHERE tag = ${tag}`))[0]!.n;

  it('answers every branch in order, as Promise.all does', async () => {
    const [a, b, c] = await withTransaction(database.db, (tx) =>
      settleAll([queryRows<{ x: number }>(tx, sql`SELECT 1 AS x`), queryRows<{ x: number }>(tx, sql`SELECT 2 AS x`), Promise.resolve('three')]),
    );
    expect([a[0]!.x, b[0]!.x, c]).toEqual([1, 2, 'three']);
  });

  it('a refusal waits for the other branches: a branch’s later statement stays inside the transaction and is rolled back with it', async () => {
    const tag = `probe-${uid()}`;
    const refused = withTransaction(database.db, (tx) =>
      settleAll([
        (async () => {
          // A branch of two statements: the second goes out only when the first has answered.
          await tx.execute(sql`SELECT pg_sleep(0.05)`);
          await tx.execute(sql`INSERT INTO pipeline_probe (tag) VALUES (${tag})`);
        })(),
        (async () => {
          throw new Error('refused');
        })(),
      ]),
    );
    await expect(refused).rejects.toThrow('refused');
    // Nothing of the failed transaction is left, not even the statement sent after the refusal.
    await new Promise((r) => setTimeout(r, 100));
    expect(await probes(tag)).toBe(0);
  });

  it('throws the first failure, not the "transaction is aborted" of the branches behind it', async () => {
    const failed = withTransaction(database.db, (tx) =>
      settleAll([tx.execute(sql`SELECT 1/0`), tx.execute(sql`SELECT 1`), tx.execute(sql`SELECT 2`)]),
    );
    await expect(failed).rejects.toSatisfy((e: unknown) => /division by zero/.test(String((e as Error).message) + String((e as { cause?: unknown }).cause ?? '')));
  });
});

import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './client.ts';

/** Runs raw SQL and returns its rows, whichever driver answered (PGlite: `{ rows }`, postgres.js: an array). */
export async function queryRows<T = Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(res) ? res : (res.rows ?? []);
}

/** Integers as one `int[]` parameter (`= ANY(…)`), however many there are. */
export function intArray(values: readonly number[]): SQL {
  for (const v of values) if (!Number.isSafeInteger(v)) throw new TypeError(`not an integer: ${v}`);
  return sql`${`{${values.join(',')}}`}::int[]`;
}

/** Strings as one `text[]` parameter: passed as a JSON array, so any character is safe. */
export function textArray(values: readonly string[]): SQL {
  return sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

import type { Sql } from 'postgres';

/**
 * Statements with up to this many parameters run as prepared statements. Longer ones
 * (multi-row inserts of an import, long `IN` lists) stay unnamed: each distinct text would
 * otherwise stay cached on its connection.
 */
export const PREPARE_MAX_PARAMETERS = 32;

type Unsafe = Sql['unsafe'];
type UnsafeOptions = NonNullable<Parameters<Unsafe>[2]>;

/**
 * drizzle sends every statement to postgres.js unprepared. postgres.js runs an unprepared
 * statement with parameters in two round trips (parse and describe, then bind and execute),
 * and PostgreSQL parses and plans it again each time. Prepared, a statement the connection
 * has run before is one round trip, parsed once, and after a few runs planned once
 * (PostgreSQL's plan cache). This wraps a postgres.js client, and the transaction and
 * savepoint clients it hands out, so that drizzle's statements run prepared.
 */
export function preparing(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, params: unknown[] = [], options: UnsafeOptions = {}) =>
          target.unsafe(query, params as never, {
            ...options,
            prepare: options.prepare || (params.length > 0 && params.length <= PREPARE_MAX_PARAMETERS),
          });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        const open = Reflect.get(target, prop, receiver) as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const fn = args.pop() as (inner: Sql) => unknown;
          return open.call(target, ...args, (inner: Sql) => fn(preparing(inner)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

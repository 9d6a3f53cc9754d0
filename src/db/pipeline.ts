import { sqlState } from './tx.ts';

/** PostgreSQL's answer to every statement after one failed in the same transaction. */
const ABORTED = '25P02';

/**
 * Statements sent at once on one transaction's connection (pipelined), each branch possibly
 * a few statements long. Like `Promise.all`, but it returns or throws only once every branch
 * has settled: a branch still running when another fails could otherwise send its next
 * statement after the caller's rollback, onto a connection already back in the pool. The
 * error thrown is the one that failed the transaction: the others then fail with "current
 * transaction is aborted", and the driver may report one of those first (a value PostgreSQL
 * cannot take, such as a NUL byte, is refused when the statement is bound).
 */
export async function settleAll<T extends readonly unknown[]>(branches: readonly [...T]): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const errors: unknown[] = [];
  const results = await Promise.all(
    branches.map((b) =>
      Promise.resolve(b).catch((error: unknown) => {
        errors.push(error);
        return undefined;
      }),
    ),
  );
  if (errors.length) throw errors.find((e) => sqlState(e) !== ABORTED) ?? errors[0];
  return results as { -readonly [K in keyof T]: Awaited<T[K]> };
}

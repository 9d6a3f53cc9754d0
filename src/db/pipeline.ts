/**
 * Statements sent at once on one transaction's connection (pipelined), each branch possibly
 * a few statements long. Like `Promise.all`, but it returns or throws only once every branch
 * has settled: a branch still running when another fails could otherwise send its next
 * statement after the caller's rollback, onto a connection already back in the pool. The
 * error thrown is the first one to happen (later branches then fail with "current transaction
 * is aborted").
 */
export async function settleAll<T extends readonly unknown[]>(branches: readonly [...T]): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  let first: { error: unknown } | null = null;
  const results = await Promise.all(
    branches.map((b) =>
      Promise.resolve(b).catch((error: unknown) => {
        first ??= { error };
        return undefined;
      }),
    ),
  );
  if (first) throw (first as { error: unknown }).error;
  return results as { -readonly [K in keyof T]: Awaited<T[K]> };
}

import { and, count, eq, gt, lt, or } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { loginFailures } from '../db/schema/index.ts';

/** Failed sign-ins allowed within the window, per e-mail and per client address. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
// High enough that a warehouse behind one NAT address is not locked out by one attacker.
export const MAX_FAILURES_PER_ADDRESS = 100;

/**
 * True when the e-mail or the address has used up its attempts. With `including`, the
 * attempt being made has already been recorded and counts as one of them.
 */
export async function isLoginBlocked(db: Executor, email: string, clientAddress: string, opts: { including?: boolean; now?: Date } = {}): Promise<boolean> {
  const now = opts.now ?? new Date();
  const extra = opts.including ? 1 : 0;
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const [byEmail] = await db.select({ n: count() }).from(loginFailures).where(and(eq(loginFailures.email, email), gt(loginFailures.at, since)));
  if ((byEmail?.n ?? 0) > MAX_FAILURES_PER_EMAIL - 1 + extra) return true;
  const [byAddr] = await db
    .select({ n: count() })
    .from(loginFailures)
    .where(and(eq(loginFailures.clientAddress, clientAddress), gt(loginFailures.at, since)));
  return (byAddr?.n ?? 0) > MAX_FAILURES_PER_ADDRESS - 1 + extra;
}

export async function recordLoginFailure(db: Executor, email: string, clientAddress: string, now = new Date()): Promise<void> {
  await db.insert(loginFailures).values({ email, clientAddress, at: now });
  // Keep the table small: forget failures older than the window.
  await db.delete(loginFailures).where(
    and(or(eq(loginFailures.email, email), eq(loginFailures.clientAddress, clientAddress)), lt(loginFailures.at, new Date(now.getTime() - LOGIN_WINDOW_MS))),
  );
}

export async function clearLoginFailures(db: Executor, email: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.email, email));
}

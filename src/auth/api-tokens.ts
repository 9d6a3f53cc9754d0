import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { apiTokens, apiTokenWindows, users, type ApiTokenKind } from '../db/schema/index.ts';
import { currentUserColumns, toCurrentUser } from './current-user.ts';
import type { CurrentUser } from './policy.ts';
import { generateSecureRandomString, hashSecret } from './session.ts';

/**
 * Bearer tokens for the JSON API, after the session design: `id.secret`, only SHA-256(secret)
 * stored, compared in constant time. The secret is shown once, when the token is made.
 */
export type ApiToken = typeof apiTokens.$inferSelect;

/** How often "last used" is written: a busy sensor does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function createApiToken(
  db: Executor,
  opts: { kind: ApiTokenKind; name: string; createdBy: number; userId?: number; warehouseId?: number },
): Promise<{ row: ApiToken; token: string }> {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  const [row] = await db
    .insert(apiTokens)
    .values({ id, secretHash: hashSecret(secret), kind: opts.kind, name: opts.name, userId: opts.userId ?? null, warehouseId: opts.warehouseId ?? null, createdBy: opts.createdBy })
    .returning();
  return { row: row!, token: `${id}.${secret}` };
}

/**
 * The live token behind a bearer string with, for a person's token, its user (read with it,
 * in one statement); null when unknown, wrong, revoked, or its user is deactivated.
 */
export async function validateApiToken(db: Executor, token: string, now = new Date()): Promise<{ token: ApiToken; user: CurrentUser | null } | null> {
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [id, secret] = parts as [string, string];
  if (!/^[a-z2-9]{24}$/.test(id) || !/^[a-z2-9]{24}$/.test(secret)) return null;
  const [found] = await db.select({ token: apiTokens, user: currentUserColumns }).from(apiTokens).leftJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.id, id));
  const row = found?.token;
  if (!row || row.revokedAt) return null;
  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;
  const user = row.kind === 'user' ? toCurrentUser(found.user) : null;
  if (row.kind === 'user' && !user) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
    row.lastUsedAt = now;
  }
  return { token: row, user };
}

export async function revokeApiToken(db: Executor, id: string): Promise<boolean> {
  const rows = await db.update(apiTokens).set({ revokedAt: sql`now()` }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** The device tokens of a warehouse, newest first (revoked ones too, for the record). */
export async function deviceTokensOf(db: Executor, warehouseId: number): Promise<ApiToken[]> {
  return db.select().from(apiTokens).where(and(eq(apiTokens.kind, 'device'), eq(apiTokens.warehouseId, warehouseId))).orderBy(desc(apiTokens.createdAt));
}

export type UserTokenRow = ApiToken & { userEmail: string; userName: string };

/** User tokens, newest first: one user's, or everyone's (`userId` null, for an admin). */
export async function userTokens(db: Executor, userId: number | null): Promise<UserTokenRow[]> {
  const rows = await db
    .select({ t: apiTokens, email: users.email, name: users.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.kind, 'user'), userId === null ? undefined : eq(apiTokens.userId, userId)))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => ({ ...r.t, userEmail: r.email, userName: r.name }));
}

/** Requests a token may make per minute: a person's system, or a sensor (one batch per request). */
export const RATE_LIMITS: Record<ApiTokenKind, number> = { user: 600, device: 120 };

/**
 * Counts one request of a token in the current minute and says whether it is within the
 * limit; when not, how many seconds until the next minute. One statement per request; a new
 * minute also clears the token's windows older than an hour.
 */
export async function countTokenRequest(db: Executor, token: ApiToken, now = new Date()): Promise<{ ok: boolean; retryAfter: number }> {
  const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const [row] = await db
    .insert(apiTokenWindows)
    .values({ tokenId: token.id, windowStart: start, requests: 1 })
    .onConflictDoUpdate({ target: [apiTokenWindows.tokenId, apiTokenWindows.windowStart], set: { requests: sql`${apiTokenWindows.requests} + 1` } })
    .returning({ requests: apiTokenWindows.requests });
  if (row!.requests === 1) await db.delete(apiTokenWindows).where(and(eq(apiTokenWindows.tokenId, token.id), sql`${apiTokenWindows.windowStart} < ${new Date(start.getTime() - 3_600_000).toISOString()}::timestamptz`));
  const ok = row!.requests <= RATE_LIMITS[token.kind];
  return { ok, retryAfter: ok ? 0 : Math.max(1, Math.ceil((start.getTime() + 60_000 - now.getTime()) / 1000)) };
}

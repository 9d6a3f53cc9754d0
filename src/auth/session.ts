import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { sessions, users } from '../db/schema/index.ts';
import { currentUserColumns, toCurrentUser } from './current-user.ts';
import type { CurrentUser } from './policy.ts';

/**
 * Sessions after Lucia's design (lucia-auth.com): the token is `id.secret`; the database
 * keeps only SHA-256(secret); the secret is compared in constant time; a session expires
 * after a period of inactivity and each use within it slides the expiry.
 */
export const SESSION_COOKIE = 'caravan_session';
export const INACTIVITY_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
export const ACTIVITY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export type Session = typeof sessions.$inferSelect;
export type SessionWithToken = { session: Session; token: string };

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** 24 characters from a 32-letter alphabet: 120 bits of entropy. */
export function generateSecureRandomString(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += ALPHABET[b >> 3];
  return out;
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

export async function createSession(db: Executor, userId: number): Promise<SessionWithToken> {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  const [session] = await db
    .insert(sessions)
    .values({ id, secretHash: hashSecret(secret), userId, csrfToken: generateSecureRandomString() })
    .returning();
  if (!session) throw new Error('session insert returned nothing');
  return { session, token: `${id}.${secret}` };
}

/** The session and its user by id: built once per database, as every request asks it. */
const prepareSessionRead = (db: Executor) =>
  db
    .select({ session: sessions, user: currentUserColumns })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare('session_with_user');
const sessionReads = new WeakMap<Executor, ReturnType<typeof prepareSessionRead>>();

function sessionRead(db: Executor) {
  let read = sessionReads.get(db);
  if (!read) sessionReads.set(db, (read = prepareSessionRead(db)));
  return read;
}

/**
 * The session behind a token and its user (read with it, in one statement), or null when
 * unknown, wrong, expired or the user is deactivated. Slides the expiry at most once per
 * check interval; `refreshed` says it did (the cookie is then renewed too).
 */
export async function validateSessionToken(db: Executor, token: string, now = new Date()): Promise<{ session: Session; user: CurrentUser; refreshed: boolean } | null> {
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [id, secret] = parts as [string, string];
  if (!/^[a-z2-9]{24}$/.test(id) || !/^[a-z2-9]{24}$/.test(secret)) return null;
  const [row] = await sessionRead(db).execute({ id });
  if (!row) return null;
  const { session } = row;
  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(session.secretHash))) return null;
  const user = toCurrentUser(row.user);
  if (!user) return null;
  const idle = now.getTime() - session.lastVerifiedAt.getTime();
  if (idle >= INACTIVITY_TIMEOUT_MS) {
    await invalidateSession(db, id);
    return null;
  }
  if (idle < ACTIVITY_CHECK_INTERVAL_MS) return { session, user, refreshed: false };
  await db.update(sessions).set({ lastVerifiedAt: now }).where(eq(sessions.id, id));
  return { session: { ...session, lastVerifiedAt: now }, user, refreshed: true };
}

export async function invalidateSession(db: Executor, id: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

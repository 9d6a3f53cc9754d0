import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { users, type Role } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { dummyHash, verifyPassword } from './password.ts';
import { clearLoginFailures, isLoginBlocked, recordLoginFailure } from './rate-limit.ts';
import { createSession } from './session.ts';

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(254),
  password: z.string().min(1).max(200),
});

/** Checks the credentials (rate-limited per e-mail and client) and opens a session. */
export async function signIn(opts: { db: Db; input: unknown; clientAddress: string }): Promise<{ token: string; userId: number; role: Role }> {
  const parsed = signInSchema.safeParse(opts.input);
  if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.badCredentials' });
  const { email, password } = parsed.data;
  // The attempt is counted before the password is checked, so parallel guesses cannot all
  // slip in under the limit; a successful sign-in clears the count.
  await recordLoginFailure(opts.db, email, opts.clientAddress);
  if (await isLoginBlocked(opts.db, email, opts.clientAddress, { including: true })) throw new AppError('RATE_LIMITED', { key: 'error.tooManyAttempts' });
  const [user] = await opts.db.select({ id: users.id, role: users.role, passwordHash: users.passwordHash, active: users.active }).from(users).where(eq(users.email, email));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  if (!user || !ok || !user.active) throw new AppError('UNAUTHENTICATED', { key: 'error.badCredentials' });
  await clearLoginFailures(opts.db, email);
  const { token } = await createSession(opts.db, user.id);
  return { token, userId: user.id, role: user.role };
}

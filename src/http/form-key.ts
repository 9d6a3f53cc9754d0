import { generateSecureRandomString } from '../auth/session.ts';
import type { AppError } from '../errors.ts';

/**
 * The idempotency key a scan form is rendered with after a refusal: the one it was sent with,
 * since nothing was written and a retry must not count twice; but a fresh one when that key is
 * spent on another request (IDEMPOTENCY_KEY_REUSED), or the form had none, so the next scan is
 * not refused again.
 */
export function keyAfterRefusal(err: AppError, sent: string | undefined): string {
  return err.code === 'IDEMPOTENCY_KEY_REUSED' || !sent ? generateSecureRandomString() : sent;
}

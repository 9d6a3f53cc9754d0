import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { sellers } from '../db/schema/index.ts';
import { sellerScope, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';

const fieldError = (key: 'inbound.error.unknownSeller' | 'error.required', params?: Record<string, string>) =>
  new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path: 'seller', key, params }] });

/**
 * The seller a document is for. A seller's document is always their own: naming another seller
 * is refused, not ignored. Staff must name one.
 */
export async function sellerFor(tx: Tx, user: CurrentUser, code: string | undefined): Promise<number> {
  const own = sellerScope(user);
  const found = code ? (await tx.select({ id: sellers.id }).from(sellers).where(eq(sellers.code, code)))[0] : undefined;
  if (own !== null) {
    if (code && found?.id !== own) throw fieldError('inbound.error.unknownSeller', { seller: code });
    return own;
  }
  if (!code) throw fieldError('error.required');
  if (!found) throw fieldError('inbound.error.unknownSeller', { seller: code });
  return found.id;
}

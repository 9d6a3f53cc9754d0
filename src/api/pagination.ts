import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { z } from 'zod';
import { plainInteger } from '../http/numbers.ts';

export const pageSchema = z.object({
  limit: z.preprocess((v) => (v === '' ? undefined : v), z.preprocess(plainInteger, z.number().int().min(1).max(500).default(50))),
  cursor: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(100).optional()),
});

/** Cursors are opaque to clients: a position in the list, base64url-encoded. */
export function encodeCursor(position: number): string {
  return encodeBase64urlNoPadding(new TextEncoder().encode(`p${position}`));
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  try {
    const text = new TextDecoder().decode(decodeBase64urlIgnorePadding(cursor));
    const m = /^p(\d{1,15})$/.exec(text);
    const n = m ? Number(m[1]) : NaN;
    // Positions are database ids; anything beyond a 32-bit id is not a cursor we gave out.
    return Number.isSafeInteger(n) && n <= 2_147_483_647 ? n : null;
  } catch {
    return null;
  }
}

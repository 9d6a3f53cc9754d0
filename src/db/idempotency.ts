import { createHash } from 'node:crypto';

/**
 * What a request asked for, as a short digest: its parsed fields (but the idempotency key)
 * and what it was sent to, in a fixed order. A document made with a key keeps it, so that the
 * same key sent again with another request is refused (409 IDEMPOTENCY_KEY_REUSED) instead of
 * answering the first request's result for a move that never happened.
 */
export function requestFingerprint(target: string, fields: Record<string, unknown>): string {
  const { idempotency_key: _key, ...rest } = fields;
  return createHash('sha256').update(target).update('\n').update(canonical(rest)).digest('base64url').slice(0, 22);
}

function canonical(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  // A moment is the instant it names: 10:00+03:00 and 07:00Z are the same request.
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}

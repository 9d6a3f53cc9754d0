import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { decodeCursor } from './pagination.ts';

const malformed = () => new AppError('MALFORMED', { key: 'error.malformed' });
export const MAX_ID = 2_147_483_647;

/** A database id from the path; anything else (letters, a sign, beyond 32 bits) is not found. */
export function pathId(raw: string | undefined, notFound: () => AppError): number {
  if (!raw || !/^[1-9]\d{0,9}$/.test(raw)) throw notFound();
  const n = Number(raw);
  if (n > MAX_ID) throw notFound();
  return n;
}

/**
 * The JSON object a request carries: 400 when it is not JSON or not an object. With
 * `optional`, an empty body is an empty object (actions that need no fields).
 */
export async function jsonBody(c: Context<AppEnv>, opts: { optional?: boolean } = {}): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    throw malformed();
  }
  if (opts.optional && text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed();
  return withoutNulls(value, 3) as Record<string, unknown>;
}

/**
 * JSON null means "not given": an optional field may be sent as null, as the API answers it
 * (`"eta": null`, `"lot": null`). Only the few levels the inputs have (body → transport or
 * lines[] → line): a deeply nested body is left to the schema to refuse.
 */
function withoutNulls(v: unknown, depth: number): unknown {
  if (depth <= 0 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => withoutNulls(x, depth - 1));
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x, depth - 1)]),
  );
}

/** The Idempotency-Key header: absent, or 8–100 visible ASCII characters (else 422). */
export function idempotencyKey(c: Context<AppEnv>): string | undefined {
  const raw = c.req.header('Idempotency-Key');
  if (raw === undefined) return undefined;
  const key = raw.trim();
  if (!/^[\x21-\x7e]{8,100}$/.test(key)) {
    const params = { detail: 'Idempotency-Key must be 8 to 100 visible ASCII characters' };
    throw new AppError('VALIDATION', { key: 'error.invalidValue', params, fieldErrors: [{ path: 'Idempotency-Key', key: 'error.invalidValue', params }] });
  }
  return key;
}

/** A list's `cursor` query parameter: absent, or one this API handed out (else 422). */
export function cursorOf(raw: string | undefined): number | null {
  const pos = decodeCursor(raw);
  if (raw && pos === null) throw new AppError('VALIDATION', { key: 'error.badCursor', fieldErrors: [{ path: 'cursor', key: 'error.badCursor' }] });
  return pos;
}

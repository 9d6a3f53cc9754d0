import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';

export type FormFields = Record<string, string | string[]>;

/** A posted form's fields as strings; a repeated field (the lines of a document) as a list. */
export async function formOf(c: Context<AppEnv>): Promise<FormFields> {
  const body = await c.req.parseBody({ all: true });
  const out: FormFields = {};
  for (const [k, v] of Object.entries(body)) out[k] = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : typeof v === 'string' ? v : '';
  return out;
}

/** One value of a field (the first, if it was repeated). */
export const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** Every value of a repeated field. */
export const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';

export type FormFields = Record<string, string | string[]>;

const URLENCODED = 'application/x-www-form-urlencoded';

/**
 * The text of a urlencoded body, read once per request. Under the Node server it is read off
 * the request's own stream: a web Request and its web stream would cost more than the rest of
 * the form's handling. Hono's body readers (`c.req.parseBody()`, `text()`) then answer from it.
 */
function bodyText(c: Context<AppEnv>): Promise<string> {
  // Hono keeps the promise of each body it has read (typed as the value).
  const cache = c.req.bodyCache as { text?: Promise<string> };
  if (cache.text) return cache.text;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableDidRead || Object.keys(cache).length > 0) return c.req.text();
  const read = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  })();
  cache.text = read;
  return read;
}

/** A posted form's fields as strings; a repeated field (the lines of a document) as a list. */
export async function formOf(c: Context<AppEnv>): Promise<FormFields> {
  if ((c.req.header('content-type') ?? '').startsWith(URLENCODED)) {
    const out: FormFields = {};
    for (const [k, v] of new URLSearchParams(await bodyText(c))) {
      const had = out[k];
      if (had === undefined) out[k] = v;
      else if (Array.isArray(had)) had.push(v);
      else out[k] = [had, v];
    }
    return out;
  }
  const body = await c.req.parseBody({ all: true });
  const out: FormFields = {};
  for (const [k, v] of Object.entries(body)) out[k] = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : typeof v === 'string' ? v : '';
  return out;
}

/** One value of a field (the first, if it was repeated). */
export const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** Every value of a repeated field. */
export const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

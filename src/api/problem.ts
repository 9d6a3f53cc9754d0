import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type Problem = { type: string; title: string; status: number; detail: string; code?: string; errors?: { path: string; message: string }[] };

/** RFC 9457 problem details. */
export function problem(c: Context, p: Problem) {
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, { 'Content-Type': 'application/problem+json' });
}

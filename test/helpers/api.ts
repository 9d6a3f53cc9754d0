import { expect } from 'vitest';
import type { Client } from './client.ts';

export type Json = { [k: string]: any };
export type Answer = { status: number; type: string; body: Json };
export type Problem = { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };

/** A JSON POST as an integration sends it from a signed-in browser session (CSRF header). */
export async function post(c: Client, path: string, body: unknown, opts: { key?: string; csrf?: boolean; raw?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Origin: c.origin };
  if (opts.csrf !== false) headers['X-CSRF-Token'] = c.csrf;
  if (opts.key !== undefined) headers['Idempotency-Key'] = opts.key;
  const res = await c.request(path, { method: 'POST', body: opts.raw ? (body as string) : JSON.stringify(body), headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Json) : {} };
}

export async function get(c: Client, path: string): Promise<Answer> {
  const res = await c.get(path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
}

/** The body of a problem+json answer, checked for the fields every problem has. */
export function problemOf(a: Answer, status: number): Problem {
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.type).toContain('application/problem+json');
  const p = a.body as unknown as Problem;
  expect(p.status).toBe(status);
  expect(typeof p.detail).toBe('string');
  expect(p.detail.length).toBeGreaterThan(0);
  return p;
}

/** A form post with repeated fields (the lines of a document), as a browser sends it. */
export function postForm(c: Client, path: string, pairs: [string, string][], opts: { htmx?: boolean } = {}) {
  const body = new URLSearchParams([...pairs, ['_csrf', c.csrf]]);
  return c.request(path, { method: 'POST', body, htmx: opts.htmx, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: c.origin } });
}

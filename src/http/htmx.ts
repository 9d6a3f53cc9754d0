import type { Context } from 'hono';

/** True when htmx asks for a fragment (and not for a whole page to restore history). */
export function wantsFragment(c: Context): boolean {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-History-Restore-Request') !== 'true';
}

/** The page includes its fragment; an htmx request gets only the fragment. */
export function pageOrFragment(c: Context, page: () => unknown, fragment: () => unknown, status: 200 | 404 | 409 | 422 = 200) {
  c.header('Vary', 'HX-Request');
  const body = wantsFragment(c) ? fragment() : page();
  return c.html(body as string, status);
}

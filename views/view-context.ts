import type { Context } from 'hono';
import type { AppEnv, ViewContext } from '../src/context.ts';

export function viewContext(c: Context<AppEnv>): ViewContext {
  const url = new URL(c.req.url);
  return { t: c.var.t, user: c.var.user, csrfToken: c.var.csrfToken, path: c.req.path, url: url.pathname + url.search };
}

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

/** One structured (JSON) log line per request. */
export function requestLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header('x-request-id') ?? crypto.randomUUID();
    c.set('requestId', requestId);
    await next();
    if (!c.var.settings.logRequests) return;
    write(
      JSON.stringify({
        t: new Date().toISOString(),
        level: c.res.status >= 500 ? 'error' : 'info',
        req: requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: c.var.user?.id ?? null,
        htmx: c.req.header('HX-Request') === 'true' || undefined,
      }),
    );
  };
}

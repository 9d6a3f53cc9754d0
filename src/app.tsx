import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { sql } from 'drizzle-orm';
import type { AppSettings } from './config.ts';
import type { AppEnv } from './context.ts';
import type { Db } from './db/client.ts';
import { AppError, isAppError } from './errors.ts';
import { sqlState } from './db/tx.ts';
import { csrfMiddleware, sessionMiddleware } from './auth/middleware.ts';
import { authRoutes, homeOf } from './auth/routes.tsx';
import { localeMiddleware } from './i18n/middleware.ts';
import { translator } from './i18n/index.ts';
import { requestLogger } from './http/logger.ts';
import { wantsFragment } from './http/htmx.ts';
import { problem } from './api/problem.ts';
import { apiRoutes } from './api/routes.ts';
import { coldApiRoutes } from './api/cold.ts';
import { apiDocsRoutes } from './api/docs.tsx';
import { coldRoutes } from './cold/routes.tsx';
import { transferApiRoutes } from './api/transfers.ts';
import { transferRoutes } from './transfers/routes.tsx';
import { countRoutes } from './counts/routes.tsx';
import { tokenRoutes } from './auth/token-routes.tsx';
import { inboundApiRoutes } from './api/inbound.ts';
import { outboundApiRoutes } from './api/outbound.ts';
import { inventoryRoutes } from './inventory/routes.tsx';
import { dashboardRoutes } from './dashboard/routes.tsx';
import { inboundRoutes } from './inbound/routes.tsx';
import { outboundRoutes } from './outbound/routes.tsx';
import { labelRoutes } from './barcodes/label-routes.tsx';
import { portalRoutes } from './portal/routes.tsx';
import { assets } from '../views/assets.ts';
import { ErrorFragment, ErrorPage } from '../views/error-page.tsx';
import { viewContext } from '../views/view-context.ts';

export type AppOptions = { db: Db; settings?: Partial<AppSettings>; log?: (line: string) => void };

const isApi = (c: Context) => c.req.path.startsWith('/api/');

function renderError(c: Context<AppEnv>, status: number, err: AppError) {
  const t = c.var.t ?? translator('en');
  const message = t(err.key, err.params);
  if (isApi(c)) {
    if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="caravan"');
    return problem(c, {
      type: `https://caravan.example/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
      title: err.code,
      status,
      detail: message,
      code: err.code,
      ...(err.fieldErrors.length ? { errors: err.fieldErrors.map((f) => ({ path: f.path, message: t(f.key, f.params) })) } : {}),
    });
  }
  c.header('Vary', 'HX-Request');
  const s = status as 400;
  if (wantsFragment(c)) return c.html(<ErrorFragment message={message} />, s);
  return c.html(<ErrorPage ctx={{ ...viewContext(c), t }} status={status} message={message} />, s);
}

/** The largest request body read (16 MiB). */
export const MAX_BODY_BYTES = 16 * 2 ** 20;

/** Builds the whole app: middleware, then each capability's routes. */
export function createApp(opts: AppOptions) {
  const settings: AppSettings = { cookieSecure: false, trustProxy: false, logRequests: true, ...opts.settings };
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('db', opts.db);
    c.set('settings', settings);
    await next();
  });
  app.use('*', requestLogger(log));

  app.get('/static/:name', (c) => {
    const asset = assets[c.req.param('name')];
    if (!asset) return c.notFound();
    const cache = c.req.query('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': asset.type, 'Cache-Control': cache });
  });

  app.get('/healthz', async (c) => {
    try {
      await opts.db.execute(sql`SELECT 1`);
      return c.json({ status: 'ok' });
    } catch (err) {
      log(JSON.stringify({ t: new Date().toISOString(), level: 'error', msg: 'health check failed', error: String(err) }));
      return c.json({ status: 'unavailable' }, 503);
    }
  });

  app.use('*', secureHeaders({ crossOriginEmbedderPolicy: false, referrerPolicy: 'same-origin' }));
  app.use('*', sessionMiddleware());
  // A signed-in page is not kept by the browser: after signing out on a shared handheld,
  // Back shows no one's orders or stock.
  app.use('*', async (c, next) => {
    await next();
    if (c.var.user && !c.res.headers.has('Cache-Control') && (c.res.headers.get('Content-Type') ?? '').startsWith('text/html')) c.header('Cache-Control', 'private, no-store');
  });
  app.use('*', localeMiddleware());
  // No request body is read past MAX_BODY_BYTES (a CSV of orders or a marketplace payload is far
  // smaller): a larger one is a 413 before it costs the server memory and time. A declared
  // length is the whole check (the HTTP parser ends the body there), so the usual request keeps
  // its direct read of the body (src/http/form.ts); only a body sent without one is counted.
  const tooLarge = () => new AppError('TOO_LARGE', { key: 'error.tooLarge', params: { mb: MAX_BODY_BYTES / 2 ** 20 } });
  const countBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
  app.use('*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined) return countBody(c, next);
    if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
    return next();
  });
  app.use('*', csrfMiddleware());

  app.get('/', (c) => c.redirect(c.var.user ? homeOf(c.var.user.role) : '/login', 303));
  app.route('/', authRoutes());
  app.route('/', inventoryRoutes());
  app.route('/', dashboardRoutes());
  app.route('/', inboundRoutes());
  app.route('/', outboundRoutes());
  app.route('/', labelRoutes());
  app.route('/', coldRoutes());
  app.route('/', transferRoutes());
  app.route('/', countRoutes());
  app.route('/', tokenRoutes());
  app.route('/', portalRoutes());
  // Before apiRoutes: a sensor's device token reaches the readings endpoint, and only it.
  app.route('/', apiDocsRoutes());
  app.route('/', coldApiRoutes());
  app.route('/', apiRoutes());
  app.route('/', inboundApiRoutes());
  app.route('/', outboundApiRoutes());
  app.route('/', transferApiRoutes());

  app.notFound((c) => renderError(c as Context<AppEnv>, 404, new AppError('NOT_FOUND', { key: 'error.notFound' })));

  app.onError((err, c) => {
    const ctx = c as Context<AppEnv>;
    if (isAppError(err)) return renderError(ctx, err.status, err);
    // Text the database cannot store (a NUL byte, invalid UTF-8) or a number out of range.
    if (['22021', '22P05', '22003', '22008', '22007', '22P02'].includes(sqlState(err) ?? '')) {
      return renderError(ctx, 400, new AppError('MALFORMED', { key: 'error.malformed' }));
    }
    // A body declared as a form that is not one (e.g. multipart without its parts).
    if (err instanceof TypeError && /parse body|FormData/i.test(err.message)) {
      return renderError(ctx, 400, new AppError('MALFORMED', { key: 'error.malformed' }));
    }
    if (err instanceof HTTPException && err.status < 500) {
      return renderError(ctx, err.status, new AppError(err.status === 401 ? 'UNAUTHENTICATED' : 'MALFORMED', { key: 'error.malformed' }));
    }
    log(JSON.stringify({ t: new Date().toISOString(), level: 'error', req: ctx.var.requestId, path: c.req.path, msg: 'unhandled error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
    if (isApi(c)) return problem(c, { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: (ctx.var.t ?? translator('en'))('error.unexpected') });
    const t = ctx.var.t ?? translator('en');
    return c.html(<ErrorPage ctx={{ ...viewContext(ctx), t }} status={500} message={t('error.unexpected')} />, 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

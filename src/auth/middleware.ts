import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { countTokenRequest, validateApiToken } from './api-tokens.ts';
import { INACTIVITY_TIMEOUT_MS, SESSION_COOKIE, generateSecureRandomString, validateSessionToken } from './session.ts';
import { formOf } from '../http/form.ts';

export const CSRF_COOKIE = 'caravan_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function isSecureRequest(c: Context<AppEnv>): boolean {
  const s = c.var.settings;
  if (s.cookieSecure) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  return s.trustProxy && c.req.header('x-forwarded-proto') === 'https';
}

export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c),
    path: '/',
    maxAge: INACTIVITY_TIMEOUT_MS / 1000,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c) });
}

/** What an API token opens: the JSON API, and the CSV exports for reading. */
export function tokenMayOpen(method: string, path: string): boolean {
  return path.startsWith('/api/v1/') || ((method === 'GET' || method === 'HEAD') && path.endsWith('.csv'));
}

/**
 * Reads the session cookie, or (on the JSON API and CSV exports) a bearer token; sets `user`
 * (or `device`), `session` and the visitor's CSRF token. A bearer token that is unknown, wrong
 * or revoked is a 401, even when a cookie comes with it.
 */
export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('user', null);
    c.set('session', null);
    c.set('device', null);
    c.set('bearer', false);
    // Only the Bearer scheme is ours: another (a proxy's Basic auth) is left alone. A token
    // opens the JSON API and reads the CSV exports; on pages and forms it signs nobody in, so
    // a leaked token cannot make or revoke tokens, change settings or post forms.
    const auth = c.req.header('authorization');
    if (auth !== undefined && /^Bearer\b/i.test(auth.trim()) && tokenMayOpen(c.req.method, c.req.path)) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth.trim());
      const valid = m ? await validateApiToken(c.var.db, m[1]!) : null;
      if (!valid) throw new AppError('UNAUTHENTICATED', { key: 'error.badToken' });
      const { token: row, user } = valid;
      const rate = await countTokenRequest(c.var.db, row);
      if (!rate.ok) {
        c.header('Retry-After', String(rate.retryAfter));
        throw new AppError('RATE_LIMITED', { key: 'error.tooManyRequests', params: { seconds: rate.retryAfter } });
      }
      c.set('bearer', true);
      c.set('csrfToken', '');
      if (user) c.set('user', user);
      else c.set('device', { tokenId: row.id, warehouseId: row.warehouseId! });
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const valid = await validateSessionToken(c.var.db, token);
      if (valid) {
        c.set('session', valid.session);
        c.set('user', valid.user);
        // Sliding expiry: when the session's expiry moved, the cookie's moves with it.
        if (valid.refreshed) setSessionCookie(c, token);
      } else {
        clearSessionCookie(c);
      }
    }
    const session = c.var.session;
    if (session) {
      c.set('csrfToken', session.csrfToken);
    } else {
      // Before sign-in: a double-submit token kept in its own cookie.
      let anon = getCookie(c, CSRF_COOKIE);
      if (!anon || !/^[a-z2-9]{24}$/.test(anon)) {
        anon = generateSecureRandomString();
        setCookie(c, CSRF_COOKIE, anon, { httpOnly: true, sameSite: 'Lax', secure: isSecureRequest(c), path: '/' });
      }
      c.set('csrfToken', anon);
    }
    await next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request from a browser must (1) come from our own origin and
 * (2) carry the visitor's CSRF token in the `_csrf` field or the X-CSRF-Token header.
 */
export function csrfMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A bearer token is not sent by browsers on their own: no cross-site forgery to fear.
    if (SAFE_METHODS.has(c.req.method) || c.var.bearer) return next();
    // An API call with neither a token nor a session acts for nobody: it is answered 401 there.
    if (c.req.path.startsWith('/api/') && !c.var.user && !c.var.device) return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const ownOrigin = new URL(c.req.url).origin;
    const forwardedOrigin = c.var.settings.trustProxy && c.req.header('x-forwarded-host') ? `${c.req.header('x-forwarded-proto') ?? 'http'}://${c.req.header('x-forwarded-host')}` : null;
    if ((origin && origin !== 'null' && origin !== ownOrigin && origin !== forwardedOrigin) || site === 'cross-site') {
      throw new AppError('CSRF_FAILED', { key: 'error.csrf' });
    }
    let sent = c.req.header(CSRF_HEADER);
    if (!sent) {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const v = (await formOf(c))[CSRF_FIELD];
        sent = typeof v === 'string' ? v : undefined;
      }
    }
    const expected = c.var.csrfToken;
    const enc = new TextEncoder();
    if (!sent || sent.length !== expected.length || !constantTimeEqual(enc.encode(sent), enc.encode(expected))) {
      throw new AppError('CSRF_FAILED', { key: 'error.csrf' });
    }
    return next();
  };
}

/** Pages: a visitor without a session goes to the sign-in page (htmx: a full redirect). */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.var.user) return next();
    if (c.var.device) throw new AppError('FORBIDDEN', { key: 'cold.error.deviceOnlyReadings' });
    if (c.req.path.startsWith('/api/')) throw new AppError('UNAUTHENTICATED', { key: 'error.unauthenticated' });
    const url = new URL(c.req.url);
    const target = `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
    if (c.req.header('HX-Request')) {
      c.header('HX-Redirect', target);
      return c.body(null, 401);
    }
    return c.redirect(target, 303);
  };
}

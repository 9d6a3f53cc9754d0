import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../context.ts';
import { users, type Role } from '../db/schema/index.ts';
import { isAppError } from '../errors.ts';
import { isLocale } from '../i18n/index.ts';
import { LOCALE_COOKIE } from '../i18n/middleware.ts';
import { LoginPage } from '../../views/auth/login-page.tsx';
import { viewContext } from '../../views/view-context.ts';
import { clearSessionCookie, isSecureRequest, setSessionCookie } from './middleware.ts';
import { signIn } from './service.ts';
import { invalidateSession } from './session.ts';

/** Only same-site paths: never send a user to another host after sign-in. */
/** Where a user starts: sellers on their portal, staff on the inventory. */
export const homeOf = (role: Role): string => (role === 'seller' ? '/portal' : '/inventory');

export function safeNext(next: unknown, fallback = '/inventory'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || /[\x00-\x20\\]/.test(next)) return fallback;
  try {
    // Resolved against a stand-in origin: anything that leaves it is another site.
    const url = new URL(next, 'http://caravan.invalid');
    return url.origin === 'http://caravan.invalid' ? url.pathname + url.search : fallback;
  } catch {
    return fallback;
  }
}

function clientAddress(c: Context<AppEnv>): string {
  if (c.var.settings.trustProxy) {
    // The rightmost address is the one our proxy added; the ones before it the client may forge.
    const fwd = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function authRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/login', (c) => {
    if (c.var.user) return c.redirect(safeNext(c.req.query('next'), homeOf(c.var.user.role)), 303);
    return c.html(<LoginPage ctx={viewContext(c)} next={c.req.query('next')} />);
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    try {
      const { token, role } = await signIn({ db: c.var.db, input: form, clientAddress: clientAddress(c) });
      setSessionCookie(c, token);
      return c.redirect(safeNext(form.next, homeOf(role)), 303);
    } catch (err) {
      if (!isAppError(err)) throw err;
      const email = typeof form.email === 'string' ? form.email : '';
      const next = typeof form.next === 'string' ? form.next : undefined;
      return c.html(<LoginPage ctx={viewContext(c)} email={email} next={next} error={c.var.t(err.key, err.params)} />, err.status);
    }
  });

  app.post('/logout', async (c) => {
    if (c.var.session) await invalidateSession(c.var.db, c.var.session.id);
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });

  // The language switcher works before and after sign-in; a signed-in user keeps the choice.
  app.post('/locale', async (c) => {
    const form = await c.req.parseBody();
    const locale = form.locale;
    if (isLocale(locale)) {
      setCookie(c, LOCALE_COOKIE, locale, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'Lax', httpOnly: true, secure: isSecureRequest(c) });
      if (c.var.user) await c.var.db.update(users).set({ locale }).where(eq(users.id, c.var.user.id));
    }
    return c.redirect(safeNext(form.next, '/'), 303);
  });

  return app;
}

import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../context.ts';
import { isLocale, negotiateLocale, translator, type Locale } from './index.ts';

export const LOCALE_COOKIE = 'caravan_lang';

/** The user's setting, else the language cookie, else Accept-Language, else English. */
export function localeMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const fromUser = c.var.user?.locale;
    const fromCookie = getCookie(c, LOCALE_COOKIE);
    const locale: Locale = isLocale(fromUser)
      ? fromUser
      : isLocale(fromCookie)
        ? fromCookie
        : (negotiateLocale(c.req.header('accept-language')) ?? 'en');
    c.set('t', translator(locale));
    await next();
  };
}

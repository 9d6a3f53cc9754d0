import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ViewContext } from '../src/context.ts';
import type { MessageKey } from '../src/i18n/index.ts';
import { localeNames, locales } from '../src/i18n/index.ts';
import { CsrfField } from './components/forms.tsx';
import { assetUrl } from './assets.ts';


const htmxConfig = JSON.stringify({
  // 422 (form errors) and 409 (conflicts) carry a fragment to show; other errors do not swap.
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true, error: false },
    { code: '409', swap: true, error: false },
    { code: '[45]..', swap: false, error: true },
  ],
  includeIndicatorStyles: false,
  historyCacheSize: 0,
});

type NavItem = { href: string; key: MessageKey };

function navFor(ctx: ViewContext): NavItem[] {
  const u = ctx.user;
  if (!u) return [];
  const items: NavItem[] = [];
  if (u.role === 'seller') items.push({ href: '/portal', key: 'portal.nav' });
  // Operators see the dashboard of their own warehouses.
  if (u.role !== 'seller') items.push({ href: '/dashboard', key: 'nav.dashboard' });
  items.push({ href: '/inventory', key: u.role === 'seller' ? 'nav.myStock' : 'nav.inventory' });
  items.push({ href: '/inbound', key: 'nav.inbound' });
  items.push({ href: '/orders', key: 'nav.orders' });
  if (u.role !== 'seller') items.push({ href: '/receive', key: 'nav.receive' });
  if (u.role !== 'seller') items.push({ href: '/putaway', key: 'nav.putaway' });
  if (u.role !== 'seller') items.push({ href: '/moves/new', key: 'nav.moveStock' });
  if (u.role !== 'seller') items.push({ href: '/cold', key: 'nav.cold' });
  if (u.role !== 'seller') items.push({ href: '/transfers', key: 'nav.transfers' });
  if (u.role !== 'seller') items.push({ href: '/counts', key: 'nav.counts' });
  items.push({ href: '/ledger', key: u.role === 'seller' ? 'nav.myMovements' : 'nav.ledger' });
  items.push({ href: '/warehouses', key: 'nav.warehouses' });
  items.push({ href: '/tokens', key: 'nav.tokens' });
  return items;
}

export function Layout(props: { ctx: ViewContext; title: string; children: Child; narrow?: boolean; head?: Child }) {
  const { ctx } = props;
  const { t } = ctx;
  const nav = navFor(ctx);
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={t.locale === 'zh' ? 'zh-CN' : t.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={htmxConfig} />
          <title>{`${props.title} · Caravan`}</title>
          <link rel="stylesheet" href={assetUrl('app.css')} />
          <link rel="icon" href="data:," />
          <script src={assetUrl('htmx.min.js')} defer></script>
          <script src={assetUrl('app.js')} defer></script>
          {props.head}
        </head>
        <body hx-headers={JSON.stringify({ 'X-CSRF-Token': ctx.csrfToken })}>
          <header class="topbar">
            <a class="brand" href="/">Caravan</a>
            {nav.length > 0 && (
              <nav class="nav" aria-label={t('nav.main')}>
                {nav.map((item) => (
                  <a href={item.href} aria-current={ctx.path === item.href || ctx.path.startsWith(item.href + '/') ? 'page' : undefined}>
                    {t(item.key)}
                  </a>
                ))}
              </nav>
            )}
            <div class="topbar-end">
              <form method="post" action="/locale" class="lang-switch" aria-label={t('nav.language')}>
                <CsrfField token={ctx.csrfToken} />
                <input type="hidden" name="next" value={ctx.url} />
                {locales.map((l) => (
                  <button type="submit" name="locale" value={l} aria-pressed={l === t.locale ? 'true' : 'false'} lang={l}>
                    {localeNames[l]}
                  </button>
                ))}
              </form>
              {ctx.user && (
                <form method="post" action="/logout" class="signout">
                  <CsrfField token={ctx.csrfToken} />
                  <span class="who" title={ctx.user.email}>
                    {ctx.user.name} · {t(`role.${ctx.user.role}`)}
                  </span>
                  <button type="submit" class="link">
                    {t('nav.signOut')}
                  </button>
                </form>
              )}
            </div>
          </header>
          <main class={props.narrow ? 'narrow' : undefined} id="main">
            {props.children}
          </main>
          <div id="toast" role="status" aria-live="polite"></div>
        </body>
      </html>
    </>
  );
}

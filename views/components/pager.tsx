import type { Translator } from '../../src/i18n/index.ts';

/**
 * Previous / next links that keep the current filters; htmx swaps the results only. `pages`
 * may be unknown (null) while a view's totals are still being counted: then `hasNext` says
 * whether a next page follows.
 */
export function Pager(props: { t: Translator; base: string; params: URLSearchParams; page: number; pages: number | null; hasNext?: boolean; target: string }) {
  const { t } = props;
  const link = (page: number) => {
    const p = new URLSearchParams(props.params);
    if (page <= 1) p.delete('page');
    else p.set('page', String(page));
    const qs = p.toString();
    return qs ? `${props.base}?${qs}` : props.base;
  };
  const hasNext = props.pages === null ? Boolean(props.hasNext) : props.page < props.pages;
  if (props.page <= 1 && !hasNext) return null;
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      {props.page > 1 ? (
        <a href={link(props.page - 1)} hx-get={link(props.page - 1)} hx-target={props.target} hx-swap="outerHTML" hx-push-url="true" rel="prev">
          ← {t('pager.previous')}
        </a>
      ) : (
        <span />
      )}
      <span>{props.pages === null ? t('pager.page', { page: t.number(props.page) }) : t('pager.pageOf', { page: t.number(props.page), pages: t.number(props.pages) })}</span>
      {hasNext ? (
        <a href={link(props.page + 1)} hx-get={link(props.page + 1)} hx-target={props.target} hx-swap="outerHTML" hx-push-url="true" rel="next">
          {t('pager.next')} →
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

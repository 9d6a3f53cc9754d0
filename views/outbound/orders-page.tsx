import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { OrderFilter, OrderRow } from '../../src/outbound/queries.ts';
import { orderStatuses } from '../../src/db/schema/index.ts';
import { can } from '../../src/auth/policy.ts';
import { Layout } from '../layout.tsx';
import { Field, SearchRow, Select } from '../components/forms.tsx';
import { Pager } from '../components/pager.tsx';
import { OrderStatusBadge, ShipBy } from './badges.tsx';

export type OrdersView = {
  ctx: ViewContext;
  filter: OrderFilter;
  query: URLSearchParams;
  rows: OrderRow[];
  total: number;
  page: number;
  pages: number;
  counts: Record<string, number>;
  warehouses: Warehouse[];
  sellers: { code: string; name: string }[];
};

/** The orders board: by status and ship-by date, late orders first and marked. */
export function OrdersPage(v: OrdersView) {
  const { t } = v.ctx;
  const user = v.ctx.user!;
  const f = v.filter;
  const tab = (status: string | undefined, label: string, count: number | undefined, extra = '') => {
    const p = new URLSearchParams(v.query);
    p.delete('page');
    p.delete('late');
    if (status) p.set('status', status);
    else p.delete('status');
    if (extra) {
      p.delete('status');
      p.set('late', '1');
    }
    const href = `/orders${p.toString() ? `?${p}` : ''}`;
    const current = extra ? Boolean(f.late) : !f.late && f.status === status;
    return (
      <a href={href} class={current ? 'tab current' : 'tab'} aria-current={current ? 'page' : undefined}>
        {label} <span class="count">{t.number(count ?? 0)}</span>
      </a>
    );
  };
  return (
    <Layout ctx={v.ctx} title={t('outbound.title')}>
      <div class="title-row">
        <h1>{t('outbound.title')}</h1>
        <div class="actions">
          {can(user, 'order.fulfil') && (
            <a class="button secondary" href="/pick-lists">
              {t('outbound.pickLists')}
            </a>
          )}
          {can(user, 'order.create') && (
            <a class="button secondary" href="/orders/import">
              {t('imports.title')}
            </a>
          )}
          {can(user, 'order.create') && (
            <a class="button" href="/orders/new">
              {t('outbound.newOrder')}
            </a>
          )}
        </div>
      </div>
      <nav class="tabs" aria-label={t('outbound.byStatus')}>
        {tab('open', t('outbound.status.open'), ['new', 'allocated', 'backordered', 'picking', 'picked', 'packed'].reduce((n, s) => n + (v.counts[s] ?? 0), 0))}
        {tab(undefined, t('outbound.late'), v.counts.late, 'late=1')}
        {tab('backordered', t('outbound.status.backordered'), v.counts.backordered)}
        {tab('allocated', t('outbound.status.allocated'), v.counts.allocated)}
        {tab('picking', t('outbound.status.picking'), v.counts.picking)}
        {tab('picked', t('outbound.status.picked'), v.counts.picked)}
        {tab('packed', t('outbound.status.packed'), v.counts.packed)}
        {tab('shipped', t('outbound.status.shipped'), v.counts.shipped)}
      </nav>
      <form class="filters" method="get" action="/orders" hx-get="/orders" hx-target="#orders-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change[target.tagName==='SELECT']" role="search">
        <SearchRow t={t} value={f.q} label={t('outbound.searchOrder')} />
        {f.late && <input type="hidden" name="late" value="1" />}
        <details class="more" open={Boolean(f.warehouse || f.seller || f.status)}>
          <summary>{t('inventory.filters')}</summary>
          <div class="more-fields">
            <Field label={t('col.warehouse')} name="warehouse">
              <Select name="warehouse" value={f.warehouse} empty={t('filter.all')} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
            </Field>
            {user.role !== 'seller' && (
              <Field label={t('col.seller')} name="seller">
                <Select name="seller" value={f.seller} empty={t('filter.all')} options={v.sellers.map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }))} />
              </Field>
            )}
            <Field label={t('inbound.col.status')} name="status">
              <Select name="status" value={f.status} empty={t('filter.all')} options={[{ value: 'open', label: t('outbound.status.open') }, ...orderStatuses.map((s) => ({ value: s, label: t(`outbound.status.${s}`) }))]} />
            </Field>
          </div>
        </details>
      </form>
      <OrdersResults {...v} />
    </Layout>
  );
}

export function OrdersResults(v: OrdersView) {
  const { t } = v.ctx;
  return (
    <section id="orders-results" aria-live="polite">
      <p class="totals">
        <span>{t('outbound.count', { count: t.number(v.total) })}</span>
      </p>
      {v.rows.length === 0 ? (
        <p class="empty">{t('outbound.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack">
            <thead>
              <tr>
                <th>{t('outbound.col.order')}</th>
                <th>{t('inbound.col.status')}</th>
                <th>{t('outbound.col.shipBy')}</th>
                <th>{t('col.warehouse')}</th>
                <th>{t('col.seller')}</th>
                <th>{t('outbound.col.channel')}</th>
                <th class="num">{t('outbound.col.units')}</th>
                <th class="num">{t('outbound.col.picked')}</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr class={r.late ? 'row-late' : undefined}>
                  <td class="code head wrap-code" data-label={t('outbound.col.order')}>
                    <a href={`/orders/${r.id}`}>{r.externalId}</a>
                  </td>
                  <td data-label={t('inbound.col.status')}>
                    <OrderStatusBadge t={t} status={r.status} />
                    {r.short > 0 && <span class="badge warn"> {t('outbound.shortUnits', { count: r.short })}</span>}
                  </td>
                  <td data-label={t('outbound.col.shipBy')}>
                    <ShipBy t={t} at={r.shipBy} timezone={r.timezone} late={r.late} />
                  </td>
                  <td class="code" data-label={t('col.warehouse')}>{r.warehouseCode}</td>
                  <td class="code wrap-code" data-label={t('col.seller')}>{r.sellerCode}</td>
                  <td data-label={t('outbound.col.channel')}>{t(`outbound.channel.${r.channel as 'manual'}`)}</td>
                  <td class="num" data-label={t('outbound.col.units')}>{t.number(r.units)}</td>
                  <td class="num" data-label={t('outbound.col.picked')}>{t.number(r.picked)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager t={t} base="/orders" params={v.query} page={v.page} pages={v.pages} target="#orders-results" />
    </section>
  );
}

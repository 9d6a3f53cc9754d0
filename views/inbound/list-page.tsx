import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { ShipmentFilter, ShipmentRow } from '../../src/inbound/queries.ts';
import { inboundStatuses } from '../../src/db/schema/index.ts';
import { can } from '../../src/auth/policy.ts';
import { Layout } from '../layout.tsx';
import { Field, SearchRow, Select } from '../components/forms.tsx';
import { Pager } from '../components/pager.tsx';
import { StatusBadge } from './status-badge.tsx';

export type InboundListView = {
  ctx: ViewContext;
  filter: ShipmentFilter;
  query: URLSearchParams;
  rows: ShipmentRow[];
  total: number;
  page: number;
  pages: number;
  warehouses: Warehouse[];
  sellers: { code: string; name: string }[];
};

export function InboundListPage(v: InboundListView) {
  const { t } = v.ctx;
  const user = v.ctx.user!;
  const f = v.filter;
  return (
    <Layout ctx={v.ctx} title={t('inbound.title')}>
      <div class="title-row">
        <h1>{t('inbound.title')}</h1>
        <div class="actions">
          {can(user, 'inbound.receive') && (
            <a class="button secondary" href="/receive">
              {t('inbound.receiveScanner')}
            </a>
          )}
          {can(user, 'inbound.receive') && (
            <a class="button secondary" href="/putaway">
              {t('putaway.title')}
            </a>
          )}
          {can(user, 'inbound.create') && (
            <a class="button" href="/inbound/new">
              {t('inbound.new')}
            </a>
          )}
        </div>
      </div>
      <form class="filters" method="get" action="/inbound" hx-get="/inbound" hx-target="#inbound-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change[target.tagName==='SELECT'||target.type==='date']" role="search">
        <SearchRow t={t} value={f.q} label={t('inbound.searchReference')} />
        <details class="more" open={Boolean(f.warehouse || f.seller || f.status || f.due_from || f.due_to)}>
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
              <Select name="status" value={f.status} empty={t('filter.all')} options={[{ value: 'open', label: t('inbound.status.open') }, ...inboundStatuses.map((s) => ({ value: s, label: t(`inbound.status.${s}`) }))]} />
            </Field>
            <Field label={t('inbound.dueFrom')} name="due_from">
              <input type="date" id="f-due_from" name="due_from" value={f.due_from ?? ''} />
            </Field>
            <Field label={t('inbound.dueTo')} name="due_to">
              <input type="date" id="f-due_to" name="due_to" value={f.due_to ?? ''} />
            </Field>
          </div>
        </details>
      </form>
      <InboundResults {...v} />
    </Layout>
  );
}

export function InboundResults(v: InboundListView) {
  const { t } = v.ctx;
  return (
    <section id="inbound-results" aria-live="polite">
      <p class="totals">
        <span>{t('inbound.count', { count: t.number(v.total) })}</span>
      </p>
      {v.rows.length === 0 ? (
        <p class="empty">{t('inbound.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack">
            <thead>
              <tr>
                <th>{t('inbound.col.reference')}</th>
                <th>{t('inbound.col.status')}</th>
                <th>{t('col.warehouse')}</th>
                <th>{t('col.seller')}</th>
                <th>{t('inbound.col.eta')}</th>
                <th>{t('inbound.col.transport')}</th>
                <th class="num">{t('inbound.col.lines')}</th>
                <th class="num">{t('inbound.col.expected')}</th>
                <th class="num">{t('inbound.col.received')}</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr>
                  <td class="code head" data-label={t('inbound.col.reference')}>
                    <a href={`/inbound/${r.id}`}>{r.reference}</a>
                  </td>
                  <td data-label={t('inbound.col.status')}>
                    <StatusBadge t={t} status={r.status} />
                  </td>
                  <td class="code" data-label={t('col.warehouse')}>{r.warehouseCode}</td>
                  <td class="code" data-label={t('col.seller')}>{r.sellerCode}</td>
                  <td data-label={t('inbound.col.eta')}>{r.eta ? t.date(r.eta) : <span class="muted">—</span>}</td>
                  <td data-label={t('inbound.col.transport')}>{t(`inbound.mode.${r.transportMode as 'road_tir'}`)}</td>
                  <td class="num" data-label={t('inbound.col.lines')}>{t.number(r.lines)}</td>
                  <td class="num" data-label={t('inbound.col.expected')}>{t.number(r.expected)}</td>
                  <td class="num" data-label={t('inbound.col.received')}>
                    {t.number(r.received)}
                    {r.damaged > 0 && <small class="warn-text"> +{t.number(r.damaged)} {t('inbound.damagedShort')}</small>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager t={t} base="/inbound" params={v.query} page={v.page} pages={v.pages} target="#inbound-results" />
    </section>
  );
}

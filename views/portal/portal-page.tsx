import type { ViewContext } from '../../src/context.ts';
import type { Translator } from '../../src/i18n/index.ts';
import { orderStatuses } from '../../src/db/schema/index.ts';
import type { Figures, PortalFilter, PortalOrder, PortalSeller, PortalShipment, ProductFiguresPage, WarehouseFigures } from '../../src/portal/queries.ts';
import { Layout } from '../layout.tsx';
import { Alert, Field, SearchRow, Select } from '../components/forms.tsx';
import { Pager } from '../components/pager.tsx';
import { ScanProblem } from '../components/scan-problem.tsx';
import { StatusBadge } from '../inbound/status-badge.tsx';
import { OrderStatusBadge, ShipBy } from '../outbound/badges.tsx';

export type PortalView = {
  ctx: ViewContext;
  seller: PortalSeller;
  /** Staff looking at the seller's portal (links carry the seller). */
  asStaff: boolean;
  filter: PortalFilter;
  /** The filters in force, without the page: for the pager and the CSV link. */
  query: URLSearchParams;
  warehouses: { code: string; name: string }[];
  byWarehouse: { rows: WarehouseFigures[]; total: Figures };
  byProduct: ProductFiguresPage;
  shipments: PortalShipment[];
  shipmentCounts: Partial<Record<string, number>>;
  orders: PortalOrder[];
  orderCounts: Record<string, number>;
  recentLimit: number;
};

/** ASNs whose receiving report has something to say. */
const reportStatuses = new Set(['receiving', 'received', 'closed']);
const openShipmentStatuses = ['draft', 'expected', 'arrived', 'receiving', 'received'] as const;

/** A link on this page, keeping the seller for staff (sellers never need it). */
function withSeller(v: PortalView, path: string, params: Record<string, string> = {}): string {
  const p = new URLSearchParams(params);
  if (v.asStaff) p.set('seller', v.seller.code);
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

function FigureCells(props: { t: Translator; f: Figures; days: number }) {
  const { t, f } = props;
  const cell = (label: string, n: number, attr: string) => (
    <td class={n === 0 ? 'num zero' : 'num'} data-label={label} data-figure={attr}>
      {t.number(n)}
    </td>
  );
  return (
    <>
      {cell(t('col.available'), f.available, 'available')}
      {cell(t('portal.col.reserved'), f.reserved, 'reserved')}
      {cell(t('col.inTransit'), f.inTransit, 'in-transit')}
      {cell(t('portal.col.quarantined'), f.quarantined, 'quarantined')}
      {cell(t('portal.col.expiring', { days: props.days }), f.expiring, 'expiring')}
    </>
  );
}

function FigureHeads(props: { t: Translator; days: number }) {
  const { t } = props;
  return (
    <>
      <th class="num">{t('col.available')}</th>
      <th class="num">{t('portal.col.reserved')}</th>
      <th class="num">{t('col.inTransit')}</th>
      <th class="num">{t('portal.col.quarantined')}</th>
      <th class="num">{t('portal.col.expiring', { days: props.days })}</th>
    </>
  );
}

/** The seller's landing page: stock everywhere, their ASNs and orders, and what they can do. */
export function PortalPage(v: PortalView) {
  const { t } = v.ctx;
  const title = v.asStaff ? t('portal.titleFor', { seller: v.seller.code }) : t('portal.title');
  const f = v.filter;
  return (
    <Layout ctx={v.ctx} title={title}>
      <div class="title-row">
        <h1>
          {title}
          <small class="muted portal-seller"> {v.seller.name}</small>
        </h1>
        <div class="actions">
          <a class="button" href="/inbound/new">
            {t('portal.newAsn')}
          </a>
          <a class="button" href="/orders/new">
            {t('portal.newOrder')}
          </a>
          <a class="button secondary" href="/orders/import">
            {t('portal.importOrders')}
          </a>
          <a class="button secondary" href="/tokens">
            {t('portal.tokens')}
          </a>
        </div>
      </div>
      {v.asStaff && <Alert kind="info">{t('portal.viewingAs', { seller: `${v.seller.code} · ${v.seller.name}` })}</Alert>}

      <h2>{t('portal.stock')}</h2>
      <form
        class="filters"
        method="get"
        action="/portal"
        hx-get="/portal"
        hx-target="#portal-stock"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="submit, change[target.tagName==='SELECT']"
        role="search"
      >
        {v.asStaff && <input type="hidden" name="seller" value={v.seller.code} />}
        <SearchRow t={t} value={f.q} />
        <div class="more-fields">
          <Field label={t('col.warehouse')} name="warehouse">
            <Select name="warehouse" value={f.warehouse} empty={t('filter.all')} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
          </Field>
          <Field label={t('portal.days')} name="days">
            <input type="number" id="f-days" name="days" min="0" max="365" step="1" inputmode="numeric" value={String(f.days)} />
          </Field>
        </div>
      </form>
      <PortalStock {...v} />

      <div class="cards portal-docs">
        <section class="card" id="portal-shipments">
          <div class="title-row">
            <h2>{t('portal.shipments')}</h2>
            <span class="muted">{t('portal.shipmentsOpen', { count: t.number(openShipmentStatuses.reduce((n, s) => n + (v.shipmentCounts[s] ?? 0), 0)) })}</span>
          </div>
          {v.shipments.length === 0 ? (
            <p class="empty">{t('portal.noShipments')}</p>
          ) : (
            <div class="table-scroll">
              <table class="grid stack">
                <caption>{t('portal.recent', { count: t.number(v.recentLimit) })}</caption>
                <thead>
                  <tr>
                    <th>{t('inbound.col.reference')}</th>
                    <th>{t('inbound.col.status')}</th>
                    <th>{t('col.warehouse')}</th>
                    <th>{t('inbound.col.eta')}</th>
                    <th class="num">{t('inbound.col.expected')}</th>
                    <th class="num">{t('inbound.col.received')}</th>
                    <th>{t('inbound.report')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.shipments.map((s) => (
                    <tr data-shipment={s.id}>
                      <td class="code head" data-label={t('inbound.col.reference')}>
                        <a href={`/inbound/${s.id}`}>{s.reference}</a>
                      </td>
                      <td data-label={t('inbound.col.status')}>
                        <StatusBadge t={t} status={s.status} />
                      </td>
                      <td class="code" data-label={t('col.warehouse')}>{s.warehouseCode}</td>
                      <td data-label={t('inbound.col.eta')}>{s.eta ? t.date(s.eta) : <span class="muted">—</span>}</td>
                      <td class="num" data-label={t('inbound.col.expected')}>{t.number(s.expected)}</td>
                      <td class="num" data-label={t('inbound.col.received')}>
                        {t.number(s.received)}
                        {s.damaged > 0 && <small class="warn-text"> +{t.number(s.damaged)} {t('inbound.damagedShort')}</small>}
                      </td>
                      <td data-label={t('inbound.report')} class={reportStatuses.has(s.status) ? undefined : 'blank'}>
                        {reportStatuses.has(s.status) ? <a href={`/inbound/${s.id}/report`}>{t('inbound.report')}</a> : <span class="muted">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p class="actions">
            <a class="button secondary" href={withSeller(v, '/inbound')}>
              {t('portal.allShipments')}
            </a>
            <a class="button secondary" href={withSeller(v, '/portal/inbound.csv')} download>
              {t('portal.exportShipments')}
            </a>
          </p>
        </section>

        <section class="card" id="portal-orders">
          <h2>{t('portal.orders')}</h2>
          <nav class="tabs" aria-label={t('portal.ordersByStatus')}>
            {orderStatuses.map((s) => (
              <a class="tab" href={withSeller(v, '/orders', { status: s })} data-status={s}>
                {t(`outbound.status.${s}`)} <span class="count">{t.number(v.orderCounts[s] ?? 0)}</span>
              </a>
            ))}
            {(v.orderCounts.late ?? 0) > 0 && (
              <a class="tab late" href={withSeller(v, '/orders', { late: '1' })} data-status="late">
                {t('outbound.late')} <span class="count">{t.number(v.orderCounts.late ?? 0)}</span>
              </a>
            )}
          </nav>
          {v.orders.length === 0 ? (
            <p class="empty">{t('portal.noOrders')}</p>
          ) : (
            <div class="table-scroll">
              <table class="grid stack">
                <caption>{t('portal.recent', { count: t.number(v.recentLimit) })}</caption>
                <thead>
                  <tr>
                    <th>{t('outbound.col.order')}</th>
                    <th>{t('inbound.col.status')}</th>
                    <th>{t('col.warehouse')}</th>
                    <th>{t('outbound.col.channel')}</th>
                    <th>{t('outbound.col.shipBy')}</th>
                    <th class="num">{t('outbound.col.units')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.orders.map((o) => (
                    <tr data-order={o.id}>
                      <td class="code head" data-label={t('outbound.col.order')}>
                        <a href={`/orders/${o.id}`}>{o.externalId}</a>
                      </td>
                      <td data-label={t('inbound.col.status')}>
                        <OrderStatusBadge t={t} status={o.status} />
                      </td>
                      <td class="code" data-label={t('col.warehouse')}>{o.warehouseCode}</td>
                      <td data-label={t('outbound.col.channel')}>{t.optional(`outbound.channel.${o.channel}`, o.channel)}</td>
                      <td data-label={t('outbound.col.shipBy')}>
                        <ShipBy t={t} at={o.shipBy} timezone={o.timezone} late={o.late} />
                      </td>
                      <td class="num" data-label={t('outbound.col.units')}>{t.number(o.units)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p class="actions">
            <a class="button secondary" href={withSeller(v, '/orders')}>
              {t('portal.allOrders')}
            </a>
            <a class="button secondary" href={withSeller(v, '/portal/orders.csv')} download>
              {t('portal.exportOrders')}
            </a>
          </p>
        </section>
      </div>
    </Layout>
  );
}

/** The stock part of the portal: by warehouse, then by product (what htmx swaps on filtering). */
export function PortalStock(v: PortalView) {
  const { t } = v.ctx;
  const days = v.filter.days;
  const p = v.byProduct;
  const qs = v.query.toString();
  const csv = `/portal/stock.csv${qs ? `?${qs}` : ''}`;
  return (
    <section id="portal-stock" aria-live="polite">
      <h3>{t('portal.byWarehouse')}</h3>
      {v.byWarehouse.rows.length === 0 ? (
        <p class="empty">{t('portal.noStock')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack portal-figures" id="portal-warehouses">
            <thead>
              <tr>
                <th>{t('col.warehouse')}</th>
                <FigureHeads t={t} days={days} />
              </tr>
            </thead>
            <tbody>
              {v.byWarehouse.rows.map((w) => (
                <tr data-warehouse={w.code} class={v.filter.warehouse === w.code ? 'current' : undefined}>
                  <td class="code head">
                    {w.code} <small class="muted">{w.name}</small>
                  </td>
                  <FigureCells t={t} f={w} days={days} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-warehouse="total">
                <th>{t('portal.total')}</th>
                <FigureCells t={t} f={v.byWarehouse.total} days={days} />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <ul class="portal-legend">
        <li>{t('portal.legend.available')}</li>
        <li>{t('portal.legend.reserved')}</li>
        <li>{t('portal.legend.inTransit')}</li>
        <li>{t('portal.legend.quarantined')}</li>
        <li>{t('portal.legend.expiring', { days })}</li>
      </ul>

      <h3>{t('portal.byProduct')}</h3>
      {p.match?.kind === 'barcode' && <p class="match">{t('inventory.matchBarcode', { code: p.match.code })}</p>}
      {p.match?.kind === 'text' && p.match.scanError && <ScanProblem t={t} error={p.match.scanError} />}
      <div class="totals">
        <span>{t('portal.products', { count: t.number(p.count) })}</span>
        <a class="button secondary" href={csv} download>
          {t('portal.exportStock')}
        </a>
      </div>
      {p.rows.length === 0 ? (
        <p class="empty">{v.byWarehouse.rows.length === 0 ? t('portal.noStock') : t('portal.noMatch')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack portal-figures" id="portal-products">
            <thead>
              <tr>
                <th>{t('col.sku')}</th>
                <th>{t('col.product')}</th>
                <FigureHeads t={t} days={days} />
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr data-sku={r.sku}>
                  <td class="code head" data-label={t('col.sku')}>
                    <a href={`/products/${r.productId}`}>{r.sku}</a>
                  </td>
                  <td class="name" data-label={t('col.product')}>
                    {r.name}
                  </td>
                  <FigureCells t={t} f={r} days={days} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-sku="total">
                <th colspan={2}>{t('portal.total')}</th>
                <FigureCells t={t} f={p.total} days={days} />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <Pager t={t} base="/portal" params={v.query} page={p.page} pages={p.pages} target="#portal-stock" />
    </section>
  );
}

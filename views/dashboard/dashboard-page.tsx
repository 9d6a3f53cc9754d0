import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ViewContext } from '../../src/context.ts';
import type { Dashboard } from '../../src/dashboard/queries.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import { intlLocale, type Translator } from '../../src/i18n/index.ts';
import { Layout } from '../layout.tsx';
import { assetUrl } from '../assets.ts';
import { ExcursionsTable, ExpiringTable, LateOrdersTable, LowStockTable, PicksTable, UtilisationTable, ZoneStockTable } from './tables.tsx';

export type DashboardView = {
  ctx: ViewContext;
  data: Dashboard;
  /** Every warehouse the user may see (the choices). */
  all: Warehouse[];
  /** The chosen warehouse's code, or '' for all of them. */
  chosen: string;
  days: number;
  /** This view's own address (for the periodic refresh). */
  url: string;
  refreshSeconds: number;
};

/** JSON inside a <script>: "</" cannot end it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const epochDay = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 1000);

function Kpi(props: { name: string; label: string; value: number; t: Translator; tone?: 'alert' | 'warn' | undefined; href?: string | undefined; children?: Child }) {
  const body = (
    <>
      <span class="kpi-label">{props.label}</span>
      <strong class="kpi-value">{props.t.number(props.value)}</strong>
      {props.children && <span class="kpi-detail">{props.children}</span>}
    </>
  );
  return (
    <div class={`kpi${props.tone ? ` kpi-${props.tone}` : ''}`} data-kpi={props.name} data-value={String(props.value)}>
      {props.href ? (
        <a class="kpi-body" href={props.href}>
          {body}
        </a>
      ) : (
        <div class="kpi-body">{body}</div>
      )}
    </div>
  );
}

/** The figures of the warehouses in view; an htmx request (the refresh, the filters) gets this alone. */
export function DashboardBody(v: DashboardView) {
  const { t } = v.ctx;
  const d = v.data;
  const one = d.warehouses.length === 1 ? d.warehouses[0]! : null;
  const multi = d.warehouses.length > 1;
  const today = d.flows.today;
  const locale = intlLocale[t.locale];
  const trend = {
    locale,
    kind: 'line',
    xLabel: t('dashboard.day'),
    x: d.flows.trend.days.map(epochDay),
    series: [{ label: t('dashboard.onHand'), values: d.flows.trend.onHand }],
  };
  const throughput = {
    locale,
    kind: 'bars',
    xLabel: t('dashboard.day'),
    x: d.flows.throughput.days.map(epochDay),
    series: [
      { label: t('dashboard.received'), values: d.flows.throughput.received },
      { label: t('dashboard.sentOut'), values: d.flows.throughput.sentOut },
    ],
  };
  const wq = one ? `warehouse=${encodeURIComponent(one.code)}` : '';
  return (
    <div id="dashboard" hx-get={v.url} hx-trigger={`every ${v.refreshSeconds}s`} hx-swap="outerHTML" data-updated={d.now.toISOString()}>
      <p class="muted dash-asof">
        {one ? `${one.code} · ${one.name}` : t('dashboard.allWarehouses', { n: d.warehouses.length })} · {t('dashboard.asOf', { time: t.dateTime(d.now, one?.timezone ?? 'UTC') })}
        {multi && <> · {t('dashboard.localDays')}</>}
      </p>
      {d.warehouses.length === 0 ? (
        <p class="empty">{t('dashboard.noWarehouses')}</p>
      ) : (
        <>
          <section class="dash-kpis" aria-label={t('dashboard.keyFigures')}>
            <Kpi t={t} name="onHand" label={t('dashboard.onHand')} value={d.totals.onHand}>
              {t('dashboard.availableN', { n: t.number(d.totals.available) })} · {t('dashboard.quarantinedN', { n: t.number(d.totals.quarantined) })}
            </Kpi>
            <Kpi t={t} name="received" label={t('dashboard.receivedToday')} value={today.receivedFromSuppliers + today.receivedFromTransfers} href={`/inbound${wq ? `?${wq}` : ''}`}>
              {t('dashboard.asnsArrived', { n: t.number(d.inbound.asnsArrived) })} · {t('dashboard.fromTransfers', { n: t.number(today.receivedFromTransfers) })}
              {d.inbound.asnsDue > 0 && <> · <span class="warn-text">{t('dashboard.asnsDue', { n: t.number(d.inbound.asnsDue) })}</span></>}
            </Kpi>
            <Kpi t={t} name="shipped" label={t('dashboard.shippedToday')} value={today.shipped + today.dispatched} href={`/orders${wq ? `?${wq}` : ''}`}>
              {t('dashboard.ordersShipped', { n: t.number(today.ordersShipped) })} · {t('dashboard.onTransfers', { n: t.number(today.dispatched) })}
            </Kpi>
            <Kpi t={t} name="late" label={t('dashboard.lateOrders')} value={d.late.total} tone={d.late.total > 0 ? 'alert' : undefined} href="#late">
              {t('dashboard.dueToday', { n: t.number(d.late.dueToday) })}
            </Kpi>
            <Kpi t={t} name="excursions" label={t('dashboard.openExcursions')} value={d.excursions.total} tone={d.excursions.total > 0 ? 'alert' : undefined} href="#excursions" />
            <Kpi t={t} name="lowStock" label={t('dashboard.lowStock')} value={d.lowStock.total} tone={d.lowStock.total > 0 ? 'warn' : undefined} href="#low-stock" />
            <Kpi t={t} name="expiring" label={t('dashboard.expiringWithin', { n: d.expiringDays })} value={d.expiring.total} tone={d.expiring.total > 0 ? 'warn' : undefined} href="#expiring">
              {t('dashboard.unitsN', { n: t.number(d.expiring.units) })}
            </Kpi>
            <Kpi t={t} name="picks" label={t('dashboard.picksToday')} value={d.picks.picks} href="#picks">
              {t('dashboard.unitsN', { n: t.number(d.picks.units) })}
            </Kpi>
          </section>

          <div class="cards dash-charts">
            <figure class="card chart">
              <figcaption>
                <h2>{t('dashboard.stockTrend')}</h2>
                <small class="muted">{t('dashboard.stockTrendHint', { n: d.flows.trend.days.length })}</small>
              </figcaption>
              <div class="chart-holder" data-dash-chart="dash-trend" role="img" aria-label={t('dashboard.stockTrendAlt', { from: t.date(d.flows.trend.days[0]!), to: t.date(d.flows.trend.days.at(-1)!) })}></div>
              <script type="application/json" id="dash-trend">
                {raw(scriptJson(trend))}
              </script>
              <SeriesTable t={t} days={d.flows.trend.days} columns={[{ name: 'onHand', label: t('dashboard.onHand'), values: d.flows.trend.onHand }]} />
            </figure>
            <figure class="card chart">
              <figcaption>
                <h2>{t('dashboard.throughput')}</h2>
                <small class="muted">{t('dashboard.throughputHint', { n: d.flows.throughput.days.length })}</small>
              </figcaption>
              <div class="chart-holder" data-dash-chart="dash-throughput" role="img" aria-label={t('dashboard.throughputAlt', { from: t.date(d.flows.throughput.days[0]!), to: t.date(d.flows.throughput.days.at(-1)!) })}></div>
              <script type="application/json" id="dash-throughput">
                {raw(scriptJson(throughput))}
              </script>
              <SeriesTable
                t={t}
                days={d.flows.throughput.days}
                columns={[
                  { name: 'received', label: t('dashboard.received'), values: d.flows.throughput.received },
                  { name: 'sentOut', label: t('dashboard.sentOut'), values: d.flows.throughput.sentOut },
                ]}
              />
            </figure>
          </div>

          <div class="cards dash-sections">
            <section class={multi ? 'card dash-wide' : 'card'} id="zones">
              <h2>{t('dashboard.byZone')}</h2>
              <ZoneStockTable t={t} data={d} multi={multi} />
            </section>
            <section class={multi ? 'card dash-wide' : 'card'} id="utilisation">
              <h2>{t('dashboard.utilisation')}</h2>
              <UtilisationTable t={t} data={d} multi={multi} />
            </section>
            <section class={multi ? 'card dash-wide' : 'card'} id="late">
              <h2>
                {t('dashboard.lateOrders')} <span class="tag">{t.number(d.late.total)}</span>
              </h2>
              <LateOrdersTable t={t} data={d} multi={multi} />
            </section>
            <section class={multi ? 'card dash-wide' : 'card'} id="excursions">
              <h2>
                {t('dashboard.openExcursions')} <span class="tag">{t.number(d.excursions.total)}</span>
              </h2>
              <ExcursionsTable t={t} data={d} multi={multi} />
            </section>
            <section class="card dash-wide" id="low-stock">
              <h2>
                {t('dashboard.lowStock')} <span class="tag">{t.number(d.lowStock.total)}</span>
              </h2>
              <LowStockTable t={t} data={d} multi={multi} />
            </section>
            <section class="card dash-wide" id="expiring">
              <h2>
                {t('dashboard.expiringWithin', { n: d.expiringDays })} <span class="tag">{t.number(d.expiring.total)}</span>
              </h2>
              <ExpiringTable t={t} data={d} multi={multi} />
              {one && d.expiring.total > 0 && (
                <p>
                  <a href={`/cold/expiring?warehouse=${encodeURIComponent(one.code)}&days=${d.expiringDays}`}>{t('dashboard.toExpiring')} →</a>
                </p>
              )}
            </section>
            <section class="card dash-wide" id="picks">
              <h2>{t('dashboard.picksPerHour')}</h2>
              <PicksTable t={t} data={d} multi={multi} />
            </section>
          </div>
        </>
      )}
    </div>
  );
}

/** What stands in place of the figures when the filters were not valid (an htmx request). */
export function DashboardProblem(props: { message: string }) {
  return (
    <div id="dashboard">
      <div class="alert alert-error" role="alert">
        {props.message}
      </div>
    </div>
  );
}

/** The numbers behind a chart, for those who would rather read them (and for screen readers). */
function SeriesTable(props: { t: Translator; days: string[]; columns: { name: string; label: string; values: number[] }[] }) {
  const { t } = props;
  return (
    <details class="series">
      <summary>{t('dashboard.showNumbers')}</summary>
      <div class="table-scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>{t('dashboard.day')}</th>
              {props.columns.map((c) => (
                <th class="num">{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.days.map((day, i) => (
              <tr data-day={day}>
                <td>{t.date(day)}</td>
                {props.columns.map((c) => (
                  <td class="num" data-series={c.name} data-value={String(c.values[i] ?? 0)}>
                    {t.number(c.values[i] ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The manager's dashboard: one warehouse or all, today's work, what needs attention, the trend. */
export function DashboardPage(v: DashboardView) {
  const { t } = v.ctx;
  const head = (
    <>
      <link rel="stylesheet" href={assetUrl('uPlot.min.css')} />
      <script src={assetUrl('uPlot.iife.min.js')} defer></script>
      <script src={assetUrl('dashboard-charts.js')} defer></script>
    </>
  );
  return (
    <Layout ctx={v.ctx} title={t('dashboard.title')} head={head}>
      <div class="title-row">
        <h1>{t('dashboard.title')}</h1>
      </div>
      <form method="get" action="/dashboard" class="filters dash-filters" hx-get="/dashboard" hx-target="#dashboard" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change">
        <div class="field">
          <label for="f-warehouse">{t('col.warehouse')}</label>
          <select name="warehouse" id="f-warehouse">
            <option value="" selected={v.chosen === ''}>
              {t('dashboard.allMine')}
            </option>
            {v.all.map((w) => (
              <option value={w.code} selected={w.code === v.chosen}>
                {w.code} · {w.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-days">{t('dashboard.expiringDays')}</label>
          <input type="number" name="days" id="f-days" min="1" max="366" step="1" inputmode="numeric" value={String(v.days)} />
        </div>
        <button type="submit">{t('dashboard.show')}</button>
      </form>
      <DashboardBody {...v} />
    </Layout>
  );
}

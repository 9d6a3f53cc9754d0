import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { ExcursionRow, ZoneOverview } from '../../src/cold/queries.ts';
import type { Translator } from '../../src/i18n/index.ts';
import { Layout } from '../layout.tsx';
import { ClassBadge } from '../components/stock-table.tsx';

export type ColdHomeView = {
  ctx: ViewContext;
  warehouses: Warehouse[];
  warehouse: Warehouse;
  zones: ZoneOverview[];
  excursions: ExcursionRow[];
  expiring: number;
  canManage: boolean;
};

/** The state of a zone in one word: no data, out of range, in range, not monitored. */
export function ZoneState(props: { t: Translator; zone: ZoneOverview }) {
  const { t, zone } = props;
  if (zone.noData) return <span class="badge cold-nodata">{t('cold.state.noData')}</span>;
  if (zone.openExcursions > 0) return <span class="badge cold-excursion">{t('cold.state.excursion', { n: zone.openExcursions })}</span>;
  if (zone.lastInRange === false) return <span class="badge cold-excursion">{t('cold.state.outOfRange')}</span>;
  if (zone.lastAt) return <span class="badge cold-ok">{t('cold.state.ok')}</span>;
  return <span class="badge">{t('cold.state.notMonitored')}</span>;
}

export function ExcursionBadge(props: { t: Translator; status: 'open' | 'ended' | 'closed' }) {
  return <span class={`badge excursion-${props.status}`}>{props.t(`cold.excursion.${props.status}`)}</span>;
}

/** Cold storage of one warehouse: its zones at a glance, what needs a decision, where to go next. */
export function ColdHomePage(v: ColdHomeView) {
  const { t } = v.ctx;
  const wh = v.warehouse;
  const q = `warehouse=${encodeURIComponent(wh.code)}`;
  return (
    <Layout ctx={v.ctx} title={t('cold.title')}>
      <div class="title-row">
        <h1>
          {t('cold.title')} <small class="muted">{wh.code} · {wh.name}</small>
        </h1>
        <div class="actions">
          <a class="button" href={`/cold/readings/new?${q}`}>
            {t('cold.enterReading')}
          </a>
          <a class="button secondary" href={`/cold/expiring?${q}`}>
            {t('cold.expiring')} {v.expiring > 0 && <span class="tag">{t.number(v.expiring)}</span>}
          </a>
          <a class="button secondary" href={`/cold/excursions?${q}`}>
            {t('cold.excursions')}
          </a>
          {v.canManage && (
            <>
              <a class="button secondary" href={`/cold/zones/new?${q}`}>
                {t('cold.newZone')}
              </a>
              <a class="button secondary" href={`/cold/devices?${q}`}>
                {t('cold.devices')}
              </a>
            </>
          )}
        </div>
      </div>
      {v.warehouses.length > 1 && (
        <form method="get" action="/cold" class="filters search-line">
          <select name="warehouse" aria-label={t('col.warehouse')}>
            {v.warehouses.map((w) => (
              <option value={w.code} selected={w.code === wh.code}>
                {w.code} · {w.name}
              </option>
            ))}
          </select>
          <button type="submit">{t('cold.show')}</button>
        </form>
      )}
      {v.excursions.length > 0 && (
        <div class="alert alert-error">
          {t('cold.needsDecision', { n: v.excursions.length })}{' '}
          {v.excursions.slice(0, 5).map((e) => (
            <a href={`/cold/excursions/${e.id}`} class="tag">
              {e.location ?? e.zone} · {t.celsius(e.peakCelsius)}
            </a>
          ))}
        </div>
      )}
      <div class="table-scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>{t('cold.zone')}</th>
              <th>{t('cold.class')}</th>
              <th>{t('cold.range')}</th>
              <th class="num">{t('cold.interval')}</th>
              <th>{t('cold.lastReading')}</th>
              <th>{t('cold.state')}</th>
              <th class="num">{t('cold.slots')}</th>
              <th class="num">{t('col.onHand')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {v.zones.map((z) => (
              <tr>
                <td>
                  <span class="code strong">{z.code}</span> <small class="muted">{z.name}</small>
                </td>
                <td>
                  <ClassBadge t={t} value={z.temperatureClass} />
                </td>
                <td class="code">{t.range(z.minCelsius, z.maxCelsius)}</td>
                <td class="num">{z.logIntervalMinutes ? t('cold.minutes', { n: z.logIntervalMinutes }) : '—'}</td>
                <td>{z.lastAt ? <>{t.celsius(z.lastCelsius!)} <small class="muted">{t.dateTime(z.lastAt, wh.timezone)}</small></> : '—'}</td>
                <td>
                  <ZoneState t={t} zone={z} />
                </td>
                <td class="num">{t.number(z.slots)}</td>
                <td class="num">{t.number(z.units)}</td>
                <td>
                  <div class="actions">
                    <a href={`/cold/zones/${z.id}/map`}>{t('cold.map')}</a>
                    <a href={`/cold/zones/${z.id}/chart`}>{t('cold.chart')}</a>
                    <a href={`/cold/zones/${z.id}/log`}>{t('cold.log')}</a>
                    {v.canManage && <a href={`/cold/zones/${z.id}/slots`}>{t('cold.slotsLink')}</a>}
                    {v.canManage && <a href={`/cold/zones/${z.id}/edit`}>{t('cold.edit')}</a>}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

import { raw } from 'hono/html';
import type { ViewContext } from '../../src/context.ts';
import type { LogEntry } from '../../src/cold/queries.ts';
import type { ExcursionDecisionKind } from '../../src/db/schema/index.ts';
import { intlLocale } from '../../src/i18n/index.ts';
import { Layout } from '../layout.tsx';
import { assetUrl } from '../assets.ts';
import { ClassBadge } from '../components/stock-table.tsx';
import { Duration } from './excursion-pages.tsx';
import { ReadingsTable } from './map-pages.tsx';

type ZoneHead = { id: number; code: string; name: string; temperatureClass: string; minCelsius: number | null; maxCelsius: number | null; logIntervalMinutes: number | null };

export type ChartView = {
  ctx: ViewContext;
  warehouse: { code: string; timezone: string };
  zone: ZoneHead;
  series: { value: string; label: string }[];
  slot: string;
  days: number;
  from: Date;
  to: Date;
  points: { at: number; celsius: number }[];
  excursions: { id: number; startedAt: Date; endedAt: Date | null; peakCelsius: number; location: string | null }[];
};

/** JSON inside a <script>: "</" cannot end it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** Temperature over time of one series (the zone's sensor or a slot), the allowed band shaded, excursions marked. */
export function ChartPage(v: ChartView) {
  const { t } = v.ctx;
  const label = v.slot || t('cold.zoneSensor');
  const data = {
    x: v.points.map((p) => Math.round(p.at / 1000)),
    y: v.points.map((p) => p.celsius),
    min: v.zone.minCelsius,
    max: v.zone.maxCelsius,
    label: `${v.zone.code} ${label} °C`,
    timeZone: v.warehouse.timezone,
    // The axes and the legend speak the page's language: its Intl locale and the time's label.
    locale: intlLocale[t.locale],
    timeLabel: t('col.time'),
    excursions: v.excursions.filter((e) => (e.location ?? '') === v.slot).map((e) => [Math.round(e.startedAt.getTime() / 1000), e.endedAt ? Math.round(e.endedAt.getTime() / 1000) : null]),
  };
  const head = (
    <>
      <link rel="stylesheet" href={assetUrl('uPlot.min.css')} />
      <script src={assetUrl('uPlot.iife.min.js')} defer></script>
      <script src={assetUrl('chart.js')} defer></script>
    </>
  );
  return (
    <Layout ctx={v.ctx} title={`${t('cold.chart')} ${v.zone.code}`} head={head}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › <a href={`/cold/zones/${v.zone.id}/map`}>{v.zone.code}</a>
      </p>
      <div class="title-row">
        <h1>
          {t('cold.chart')} {v.zone.code} <ClassBadge t={t} value={v.zone.temperatureClass} /> <small class="muted">{t.range(v.zone.minCelsius, v.zone.maxCelsius)}</small>
        </h1>
        <div class="actions">
          <a class="button secondary" href={`/cold/zones/${v.zone.id}/log?days=${v.days}`}>
            {t('cold.log')}
          </a>
        </div>
      </div>
      <form method="get" class="filters search-line" action={`/cold/zones/${v.zone.id}/chart`}>
        <select name="slot" aria-label={t('cold.series')}>
          {v.series.map((s) => (
            <option value={s.value} selected={s.value === v.slot}>
              {s.label}
            </option>
          ))}
        </select>
        <select name="days" aria-label={t('cold.period')}>
          {[1, 7, 30].map((d) => (
            <option value={String(d)} selected={d === v.days}>
              {d === 1 ? t('cold.last24h') : t('cold.lastDays', { n: d })}
            </option>
          ))}
        </select>
        <button type="submit">{t('cold.show')}</button>
      </form>
      <p class="muted">
        {t.dateTime(v.from, v.warehouse.timezone)} — {t.dateTime(v.to, v.warehouse.timezone)} · {t('cold.readingsCount', { n: v.points.length })}
      </p>
      {v.points.length === 0 ? (
        <p class="empty">{t('cold.noReadings')}</p>
      ) : (
        <figure class="chart">
          <div class="chart-holder" data-chart="chart-data" role="img" aria-label={t('cold.chartAlt', { series: label, range: t.range(v.zone.minCelsius, v.zone.maxCelsius) })}></div>
          <script type="application/json" id="chart-data">
            {raw(scriptJson(data))}
          </script>
          <figcaption class="map-legend">
            <span>
              <span class="swatch band-ok"></span> {t('cold.allowedBand')}
            </span>
            <span>
              <span class="swatch slot-excursion"></span> {t('cold.excursions')}
            </span>
          </figcaption>
        </figure>
      )}
      {v.excursions.length > 0 && (
        <>
          <h2>{t('cold.excursions')}</h2>
          <ul class="plain">
            {v.excursions.map((e) => (
              <li>
                <a href={`/cold/excursions/${e.id}`}>
                  {e.location ?? t('cold.zoneSensor')} · {t.dateTime(e.startedAt, v.warehouse.timezone)} · {t.celsius(e.peakCelsius)}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}

export type LogView = {
  ctx: ViewContext;
  warehouse: { code: string; name: string; timezone: string };
  zone: ZoneHead;
  days: number;
  from: Date;
  to: Date;
  entries: LogEntry[];
  excursions: { id: number; startedAt: Date; endedAt: Date | null; peakCelsius: number; location: string | null; closedAt: Date | null; closedByName: string | null; note: string | null; decisions: { location: string; sku: string; lot: string | null; decision: ExcursionDecisionKind; quantity: number; by: string; at: Date }[] }[];
  printedBy: string;
};

/** The record for an auditor: readings, gaps, excursions with decisions and who took them. Printable. */
export function LogPage(v: LogView) {
  const { t } = v.ctx;
  const tz = v.warehouse.timezone;
  const readings = v.entries.filter((e) => e.kind === 'reading').length;
  const gaps = v.entries.filter((e) => e.kind === 'gap').length;
  return (
    <Layout ctx={v.ctx} title={`${t('cold.log')} ${v.zone.code}`}>
      <p class="crumbs no-print">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › <a href={`/cold/zones/${v.zone.id}/map`}>{v.zone.code}</a>
      </p>
      <div class="title-row">
        <h1>
          {t('cold.logTitle', { zone: v.zone.code, warehouse: v.warehouse.code })}
        </h1>
        <div class="actions no-print">
          {[1, 7, 30].map((d) => (
            <a class={d === v.days ? 'button' : 'button secondary'} href={`/cold/zones/${v.zone.id}/log?days=${d}`}>
              {d === 1 ? t('cold.last24h') : t('cold.lastDays', { n: d })}
            </a>
          ))}
          <a class="button secondary" href={`/cold/zones/${v.zone.id}/log.csv?days=${v.days}`} download>
            CSV
          </a>
          <button type="button" class="secondary" onclick="window.print()">
            {t('cold.print')}
          </button>
        </div>
      </div>
      <dl class="facts facts-wide">
        <div>
          <dt>{t('cold.zone')}</dt>
          <dd>
            {v.zone.code} · {v.zone.name} · {t(`class.${v.zone.temperatureClass}` as 'class.chilled')}
          </dd>
        </div>
        <div>
          <dt>{t('cold.range')}</dt>
          <dd>{t.range(v.zone.minCelsius, v.zone.maxCelsius)}</dd>
        </div>
        <div>
          <dt>{t('cold.interval')}</dt>
          <dd>{v.zone.logIntervalMinutes ? t('cold.minutes', { n: v.zone.logIntervalMinutes }) : '—'}</dd>
        </div>
        <div>
          <dt>{t('cold.period')}</dt>
          <dd>
            {t.dateTime(v.from, tz)} — {t.dateTime(v.to, tz)}
          </dd>
        </div>
        <div>
          <dt>{t('cold.summary')}</dt>
          <dd>{t('cold.summaryText', { readings, gaps, excursions: v.excursions.length })}</dd>
        </div>
        <div>
          <dt>{t('cold.printedBy')}</dt>
          <dd>{v.printedBy}</dd>
        </div>
      </dl>
      <h2>{t('cold.excursions')}</h2>
      {v.excursions.length === 0 ? (
        <p class="empty">{t('cold.noExcursions')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>{t('cold.where')}</th>
                <th>{t('cold.started')}</th>
                <th>{t('cold.duration')}</th>
                <th class="num">{t('cold.peak')}</th>
                <th>{t('cold.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {v.excursions.map((e) => (
                <tr>
                  <td class="code">
                    <a href={`/cold/excursions/${e.id}`}>{e.location ?? t('cold.zoneSensor')}</a>
                  </td>
                  <td class="time">{t.dateTime(e.startedAt, tz)}</td>
                  <td>
                    <Duration t={t} from={e.startedAt} to={e.endedAt} />
                  </td>
                  <td class="num">{t.celsius(e.peakCelsius)}</td>
                  <td>
                    {e.closedAt ? (
                      <>
                        {e.decisions.map((d) => (
                          <div>
                            {t(`cold.decisionKind.${d.decision}`)} · <span class="code">{d.sku}</span> {d.lot ? `${t('col.lot')} ${d.lot}` : ''} · {d.location} × {t.number(d.quantity)}
                          </div>
                        ))}
                        <small class="muted">
                          {e.closedByName} · {t.dateTime(e.closedAt, tz)}
                          {e.note ? ` · ${e.note}` : ''}
                        </small>
                      </>
                    ) : (
                      <span class="err-text">{t('cold.awaitingDecision')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('cold.readingsAndGaps')}</h2>
      <ReadingsTable t={t} rows={v.entries} timeZone={tz} />
    </Layout>
  );
}

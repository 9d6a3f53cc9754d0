import type { ViewContext } from '../../src/context.ts';
import type { LogEntry, ReadingRow, SlotCell, SlotStockRow } from '../../src/cold/queries.ts';
import type { Translator } from '../../src/i18n/index.ts';
import { Layout } from '../layout.tsx';
import { ClassBadge, Expiry } from '../components/stock-table.tsx';

type ZoneHead = { id: number; code: string; name: string; temperatureClass: string; minCelsius: number | null; maxCelsius: number | null };

export type SlotMapView = { ctx: ViewContext; warehouse: { code: string; name: string; timezone: string }; zone: ZoneHead; cells: SlotCell[]; zoneExcursion: boolean; now: Date; refreshSeconds: number };

const STATES = ['excursion', 'expiring', 'occupied', 'free', 'closed'] as const;

/** The slot map of a zone: a grid per aisle, levels top to bottom, racks and positions across. */
export function SlotMapPage(v: SlotMapView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={`${t('cold.map')} ${v.zone.code}`}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › {v.warehouse.code}
      </p>
      <div class="title-row">
        <h1>
          {t('cold.map')} {v.zone.code} <ClassBadge t={t} value={v.zone.temperatureClass} /> <small class="muted">{t.range(v.zone.minCelsius, v.zone.maxCelsius)}</small>
        </h1>
        <div class="actions">
          <a class="button secondary" href={`/cold/zones/${v.zone.id}/chart`}>
            {t('cold.chart')}
          </a>
          <a class="button secondary" href={`/cold/zones/${v.zone.id}/log`}>
            {t('cold.log')}
          </a>
        </div>
      </div>
      <ul class="map-legend">
        {STATES.map((s) => (
          <li>
            <span class={`swatch slot-${s}`}></span> {t(`cold.slotState.${s}`)}
          </li>
        ))}
      </ul>
      <SlotMapGrid {...v} />
    </Layout>
  );
}

/** The grid alone: it refreshes itself (htmx polling) and swaps itself. */
export function SlotMapGrid(v: SlotMapView) {
  const { t } = v.ctx;
  const aisles = new Map<string, SlotCell[]>();
  const loose: SlotCell[] = [];
  for (const c of v.cells) {
    if (c.aisle && c.level !== null && c.rack !== null && c.position !== null) aisles.set(c.aisle, [...(aisles.get(c.aisle) ?? []), c]);
    else loose.push(c);
  }
  return (
    <div id="slot-map" hx-get={`/cold/zones/${v.zone.id}/map`} hx-trigger={`every ${v.refreshSeconds}s`} hx-swap="outerHTML" data-updated={v.now.toISOString()}>
      <p class="muted">
        {t('cold.updatedAt', { time: t.dateTime(v.now, v.warehouse.timezone) })}
        {v.zoneExcursion && (
          <>
            {' '}
            <strong class="err-text">{t('cold.zoneInExcursion')}</strong>
          </>
        )}
      </p>
      {v.cells.length === 0 && <p class="empty">{t('cold.noSlots')}</p>}
      {[...aisles].map(([aisle, cells]) => {
        const columns = [...new Set(cells.map((c) => `${c.rack}|${c.position}`))].sort((a, b) => {
          const [ra, pa] = a.split('|').map(Number) as [number, number];
          const [rb, pb] = b.split('|').map(Number) as [number, number];
          return ra - rb || pa - pb;
        });
        const levels = [...new Set(cells.map((c) => c.level!))].sort((a, b) => b - a);
        const at = new Map(cells.map((c) => [`${c.level}|${c.rack}|${c.position}`, c]));
        return (
          <section class="aisle">
            <h2>{t('cold.aisleN', { aisle })}</h2>
            <div class="slot-grid" style={`grid-template-columns: 2.2rem repeat(${columns.length}, minmax(var(--slot-min, 6.2rem), 1fr))`} role="grid" aria-label={t('cold.aisleN', { aisle })}>
              <div></div>
              {columns.map((col) => (
                <div class="axis">{col.replace('|', '·')}</div>
              ))}
              {levels.map((level) => (
                <>
                  <div class="axis">{t('cold.levelN', { level })}</div>
                  {columns.map((col) => {
                    const c = at.get(`${level}|${col}`);
                    return c ? <Slot t={t} cell={c} /> : <div class="slot slot-none"></div>;
                  })}
                </>
              ))}
            </div>
          </section>
        );
      })}
      {loose.length > 0 && (
        <section class="aisle">
          <h2>{t('cold.unplaced')}</h2>
          <div class="slot-grid" style="grid-template-columns: repeat(auto-fill, minmax(6.2rem, 1fr))">
            {loose.map((c) => (
              <Slot t={t} cell={c} />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}

function Slot(props: { t: Translator; cell: SlotCell }) {
  const { t, cell: c } = props;
  const fill = c.fill === null ? null : Math.round(c.fill * 100);
  return (
    <a class={`slot slot-${c.state}`} href={`/cold/slots/${c.id}`} data-slot={c.code} data-state={c.state} title={`${c.code}: ${t(`cold.slotState.${c.state}`)}`}>
      <span class="slot-code">{c.code}</span>
      {c.units > 0 ? (
        <>
          <span class="slot-sku">{c.topSku}{c.products > 1 ? ` +${c.products - 1}` : ''}</span>
          <span class="slot-qty">{t.number(c.units)}</span>
          {c.earliestExpiry && <span class="slot-exp">{t.date(c.earliestExpiry)}</span>}
        </>
      ) : (
        <span class="slot-sku muted">{t(`cold.slotState.${c.state === 'closed' ? 'closed' : 'free'}`)}</span>
      )}
      {c.lastCelsius !== null && <span class="slot-temp">{t.celsius(c.lastCelsius)}</span>}
      {fill !== null && (
        <span class="slot-fill" aria-label={t('cold.fill', { pct: fill })}>
          <span style={`width:${fill}%`}></span>
        </span>
      )}
    </a>
  );
}

export type SlotPageView = {
  ctx: ViewContext;
  warehouse: { code: string; timezone: string };
  zone: ZoneHead;
  slot: { id: number; code: string; capacity: number | null; capacityUnit: string; active: boolean };
  stock: SlotStockRow[];
  readings: ReadingRow[];
  openExcursions: { id: number; startedAt: Date; endedAt: Date | null; peakCelsius: number; locationId: number | null }[];
  canDecide: boolean;
};

/** One slot: its stock by lot with expiry, its latest readings, any excursion not yet closed. */
export function SlotPage(v: SlotPageView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={v.slot.code}>
      <p class="crumbs">
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a> › <a href={`/cold/zones/${v.zone.id}/map`}>{v.zone.code}</a>
      </p>
      <div class="title-row">
        <h1>
          <span class="code">{v.slot.code}</span> <ClassBadge t={t} value={v.zone.temperatureClass} /> <small class="muted">{t.range(v.zone.minCelsius, v.zone.maxCelsius)}</small>
        </h1>
        <div class="actions">
          <a class="button" href={`/cold/readings/new?warehouse=${encodeURIComponent(v.warehouse.code)}&target=${encodeURIComponent(v.slot.code)}`}>
            {t('cold.enterReading')}
          </a>
          <a class="button secondary" href={`/cold/zones/${v.zone.id}/chart?slot=${encodeURIComponent(v.slot.code)}`}>
            {t('cold.chart')}
          </a>
          <a class="button secondary" href={`/locations/${v.slot.id}`}>
            {t('cold.ledgerOfSlot')}
          </a>
        </div>
      </div>
      {!v.slot.active && <p class="alert alert-info">{t('cold.slotClosed')}</p>}
      {v.openExcursions.map((e) => (
        <div class="alert alert-error">
          {e.endedAt ? t('cold.excursionEnded', { peak: t.celsius(e.peakCelsius) }) : t('cold.excursionOngoing', { peak: t.celsius(e.peakCelsius), since: t.dateTime(e.startedAt, v.warehouse.timezone) })}{' '}
          <a href={`/cold/excursions/${e.id}`}>{v.canDecide ? t('cold.decide') : t('cold.view')}</a>
        </div>
      ))}
      <h2>{t('cold.stockHere')}</h2>
      {v.stock.length === 0 ? (
        <p class="empty">{t('cold.slotEmpty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>{t('col.sku')}</th>
                <th>{t('col.seller')}</th>
                <th>{t('col.lot')}</th>
                <th>{t('col.expiry')}</th>
                <th class="num">{t('col.onHand')}</th>
                <th class="num">{t('col.reserved')}</th>
              </tr>
            </thead>
            <tbody>
              {v.stock.map((s) => (
                <tr>
                  <td>
                    <span class="code">{s.sku}</span> <small class="muted">{s.name}</small>
                  </td>
                  <td class="code">{s.seller}</td>
                  <td class="code">{s.lot ?? '—'}</td>
                  <td>
                    <Expiry t={t} expiresOn={s.expiresOn} />
                  </td>
                  <td class="num">{t.number(s.onHand)}</td>
                  <td class="num">{t.number(s.reserved)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('cold.latestReadings')}</h2>
      <ReadingsTable t={t} rows={v.readings} timeZone={v.warehouse.timezone} />
    </Layout>
  );
}

/** Readings, newest or oldest first as given; a record's gaps (longer than the interval) between them. */
export function ReadingsTable(props: { t: Translator; rows: (ReadingRow | LogEntry)[]; timeZone: string }) {
  const { t } = props;
  const tz = props.timeZone;
  if (props.rows.length === 0) return <p class="empty">{t('cold.noReadings')}</p>;
  return (
    <div class="table-scroll">
      <table class="grid">
        <thead>
          <tr>
            <th>{t('cold.measuredAt')}</th>
            <th>{t('cold.where')}</th>
            <th class="num">°C</th>
            <th>{t('cold.by')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) =>
            'kind' in r && r.kind === 'gap' ? (
              <tr class="row-gap">
                <td class="time">{t.dateTime(r.from, tz)}</td>
                <td class="code">{r.location ?? t('cold.zoneSensor')}</td>
                <td colspan={2} class="warn-text">
                  {t('cold.gap', { minutes: r.minutes, until: t.dateTime(r.to, tz) })}
                </td>
              </tr>
            ) : (
              <ReadingLine t={t} r={r as ReadingRow} timeZone={tz} />
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function ReadingLine(props: { t: Translator; r: ReadingRow; timeZone: string }) {
  const { t, r } = props;
  return (
    <tr class={r.inRange ? undefined : 'row-out'}>
      <td class="time">{t.dateTime(r.measuredAt, props.timeZone)}</td>
      <td class="code">{r.location ?? t('cold.zoneSensor')}</td>
      <td class="num">
        {t.celsius(r.celsius)} {!r.inRange && <span class="badge cold-excursion">{t('cold.out')}</span>}
      </td>
      <td>
        {r.by ?? '—'} <small class="muted">{t(`cold.source.${r.source}`)}</small>
      </td>
    </tr>
  );
}

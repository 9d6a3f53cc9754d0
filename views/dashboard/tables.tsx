import type { Dashboard } from '../../src/dashboard/queries.ts';
import { intlLocale, type Translator } from '../../src/i18n/index.ts';
import { ClassBadge } from '../components/stock-table.tsx';
import { OrderStatusBadge } from '../outbound/badges.tsx';
import { ExcursionBadge } from '../cold/home-page.tsx';

type Props = { t: Translator; data: Dashboard; multi?: boolean };

const percent = (t: Translator, share: number) => new Intl.NumberFormat(intlLocale[t.locale], { style: 'percent', maximumFractionDigits: 0 }).format(share);

/** Used of capacity, with a bar and the share; a dash when nothing has a capacity. */
function Fill(props: { t: Translator; used: number; capacity: number }) {
  const { t, used, capacity } = props;
  if (capacity === 0) return <span class="muted">—</span>;
  const share = used / capacity;
  return (
    <span class="fill" data-used={String(used)} data-capacity={String(capacity)}>
      <meter min={0} max={1} low={0.75} high={0.9} optimum={0.5} value={Math.min(1, share)}></meter> <strong>{percent(t, share)}</strong>
      <small class="muted">
        {t.number(used)} / {t.number(capacity)}
      </small>
    </span>
  );
}

/** Units per zone (warehouse) and class, with totals per temperature class. */
export function ZoneStockTable({ t, data, multi }: Props) {
  if (data.zones.length === 0) return <p class="empty">{t('dashboard.noZones')}</p>;
  return (
    <div class="table-scroll">
      <table class="grid" data-table="zones">
        <thead>
          <tr>
            {multi && <th>{t('col.warehouse')}</th>}
            <th>{t('cold.zone')}</th>
            <th>{t('col.class')}</th>
            <th class="num">{t('col.onHand')}</th>
            <th class="num">{t('col.reserved')}</th>
            <th class="num">{t('col.available')}</th>
            <th class="num">{t('dashboard.inQuarantine')}</th>
          </tr>
        </thead>
        <tbody>
          {data.zones.map((z) => (
            <tr data-zone={`${z.warehouse}/${z.zone}`} data-on-hand={String(z.onHand)}>
              {multi && <td class="code">{z.warehouse}</td>}
              <td class="code strong" title={z.zoneName}>
                {z.zone}
              </td>
              <td>
                <ClassBadge t={t} value={z.temperatureClass} />
              </td>
              <td class="num">{t.number(z.onHand)}</td>
              <td class="num">{t.number(z.reserved)}</td>
              <td class="num">{t.number(z.available)}</td>
              <td class="num">{t.number(z.quarantined)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {data.classes.map((c) => (
            <tr data-class={c.temperatureClass} data-on-hand={String(c.onHand)}>
              <th colspan={multi ? 3 : 2}>
                <ClassBadge t={t} value={c.temperatureClass} />
              </th>
              <td class="num strong">{t.number(c.onHand)}</td>
              <td class="num">{t.number(c.reserved)}</td>
              <td class="num">{t.number(c.available)}</td>
              <td class="num">{t.number(c.quarantined)}</td>
            </tr>
          ))}
          <tr data-class="total" data-on-hand={String(data.totals.onHand)}>
            <th colspan={multi ? 3 : 2}>{t('dashboard.total')}</th>
            <td class="num strong">{t.number(data.totals.onHand)}</td>
            <td class="num">{t.number(data.totals.reserved)}</td>
            <td class="num">{t.number(data.totals.available)}</td>
            <td class="num">{t.number(data.totals.quarantined)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** Storage, pick and cold locations per zone: occupied, empty, and how full those with a capacity are. */
export function UtilisationTable({ t, data, multi }: Props) {
  const u = data.utilisation;
  return (
    <>
      <ul class="dash-kinds plain">
        {u.kinds.map((k) => (
          <li data-kind={k.kind} data-occupied={String(k.occupied)} data-empty={String(k.empty)}>
            <strong>{t(`kind.${k.kind}`)}</strong> {t('dashboard.occupiedEmpty', { occupied: t.number(k.occupied), empty: t.number(k.empty) })}
          </li>
        ))}
      </ul>
      {u.zones.length === 0 ? (
        <p class="empty">{t('dashboard.noSlots')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid" data-table="utilisation">
            <thead>
              <tr>
                {multi && <th>{t('col.warehouse')}</th>}
                <th>{t('cold.zone')}</th>
                <th class="num">{t('dashboard.locations')}</th>
                <th class="num">{t('dashboard.occupied')}</th>
                <th class="num">{t('dashboard.empty')}</th>
                <th>{t('dashboard.unitFill')}</th>
                <th>{t('dashboard.palletFill')}</th>
              </tr>
            </thead>
            <tbody>
              {u.zones.map((z) => (
                <tr data-zone={`${z.warehouse}/${z.zone}`}>
                  {multi && <td class="code">{z.warehouse}</td>}
                  <td class="code strong">{z.zone}</td>
                  <td class="num">{t.number(z.locations)}</td>
                  <td class="num">{t.number(z.occupied)}</td>
                  <td class="num">{t.number(z.locations - z.occupied)}</td>
                  <td data-fill="units">
                    <Fill t={t} used={z.unitsUsed} capacity={z.unitsCapacity} />
                  </td>
                  <td data-fill="pallets">
                    <Fill t={t} used={z.palletsUsed} capacity={z.palletsCapacity} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function LowStockTable({ t, data, multi }: Props) {
  const low = data.lowStock;
  if (low.rows.length === 0) return <p class="empty">{t('dashboard.noLowStock')}</p>;
  return (
    <>
      <div class="table-scroll">
        <table class="grid" data-table="low-stock">
          <thead>
            <tr>
              {multi && <th>{t('col.warehouse')}</th>}
              <th>{t('col.sku')}</th>
              <th>{t('col.product')}</th>
              <th>{t('col.seller')}</th>
              <th class="num">{t('col.available')}</th>
              <th class="num">{t('dashboard.reorderPoint')}</th>
              <th class="num">{t('col.onHand')}</th>
            </tr>
          </thead>
          <tbody>
            {low.rows.map((r) => (
              <tr data-warehouse={r.warehouse} data-sku={r.sku} data-available={String(r.available)} data-reorder-point={String(r.reorderPoint)} class={r.available <= 0 ? 'row-late' : undefined}>
                {multi && <td class="code">{r.warehouse}</td>}
                <td class="code">
                  <a href={`/products/${r.productId}`}>{r.sku}</a>
                </td>
                <td>{r.name}</td>
                <td class="code">{r.seller}</td>
                <td class="num strong">{t.number(r.available)}</td>
                <td class="num">{t.number(r.reorderPoint)}</td>
                <td class="num">{t.number(r.onHand)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {low.total > low.rows.length && <p class="muted">{t('dashboard.more', { shown: t.number(low.rows.length), total: t.number(low.total) })}</p>}
    </>
  );
}

export function ExpiringTable({ t, data, multi }: Props) {
  const ex = data.expiring;
  if (ex.rows.length === 0) return <p class="empty">{t('dashboard.noExpiring', { n: data.expiringDays })}</p>;
  return (
    <>
      <div class="table-scroll">
        <table class="grid" data-table="expiring">
          <thead>
            <tr>
              {multi && <th>{t('col.warehouse')}</th>}
              <th>{t('col.sku')}</th>
              <th>{t('col.lot')}</th>
              <th>{t('col.expiry')}</th>
              <th class="num">{t('col.onHand')}</th>
              <th class="num">{t('col.reserved')}</th>
            </tr>
          </thead>
          <tbody>
            {ex.rows.map((r) => (
              <tr data-sku={r.sku} data-lot={r.lot ?? ''} data-units={String(r.units)} data-days-left={String(r.daysLeft)}>
                {multi && <td class="code">{r.warehouse}</td>}
                <td>
                  <a class="code" href={`/products/${r.productId}`}>
                    {r.sku}
                  </a>{' '}
                  <small class="muted">{r.name}</small>
                </td>
                <td class="code">{r.lot ?? '—'}</td>
                <td>
                  <span class={r.daysLeft <= 0 ? 'expiry expired' : 'expiry soon'}>
                    {t.date(r.expiresOn)} <span class="tag">{r.daysLeft <= 0 ? t('expiry.expired') : t('dashboard.daysLeft', { n: r.daysLeft })}</span>
                  </span>
                </td>
                <td class="num strong">{t.number(r.units)}</td>
                <td class="num">{t.number(r.reserved)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ex.total > ex.rows.length && <p class="muted">{t('dashboard.more', { shown: t.number(ex.rows.length), total: t.number(ex.total) })}</p>}
    </>
  );
}

/** How long past its ship-by moment an order is: minutes for the first hour, hours for the first two days, then days. */
export function overdue(t: Translator, shipBy: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - shipBy.getTime()) / 60_000));
  if (minutes < 60) return t('dashboard.lateMinutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? t('dashboard.lateHours', { n: hours }) : t('dashboard.lateDays', { n: Math.floor(hours / 24) });
}

export function LateOrdersTable({ t, data, multi }: Props) {
  const late = data.late;
  if (late.rows.length === 0) return <p class="empty">{t('dashboard.noLateOrders')}</p>;
  return (
    <>
      <div class="table-scroll">
        <table class="grid" data-table="late-orders">
          <thead>
            <tr>
              <th>{t('dashboard.order')}</th>
              {multi && <th>{t('col.warehouse')}</th>}
              <th>{t('col.seller')}</th>
              <th>{t('dashboard.status')}</th>
              <th>{t('dashboard.shipBy')}</th>
              <th class="num">{t('dashboard.overdue')}</th>
            </tr>
          </thead>
          <tbody>
            {late.rows.map((o) => (
              <tr data-order={String(o.id)}>
                <td class="code">
                  <a href={`/orders/${o.id}`}>{o.externalId}</a> <small class="muted">{t(`outbound.channel.${o.channel}`)}</small>
                </td>
                {multi && <td class="code">{o.warehouse}</td>}
                <td class="code">{o.seller}</td>
                <td>
                  <OrderStatusBadge t={t} status={o.status} />
                </td>
                <td class="late">{t.dateTime(o.shipBy, o.timezone)}</td>
                <td class="num late">{overdue(t, o.shipBy, data.now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {late.total > late.rows.length && <p class="muted">{t('dashboard.more', { shown: t.number(late.rows.length), total: t.number(late.total) })}</p>}
    </>
  );
}

export function ExcursionsTable({ t, data, multi }: Props) {
  const ex = data.excursions;
  if (ex.rows.length === 0) return <p class="empty">{t('dashboard.noExcursions')}</p>;
  return (
    <>
      <div class="table-scroll">
        <table class="grid" data-table="excursions">
          <thead>
            <tr>
              {multi && <th>{t('col.warehouse')}</th>}
              <th>{t('cold.zone')}</th>
              <th>{t('cold.started')}</th>
              <th class="num">{t('cold.peak')}</th>
              <th>{t('dashboard.range')}</th>
              <th>{t('dashboard.status')}</th>
            </tr>
          </thead>
          <tbody>
            {ex.rows.map((e) => (
              <tr data-excursion={String(e.id)}>
                {multi && <td class="code">{e.warehouse}</td>}
                <td class="code">
                  <a href={`/cold/excursions/${e.id}`}>
                    {e.zone}
                    {e.location && ` · ${e.location}`}
                  </a>
                </td>
                <td>{t.dateTime(e.startedAt, e.timezone)}</td>
                <td class="num err-text">{t.celsius(e.peakCelsius)}</td>
                <td class="code">{t.range(e.minCelsius, e.maxCelsius)}</td>
                <td>
                  <ExcursionBadge t={t} status={e.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ex.total > ex.rows.length && <p class="muted">{t('dashboard.more', { shown: t.number(ex.rows.length), total: t.number(ex.total) })}</p>}
    </>
  );
}

const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Operators down, hours of today across (each warehouse's clock): picks in each cell, units alongside. */
export function PicksTable({ t, data, multi }: Props) {
  const p = data.picks;
  if (p.operators.length === 0) return <p class="empty">{t('dashboard.noPicks')}</p>;
  return (
    <>
      <p class="muted">{multi ? t('dashboard.picksHintAll') : t('dashboard.picksHint')}</p>
      <div class="table-scroll">
        <table class="grid dash-picks" data-table="picks">
          <thead>
            <tr>
              <th>{t('dashboard.operator')}</th>
              {p.hours.map((h) => (
                <th class="num">{hourLabel(h)}</th>
              ))}
              <th class="num">{t('dashboard.picks')}</th>
              <th class="num">{t('dashboard.units')}</th>
            </tr>
          </thead>
          <tbody>
            {p.operators.map((o) => (
              <tr data-operator={o.name} data-picks={String(o.picks)} data-units={String(o.units)}>
                <th scope="row">{o.name}</th>
                {p.hours.map((h) => {
                  const cell = o.byHour[h];
                  return (
                    <td class={cell ? 'num' : 'num muted'} data-hour={String(h)} data-picks={String(cell?.picks ?? 0)} title={cell ? t('dashboard.unitsN', { n: t.number(cell.units) }) : undefined}>
                      {cell ? t.number(cell.picks) : '·'}
                    </td>
                  );
                })}
                <td class="num strong">{t.number(o.picks)}</td>
                <td class="num">{t.number(o.units)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-total="picks" data-picks={String(p.picks)} data-units={String(p.units)}>
              <th scope="row">{t('dashboard.total')}</th>
              {p.hours.map((h) => (
                <td class="num strong" data-hour={String(h)} data-picks={String(p.byHour[h]?.picks ?? 0)}>
                  {t.number(p.byHour[h]?.picks ?? 0)}
                </td>
              ))}
              <td class="num strong">{t.number(p.picks)}</td>
              <td class="num strong">{t.number(p.units)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

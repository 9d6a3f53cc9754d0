import type { ViewContext } from '../../src/context.ts';
import type { WarehouseOverview } from '../../src/inventory/overview.ts';
import { Layout } from '../layout.tsx';
import { ClassBadge } from '../components/stock-table.tsx';

export function WarehousesPage(props: { ctx: ViewContext; warehouses: WarehouseOverview[] }) {
  const { t } = props.ctx;
  const isStaff = props.ctx.user !== null && props.ctx.user.role !== 'seller';
  return (
    <Layout ctx={props.ctx} title={t('warehouses.title')}>
      <h1>{t('warehouses.title')}</h1>
      <div class="cards">
        {props.warehouses.map((w) => (
          <section class="card">
            <h2>
              <a href={`/inventory?warehouse=${w.code}`}>{w.code}</a> <small class="muted">{w.name}</small>
            </h2>
            <p class="muted">
              {w.country} · {w.timezone} · {t('warehouses.localTime')}: {t.dateTime(new Date(), w.timezone)}
            </p>
            {isStaff && (
              <p>
                <a href={`/labels/locations?warehouse=${encodeURIComponent(w.code)}`}>{t('labels.locations.title')}</a>
              </p>
            )}
            <table class="grid stack">
              <thead>
                <tr>
                  <th>{t('location.zone')}</th>
                  <th>{t('col.class')}</th>
                  <th>{t('warehouses.range')}</th>
                  <th class="num">{t('warehouses.locations')}</th>
                  <th class="num">{t('col.onHand')}</th>
                </tr>
              </thead>
              <tbody>
                {w.zones.map((z) => (
                  <tr>
                    <td class="code head" data-label={t('location.zone')}>{z.code}</td>
                    <td class="head" data-label={t('col.class')}>
                      <ClassBadge t={t} value={z.temperatureClass} />
                    </td>
                    <td class="code" data-label={t('warehouses.range')}>{t.range(z.minCelsius, z.maxCelsius)}</td>
                    <td class="num" data-label={t('warehouses.locations')}>{t.number(z.locations)}</td>
                    <td class="num" data-label={t('col.onHand')}>
                      <a href={`/inventory?warehouse=${w.code}&class=${z.temperatureClass}`}>{t.number(z.units)}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Layout>
  );
}

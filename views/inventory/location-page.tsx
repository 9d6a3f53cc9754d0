import type { ViewContext } from '../../src/context.ts';
import type { LedgerRow, LocationDetail, StockRow } from '../../src/inventory/queries.ts';
import { Layout } from '../layout.tsx';
import { LedgerTable } from '../components/ledger-table.tsx';
import { ClassBadge, StockTable } from '../components/stock-table.tsx';

export type LocationView = { ctx: ViewContext; location: LocationDetail; contents: StockRow[]; ledger: LedgerRow[] };

export function LocationPage(v: LocationView) {
  const { t } = v.ctx;
  const l = v.location;
  const units = v.contents.reduce((s, r) => s + r.onHand, 0);
  const isSeller = v.ctx.user?.role === 'seller';
  return (
    <Layout ctx={v.ctx} title={`${l.warehouseCode} ${l.code}`}>
      <p class="crumbs">
        <a href="/inventory">{t('inventory.title')}</a> / <a href={`/inventory?warehouse=${l.warehouseCode}`}>{l.warehouseCode}</a> / {t('location.title')}
      </p>
      <h1>
        {l.code} <small class="muted">{l.warehouseCode} · {l.warehouseName}</small>
      </h1>
      <dl class="facts">
        <div>
          <dt>{t('location.kind')}</dt>
          <dd>{t(`kind.${l.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('location.zone')}</dt>
          <dd>
            {l.zoneCode ?? '—'} <ClassBadge t={t} value={l.temperatureClass} />
            {(l.minCelsius !== null || l.maxCelsius !== null) && <small class="muted"> {t.range(l.minCelsius, l.maxCelsius)}</small>}
          </dd>
        </div>
        <div>
          <dt>{t('location.walkSequence')}</dt>
          <dd>{t.number(l.walkSequence)}</dd>
        </div>
        <div>
          <dt>{t('location.capacity')}</dt>
          <dd>
            {l.capacity ? `${t.number(units)} / ${t.number(l.capacity)}` : t('location.unlimited')}
            {l.capacity ? <meter min={0} max={l.capacity} value={units} high={l.capacity * 0.9}></meter> : null}
          </dd>
        </div>
      </dl>
      <h2>{t('location.contents')}</h2>
      {v.contents.length === 0 ? <p class="empty">{t('location.empty')}</p> : <StockTable t={t} rows={v.contents} columns={isSeller ? ['product', 'lot'] : ['product', 'seller', 'lot']} />}
      <h2>{t('location.recentMoves')}</h2>
      {v.ledger.length === 0 ? <p class="empty">{t('ledger.empty')}</p> : <LedgerTable t={t} rows={v.ledger} staff={v.ctx.user?.role !== 'seller'} />}
    </Layout>
  );
}

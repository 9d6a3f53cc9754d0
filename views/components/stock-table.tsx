import type { Translator } from '../../src/i18n/index.ts';
import type { StockRow } from '../../src/inventory/queries.ts';

export function expiryState(expiresOn: string | null, today = new Date().toISOString().slice(0, 10)): 'expired' | 'soon' | null {
  if (!expiresOn) return null;
  if (expiresOn < today) return 'expired';
  const soon = new Date(Date.parse(today) + 30 * 86_400_000).toISOString().slice(0, 10);
  return expiresOn <= soon ? 'soon' : null;
}

export function Expiry(props: { t: Translator; expiresOn: string | null }) {
  const { t, expiresOn } = props;
  if (!expiresOn) return <span class="muted">—</span>;
  const state = expiryState(expiresOn);
  return (
    <span class={state ? `expiry ${state}` : 'expiry'} title={state ? t(`expiry.${state}`) : undefined}>
      {t.date(expiresOn)}
      {state && <span class="tag">{t(`expiry.${state}`)}</span>}
    </span>
  );
}

export function ClassBadge(props: { t: Translator; value: string | null }) {
  if (!props.value) return <span class="muted">—</span>;
  return <span class={`badge class-${props.value}`}>{props.t(`class.${props.value as 'ambient'}`)}</span>;
}

type Column = 'warehouse' | 'location' | 'product' | 'seller' | 'lot' | 'class';

/** One row per location × product × lot; columns chosen by the page. */
export function StockTable(props: { t: Translator; rows: StockRow[]; columns: Column[]; caption?: string }) {
  const { t, rows } = props;
  const has = (c: Column) => props.columns.includes(c);
  return (
    <div class="table-scroll">
    <table class="grid stack">
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {has('warehouse') && <th>{t('col.warehouse')}</th>}
          {has('location') && <th>{t('col.location')}</th>}
          {has('class') && <th>{t('col.class')}</th>}
          {has('product') && <th>{t('col.sku')}</th>}
          {has('product') && <th>{t('col.product')}</th>}
          {has('seller') && <th>{t('col.seller')}</th>}
          {has('lot') && <th>{t('col.lot')}</th>}
          <th>{t('col.expiry')}</th>
          <th class="num">{t('col.onHand')}</th>
          <th class="num">{t('col.reserved')}</th>
          <th class="num">{t('col.available')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {has('warehouse') && <td class="code head" data-label={t('col.warehouse')}>{r.warehouseCode}</td>}
            {has('location') && (
              <td class="code head" data-label={t('col.location')}>
                {r.locationKind === 'transit' ? (
                  <span>
                    {r.locationCode} <span class="tag">{t('kind.transit')}</span>
                  </span>
                ) : (
                  <a href={`/locations/${r.locationId}`}>{r.locationCode}</a>
                )}
              </td>
            )}
            {has('class') && (
              <td class="head" data-label={t('col.class')}>
                <ClassBadge t={t} value={r.temperatureClass} />
              </td>
            )}
            {has('product') && (
              <td class="code head" data-label={t('col.sku')}>
                <a href={`/products/${r.productId}`}>{r.sku}</a>
              </td>
            )}
            {has('product') && <td class="name" data-label={t('col.product')}>{r.productName}</td>}
            {has('seller') && <td class="code" data-label={t('col.seller')}>{r.sellerCode}</td>}
            {has('lot') && <td class={r.lotCode ? 'code' : 'code blank'} data-label={t('col.lot')}>{r.lotCode || <span class="muted">—</span>}</td>}
            <td class={r.expiresOn ? 'code' : 'code blank'} data-label={t('col.expiry')}>
              <Expiry t={t} expiresOn={r.expiresOn} />
            </td>
            <td class="num" data-label={t('col.onHand')}>
              {t.number(r.onHand)}
            </td>
            <td class="num" data-label={t('col.reserved')}>
              {t.number(r.reserved)}
            </td>
            <td class="num strong" data-label={t('col.available')}>
              {t.number(r.available)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

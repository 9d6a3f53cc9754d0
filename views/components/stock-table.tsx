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

/**
 * The row layout of a tablet (see app.css, `table.stock`): each row is two lines, the location
 * (or the temperature class) under its warehouse, the product's name under its SKU, the expiry
 * under the lot; the seller and the quantities span both lines, and the quantities keep their
 * columns at the right edge in view.
 */
function tabletGrid(has: (c: Column) => boolean): string {
  const cols: { area: string; under?: string; width: string }[] = [];
  const place = (['warehouse', 'location', 'class'] as const).filter(has).map((c) => ({ warehouse: 'wh', location: 'loc', class: 'cls' })[c]);
  const placeWidth = has('location') ? 'minmax(6rem, 0.7fr)' : '6.6rem';
  if (place.length >= 2) cols.push({ area: place[0]!, under: place[1]!, width: placeWidth });
  if (place.length === 1 || place.length === 3) cols.push({ area: place[place.length - 1]!, width: place.length === 3 ? '6.6rem' : placeWidth });
  if (has('product')) cols.push({ area: 'sku', under: 'name', width: 'minmax(6rem, 1.4fr)' });
  if (has('seller')) cols.push({ area: 'sel', width: 'minmax(0, 1fr)' });
  if (has('lot')) cols.push({ area: 'lot', under: 'exp', width: '7.2rem' });
  else cols.push({ area: 'exp', width: '7.2rem' });
  cols.push({ area: 'oh', width: '5.4rem' }, { area: 'res', width: '5.4rem' }, { area: 'av', width: '5.4rem' });
  const areas = `"${cols.map((c) => c.area).join(' ')}" "${cols.map((c) => c.under ?? c.area).join(' ')}"`;
  return `--stock-cols: ${cols.map((c) => c.width).join(' ')}; --stock-areas: ${areas}`;
}

/** One row per location × product × lot; columns chosen by the page. */
export function StockTable(props: { t: Translator; rows: StockRow[]; columns: Column[]; caption?: string }) {
  const { t, rows } = props;
  const has = (c: Column) => props.columns.includes(c);
  return (
    <div class="table-scroll">
    <table class="grid stack stock" style={tabletGrid(has)}>
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {has('warehouse') && <th class="s-wh">{t('col.warehouse')}</th>}
          {has('location') && <th class="s-loc">{t('col.location')}</th>}
          {has('class') && <th class="s-cls">{t('col.class')}</th>}
          {has('product') && <th class="s-sku">{t('col.sku')}</th>}
          {has('product') && <th class="s-name">{t('col.product')}</th>}
          {has('seller') && <th class="s-sel">{t('col.seller')}</th>}
          {has('lot') && <th class="s-lot">{t('col.lot')}</th>}
          <th class="s-exp">{t('col.expiry')}</th>
          <th class="num s-oh">{t('col.onHand')}</th>
          <th class="num s-res">{t('col.reserved')}</th>
          <th class="num s-av">{t('col.available')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {has('warehouse') && <td class="code head s-wh" data-label={t('col.warehouse')}>{r.warehouseCode}</td>}
            {has('location') && (
              <td class="code head s-loc" data-label={t('col.location')}>
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
              <td class="head s-cls" data-label={t('col.class')}>
                <ClassBadge t={t} value={r.temperatureClass} />
              </td>
            )}
            {has('product') && (
              <td class="code head s-sku" data-label={t('col.sku')}>
                <a href={`/products/${r.productId}`}>{r.sku}</a>
              </td>
            )}
            {has('product') && <td class="name s-name" data-label={t('col.product')}>{r.productName}</td>}
            {has('seller') && <td class="code s-sel" data-label={t('col.seller')}>{r.sellerCode}</td>}
            {has('lot') && <td class={r.lotCode ? 'code s-lot' : 'code blank s-lot'} data-label={t('col.lot')}>{r.lotCode || <span class="muted">—</span>}</td>}
            <td class={r.expiresOn ? 'code s-exp' : 'code blank s-exp'} data-label={t('col.expiry')}>
              <Expiry t={t} expiresOn={r.expiresOn} />
            </td>
            <td class="num s-oh" data-label={t('col.onHand')}>
              {t.number(r.onHand)}
            </td>
            <td class="num s-res" data-label={t('col.reserved')}>
              {t.number(r.reserved)}
            </td>
            <td class="num strong s-av" data-label={t('col.available')}>
              {t.number(r.available)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

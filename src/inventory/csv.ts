import { spreadsheetCsv } from '../http/csv.ts';
import type { Translator } from '../i18n/index.ts';
import type { StockRow } from './queries.ts';

/**
 * The inventory view as CSV: headers and the temperature class in the user's language (as the
 * page names them), as a spreadsheet in that language opens it (spreadsheetCsv).
 */
export function stockCsv(t: Translator, rows: StockRow[], byProduct: boolean): string {
  const cls = (c: StockRow['temperatureClass']) => (c ? t(`class.${c as 'ambient'}`) : '');
  const header = byProduct
    ? [t('col.warehouse'), t('col.class'), t('col.seller'), t('col.sku'), t('col.product'), t('col.expiry'), t('col.onHand'), t('col.reserved'), t('col.available')]
    : [t('col.warehouse'), t('location.zone'), t('col.class'), t('col.location'), t('col.seller'), t('col.sku'), t('col.product'), t('col.lot'), t('col.expiry'), t('col.onHand'), t('col.reserved'), t('col.available')];
  const body = rows.map((r) =>
    byProduct
      ? [r.warehouseCode, cls(r.temperatureClass), r.sellerCode, r.sku, r.productName, r.expiresOn ?? '', r.onHand, r.reserved, r.available]
      : [r.warehouseCode, r.zoneCode ?? '', cls(r.temperatureClass), r.locationCode, r.sellerCode, r.sku, r.productName, r.lotCode ?? '', r.expiresOn ?? '', r.onHand, r.reserved, r.available],
  );
  return spreadsheetCsv(t.locale, [header, ...body]);
}

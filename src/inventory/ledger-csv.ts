import type { Translator } from '../i18n/index.ts';
import { spreadsheetCsv } from '../http/csv.ts';
import { instantToWallClock } from '../inbound/temperature.ts';
import type { LedgerRow } from './queries.ts';

/** The most ledger entries one CSV holds; a narrower filter (dates, warehouse) exports the rest. */
export const LEDGER_CSV_MAX = 100_000;
/** Entries read and sent at a time. */
export const LEDGER_CSV_PAGE = 2_000;

const place = (t: Translator, code: string, kind: string) => (['supplier', 'customer', 'adjustment'].includes(kind) ? t(`kind.${kind as 'supplier'}`) : code);

/**
 * The ledger as CSV, newest first, one row per entry: the moment in UTC (RFC 3339) and on the
 * warehouse's clock, what moved where and why, and the document; headers in the user's
 * language. Written in parts (the header, then a page of entries at a time), so a long export
 * never holds the whole file in memory.
 */
export function ledgerCsvHeader(t: Translator): string {
  const header = [
    '#',
    t('cold.csv.at'),
    t('cold.csv.local'),
    t('col.warehouse'),
    t('col.seller'),
    t('col.sku'),
    t('col.product'),
    t('col.lot'),
    t('col.expiry'),
    t('col.quantity'),
    t('col.from'),
    t('col.to'),
    t('col.reason'),
    t('col.document'),
    t('col.actor'),
  ];
  return spreadsheetCsv(t.locale, [header]);
}

/** Ledger entries as CSV rows, to follow `ledgerCsvHeader`. */
export function ledgerCsvRows(t: Translator, rows: LedgerRow[]): string {
  if (rows.length === 0) return '';
  const body = rows.map((r) => [
    r.id,
    r.at.toISOString(),
    instantToWallClock(r.at, r.timezone).replace('T', ' '),
    r.warehouseCode,
    r.sellerCode,
    r.sku,
    r.productName,
    r.lotCode ?? '',
    r.expiresOn ?? '',
    r.quantity,
    place(t, r.fromCode, r.fromKind),
    place(t, r.toCode, r.toKind),
    t(`reason.${r.reason as 'receipt'}`) + (r.adjustmentReason ? ` · ${t(`adjustments.reason.${r.adjustmentReason as 'damaged'}`)}` : ''),
    r.documentType ? `${t.optional(`doc.${r.documentType}`, r.documentType)} ${r.documentId ?? ''}`.trim() : '',
    r.actor ?? '',
  ]);
  return spreadsheetCsv(t.locale, body, { bom: false });
}

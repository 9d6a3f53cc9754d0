import { stringify } from 'csv-stringify/sync';
import type { Translator } from '../i18n/index.ts';
import type { ShipmentDetail } from './queries.ts';

type Lot = { lineNo: number; lot: string | null; expiry: string | null; condition: string; quarantineReason: string | null; quantity: number };

/** The receiving report as CSV: one row per line and received lot, headers in the user's language. */
export function reportCsv(t: Translator, s: ShipmentDetail, lots: Lot[]): string {
  const header = [
    t('inbound.col.reference'),
    '#',
    t('col.sku'),
    t('col.product'),
    t('inbound.col.expected'),
    t('inbound.col.received'),
    t('inbound.col.damaged'),
    t('inbound.col.short'),
    t('inbound.col.over'),
    t('col.lot'),
    t('col.expiry'),
    t('inbound.lotQuantity'),
    t('inbound.condition'),
    t('inbound.col.remarks'),
  ];
  const rows: (string | number)[][] = [];
  for (const l of s.lines) {
    const remarks = [
      l.unexpected ? t('inbound.notOnAsn') : '',
      l.decision ? t(`inbound.decision.${l.decision as 'accepted'}`) : '',
      l.quarantineReason ? `${t(`inbound.quarantine.${l.quarantineReason as 'temperature'}`)}${l.quarantineNote ? `: ${l.quarantineNote}` : ''}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const mine = lots.filter((x) => x.lineNo === l.lineNo);
    const base = [s.reference, l.lineNo, l.sku, l.name, l.expected, l.received, l.damaged, l.short, l.over];
    if (mine.length === 0) rows.push([...base, l.lotCode ?? '', l.expiresOn ?? '', 0, '', remarks]);
    for (const x of mine) rows.push([...base, x.lot ?? '', x.expiry ?? '', x.quantity, t(`inbound.condition.${x.condition as 'good'}`), remarks]);
  }
  return '\uFEFF' + stringify([header, ...rows], { eof: true, escape_formulas: true });
}

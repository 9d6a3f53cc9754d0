import { spreadsheetCsv } from '../http/csv.ts';
import type { Translator } from '../i18n/index.ts';
import type { ShipmentDetail } from './queries.ts';
import { hasArrived } from './status.ts';

type Lot = { lineNo: number; lot: string | null; expiry: string | null; condition: string; quarantineReason: string | null; quantity: number };

/**
 * The receiving report as CSV: one row per ASN line (so the columns add up), with the lots that
 * came as one cell ("L0917 2028-04-30 × 24; …"); headers in the user's language.
 */
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
    t('inbound.expectedLot'),
    t('inbound.receivedLots'),
    t('inbound.col.remarks'),
  ];
  // Before arrival nothing is short yet: the cell stays empty.
  const arrived = hasArrived(s.status);
  const rows = s.lines.map((l) => {
    const remarks = [
      l.unexpected ? t('inbound.notOnAsn') : '',
      l.decision ? t(`inbound.decision.${l.decision as 'accepted'}`) : '',
      l.quarantineReason ? `${t(`inbound.quarantine.${l.quarantineReason as 'temperature'}`)}${l.quarantineNote ? `: ${l.quarantineNote}` : ''}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const received = lots
      .filter((x) => x.lineNo === l.lineNo)
      .map((x) => `${[x.lot, x.expiry].filter(Boolean).join(' ')} × ${x.quantity}${x.condition === 'damaged' ? ` (${t('inbound.condition.damaged')})` : ''}`.trim())
      .join('; ');
    return [s.reference, l.lineNo, l.sku, l.name, l.expected, l.received, l.damaged, arrived ? l.short : '', l.over, [l.lotCode, l.expiresOn].filter(Boolean).join(' '), received, remarks];
  });
  return spreadsheetCsv(t.locale, [header, ...rows]);
}

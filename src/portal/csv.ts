import { spreadsheetCsv } from '../http/csv.ts';
import type { Translator } from '../i18n/index.ts';
import { instantToWallClock } from '../inbound/temperature.ts';
import type { PortalOrder, PortalShipment, ProductFigures } from './queries.ts';


/** A moment on the warehouse's clock, as a spreadsheet reads it: 2026-03-01 14:30. */
const local = (at: Date | null, timeZone: string) => (at ? instantToWallClock(at, timeZone).replace('T', ' ') : '');

/** The portal's stock table: one row per product, the figures of the filtered view. */
export function portalStockCsv(t: Translator, rows: ProductFigures[], days: number): string {
  const header = [t('col.sku'), t('col.product'), t('col.available'), t('portal.col.reserved'), t('col.inTransit'), t('portal.col.quarantined'), t('portal.col.expiring', { days })];
  return spreadsheetCsv(t.locale, [header, ...rows.map((r) => [r.sku, r.name, r.available, r.reserved, r.inTransit, r.quarantined, r.expiring])]);
}

/** The seller's ASNs with their line totals; times on the warehouse's clock. */
export function portalShipmentsCsv(t: Translator, rows: PortalShipment[]): string {
  const header = [
    t('inbound.col.reference'),
    t('inbound.col.status'),
    t('col.warehouse'),
    t('inbound.col.eta'),
    t('portal.col.arrived'),
    t('inbound.col.transport'),
    t('inbound.col.lines'),
    t('inbound.col.expected'),
    t('inbound.col.received'),
    t('inbound.col.damaged'),
    t('inbound.col.short'),
    t('inbound.col.over'),
  ];
  return spreadsheetCsv(t.locale, [
    header,
    ...rows.map((r) => [r.reference, t(`inbound.status.${r.status}`), r.warehouseCode, r.eta ?? '', local(r.arrivedAt, r.timezone), t.optional(`inbound.mode.${r.transportMode}`, r.transportMode), r.lines, r.expected, r.received, r.damaged, r.short, r.over]),
  ]);
}

/** The seller's orders with their unit totals; times on the warehouse's clock. */
export function portalOrdersCsv(t: Translator, rows: PortalOrder[]): string {
  const header = [
    t('outbound.col.order'),
    t('inbound.col.status'),
    t('col.warehouse'),
    t('outbound.col.channel'),
    t('portal.col.created'),
    t('outbound.col.shipBy'),
    t('portal.col.shipped'),
    t('outbound.col.units'),
    t('outbound.col.picked'),
    t('portal.col.short'),
    t('portal.col.carrier'),
    t('portal.col.tracking'),
  ];
  return spreadsheetCsv(t.locale, [
    header,
    ...rows.map((r) => [
      r.externalId,
      t(`outbound.status.${r.status}`),
      r.warehouseCode,
      t.optional(`outbound.channel.${r.channel}`, r.channel),
      local(r.createdAt, r.timezone),
      local(r.shipBy, r.timezone),
      local(r.shippedAt, r.timezone),
      r.units,
      r.picked,
      r.short,
      r.carrier ?? '',
      r.trackingNumber ?? '',
    ]),
  ]);
}

import type { ViewContext } from '../../src/context.ts';
import type { ShipmentDetail } from '../../src/inbound/queries.ts';
import { CODE128_MAX_LENGTH, labelFormats, type LabelFormat } from '../../src/barcodes/labels.ts';
import { Layout } from '../layout.tsx';
import { Alert } from '../components/forms.tsx';
import { LabelSheet, type LabelData } from '../labels/label-sheet.tsx';

/** Whether Code 128 can carry a reference (printable ASCII, not too long for a label). */
export const encodable = (code: string) => code.length <= CODE128_MAX_LENGTH && /^[\x20-\x7e]+$/.test(code);

/**
 * ASN labels for the pallets of a shipment: the reference as Code 128 (scanned on the receiving
 * screen to open the ASN), the seller, the warehouse and ETA, and "pallet n of N".
 */
export function AsnLabelPage(props: { ctx: ViewContext; shipment: ShipmentDetail; format: LabelFormat; copies: number }) {
  const { t } = props.ctx;
  const s = props.shipment;
  const announced = s.lines.filter((l) => !l.unexpected);
  const units = announced.reduce((n, l) => n + l.expected, 0);
  const labels: LabelData[] = encodable(s.reference)
    ? Array.from({ length: props.copies }, (_, i) => ({
        code: s.reference,
        title: `${s.sellerCode} → ${s.warehouseCode}`,
        lines: [
          [s.eta ? `${t('inbound.col.eta')} ${t.date(s.eta)}` : '', ].filter(Boolean).join(' · '),
          t('inbound.labelUnits', { lines: announced.length, units: t.number(units) }),
          props.copies > 1 ? t('inbound.palletOf', { n: i + 1, total: props.copies }) : t(`inbound.mode.${s.transportMode}`),
        ],
      }))
    : [];
  return (
    <Layout ctx={props.ctx} title={`${t('inbound.printLabel')} ${s.reference}`}>
      <div class="no-print">
        <p class="crumbs">
          <a href="/inbound">{t('inbound.title')}</a> / <a href={`/inbound/${s.id}`}>{s.reference}</a> / {t('inbound.printLabel')}
        </p>
        <h1>{t('inbound.printLabel')}</h1>
        <form class="filters" method="get" action={`/inbound/${s.id}/label`}>
          <div class="more-fields">
            <div class="field">
              <label for="f-format">{t('inbound.labelFormat')}</label>
              <select id="f-format" name="format">
                {labelFormats.map((f) => (
                  <option value={f} selected={f === props.format}>
                    {t(`inbound.labelFormat.${f}`)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-copies">{t('inbound.labelCopies')}</label>
              <input id="f-copies" name="copies" type="number" min={1} max={100} value={String(props.copies)} inputmode="numeric" />
            </div>
          </div>
          <div class="form-actions">
            <button type="submit" class="secondary">
              {t('inbound.labelShow')}
            </button>
            <button type="button" onclick="window.print()">
              {t('inbound.print')}
            </button>
          </div>
        </form>
        {labels.length === 0 && <Alert kind="error">{t('inbound.referenceNotPrintable')}</Alert>}
      </div>
      {labels.length > 0 && <LabelSheet labels={labels} format={props.format} />}
    </Layout>
  );
}

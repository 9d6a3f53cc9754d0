import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import { transportModes } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export type LineValues = { sku: string; quantity: string; lot: string; expiry: string };
export type ShipmentFormValues = {
  warehouse?: string;
  seller?: string;
  reference?: string;
  eta?: string;
  mode?: string;
  tir_carnet?: string;
  vehicle_plate?: string;
  trailer_plate?: string;
  container?: string;
  seals?: string;
  note?: string;
  lines: LineValues[];
};

export type ShipmentFormView = {
  ctx: ViewContext;
  /** Set when editing an existing ASN. */
  shipmentId?: number;
  reference?: string;
  warehouses: Warehouse[];
  sellers: { code: string; name: string }[];
  values: ShipmentFormValues;
  errors: FieldErrors;
  formError?: string | undefined;
  rows: number;
};

/** Create or edit an ASN: header, transport and expected lines (blank rows are ignored). */
export function ShipmentFormPage(v: ShipmentFormView) {
  const { t } = v.ctx;
  const title = v.shipmentId ? t('inbound.editTitle', { reference: v.reference ?? '' }) : t('inbound.new');
  const val = v.values;
  const e = v.errors;
  const isSeller = v.ctx.user?.role === 'seller';
  const action = v.shipmentId ? `/inbound/${v.shipmentId}` : '/inbound';
  const colKey = { sku: 'col.sku', quantity: 'col.quantity', lot: 'col.lot', expiry: 'col.expiry' } as const;
  const rows = Array.from({ length: v.rows }, (_, i) => val.lines[i] ?? { sku: '', quantity: '', lot: '', expiry: '' });
  const input = (name: keyof ShipmentFormValues, extra: Record<string, unknown> = {}) => (
    <input id={`f-${name}`} name={name} value={(val[name] as string | undefined) ?? ''} aria-invalid={e[name] ? 'true' : undefined} autocomplete="off" {...extra} />
  );
  return (
    <Layout ctx={v.ctx} title={title}>
      <p class="crumbs">
        <a href="/inbound">{t('inbound.title')}</a> / {title}
      </p>
      <h1>{title}</h1>
      <form class="stacked asn-form" method="post" action={action}>
        <CsrfField token={v.ctx.csrfToken} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <fieldset>
          <legend>{t('inbound.section.shipment')}</legend>
          <div class="form-grid">
            <Field label={t('inbound.col.reference')} name="reference" error={e.reference} hint={t('inbound.referenceHint')}>
              {input('reference', { required: true, maxlength: 40, autofocus: !v.shipmentId })}
            </Field>
            <Field label={t('col.warehouse')} name="warehouse" error={e.warehouse}>
              <Select name="warehouse" value={val.warehouse} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
            </Field>
            {!isSeller && (
              <Field label={t('col.seller')} name="seller" error={e.seller}>
                <Select name="seller" value={val.seller} empty="" options={v.sellers.map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }))} />
              </Field>
            )}
            <Field label={t('inbound.col.eta')} name="eta" error={e.eta}>
              {input('eta', { type: 'date' })}
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('inbound.section.transport')}</legend>
          <div class="form-grid">
            <Field label={t('inbound.col.transport')} name="mode" error={e['transport.mode']}>
              <Select name="mode" value={val.mode ?? 'road_tir'} options={transportModes.map((m) => ({ value: m, label: t(`inbound.mode.${m}`) }))} />
            </Field>
            <Field label={t('inbound.tirCarnet')} name="tir_carnet" error={e['transport.tir_carnet']}>
              {input('tir_carnet', { maxlength: 40 })}
            </Field>
            <Field label={t('inbound.vehiclePlate')} name="vehicle_plate" error={e['transport.vehicle_plate']}>
              {input('vehicle_plate', { maxlength: 20 })}
            </Field>
            <Field label={t('inbound.trailerPlate')} name="trailer_plate" error={e['transport.trailer_plate']}>
              {input('trailer_plate', { maxlength: 20 })}
            </Field>
            <Field label={t('inbound.container')} name="container" error={e['transport.container']}>
              {input('container', { maxlength: 20 })}
            </Field>
            <Field label={t('inbound.seals')} name="seals" error={e['transport.seals'] ?? Object.entries(e).find(([k]) => k.startsWith('transport.seals.'))?.[1]} hint={t('inbound.sealsHint')}>
              {input('seals')}
            </Field>
          </div>
          <Field label={t('inbound.note')} name="note" error={e.note}>
            {input('note', { maxlength: 500 })}
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('inbound.section.lines')}</legend>
          {e.lines && <p class="error-text" role="alert">{e.lines}</p>}
          <table class="grid lines-input">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('col.sku')}</th>
                <th class="num">{t('col.quantity')}</th>
                <th>{t('col.lot')}</th>
                <th>{t('col.expiry')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l, i) => {
                const err = (f: string) => e[`lines.${i}.${f}`];
                const cell = (f: keyof LineValues, extra: Record<string, unknown> = {}) => (
                  <td class={err(f) ? 'invalid' : undefined}>
                    <input name={`line_${f}`} value={l[f]} placeholder={f === 'expiry' ? undefined : t(colKey[f])} aria-label={`${t(colKey[f])} ${i + 1}`} aria-invalid={err(f) ? 'true' : undefined} autocomplete="off" {...extra} />
                    {err(f) && <small class="error">{err(f)}</small>}
                  </td>
                );
                return (
                  <tr>
                    <td class="muted">{i + 1}</td>
                    {cell('sku', { maxlength: 80 })}
                    {cell('quantity', { inputmode: 'numeric', class: 'qty' })}
                    {cell('lot', { maxlength: 40 })}
                    {cell('expiry', { type: 'date' })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="submit" class="secondary" name="rows" value={String(v.rows + 5)} formnovalidate>
            {t('inbound.moreRows')}
          </button>
        </fieldset>
        <div class="form-actions">
          {!v.shipmentId && (
            <button type="submit" class="secondary" name="intent" value="draft">
              {t('inbound.saveDraft')}
            </button>
          )}
          <button type="submit" name="intent" value="submit">
            {v.shipmentId ? t('inbound.save') : t('inbound.submit')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import { transportModes } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export type TransferFormValues = {
  from_warehouse?: string;
  to_warehouse?: string;
  mode?: string;
  tir_carnet?: string;
  vehicle_plate?: string;
  trailer_plate?: string;
  container?: string;
  seals?: string;
  reefer?: boolean;
  eta?: string;
  note?: string;
  lines: { sku: string; seller: string; lot: string; quantity: string }[];
};

/** A new transfer: route, transport (reefer for cold goods) and lines; blank rows are ignored. */
export function TransferFormPage(v: { ctx: ViewContext; from: Warehouse[]; to: Warehouse[]; values: TransferFormValues; errors: FieldErrors; formError?: string | undefined; rows: number }) {
  const { t } = v.ctx;
  const val = v.values;
  const whOptions = (list: Warehouse[]) => list.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }));
  const rows = Array.from({ length: v.rows }, (_, i) => val.lines[i] ?? { sku: '', seller: '', lot: '', quantity: '' });
  return (
    <Layout ctx={v.ctx} title={t('transfers.new')}>
      <p class="crumbs">
        <a href="/transfers">{t('transfers.title')}</a>
      </p>
      <h1>{t('transfers.new')}</h1>
      <form method="post" action="/transfers" class="stacked">
        <CsrfField token={v.ctx.csrfToken} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <div class="more-fields">
          <Field label={t('transfers.from')} name="from_warehouse" error={v.errors.from_warehouse}>
            <Select name="from_warehouse" value={val.from_warehouse} options={whOptions(v.from)} />
          </Field>
          <Field label={t('transfers.to')} name="to_warehouse" error={v.errors.to_warehouse}>
            <Select name="to_warehouse" value={val.to_warehouse} options={whOptions(v.to)} empty="" />
          </Field>
          <Field label={t('transfers.mode')} name="mode" error={v.errors['transport.mode']}>
            <Select name="mode" value={val.mode ?? 'road_tir'} options={transportModes.map((m) => ({ value: m, label: t(`inbound.mode.${m}`) }))} />
          </Field>
          <Field label={t('inbound.col.eta')} name="eta" error={v.errors.eta}>
            <input id="f-eta" name="eta" type="date" value={val.eta ?? ''} />
          </Field>
          <Field label={t('inbound.tirCarnet')} name="tir_carnet" error={v.errors['transport.tir_carnet']}>
            <input id="f-tir_carnet" name="tir_carnet" value={val.tir_carnet ?? ''} maxlength={40} />
          </Field>
          <Field label={t('inbound.vehiclePlate')} name="vehicle_plate" error={v.errors['transport.vehicle_plate']}>
            <input id="f-vehicle_plate" name="vehicle_plate" value={val.vehicle_plate ?? ''} maxlength={20} />
          </Field>
          <Field label={t('inbound.trailerPlate')} name="trailer_plate" error={v.errors['transport.trailer_plate']}>
            <input id="f-trailer_plate" name="trailer_plate" value={val.trailer_plate ?? ''} maxlength={20} />
          </Field>
          <Field label={t('inbound.container')} name="container" error={v.errors['transport.container']}>
            <input id="f-container" name="container" value={val.container ?? ''} maxlength={20} />
          </Field>
          <Field label={t('transfers.seals')} name="seals" error={v.errors['transport.seals']}>
            <input id="f-seals" name="seals" value={val.seals ?? ''} />
          </Field>
        </div>
        <label class="check">
          <input type="checkbox" name="reefer" checked={Boolean(val.reefer)} style="width:auto;min-height:0" /> {t('transfers.reeferHint')}
        </label>
        <h2>{t('transfers.lines')}</h2>
        <div class="table-scroll">
          <table class="grid lines-input">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('col.sku')}</th>
                <th>{t('col.quantity')}</th>
                <th>{t('col.seller')}</th>
                <th>{t('col.lot')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l, i) => {
                const e = (f: string) => v.errors[`lines.${i}.${f}`];
                return (
                  <tr>
                    <td class="muted">{i + 1}</td>
                    <td class={e('sku') ? 'invalid' : undefined}>
                      <input name="line_sku" value={l.sku} placeholder={t('col.sku')} aria-label={`${t('col.sku')} ${i + 1}`} />
                      {e('sku') && <small class="error">{e('sku')}</small>}
                    </td>
                    <td class={e('quantity') ? 'invalid' : undefined}>
                      <input name="line_quantity" value={l.quantity} inputmode="numeric" class="qty" placeholder={t('col.quantity')} aria-label={`${t('col.quantity')} ${i + 1}`} />
                      {e('quantity') && <small class="error">{e('quantity')}</small>}
                    </td>
                    <td>
                      <input name="line_seller" value={l.seller} placeholder={t('col.seller')} aria-label={`${t('col.seller')} ${i + 1}`} />
                    </td>
                    <td class={e('lot') ? 'invalid' : undefined}>
                      <input name="line_lot" value={l.lot} placeholder={t('col.lot')} aria-label={`${t('col.lot')} ${i + 1}`} />
                      {e('lot') && <small class="error">{e('lot')}</small>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <Field label={t('transfers.note')} name="note" error={v.errors.note}>
          <input id="f-note" name="note" value={val.note ?? ''} maxlength={500} />
        </Field>
        <div class="form-actions">
          <button type="submit" class="big">
            {t('transfers.create')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

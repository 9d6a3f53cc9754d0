import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export type OrderFormValues = { warehouse?: string; seller?: string; external_id?: string; ship_by?: string; note?: string; lines: { sku: string; quantity: string }[] };
export type OrderFormView = { ctx: ViewContext; warehouses: Warehouse[]; sellers: { code: string; name: string }[]; values: OrderFormValues; errors: FieldErrors; formError?: string | undefined; rows: number };

/** An order by hand: warehouse, seller, the marketplace's order number, ship-by, lines. */
export function OrderFormPage(v: OrderFormView) {
  const { t } = v.ctx;
  const e = v.errors;
  const val = v.values;
  const rows = Array.from({ length: v.rows }, (_, i) => val.lines[i] ?? { sku: '', quantity: '' });
  return (
    <Layout ctx={v.ctx} title={t('outbound.newOrder')}>
      <p class="crumbs">
        <a href="/orders">{t('outbound.title')}</a> / {t('outbound.newOrder')}
      </p>
      <h1>{t('outbound.newOrder')}</h1>
      <form class="stacked" method="post" action="/orders">
        <CsrfField token={v.ctx.csrfToken} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <div class="form-grid">
          <Field label={t('outbound.col.order')} name="external_id" error={e.external_id} hint={t('outbound.externalIdHint')}>
            <input id="f-external_id" name="external_id" value={val.external_id ?? ''} required maxlength={80} autocomplete="off" autofocus aria-invalid={e.external_id ? 'true' : undefined} />
          </Field>
          <Field label={t('col.warehouse')} name="warehouse" error={e.warehouse}>
            <Select name="warehouse" value={val.warehouse} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
          </Field>
          {v.ctx.user?.role !== 'seller' && (
            <Field label={t('col.seller')} name="seller" error={e.seller}>
              <Select name="seller" value={val.seller} empty="" options={v.sellers.map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }))} />
            </Field>
          )}
          <Field label={t('outbound.col.shipBy')} name="ship_by" error={e.ship_by}>
            <input id="f-ship_by" name="ship_by" type="date" value={val.ship_by ?? ''} aria-invalid={e.ship_by ? 'true' : undefined} />
          </Field>
        </div>
        <Field label={t('inbound.note')} name="note" error={e.note}>
          <input id="f-note" name="note" value={val.note ?? ''} maxlength={500} />
        </Field>
        <fieldset>
          <legend>{t('outbound.lines')}</legend>
          {e.lines && <p class="error-text">{e.lines}</p>}
          <table class="grid lines-input">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('outbound.skuOrBarcode')}</th>
                <th class="num">{t('col.quantity')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l, i) => (
                <tr>
                  <td class="muted">{i + 1}</td>
                  <td class={e[`lines.${i}.sku`] ? 'invalid' : undefined}>
                    <input name="line_sku" value={l.sku} placeholder={t('outbound.skuOrBarcode')} aria-label={`${t('col.sku')} ${i + 1}`} maxlength={80} autocomplete="off" />
                    {e[`lines.${i}.sku`] && <small class="error">{e[`lines.${i}.sku`]}</small>}
                  </td>
                  <td class={e[`lines.${i}.quantity`] ? 'invalid' : undefined}>
                    <input name="line_quantity" value={l.quantity} placeholder={t('col.quantity')} class="qty" inputmode="numeric" aria-label={`${t('col.quantity')} ${i + 1}`} autocomplete="off" />
                    {e[`lines.${i}.quantity`] && <small class="error">{e[`lines.${i}.quantity`]}</small>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit" class="secondary" name="rows" value={String(v.rows + 5)} formnovalidate>
            {t('inbound.moreRows')}
          </button>
        </fieldset>
        <div class="form-actions">
          <button type="submit">{t('outbound.createOrder')}</button>
        </div>
      </form>
    </Layout>
  );
}

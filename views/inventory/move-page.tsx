import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { RelocationResult } from '../../src/inventory/service.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export type MoveFormValues = { warehouse?: string; product?: string; lot?: string; from?: string; to?: string; quantity?: string };

export type MoveView = {
  ctx: ViewContext;
  warehouses: Warehouse[];
  values: MoveFormValues;
  errors: FieldErrors;
  formError?: string | undefined;
  done?: RelocationResult | undefined;
  idempotencyKey: string;
};

export function MovePage(v: MoveView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('move.title')} narrow>
      <h1>{t('move.title')}</h1>
      <p class="muted">{t('move.intro')}</p>
      <MoveForm {...v} />
    </Layout>
  );
}

/** The scanner form: each scan fills a field and Enter moves on to the next empty one. */
export function MoveForm(v: MoveView) {
  const { t } = v.ctx;
  const e = v.errors;
  const val = v.values;
  const failed = Boolean(v.formError || Object.keys(e).length);
  const firstEmpty = !val.product ? 'product' : !val.from ? 'from' : !val.to ? 'to' : 'quantity';
  const focus = (name: string) => (failed ? Object.keys(e)[0] === name : firstEmpty === name && !v.done) || (v.done && name === 'product');
  return (
    <form id="move-form" class="scan-form" method="post" action="/moves" hx-post="/moves" hx-target="this" hx-swap="outerHTML" data-scan-form data-result={v.done ? 'ok' : failed ? 'error' : undefined}>
      <CsrfField token={v.ctx.csrfToken} />
      <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
      {v.done && (
        <Alert kind="ok">
          <strong>{t('move.done')}</strong>{' '}
          {t('move.doneDetail', { quantity: t.number(v.done.quantity), sku: v.done.sku, from: v.done.from, to: v.done.to })}
          {v.done.caseUnits > 1 && <small> ({t('move.doneCases', { cases: t.number(v.done.quantity / v.done.caseUnits), units: t.number(v.done.caseUnits) })})</small>}
          {v.done.replayed && <small> · {t('move.replayed')}</small>}
        </Alert>
      )}
      {v.formError && <Alert kind="error">{v.formError}</Alert>}
      <Field label={t('col.warehouse')} name="warehouse" error={e.warehouse}>
        <Select name="warehouse" value={val.warehouse} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
      </Field>
      <Field label={t('move.product')} name="product" error={e.product} hint={t('move.productHint')}>
        <input id="f-product" name="product" value={val.product ?? ''} autocomplete="off" autocapitalize="off" spellcheck={false} autofocus={focus('product')} aria-invalid={e.product ? 'true' : undefined} required />
      </Field>
      <Field label={t('col.lot')} name="lot" error={e.lot} hint={t('move.lotHint')}>
        <input id="f-lot" name="lot" value={val.lot ?? ''} autocomplete="off" autocapitalize="off" spellcheck={false} autofocus={focus('lot')} aria-invalid={e.lot ? 'true' : undefined} data-optional />
      </Field>
      <Field label={t('col.from')} name="from" error={e.from}>
        <input id="f-from" name="from" value={val.from ?? ''} autocomplete="off" autocapitalize="characters" spellcheck={false} autofocus={focus('from')} aria-invalid={e.from ? 'true' : undefined} required />
      </Field>
      <Field label={t('col.to')} name="to" error={e.to}>
        <input id="f-to" name="to" value={val.to ?? ''} autocomplete="off" autocapitalize="characters" spellcheck={false} autofocus={focus('to')} aria-invalid={e.to ? 'true' : undefined} required />
      </Field>
      <Field label={t('col.quantity')} name="quantity" error={e.quantity}>
        <input id="f-quantity" name="quantity" value={val.quantity ?? '1'} inputmode="numeric" autocomplete="off" autofocus={focus('quantity')} aria-invalid={e.quantity ? 'true' : undefined} required data-stop />
      </Field>
      <button type="submit" class="primary big">
        {t('move.submit')}
      </button>
    </form>
  );
}

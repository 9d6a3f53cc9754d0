import type { ViewContext } from '../../src/context.ts';
import type { AdjustmentRow } from '../../src/counts/queries.ts';
import { adjustmentReasons, adjustmentStatuses } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Pager } from '../components/pager.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

type Wh = { code: string; name: string; adjustment_approval_units: number };

export function AdjustmentsPage(v: {
  ctx: ViewContext;
  rows: AdjustmentRow[];
  total: number;
  page: number;
  pages: number;
  params: URLSearchParams;
  warehouses: Wh[];
  approvable: Set<string>;
  filter: { warehouse?: string | undefined; status?: string | undefined; reason?: string | undefined };
  notice?: string | undefined;
  formError?: string | undefined;
  /** A refused threshold: shown at its warehouse's field with what was typed. */
  threshold?: { warehouse: string; value: string; error: string } | undefined;
}) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('adjustments.title')}>
      <div class="title-row">
        <h1>{t('adjustments.title')}</h1>
        <div class="actions">
          <a class="button" href="/adjustments/new">
            {t('adjustments.new')}
          </a>
          <a class="button secondary" href="/counts">
            {t('counts.title')}
          </a>
        </div>
      </div>
      {v.notice && <Alert kind="ok">{v.notice}</Alert>}
      {v.formError && <Alert kind="error">{v.formError}</Alert>}
      <form method="get" action="/adjustments" class="filters search-line">
        <select name="warehouse" aria-label={t('col.warehouse')}>
          <option value="">{t('counts.anyWarehouse')}</option>
          {v.warehouses.map((w) => (
            <option value={w.code} selected={w.code === v.filter.warehouse}>
              {w.code} · {w.name}
            </option>
          ))}
        </select>
        <select name="status" aria-label={t('counts.statusLabel')}>
          <option value="">{t('counts.anyStatus')}</option>
          {adjustmentStatuses.map((s) => (
            <option value={s} selected={s === v.filter.status}>
              {t(`adjustments.status.${s}`)}
            </option>
          ))}
        </select>
        <select name="reason" aria-label={t('adjustments.reason')}>
          <option value="">{t('adjustments.anyReason')}</option>
          {adjustmentReasons.map((r) => (
            <option value={r} selected={r === v.filter.reason}>
              {t(`adjustments.reason.${r}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('counts.show')}</button>
      </form>
      {v.rows.length === 0 ? (
        <p class="empty">{t('adjustments.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack stack-tablet" id="adjustments">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('col.warehouse')}</th>
                <th>{t('col.location')}</th>
                <th>{t('col.sku')}</th>
                <th>{t('col.lot')}</th>
                <th class="num">{t('col.quantity')}</th>
                <th>{t('adjustments.reason')}</th>
                <th>{t('counts.statusLabel')}</th>
                <th>{t('adjustments.requested')}</th>
                <th>{t('adjustments.decided')}</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr data-adjustment={r.id}>
                  <td class="head" data-label="#">{r.id}</td>
                  <td class="code" data-label={t('col.warehouse')}>{r.warehouse}</td>
                  <td class="code" data-label={t('col.location')}>{r.location}</td>
                  <td data-label={t('col.sku')}>
                    <span class="code">{r.sku}</span> <small class="muted">{r.name}</small>
                  </td>
                  <td data-label={t('col.lot')} class={r.lot || r.expires_on ? undefined : 'blank'}>{[r.lot, r.expires_on && t.date(r.expires_on)].filter(Boolean).join(' · ')}</td>
                  <td class={`num ${r.quantity < 0 ? 'neg' : 'pos'}`} data-label={t('col.quantity')}>{r.quantity > 0 ? `+${t.number(r.quantity)}` : t.number(r.quantity)}</td>
                  <td data-label={t('adjustments.reason')}>
                    {t(`adjustments.reason.${r.reason}`)}
                    {r.count_id && (
                      <>
                        {' '}
                        <a href={`/counts/${r.count_id}`}>
                          {t('counts.one')} {r.count_id}
                        </a>
                      </>
                    )}
                    {r.note && <small class="muted"> · {r.note}</small>}
                  </td>
                  <td data-label={t('counts.statusLabel')}>
                    <span class={`badge adjustment-${r.status}`}>{t(`adjustments.status.${r.status}`)}</span>
                  </td>
                  <td data-label={t('adjustments.requested')}>
                    {r.requested_by} · {t.dateTime(r.requested_at, r.timezone)}
                  </td>
                  <td data-label={t('adjustments.decided')} class="name">
                    {r.status === 'pending' && v.approvable.has(r.warehouse) ? (
                      <form method="post" action={`/adjustments/${r.id}/decision`} class="inline-decision">
                        <CsrfField token={v.ctx.csrfToken} />
                        <input name="note" placeholder={t('adjustments.decisionNote')} aria-label={t('adjustments.decisionNote')} maxlength={500} />
                        <button type="submit" name="decision" value="approve" class="primary">
                          {t('adjustments.approve')}
                        </button>
                        <button type="submit" name="decision" value="reject" class="secondary">
                          {t('adjustments.reject')}
                        </button>
                      </form>
                    ) : (
                      r.decided_by && (
                        <>
                          {r.decided_by} · {r.decided_at && t.dateTime(r.decided_at, r.timezone)}
                          {r.decision_note && <small class="muted"> · {r.decision_note}</small>}
                        </>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager t={t} base="/adjustments" params={v.params} page={v.page} pages={v.pages} target="#main" />
      {v.warehouses.some((w) => v.approvable.has(w.code)) && (
        <section>
          <h2>{t('adjustments.thresholds')}</h2>
          <p class="muted">{t('adjustments.thresholdIntro')}</p>
          {v.warehouses
            .filter((w) => v.approvable.has(w.code))
            .map((w) => (
              <form method="post" action="/adjustments/threshold" class="filters search-line">
                <CsrfField token={v.ctx.csrfToken} />
                <input type="hidden" name="warehouse" value={w.code} />
                <label for={`f-units-${w.code}`}>
                  <span class="code">{w.code}</span> {t('adjustments.thresholdLabel')}
                </label>
                <input
                  id={`f-units-${w.code}`}
                  name="units"
                  value={v.threshold?.warehouse === w.code ? v.threshold.value : String(w.adjustment_approval_units)}
                  inputmode="numeric"
                  required
                  style="max-width:8em"
                  autofocus={v.threshold?.warehouse === w.code}
                  aria-invalid={v.threshold?.warehouse === w.code ? 'true' : undefined}
                  aria-describedby={v.threshold?.warehouse === w.code ? `f-units-${w.code}-error` : undefined}
                />
                <button type="submit">{t('adjustments.save')}</button>
                {v.threshold?.warehouse === w.code && (
                  <small class="error-text" id={`f-units-${w.code}-error`} role="alert" style="flex-basis:100%">
                    {v.threshold.error}
                  </small>
                )}
              </form>
            ))}
        </section>
      )}
    </Layout>
  );
}

export type AdjustmentFormValues = Partial<Record<'warehouse' | 'location' | 'product' | 'lot' | 'direction' | 'quantity' | 'reason' | 'note', string>>;

export function AdjustmentFormPage(v: {
  ctx: ViewContext;
  warehouses: Wh[];
  values: AdjustmentFormValues;
  errors: FieldErrors;
  formError?: string | undefined;
  done?: { id: number; status: string; quantity: number; sku: string; location: string } | undefined;
  idempotencyKey: string;
  /** Reason `count` is a manager's correction. */
  reasons: readonly string[];
}) {
  const { t } = v.ctx;
  const e = v.errors;
  const val = v.values;
  return (
    <Layout ctx={v.ctx} title={t('adjustments.new')} narrow>
      <p class="crumbs">
        <a href="/adjustments">{t('adjustments.title')}</a>
      </p>
      <h1>{t('adjustments.new')}</h1>
      <p class="muted">{t('adjustments.intro')}</p>
      <form id="adjustment-form" class="scan-form" method="post" action="/adjustments" data-scan-form data-result={v.done ? 'ok' : Object.keys(e).length || v.formError ? 'error' : undefined}>
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
        {v.done && (
          <Alert kind={v.done.status === 'pending' ? 'info' : 'ok'}>
            <strong>{t(v.done.status === 'pending' ? 'adjustments.waiting' : 'adjustments.posted')}</strong>{' '}
            {t('adjustments.doneDetail', { quantity: v.done.quantity > 0 ? `+${v.done.quantity}` : String(v.done.quantity), sku: v.done.sku, location: v.done.location })}
          </Alert>
        )}
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <Field label={t('col.warehouse')} name="warehouse" error={e.warehouse}>
          <Select name="warehouse" value={val.warehouse} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
        </Field>
        <Field label={t('col.location')} name="location" error={e.location}>
          <input id="f-location" name="location" value={val.location ?? ''} required autocomplete="off" autocapitalize="characters" spellcheck={false} autofocus={!val.location || Boolean(e.location)} aria-invalid={e.location ? 'true' : undefined} />
        </Field>
        <Field label={t('move.product')} name="product" error={e.product} hint={t('adjustments.productHint')}>
          <input id="f-product" name="product" value={val.product ?? ''} required autocomplete="off" autocapitalize="off" spellcheck={false} autofocus={Boolean(e.product) || (Boolean(v.done) && Boolean(val.location) && !e.location)} aria-invalid={e.product ? 'true' : undefined} />
        </Field>
        <Field label={t('col.lot')} name="lot" error={e.lot} hint={t('adjustments.lotHint')}>
          <input id="f-lot" name="lot" value={val.lot ?? ''} autocomplete="off" aria-invalid={e.lot ? 'true' : undefined} data-optional />
        </Field>
        <div class="field">
          <span class="label" id="f-direction-label">{t('adjustments.direction')}</span>
          <div class="segmented direction" role="radiogroup" aria-labelledby="f-direction-label">
            {(['remove', 'add'] as const).map((d) => (
              <label class={`seg dir-${d}`}>
                <input type="radio" name="direction" value={d} checked={(val.direction ?? 'remove') === d} />
                <span>{t(`adjustments.direction.${d}`)}</span>
              </label>
            ))}
          </div>
        </div>
        <Field label={t('col.quantity')} name="quantity" error={e.quantity}>
          {/* data-stop: a scan of the item stops here to confirm the quantity; a scan alone never posts an adjustment. */}
          <input id="f-quantity" name="quantity" value={val.quantity ?? '1'} inputmode="numeric" autocomplete="off" required data-stop aria-invalid={e.quantity ? 'true' : undefined} />
        </Field>
        <Field label={t('adjustments.reason')} name="reason" error={e.reason}>
          <Select name="reason" value={val.reason} empty={t('adjustments.chooseReason')} required options={v.reasons.map((r) => ({ value: r, label: t(`adjustments.reason.${r as 'lost'}`) }))} />
        </Field>
        <Field label={t('counts.note')} name="note" error={e.note}>
          <input id="f-note" name="note" value={val.note ?? ''} maxlength={500} />
        </Field>
        <p class="muted">{t('adjustments.thresholdNote', { list: v.warehouses.map((w) => `${w.code}: ${w.adjustment_approval_units}`).join(', ') })}</p>
        <button type="submit" class="primary big">
          {t('adjustments.submit')}
        </button>
      </form>
    </Layout>
  );
}

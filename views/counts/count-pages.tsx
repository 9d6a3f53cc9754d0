import type { ViewContext } from '../../src/context.ts';
import type { Translator } from '../../src/i18n/index.ts';
import type { CountPlace, CountRow, VarianceRow } from '../../src/counts/queries.ts';
import { countScopes, countStatuses, type CountStatus } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export function CountBadge(props: { t: Translator; status: CountStatus }) {
  return <span class={`badge count-${props.status}`}>{props.t(`counts.status.${props.status}`)}</span>;
}

/** What a count covers, in words. */
export function countScopeText(t: Translator, c: Pick<CountRow, 'scope' | 'zone' | 'from_code' | 'to_code' | 'sku'>) {
  if (c.scope === 'zone') return t('counts.scopeZone', { zone: c.zone ?? '' });
  if (c.scope === 'range') return t('counts.scopeRange', { from: c.from_code ?? '', to: c.to_code ?? '' });
  return t('counts.scopeProduct', { sku: c.sku ?? '' });
}

/** Cycle counts of the user's warehouses: open ones first; managers start new ones here. */
export function CountsPage(v: { ctx: ViewContext; rows: CountRow[]; warehouses: { code: string; name: string }[]; filter: { warehouse?: string | undefined; status?: string | undefined }; canManage: boolean }) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('counts.title')}>
      <div class="title-row">
        <h1>{t('counts.title')}</h1>
        <div class="actions">
          {v.canManage && (
            <a class="button" href="/counts/new">
              {t('counts.new')}
            </a>
          )}
          <a class="button secondary" href="/adjustments">
            {t('adjustments.title')}
          </a>
        </div>
      </div>
      <form method="get" action="/counts" class="filters search-line">
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
          {countStatuses.map((s) => (
            <option value={s} selected={s === v.filter.status}>
              {t(`counts.status.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('counts.show')}</button>
      </form>
      {v.rows.length === 0 ? (
        <p class="empty">{t('counts.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack counts-list">
            <thead>
              <tr>
                <th>{t('counts.one')}</th>
                <th>{t('col.warehouse')}</th>
                <th>{t('counts.scope')}</th>
                <th>{t('counts.statusLabel')}</th>
                <th class="num">{t('counts.progress')}</th>
                <th>{t('counts.createdBy')}</th>
                <th>{t('counts.createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr>
                  {/* The count's link fills its cell: a finger's tap target, not just the digit. */}
                  <td class="head open-cell">
                    <a class="open-link" href={`/counts/${r.id}`}>
                      <span>{t('counts.one')}</span> <strong>{r.id}</strong>
                    </a>
                  </td>
                  <td class="code" data-label={t('col.warehouse')}>{r.warehouse}</td>
                  <td class="name" data-label={t('counts.scope')}>{countScopeText(t, r)}</td>
                  <td data-label={t('counts.statusLabel')}>
                    <CountBadge t={t} status={r.status} />
                  </td>
                  <td class="num" data-label={t('counts.progress')}>
                    {t.number(r.counted)} / {t.number(r.locations)}
                  </td>
                  <td data-label={t('counts.createdBy')}>{r.created_by}</td>
                  <td data-label={t('counts.createdAt')}>{t.dateTime(r.created_at, r.timezone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export type CountFormValues = Partial<Record<'warehouse' | 'scope' | 'zone' | 'from_code' | 'to_code' | 'product' | 'recount_above' | 'note', string>>;

export function CountFormPage(v: { ctx: ViewContext; warehouses: { code: string; name: string }[]; values: CountFormValues; errors: FieldErrors; formError?: string | undefined }) {
  const { t } = v.ctx;
  const e = v.errors;
  const val = v.values;
  return (
    <Layout ctx={v.ctx} title={t('counts.new')} narrow>
      <p class="crumbs">
        <a href="/counts">{t('counts.title')}</a>
      </p>
      <h1>{t('counts.new')}</h1>
      <p class="muted">{t('counts.newIntro')}</p>
      <form id="count-form" method="post" action="/counts" class="stacked">
        <CsrfField token={v.ctx.csrfToken} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <Field label={t('col.warehouse')} name="warehouse" error={e.warehouse}>
          <Select name="warehouse" value={val.warehouse} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
        </Field>
        <fieldset class="choice">
          <legend>{t('counts.scope')}</legend>
          {countScopes.map((s) => (
            <label class="check">
              <input type="radio" name="scope" value={s} checked={(val.scope ?? 'zone') === s} style="width:auto;min-height:0" /> {t(`counts.scope.${s}`)}
            </label>
          ))}
          {e.scope && <small class="error">{e.scope}</small>}
        </fieldset>
        <Field label={t('counts.zone')} name="zone" error={e.zone} hint={t('counts.zoneHint')}>
          <input id="f-zone" name="zone" value={val.zone ?? ''} autocomplete="off" autocapitalize="characters" aria-invalid={e.zone ? 'true' : undefined} />
        </Field>
        <div class="receive-row">
          <Field label={t('counts.fromCode')} name="from_code" error={e.from_code}>
            <input id="f-from_code" name="from_code" value={val.from_code ?? ''} autocomplete="off" autocapitalize="characters" aria-invalid={e.from_code ? 'true' : undefined} />
          </Field>
          <Field label={t('counts.toCode')} name="to_code" error={e.to_code}>
            <input id="f-to_code" name="to_code" value={val.to_code ?? ''} autocomplete="off" autocapitalize="characters" aria-invalid={e.to_code ? 'true' : undefined} />
          </Field>
        </div>
        <Field label={t('counts.product')} name="product" error={e.product} hint={t('counts.productHint')}>
          <input id="f-product" name="product" value={val.product ?? ''} autocomplete="off" aria-invalid={e.product ? 'true' : undefined} />
        </Field>
        <Field label={t('counts.recountAbove')} name="recount_above" error={e.recount_above} hint={t('counts.recountAboveHint')}>
          <input id="f-recount_above" name="recount_above" value={val.recount_above ?? '0'} inputmode="numeric" aria-invalid={e.recount_above ? 'true' : undefined} />
        </Field>
        <Field label={t('counts.note')} name="note" error={e.note}>
          <input id="f-note" name="note" value={val.note ?? ''} maxlength={500} />
        </Field>
        <button type="submit" class="primary big">
          {t('counts.create')}
        </button>
      </form>
    </Layout>
  );
}

/**
 * One count. Everyone sees its locations and who counted them; managers also see expected,
 * counted and the variance, and approve (posting the adjustments) or cancel it.
 */
export function CountPage(v: { ctx: ViewContext; count: CountRow; places: CountPlace[]; variances: VarianceRow[] | null; canManage: boolean; notice?: string | undefined; formError?: string | undefined }) {
  const { t } = v.ctx;
  const c = v.count;
  const net = (v.variances ?? []).reduce((n, r) => n + r.variance, 0);
  const withVariance = (v.variances ?? []).filter((r) => r.variance !== 0);
  return (
    <Layout ctx={v.ctx} title={`${t('counts.one')} ${c.id}`}>
      <p class="crumbs">
        <a href="/counts">{t('counts.title')}</a>
      </p>
      <div class="title-row">
        <h1>
          {t('counts.one')} {c.id} <CountBadge t={t} status={c.status} />
        </h1>
        <div class="actions">
          {c.status === 'counting' && (
            <a class="button" href={`/counts/${c.id}/count`}>
              {t('counts.startCounting')}
            </a>
          )}
        </div>
      </div>
      {v.notice && <Alert kind="ok">{v.notice}</Alert>}
      {v.formError && <Alert kind="error">{v.formError}</Alert>}
      <dl class="facts">
        <dt>{t('col.warehouse')}</dt>
        <dd class="code">{c.warehouse}</dd>
        <dt>{t('counts.scope')}</dt>
        <dd>{countScopeText(t, c)}</dd>
        <dt>{t('counts.recountAbove')}</dt>
        <dd>{t.number(c.recount_above)}</dd>
        <dt>{t('counts.progress')}</dt>
        <dd>
          {t.number(c.counted)} / {t.number(c.locations)}
          {c.recounts > 0 && ` · ${t('counts.recounts', { n: c.recounts })}`}
        </dd>
        <dt>{t('counts.createdBy')}</dt>
        <dd>
          {c.created_by} · {t.dateTime(c.created_at, c.timezone)}
        </dd>
        {c.decided_by && (
          <>
            <dt>{t('counts.decidedBy')}</dt>
            <dd>
              {c.decided_by} · {c.decided_at && t.dateTime(c.decided_at, c.timezone)}
            </dd>
          </>
        )}
        {c.note && (
          <>
            <dt>{t('counts.note')}</dt>
            <dd>{c.note}</dd>
          </>
        )}
      </dl>
      {v.variances && (
        <section>
          <h2>{t('counts.variances')}</h2>
          {v.variances.length === 0 ? (
            <p class="empty">{t('counts.nothingCounted')}</p>
          ) : (
            <div class="table-scroll">
              <table class="grid stack" id="variances">
                <thead>
                  <tr>
                    <th>{t('col.location')}</th>
                    <th>{t('col.sku')}</th>
                    <th>{t('col.product')}</th>
                    <th>{t('col.lot')}</th>
                    <th class="num">{t('counts.expected')}</th>
                    <th class="num">{t('counts.counted')}</th>
                    <th class="num">{t('counts.variance')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.variances.map((r) => (
                    <tr class={r.variance !== 0 ? 'variance' : undefined}>
                      <td class="code head" data-label={t('col.location')}>{r.location}</td>
                      <td class="code head" data-label={t('col.sku')}>{r.sku}</td>
                      <td class="name" data-label={t('col.product')}>{r.name}</td>
                      <td class={r.lot || r.expires_on ? undefined : 'blank'} data-label={t('col.lot')}>{[r.lot, r.expires_on && t.date(r.expires_on)].filter(Boolean).join(' · ')}</td>
                      <td class="num" data-label={t('counts.expected')}>{t.number(r.expected)}</td>
                      <td class="num" data-label={t('counts.counted')}>
                        {t.number(r.counted)}
                        {r.recounted && <small class="muted"> ({t('counts.firstCount', { n: r.first_count })})</small>}
                      </td>
                      <td class={`num ${r.variance < 0 ? 'neg' : r.variance > 0 ? 'pos' : ''}`} data-label={t('counts.variance')}>{r.variance > 0 ? `+${t.number(r.variance)}` : t.number(r.variance)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <td colspan={6}>{t('counts.netVariance', { lines: withVariance.length })}</td>
                    <td class="num" data-label={t('counts.variance')}>{net > 0 ? `+${t.number(net)}` : t.number(net)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </section>
      )}
      {v.canManage && (c.status === 'review' || c.status === 'counting') && (
        <div class="actions decision">
          {c.status === 'review' && (
            <form method="post" action={`/counts/${c.id}/approve`}>
              <CsrfField token={v.ctx.csrfToken} />
              <button type="submit" class="primary">
                {t('counts.approve', { n: withVariance.length })}
              </button>
            </form>
          )}
          <form method="post" action={`/counts/${c.id}/cancel`}>
            <CsrfField token={v.ctx.csrfToken} />
            <button type="submit" class="secondary">
              {t('counts.cancel')}
            </button>
          </form>
        </div>
      )}
      <section>
        <h2>{t('counts.locations')}</h2>
        <div class="table-scroll">
          <table class="grid stack" id="count-places">
            <thead>
              <tr>
                <th>{t('col.location')}</th>
                <th>{t('counts.statusLabel')}</th>
                <th>{t('counts.countedBy')}</th>
                <th>{t('counts.recountedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {v.places.map((p) => (
                <tr>
                  <td class="code head" data-label={t('col.location')}>{p.code}</td>
                  <td data-label={t('counts.statusLabel')}>
                    <span class={`badge place-${p.status}`}>{t(`counts.place.${p.status}`)}</span>
                  </td>
                  <td class={p.counted_by ? undefined : 'blank'} data-label={t('counts.countedBy')}>{p.counted_by && `${p.counted_by} · ${t.dateTime(p.counted_at!, c.timezone)}`}</td>
                  <td class={p.recounted_by ? undefined : 'blank'} data-label={t('counts.recountedBy')}>{p.recounted_by && `${p.recounted_by} · ${t.dateTime(p.recounted_at!, c.timezone)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { ImportJob } from '../../src/outbound/import-csv.ts';
import type { MessageKey } from '../../src/i18n/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select } from '../components/forms.tsx';

export type ImportFormView = {
  ctx: ViewContext;
  warehouses: Warehouse[];
  sellers: { code: string; name: string }[];
  jobs: ImportJob[];
  error?: string | undefined;
  values: { warehouse?: string; seller?: string; channel?: string };
};

/** Orders in bulk: a CSV file, or a marketplace's response (Ozon postings, Wildberries orders). */
export function ImportPage(v: ImportFormView) {
  const { t } = v.ctx;
  const isSeller = v.ctx.user?.role === 'seller';
  // Both forms ask for the warehouse and the seller: each form's controls have their own ids.
  const common = (form: 'csv' | 'marketplace') => (
    <div class="form-grid">
      <Field label={t('col.warehouse')} name="warehouse" id={`f-${form}-warehouse`}>
        <Select name="warehouse" id={`f-${form}-warehouse`} value={v.values.warehouse} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
      </Field>
      {!isSeller && (
        <Field label={t('col.seller')} name="seller" id={`f-${form}-seller`}>
          <Select name="seller" id={`f-${form}-seller`} value={v.values.seller} empty="" options={v.sellers.map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }))} />
        </Field>
      )}
    </div>
  );
  return (
    <Layout ctx={v.ctx} title={t('imports.title')}>
      <p class="crumbs">
        <a href="/orders">{t('outbound.title')}</a> / {t('imports.title')}
      </p>
      <h1>{t('imports.title')}</h1>
      {v.error && <Alert kind="error">{v.error}</Alert>}
      <div class="cards">
        <form class="card stacked" method="post" action="/orders/import/csv" enctype="multipart/form-data">
          <h2>{t('imports.channel.csv')}</h2>
          <CsrfField token={v.ctx.csrfToken} />
          {common('csv')}
          <Field label={t('outbound.file')} name="file">
            <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
          </Field>
          <p class="muted">{t('imports.csvFormat')}</p>
          <p class="muted">{t('imports.limits', { size: 5, rows: t.number(50_000) })}</p>
          <button type="submit">{t('outbound.upload')}</button>
        </form>
        <form class="card stacked" method="post" action="/orders/import/marketplace" enctype="multipart/form-data">
          <h2>{t('outbound.marketplaceImport')}</h2>
          <CsrfField token={v.ctx.csrfToken} />
          {common('marketplace')}
          <Field label={t('outbound.col.channel')} name="channel">
            <Select name="channel" value={v.values.channel ?? 'ozon'} options={[{ value: 'ozon', label: t('imports.channel.ozon') }, { value: 'wildberries', label: t('imports.channel.wildberries') }]} />
          </Field>
          <Field label={t('outbound.payloadFile')} name="file" hint={t('outbound.payloadHint')}>
            <input id="f-file-json" type="file" name="file" accept=".json,application/json" />
          </Field>
          <Field label={t('outbound.payloadText')} name="payload">
            <textarea id="f-payload" name="payload" rows={4} spellcheck={false}></textarea>
          </Field>
          <button type="submit">{t('outbound.import')}</button>
        </form>
      </div>
      {v.jobs.length > 0 && (
        <>
          <h2>{t('outbound.recentImports')}</h2>
          <ul class="plain">
            {v.jobs.map((j) => (
              <li>
                <a href={`/imports/${j.id}`}>#{j.id}</a> · {t(`imports.channel.${j.channel as 'csv'}`)} {j.fileName && <code>{j.fileName}</code>} · {t(`imports.status.${j.status}`)} ·{' '}
                {t('imports.summary', { created: j.created, skipped: j.skipped, rejected: j.rejected })}
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}

export function ImportJobPage(v: { ctx: ViewContext; job: ImportJob; cancelled?: number }) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={`${t('imports.title')} #${v.job.id}`}>
      <p class="crumbs">
        <a href="/orders">{t('outbound.title')}</a> / <a href="/orders/import">{t('imports.title')}</a> / #{v.job.id}
      </p>
      <h1>
        {t('imports.title')} #{v.job.id} <small class="muted">{t(`imports.channel.${v.job.channel as 'csv'}`)} {v.job.fileName}</small>
      </h1>
      <ImportProgress {...v} />
    </Layout>
  );
}

/** The job's progress; while it runs it asks again every second (htmx polling). */
export function ImportProgress(v: { ctx: ViewContext; job: ImportJob; cancelled?: number }) {
  const { t } = v.ctx;
  const j = v.job;
  const running = j.status === 'running';
  return (
    <section id="import-progress" aria-live="polite" {...(running ? { 'hx-get': `/imports/${j.id}`, 'hx-trigger': 'every 1s', 'hx-swap': 'outerHTML' } : {})}>
      <p>
        <span class={`badge import-${j.status}`}>{t(`imports.status.${j.status}`)}</span> {t('imports.progress', { processed: t.number(j.processed), total: t.number(j.total) })}
      </p>
      <progress max={Math.max(1, j.total)} value={j.processed} class="import-bar"></progress>
      <p>{t('imports.summary', { created: t.number(j.created), skipped: t.number(j.skipped), rejected: t.number(j.rejected) })}</p>
      {v.cancelled ? <p>{t('imports.cancelledCount', { count: v.cancelled })}</p> : null}
      {j.status === 'failed' && <Alert kind="error">{t('imports.error.jobFailed')}</Alert>}
      {j.errors.length > 0 && (
        <div class="table-scroll">
          <table class="grid stack">
            <thead>
              <tr>
                <th>{t('imports.col.row')}</th>
                <th>{t('imports.col.externalId')}</th>
                <th>{t('imports.col.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {j.errors.map((e) => (
                <tr>
                  <td data-label={t('imports.col.row')}>{e.row ?? '—'}</td>
                  <td class="code" data-label={t('imports.col.externalId')}>{e.externalId ?? '—'}</td>
                  <td data-label={t('imports.col.problem')}>{t.optional(e.key, e.key) === e.key ? e.key : t(e.key as MessageKey, e.params)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!running && (
        <p>
          <a class="button secondary" href="/orders">
            {t('outbound.title')}
          </a>
        </p>
      )}
    </section>
  );
}

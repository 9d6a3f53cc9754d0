import type { ViewContext } from '../../src/context.ts';
import type { LedgerFilter } from '../../src/inventory/filters.ts';
import type { LedgerRow, SearchMatch, Warehouse } from '../../src/inventory/queries.ts';
import { moveReasons } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Field, SearchRow, Select } from '../components/forms.tsx';
import { LedgerTable } from '../components/ledger-table.tsx';
import { ScanProblem } from '../components/scan-problem.tsx';

export type LedgerView = {
  ctx: ViewContext;
  filter: LedgerFilter;
  query: URLSearchParams;
  rows: LedgerRow[];
  match: SearchMatch | null;
  nextBefore: number | null;
  warehouses: Warehouse[];
};

export function LedgerPage(v: LedgerView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('ledger.title')}>
      <h1>{t('ledger.title')}</h1>
      <form class="filters" method="get" action="/ledger" hx-get="/ledger" hx-target="#ledger-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change[target.tagName==='SELECT'||target.type==='date']" role="search">
        <SearchRow t={t} value={v.filter.q} label={t('ledger.product')} />
        {v.filter.sku && <input type="hidden" name="sku" value={v.filter.sku} />}
        {v.filter.seller && <input type="hidden" name="seller" value={v.filter.seller} />}
        <details class="more" open={Boolean(v.filter.warehouse || v.filter.reason || v.filter.since || v.filter.until)}>
          <summary>{t('inventory.filters')}</summary>
          <div class="more-fields">
            <Field label={t('col.warehouse')} name="warehouse">
              <Select name="warehouse" value={v.filter.warehouse} empty={t('filter.all')} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
            </Field>
            <Field label={t('col.reason')} name="reason">
              <Select name="reason" value={v.filter.reason} empty={t('filter.all')} options={moveReasons.map((r) => ({ value: r, label: t(`reason.${r}`) }))} />
            </Field>
            <Field label={t('ledger.since')} name="since">
              <input type="date" id="f-since" name="since" value={v.filter.since ?? ''} />
            </Field>
            <Field label={t('ledger.until')} name="until">
              <input type="date" id="f-until" name="until" value={v.filter.until ?? ''} />
            </Field>
          </div>
        </details>
      </form>
      <LedgerResults {...v} />
    </Layout>
  );
}

export function LedgerResults(v: LedgerView) {
  const { t } = v.ctx;
  const older = new URLSearchParams(v.query);
  if (v.nextBefore) older.set('before', String(v.nextBefore));
  const newest = new URLSearchParams(v.query);
  newest.delete('before');
  return (
    <section id="ledger-results" aria-live="polite">
      {v.filter.sku && <p class="match">{t('ledger.forSku', { sku: v.filter.sku })}</p>}
      {v.match?.kind === 'barcode' && <p class="match">{t('inventory.matchBarcode', { code: v.match.code })}</p>}
      {v.match?.kind === 'location' && <p class="match">{t('inventory.matchLocation', { code: v.match.code })}</p>}
      {v.match?.kind === 'text' && v.match.scanError && <ScanProblem t={t} error={v.match.scanError} />}
      {v.rows.length > 0 && (
        <p class="actions">
          <a class="button secondary" href={`/ledger.csv${newest.size ? `?${newest}` : ''}`} download>
            {t('action.exportCsv')}
          </a>
        </p>
      )}
      {v.rows.length === 0 ? <p class="empty">{t('ledger.empty')}</p> : <LedgerTable t={t} rows={v.rows} showSeller={v.ctx.user?.role !== 'seller'} staff={v.ctx.user?.role !== 'seller'} />}
      <nav class="pager">
        {v.filter.before ? (
          <a href={`/ledger?${newest}`} hx-get={`/ledger?${newest}`} hx-target="#ledger-results" hx-swap="outerHTML" hx-push-url="true">
            ↑ {t('ledger.newest')}
          </a>
        ) : (
          <span />
        )}
        {v.nextBefore ? (
          <a href={`/ledger?${older}`} hx-get={`/ledger?${older}`} hx-target="#ledger-results" hx-swap="outerHTML" hx-push-url="true" rel="next">
            {t('ledger.older')} →
          </a>
        ) : (
          <span />
        )}
      </nav>
    </section>
  );
}

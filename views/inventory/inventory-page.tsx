import type { ViewContext } from '../../src/context.ts';
import type { StockFilter } from '../../src/inventory/filters.ts';
import type { StockPage, StockTotals, Warehouse } from '../../src/inventory/queries.ts';
import { temperatureClasses } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Field, SearchRow, Select } from '../components/forms.tsx';
import { Pager } from '../components/pager.tsx';
import { StockTable } from '../components/stock-table.tsx';
import { ScanProblem } from '../components/scan-problem.tsx';

export type InventoryView = {
  ctx: ViewContext;
  filter: StockFilter;
  query: URLSearchParams;
  result: StockPage;
  warehouses: Warehouse[];
  sellers: { code: string; name: string }[];
};

/** The totals of the whole filtered view, loaded by the totals bar itself (GET /inventory/totals). */
export type InventoryTotalsView = {
  ctx: ViewContext;
  filter: StockFilter;
  query: URLSearchParams;
  totals: StockTotals;
  pageSize: number;
  /** Units on the road to or from the filtered warehouses (transfers). */
  inTransit: number;
};

/**
 * The pager's id names the view it pages (its query string): a totals answer that arrives after
 * the user has paged or filtered on matches no pager and changes nothing.
 */
function pagerId(query: URLSearchParams, page: number): string {
  let h = 5381;
  for (const ch of `${query.toString()}#${page}`) h = ((h * 33) ^ ch.charCodeAt(0)) >>> 0;
  return `inventory-pager-${h.toString(36)}`;
}

export function InventoryPage(v: InventoryView) {
  const { t } = v.ctx;
  const isSeller = v.ctx.user?.role === 'seller';
  return (
    <Layout ctx={v.ctx} title={t(isSeller ? 'nav.myStock' : 'inventory.title')}>
      <h1>{t(isSeller ? 'nav.myStock' : 'inventory.title')}</h1>
      <form
        class="filters"
        method="get"
        action="/inventory"
        hx-get="/inventory"
        hx-target="#inventory-results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="submit, change[target.tagName==='SELECT']"
        role="search"
      >
        <SearchRow t={t} value={v.filter.q} />
        <details class="more" open={Boolean(v.filter.warehouse || v.filter.seller || v.filter.class || v.filter.by === 'product')}>
          <summary>{t('inventory.filters')}</summary>
          <div class="more-fields">
            <Field label={t('col.warehouse')} name="warehouse">
              <Select name="warehouse" value={v.filter.warehouse} empty={t('filter.all')} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
            </Field>
            {!isSeller && (
              <Field label={t('col.seller')} name="seller">
                <Select name="seller" value={v.filter.seller} empty={t('filter.all')} options={v.sellers.map((s) => ({ value: s.code, label: s.code }))} />
              </Field>
            )}
            <Field label={t('col.class')} name="class">
              <Select name="class" value={v.filter.class} empty={t('filter.all')} options={temperatureClasses.map((c) => ({ value: c, label: t(`class.${c}`) }))} />
            </Field>
            <Field label={t('inventory.view')} name="by">
              <Select
                name="by"
                value={v.filter.by}
                options={[
                  { value: 'location', label: t('inventory.byLocation') },
                  { value: 'product', label: t('inventory.byProduct') },
                ]}
              />
            </Field>
          </div>
        </details>
      </form>
      <InventoryResults {...v} />
    </Layout>
  );
}

export function InventoryResults(v: InventoryView) {
  const { t } = v.ctx;
  const r = v.result;
  const isSeller = v.ctx.user?.role === 'seller';
  const byProduct = v.filter.by === 'product';
  // The totals of the view shown, for the page shown (the pager they bring links from it).
  const totalsQuery = new URLSearchParams(v.query);
  if (r.page > 1) totalsQuery.set('page', String(r.page));
  const qs = totalsQuery.toString();
  return (
    <section id="inventory-results" aria-live="polite">
      {r.match?.kind === 'barcode' && (
        <p class="match">
          {t('inventory.matchBarcode', { code: r.match.code })}
          {r.match.unitsPerScan > 1 && <span class="tag">{t('inventory.caseOf', { units: r.match.unitsPerScan })}</span>}
        </p>
      )}
      {r.match?.kind === 'location' && <p class="match">{t('inventory.matchLocation', { code: r.match.code })}</p>}
      {r.match?.kind === 'text' && r.match.scanError && <ScanProblem t={t} error={r.match.scanError} />}
      {/* The page's rows come first; the totals bar then loads the totals of the whole view. */}
      <div class="totals" id="inventory-totals" hx-get={`/inventory/totals${qs ? `?${qs}` : ''}`} hx-trigger="load" hx-swap="outerHTML">
        <span class="muted">{t('inventory.counting')}</span>
        <CsvLink t={t} query={v.query} />
      </div>
      {r.rows.length === 0 ? (
        <p class="empty">{t('inventory.empty')}</p>
      ) : (
        <StockTable
          t={t}
          rows={r.rows}
          columns={byProduct ? ['warehouse', 'class', 'product', ...(isSeller ? [] : ['seller' as const])] : ['warehouse', 'location', 'product', ...(isSeller ? [] : ['seller' as const]), 'lot']}
        />
      )}
      <div id={pagerId(v.query, r.page)}>
        <Pager t={t} base="/inventory" params={v.query} page={r.page} pages={null} hasNext={r.hasNext} target="#inventory-results" />
      </div>
    </section>
  );
}

/** The CSV of the whole view: the filters without the page (the query never carries it). */
function CsvLink(props: { t: ViewContext['t']; query: URLSearchParams }) {
  const qs = props.query.toString();
  return (
    <a class="button secondary" href={`/inventory.csv${qs ? `?${qs}` : ''}`} download>
      {props.t('action.exportCsv')}
    </a>
  );
}

/** The totals bar with the figures, and the pager (out of band) now that the page count is known. */
export function InventoryTotals(v: InventoryTotalsView) {
  const { t } = v.ctx;
  const isSeller = v.ctx.user?.role === 'seller';
  const pages = Math.max(1, Math.ceil(v.totals.rows / v.pageSize));
  return (
    <>
      <div class="totals" id="inventory-totals">
        <span>
          {t('inventory.rows')}: <strong>{t.number(v.totals.rows)}</strong>
        </span>
        <span>
          {t('col.onHand')}: <strong data-total="on-hand">{t.number(v.totals.onHand)}</strong>
        </span>
        <span>
          {t('col.reserved')}: <strong>{t.number(v.totals.reserved)}</strong>
        </span>
        <span>
          {t('col.available')}: <strong data-total="available">{t.number(v.totals.available)}</strong>
        </span>
        {v.inTransit > 0 && (
          <span data-in-transit>
            {t('col.inTransit')}: {isSeller ? <strong>{t.number(v.inTransit)}</strong> : <a href="/transfers?status=dispatched"><strong>{t.number(v.inTransit)}</strong></a>}
          </span>
        )}
        <CsvLink t={t} query={v.query} />
      </div>
      <div id={pagerId(v.query, v.filter.page)} hx-swap-oob="true">
        <Pager t={t} base="/inventory" params={v.query} page={Math.min(v.filter.page, pages)} pages={pages} target="#inventory-results" />
      </div>
    </>
  );
}

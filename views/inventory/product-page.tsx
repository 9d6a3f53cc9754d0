import type { ViewContext } from '../../src/context.ts';
import type { LedgerRow, ProductDetail, StockRow } from '../../src/inventory/queries.ts';
import { Layout } from '../layout.tsx';
import { LedgerTable } from '../components/ledger-table.tsx';
import { ClassBadge, StockTable } from '../components/stock-table.tsx';
import { CsrfField } from '../components/forms.tsx';
import type { Translator } from '../../src/i18n/index.ts';

/** The reorder point form: shown to those who may set it, with what was typed and its error. */
export type ReorderView = { canEdit: boolean; value?: string; error?: string | undefined; saved?: boolean };

export type ProductView = { ctx: ViewContext; product: ProductDetail; balances: StockRow[]; ledger: LedgerRow[]; nextBefore: number | null; reorder?: ReorderView };

/** The reorder point as the facts show it; `oob` replaces it in place after an htmx save. */
export function ReorderPointValue(props: { t: Translator; value: number | null; oob?: boolean }) {
  const { t, value } = props;
  return (
    <span id="reorder-point-value" data-reorder-point={value === null ? '' : String(value)} hx-swap-oob={props.oob ? 'true' : undefined}>
      {value === null ? <span class="muted">{t('dashboard.reorder.notSet')}</span> : t('dashboard.reorder.value', { n: t.number(value) })}
    </span>
  );
}

/** Sets the reorder point the dashboard's low-stock list compares available units against; htmx swaps the form alone. */
export function ReorderPointForm(props: { t: Translator; csrfToken: string; product: Pick<ProductDetail, 'id' | 'reorderPoint'>; reorder: ReorderView }) {
  const { t, product, reorder } = props;
  const value = reorder.value ?? (product.reorderPoint === null ? '' : String(product.reorderPoint));
  return (
    <form method="post" action={`/products/${product.id}/reorder-point`} class="reorder-form" id="reorder-point" hx-post={`/products/${product.id}/reorder-point`} hx-target="this" hx-swap="outerHTML">
      <CsrfField token={props.csrfToken} />
      <div class={reorder.error ? 'field invalid' : 'field'}>
        <label for="f-reorder_point">{t('dashboard.reorder.label')}</label>
        <div class="search-line">
          <input type="text" inputmode="numeric" name="reorder_point" id="f-reorder_point" value={value} autocomplete="off" aria-invalid={reorder.error ? 'true' : undefined} aria-describedby={reorder.error ? 'f-reorder_point-error' : 'f-reorder_point-hint'} />
          <button type="submit">{t('dashboard.reorder.save')}</button>
        </div>
        {reorder.error ? (
          <small class="error" id="f-reorder_point-error" role="alert">
            {reorder.error}
          </small>
        ) : (
          <small class="hint" id="f-reorder_point-hint">
            {t('dashboard.reorder.hint')}
          </small>
        )}
        {reorder.saved && !reorder.error && (
          <small class="ok-text" role="status">
            {t('dashboard.reorder.saved')}
          </small>
        )}
      </div>
    </form>
  );
}

/** The stock card: what the product has now, where, and every move that made it so. */
export function ProductPage(v: ProductView) {
  const { t } = v.ctx;
  const p = v.product;
  const byWarehouse = new Map<string, { onHand: number; reserved: number; available: number; transit: number }>();
  for (const b of v.balances) {
    const w = byWarehouse.get(b.warehouseCode) ?? { onHand: 0, reserved: 0, available: 0, transit: 0 };
    if (b.locationKind === 'transit') w.transit += b.onHand;
    else {
      w.onHand += b.onHand;
      w.reserved += b.reserved;
      // Quarantine, staging and expired lots are on hand, not available (availableSql).
      w.available += b.available;
    }
    byWarehouse.set(b.warehouseCode, w);
  }
  return (
    <Layout ctx={v.ctx} title={`${p.sku} · ${p.name}`}>
      <p class="crumbs">
        <a href="/inventory">{t('inventory.title')}</a> / {t('product.stockCard')}
      </p>
      <h1>
        {p.name} <small class="muted">{p.sku}</small>
      </h1>
      <dl class="facts">
        <div>
          <dt>{t('col.seller')}</dt>
          <dd>
            {p.sellerCode} · {p.sellerName}
          </dd>
        </div>
        <div>
          <dt>{t('col.class')}</dt>
          <dd>
            <ClassBadge t={t} value={p.temperatureClass} />
          </dd>
        </div>
        <div>
          <dt>{t('product.tracking')}</dt>
          <dd>{[p.tracksLot ? t('product.tracksLot') : null, p.tracksExpiry ? t('product.tracksExpiry') : null].filter(Boolean).join(', ') || t('product.noTracking')}</dd>
        </div>
        <div>
          <dt>{t('dashboard.reorder.label')}</dt>
          <dd>
            <ReorderPointValue t={t} value={p.reorderPoint} />
          </dd>
        </div>
        <div>
          <dt>{t('product.barcodes')}</dt>
          <dd>
            <ul class="plain">
              {p.barcodes.map((b) => (
                <li>
                  <code>{b.code}</code> <small class="muted">{t(`barcode.${b.kind as 'ean13'}`)}</small>
                  {b.units > 1 && <span class="tag">{t('inventory.caseOf', { units: b.units })}</span>}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
      {v.reorder?.canEdit && <ReorderPointForm t={t} csrfToken={v.ctx.csrfToken} product={p} reorder={v.reorder} />}

      <h2>{t('product.stockNow')}</h2>
      {byWarehouse.size === 0 ? (
        <p class="empty">{t('product.noStock')}</p>
      ) : (
        <>
          <table class="grid stack summary">
            <thead>
              <tr>
                <th>{t('col.warehouse')}</th>
                <th class="num">{t('col.onHand')}</th>
                <th class="num">{t('col.reserved')}</th>
                <th class="num">{t('col.available')}</th>
                <th class="num">{t('col.inTransit')}</th>
              </tr>
            </thead>
            <tbody>
              {[...byWarehouse].map(([code, w]) => (
                <tr>
                  <td data-label={t('col.warehouse')}>{code}</td>
                  <td class="num" data-label={t('col.onHand')}>{t.number(w.onHand)}</td>
                  <td class="num" data-label={t('col.reserved')}>{t.number(w.reserved)}</td>
                  <td class="num strong" data-label={t('col.available')}>{t.number(w.available)}</td>
                  <td class="num" data-label={t('col.inTransit')}>{t.number(w.transit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <StockTable t={t} rows={v.balances} columns={['warehouse', 'location', 'lot']} caption={t('product.byLocation')} />
        </>
      )}

      <h2>{t('product.history')}</h2>
      {v.ledger.length === 0 ? <p class="empty">{t('ledger.empty')}</p> : <LedgerTable t={t} rows={v.ledger} showProduct={false} staff={v.ctx.user?.role !== 'seller'} />}
      {v.nextBefore && (
        <p>
          <a href={`/ledger?sku=${encodeURIComponent(p.sku)}&seller=${encodeURIComponent(p.sellerCode)}&before=${v.nextBefore}`}>{t('ledger.older')} →</a>
        </p>
      )}
    </Layout>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import type { DockStockRow } from '../../src/inbound/queries.ts';
import type { PutawayResult, Suggestion } from '../../src/inbound/putaway.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';
import { ClassBadge, Expiry } from '../components/stock-table.tsx';

export type PutawayHomeView = {
  ctx: ViewContext;
  warehouses: Warehouse[];
  warehouse: Warehouse | null;
  rows: DockStockRow[];
  item: string;
  error?: string | undefined;
  done?: PutawayResult | undefined;
};

const taskHref = (wh: string, balanceId: number) => `/putaway/task?warehouse=${encodeURIComponent(wh)}&balance=${balanceId}`;

/** Putaway, step one: scan an item at the dock (or tap a row) to be told where it goes. */
export function PutawayHomePage(v: PutawayHomeView) {
  const { t } = v.ctx;
  const wh = v.warehouse;
  return (
    <Layout ctx={v.ctx} title={t('putaway.title')} narrow>
      <h1>{t('putaway.title')}</h1>
      {v.done && (
        <div class="result result-received" role="status" data-result="ok">
          <strong>{t('putaway.done')}</strong>
          <span class="result-qty">{t.number(v.done.quantity)}</span>
          <span class="code">{v.done.sku}</span>
          <small>
            {v.done.lot && `${t('col.lot')} ${v.done.lot} · `}
            <span class="code">{v.done.from}</span> → <span class="code">{v.done.to}</span>
            {v.done.replayed && ` · ${t('move.replayed')}`}
          </small>
        </div>
      )}
      <form class="scan-form" method="get" action="/putaway/task" data-result={v.error ? 'error' : undefined}>
        {v.error && <Alert kind="error">{v.error}</Alert>}
        {v.warehouses.length > 1 ? (
          <Field label={t('col.warehouse')} name="warehouse">
            <Select name="warehouse" value={wh?.code} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
          </Field>
        ) : (
          <input type="hidden" name="warehouse" value={wh?.code ?? ''} />
        )}
        <div class="field">
          <label for="f-item">{t('putaway.scanItem')}</label>
          <div class="search-line">
            <input id="f-item" name="item" value={v.item} autofocus autocomplete="off" autocapitalize="off" spellcheck={false} enterkeyhint="go" required data-scan-input />
            <button type="submit">{t('putaway.find')}</button>
          </div>
        </div>
      </form>
      <h2>{t('putaway.atDock', { warehouse: wh?.code ?? '' })}</h2>
      {v.rows.length === 0 ? (
        <p class="empty">{t('putaway.dockEmpty')}</p>
      ) : (
        <ul class="tap-list">
          {v.rows.map((r) => (
            <li>
              <a href={taskHref(wh!.code, r.balanceId)}>
                <span class="code">{r.sku}</span> <ClassBadge t={t} value={r.temperatureClass} /> <strong class="qty">× {t.number(r.available)}</strong>
                <small>
                  {' '}
                  {r.name} · <span class="code">{r.location}</span>
                  {r.lot && ` · ${t('col.lot')} ${r.lot}`}
                </small>
                {r.expiry && (
                  <small>
                    {' '}
                    · <Expiry t={t} expiresOn={r.expiry} />
                  </small>
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export type PutawayTaskView = {
  ctx: ViewContext;
  warehouse: Warehouse;
  row: DockStockRow;
  sellerCode: string;
  suggestion: Suggestion | null;
  skip: number[];
  values: { quantity?: string; to_location?: string };
  errors: FieldErrors;
  formError?: string | undefined;
  idempotencyKey: string;
};

/** Putaway, step two: go to the suggested location and scan its label to confirm. */
export function PutawayTaskPage(v: PutawayTaskView) {
  const { t } = v.ctx;
  const r = v.row;
  const s = v.suggestion;
  const e = v.errors;
  const failed = Boolean(v.formError || Object.keys(e).length);
  const another = new URLSearchParams({ warehouse: v.warehouse.code, balance: String(r.balanceId), skip: [...v.skip, ...(s ? [s.locationId] : [])].join(',') });
  return (
    <Layout ctx={v.ctx} title={t('putaway.title')} narrow>
      <p class="crumbs">
        <a href={`/putaway?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('putaway.title')}</a> / <span class="code">{r.sku}</span>
      </p>
      <form id="putaway-form" class="scan-form" method="post" action="/putaway" data-scan-form data-result={failed ? 'error' : undefined}>
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
        <input type="hidden" name="warehouse" value={v.warehouse.code} />
        <input type="hidden" name="seller" value={v.sellerCode} />
        <input type="hidden" name="sku" value={r.sku} />
        <input type="hidden" name="lot" value={r.lot ?? r.expiry ?? ''} />
        <input type="hidden" name="from_location" value={r.location} />
        <input type="hidden" name="balance" value={String(r.balanceId)} />
        <input type="hidden" name="skip" value={v.skip.join(',')} />
        {s && <input type="hidden" name="suggested" value={s.code} />}
        <p class="task-what">
          <span class="code">{r.sku}</span> {r.name} <ClassBadge t={t} value={r.temperatureClass} />
          <br />
          <small>
            {t('col.from')} <span class="code">{r.location}</span>
            {r.lot && ` · ${t('col.lot')} ${r.lot}`}
            {r.expiry && ` · ${t('col.expiry')} ${t.date(r.expiry)}`} · {t('putaway.atDockQty', { quantity: t.number(r.available) })}
          </small>
        </p>
        {s ? (
          <div class="goto">
            <span>{t('putaway.goTo')}</span>
            <strong class="code">{s.code}</strong>
            <small>{s.holdsSame ? t('putaway.sameLot') : t('putaway.freeSlot')}</small>
          </div>
        ) : (
          <Alert kind="info">{t('putaway.noSuggestion', { class: t(`class.${r.temperatureClass}`) })}</Alert>
        )}
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <Field label={t('col.quantity')} name="quantity" error={e.quantity}>
          <input id="f-quantity" name="quantity" value={v.values.quantity ?? String(s?.quantity ?? r.available)} inputmode="numeric" autocomplete="off" aria-invalid={e.quantity ? 'true' : undefined} autofocus={Object.keys(e)[0] === 'quantity'} />
        </Field>
        <Field label={s ? t('putaway.scanLocation') : t('col.to')} name="to_location" error={e.to_location}>
          <input id="f-to_location" name="to_location" value={failed ? '' : (v.values.to_location ?? '')} autocomplete="off" autocapitalize="characters" spellcheck={false} required autofocus={Object.keys(e)[0] !== 'quantity'} aria-invalid={e.to_location ? 'true' : undefined} data-scan-input />
        </Field>
        <button type="submit" class="primary big">
          {t('putaway.confirm')}
        </button>
        {s && (
          <p>
            <a href={`/putaway/task?${another}`}>{t('putaway.another')}</a>
          </p>
        )}
      </form>
    </Layout>
  );
}

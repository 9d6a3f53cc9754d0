import type { ViewContext } from '../../src/context.ts';
import type { OrderDetail } from '../../src/outbound/queries.ts';
import type { PackScanResult } from '../../src/outbound/pack-ship.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, type FieldErrors } from '../components/forms.tsx';
import { OrderStatusBadge } from './badges.tsx';

export type PackView = {
  ctx: ViewContext;
  order: OrderDetail;
  codes: { lineId: number; serial: string }[];
  errors: FieldErrors;
  formError?: string | undefined;
  done?: PackScanResult | undefined;
  values: { weight_kg?: string; carrier?: string; tracking_number?: string };
};

/** The pack station (tablet): verify every picked unit by scan, then weigh, label and close the box. */
export function PackPage(v: PackView) {
  const { t } = v.ctx;
  const o = v.order;
  return (
    <Layout ctx={v.ctx} title={`${t('outbound.pack')} ${o.externalId}`}>
      <p class="crumbs">
        <a href="/orders">{t('outbound.title')}</a> / <a href={`/orders/${o.id}`}>{o.externalId}</a> / {t('outbound.pack')}
      </p>
      <h1>
        {t('outbound.pack')} {o.externalId} <OrderStatusBadge t={t} status={o.status} />
      </h1>
      <PackPanel {...v} />
    </Layout>
  );
}

export function PackPanel(v: PackView) {
  const { t } = v.ctx;
  const o = v.order;
  const e = v.errors;
  const remaining = o.lines.reduce((n, l) => n + l.picked - l.packed, 0);
  const short = o.lines.reduce((n, l) => n + l.short, 0);
  const failed = Boolean(v.formError || e.scan);
  // A refused box (weight, carrier, tracking number): the first field in error takes the focus.
  const boxError = ['weight_kg', 'carrier', 'tracking_number'].find((f) => e[f]);
  return (
    <div id="pack-panel" class="pack">
      {short > 0 && ['picked', 'packed'].includes(o.status) && <Alert kind="error">{t('outbound.shipsIncomplete', { count: short })}</Alert>}
      {o.status === 'picked' && (
        <form class="scan-form" method="post" action={`/orders/${o.id}/pack-scans`} hx-post={`/orders/${o.id}/pack-scans`} hx-target="#pack-panel" hx-swap="outerHTML" data-result={v.done ? 'ok' : failed ? 'error' : undefined}>
          <CsrfField token={v.ctx.csrfToken} />
          {v.done && (
            <div class="result result-received" role="status">
              <strong>{t('outbound.verified', { sku: v.done.sku, packed: v.done.packed, picked: v.done.picked })}</strong>
              {v.done.serial && <small>{t('outbound.markingKept', { serial: v.done.serial })}</small>}
            </div>
          )}
          {v.formError && <Alert kind="error">{v.formError}</Alert>}
          <div class={e.scan ? 'field invalid' : 'field'}>
            <label for="f-scan">{t('outbound.scanToVerify')}</label>
            <input id="f-scan" name="scan" value="" autocomplete="off" autocapitalize="off" spellcheck={false} required autofocus={remaining > 0 && !boxError} data-scan-input aria-invalid={e.scan ? 'true' : undefined} />
            {e.scan && <small class="error" role="alert">{e.scan}</small>}
          </div>
          <p class="muted">{remaining > 0 ? t('outbound.toVerify', { count: t.number(remaining) }) : t('outbound.allVerified')}</p>
        </form>
      )}
      <table class="grid stack">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('col.sku')}</th>
            <th>{t('col.product')}</th>
            <th class="num">{t('outbound.col.picked')}</th>
            <th class="num">{t('outbound.col.packed')}</th>
            <th>{t('outbound.marking')}</th>
          </tr>
        </thead>
        <tbody>
          {o.lines.map((l) => (
            <tr class={l.packed === l.picked && l.picked > 0 ? 'row-done' : undefined}>
              <td data-label="#">{l.lineNo}</td>
              <td class="code head" data-label={t('col.sku')}>{l.sku}</td>
              <td data-label={t('col.product')}>{l.name}</td>
              <td class="num" data-label={t('outbound.col.picked')}>
                {t.number(l.picked)}
                {l.short > 0 && <small class="err-text"> −{l.short}</small>}
              </td>
              <td class="num" data-label={t('outbound.col.packed')}>{t.number(l.packed)}</td>
              <td data-label={t('outbound.marking')}>
                {l.requiresMarking ? (
                  <ul class="plain codes">
                    {v.codes
                      .filter((c) => c.lineId === l.id)
                      .map((c) => (
                        <li>
                          <code>{c.serial}</code>
                        </li>
                      ))}
                  </ul>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {o.status === 'picked' && (
        <form class="stacked" method="post" action={`/orders/${o.id}/pack`} data-result={boxError ? 'error' : undefined}>
          <CsrfField token={v.ctx.csrfToken} />
          <div class="form-grid">
            <Field label={t('outbound.weightKg')} name="weight_kg" error={e.weight_kg}>
              <input id="f-weight_kg" name="weight_kg" value={v.values.weight_kg ?? ''} inputmode="decimal" autocomplete="off" autofocus={boxError === 'weight_kg'} aria-invalid={e.weight_kg ? 'true' : undefined} aria-describedby={e.weight_kg ? 'f-weight_kg-error' : undefined} />
            </Field>
            <Field label={t('outbound.carrier')} name="carrier" error={e.carrier}>
              <input id="f-carrier" name="carrier" value={v.values.carrier ?? (o.channel === 'ozon' ? 'Ozon Logistics' : o.channel === 'wildberries' ? 'Wildberries' : '')} maxlength={60} autofocus={boxError === 'carrier'} aria-invalid={e.carrier ? 'true' : undefined} />
            </Field>
            <Field label={t('outbound.tracking')} name="tracking_number" error={e.tracking_number}>
              <input id="f-tracking_number" name="tracking_number" value={v.values.tracking_number ?? ''} maxlength={80} autocomplete="off" autofocus={boxError === 'tracking_number'} aria-invalid={e.tracking_number ? 'true' : undefined} />
            </Field>
          </div>
          <button type="submit" class="primary big" disabled={remaining > 0}>
            {t('outbound.closeBox')}
          </button>
        </form>
      )}
      {o.status === 'packed' && (
        <form class="stacked" method="post" action={`/orders/${o.id}/ship`} data-confirm={t('outbound.confirmShip', { order: o.externalId })}>
          <CsrfField token={v.ctx.csrfToken} />
          <p>
            {o.carrier} <code>{o.trackingNumber}</code> {o.weightGrams ? `· ${t.number(o.weightGrams / 1000)} ${t('outbound.kg')}` : ''}
          </p>
          <div class="form-actions">
            <a class="button secondary" href={`/orders/${o.id}/packing-list`}>
              {t('outbound.packingList')}
            </a>
            <button type="submit" class="primary">
              {t('outbound.ship')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** The packing list that goes into the box. */
export function PackingListPage(v: { ctx: ViewContext; order: OrderDetail; codes: { lineId: number; serial: string }[] }) {
  const { t } = v.ctx;
  const o = v.order;
  return (
    <Layout ctx={v.ctx} title={`${t('outbound.packingList')} ${o.externalId}`}>
      <div class="title-row no-print">
        <p class="crumbs">
          <a href={`/orders/${o.id}`}>{o.externalId}</a> / {t('outbound.packingList')}
        </p>
        <button type="button" class="secondary" onclick="window.print()">
          {t('inbound.print')}
        </button>
      </div>
      <h1>
        {t('outbound.packingList')} {o.externalId}
      </h1>
      <p>
        {o.sellerName} · {o.warehouseCode} · {t(`outbound.channel.${o.channel}`)} {o.carrier && `· ${o.carrier}`} {o.trackingNumber && <code>{o.trackingNumber}</code>}
      </p>
      <div class="table-scroll">
      <table class="grid stack">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('col.sku')}</th>
            <th>{t('col.product')}</th>
            <th class="num">{t('col.quantity')}</th>
            <th>{t('outbound.marking')}</th>
          </tr>
        </thead>
        <tbody>
          {o.lines
            .filter((l) => l.packed > 0)
            .map((l) => (
              <tr>
                <td data-label="#">{l.lineNo}</td>
                <td class="code head" data-label={t('col.sku')}>{l.sku}</td>
                <td data-label={t('col.product')}>{l.name}</td>
                <td class="num" data-label={t('col.quantity')}>{t.number(l.packed)}</td>
                <td data-label={t('outbound.marking')}>
                  {v.codes
                    .filter((c) => c.lineId === l.id)
                    .map((c) => c.serial)
                    .join(', ')}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      </div>
    </Layout>
  );
}

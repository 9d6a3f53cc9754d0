import type { ViewContext } from '../../src/context.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, type FieldErrors } from '../components/forms.tsx';

export type CountHeader = { id: number; warehouse: string; scopeText: string };

/** The scanner's start: scan the label of the next location (shown) or of any in the count. */
export function CountStartPage(v: { ctx: ViewContext; count: CountHeader; next: { code: string; status: string } | null; done: string; left: number; value: string; error?: string | undefined; notice?: { kind: 'ok' | 'info'; text: string } | undefined }) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={`${t('counts.one')} ${v.count.id}`} narrow>
      <p class="crumbs">
        <a href={`/counts/${v.count.id}`}>
          {t('counts.one')} {v.count.id} · {v.count.warehouse} · {v.count.scopeText}
        </a>
      </p>
      {v.notice && (
        <div class={`result ${v.notice.kind === 'ok' ? 'result-received' : 'result-over'}`} role="status" data-result={v.notice.kind === 'ok' ? 'ok' : 'warn'}>
          <strong>{v.notice.text}</strong>
        </div>
      )}
      {v.next ? (
        <>
          <h1>{t('counts.scanLocation')}</h1>
          <p class="next-location">
            {t(v.next.status === 'recount' ? 'counts.nextRecount' : 'counts.next')} <span class="code big-code">{v.next.code}</span>
            <small class="muted"> · {t('counts.left', { n: v.left })}</small>
          </p>
          <form class="scan-form" method="post" action={`/counts/${v.count.id}/open`} data-scan-form data-result={v.error ? 'error' : undefined}>
            <CsrfField token={v.ctx.csrfToken} />
            <div class={v.error ? 'field invalid' : 'field'}>
              <label for="f-location">{t('counts.locationLabel')}</label>
              <input id="f-location" name="location" value={v.value} required autofocus autocomplete="off" autocapitalize="characters" spellcheck={false} aria-invalid={v.error ? 'true' : undefined} data-scan-input />
              {v.error && <small class="error" id="f-location-error">{v.error}</small>}
            </div>
            <button type="submit" class="big">
              {t('counts.open')}
            </button>
          </form>
        </>
      ) : (
        <Alert kind="ok">{v.done}</Alert>
      )}
    </Layout>
  );
}

export type CountItemView = {
  ctx: ViewContext;
  count: CountHeader;
  place: { id: number; code: string; pass: number };
  counted: { sku: string; name: string; lot: string | null; expires_on: string | null; units: number }[];
  values: { scan: string; quantity: string; lot: string };
  errors: FieldErrors;
  formError?: string | undefined;
  done?: { sku: string; quantity: number; replayed: boolean } | undefined;
  idempotencyKey: string;
};

/**
 * Counting one location, blind: scan each item (EAN, case code, GS1 with lot and expiry, or
 * SKU), Enter; the quantity (1 unless typed). The list shows what has been counted here in
 * this pass, never what the system expects. "Location done" finishes it.
 */
export function CountItemPage(v: CountItemView) {
  const { t } = v.ctx;
  const base = `/counts/${v.count.id}/locations/${v.place.id}`;
  return (
    <Layout ctx={v.ctx} title={`${v.place.code} · ${t('counts.one')} ${v.count.id}`} narrow>
      <p class="crumbs">
        <a href={`/counts/${v.count.id}/count`}>
          {t('counts.one')} {v.count.id} · {v.count.warehouse}
        </a>
      </p>
      <h1>
        <span class="code">{v.place.code}</span>
        {v.place.pass === 2 && <span class="badge place-recount"> {t('counts.recountPass')}</span>}
      </h1>
      {v.place.pass === 2 && <p class="muted">{t('counts.recountIntro')}</p>}
      <CountItemPanel {...v} />
      <div class="actions count-actions">
        <form method="post" action={`${base}/finish`} data-confirm={v.counted.length === 0 ? t('counts.confirmEmpty', { code: v.place.code }) : undefined}>
          <CsrfField token={v.ctx.csrfToken} />
          <input type="hidden" name="pass" value={String(v.place.pass)} />
          <button type="submit" class="primary big">
            {t('counts.finishLocation')}
          </button>
        </form>
        <form method="post" action={`${base}/restart`} data-confirm={t('counts.confirmRestart', { code: v.place.code })}>
          <CsrfField token={v.ctx.csrfToken} />
          <input type="hidden" name="pass" value={String(v.place.pass)} />
          <button type="submit" class="secondary">
            {t('counts.restart')}
          </button>
        </form>
      </div>
    </Layout>
  );
}

/** The last scan's result, the scan form and what this pass has counted: the part an htmx request gets alone. */
export function CountItemPanel(v: CountItemView) {
  const { t } = v.ctx;
  const failed = Object.keys(v.errors).length > 0 || Boolean(v.formError);
  const base = `/counts/${v.count.id}/locations/${v.place.id}`;
  return (
    <div id="count-item">
      {v.done && (
        <div class="result result-received" role="status" data-result="ok">
          <strong>{v.done.replayed ? t('move.replayed') : t('counts.countedOne')}</strong>
          {!v.done.replayed && <span class="result-qty">+{t.number(v.done.quantity)}</span>}
          <span class="code">{v.done.sku}</span>
        </div>
      )}
      <form class="scan-form" method="post" action={`${base}/scans`} data-scan-form data-result={failed ? 'error' : undefined}>
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
        <input type="hidden" name="pass" value={String(v.place.pass)} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <div class={v.errors.scan ? 'field invalid' : 'field'}>
          <label for="f-scan">{t('counts.scanItem')}</label>
          <input id="f-scan" name="scan" value={v.values.scan} required autofocus autocomplete="off" autocapitalize="off" spellcheck={false} enterkeyhint="next" aria-invalid={v.errors.scan ? 'true' : undefined} data-scan-input />
          {v.errors.scan && <small class="error" id="f-scan-error">{v.errors.scan}</small>}
        </div>
        <div class="receive-row">
          <div class={v.errors.quantity ? 'field invalid' : 'field'}>
            <label for="f-quantity">{t('col.quantity')}</label>
            <input id="f-quantity" name="quantity" value={v.values.quantity || '1'} inputmode="numeric" required aria-invalid={v.errors.quantity ? 'true' : undefined} data-stop data-count-scans-of="f-scan" />
            {v.errors.quantity && <small class="error" id="f-quantity-error">{v.errors.quantity}</small>}
          </div>
          <div class={v.errors.lot ? 'field invalid' : 'field'}>
            <label for="f-lot">{t('col.lot')}</label>
            <input id="f-lot" name="lot" value={v.values.lot} autocomplete="off" aria-invalid={v.errors.lot ? 'true' : undefined} />
            {v.errors.lot && <small class="error" id="f-lot-error">{v.errors.lot}</small>}
          </div>
        </div>
        <button type="submit" class="big">
          {t('counts.count')}
        </button>
      </form>
      <h2>{t('counts.countedHere')}</h2>
      {v.counted.length === 0 ? (
        <p class="empty">{t('counts.nothingYet')}</p>
      ) : (
        <ul class="progress-lines" id="counted">
          {v.counted.map((r) => (
            <li class="pl pl-part">
              <span class="pl-name">
                <span class="code">{r.sku}</span> {r.lot || r.expires_on ? <small>{[r.lot, r.expires_on && t.date(r.expires_on)].filter(Boolean).join(' · ')}</small> : null}
              </span>
              <span class="pl-count">{t.number(r.units)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

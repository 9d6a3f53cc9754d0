import type { ViewContext } from '../../src/context.ts';
import type { ReceivingProgress } from '../../src/inbound/queries.ts';
import type { ReceiptResult } from '../../src/inbound/receive-item.ts';
import type { InboundStatus } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, type FieldErrors } from '../components/forms.tsx';
import { StatusBadge } from './status-badge.tsx';

export type PickAsnView = {
  ctx: ViewContext;
  value: string;
  error?: string | undefined;
  shipments: { id: number; reference: string; status: InboundStatus; sellerCode: string; warehouseCode: string; eta: string | null }[];
};

/** The scanner's first step: scan the ASN label (its reference) or tap the ASN. */
export function PickAsnPage(v: PickAsnView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('inbound.receiveScanner')} narrow>
      <h1>{t('inbound.receiveScanner')}</h1>
      <form class="scan-form" method="get" action="/receive" data-result={v.error ? 'error' : undefined}>
        {v.error && <Alert kind="error">{v.error}</Alert>}
        <div class="field">
          <label for="f-ref">{t('inbound.scanAsn')}</label>
          <div class="search-line">
            <input id="f-ref" name="ref" value={v.value} autofocus autocomplete="off" autocapitalize="characters" spellcheck={false} enterkeyhint="go" required data-scan-input />
            <button type="submit">{t('inbound.open')}</button>
          </div>
        </div>
      </form>
      <h2>{t('inbound.atTheDock')}</h2>
      {v.shipments.length === 0 ? (
        <p class="empty">{t('inbound.nothingAtDock')}</p>
      ) : (
        <ul class="tap-list">
          {v.shipments.map((s) => (
            <li>
              <a href={s.status === 'expected' ? `/inbound/${s.id}/arrival` : `/inbound/${s.id}/receive`}>
                <strong class="code">{s.reference}</strong> <StatusBadge t={t} status={s.status} />
                <small class="muted">
                  {' '}
                  {s.warehouseCode} · {s.sellerCode}
                  {s.eta && ` · ${t.date(s.eta)}`}
                </small>
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export type ReceiveValues = { scan?: string; quantity?: string; lot?: string; expiry?: string; condition?: string };
/** What to do about each field asked for: confirm the ASN's lot or expiry, or scan or type it. */
export type ReceivePrompts = { lot?: string; expiry?: string };

export type ReceiveView = {
  ctx: ViewContext;
  shipment: ReceivingProgress;
  values: ReceiveValues;
  errors: FieldErrors;
  formError?: string | undefined;
  /** Fields the last scan lacked (lot, expiry): shown and prefilled, the first of them required. */
  ask: { lot?: string; expiry?: string };
  /** Next to the fields asked for: a prompt, not an error (nothing was wrong with the scan). */
  prompts?: ReceivePrompts | undefined;
  done?: ReceiptResult | undefined;
  idempotencyKey: string;
};

export function ReceivePage(v: ReceiveView) {
  const { t } = v.ctx;
  const s = v.shipment;
  return (
    <Layout ctx={v.ctx} title={`${t('inbound.receiving')} ${s.reference}`} narrow>
      <p class="crumbs">
        <a href="/receive">{t('inbound.receiveScanner')}</a> / <a href={`/inbound/${s.id}`}>{s.reference}</a>
      </p>
      <ReceiveForm {...v} />
    </Layout>
  );
}

const outcomeResult = { received: 'ok', over: 'warn', unexpected: 'warn', quarantined: 'warn' } as const;

/**
 * The scan form and the ASN's progress: one input with focus; Enter receives. The result
 * banner is green (received), amber (over, another lot than the ASN's, quarantined, not on the
 * ASN) or red (refused). A scan that lacks a lot or expiry asks for it (amber, two beeps),
 * prefilled from the ASN: Enter confirms it, or the carton's label is scanned into it. Only the
 * first field asked for is required, so Enter after a label scanned into the lot sends it.
 */
export function ReceiveForm(v: ReceiveView) {
  const { t } = v.ctx;
  const s = v.shipment;
  const e = v.errors;
  const val = v.values;
  const failed = Boolean(v.formError || Object.keys(e).length);
  const asking = v.ask.lot !== undefined || v.ask.expiry !== undefined;
  // What was sent comes back in the form when it was not received.
  const kept = failed || asking;
  const prompts = v.prompts ?? {};
  const d = v.done;
  const otherLot = Boolean(d?.expectedLot);
  const result = d ? (otherLot ? 'warn' : outcomeResult[d.outcome]) : failed ? 'error' : asking ? 'warn' : undefined;
  // A field asked for, or refused (a label of another item scanned into it), takes the next scan.
  const focusLot = v.ask.lot !== undefined || Boolean(e.lot && !e.scan);
  const focusExpiry = !focusLot && (v.ask.expiry !== undefined || Boolean(e.expiry && !e.scan));
  const focusQuantity = !asking && Object.keys(e)[0] === 'quantity';
  const expected = s.lines.reduce((n, l) => n + l.expected, 0);
  const received = s.lines.reduce((n, l) => n + l.received + l.damaged, 0);
  return (
    <form id="receive-form" class="scan-form receive" method="post" action={`/inbound/${s.id}/receipts`} hx-post={`/inbound/${s.id}/receipts`} hx-target="this" hx-swap="outerHTML" data-scan-form data-result={result}>
      <CsrfField token={v.ctx.csrfToken} />
      <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
      <div class="asn-head">
        <strong class="code">{s.reference}</strong> <StatusBadge t={t} status={s.status} />
        <span class="muted">
          {' '}
          {s.sellerCode} · {t('inbound.progress', { received: t.number(received), expected: t.number(expected) })}
        </span>
      </div>
      {d && (
        <div class={`result result-${otherLot && d.outcome === 'received' ? 'over' : d.outcome}`} role="status">
          <strong>{otherLot && d.outcome === 'received' ? t('inbound.outcome.otherLot') : t(`inbound.outcome.${d.outcome}`)}</strong>
          <span class="result-qty">+{t.number(d.quantity)}</span>
          <span class="code">{d.sku}</span> <span>{d.productName}</span>
          <small>
            {d.lot && `${t('col.lot')} ${d.lot} · `}
            {d.expiry && `${t('col.expiry')} ${t.date(d.expiry)} · `}
            {d.serial && `${t('inbound.serial')} ${d.serial} · `}→ <span class="code">{d.location}</span>
            {d.quarantineReason && ` · ${t(`inbound.quarantine.${d.quarantineReason}`)}`}
            {d.replayed && ` · ${t('move.replayed')}`}
          </small>
          {d.expectedLot && <small class="warn-text">{t('inbound.lotNotAsExpected', { lot: d.lot ?? '', expected: d.expectedLot })}</small>}
          <small>
            {d.outcome === 'unexpected'
              ? t('inbound.notOnAsnProgress', { line: d.lineNo, received: t.number(d.received + d.damaged) })
              : t('inbound.lineProgress', { line: d.lineNo, received: t.number(d.received + d.damaged), expected: t.number(d.expected) })}
          </small>
        </div>
      )}
      {v.formError && <Alert kind="error">{v.formError}</Alert>}
      {e.confirm_over && (
        <div class="field invalid confirm-over">
          <small class="error" role="alert">
            {e.confirm_over}
          </small>
          <label class="check">
            <input type="checkbox" name="confirm_over" value="1" autofocus />
            <span>{t('inbound.confirmOver')}</span>
          </label>
        </div>
      )}
      <div class={e.scan || e.sku ? 'field invalid' : 'field'}>
        <label for="f-scan">{t('inbound.scanItem')}</label>
        <input
          id="f-scan"
          name="scan"
          value={kept ? (val.scan ?? '') : ''}
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          enterkeyhint="send"
          autofocus={!focusLot && !focusExpiry && !focusQuantity && !e.confirm_over}
          required
          aria-invalid={e.scan ? 'true' : undefined}
          data-scan-input
        />
        {(e.scan ?? e.sku) && (
          <small class="error" role="alert">
            {e.scan ?? e.sku}
          </small>
        )}
      </div>
      <div class="receive-row">
        <div class={e.quantity ? 'field invalid' : 'field'}>
          <label for="f-quantity">{t('col.quantity')}</label>
          <input id="f-quantity" name="quantity" value={kept ? (val.quantity ?? '1') : '1'} inputmode="numeric" autocomplete="off" autofocus={focusQuantity} aria-invalid={e.quantity ? 'true' : undefined} />
          {e.quantity && <small class="error">{e.quantity}</small>}
        </div>
        <div class="field">
          <span class="label">{t('inbound.condition')}</span>
          <div class="segmented" role="radiogroup" aria-label={t('inbound.condition')}>
            <label class="seg">
              <input type="radio" name="condition" value="good" checked={!kept || val.condition !== 'damaged'} />
              <span>{t('inbound.condition.good')}</span>
            </label>
            <label class="seg seal-broken">
              <input type="radio" name="condition" value="damaged" checked={kept && val.condition === 'damaged'} />
              <span>{t('inbound.condition.damaged')}</span>
            </label>
          </div>
        </div>
      </div>
      <details class="lot-fields" open={asking || Boolean(e.lot || e.expiry)}>
        <summary>{t('inbound.lotAndExpiry')}</summary>
        <div class="receive-row">
          <div class={e.lot ? 'field invalid' : 'field'}>
            <label for="f-lot">{t('col.lot')}</label>
            <input id="f-lot" name="lot" value={v.ask.lot ?? (kept ? (val.lot ?? '') : '')} autocomplete="off" autocapitalize="characters" spellcheck={false} required={v.ask.lot !== undefined} autofocus={focusLot} aria-invalid={e.lot ? 'true' : undefined} />
          </div>
          <div class={e.expiry ? 'field invalid' : 'field'}>
            <label for="f-expiry">{t('col.expiry')}</label>
            <input id="f-expiry" name="expiry" type="date" value={v.ask.expiry ?? (kept ? (val.expiry ?? '') : '')} required={focusExpiry} autofocus={focusExpiry} aria-invalid={e.expiry ? 'true' : undefined} />
          </div>
        </div>
        {(prompts.lot || prompts.expiry) && (
          <small class="hint" role="status">
            {[prompts.lot, prompts.expiry].filter(Boolean).join(' ')}
          </small>
        )}
        {(e.lot || e.expiry) && (
          <small class="error" role="alert">
            {[e.lot, e.expiry].filter(Boolean).join(' ')}
          </small>
        )}
      </details>
      <button type="submit" class="primary big">
        {t('inbound.receive')}
      </button>
      <ul class="progress-lines">
        {s.lines.map((l) => {
          const got = l.received + l.damaged;
          const state = l.unexpected ? 'unexpected' : got === 0 ? 'todo' : got < l.expected ? 'part' : got === l.expected ? 'done' : 'over';
          return (
            <li class={`pl pl-${state}`}>
              <span class="pl-no">{l.lineNo}</span>
              <span class="pl-name">
                <span class="code">{l.sku}</span> {l.name}
                {l.quarantineReason && <small class="warn-text"> · {t(`inbound.quarantine.${l.quarantineReason as 'temperature'}`)}</small>}
                {l.unexpected && <small class="warn-text"> · {t('inbound.notOnAsn')}</small>}
              </span>
              <span class="pl-count">
                {t.number(got)}
                {!l.unexpected && <> / {t.number(l.expected)}</>}
              </span>
            </li>
          );
        })}
      </ul>
    </form>
  );
}

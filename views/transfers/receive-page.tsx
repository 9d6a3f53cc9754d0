import type { ViewContext } from '../../src/context.ts';
import type { TransferReceiptResult } from '../../src/transfers/receive-transfer.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, type FieldErrors } from '../components/forms.tsx';

export type ReceiveTransferView = {
  ctx: ViewContext;
  transfer: { id: number; from: string; to: string };
  lines: { lineNo: number; sku: string; dispatched: number; received: number; inTransit: number }[];
  values: { scan: string; quantity: string; lot: string; condition: string };
  errors: FieldErrors;
  formError?: string | undefined;
  done?: TransferReceiptResult | undefined;
  idempotencyKey: string;
};

/**
 * Receiving a transfer on the scanner: scan the item (EAN, GS1 with lot, or SKU), Enter; the
 * quantity (1 unless typed), Enter. Each scan moves units off the road to the dock; the lines
 * below count down what is still on the road.
 */
export function ReceiveTransferPage(v: ReceiveTransferView) {
  const { t } = v.ctx;
  const hasError = Object.keys(v.errors).length > 0 || Boolean(v.formError);
  return (
    <Layout ctx={v.ctx} title={`${t('transfers.receiveByScan')} ${v.transfer.id}`} narrow>
      <p class="crumbs">
        <a href={`/transfers/${v.transfer.id}`}>
          {t('transfers.one')} {v.transfer.id} · {v.transfer.from} → {v.transfer.to}
        </a>
      </p>
      <h1>{t('transfers.receiveByScan')}</h1>
      {v.done && (
        <div class={`result ${v.done.condition === 'damaged' ? 'result-over' : 'result-received'}`} role="status" data-result={v.done.condition === 'damaged' ? 'warn' : 'ok'}>
          <strong>{v.done.replayed ? t('move.replayed') : t('transfers.received')}</strong>
          <span class="result-qty">+{t.number(v.done.quantity)}</span>
          <span class="code">{v.done.sku}</span>
          <small>
            {v.done.lot && `${t('col.lot')} ${v.done.lot} · `}→ <span class="code">{v.done.location}</span> · {t.number(v.done.received)} / {t.number(v.done.dispatched)}
          </small>
        </div>
      )}
      <form class="scan-form" method="post" action={`/transfers/${v.transfer.id}/receive`} data-scan-form data-result={hasError ? 'error' : undefined}>
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
        {v.formError && <Alert kind="error">{v.formError}</Alert>}
        <div class={v.errors.scan ? 'field invalid' : 'field'}>
          <label for="f-scan">{t('transfers.scanItem')}</label>
          <input id="f-scan" name="scan" value={v.values.scan} required autofocus autocomplete="off" autocapitalize="off" spellcheck={false} enterkeyhint="next" data-scan-input />
          {v.errors.scan && <small class="error" id="f-scan-error">{v.errors.scan}</small>}
        </div>
        <div class="receive-row">
          <div class={v.errors.quantity ? 'field invalid' : 'field'}>
            <label for="f-quantity">{t('col.quantity')}</label>
            <input id="f-quantity" name="quantity" value={v.values.quantity || '1'} inputmode="numeric" required data-stop data-count-scans-of="f-scan" />
            {v.errors.quantity && <small class="error" id="f-quantity-error">{v.errors.quantity}</small>}
          </div>
          <div class={v.errors.lot ? 'field invalid' : 'field'}>
            <label for="f-lot">{t('col.lot')}</label>
            <input id="f-lot" name="lot" value={v.values.lot} autocomplete="off" />
            {v.errors.lot && <small class="error" id="f-lot-error">{v.errors.lot}</small>}
          </div>
        </div>
        <label class="check">
          <input type="checkbox" name="condition" value="damaged" checked={v.values.condition === 'damaged'} style="width:auto;min-height:0" /> {t('transfers.damaged')}
        </label>
        <button type="submit" class="big">
          {t('transfers.receive')}
        </button>
      </form>
      <ul class="progress-lines">
        {v.lines.map((l) => (
          <li class={`pl ${l.inTransit === 0 ? 'pl-done' : l.received > 0 ? 'pl-part' : ''}`} data-line={l.lineNo}>
            <span class="pl-no">{l.lineNo}</span>
            <span class="pl-name code">{l.sku}</span>
            <span class="pl-count">
              {t.number(l.received)} / {t.number(l.dispatched)}
            </span>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { TransferReceiptResult } from '../../src/transfers/receive-transfer.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, type FieldErrors } from '../components/forms.tsx';

export type ReceiveTransferView = {
  ctx: ViewContext;
  /** Loading at the source (confirm-by-scan before dispatch) or receiving at the destination. */
  mode: 'load' | 'receive';
  transfer: { id: number; from: string; to: string; seals: string[]; vehiclePlate: string | null };
  /** Per line: units done (loaded / received) of units to do (picked / dispatched). */
  lines: { lineNo: number; sku: string; done: number; of: number }[];
  values: { scan: string; quantity: string; lot: string; condition: string };
  errors: FieldErrors;
  formError?: string | undefined;
  done?: (Pick<TransferReceiptResult, 'sku' | 'quantity' | 'replayed'> & Partial<TransferReceiptResult>) | undefined;
  idempotencyKey: string;
};

/**
 * A transfer on the scanner: scan the item (EAN, GS1 with lot, or SKU), Enter; the quantity
 * (1 unless typed), Enter. Loading counts units onto the vehicle before dispatch (and offers
 * the dispatch once all is loaded); receiving moves units off the road to the dock. The lines
 * below count what is done.
 */
export function ReceiveTransferPage(v: ReceiveTransferView) {
  const { t } = v.ctx;
  const hasError = Object.keys(v.errors).length > 0 || Boolean(v.formError);
  const title = v.mode === 'load' ? t('transfers.load') : t('transfers.receiveByScan');
  const complete = v.lines.length > 0 && v.lines.every((l) => l.done >= l.of);
  return (
    <Layout ctx={v.ctx} title={`${title} ${v.transfer.id}`} narrow>
      <p class="crumbs">
        <a href={`/transfers/${v.transfer.id}`}>
          {t('transfers.one')} {v.transfer.id} · {v.transfer.from} → {v.transfer.to}
        </a>
      </p>
      <h1>{title}</h1>
      {v.done && (
        <div class={`result ${v.done.condition === 'damaged' ? 'result-over' : 'result-received'}`} role="status" data-result={v.done.condition === 'damaged' ? 'warn' : 'ok'}>
          <strong>{v.done.replayed ? t('move.replayed') : v.mode === 'load' ? t('transfers.loaded') : t('transfers.received')}</strong>
          <span class="result-qty">+{t.number(v.done.quantity)}</span>
          <span class="code">{v.done.sku}</span>
          {v.done.location && (
            <small>
              {v.done.lot && `${t('col.lot')} ${v.done.lot} · `}→ <span class="code">{v.done.location}</span> · {t.number(v.done.received ?? 0)} / {t.number(v.done.dispatched ?? 0)}
            </small>
          )}
        </div>
      )}
      {v.mode === 'load' && complete && (
        <form method="post" action={`/transfers/${v.transfer.id}/dispatch`} class="stacked">
          <CsrfField token={v.ctx.csrfToken} />
          <Alert kind="ok">{t('transfers.allLoaded')}</Alert>
          <div class="field">
            <label for="f-seals">{t('transfers.seals')}</label>
            <input id="f-seals" name="seals" value={v.transfer.seals.join(' ')} />
          </div>
          <div class="field">
            <label for="f-vehicle_plate">{t('inbound.vehiclePlate')}</label>
            <input id="f-vehicle_plate" name="vehicle_plate" value={v.transfer.vehiclePlate ?? ''} maxlength={20} />
          </div>
          <div class="field">
            <label for="f-documents">{t('transfers.documents')}</label>
            <input id="f-documents" name="documents" maxlength={500} />
          </div>
          <button type="submit" class="big">
            {t('transfers.dispatch')}
          </button>
        </form>
      )}
      <form class="scan-form" method="post" action={`/transfers/${v.transfer.id}/${v.mode}`} data-scan-form data-result={hasError ? 'error' : undefined}>
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
        {v.mode === 'receive' && (
          <label class="check">
            <input type="checkbox" name="condition" value="damaged" checked={v.values.condition === 'damaged'} style="width:auto;min-height:0" /> {t('transfers.damaged')}
          </label>
        )}
        <button type="submit" class="big">
          {v.mode === 'load' ? t('transfers.loadOne') : t('transfers.receive')}
        </button>
      </form>
      <ul class="progress-lines">
        {v.lines.map((l) => (
          <li class={`pl ${l.done >= l.of ? 'pl-done' : l.done > 0 ? 'pl-part' : ''}`} data-line={l.lineNo}>
            <span class="pl-no">{l.lineNo}</span>
            <span class="pl-name code">{l.sku}</span>
            <span class="pl-count">
              {t.number(l.done)} / {t.number(l.of)}
            </span>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

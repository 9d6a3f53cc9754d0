import type { ViewContext } from '../../src/context.ts';
import type { Warehouse } from '../../src/inventory/queries.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, Field, Select, type FieldErrors } from '../components/forms.tsx';

export type ReadingView = {
  ctx: ViewContext;
  warehouses: Warehouse[];
  warehouse: Warehouse;
  target: string;
  celsius: string;
  errors: FieldErrors;
  /** A message about the whole form (a key sent again with another reading). */
  formError?: string | undefined;
  done?: { target: string; celsius: number; inRange: boolean; range: string; opened: boolean } | undefined;
  /** This form's own key: the same form sent twice records one reading. */
  idempotencyKey: string;
};

/**
 * Typing a reading on the scanner: scan the slot's or the zone's label (Enter moves on), type
 * the °C, Enter saves. The result stays on screen, green in range, red outside it.
 */
export function ReadingPage(v: ReadingView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('cold.enterReading')} narrow>
      <h1>{t('cold.enterReading')}</h1>
      <ReadingPanel {...v} />
      <p>
        <a href={`/cold?warehouse=${encodeURIComponent(v.warehouse.code)}`}>{t('cold.title')}</a>
      </p>
    </Layout>
  );
}

/** The result of the last reading and the form: the page's part an htmx request gets alone. */
export function ReadingPanel(v: ReadingView) {
  const { t } = v.ctx;
  const hasError = Object.keys(v.errors).length > 0 || Boolean(v.formError);
  return (
    <div id="reading-panel">
      {v.done && (
        <div class={`result ${v.done.inRange ? 'result-received' : 'result-unexpected'}`} role="status" data-result={v.done.inRange ? 'ok' : 'warn'}>
          <strong>{v.done.inRange ? t('cold.readingSaved') : t('cold.readingOut')}</strong>
          <span class="result-qty">{t.celsius(v.done.celsius)}</span>
          <span class="code">{v.done.target}</span>
          <small>
            {t('cold.allowed', { range: v.done.range })}
            {v.done.opened && ` · ${t('cold.excursionOpened')}`}
          </small>
        </div>
      )}
      <form class="scan-form" method="post" action="/cold/readings" data-result={hasError ? 'error' : undefined} data-scan-form>
        <CsrfField token={v.ctx.csrfToken} />
        <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
        {hasError && <Alert kind="error">{v.formError ?? t('error.checkFields')}</Alert>}
        {v.warehouses.length > 1 ? (
          <Field label={t('col.warehouse')} name="warehouse">
            <Select name="warehouse" value={v.warehouse.code} options={v.warehouses.map((w) => ({ value: w.code, label: `${w.code} · ${w.name}` }))} />
          </Field>
        ) : (
          <input type="hidden" name="warehouse" value={v.warehouse.code} />
        )}
        <Field label={t('cold.scanTarget')} name="target" error={v.errors.target}>
          <input id="f-target" name="target" value={v.target} required autocomplete="off" autocapitalize="characters" spellcheck={false} enterkeyhint="next" autofocus={!v.target || Boolean(v.errors.target)} aria-invalid={v.errors.target ? 'true' : undefined} data-scan-input />
        </Field>
        <Field label={t('cold.celsius')} name="celsius" error={v.errors.celsius}>
          <input id="f-celsius" name="celsius" value={v.celsius} required autocomplete="off" inputmode="decimal" enterkeyhint="done" autofocus={Boolean(v.target) && !v.errors.target} aria-invalid={v.errors.celsius ? 'true' : undefined} />
        </Field>
        <button type="submit" class="big">
          {t('cold.saveReading')}
        </button>
      </form>
    </div>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { TaskRow } from '../../src/outbound/queries.ts';
import type { PickResult } from '../../src/outbound/confirm-pick.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField, type FieldErrors } from '../components/forms.tsx';
import { ClassBadge } from '../components/stock-table.tsx';

export type PickView = {
  ctx: ViewContext;
  listId: number;
  task: TaskRow | null;
  left: number;
  total: number;
  values: { location?: string; scan?: string; lot?: string; quantity?: string };
  errors: FieldErrors;
  formError?: string | undefined;
  done?: PickResult | undefined;
  notice?: string | undefined;
  idempotencyKey: string;
};

export function PickPage(v: PickView) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={`${t('outbound.pickList')} #${v.listId}`} narrow>
      <p class="crumbs">
        <a href={`/pick-lists/${v.listId}`}>
          {t('outbound.pickList')} #{v.listId}
        </a>
      </p>
      <PickForm {...v} />
    </Layout>
  );
}

/**
 * Scan-to-pick: the next task (location, product, lot, quantity); scan the location label,
 * then the item, then confirm the quantity. Enter moves from field to field. The location
 * label is checked as soon as it is scanned (a wrong one is refused there, before the item).
 * A task naming a lot has a lot field: a GS1 scan carrying the lot leaves it empty, a plain
 * EAN asks for it (the field is not required, so Enter after a GS1 scan goes on to the quantity).
 */
export function PickForm(v: PickView) {
  const { t } = v.ctx;
  const task = v.task;
  const e = v.errors;
  const failed = Boolean(v.formError || Object.keys(e).length);
  const result = v.done ? 'ok' : failed ? 'error' : undefined;
  const firstError = Object.keys(e)[0];
  if (!task) {
    return (
      <div id="pick-form" class="scan-form" data-result={result}>
        {v.done && <Alert kind="ok">{t('outbound.picked', { quantity: t.number(v.done.quantity), sku: v.done.sku, to: v.done.to })}</Alert>}
        <Alert kind="info">{t('outbound.listDone')}</Alert>
        <a class="button" href={`/pick-lists/${v.listId}`}>
          {t('outbound.backToList')}
        </a>
      </div>
    );
  }
  const left = task.quantity - task.picked - task.short;
  return (
    <form id="pick-form" class="scan-form" method="post" action={`/pick-tasks/${task.id}/picks`} hx-post={`/pick-tasks/${task.id}/picks`} hx-target="this" hx-swap="outerHTML" data-scan-form data-result={result}>
      <CsrfField token={v.ctx.csrfToken} />
      <input type="hidden" name="idempotency_key" value={v.idempotencyKey} />
      <input type="hidden" name="list" value={String(v.listId)} />
      {v.done && (
        <div class="result result-received" role="status">
          <strong>{t('outbound.picked', { quantity: t.number(v.done.quantity), sku: v.done.sku, to: v.done.to })}</strong>
        </div>
      )}
      {v.notice && <Alert kind="info">{v.notice}</Alert>}
      {v.formError && <Alert kind="error">{v.formError}</Alert>}
      <p class="muted">{t('outbound.tasksLeft', { left: t.number(v.left), total: t.number(v.total) })}</p>
      <div class="goto">
        <span>{t('outbound.goTo')}</span>
        <strong class="code">{task.location}</strong>
        <small>
          <ClassBadge t={t} value={task.zoneClass} />
        </small>
      </div>
      <p class="task-what">
        <span class="code">{task.sku}</span> {task.name}
        <br />
        <strong class="result-qty">× {t.number(left)}</strong>
        {task.lot && <span> · {t('col.lot')} <code>{task.lot}</code></span>}
        {task.expiry && <span> · {t('col.expiry')} {t.date(task.expiry)}</span>}
        <small class="muted"> · {task.externalId}</small>
      </p>
      <div class={e.location ? 'field invalid' : 'field'}>
        <label for="f-location">{t('outbound.scanLocation')}</label>
        <input
          id="f-location"
          name="location"
          value={failed && !e.location ? (v.values.location ?? '') : ''}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          required
          autofocus={!firstError || firstError === 'location'}
          aria-invalid={e.location ? 'true' : undefined}
          aria-describedby={e.location ? 'f-location-error' : undefined}
          data-scan-input
          hx-get={`/pick-lists/${v.listId}/pick?task=${task.id}`}
          hx-trigger="change"
          hx-target="#pick-form"
          hx-swap="outerHTML"
          hx-sync="closest form:abort"
        />
        {e.location && <small class="error" id="f-location-error" role="alert">{e.location}</small>}
      </div>
      <div class={e.scan || e.sku ? 'field invalid' : 'field'}>
        <label for="f-scan">{t('outbound.scanItem')}</label>
        <input id="f-scan" name="scan" value={failed && !e.scan && !e.sku ? (v.values.scan ?? '') : ''} autocomplete="off" autocapitalize="off" spellcheck={false} required autofocus={firstError === 'scan' || firstError === 'sku' || (firstError === 'lot' && !task.lot)} aria-invalid={e.scan || e.sku ? 'true' : undefined} />
        {(e.scan ?? e.sku ?? (task.lot ? undefined : e.lot)) && <small class="error" role="alert">{e.scan ?? e.sku ?? e.lot}</small>}
      </div>
      {task.lot && (
        <div class={e.lot ? 'field invalid' : 'field'}>
          <label for="f-lot">{t('outbound.scanLot')}</label>
          <input id="f-lot" name="lot" value={failed && !e.lot ? (v.values.lot ?? '') : ''} autocomplete="off" autocapitalize="characters" spellcheck={false} maxlength={200} autofocus={firstError === 'lot'} aria-invalid={e.lot ? 'true' : undefined} aria-describedby={e.lot ? 'f-lot-error' : undefined} />
          {e.lot && <small class="error" id="f-lot-error" role="alert">{e.lot}</small>}
        </div>
      )}
      <div class={e.quantity ? 'field invalid' : 'field'}>
        <label for="f-quantity">{t('col.quantity')}</label>
        <input id="f-quantity" name="quantity" value={failed ? (v.values.quantity ?? String(left)) : String(left)} inputmode="numeric" autocomplete="off" required autofocus={firstError === 'quantity'} data-stop data-count-scans-of="f-scan" aria-invalid={e.quantity ? 'true' : undefined} />
        {e.quantity && <small class="error" role="alert">{e.quantity}</small>}
      </div>
      <button type="submit" class="primary big">
        {t('outbound.confirmPick')}
      </button>
      <button type="submit" class="danger big-secondary" formaction={`/pick-tasks/${task.id}/short`} hx-post={`/pick-tasks/${task.id}/short`} formnovalidate hx-confirm={t('outbound.confirmShort', { quantity: left, location: task.location })}>
        {t('outbound.short')}
      </button>
    </form>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { EventRow, ReceiptRow, ShipmentDetail } from '../../src/inbound/queries.ts';
import { can } from '../../src/auth/policy.ts';
import { canTransition, editableStatuses, hasArrived, receivableStatuses } from '../../src/inbound/status.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField } from '../components/forms.tsx';
import { ClassBadge, Expiry } from '../components/stock-table.tsx';
import { StatusBadge } from './status-badge.tsx';
import { LinesTable } from './lines-table.tsx';

export type ShipmentView = { ctx: ViewContext; shipment: ShipmentDetail; receipts: ReceiptRow[]; events: EventRow[]; notice?: string | undefined; error?: string | undefined };

function ActionButton(props: { ctx: ViewContext; id: number; action: string; label: string; kind?: 'secondary' | 'danger'; confirm?: string }) {
  return (
    <form method="post" action={`/inbound/${props.id}/status`} class="inline">
      <CsrfField token={props.ctx.csrfToken} />
      <button type="submit" name="action" value={props.action} class={props.kind} onclick={props.confirm ? `return confirm(${JSON.stringify(props.confirm)})` : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** One ASN: what was announced, what arrived, what was received, and its story. */
export function ShipmentPage(v: ShipmentView) {
  const { t, user } = v.ctx;
  const s = v.shipment;
  const u = user!;
  const at = { warehouseId: s.warehouseId };
  const staff = u.role !== 'seller';
  const sealState = new Map((s.sealChecks ?? []).map((c) => [c.seal, c]));
  const extraSeals = (s.sealChecks ?? []).filter((c) => !s.seals.includes(c.seal));
  const tz = s.timezone;
  const sum = (f: (l: ShipmentDetail['lines'][number]) => number) => s.lines.reduce((n, l) => n + f(l), 0);
  const shortTotal = sum((l) => l.short);
  return (
    <Layout ctx={v.ctx} title={`${t('inbound.asn')} ${s.reference}`}>
      <p class="crumbs">
        <a href="/inbound">{t('inbound.title')}</a> / {s.reference}
      </p>
      <div class="title-row">
        <h1>
          {s.reference} <StatusBadge t={t} status={s.status} />
        </h1>
        <div class="actions">
          {editableStatuses.includes(s.status) && can(u, 'inbound.create', at) && (
            <a class="button secondary" href={`/inbound/${s.id}/edit`}>
              {t('inbound.edit')}
            </a>
          )}
          {canTransition(s.status, 'submit') && can(u, 'inbound.create', at) && <ActionButton ctx={v.ctx} id={s.id} action="submit" label={t('inbound.submit')} />}
          {canTransition(s.status, 'arrive') && can(u, 'inbound.receive', at) && (
            <a class="button" href={`/inbound/${s.id}/arrival`}>
              {t('inbound.recordArrival')}
            </a>
          )}
          {receivableStatuses.includes(s.status) && can(u, 'inbound.receive', at) && (
            <a class="button" href={`/inbound/${s.id}/receive`}>
              {t('inbound.scanItems')}
            </a>
          )}
          {canTransition(s.status, 'finishReceiving') && can(u, 'inbound.receive', at) && (
            <ActionButton ctx={v.ctx} id={s.id} action="finishReceiving" label={t('inbound.finishReceiving')} kind="secondary" confirm={shortTotal > 0 ? t('inbound.confirmFinishShort', { short: shortTotal }) : t('inbound.confirmFinish')} />
          )}
          {canTransition(s.status, 'close') && can(u, 'inbound.approve', at) && (
            <ActionButton ctx={v.ctx} id={s.id} action="close" label={t('inbound.close')} confirm={t('inbound.confirmClose', { short: shortTotal, over: sum((l) => l.over), damaged: sum((l) => l.damaged) })} />
          )}
          {canTransition(s.status, 'cancel') && can(u, 'inbound.cancel', at) && (u.role !== 'seller' || s.status !== 'arrived') && (
            <ActionButton ctx={v.ctx} id={s.id} action="cancel" label={t('inbound.cancel')} kind="danger" confirm={t('inbound.confirmCancel')} />
          )}
          {hasArrived(s.status) && (
            <a class="button secondary" href={`/inbound/${s.id}/report`}>
              {t('inbound.report')}
            </a>
          )}
          {staff && (
            <a class="button secondary" href={`/inbound/${s.id}/label`}>
              {t('inbound.printLabel')}
            </a>
          )}
          {staff && ['receiving', 'received', 'closed'].includes(s.status) && can(u, 'inbound.receive', at) && (
            <a class="button secondary" href={`/putaway?warehouse=${encodeURIComponent(s.warehouseCode)}`}>
              {t('putaway.title')}
            </a>
          )}
        </div>
      </div>
      {v.notice && <Alert kind="ok">{v.notice}</Alert>}
      {v.error && <Alert kind="error">{v.error}</Alert>}
      <dl class="facts facts-grid">
        <div>
          <dt>{t('col.seller')}</dt>
          <dd>
            {s.sellerCode} · {s.sellerName}
          </dd>
        </div>
        <div>
          <dt>{t('col.warehouse')}</dt>
          <dd>
            {s.warehouseCode} · {s.warehouseName}
          </dd>
        </div>
        <div>
          <dt>{t('inbound.col.eta')}</dt>
          <dd>{s.eta ? t.date(s.eta) : '—'}</dd>
        </div>
        <div>
          <dt>{t('inbound.col.transport')}</dt>
          <dd>
            {t(`inbound.mode.${s.transportMode}`)}
            {s.tirCarnet && <> · {t('inbound.tirCarnet')} <code>{s.tirCarnet}</code></>}
          </dd>
        </div>
        {(s.vehiclePlate || s.trailerPlate) && (
          <div>
            <dt>{t('inbound.plates')}</dt>
            <dd>
              <code>{[s.vehiclePlate, s.trailerPlate].filter(Boolean).join(' / ')}</code>
            </dd>
          </div>
        )}
        {s.container && (
          <div>
            <dt>{t('inbound.container')}</dt>
            <dd>
              <code>{s.container}</code>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('inbound.seals')}</dt>
          <dd>
            {s.seals.length === 0 && extraSeals.length === 0 && '—'}
            <ul class="plain">
              {s.seals.map((seal) => {
                const c = sealState.get(seal);
                return (
                  <li>
                    <code>{seal}</code> {c ? <span class={`badge seal-${c.state}`}>{t(`inbound.seal.${c.state}`)}</span> : <span class="muted">{t('inbound.seal.unchecked')}</span>}
                    {c?.note && <small> — {c.note}</small>}
                  </li>
                );
              })}
              {extraSeals.map((c) => (
                <li>
                  <code>{c.seal}</code> <span class={`badge seal-${c.state}`}>{t(`inbound.seal.${c.state}`)}</span> <small class="muted">{t('inbound.seal.notOnAsn')}</small>
                  {c.note && <small> — {c.note}</small>}
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt>{t('inbound.arrivedAt')}</dt>
          <dd>{s.arrivedAt ? `${t.dateTime(s.arrivedAt, tz)} · ${s.dockCode ?? ''}` : '—'}</dd>
        </div>
        {s.arrivalNote && (
          <div>
            <dt>{t('inbound.arrivalNote')}</dt>
            <dd>{s.arrivalNote}</dd>
          </div>
        )}
        {s.note && (
          <div>
            <dt>{t('inbound.note')}</dt>
            <dd>{s.note}</dd>
          </div>
        )}
      </dl>

      <h2>{t('inbound.section.lines')}</h2>
      <LinesTable ctx={v.ctx} shipment={s} decide={can(u, 'inbound.approve', at) && ['receiving', 'received'].includes(s.status)} />

      <h2>{t('inbound.receipts')}</h2>
      {v.receipts.length === 0 ? (
        <p class="empty">{t('inbound.noReceipts')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid stack">
            <thead>
              <tr>
                <th>{t('col.time')}</th>
                <th>#</th>
                <th>{t('col.sku')}</th>
                <th>{t('col.lot')}</th>
                <th>{t('col.expiry')}</th>
                <th class="num">{t('col.quantity')}</th>
                <th>{t('col.location')}</th>
                <th>{t('inbound.condition')}</th>
                <th>{t('col.actor')}</th>
              </tr>
            </thead>
            <tbody>
              {v.receipts.map((r) => (
                <tr>
                  <td class="time head" data-label={t('col.time')}>{t.dateTime(r.at, tz)}</td>
                  <td data-label="#">{r.lineNo}</td>
                  <td class="code" data-label={t('col.sku')}>
                    {r.sku}
                    {r.serial && <small class="muted"> · {t('inbound.serial')} {r.serial}</small>}
                  </td>
                  <td class="code" data-label={t('col.lot')}>{r.lot ?? '—'}</td>
                  <td data-label={t('col.expiry')}>
                    <Expiry t={t} expiresOn={r.expiry} />
                  </td>
                  <td class="num" data-label={t('col.quantity')}>{t.number(r.quantity)}</td>
                  <td class="code" data-label={t('col.location')}>
                    {staff ? <a href={`/locations/${r.locationId}`}>{r.location}</a> : r.location}
                  </td>
                  <td data-label={t('inbound.condition')}>
                    {t(`inbound.condition.${r.condition}`)}
                    {r.quarantineReason && <span class="badge warn"> {t(`inbound.quarantine.${r.quarantineReason as 'damaged'}`)}</span>}
                  </td>
                  <td data-label={t('col.actor')}>{r.actor ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('inbound.history')}</h2>
      <ol class="history">
        {v.events.map((e) => (
          <li>
            <span class="muted">{t.dateTime(e.at, tz)}</span> · {t.optional(`inbound.event.${e.action}`, e.action)}
            {e.toStatus && e.fromStatus && (
              <>
                {' '}
                <StatusBadge t={t} status={e.fromStatus as 'draft'} /> → <StatusBadge t={t} status={e.toStatus as 'draft'} />
              </>
            )}
            {e.note && <> · {e.note}</>}
            {e.actor && <span class="muted"> · {e.actor}</span>}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

export { ClassBadge };

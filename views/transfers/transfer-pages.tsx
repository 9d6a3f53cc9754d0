import type { ViewContext } from '../../src/context.ts';
import type { TransferRow } from '../../src/transfers/queries.ts';
import type { LedgerRow } from '../../src/inventory/queries.ts';
import type { Translator } from '../../src/i18n/index.ts';
import { transferStatuses, type TransferStatus } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { LedgerTable } from '../components/ledger-table.tsx';
import { Alert, CsrfField, Field, Select } from '../components/forms.tsx';

export function TransferBadge(props: { t: Translator; status: TransferStatus }) {
  return <span class={`badge transfer-${props.status}`}>{props.t(`transfers.status.${props.status}`)}</span>;
}

/** Transfers from and to the user's warehouses, newest first, by warehouse and status. */
export function TransfersPage(v: { ctx: ViewContext; rows: TransferRow[]; warehouses: { code: string; name: string }[]; filter: { warehouse?: string | undefined; status?: string | undefined }; today: string }) {
  const { t } = v.ctx;
  const late = (r: TransferRow) => r.status === 'dispatched' && r.eta !== null && r.eta < v.today;
  return (
    <Layout ctx={v.ctx} title={t('transfers.title')}>
      <div class="title-row">
        <h1>{t('transfers.title')}</h1>
        <div class="actions">
          <a class="button" href="/transfers/new">
            {t('transfers.new')}
          </a>
          <a class={v.filter.status === 'dispatched' ? 'button' : 'button secondary'} href="/transfers?status=dispatched">
            {t('transfers.onTheRoad')}
          </a>
          <a class="button secondary" href={`/transfers.csv?${new URLSearchParams(Object.entries(v.filter).filter(([, x]) => x) as [string, string][]).toString()}`}>
            CSV
          </a>
        </div>
      </div>
      <form method="get" action="/transfers" class="filters search-line">
        <select name="warehouse" aria-label={t('col.warehouse')}>
          <option value="">{t('transfers.anyWarehouse')}</option>
          {v.warehouses.map((w) => (
            <option value={w.code} selected={w.code === v.filter.warehouse}>
              {w.code} · {w.name}
            </option>
          ))}
        </select>
        <select name="status" aria-label={t('transfers.status')}>
          <option value="">{t('transfers.anyStatus')}</option>
          {transferStatuses.map((s) => (
            <option value={s} selected={s === v.filter.status}>
              {t(`transfers.statusName.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('transfers.show')}</button>
      </form>
      {v.rows.length === 0 ? (
        <p class="empty">{t('transfers.none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="grid">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('transfers.route')}</th>
                <th>{t('transfers.status')}</th>
                <th>{t('transfers.transport')}</th>
                <th class="num">{t('transfers.units')}</th>
                <th class="num">{t('transfers.qty.inTransit')}</th>
                <th>{t('transfers.dispatched')}</th>
                <th>{t('inbound.col.eta')}</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr class={late(r) ? 'row-late' : undefined}>
                  <td>
                    <a href={`/transfers/${r.id}`}>{r.id}</a>
                  </td>
                  <td class="code">
                    {r.from} → {r.to}
                  </td>
                  <td>
                    <TransferBadge t={t} status={r.status} />
                  </td>
                  <td>
                    {t(`inbound.mode.${r.mode}` as 'inbound.mode.rail')} {r.vehiclePlate ?? r.container ?? ''} {r.reefer && <span class="badge class-frozen">{t('transfers.reefer')}</span>}
                  </td>
                  <td class="num">
                    {t.number(r.units)} <small class="muted">/ {t.number(r.lines)}</small>
                  </td>
                  <td class="num strong">{r.onRoad ? t.number(r.onRoad) : '—'}</td>
                  <td class="time">{r.dispatchedAt ? t.dateTime(r.dispatchedAt, r.timezone) : '—'}</td>
                  <td>
                    {r.eta ? t.date(r.eta) : '—'} {late(r) && <span class="badge cold-excursion">{t('transfers.late')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

type RecordLine = { lineNo: number; sku: string; name: string; seller: string; lot: string | null; quantity: number; dispatchedQty: number; receivedQty: number; damagedQty: number; writtenOffQty: number; inTransit: number };
type RecordEvent = { id: number; at: Date; action: string; fromStatus: TransferStatus | null; toStatus: TransferStatus | null; actor: string | null; note: string | null };

/** A transfer's record: route and transport, lines with what left, arrived and is missing, every event and every ledger move. */
export function TransferPage(v: {
  ctx: ViewContext;
  transfer: { id: number; status: TransferStatus; transportMode: string; tirCarnet: string | null; vehiclePlate: string | null; trailerPlate: string | null; container: string | null; seals: string[]; reefer: boolean; eta: string | null; documents: string | null; arrivalCelsius: number | null; sealChecks: { seal: string; state: string; note?: string }[] | null };
  from: { code: string; name: string; timezone: string };
  to: { code: string; name: string };
  lines: RecordLine[];
  events: RecordEvent[];
  moves: LedgerRow[];
  may: { create: boolean; dispatch: boolean; receive: boolean; resolve: boolean };
  pickList: { location: string; sku: string; lot: string | null; quantity: number }[];
  docks: string[];
  lineIds: Record<number, number>;
  message?: { kind: 'ok' | 'error'; text: string } | undefined;
}) {
  const { t } = v.ctx;
  const x = v.transfer;
  const csrf = <CsrfField token={v.ctx.csrfToken} />;
  const action = (path: string, label: string, cls = '') => (
    <form method="post" action={`/transfers/${x.id}/${path}`} class="inline">
      {csrf}
      <button type="submit" class={cls || undefined}>
        {label}
      </button>
    </form>
  );
  const missing = v.lines.reduce((n, l) => n + Math.max(0, l.dispatchedQty - l.receivedQty - l.writtenOffQty), 0);
  return (
    <Layout ctx={v.ctx} title={`${t('transfers.one')} ${x.id}`}>
      <p class="crumbs">
        <a href="/transfers">{t('transfers.title')}</a>
      </p>
      <h1>
        {t('transfers.one')} {x.id} <span class="code">{v.from.code} → {v.to.code}</span> <TransferBadge t={t} status={x.status} />
      </h1>
      {v.message && <Alert kind={v.message.kind}>{v.message.text}</Alert>}
      {missing > 0 && ['arrived', 'received'].includes(x.status) && <p class="alert alert-error">{t('transfers.missing', { n: missing })}</p>}
      <div class="actions">
        {x.status === 'draft' && v.may.create && action('start-picking', t('transfers.startPicking'))}
        {x.status === 'picking' && v.may.dispatch && (
          <a class="button" href={`/transfers/${x.id}/load`}>
            {t('transfers.load')}
          </a>
        )}
        {(x.status === 'draft' || x.status === 'picking') && v.may.create && action('cancel', t('transfers.cancel'), 'danger')}
        {x.status === 'arrived' && v.may.receive && (
          <a class="button" href={`/transfers/${x.id}/receive`}>
            {t('transfers.receiveByScan')}
          </a>
        )}
        {x.status === 'arrived' && v.may.receive && action('finish', t('transfers.finish'), 'secondary')}
        {x.status === 'received' && v.may.resolve && missing === 0 && action('close', t('transfers.close'))}
      </div>
      {x.status === 'picking' && (
        <>
          <h2>{t('transfers.pickList')}</h2>
          {v.pickList.length === 0 ? (
            <p class="empty">{t('transfers.nothingReserved')}</p>
          ) : (
            <table class="grid">
              <thead>
                <tr>
                  <th>{t('col.location')}</th>
                  <th>{t('col.sku')}</th>
                  <th>{t('col.lot')}</th>
                  <th class="num">{t('col.quantity')}</th>
                </tr>
              </thead>
              <tbody>
                {v.pickList.map((p) => (
                  <tr>
                    <td class="code">{p.location}</td>
                    <td class="code">{p.sku}</td>
                    <td class="code">{p.lot ?? '—'}</td>
                    <td class="num">{t.number(p.quantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {v.may.dispatch && (
            <form method="post" action={`/transfers/${x.id}/dispatch`} class="stacked">
              {csrf}
              <h2>{t('transfers.dispatchTitle')}</h2>
              <div class="more-fields">
                <Field label={t('transfers.seals')} name="seals">
                  <input id="f-seals" name="seals" value={x.seals.join(' ')} />
                </Field>
                <Field label={t('inbound.vehiclePlate')} name="vehicle_plate">
                  <input id="f-vehicle_plate" name="vehicle_plate" value={x.vehiclePlate ?? ''} maxlength={20} />
                </Field>
              </div>
              <Field label={t('transfers.documents')} name="documents">
                <input id="f-documents" name="documents" maxlength={500} />
              </Field>
              <div class="form-actions">
                <button type="submit">{t('transfers.dispatch')}</button>
              </div>
            </form>
          )}
        </>
      )}
      {x.status === 'dispatched' && v.may.receive && (
        <form method="post" action={`/transfers/${x.id}/arrival`} class="stacked">
          {csrf}
          <h2>{t('transfers.arrivalTitle')}</h2>
          {x.seals.map((seal) => (
            <div class="field">
              <label for={`f-seal-${seal}`}>
                {t('transfers.seal')} {seal}
              </label>
              <select id={`f-seal-${seal}`} name={`seal_${seal}`}>
                {(['intact', 'broken', 'missing'] as const).map((st) => (
                  <option value={st}>{t(`inbound.seal.${st}`)}</option>
                ))}
              </select>
            </div>
          ))}
          <div class="more-fields">
            <Field label={t('transfers.dock')} name="dock">
              <Select name="dock" value={v.docks[0]} options={v.docks.map((d) => ({ value: d, label: d }))} />
            </Field>
            <Field label={t('transfers.arrivalCelsius')} name="celsius" hint={x.reefer ? t('transfers.celsiusHint') : undefined}>
              <input id="f-celsius" name="celsius" inputmode="decimal" />
            </Field>
          </div>
          <Field label={t('transfers.note')} name="note">
            <input id="f-note" name="note" maxlength={500} />
          </Field>
          <div class="form-actions">
            <button type="submit">{t('transfers.checkIn')}</button>
          </div>
        </form>
      )}
      <dl class="facts facts-wide">
        <div>
          <dt>{t('transfers.route')}</dt>
          <dd>
            {v.from.code} · {v.from.name} → {v.to.code} · {v.to.name}
          </dd>
        </div>
        <div>
          <dt>{t('transfers.transport')}</dt>
          <dd>
            {t(`inbound.mode.${x.transportMode}` as 'inbound.mode.rail')} {[x.tirCarnet && `TIR ${x.tirCarnet}`, x.vehiclePlate, x.trailerPlate, x.container].filter(Boolean).join(' · ')} {x.reefer && <span class="badge class-frozen">{t('transfers.reefer')}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('transfers.seals')}</dt>
          <dd>
            {x.seals.join(', ') || '—'}
            {(x.sealChecks ?? []).map((s) => (
              <span class={`badge seal-${s.state}`}>
                {s.seal}: {t(`inbound.seal.${s.state}` as 'inbound.seal.intact')}
              </span>
            ))}
          </dd>
        </div>
        <div>
          <dt>{t('inbound.col.eta')}</dt>
          <dd>{x.eta ? t.date(x.eta) : '—'}</dd>
        </div>
        <div>
          <dt>{t('transfers.documents')}</dt>
          <dd>{x.documents ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('transfers.arrivalCelsius')}</dt>
          <dd>{x.arrivalCelsius === null ? '—' : t.celsius(x.arrivalCelsius)}</dd>
        </div>
      </dl>
      <h2>{t('transfers.lines')}</h2>
      <div class="table-scroll">
        <table class="grid">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('col.sku')}</th>
              <th>{t('col.seller')}</th>
              <th>{t('col.lot')}</th>
              <th class="num">{t('transfers.qty.ordered')}</th>
              <th class="num">{t('transfers.qty.dispatched')}</th>
              <th class="num">{t('transfers.qty.received')}</th>
              <th class="num">{t('transfers.qty.damaged')}</th>
              <th class="num">{t('transfers.qty.writtenOff')}</th>
              <th class="num">{t('transfers.qty.inTransit')}</th>
            </tr>
          </thead>
          <tbody>
            {v.lines.map((l) => (
              <tr class={l.inTransit > 0 && ['arrived', 'received'].includes(x.status) ? 'row-out' : undefined} data-line={l.lineNo}>
                <td>{l.lineNo}</td>
                <td>
                  <span class="code">{l.sku}</span> <small class="muted">{l.name}</small>
                </td>
                <td class="code">{l.seller}</td>
                <td class="code">{l.lot ?? '—'}</td>
                <td class="num">{t.number(l.quantity)}</td>
                <td class="num">{t.number(l.dispatchedQty)}</td>
                <td class="num">{t.number(l.receivedQty)}</td>
                <td class="num">{t.number(l.damagedQty)}</td>
                <td class="num">{t.number(l.writtenOffQty)}</td>
                <td class="num strong">
                  {t.number(l.inTransit)}
                  {x.status === 'received' && v.may.resolve && l.inTransit > 0 && (
                    <form method="post" action={`/transfers/${x.id}/lines/${v.lineIds[l.lineNo]}/write-off`} class="search-line">
                      {csrf}
                      <input name="note" required maxlength={500} placeholder={t('transfers.writeOffReason')} aria-label={t('transfers.writeOffReason')} />
                      <button type="submit" class="danger">
                        {t('transfers.writeOff')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('transfers.history')}</h2>
      <ol class="history">
        {v.events.map((e) => (
          <li>
            <span class="time">{t.dateTime(e.at, v.from.timezone)}</span> · <strong>{t.optional(`transfers.event.${e.action}`, e.action)}</strong>
            {e.toStatus && (
              <>
                {' '}
                → <TransferBadge t={t} status={e.toStatus} />
              </>
            )}{' '}
            · {e.actor ?? '—'}
            {e.note && <small class="muted"> · {e.note}</small>}
          </li>
        ))}
      </ol>
      <h2>{t('transfers.moves')}</h2>
      {v.moves.length === 0 ? <p class="empty">{t('transfers.noMoves')}</p> : <LedgerTable t={t} rows={v.moves} showSeller staff />}
    </Layout>
  );
}

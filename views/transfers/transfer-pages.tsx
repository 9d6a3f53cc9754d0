import type { ViewContext } from '../../src/context.ts';
import type { TransferRow } from '../../src/transfers/queries.ts';
import type { LedgerRow } from '../../src/inventory/queries.ts';
import type { Translator } from '../../src/i18n/index.ts';
import { transferStatuses, type TransferStatus } from '../../src/db/schema/index.ts';
import { Layout } from '../layout.tsx';
import { LedgerTable } from '../components/ledger-table.tsx';

export function TransferBadge(props: { t: Translator; status: TransferStatus }) {
  return <span class={`badge transfer-${props.status}`}>{props.t(`transfers.status.${props.status}`)}</span>;
}

/** Transfers from and to the user's warehouses, newest first, by warehouse and status. */
export function TransfersPage(v: { ctx: ViewContext; rows: TransferRow[]; warehouses: { code: string; name: string }[]; filter: { warehouse?: string | undefined; status?: string | undefined } }) {
  const { t } = v.ctx;
  return (
    <Layout ctx={v.ctx} title={t('transfers.title')}>
      <h1>{t('transfers.title')}</h1>
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
              {t(`transfers.status.${s}`)}
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
                <th>{t('transfers.dispatched')}</th>
                <th>ETA</th>
              </tr>
            </thead>
            <tbody>
              {v.rows.map((r) => (
                <tr>
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
                  <td class="time">{r.dispatchedAt ? t.dateTime(r.dispatchedAt, r.timezone) : '—'}</td>
                  <td>{r.eta ? t.date(r.eta) : '—'}</td>
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
}) {
  const { t } = v.ctx;
  const x = v.transfer;
  const missing = v.lines.reduce((n, l) => n + Math.max(0, l.dispatchedQty - l.receivedQty - l.writtenOffQty), 0);
  return (
    <Layout ctx={v.ctx} title={`${t('transfers.one')} ${x.id}`}>
      <p class="crumbs">
        <a href="/transfers">{t('transfers.title')}</a>
      </p>
      <h1>
        {t('transfers.one')} {x.id} <span class="code">{v.from.code} → {v.to.code}</span> <TransferBadge t={t} status={x.status} />
      </h1>
      {missing > 0 && ['arrived', 'received'].includes(x.status) && <p class="alert alert-error">{t('transfers.missing', { n: missing })}</p>}
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
          <dt>ETA</dt>
          <dd>{x.eta ? t.date(x.eta) : '—'}</dd>
        </div>
        <div>
          <dt>{t('transfers.documents')}</dt>
          <dd>{x.documents ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('transfers.arrivalCelsius')}</dt>
          <dd>{x.arrivalCelsius === null ? '—' : t.celsius(Number(x.arrivalCelsius))}</dd>
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
                <td class="num strong">{t.number(l.inTransit)}</td>
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
      {v.moves.length === 0 ? <p class="empty">{t('transfers.noMoves')}</p> : <LedgerTable t={t} rows={v.moves} showSeller />}
    </Layout>
  );
}

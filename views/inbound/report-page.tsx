import type { ViewContext } from '../../src/context.ts';
import type { ShipmentDetail } from '../../src/inbound/queries.ts';
import { Layout } from '../layout.tsx';
import { Expiry } from '../components/stock-table.tsx';
import { StatusBadge } from './status-badge.tsx';

export type ReportLot = { lineNo: number; lot: string | null; expiry: string | null; condition: 'good' | 'damaged'; quarantineReason: string | null; quantity: number };
export type ReportView = { ctx: ViewContext; shipment: ShipmentDetail; lots: ReportLot[] };

/** The receiving report: expected, received, damaged, short and over per line, with the lots that came. */
export function ReportPage(v: ReportView) {
  const { t } = v.ctx;
  const s = v.shipment;
  const sum = (f: (l: ShipmentDetail['lines'][number]) => number) => s.lines.reduce((n, l) => n + f(l), 0);
  const totals = { expected: sum((l) => l.expected), received: sum((l) => l.received), damaged: sum((l) => l.damaged), short: sum((l) => l.short), over: sum((l) => l.over) };
  return (
    <Layout ctx={v.ctx} title={t('inbound.reportTitle', { reference: s.reference })}>
      <p class="crumbs no-print">
        <a href="/inbound">{t('inbound.title')}</a> / <a href={`/inbound/${s.id}`}>{s.reference}</a> / {t('inbound.report')}
      </p>
      <div class="title-row">
        <h1>
          {t('inbound.reportTitle', { reference: s.reference })} <StatusBadge t={t} status={s.status} />
        </h1>
        <div class="actions no-print">
          <a class="button secondary" href={`/inbound/${s.id}/report.csv`}>
            {t('action.exportCsv')}
          </a>
          <button type="button" class="secondary" onclick="window.print()">
            {t('inbound.print')}
          </button>
        </div>
      </div>
      {s.status !== 'closed' && <p class="alert alert-info">{t('inbound.reportProvisional')}</p>}
      <dl class="facts facts-grid">
        <div>
          <dt>{t('col.seller')}</dt>
          <dd>
            {s.sellerCode} · {s.sellerName}
          </dd>
        </div>
        <div>
          <dt>{t('col.warehouse')}</dt>
          <dd>{s.warehouseCode}</dd>
        </div>
        <div>
          <dt>{t('inbound.arrivedAt')}</dt>
          <dd>{s.arrivedAt ? t.dateTime(s.arrivedAt, s.timezone) : '—'}</dd>
        </div>
        <div>
          <dt>{t('inbound.seals')}</dt>
          <dd>{(s.sealChecks ?? []).map((c) => `${c.seal}: ${t(`inbound.seal.${c.state}`)}`).join(', ') || '—'}</dd>
        </div>
      </dl>
      <div class="table-scroll">
        <table class="grid stack report">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('col.sku')}</th>
              <th>{t('col.product')}</th>
              <th>{t('inbound.receivedLots')}</th>
              <th class="num">{t('inbound.col.expected')}</th>
              <th class="num">{t('inbound.col.received')}</th>
              <th class="num">{t('inbound.col.damaged')}</th>
              <th class="num">{t('inbound.col.short')}</th>
              <th class="num">{t('inbound.col.over')}</th>
              <th>{t('inbound.col.remarks')}</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((l) => {
              const lots = v.lots.filter((x) => x.lineNo === l.lineNo);
              // A lot the ASN line did not name came all the same: it is received, and shown as such.
              const otherLot = (x: ReportLot) => Boolean(l.lotCode && x.lot && x.lot !== l.lotCode);
              const remarks = l.unexpected || l.decision || l.quarantineReason || lots.some(otherLot);
              return (
                <tr>
                  <td class="blank">{l.lineNo}</td>
                  <td class="code head" data-label={t('col.sku')}>{l.sku}</td>
                  <td class="name" data-label={t('col.product')}>{l.name}</td>
                  <td data-label={t('inbound.receivedLots')}>
                    <ul class="plain">
                      {lots.map((x) => (
                        <li>
                          {x.lot && <code class={otherLot(x) ? 'warn-text' : undefined}>{x.lot} </code>}
                          {x.expiry && <Expiry t={t} expiresOn={x.expiry} />} × {t.number(x.quantity)}
                          {x.condition === 'damaged' && <small class="warn-text"> {t('inbound.condition.damaged')}</small>}
                          {x.quarantineReason && x.quarantineReason !== 'damaged' && <small class="warn-text"> {t(`inbound.quarantine.${x.quarantineReason as 'temperature'}`)}</small>}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="num" data-label={t('inbound.col.expected')}>{t.number(l.expected)}</td>
                  <td class="num" data-label={t('inbound.col.received')}>{t.number(l.received)}</td>
                  <td class="num" data-label={t('inbound.col.damaged')}>{t.number(l.damaged)}</td>
                  <td class={l.short ? 'num err-text' : 'num'} data-label={t('inbound.col.short')}>{t.number(l.short)}</td>
                  <td class={l.over ? 'num warn-text' : 'num'} data-label={t('inbound.col.over')}>{t.number(l.over)}</td>
                  <td data-label={t('inbound.col.remarks')} class={remarks ? undefined : 'blank'}>
                    {l.unexpected && <span class="badge warn">{t('inbound.notOnAsn')}</span>}
                    {lots.some(otherLot) && <span class="badge warn">{t('inbound.otherLotRemark', { expected: l.lotCode ?? '' })}</span>}
                    {l.decision && <span class="badge"> {t(`inbound.decision.${l.decision as 'accepted'}`)}</span>}
                    {l.quarantineReason && (
                      <span class="badge warn">
                        {t(`inbound.quarantine.${l.quarantineReason as 'temperature'}`)}
                        {l.quarantineNote ? `: ${l.quarantineNote}` : ''}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th colspan={4} class="head">{t('inbound.total')}</th>
              <td class="num strong" data-label={t('inbound.col.expected')}>{t.number(totals.expected)}</td>
              <td class="num strong" data-label={t('inbound.col.received')}>{t.number(totals.received)}</td>
              <td class="num strong" data-label={t('inbound.col.damaged')}>{t.number(totals.damaged)}</td>
              <td class="num strong" data-label={t('inbound.col.short')}>{t.number(totals.short)}</td>
              <td class="num strong" data-label={t('inbound.col.over')}>{t.number(totals.over)}</td>
              <td class="blank"></td>
            </tr>
          </tfoot>
        </table>
      </div>
    </Layout>
  );
}

import type { ViewContext } from '../../src/context.ts';
import type { ShipmentDetail } from '../../src/inbound/queries.ts';
import { hasArrived } from '../../src/inbound/status.ts';
import { CsrfField } from '../components/forms.tsx';
import { ClassBadge, Expiry } from '../components/stock-table.tsx';

/** Expected against received per line, with the discrepancies a seller is told about. */
export function LinesTable(props: { ctx: ViewContext; shipment: ShipmentDetail; decide?: boolean }) {
  const { t } = props.ctx;
  const s = props.shipment;
  // Before the truck is at the dock nothing is short yet: what has not come is still on its way.
  const arrived = hasArrived(s.status);
  return (
    <div class="table-scroll">
      <table class="grid stack lines">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('col.sku')}</th>
            <th>{t('col.product')}</th>
            <th>{t('col.class')}</th>
            <th>{t('inbound.expectedLot')}</th>
            <th class="num">{t('inbound.col.expected')}</th>
            <th class="num">{t('inbound.col.received')}</th>
            <th class="num">{t('inbound.col.damaged')}</th>
            <th class="num">{t('inbound.col.short')}</th>
            <th class="num">{t('inbound.col.over')}</th>
            <th>{t('inbound.col.remarks')}</th>
          </tr>
        </thead>
        <tbody>
          {s.lines.map((l) => (
            <tr class={l.unexpected ? 'row-unexpected' : l.short === 0 && l.over === 0 && l.received > 0 ? 'row-done' : undefined}>
              <td data-label="#">{l.lineNo}</td>
              <td class="code head" data-label={t('col.sku')}>{l.sku}</td>
              <td data-label={t('col.product')}>{l.name}</td>
              <td data-label={t('col.class')}>
                <ClassBadge t={t} value={l.temperatureClass} />
              </td>
              <td data-label={t('inbound.expectedLot')}>
                {l.lotCode && <code>{l.lotCode} </code>}
                {l.expiresOn ? <Expiry t={t} expiresOn={l.expiresOn} /> : !l.lotCode && <span class="muted">—</span>}
              </td>
              <td class="num" data-label={t('inbound.col.expected')}>{t.number(l.expected)}</td>
              <td class="num" data-label={t('inbound.col.received')}>{t.number(l.received)}</td>
              <td class={l.damaged ? 'num warn-text' : 'num'} data-label={t('inbound.col.damaged')}>{t.number(l.damaged)}</td>
              <td class={l.short && arrived ? 'num err-text' : 'num'} data-label={t('inbound.col.short')}>
                {arrived ? t.number(l.short) : <span class="muted" title={t('inbound.notArrivedYet')}>—</span>}
              </td>
              <td class={l.over ? 'num warn-text' : 'num'} data-label={t('inbound.col.over')}>{t.number(l.over)}</td>
              <td data-label={t('inbound.col.remarks')}>
                {l.arrivalCelsius !== null && <span class="muted">{t.celsius(l.arrivalCelsius)} </span>}
                {l.quarantineReason && (
                  <span class="badge warn">
                    {t(`inbound.quarantine.${l.quarantineReason as 'temperature'}`)}
                    {l.quarantineNote ? `: ${l.quarantineNote}` : ''}
                  </span>
                )}
                {l.unexpected && (
                  <>
                    <span class="badge warn">{t('inbound.notOnAsn')}</span>{' '}
                    {l.decision ? (
                      <span class="badge">{t(`inbound.decision.${l.decision as 'accepted'}`)}</span>
                    ) : props.decide ? (
                      <form method="post" action={`/inbound/${s.id}/lines/${l.id}/decision`} class="inline decide">
                        <CsrfField token={props.ctx.csrfToken} />
                        <button type="submit" name="decision" value="accepted">
                          {t('inbound.accept')}
                        </button>
                        <button type="submit" name="decision" value="rejected" class="danger">
                          {t('inbound.reject')}
                        </button>
                      </form>
                    ) : (
                      <span class="muted">{t('inbound.awaitingDecision')}</span>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

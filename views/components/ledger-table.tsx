import type { Translator } from '../../src/i18n/index.ts';
import type { LedgerRow } from '../../src/inventory/queries.ts';

const virtualKinds = new Set(['supplier', 'customer', 'transit', 'adjustment']);

function Place(props: { t: Translator; id: number; code: string; kind: string }) {
  if (virtualKinds.has(props.kind)) return <span class="virtual">{props.t(`kind.${props.kind as 'supplier'}`)}{props.kind === 'transit' ? ` ${props.code}` : ''}</span>;
  return <a href={`/locations/${props.id}`}>{props.code}</a>;
}

/** Where a document is shown: sellers reach their ASNs and orders; staff also the rest. */
function documentHref(type: string, id: string, staff: boolean): string | null {
  if (!/^[0-9]{1,9}$/.test(id)) return null;
  switch (type) {
    case 'inbound':
      return `/inbound/${id}`;
    case 'order':
      return `/orders/${id}`;
    case 'transfer':
      return staff ? `/transfers/${id}` : null;
    case 'cycle_count':
      return staff ? `/counts/${id}` : null;
    case 'excursion':
      return staff ? `/cold/excursions/${id}` : null;
    default:
      return null;
  }
}

function DocumentId(props: { type: string; id: string | null; staff: boolean }) {
  const href = props.id ? documentHref(props.type, props.id, props.staff) : null;
  return href ? (
    <a class="code" href={href}>
      {props.id}
    </a>
  ) : (
    <span class="code">{props.id}</span>
  );
}

export function LedgerTable(props: { t: Translator; rows: LedgerRow[]; showProduct?: boolean; showSeller?: boolean; staff: boolean }) {
  const { t } = props;
  return (
    <div class="table-scroll">
    <table class="grid stack ledger">
      <thead>
        <tr>
          <th>{t('col.time')}</th>
          <th>{t('col.warehouse')}</th>
          {props.showProduct !== false && <th>{t('col.sku')}</th>}
          {props.showProduct !== false && <th>{t('col.product')}</th>}
          {props.showSeller && <th>{t('col.seller')}</th>}
          <th>{t('col.lot')}</th>
          <th class="num">{t('col.quantity')}</th>
          <th>{t('col.from')}</th>
          <th>{t('col.to')}</th>
          <th>{t('col.reason')}</th>
          <th>{t('col.document')}</th>
          <th>{t('col.actor')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td class="time" data-label={t('col.time')}>
              <time datetime={r.at.toISOString()}>{t.dateTime(r.at, r.timezone)}</time>
            </td>
            <td class="code" data-label={t('col.warehouse')}>{r.warehouseCode}</td>
            {props.showProduct !== false && (
              <td class="code" data-label={t('col.sku')}>
                <a href={`/products/${r.productId}`}>{r.sku}</a>
              </td>
            )}
            {props.showProduct !== false && <td data-label={t('col.product')}>{r.productName}</td>}
            {props.showSeller && <td class="code" data-label={t('col.seller')}>{r.sellerCode}</td>}
            <td class="code" data-label={t('col.lot')}>
              <span>
                {r.lotCode || (r.expiresOn ? '' : <span class="muted">—</span>)}
                {r.expiresOn && <small class="muted"> ({t.date(r.expiresOn)})</small>}
              </span>
            </td>
            <td class="num strong" data-label={t('col.quantity')}>
              {t.number(r.quantity)}
            </td>
            <td class="code" data-label={t('col.from')}>
              <Place t={t} id={r.fromLocationId} code={r.fromCode} kind={r.fromKind} />
            </td>
            <td class="code" data-label={t('col.to')}>
              <Place t={t} id={r.toLocationId} code={r.toCode} kind={r.toKind} />
            </td>
            <td data-label={t('col.reason')}>
              {t(`reason.${r.reason as 'receipt'}`)}
              {r.adjustmentReason && <small class="muted"> · {t(`adjustments.reason.${r.adjustmentReason as 'damaged'}`)}</small>}
            </td>
            <td data-label={t('col.document')}>
              {r.documentType ? (
                <span>
                  {t.optional(`doc.${r.documentType}`, r.documentType)} <DocumentId type={r.documentType} id={r.documentId} staff={props.staff} />
                </span>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
            <td data-label={t('col.actor')}>{r.actor ?? <span class="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

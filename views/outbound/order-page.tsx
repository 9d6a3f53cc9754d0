import type { ViewContext } from '../../src/context.ts';
import type { OrderDetail } from '../../src/outbound/queries.ts';
import { can } from '../../src/auth/policy.ts';
import { canOrderTransition } from '../../src/outbound/status.ts';
import { Layout } from '../layout.tsx';
import { Alert, CsrfField } from '../components/forms.tsx';
import { Expiry } from '../components/stock-table.tsx';
import { OrderStatusBadge, ShipBy } from './badges.tsx';

export type OrderView = {
  ctx: ViewContext;
  order: OrderDetail;
  reservations: { lineId: string; quantity: number; location: string; locationId: number; lot: string | null; expiry: string | null }[];
  history: { id: number; at: Date; action: string; fromStatus: string | null; toStatus: string | null; actor: string | null; note: string | null }[];
  error?: string | undefined;
  /** What was just done to the order (shipped), shown once on arrival. */
  notice?: string | undefined;
};

/** One order: its lines (reserved, picked, short, packed), where its stock is held, and its story. */
export function OrderPage(v: OrderView) {
  const { t, user } = v.ctx;
  const o = v.order;
  const u = user!;
  const at = { warehouseId: o.warehouseId };
  const late = Boolean(o.shipBy && o.shipBy.getTime() < Date.now() && !['shipped', 'cancelled'].includes(o.status));
  const sellerMayCancel = u.role !== 'seller' || ['new', 'allocated', 'backordered'].includes(o.status);
  return (
    <Layout ctx={v.ctx} title={`${t('outbound.order')} ${o.externalId}`}>
      <p class="crumbs">
        <a href="/orders">{t('outbound.title')}</a> / {o.externalId}
      </p>
      <div class="title-row">
        <h1>
          {o.externalId} <OrderStatusBadge t={t} status={o.status} />
        </h1>
        <div class="actions">
          {['picked', 'packed'].includes(o.status) && can(u, 'order.fulfil', at) && (
            <a class="button" href={`/orders/${o.id}/pack`}>
              {o.status === 'picked' ? t('outbound.pack') : t('outbound.ship')}
            </a>
          )}
          {o.pickListId && can(u, 'order.fulfil', at) && (
            <a class="button secondary" href={`/pick-lists/${o.pickListId}`}>
              {t('outbound.pickList')} #{o.pickListId}
            </a>
          )}
          {['packed', 'shipped'].includes(o.status) && (
            <a class="button secondary" href={`/orders/${o.id}/packing-list`}>
              {t('outbound.packingList')}
            </a>
          )}
          {canOrderTransition(o.status, 'cancel') && can(u, 'order.cancel', at) && sellerMayCancel && (
            <form method="post" action={`/orders/${o.id}/cancel`} class="inline">
              <CsrfField token={v.ctx.csrfToken} />
              <button type="submit" class="danger" onclick={`return confirm(${JSON.stringify(t('outbound.confirmCancel'))})`}>
                {t('outbound.cancel')}
              </button>
            </form>
          )}
        </div>
      </div>
      {v.error && <Alert kind="error">{v.error}</Alert>}
      {v.notice && <Alert kind="ok">{v.notice}</Alert>}
      <dl class="facts facts-grid">
        <div>
          <dt>{t('col.seller')}</dt>
          <dd>
            {o.sellerCode} · {o.sellerName}
          </dd>
        </div>
        <div>
          <dt>{t('col.warehouse')}</dt>
          <dd>{o.warehouseCode}</dd>
        </div>
        <div>
          <dt>{t('outbound.col.channel')}</dt>
          <dd>{t(`outbound.channel.${o.channel}`)}</dd>
        </div>
        <div>
          <dt>{t('outbound.col.shipBy')}</dt>
          <dd>
            <ShipBy t={t} at={o.shipBy} timezone={o.timezone} late={late} />
          </dd>
        </div>
        {(o.carrier || o.trackingNumber) && (
          <div>
            <dt>{t('outbound.carrier')}</dt>
            <dd>
              {o.carrier} <code>{o.trackingNumber}</code>
              {o.weightGrams && ` · ${t.number(o.weightGrams / 1000)} ${t('outbound.kg')}`}
            </dd>
          </div>
        )}
        {o.note && (
          <div>
            <dt>{t('inbound.note')}</dt>
            <dd>{o.note}</dd>
          </div>
        )}
      </dl>
      <h2>{t('outbound.lines')}</h2>
      <div class="table-scroll">
        <table class="grid stack">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('col.sku')}</th>
              <th>{t('col.product')}</th>
              <th class="num">{t('col.quantity')}</th>
              <th class="num">{t('col.reserved')}</th>
              <th class="num">{t('outbound.col.picked')}</th>
              <th class="num">{t('inbound.col.short')}</th>
              <th class="num">{t('outbound.col.packed')}</th>
            </tr>
          </thead>
          <tbody>
            {o.lines.map((l) => {
              const missing = l.quantity - l.reserved - l.picked - l.short;
              return (
                <tr class={l.short > 0 || (missing > 0 && o.status === 'backordered') ? 'row-late' : undefined}>
                  <td data-label="#">{l.lineNo}</td>
                  <td class="code head" data-label={t('col.sku')}>
                    {u.role === 'seller' ? l.sku : <a href={`/products/${l.productId}`}>{l.sku}</a>}
                    {l.requiresMarking && <span class="badge"> {t('outbound.marking')}</span>}
                  </td>
                  <td data-label={t('col.product')}>{l.name}</td>
                  <td class="num" data-label={t('col.quantity')}>{t.number(l.quantity)}</td>
                  <td class="num" data-label={t('col.reserved')}>
                    {t.number(l.reserved)}
                    {missing > 0 && !['cancelled', 'shipped'].includes(o.status) && <small class="err-text"> {t('outbound.missing', { count: t.number(missing) })}</small>}
                  </td>
                  <td class="num" data-label={t('outbound.col.picked')}>{t.number(l.picked)}</td>
                  <td class={l.short ? 'num err-text' : 'num'} data-label={t('inbound.col.short')}>{t.number(l.short)}</td>
                  <td class="num" data-label={t('outbound.col.packed')}>{t.number(l.packed)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {v.reservations.length > 0 && u.role !== 'seller' && (
        <>
          <h2>{t('outbound.heldAt')}</h2>
          <ul class="plain">
            {v.reservations.map((r) => (
              <li>
                <a class="code" href={`/locations/${r.locationId}`}>{r.location}</a> × {t.number(r.quantity)}
                {r.lot && <code> {r.lot}</code>} {r.expiry && <Expiry t={t} expiresOn={r.expiry} />} <small class="muted">#{o.lines.find((l) => String(l.id) === r.lineId)?.lineNo}</small>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('inbound.history')}</h2>
      <ol class="history">
        {v.history.map((e) => (
          <li>
            <span class="muted">{t.dateTime(e.at, o.timezone)}</span> · {t.optional(`outbound.event.${e.action}`, e.action)}
            {e.fromStatus && e.toStatus && (
              <>
                {' '}
                <OrderStatusBadge t={t} status={e.fromStatus as 'new'} /> → <OrderStatusBadge t={t} status={e.toStatus as 'new'} />
              </>
            )}
            {e.note && <> · {e.action === 'create' ? t.optional(`outbound.channel.${e.note}`, e.note) : e.note}</>}
            {e.actor && <span class="muted"> · {e.actor}</span>}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

import type { Translator } from '../../src/i18n/index.ts';
import type { OrderStatus } from '../../src/db/schema/index.ts';

export function OrderStatusBadge(props: { t: Translator; status: OrderStatus }) {
  return <span class={`badge order-${props.status}`}>{props.t(`outbound.status.${props.status}`)}</span>;
}

/** The ship-by time in the warehouse's zone; late ones stand out. */
export function ShipBy(props: { t: Translator; at: Date | null; timezone: string; late: boolean }) {
  if (!props.at) return <span class="muted">—</span>;
  return (
    <span class={props.late ? 'late' : undefined}>
      {props.t.dateTime(props.at, props.timezone)}
      {props.late && <span class="tag late-tag">{props.t('outbound.late')}</span>}
    </span>
  );
}

import type { Translator } from '../../src/i18n/index.ts';
import type { InboundStatus } from '../../src/db/schema/index.ts';

export function StatusBadge(props: { t: Translator; status: InboundStatus }) {
  return <span class={`badge status-${props.status}`}>{props.t(`inbound.status.${props.status}`)}</span>;
}

import type { InboundStatus } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';

/** What may happen to an ASN, and what each action leads to: the one transition table. */
export const inboundTransitions = {
  submit: { from: ['draft'], to: 'expected' },
  arrive: { from: ['expected'], to: 'arrived' },
  startReceiving: { from: ['arrived'], to: 'receiving' },
  finishReceiving: { from: ['arrived', 'receiving'], to: 'received' },
  close: { from: ['received'], to: 'closed' },
  cancel: { from: ['draft', 'expected', 'arrived'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly InboundStatus[]; to: InboundStatus }>;

export type InboundAction = keyof typeof inboundTransitions;

export function canTransition(status: InboundStatus, action: InboundAction): boolean {
  return (inboundTransitions[action].from as readonly InboundStatus[]).includes(status);
}

/** The status an action leads to, or a 409 naming the current status. */
export function nextStatus(status: InboundStatus, action: InboundAction): InboundStatus {
  if (!canTransition(status, action)) {
    throw new AppError('CONFLICT', { key: 'inbound.error.wrongStatus', params: { status: `@inbound.status.${status}`, action: `@inbound.action.${action}` } });
  }
  return inboundTransitions[action].to;
}

/** Statuses in which items may be scanned in. */
export const receivableStatuses: readonly InboundStatus[] = ['arrived', 'receiving'];
/** Statuses a seller may still change (edit lines, cancel). */
export const editableStatuses: readonly InboundStatus[] = ['draft', 'expected'];

/** The goods have been at the dock: before that nothing is short, and there is no receiving report. */
export const hasArrived = (status: InboundStatus): boolean => !['draft', 'expected', 'cancelled'].includes(status);

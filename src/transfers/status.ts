import type { TransferStatus } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';

/** What may happen to a transfer, and what each action leads to: the one transition table. */
export const transferTransitions = {
  startPicking: { from: ['draft'], to: 'picking' },
  dispatch: { from: ['picking'], to: 'dispatched' },
  arrive: { from: ['dispatched'], to: 'arrived' },
  finishReceiving: { from: ['arrived'], to: 'received' },
  close: { from: ['received'], to: 'closed' },
  cancel: { from: ['draft', 'picking'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly TransferStatus[]; to: TransferStatus }>;

export type TransferAction = keyof typeof transferTransitions;

export function canTransferTransition(status: TransferStatus, action: TransferAction): boolean {
  return (transferTransitions[action].from as readonly TransferStatus[]).includes(status);
}

export function nextTransferStatus(status: TransferStatus, action: TransferAction): TransferStatus {
  if (!canTransferTransition(status, action)) {
    throw new AppError('CONFLICT', { key: 'transfers.error.wrongStatus', params: { status: `@transfers.status.${status}`, action: `@transfers.action.${action}` } });
  }
  return transferTransitions[action].to;
}

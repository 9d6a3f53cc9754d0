import type { OrderStatus } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';

/** What may happen to an order, and what each action leads to: the one transition table. */
export const orderTransitions = {
  allocate: { from: ['new', 'backordered', 'allocated'], to: 'allocated' },
  backorder: { from: ['new', 'backordered', 'allocated'], to: 'backordered' },
  startPicking: { from: ['allocated'], to: 'picking' },
  finishPicking: { from: ['picking'], to: 'picked' },
  pack: { from: ['picked'], to: 'packed' },
  ship: { from: ['packed'], to: 'shipped' },
  cancel: { from: ['new', 'allocated', 'backordered', 'picking', 'picked', 'packed'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus }>;

export type OrderAction = keyof typeof orderTransitions;

export function canOrderTransition(status: OrderStatus, action: OrderAction): boolean {
  return (orderTransitions[action].from as readonly OrderStatus[]).includes(status);
}

export function nextOrderStatus(status: OrderStatus, action: OrderAction): OrderStatus {
  if (!canOrderTransition(status, action)) {
    throw new AppError('CONFLICT', { key: 'outbound.error.wrongStatus', params: { status: `@outbound.status.${status}`, action: `@outbound.action.${action}` } });
  }
  return orderTransitions[action].to;
}

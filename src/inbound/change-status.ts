import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { inboundLines } from '../db/schema/index.ts';
import type { Action, CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { recordTransition, shipmentFor, type Shipment } from './access.ts';
import { nextStatus, type InboundAction } from './status.ts';

/** The status changes a person asks for on the ASN page (arrival and scans have their own services). */
export type StatusAction = Extract<InboundAction, 'submit' | 'cancel' | 'finishReceiving' | 'close'>;

const permission: Record<StatusAction, Action> = {
  submit: 'inbound.create',
  cancel: 'inbound.cancel',
  finishReceiving: 'inbound.receive',
  close: 'inbound.approve',
};

/**
 * Submits, cancels, finishes receiving or closes an ASN, by the one transition table.
 * A seller may cancel only before the goods reach the dock; an ASN closes only when every
 * product that was not on it has been accepted or rejected.
 */
export async function changeShipmentStatus(opts: { db: Db; user: CurrentUser; shipmentId: number; action: StatusAction; note?: string | undefined }): Promise<Shipment> {
  const { user, action } = opts;
  return withTransaction(opts.db, async (tx) => {
    const s = await shipmentFor(tx, user, opts.shipmentId, permission[action], 'update');
    const to = nextStatus(s.status, action);
    if (action === 'cancel' && user.role === 'seller' && s.status === 'arrived') throw new AppError('FORBIDDEN', { key: 'inbound.error.sellerCancelAfterArrival' });
    if (action === 'close') {
      const [pending] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(inboundLines)
        .where(and(eq(inboundLines.shipmentId, s.id), eq(inboundLines.unexpected, true), isNull(inboundLines.decision)));
      if ((pending?.n ?? 0) > 0) throw new AppError('CONFLICT', { key: 'inbound.error.undecidedLines', params: { count: pending!.n } });
    }
    await recordTransition(tx, s, to, action, user.id, opts.note);
    return { ...s, status: to };
  });
}

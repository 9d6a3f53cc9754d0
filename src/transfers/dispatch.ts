import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { stockBalances, transferLines } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { keyMadeStep, move } from '../stock/index.ts';
import { dispatchInputSchema } from './schemas.ts';
import { nextTransferStatus } from './status.ts';
import { transferFor, transferReservations, transition, type Transfer } from './create-transfer.ts';
import { loadProgress } from './load.ts';

/**
 * Dispatch: in one transaction at the source, every reserved unit moves from its shelf to the
 * transit location towards the destination (one ledger entry per reservation, pointing at the
 * transfer), the lines count what left, and the seals, plate and documents handed over are
 * recorded with who and when. Nothing reserved: nothing to dispatch (409). From the page
 * (`requireLoaded`) every reserved unit must first be confirmed by scan (see load.ts).
 */
export async function dispatchTransfer(opts: { db: Db; user: CurrentUser; transferId: number; input?: unknown; requireLoaded?: boolean; idempotencyKey?: string | undefined }): Promise<{ transfer: Transfer; units: number }> {
  const input = parseInput(dispatchInputSchema, opts.input ?? {});
  const key = opts.idempotencyKey === undefined ? undefined : `dispatch:${opts.user.id}:${opts.idempotencyKey}`;
  return withTransaction(opts.db, async (tx) => {
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.dispatch', 'from', 'update');
    // Sent again with its key (a lost answer): the transfer as it is, nothing moves again.
    if (key && (await keyMadeStep(tx, key, { type: 'transfer', id: String(t.id) }))) {
      const [sent] = await tx.select({ units: sql<number>`coalesce(sum(${transferLines.dispatchedQty}), 0)::int` }).from(transferLines).where(eq(transferLines.transferId, t.id));
      return { transfer: t, units: Number(sent?.units ?? 0) };
    }
    nextTransferStatus(t.status, 'dispatch');
    const held = await transferReservations(tx, t.id);
    if (held.length === 0) throw new AppError('CONFLICT', { key: 'transfers.error.nothingToDispatch' });
    // On the page, every reserved unit must have been scanned onto the vehicle first.
    if (opts.requireLoaded) {
      const left = (await loadProgress(tx, t.id)).reduce((n, l) => n + Math.max(0, l.reserved - l.loaded), 0);
      if (left > 0) throw new AppError('CONFLICT', { key: 'transfers.error.notAllLoaded', params: { units: left } });
    }
    let units = 0;
    // In balance order, like every multi-row change.
    for (const [i, r] of held.sort((a, b) => a.balanceId - b.balanceId || a.id - b.id).entries()) {
      const [bal] = await tx.select().from(stockBalances).where(eq(stockBalances.id, r.balanceId));
      await move(tx, {
        // The first move carries the key (already locked and looked up above).
        ...(i === 0 && key ? { idempotencyKey: key, keyChecked: true } : {}),
        productId: bal!.productId,
        lotId: bal!.lotId,
        quantity: r.quantity,
        fromLocationId: bal!.locationId,
        toLocationId: t.transitLocationId,
        reason: 'transfer_out',
        document: { type: 'transfer', id: String(t.id) },
        actor: { userId: opts.user.id },
        reservationId: r.id,
      });
      await tx.update(transferLines).set({ dispatchedQty: sql`${transferLines.dispatchedQty} + ${r.quantity}` }).where(eq(transferLines.id, Number(r.documentLine)));
      units += r.quantity;
    }
    const transfer = await transition(tx, t, 'dispatch', opts.user.id, input.note ?? `${units}`, {
      dispatchedAt: sql`now()` as unknown as Date,
      dispatchedBy: opts.user.id,
      ...(input.seals?.length ? { seals: input.seals } : {}),
      ...(input.vehicle_plate ? { vehiclePlate: input.vehicle_plate } : {}),
      documents: input.documents ?? null,
    });
    return { transfer, units };
  });
}

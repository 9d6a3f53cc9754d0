import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { inboundLines, inboundReceipts, inboundShipments, locations, products } from '../db/schema/index.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { move } from '../stock/index.ts';
import { dockFor } from '../inventory/docks.ts';
import { recordEvent, shipmentFor } from './access.ts';
import { virtualLocation } from './receive-item.ts';

export type Decision = 'accepted' | 'rejected';

/**
 * A manager decides on goods that were not on the ASN: accepted units leave quarantine for
 * the dock (to be put away like the rest), rejected units go back to the supplier. Both are
 * ledger moves pointing at the ASN.
 */
export async function decideUnexpectedLine(opts: { db: Db; user: CurrentUser; shipmentId: number; lineId: number; decision: Decision }): Promise<{ moved: number }> {
  return withTransaction(opts.db, async (tx) => {
    const s = await shipmentFor(tx, opts.user, opts.shipmentId, 'inbound.approve', 'update');
    if (s.status !== 'receiving' && s.status !== 'received') throw new AppError('CONFLICT', { key: 'inbound.error.wrongStatus', params: { status: `@inbound.status.${s.status}`, action: `@inbound.action.decide` } });
    const [line] = await tx.select().from(inboundLines).where(and(eq(inboundLines.id, opts.lineId), eq(inboundLines.shipmentId, s.id))).for('no key update');
    if (!line || !line.unexpected) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    if (line.decision) throw new AppError('CONFLICT', { key: 'inbound.error.alreadyDecided' });

    // What of this line still sits where receiving put it (a quarantine location).
    const held = await tx
      .select({ lotId: inboundReceipts.lotId, locationId: inboundReceipts.locationId, quantity: sql<number>`sum(${inboundReceipts.quantity})::int` })
      .from(inboundReceipts)
      .innerJoin(locations, eq(locations.id, inboundReceipts.locationId))
      .where(and(eq(inboundReceipts.lineId, line.id), eq(locations.kind, 'quarantine')))
      .groupBy(inboundReceipts.lotId, inboundReceipts.locationId);
    const target =
      opts.decision === 'rejected'
        ? await virtualLocation(tx, s.warehouseId, 'supplier')
        : await dockFor(tx, s.warehouseId, line.productId, s.dockLocationId);
    let moved = 0;
    for (const h of held) {
      if (h.quantity <= 0) continue;
      await move(tx, {
        productId: line.productId,
        lotId: h.lotId,
        quantity: h.quantity,
        fromLocationId: h.locationId,
        toLocationId: target,
        reason: opts.decision === 'rejected' ? 'return' : 'relocation',
        document: { type: 'inbound', id: String(s.id) },
        actor: { userId: opts.user.id },
      });
      moved += h.quantity;
    }
    await tx.update(inboundLines).set({ decision: opts.decision, decidedBy: opts.user.id, decidedAt: sql`now()` }).where(eq(inboundLines.id, line.id));
    await tx.update(inboundShipments).set({ updatedAt: sql`now()` }).where(eq(inboundShipments.id, s.id));
    await recordEvent(tx, s, opts.decision === 'accepted' ? 'acceptLine' : 'rejectLine', opts.user.id, `#${line.lineNo}`);
    return { moved };
  });
}

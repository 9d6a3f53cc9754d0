import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';
import { inboundLines, inboundReceipts, inboundShipments, locations, products } from '../db/schema/index.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { move, zoneClassesFor } from '../stock/index.ts';
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
    const [line] = await tx.select().from(inboundLines).where(and(eq(inboundLines.id, opts.lineId), eq(inboundLines.shipmentId, s.id))).for('update');
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
        : await dockFor(tx, s.warehouseId, s.dockLocationId, line.productId);
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

async function dockFor(tx: Tx, warehouseId: number, preferred: number | null, productId: number): Promise<number> {
  const [p] = await tx.select({ cls: products.temperatureClass }).from(products).where(eq(products.id, productId));
  const classes = zoneClassesFor(p!.cls);
  const [row] = await queryRows<{ id: number }>(
    tx,
    sql`SELECT l.id FROM locations l JOIN zones z ON z.id = l.zone_id
        WHERE l.warehouse_id = ${warehouseId} AND l.kind = 'dock' AND l.active
          AND z.temperature_class::text IN (${sql.join(classes.map((c) => sql`${c}`), sql`, `)})
        ORDER BY (l.id = ${preferred ?? 0}) DESC, (z.temperature_class::text = ${p!.cls}) DESC, l.walk_sequence, l.code LIMIT 1`,
  );
  if (!row) throw new AppError('CONFLICT', { key: 'inbound.error.noDockForClass', params: { class: `@class.${p!.cls}` } });
  return Number(row.id);
}

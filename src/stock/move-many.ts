import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';
import { ledgerEntries, stockBalances } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { checkMove, entryWarehouse, loadMoveFacts, type LocationFacts } from './check.ts';
import { moveInputSchema, type MoveInput } from './move.ts';
import { isVirtualKind } from './rules.ts';

const batchInputSchema = moveInputSchema.omit({ idempotencyKey: true, keyChecked: true, reservationId: true });
const CHUNK = 2000;

/**
 * Many moves as one all-or-nothing step (opening balances, imports, bulk receipts): every
 * move passes the same rules as `move()`, the ledger gets one entry per move, and each
 * balance changes once by its net amount. A real location must end with enough stock for
 * its net outflow; the batch is judged on that net effect, not on the order inside it.
 */
export async function moveMany(tx: Tx, inputs: MoveInput[]): Promise<{ entries: number }> {
  if (inputs.length === 0) return { entries: 0 };
  const moves = inputs.map((input) => {
    const parsed = batchInputSchema.safeParse(input);
    if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.invalidMove', params: { detail: parsed.error.issues[0]?.message ?? '' } });
    return { ...parsed.data, lotId: parsed.data.lotId ?? null };
  });
  const facts = await loadMoveFacts(tx, {
    productIds: moves.map((m) => m.productId),
    lotIds: moves.flatMap((m) => (m.lotId === null ? [] : [m.lotId])),
    locationIds: moves.flatMap((m) => [m.fromLocationId, m.toLocationId]),
  });

  type Net = { loc: LocationFacts; productId: number; lotId: number | null; sku: string; delta: number };
  const net = new Map<string, Net>();
  const add = (loc: LocationFacts, productId: number, lotId: number | null, sku: string, delta: number) => {
    const key = `${loc.id}|${productId}|${lotId ?? ''}`;
    const n = net.get(key) ?? { loc, productId, lotId, sku, delta: 0 };
    n.delta += delta;
    net.set(key, n);
  };
  const entries: (typeof ledgerEntries.$inferInsert)[] = moves.map((m) => {
    const { product, from, to } = checkMove(m, facts);
    add(from, product.id, m.lotId, product.sku, -m.quantity);
    add(to, product.id, m.lotId, product.sku, m.quantity);
    return {
      warehouseId: entryWarehouse(from, to),
      productId: product.id,
      lotId: m.lotId,
      quantity: m.quantity,
      fromLocationId: from.id,
      toLocationId: to.id,
      reason: m.reason,
      documentType: m.document?.type,
      documentId: m.document?.id,
      actorUserId: m.actor.userId,
      actorLabel: m.actor.label,
      note: m.note,
    };
  });

  // Fixed order (location, product, lot) so concurrent batches cannot deadlock.
  const changes = [...net.values()].filter((n) => n.delta !== 0).sort((a, b) => a.loc.id - b.loc.id || a.productId - b.productId || (a.lotId ?? 0) - (b.lotId ?? 0));
  const outflows = changes.filter((n) => n.delta < 0 && !isVirtualKind(n.loc.kind));
  const inflows = changes.filter((n) => !(n.delta < 0 && !isVirtualKind(n.loc.kind)));

  for (let i = 0; i < outflows.length; i += CHUNK) {
    const part = outflows.slice(i, i + CHUNK);
    const values = sql.join(
      part.map((n) => sql`(${n.loc.id}::int, ${n.productId}::int, ${n.lotId}::int, ${n.delta}::int)`),
      sql`, `,
    );
    const rows = await queryRows<{ location_id: number; product_id: number; lot_id: number | null }>(tx, sql`
      UPDATE ${stockBalances} AS b SET on_hand = b.on_hand + v.delta, updated_at = now()
      FROM (VALUES ${values}) AS v(location_id, product_id, lot_id, delta)
      WHERE b.location_id = v.location_id AND b.product_id = v.product_id AND b.lot_id IS NOT DISTINCT FROM v.lot_id
        AND b.on_hand - b.reserved + v.delta >= 0
      RETURNING b.location_id, b.product_id, b.lot_id`);
    if (rows.length !== part.length) {
      const done = new Set(rows.map((r) => `${r.location_id}|${r.product_id}|${r.lot_id ?? ''}`));
      const short = part.find((n) => !done.has(`${n.loc.id}|${n.productId}|${n.lotId ?? ''}`))!;
      throw new AppError('INSUFFICIENT_STOCK', { key: 'error.insufficientStock', params: { sku: short.sku, location: short.loc.code, available: '?', requested: -short.delta } });
    }
  }
  for (let i = 0; i < inflows.length; i += CHUNK) {
    await tx
      .insert(stockBalances)
      .values(inflows.slice(i, i + CHUNK).map((n) => ({ warehouseId: n.loc.warehouseId, locationId: n.loc.id, productId: n.productId, lotId: n.lotId, isVirtual: isVirtualKind(n.loc.kind), onHand: n.delta })))
      .onConflictDoUpdate({
        target: [stockBalances.locationId, stockBalances.productId, stockBalances.lotId],
        set: { onHand: sql`${stockBalances.onHand} + excluded.on_hand`, updatedAt: sql`now()` },
      });
  }
  for (let i = 0; i < entries.length; i += CHUNK) await tx.insert(ledgerEntries).values(entries.slice(i, i + CHUNK));
  return { entries: entries.length };
}

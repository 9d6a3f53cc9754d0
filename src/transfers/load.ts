import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.ts';
import { lots, products, reservations, stockBalances, transferLines, transferLoadScans } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { parseInput } from '../inbound/schemas.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { transferReceiptSchema } from './schemas.ts';
import { transferFor } from './create-transfer.ts';
import { fieldError, productOnTransfer } from './scan.ts';

export type LoadLine = { lineId: number; lineNo: number; sku: string; reserved: number; loaded: number };

/** Per line: units reserved for the transfer (to load) and units scanned onto the vehicle. */
export async function loadProgress(db: Executor, transferId: number): Promise<LoadLine[]> {
  const rows = await db
    .select({
      lineId: transferLines.id,
      lineNo: transferLines.lineNo,
      sku: products.sku,
      reserved: sql<number>`(SELECT coalesce(sum(r.quantity), 0) FROM reservations r WHERE r.document_type = 'transfer' AND r.document_id = ${String(transferId)} AND r.document_line = ${transferLines.id}::text AND r.closed_at IS NULL)::int`,
      loaded: sql<number>`(SELECT coalesce(sum(s.quantity), 0) FROM transfer_load_scans s WHERE s.line_id = ${transferLines.id})::int`,
    })
    .from(transferLines)
    .innerJoin(products, eq(products.id, transferLines.productId))
    .where(eq(transferLines.transferId, transferId))
    .orderBy(transferLines.lineNo);
  return rows.map((r) => ({ ...r, reserved: Number(r.reserved), loaded: Number(r.loaded) }));
}

/**
 * Confirm-by-scan while loading at the source: each scan (EAN, case code, GS1 with lot, or
 * SKU) counts units of a line onto the vehicle; never more than was reserved for it, and a
 * lot other than the reserved ones is refused. A repeat of the idempotency key counts once.
 */
export async function loadScan(opts: { db: Db; user: CurrentUser; transferId: number; input: unknown }): Promise<{ line: LoadLine; quantity: number; replayed: boolean }> {
  const input = parseInput(transferReceiptSchema, opts.input);
  const key = `transfer-load:${opts.user.id}:${input.idempotency_key}`;
  return withTransaction(opts.db, async (tx) => {
    await lockIdempotencyKey(tx, key);
    const [prior] = await tx.select().from(transferLoadScans).where(eq(transferLoadScans.idempotencyKey, key));
    const t = await transferFor(tx, opts.user, opts.transferId, 'transfer.dispatch', 'from', 'update');
    if (prior) return { line: (await loadProgress(tx, t.id)).find((l) => l.lineId === prior.lineId)!, quantity: prior.quantity, replayed: true };
    if (t.status !== 'picking') throw new AppError('CONFLICT', { key: 'transfers.error.notLoading', params: { status: `@transfers.status.${t.status}` } });
    const lines = await tx.select({ l: transferLines, p: products }).from(transferLines).innerJoin(products, eq(products.id, transferLines.productId)).where(eq(transferLines.transferId, t.id));
    const { product, parsed, quantity } = await productOnTransfer(tx, lines.map((x) => x.p), input);
    const productId = product.id;
    // A scanned lot must be one reserved for the transfer.
    const lotCode = parsed?.lot ?? input.lot;
    const candidates = lines.filter((x) => x.p.id === productId);
    let line = candidates[0]!.l;
    if (lotCode) {
      const reservedLots = await tx
        .selectDistinct({ lineId: sql<number>`${reservations.documentLine}::int`, code: lots.code })
        .from(reservations)
        .innerJoin(stockBalances, eq(stockBalances.id, reservations.balanceId))
        .innerJoin(lots, eq(lots.id, stockBalances.lotId))
        .where(and(eq(reservations.documentType, 'transfer'), eq(reservations.documentId, String(t.id)), isNull(reservations.closedAt), eq(stockBalances.productId, productId)));
      const match = reservedLots.find((r) => r.code === lotCode);
      if (!match) throw fieldError('lot', 'transfers.error.lotNotPicked', { lot: lotCode, lots: reservedLots.map((r) => r.code).join(', ') || '—' });
      line = candidates.find((x) => x.l.id === Number(match.lineId))?.l ?? line;
    }
    const progress = await loadProgress(tx, t.id);
    // Of this product's lines, the first with room left.
    const open = progress.filter((p) => candidates.some((x) => x.l.id === p.lineId) && p.loaded < p.reserved);
    const target = progress.find((p) => p.lineId === line.id && p.loaded < p.reserved) ?? open[0] ?? progress.find((p) => p.lineId === line.id)!;
    if (target.loaded + quantity > target.reserved) {
      throw new AppError('CONFLICT', { key: 'transfers.error.moreThanPicked', params: { sku: target.sku, left: target.reserved - target.loaded, quantity }, fieldErrors: [{ path: 'quantity', key: 'transfers.error.moreThanPicked', params: { sku: target.sku, left: target.reserved - target.loaded, quantity } }] });
    }
    await tx.insert(transferLoadScans).values({ transferId: t.id, lineId: target.lineId, quantity, actorUserId: opts.user.id, idempotencyKey: key });
    return { line: { ...target, loaded: target.loaded + quantity }, quantity, replayed: false };
  });
}

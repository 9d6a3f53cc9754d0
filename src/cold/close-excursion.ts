import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../db/client.ts';
import { excursionDecisionKinds, excursionDecisions, excursions, type ExcursionDecisionKind } from '../db/schema/index.ts';
import { queryRows } from '../db/rows.ts';
import { withTransaction } from '../db/tx.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { takeOutOfUse } from './quarantine.ts';
import type { Excursion } from './excursions.ts';

export type ExposedRow = {
  key: string;
  balanceId: number | null;
  locationId: number;
  location: string;
  productId: number;
  sku: string;
  name: string;
  lotId: number | null;
  lot: string | null;
  expiresOn: string | null;
  /** Units there when the excursion started, and units that came in while it lasted. */
  atStart: number;
  entered: number;
  /** Units there now, and of them the exposed ones (what a decision acts on: fresh units that came after are not). */
  now: number;
  exposedThere: number;
  /** Exposed units that have left since (first in, first out), and where they went. */
  left: number;
  movedTo: string | null;
  decision: ExcursionDecisionKind | null;
  decided: number | null;
};

export const exposedKey = (r: { locationId: number; productId: number; lotId: number | null }) => `${r.locationId}_${r.productId}_${r.lotId ?? 0}`;

/**
 * The stock an excursion touched, from the ledger: what was in the slot (or in the zone's
 * locations) when it started, and what was brought in before it ended; with what is there now
 * and any decision taken.
 */
export async function exposedStock(db: Executor, e: Excursion): Promise<ExposedRow[]> {
  const start = e.startedAt.toISOString();
  const end = e.endedAt ? sql`${e.endedAt.toISOString()}::timestamptz` : sql`now()`;
  const places = e.locationId
    ? sql`SELECT ${e.locationId}::int AS id`
    : sql`SELECT id FROM locations WHERE zone_id = ${e.zoneId} AND kind IN ('storage', 'pick', 'cold', 'dock', 'staging')`;
  const rows = await queryRows<{ location_id: number; product_id: number; lot_id: number | null; at_start: number; entered: number; left_since: number; moved_to: string | null }>(
    db,
    sql`WITH places AS (${places}),
        moves AS (
          SELECT to_location_id AS location_id, product_id, lot_id, quantity AS q, at, NULL::int AS dest FROM ledger_entries WHERE to_location_id IN (SELECT id FROM places) AND at <= ${end}
          UNION ALL
          SELECT from_location_id, product_id, lot_id, -quantity, at, to_location_id FROM ledger_entries WHERE from_location_id IN (SELECT id FROM places)
        )
        SELECT location_id, product_id, lot_id,
               coalesce(sum(q) FILTER (WHERE at <= ${start}::timestamptz), 0)::int AS at_start,
               coalesce(sum(q) FILTER (WHERE at > ${start}::timestamptz AND q > 0), 0)::int AS entered,
               coalesce(-sum(q) FILTER (WHERE at > ${start}::timestamptz AND q < 0), 0)::int AS left_since,
               string_agg(DISTINCT (SELECT code FROM locations WHERE id = dest), ', ') FILTER (WHERE at > ${start}::timestamptz AND q < 0) AS moved_to
        FROM moves GROUP BY location_id, product_id, lot_id`,
  );
  const touched = rows.filter((r) => Number(r.at_start) > 0 || Number(r.entered) > 0);
  if (touched.length === 0) return [];
  const extra = new Map(touched.map((r) => [`${r.location_id}_${r.product_id}_${r.lot_id ?? 0}`, { leftSince: Number(r.left_since), movedTo: r.moved_to }]));
  const values = sql.join(
    touched.map((r) => sql`(${r.location_id}::int, ${r.product_id}::int, ${r.lot_id}::int, ${r.at_start}::int, ${r.entered}::int)`),
    sql`, `,
  );
  const full = await queryRows<{
    balance_id: number | null; location_id: number; location: string; product_id: number; sku: string; name: string; lot_id: number | null; lot: string | null; expires_on: string | null; at_start: number; entered: number; now: number; decision: ExcursionDecisionKind | null; decided: number | null;
  }>(
    db,
    sql`SELECT b.id AS balance_id, v.location_id, l.code AS location, v.product_id, p.sku, p.name, v.lot_id, lt.code AS lot, to_char(lt.expires_on, 'YYYY-MM-DD') AS expires_on,
               v.at_start, v.entered, coalesce(b.on_hand, 0) AS now, d.decision, d.quantity AS decided
        FROM (VALUES ${values}) AS v(location_id, product_id, lot_id, at_start, entered)
        JOIN locations l ON l.id = v.location_id
        JOIN products p ON p.id = v.product_id
        LEFT JOIN lots lt ON lt.id = v.lot_id
        LEFT JOIN stock_balances b ON b.location_id = v.location_id AND b.product_id = v.product_id AND b.lot_id IS NOT DISTINCT FROM v.lot_id
        LEFT JOIN excursion_decisions d ON d.excursion_id = ${e.id} AND d.location_id = v.location_id AND d.product_id = v.product_id AND d.lot_id IS NOT DISTINCT FROM v.lot_id
        ORDER BY l.code, p.sku, lt.expires_on NULLS LAST`,
  );
  return full.map((r) => {
    const key = exposedKey({ locationId: Number(r.location_id), productId: Number(r.product_id), lotId: r.lot_id === null ? null : Number(r.lot_id) });
    const exposed = Number(r.at_start) + Number(r.entered);
    const x = extra.get(key) ?? { leftSince: 0, movedTo: null };
    // First in, first out: units that left after the start were the exposed ones first.
    const left = Math.min(x.leftSince, exposed);
    const now = Number(r.now);
    return {
      key,
      balanceId: r.balance_id === null ? null : Number(r.balance_id),
      locationId: Number(r.location_id),
      location: r.location,
      productId: Number(r.product_id),
      sku: r.sku,
      name: r.name,
      lotId: r.lot_id === null ? null : Number(r.lot_id),
      lot: r.lot,
      expiresOn: r.expires_on,
      atStart: Number(r.at_start),
      entered: Number(r.entered),
      now,
      exposedThere: Math.min(now, exposed - left),
      left,
      movedTo: left > 0 ? x.movedTo : null,
      decision: r.decision,
      decided: r.decided === null ? null : Number(r.decided),
    };
  });
}

const closeSchema = z.object({
  note: z.string().trim().min(1).max(500),
  decisions: z.record(z.string().regex(/^\d+_\d+_\d+$/), z.enum(excursionDecisionKinds)),
});

export type CloseResult = { excursion: Excursion; moved: { key: string; decision: ExcursionDecisionKind; quantity: number }[] };

/**
 * Closes an excursion once readings are back in range: a decision for every lot still where
 * it was exposed — keep, quarantine or dispose (ledger moves) — and a note. All or nothing.
 */
export async function closeExcursion(opts: { db: Db; user: CurrentUser; excursionId: number; input: unknown }): Promise<CloseResult> {
  return withTransaction(opts.db, async (tx) => {
    const [e] = await tx.select().from(excursions).where(eq(excursions.id, opts.excursionId)).for('update');
    if (!e || !can(opts.user, 'cold.read', { warehouseId: e.warehouseId })) throw new AppError('NOT_FOUND', { key: 'cold.error.excursionNotFound' });
    if (!can(opts.user, 'cold.decide', { warehouseId: e.warehouseId })) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    if (e.closedAt) throw new AppError('CONFLICT', { key: 'cold.error.excursionClosed' });
    if (!e.endedAt) throw new AppError('CONFLICT', { key: 'cold.error.excursionStillOpen' });
    // Every problem at once: the note, and each lot without a decision.
    const raw = (opts.input ?? {}) as { note?: unknown; decisions?: unknown };
    const note = closeSchema.shape.note.safeParse(raw.note);
    const decisions = closeSchema.shape.decisions.safeParse(raw.decisions ?? {});
    const errors: FieldError[] = [];
    if (!note.success) errors.push({ path: 'note', key: 'cold.error.noteRequired' });
    if (!decisions.success) errors.push({ path: 'decisions', key: 'error.invalidValue', params: { detail: decisions.error.issues[0]?.message ?? '' } });
    const chosen = decisions.success ? decisions.data : {};
    // Lots decided before (an excursion reopened by a late reading) keep their decision.
    const rows = (await exposedStock(tx, e)).filter((r) => r.exposedThere > 0 && !r.decision);
    for (const r of rows) if (!chosen[r.key]) errors.push({ path: `decisions.${r.key}`, key: 'cold.error.decisionRequired', params: { sku: r.sku, location: r.location } });
    if (errors.length || !note.success) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors });
    const parsed = { data: { note: note.data, decisions: chosen } };
    const moved: CloseResult['moved'] = [];
    for (const r of rows) {
      const decision = parsed.data.decisions[r.key]!;
      const entry = decision === 'keep' ? null : await takeOutOfUse(tx, { balanceId: r.balanceId!, quantity: r.exposedThere, to: decision, userId: opts.user.id, document: { type: 'excursion', id: String(e.id) }, note: parsed.data.note });
      await tx.insert(excursionDecisions).values({ excursionId: e.id, locationId: r.locationId, productId: r.productId, lotId: r.lotId, quantity: entry?.quantity ?? r.exposedThere, decision, ledgerEntryId: entry?.id ?? null, decidedBy: opts.user.id });
      moved.push({ key: r.key, decision, quantity: entry?.quantity ?? r.exposedThere });
    }
    // A reopened excursion keeps its earlier note above the new one.
    const fullNote = e.note ? `${e.note}\n${parsed.data.note}` : parsed.data.note;
    const [closed] = await tx.update(excursions).set({ closedAt: sql`now()`, closedBy: opts.user.id, note: fullNote.slice(0, 2000) }).where(eq(excursions.id, e.id)).returning();
    return { excursion: closed!, moved };
  });
}

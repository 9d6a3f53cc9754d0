/**
 * Excursions follow from the readings. In one series (a zone's sensor, or one slot) an
 * excursion is a run of out-of-range readings: it starts at the first of them and ends at the
 * next reading back in range (still open without one). Readings are never removed, so a
 * late reading can only extend a run (an out-of-range one next to it), start a new run, or
 * split a run in two (an in-range one inside it); it never merges two runs, which an
 * in-range reading keeps apart. Reconciling therefore looks only at the readings between
 * the in-range neighbours of what arrived, and keeps each stored excursion (with any
 * decisions on it) on the run that holds its first reading.
 */
import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { excursions, zones } from '../db/schema/index.ts';
import { queryRows } from '../db/rows.ts';
import { outside, rangeOf } from './ranges.ts';

export type SeriesKey = { zoneId: number; locationId: number | null };
export type Excursion = typeof excursions.$inferSelect;
type Run = { start: Date; end: Date | null; peak: number; peakOut: number };

const seriesSql = (s: SeriesKey) => sql`zone_id = ${s.zoneId} AND location_id IS NOT DISTINCT FROM ${s.locationId}::int`;

/**
 * Brings the excursions of these series up to date after readings from `from` to `to` were
 * added (in this transaction). Returns the excursions it opened.
 */
export async function reconcileSeries(tx: Tx, series: (SeriesKey & { from: Date; to: Date; anyOut: boolean })[]): Promise<Excursion[]> {
  if (series.length === 0) return [];
  // One series at a time across the cluster, always locked in the same order.
  const keys = series.map((s) => `excursion:${s.zoneId}:${s.locationId ?? ''}`).sort();
  await tx.execute(sql`SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) AS k`);

  // Only in-range readings arrived: work only where they fall inside a stored excursion.
  const quiet = series.filter((s) => !s.anyOut);
  const touched = new Set<string>();
  if (quiet.length) {
    const values = sql.join(
      quiet.map((s) => sql`(${s.zoneId}::int, ${s.locationId}::int, ${s.from.toISOString()}::timestamptz, ${s.to.toISOString()}::timestamptz)`),
      sql`, `,
    );
    const rows = await queryRows<{ zone_id: number; location_id: number | null }>(
      tx,
      sql`SELECT DISTINCT e.zone_id, e.location_id FROM excursions e
          JOIN (VALUES ${values}) AS v(zone_id, location_id, f, t) ON e.zone_id = v.zone_id AND e.location_id IS NOT DISTINCT FROM v.location_id
          WHERE e.started_at < v.t AND (e.ended_at IS NULL OR e.ended_at > v.f)`,
    );
    for (const r of rows) touched.add(`${r.zone_id}|${r.location_id ?? ''}`);
  }
  const work = series.filter((s) => s.anyOut || touched.has(`${s.zoneId}|${s.locationId ?? ''}`));
  if (work.length === 0) return [];

  const zoneRows = new Map((await tx.select().from(zones).where(inArray(zones.id, [...new Set(work.map((s) => s.zoneId))]))).map((z) => [z.id, z]));
  const opened: Excursion[] = [];
  for (const s of work) {
    const zone = zoneRows.get(s.zoneId)!;
    const range = rangeOf(zone);
    const [bounds] = await queryRows<{ a: Date | string | null; b: Date | string | null }>(
      tx,
      sql`SELECT (SELECT max(measured_at) FROM temperature_readings WHERE ${seriesSql(s)} AND in_range AND measured_at < ${s.from.toISOString()}::timestamptz) AS a,
                 (SELECT min(measured_at) FROM temperature_readings WHERE ${seriesSql(s)} AND in_range AND measured_at > ${s.to.toISOString()}::timestamptz) AS b`,
    );
    const a = bounds?.a ? new Date(bounds.a) : null;
    const b = bounds?.b ? new Date(bounds.b) : null;
    const readings = await queryRows<{ measured_at: Date | string; celsius: number | string; in_range: boolean }>(
      tx,
      sql`SELECT measured_at, celsius, in_range FROM temperature_readings
          WHERE ${seriesSql(s)} ${a ? sql`AND measured_at >= ${a.toISOString()}::timestamptz` : sql``} ${b ? sql`AND measured_at <= ${b.toISOString()}::timestamptz` : sql``}
          ORDER BY measured_at`,
    );
    const runs: Run[] = [];
    let cur: Run | null = null;
    for (const r of readings) {
      const at = new Date(r.measured_at);
      const c = Number(r.celsius);
      if (!r.in_range) {
        const out = outside(c, range);
        if (!cur) cur = { start: at, end: null, peak: c, peakOut: out };
        else if (out > cur.peakOut) {
          cur.peak = c;
          cur.peakOut = out;
        }
      } else if (cur) {
        cur.end = at;
        runs.push(cur);
        cur = null;
      }
    }
    if (cur) runs.push(cur);

    const rows = await tx
      .select()
      .from(excursions)
      .where(
        and(
          eq(excursions.zoneId, s.zoneId),
          s.locationId === null ? isNull(excursions.locationId) : eq(excursions.locationId, s.locationId),
          a ? gte(excursions.startedAt, a) : undefined,
          b ? lte(excursions.startedAt, b) : undefined,
        ),
      )
      .orderBy(excursions.startedAt);
    const kept = new Set<Run>();
    for (const row of rows) {
      const run = runs.find((r) => r.start <= row.startedAt && (r.end === null || row.startedAt < r.end));
      if (!run || kept.has(run)) continue; // cannot happen: every stored start is an out-of-range reading of one run
      kept.add(run);
      const same = run.start.getTime() === row.startedAt.getTime() && (run.end?.getTime() ?? null) === (row.endedAt?.getTime() ?? null) && Number(row.peakCelsius) === run.peak;
      if (same) continue;
      // A closed excursion that a late reading makes longer or worse is open again: the new
      // exposure needs a decision (the lots decided before keep theirs).
      const endOf = (d: Date | null) => d?.getTime() ?? Number.POSITIVE_INFINITY;
      const rowRange = rangeOf(row);
      const worse = run.start < row.startedAt || endOf(run.end) > endOf(row.endedAt) || outside(run.peak, rowRange) > outside(Number(row.peakCelsius), rowRange);
      await tx
        .update(excursions)
        .set({ startedAt: run.start, endedAt: run.end, peakCelsius: run.peak, ...(row.closedAt && worse ? { closedAt: null, closedBy: null } : {}) })
        .where(sql`${excursions.id} = ${row.id}`);
    }
    const fresh = runs.filter((r) => !kept.has(r));
    if (fresh.length) {
      opened.push(
        ...(await tx
          .insert(excursions)
          .values(fresh.map((r) => ({ warehouseId: zone.warehouseId, zoneId: s.zoneId, locationId: s.locationId, startedAt: r.start, endedAt: r.end, peakCelsius: r.peak, minCelsius: range.min, maxCelsius: range.max })))
          .returning()),
      );
    }
  }
  return opened;
}

/** An excursion's state: open while readings are out of range, ended once back in range, closed once decided. */
export function excursionStatus(e: Pick<Excursion, 'endedAt' | 'closedAt'>): 'open' | 'ended' | 'closed' {
  if (e.closedAt) return 'closed';
  return e.endedAt ? 'ended' : 'open';
}

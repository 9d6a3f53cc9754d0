import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import type { AdjustmentReason, AdjustmentStatus, CountLocationStatus, CountScope, CountStatus } from '../db/schema/index.ts';
import { can, warehouseScope, type CurrentUser } from '../auth/policy.ts';
import { queryRows } from '../db/rows.ts';
import { finalOf } from './decide-count.ts';
import { CLAIM_LAPSES_MINUTES } from './count-location.ts';

/** Warehouses where the user may do `action` (all of them for managers). */
export async function warehousesWhere(db: Db, user: CurrentUser, action: 'count.perform' | 'count.manage' | 'adjustment.request') {
  const rows = await queryRows<{ id: number; code: string; name: string; timezone: string; adjustment_approval_units: number }>(
    db,
    sql`SELECT id, code, name, timezone, adjustment_approval_units FROM warehouses ORDER BY code`,
  );
  return rows.filter((w) => can(user, action, { warehouseId: w.id }));
}

const scoped = (user: CurrentUser, column: ReturnType<typeof sql.raw>) => {
  const ids = warehouseScope(user);
  return ids === null ? sql`true` : ids.length ? sql`${column} IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`false`;
};

export type CountRow = {
  id: number;
  warehouse_id: number;
  warehouse: string;
  timezone: string;
  status: CountStatus;
  scope: CountScope;
  zone: string | null;
  from_code: string | null;
  to_code: string | null;
  sku: string | null;
  recount_above: number;
  note: string | null;
  created_by: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  locations: number;
  counted: number;
  recounts: number;
};

const countColumns = sql`c.id, c.warehouse_id, w.code AS warehouse, w.timezone, c.status, c.scope, z.code AS zone, c.from_code, c.to_code, p.sku, c.recount_above, c.note,
  cu.name AS created_by, c.created_at::text, du.name AS decided_by, c.decided_at::text,
  (SELECT count(*)::int FROM cycle_count_locations cl WHERE cl.count_id = c.id) AS locations,
  (SELECT count(*)::int FROM cycle_count_locations cl WHERE cl.count_id = c.id AND cl.status = 'counted') AS counted,
  (SELECT count(*)::int FROM cycle_count_locations cl WHERE cl.count_id = c.id AND cl.pass = 2) AS recounts`;
const countFrom = sql`cycle_counts c JOIN warehouses w ON w.id = c.warehouse_id LEFT JOIN zones z ON z.id = c.zone_id
  LEFT JOIN products p ON p.id = c.product_id JOIN users cu ON cu.id = c.created_by LEFT JOIN users du ON du.id = c.decided_by`;

/** Counts in the user's warehouses, open ones first, newest first. */
export async function listCounts(db: Db, user: CurrentUser, filter: { warehouse?: string | undefined; status?: CountStatus | undefined }) {
  return queryRows<CountRow>(
    db,
    sql`SELECT ${countColumns} FROM ${countFrom}
        WHERE ${scoped(user, sql.raw('c.warehouse_id'))}
          ${filter.warehouse ? sql`AND w.code = ${filter.warehouse}` : sql``}
          ${filter.status ? sql`AND c.status = ${filter.status}` : sql``}
        ORDER BY (c.status IN ('counting', 'review')) DESC, c.id DESC LIMIT 200`,
  );
}

export async function countById(db: Db | Tx, user: CurrentUser, id: number): Promise<CountRow | null> {
  const [row] = await queryRows<CountRow>(db, sql`SELECT ${countColumns} FROM ${countFrom} WHERE c.id = ${id}`);
  if (!row || !can(user, 'count.perform', { warehouseId: row.warehouse_id })) return null;
  return row;
}

export type CountPlace = { id: number; code: string; status: CountLocationStatus; pass: number; counted_by: string | null; counted_at: string | null; recounted_by: string | null; recounted_at: string | null };

/** A count's locations in walking order with who counted them (no quantities: counting is blind). */
export async function countPlaces(db: Db, countId: number) {
  return queryRows<CountPlace>(
    db,
    sql`SELECT cl.id, l.code, cl.status, cl.pass, u1.name AS counted_by, cl.counted_at::text, u2.name AS recounted_by, cl.recounted_at::text
        FROM cycle_count_locations cl JOIN locations l ON l.id = cl.location_id
          LEFT JOIN users u1 ON u1.id = cl.counted_by LEFT JOIN users u2 ON u2.id = cl.recounted_by
        WHERE cl.count_id = ${countId} ORDER BY l.walk_sequence, l.code`,
  );
}

export type VarianceRow = { location: string; sku: string; name: string; lot: string | null; expires_on: string | null; expected: number; counted: number; variance: number; first_count: number; recounted: boolean };

/** For managers: each counted line's expected and counted units and the variance. */
export async function countVariances(db: Db, countId: number): Promise<VarianceRow[]> {
  const rows = await queryRows<{ location: string; sku: string; name: string; lot: string | null; expires_on: string | null; expected: number | null; counted: number; recount_expected: number | null; recounted: number | null }>(
    db,
    sql`SELECT l.code AS location, p.sku, p.name, lt.code AS lot, lt.expires_on::text, ln.expected, ln.counted, ln.recount_expected, ln.recounted
        FROM cycle_count_lines ln JOIN cycle_count_locations cl ON cl.id = ln.count_location_id AND cl.status = 'counted'
          JOIN locations l ON l.id = ln.location_id JOIN products p ON p.id = ln.product_id LEFT JOIN lots lt ON lt.id = ln.lot_id
        WHERE ln.count_id = ${countId} ORDER BY l.walk_sequence, l.code, p.sku, lt.expires_on NULLS FIRST`,
  );
  return rows.map((r) => {
    const f = finalOf({ expected: r.expected, counted: r.counted, recountExpected: r.recount_expected, recounted: r.recounted });
    return { location: r.location, sku: r.sku, name: r.name, lot: r.lot, expires_on: r.expires_on, ...f, first_count: r.counted, recounted: r.recounted !== null };
  });
}

/**
 * The next location for this user to count (pending or to recount), in walking order: one they
 * have started first, then one nobody is counting (or whose counter has been idle too long).
 */
export async function nextPlace(db: Db, countId: number, userId: number) {
  const [row] = await queryRows<{ id: number; code: string; status: CountLocationStatus }>(
    db,
    sql`SELECT cl.id, l.code, cl.status FROM cycle_count_locations cl JOIN locations l ON l.id = cl.location_id
        WHERE cl.count_id = ${countId} AND cl.status IN ('pending', 'recount')
          AND (cl.claimed_by IS NULL OR cl.claimed_by = ${userId} OR cl.claimed_at < now() - make_interval(mins => ${CLAIM_LAPSES_MINUTES}))
        ORDER BY (cl.claimed_by IS NOT DISTINCT FROM ${userId}) DESC, l.walk_sequence, l.code LIMIT 1`,
  );
  return row ?? null;
}

export async function placeById(db: Db, countId: number, id: number) {
  const [row] = await queryRows<{ id: number; code: string; status: CountLocationStatus; pass: number }>(
    db,
    sql`SELECT cl.id, l.code, cl.status, cl.pass FROM cycle_count_locations cl JOIN locations l ON l.id = cl.location_id WHERE cl.count_id = ${countId} AND cl.id = ${id}`,
  );
  return row ?? null;
}

export type AdjustmentRow = {
  id: number;
  warehouse: string;
  timezone: string;
  location: string;
  sku: string;
  name: string;
  lot: string | null;
  expires_on: string | null;
  quantity: number;
  reason: AdjustmentReason;
  note: string | null;
  status: AdjustmentStatus;
  count_id: number | null;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
};

export type AdjustmentFilter = { warehouse?: string | undefined; status?: AdjustmentStatus | undefined; reason?: AdjustmentReason | undefined; page: number };
export const ADJUSTMENTS_PER_PAGE = 50;

/** Adjustments in the user's warehouses, newest first. */
export async function listAdjustments(db: Db, user: CurrentUser, f: AdjustmentFilter) {
  const where = sql`${scoped(user, sql.raw('a.warehouse_id'))}
    ${f.warehouse ? sql`AND w.code = ${f.warehouse}` : sql``}
    ${f.status ? sql`AND a.status = ${f.status}` : sql``}
    ${f.reason ? sql`AND a.reason = ${f.reason}` : sql``}`;
  const [rows, [total]] = await Promise.all([
    queryRows<AdjustmentRow>(
      db,
      sql`SELECT a.id, w.code AS warehouse, w.timezone, l.code AS location, p.sku, p.name, lt.code AS lot, lt.expires_on::text, a.quantity, a.reason, a.note, a.status, a.count_id,
            ru.name AS requested_by, a.requested_at::text, du.name AS decided_by, a.decided_at::text, a.decision_note
          FROM adjustments a JOIN warehouses w ON w.id = a.warehouse_id JOIN locations l ON l.id = a.location_id JOIN products p ON p.id = a.product_id
            LEFT JOIN lots lt ON lt.id = a.lot_id JOIN users ru ON ru.id = a.requested_by LEFT JOIN users du ON du.id = a.decided_by
          WHERE ${where} ORDER BY (a.status = 'pending') DESC, a.id DESC LIMIT ${ADJUSTMENTS_PER_PAGE} OFFSET ${(f.page - 1) * ADJUSTMENTS_PER_PAGE}`,
    ),
    queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM adjustments a JOIN warehouses w ON w.id = a.warehouse_id WHERE ${where}`),
  ]);
  return { rows, total: total!.n };
}

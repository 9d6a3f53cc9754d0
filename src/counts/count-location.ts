import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { cycleCountLines, cycleCountLocations, cycleCountScans, cycleCounts, locations, products, stockBalances, users, zones } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { withTransaction, sqlState } from '../db/tx.ts';
import { queryRows } from '../db/rows.ts';
import { zoneAccepts } from '../stock/index.ts';
import { stripSymbology } from '../inventory/filters.ts';
import { countScanSchema, parseWith } from './schemas.ts';
import { fieldError, resolveItem } from './resolve-item.ts';
import { locationsBeingPicked } from './create-count.ts';

const notFound = () => new AppError('NOT_FOUND', { key: 'error.notFound' });
/** A claim on a location lapses after this long without a scan: someone else may take it over. */
export const CLAIM_LAPSES_MINUTES = 15;

/**
 * The count, if this user may count in it, locked: for share while scanning (a decision waits
 * for scans in flight), for update while finishing (the last two locations finished at once
 * see each other, and the count goes to review exactly once).
 */
async function countForCounting(tx: Tx, user: CurrentUser, countId: number, lock: 'share' | 'update' = 'share') {
  const [count] = await tx.select().from(cycleCounts).where(eq(cycleCounts.id, countId)).for(lock);
  if (!count || !can(user, 'count.perform', { warehouseId: count.warehouseId })) throw notFound();
  if (count.status !== 'counting') throw new AppError('CONFLICT', { key: 'counts.error.notCounting' });
  return count;
}

type Place = typeof cycleCountLocations.$inferSelect;

async function lockedPlace(tx: Tx, countId: number, countLocationId: number) {
  const [place] = await tx
    .select({ place: cycleCountLocations, code: locations.code, zoneClass: zones.temperatureClass })
    .from(cycleCountLocations)
    .innerJoin(locations, eq(locations.id, cycleCountLocations.locationId))
    .leftJoin(zones, eq(zones.id, locations.zoneId))
    .where(and(eq(cycleCountLocations.id, countLocationId), eq(cycleCountLocations.countId, countId)))
    .for('update', { of: cycleCountLocations });
  if (!place) throw notFound();
  if (place.place.status === 'counted') throw new AppError('CONFLICT', { key: 'counts.error.locationDone', params: { code: place.code } });
  return place;
}

/** The pass the form was showing must still be the location's pass (a second tap, a late scan). */
function samePass(place: Place, code: string, pass: number | undefined) {
  if (pass !== undefined && pass !== place.pass) throw new AppError('CONFLICT', { key: place.pass === 2 ? 'counts.error.nowRecount' : 'counts.error.passChanged', params: { code } });
}

/** One person counts a location's pass; another may take over a claim idle for a while (their scans are voided). */
async function claim(tx: Tx, user: CurrentUser, place: Place, code: string): Promise<void> {
  if (place.claimedBy === user.id) return;
  const idle = place.claimedAt ? (Date.now() - place.claimedAt.getTime()) / 60_000 : Infinity;
  if (place.claimedBy !== null && idle < CLAIM_LAPSES_MINUTES) {
    const [holder] = await tx.select({ name: users.name }).from(users).where(eq(users.id, place.claimedBy));
    throw new AppError('CONFLICT', { key: 'counts.error.claimed', params: { code, name: holder?.name ?? '?', minutes: CLAIM_LAPSES_MINUTES } });
  }
  if (place.claimedBy !== null) await clearPass(tx, place);
  await tx.update(cycleCountLocations).set({ claimedBy: user.id, claimedAt: sql`now()` }).where(eq(cycleCountLocations.id, place.id));
}

async function refuseIfPicking(tx: Tx, locationId: number, code: string) {
  if ((await locationsBeingPicked(tx, [locationId])).length) throw new AppError('CONFLICT', { key: 'counts.error.beingPicked', params: { locations: code } });
}

/** The count location a scanned location label names, claimed by this user for its current pass. */
export async function openLocation(opts: { db: Db; user: CurrentUser; countId: number; code: string }) {
  return withTransaction(opts.db, async (tx) => {
    await countForCounting(tx, opts.user, opts.countId);
    const code = stripSymbology(opts.code.trim()).toUpperCase();
    const [row] = await tx
      .select({ id: cycleCountLocations.id })
      .from(cycleCountLocations)
      .innerJoin(locations, eq(locations.id, cycleCountLocations.locationId))
      .where(and(eq(cycleCountLocations.countId, opts.countId), eq(locations.code, code)));
    if (!row) throw fieldError('location', 'counts.error.notInCount', { code });
    const { place } = await lockedPlace(tx, opts.countId, row.id).catch((err: unknown) => {
      if (err instanceof AppError && err.key === 'counts.error.locationDone') throw fieldError('location', 'counts.error.locationDone', { code });
      throw err;
    });
    await refuseIfPicking(tx, place.locationId, code);
    await claim(tx, opts.user, place, code);
    return row.id;
  });
}

/** The scan a key already recorded, answered again as it was (the product and units it counted). */
async function priorScan(tx: Tx, key: string): Promise<CountScanResult | null> {
  const [prior] = await tx
    .select({ sku: products.sku, quantity: cycleCountScans.quantity })
    .from(cycleCountScans)
    .innerJoin(cycleCountLines, eq(cycleCountLines.id, cycleCountScans.lineId))
    .innerJoin(products, eq(products.id, cycleCountLines.productId))
    .where(eq(cycleCountScans.idempotencyKey, key));
  return prior ? { replayed: true, sku: prior.sku, quantity: prior.quantity } : null;
}

export type CountScanResult = { replayed: boolean; sku: string; quantity: number };

/**
 * Adds counted units of one product and lot to the location's current pass. The operator never
 * sees what the system expects. A repeat of the same scan (same key) counts once, whenever it
 * comes, and answers what the first counted; a scan meant for a pass that has ended is refused.
 */
export async function countItem(opts: { db: Db; user: CurrentUser; countId: number; countLocationId: number; input: unknown }): Promise<CountScanResult> {
  const input = parseWith(countScanSchema, opts.input);
  const key = `count:${opts.user.id}:${input.idempotency_key}`;
  try {
    return await withTransaction(opts.db, async (tx) => {
      const seen = await priorScan(tx, key);
      if (seen) return seen;
      const count = await countForCounting(tx, opts.user, opts.countId);
      const { place, code, zoneClass } = await lockedPlace(tx, opts.countId, opts.countLocationId);
      // A concurrent repeat of the key waited for the lock above: it finds the first one now.
      const again = await priorScan(tx, key);
      if (again) return again;
      samePass(place, code, input.pass);
      await claim(tx, opts.user, place, code);
      await refuseIfPicking(tx, place.locationId, code);
      const { product, lotId } = await resolveItem(tx, { product: input.scan, lot: input.lot, field: 'scan' });
      if (count.productId && product.id !== count.productId) throw fieldError('scan', 'counts.error.otherProduct', { sku: product.sku });
      const [cls] = await tx.select({ cls: products.temperatureClass }).from(products).where(eq(products.id, product.id));
      if (zoneClass && !zoneAccepts(zoneClass, cls!.cls)) throw fieldError('scan', 'counts.error.wrongClass', { sku: product.sku, code });
      const units = input.quantity * product.units;
      if (units > 1_000_000) throw fieldError('quantity', 'error.quantityPositiveInteger');
      const pass = place.pass;
      await tx
        .insert(cycleCountLines)
        .values({ countId: opts.countId, countLocationId: place.id, locationId: place.locationId, productId: product.id, lotId })
        .onConflictDoNothing();
      const [line] = await tx
        .update(cycleCountLines)
        .set(pass === 1 ? { counted: sql`${cycleCountLines.counted} + ${units}` } : { recounted: sql`COALESCE(${cycleCountLines.recounted}, 0) + ${units}` })
        .where(and(eq(cycleCountLines.countLocationId, place.id), eq(cycleCountLines.productId, product.id), lotId === null ? isNull(cycleCountLines.lotId) : eq(cycleCountLines.lotId, lotId)))
        .returning();
      await tx.insert(cycleCountScans).values({ countLocationId: place.id, lineId: line!.id, pass, quantity: units, countedBy: opts.user.id, idempotencyKey: key });
      await tx
        .update(cycleCountLocations)
        .set({ claimedAt: sql`now()`, ...(place.passStartedAt ? {} : { passStartedAt: sql`now()` }) })
        .where(eq(cycleCountLocations.id, place.id));
      return { replayed: false, sku: product.sku, quantity: units };
    });
  } catch (err) {
    if (sqlState(err) === '23514' || sqlState(err) === '22003') throw fieldError('quantity', 'error.quantityPositiveInteger');
    throw err;
  }
}

/** What this pass has counted so far in a location (product, lot, units): never what is expected. */
export async function countedSoFar(db: Db | Tx, countLocationId: number) {
  return queryRows<{ sku: string; name: string; lot: string | null; expires_on: string | null; units: number }>(
    db,
    sql`SELECT p.sku, p.name, lt.code AS lot, lt.expires_on::text, SUM(s.quantity)::int AS units
        FROM cycle_count_scans s
          JOIN cycle_count_locations cl ON cl.id = s.count_location_id AND s.pass = cl.pass
          JOIN cycle_count_lines ln ON ln.id = s.line_id
          JOIN products p ON p.id = ln.product_id
          LEFT JOIN lots lt ON lt.id = ln.lot_id
        WHERE s.count_location_id = ${countLocationId} AND s.voided_at IS NULL
        GROUP BY p.sku, p.name, lt.code, lt.expires_on ORDER BY p.sku, lt.expires_on NULLS FIRST`,
  );
}

/** Voids this pass's scans (kept for the record and for repeated keys) and zeroes its figures. */
async function clearPass(tx: Tx, place: Place) {
  await tx
    .update(cycleCountScans)
    .set({ voidedAt: sql`now()` })
    .where(and(eq(cycleCountScans.countLocationId, place.id), eq(cycleCountScans.pass, place.pass), isNull(cycleCountScans.voidedAt)));
  await tx
    .update(cycleCountLines)
    .set(place.pass === 1 ? { counted: 0 } : { recounted: null })
    .where(eq(cycleCountLines.countLocationId, place.id));
  await tx.update(cycleCountLocations).set({ passStartedAt: null }).where(eq(cycleCountLocations.id, place.id));
}

/** Throws away this pass's counting of a location (a miscount): the operator starts it again. */
export async function restartLocation(opts: { db: Db; user: CurrentUser; countId: number; countLocationId: number; pass?: number }) {
  return withTransaction(opts.db, async (tx) => {
    await countForCounting(tx, opts.user, opts.countId);
    const { place, code } = await lockedPlace(tx, opts.countId, opts.countLocationId);
    samePass(place, code, opts.pass);
    await claim(tx, opts.user, place, code);
    await clearPass(tx, place);
  });
}

export type FinishResult = { outcome: 'counted' | 'recount' | 'restarted'; code: string; countDone: boolean };

/**
 * Finishes the current pass of a location. The expected quantities are the balances now; a
 * line whose variance is above the count's threshold sends the location to a second blind
 * count (by anyone: the claim is let go). If stock moved in or out of the location while it
 * was being counted, the pass is thrown away and counted again. When the last location is
 * counted the count goes to review.
 */
export async function finishLocation(opts: { db: Db; user: CurrentUser; countId: number; countLocationId: number; pass?: number }): Promise<FinishResult> {
  return withTransaction(opts.db, async (tx) => {
    const count = await countForCounting(tx, opts.user, opts.countId, 'update');
    const { place, code } = await lockedPlace(tx, opts.countId, opts.countLocationId);
    samePass(place, code, opts.pass);
    await claim(tx, opts.user, place, code);
    await refuseIfPicking(tx, place.locationId, code);
    // Lock the location's balances: nothing moves while the snapshot is taken.
    const balances = await tx
      .select({ productId: stockBalances.productId, lotId: stockBalances.lotId, onHand: stockBalances.onHand })
      .from(stockBalances)
      .where(and(eq(stockBalances.locationId, place.locationId), count.productId ? eq(stockBalances.productId, count.productId) : undefined))
      .orderBy(stockBalances.id)
      .for('update');
    if (place.passStartedAt) {
      const [moved] = await queryRows<{ n: number }>(
        tx,
        sql`SELECT count(*)::int AS n FROM ledger_entries
            WHERE (from_location_id = ${place.locationId} OR to_location_id = ${place.locationId})
              AND at >= (SELECT pass_started_at FROM cycle_count_locations WHERE id = ${place.id})
              ${count.productId ? sql`AND product_id = ${count.productId}` : sql``}`,
      );
      if (moved!.n > 0) {
        await clearPass(tx, place);
        return { outcome: 'restarted', code, countDone: false };
      }
    }
    const held = balances.filter((b) => b.onHand > 0);
    if (held.length) {
      await tx
        .insert(cycleCountLines)
        .values(held.map((b) => ({ countId: count.id, countLocationId: place.id, locationId: place.locationId, productId: b.productId, lotId: b.lotId })))
        .onConflictDoNothing();
    }
    const lines = await tx.select().from(cycleCountLines).where(eq(cycleCountLines.countLocationId, place.id)).orderBy(cycleCountLines.id);
    const onHand = (l: (typeof lines)[number]) => balances.find((b) => b.productId === l.productId && b.lotId === l.lotId)?.onHand ?? 0;
    let recount = false;
    for (const l of lines) {
      const expected = onHand(l);
      if (place.pass === 1) {
        await tx.update(cycleCountLines).set({ expected }).where(eq(cycleCountLines.id, l.id));
        if (Math.abs(l.counted - expected) > count.recountAbove) recount = true;
      } else {
        await tx.update(cycleCountLines).set({ recountExpected: expected, recounted: l.recounted ?? 0 }).where(eq(cycleCountLines.id, l.id));
      }
    }
    const now = sql`now()`;
    if (place.pass === 1 && recount) {
      await tx.update(cycleCountLocations).set({ status: 'recount', pass: 2, passStartedAt: null, claimedBy: null, claimedAt: null, countedBy: opts.user.id, countedAt: now }).where(eq(cycleCountLocations.id, place.id));
    } else {
      await tx
        .update(cycleCountLocations)
        .set(place.pass === 1 ? { status: 'counted', countedBy: opts.user.id, countedAt: now } : { status: 'counted', recountedBy: opts.user.id, recountedAt: now })
        .where(eq(cycleCountLocations.id, place.id));
    }
    const open = await tx
      .select({ id: cycleCountLocations.id })
      .from(cycleCountLocations)
      .where(and(eq(cycleCountLocations.countId, count.id), inArray(cycleCountLocations.status, ['pending', 'recount'])))
      .limit(1);
    if (open.length === 0) await tx.update(cycleCounts).set({ status: 'review' }).where(eq(cycleCounts.id, count.id));
    return { outcome: place.pass === 1 && recount ? 'recount' : 'counted', code, countDone: open.length === 0 };
  });
}

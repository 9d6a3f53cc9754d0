import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import type { TemperatureClass } from '../db/schema/index.ts';
import { queryRows, textArray } from '../db/rows.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { knownFacts, lockIdempotencyKey, move, productFactSql, zoneClassesFor } from '../stock/index.ts';
import { barcodeCandidates } from '../inventory/filters.ts';
import { findLot, placesByCode, type FoundProduct } from '../inventory/service.ts';
import { parseInput, putawayInputSchema } from './schemas.ts';
import { retryBackorders } from '../outbound/allocate.ts';
import { settleAll } from '../db/pipeline.ts';

export type Suggestion = { locationId: number; code: string; quantity: number; holdsSame: boolean };

/**
 * Where to put stock away: a location that already holds the same product and lot, else an
 * empty or part-filled one of the right temperature class with room, nearest in walking
 * order. `quantity` is what fits there (the rest gets the next suggestion).
 */
export async function suggestPutaway(
  tx: Tx | Db,
  opts: { warehouseId: number; productId: number; lotId: number | null; productClass: TemperatureClass; quantity: number; exclude?: number[] },
): Promise<Suggestion | null> {
  const classes = zoneClassesFor(opts.productClass);
  const exclude = opts.exclude?.length ? opts.exclude : [0];
  const [row] = await queryRows<{ id: number; code: string; free: number | null; same: number }>(
    tx,
    sql`
      SELECT l.id, l.code,
             CASE WHEN l.capacity_unit = 'units' THEN l.capacity - coalesce(sum(b.on_hand), 0) END AS free,
             coalesce(sum(b.on_hand) FILTER (WHERE b.product_id = ${opts.productId} AND b.lot_id IS NOT DISTINCT FROM ${opts.lotId}::int), 0) AS same
      FROM locations l
      JOIN zones z ON z.id = l.zone_id
      LEFT JOIN stock_balances b ON b.location_id = l.id AND b.on_hand > 0
      WHERE l.warehouse_id = ${opts.warehouseId}
        AND l.kind IN ('storage', 'pick', 'cold')
        AND l.active
        AND z.temperature_class::text IN (${sql.join(classes.map((c) => sql`${c}`), sql`, `)})
        AND l.id NOT IN (${sql.join(exclude.map((id) => sql`${id}`), sql`, `)})
      GROUP BY l.id, l.code, l.capacity, l.capacity_unit, l.walk_sequence, z.temperature_class
      -- Room: free units; or, counted in pallet positions (one per product and lot), a free
      -- position or one that already holds this lot.
      HAVING l.capacity IS NULL
          OR (l.capacity_unit = 'units' AND l.capacity - coalesce(sum(b.on_hand), 0) > 0)
          OR (l.capacity_unit = 'pallets' AND (count(DISTINCT (b.product_id, b.lot_id)) FILTER (WHERE b.id IS NOT NULL) < l.capacity
                                               OR bool_or(b.product_id = ${opts.productId} AND b.lot_id IS NOT DISTINCT FROM ${opts.lotId}::int)))
      ORDER BY (coalesce(sum(b.on_hand) FILTER (WHERE b.product_id = ${opts.productId} AND b.lot_id IS NOT DISTINCT FROM ${opts.lotId}::int), 0) > 0) DESC,
               (z.temperature_class::text = ${opts.productClass}) DESC,
               l.walk_sequence, l.code
      LIMIT 1`,
  );
  if (!row) return null;
  const free = row.free === null ? null : Number(row.free);
  return { locationId: Number(row.id), code: row.code, quantity: free === null ? opts.quantity : Math.min(opts.quantity, free), holdsSame: Number(row.same) > 0 };
}

export type PutawayResult = { putawayId: number; sku: string; lot: string | null; expiry: string | null; quantity: number; from: string; to: string; replayed: boolean };

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });

/**
 * Moves stock from a dock to a storage, pick or cold location. On the scanner screen the
 * label scanned must be the suggested location's; the ledger refuses a location of the wrong
 * temperature class; a location with a capacity takes no more than its free room.
 */
export async function putAway(opts: { db: Db; user: CurrentUser; input: unknown; keyScope?: string }): Promise<PutawayResult> {
  const input = parseInput(putawayInputSchema, opts.input);
  const key = `putaway:${opts.keyScope ?? 'page'}:${opts.user.id}:${input.idempotency_key}`;
  if (!can(opts.user, 'inbound.receive')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  const done = await withTransaction(opts.db, async (tx) => {
    // The key's lock, the putaway it made (else the new putaway's number: its ledger entry
    // names it; a refusal leaves a gap), the warehouse with both locations, and the product,
    // sent at once; the reads run once the lock is held. Each is judged in that order, and nothing
    // is used before the warehouse is the user's.
    const [, [key_], places, productRows] = await settleAll([
      lockIdempotencyKey(tx, key),
      queryRows<PriorPutaway>(
        tx,
        sql`SELECT p.id AS prior, p.warehouse_id AS "warehouseId", p.product_id AS "productId", p.quantity, p.from_location_id AS "fromId", p.to_location_id AS "toId",
                   lt.code AS lot, to_char(lt.expires_on, 'YYYY-MM-DD') AS expiry,
                   CASE WHEN p.id IS NULL THEN nextval('putaways_id_seq')::int END AS next
            FROM (VALUES (1)) AS one LEFT JOIN putaways p ON p.idempotency_key = ${key} LEFT JOIN lots lt ON lt.id = p.lot_id`,
      ),
      placesByCode(tx, input.warehouse, [input.from_location, input.to_location]),
      productsBySku(tx, input.sku, input.seller),
    ]);
    if (key_?.prior != null) {
      // The same key with another putaway (another place, product, lot or quantity) is refused.
      const same =
        key_.warehouseId === places.warehouseId &&
        key_.fromId === places.at(input.from_location)?.id &&
        key_.toId === places.at(input.to_location)?.id &&
        key_.quantity === input.quantity &&
        (productRows.length > 0 ? productRows.some((p) => p.id === key_.productId) : await barcodeNames(tx, key_.productId, input.sku)) &&
        (!input.lot || input.lot === key_.lot || input.lot === key_.expiry);
      if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
      return { ...(await describePutaway(tx, Number(key_.prior))), replayed: true };
    }

    const warehouseId = places.warehouseId;
    if (warehouseId === null || !can(opts.user, 'inbound.receive', { warehouseId })) throw fieldError('warehouse', 'error.unknownWarehouse');
    const product = await productFrom(tx, input.sku, input.seller, productRows);
    const from = places.at(input.from_location);
    const to = places.at(input.to_location);
    if (!from) throw fieldError('from_location', 'error.unknownLocationCode', { code: input.from_location });
    if (from.kind !== 'dock') throw fieldError('from_location', 'putaway.error.notADock', { code: from.code });
    if (!to) throw fieldError('to_location', 'error.unknownLocationCode', { code: input.to_location });
    if (input.suggested && to.code !== input.suggested) throw fieldError('to_location', 'putaway.error.wrongLabel', { scanned: to.code, suggested: input.suggested });
    if (!['storage', 'pick', 'cold'].includes(to.kind)) throw fieldError('to_location', 'putaway.error.notStorage', { code: to.code });
    const lot = await findLot(tx, product, from.id, input.lot ?? '');
    const lotId = lot?.id ?? null;
    // Two putaways into one location with a capacity take turns; the room is judged after the
    // move (the ledger first refuses a product of the wrong class), and a refusal rolls it back.
    if (to.capacity !== null) await tx.execute(sql`SELECT id FROM locations WHERE id = ${to.id} FOR NO KEY UPDATE`);
    const checkRoom = async () => {
      if (to.capacity === null) return;
      const [{ used, pallets }] = (await queryRows<{ used: number; pallets: number }>(
        tx,
        sql`SELECT coalesce(sum(on_hand), 0)::int AS used, count(*)::int AS pallets FROM stock_balances WHERE location_id = ${to.id} AND on_hand > 0`,
      )) as [{ used: number; pallets: number }];
      if (to.capacityUnit === 'units' && Number(used) > to.capacity) throw fieldError('quantity', 'putaway.error.noRoom', { location: to.code, free: Math.max(0, to.capacity - (Number(used) - input.quantity)) });
      if (to.capacityUnit === 'pallets' && Number(pallets) > to.capacity) throw fieldError('to_location', 'putaway.error.noPalletRoom', { location: to.code, pallets: to.capacity });
    };
    const id = Number(key_!.next);
    try {
      const { entry } = await move(
        tx,
        {
          productId: product.id,
          lotId,
          quantity: input.quantity,
          fromLocationId: from.id,
          toLocationId: to.id,
          reason: 'putaway',
          document: { type: 'putaway', id: String(id) },
          actor: { userId: opts.user.id },
          idempotencyKey: key,
          keyChecked: true,
        },
        // What the lookups above read: the ledger checks its rules against them. A location
        // with a capacity was locked since it was read (it may have been closed meanwhile):
        // the ledger reads it again.
        to.capacity === null ? knownFacts({ products: [product], locations: [from, to], lots: lotId === null ? [] : [{ id: lotId, productId: product.id }] }) : undefined,
      );
      // The room and the putaway are sent at once; no room rolls the putaway back. The answer
      // is what was read and written here (`describePutaway` reads the same from the record).
      await settleAll([
        checkRoom(),
        queryRows(
          tx,
          sql`INSERT INTO putaways (id, warehouse_id, product_id, lot_id, quantity, from_location_id, to_location_id, suggested_location_id, ledger_entry_id, actor_user_id, idempotency_key)
              VALUES (${id}, ${warehouseId}, ${product.id}, ${lotId}, ${input.quantity}, ${from.id}, ${to.id}, ${input.suggested ? to.id : null}, ${entry.id}, ${opts.user.id}, ${key})`,
        ),
      ]);
      const answer: PutawayResult = { putawayId: id, sku: product.sku, lot: lot?.code || null, expiry: lot?.expiresOn ?? null, quantity: input.quantity, from: from.code, to: to.code, replayed: false };
      return { ...answer, warehouseId, productId: product.id };
    } catch (err) {
      if (err instanceof AppError && err.fieldErrors.length === 0) {
        const path = err.code === 'INSUFFICIENT_STOCK' ? 'quantity' : 'to_location';
        throw new AppError(err.code, { key: err.key, params: err.params, fieldErrors: [{ path, key: err.key, params: err.params }] });
      }
      throw err;
    }
  });
  // After commit: stock that reached a shelf may fill backordered orders.
  if (!done.replayed && 'productId' in done) {
    try {
      await retryBackorders(opts.db, { warehouseId: done.warehouseId, productIds: [done.productId] });
    } catch (err) {
      process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level: 'error', msg: 'backorder retry after putaway failed', error: String(err) }) + '\n');
    }
  }
  const { warehouseId: _w, productId: _p, ...result } = done as PutawayResult & { warehouseId?: number; productId?: number };
  return result;
}

/** The putaway a key made, if any (else the next putaway's number). */
type PriorPutaway = {
  prior: number | null;
  warehouseId: number | null;
  productId: number | null;
  quantity: number | null;
  fromId: number | null;
  toId: number | null;
  lot: string | null;
  expiry: string | null;
  next: number | null;
};

/** Whether a code (a barcode in any of its spellings) is one of this product's. */
async function barcodeNames(tx: Tx, productId: number | null, code: string): Promise<boolean> {
  if (productId === null) return false;
  const rows = await queryRows(tx, sql`SELECT 1 FROM product_barcodes WHERE product_id = ${productId} AND code = ANY(${textArray(barcodeCandidates(code))})`);
  return rows.length > 0;
}

/** The products with this SKU (of this seller, when named). */
function productsBySku(tx: Tx, code: string, sellerCode: string | undefined) {
  return queryRows<FoundProduct>(
    tx,
    sql`SELECT ${productFactSql}, 1 AS units FROM products p JOIN sellers s ON s.id = p.seller_id
        WHERE p.sku = ${code} AND (${sellerCode ?? null}::text IS NULL OR s.code = ${sellerCode ?? null})`,
  );
}

/** The one product among those with the SKU, else the one a barcode names; errors on the `sku` field. */
async function productFrom(tx: Tx, code: string, sellerCode: string | undefined, bySku: FoundProduct[]): Promise<FoundProduct> {
  let rows = bySku;
  if (rows.length === 0) {
    rows = await queryRows<FoundProduct>(
      tx,
      sql`SELECT DISTINCT ${productFactSql}, 1 AS units FROM product_barcodes b JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = p.seller_id
          WHERE b.code = ANY(${textArray(barcodeCandidates(code))}) AND (${sellerCode ?? null}::text IS NULL OR s.code = ${sellerCode ?? null})`,
    );
  }
  if (rows.length === 0) throw fieldError('sku', 'error.unknownProductCode', { code });
  if (rows.length > 1) throw fieldError('sku', 'error.ambiguousProduct', { code });
  return rows[0]!;
}

async function describePutaway(tx: Tx, id: number): Promise<PutawayResult> {
  const [r] = await queryRows<{ id: number; sku: string; lot: string | null; expiry: string | null; quantity: number; from: string; to: string }>(
    tx,
    sql`SELECT p.id, pr.sku, lt.code AS lot, to_char(lt.expires_on, 'YYYY-MM-DD') AS expiry, p.quantity, f.code AS "from", t.code AS "to"
        FROM putaways p JOIN products pr ON pr.id = p.product_id
        JOIN locations f ON f.id = p.from_location_id JOIN locations t ON t.id = p.to_location_id
        LEFT JOIN lots lt ON lt.id = p.lot_id WHERE p.id = ${id}`,
  );
  return { putawayId: Number(r!.id), sku: r!.sku, lot: r!.lot || null, expiry: r!.expiry, quantity: Number(r!.quantity), from: r!.from, to: r!.to, replayed: false };
}


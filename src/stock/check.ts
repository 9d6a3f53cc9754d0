import { sql } from 'drizzle-orm';
import { intArray, queryRows } from '../db/rows.ts';
import type { Tx } from '../db/client.ts';
import { locations, lots, products, zones } from '../db/schema/index.ts';
import type { TemperatureClass } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { isVirtualKind, zoneAccepts } from './rules.ts';

export type ProductFacts = { id: number; sku: string; temperatureClass: TemperatureClass; tracksLot: boolean; tracksExpiry: boolean };
export type LocationFacts = {
  id: number;
  warehouseId: number;
  code: string;
  kind: (typeof locations.$inferSelect)['kind'];
  peerWarehouseId: number | null;
  active: boolean;
  zoneClass: TemperatureClass | null;
};

/** What the rules need to know about the products, lots and locations of some moves. */
export type MoveFacts = { products: Map<number, ProductFacts>; lotOwners: Map<number, number>; locations: Map<number, LocationFacts> };

/**
 * The columns of a product (`products p`) and of a location (`locations l`, with its zone's
 * class: `LEFT JOIN zones z`) that the rules read, as `ProductFacts` and `LocationFacts`. A
 * caller that looks these up anyway, in the same transaction, selects them and hands them to
 * `move()` with `knownFacts`, which then reads nothing more. (SQL text: a lookup sent with
 * every move is built in microseconds, not tens of them.)
 */
export const productFactSql = sql.raw(`p.id, p.sku, p.temperature_class::text AS "temperatureClass", p.tracks_lot AS "tracksLot", p.tracks_expiry AS "tracksExpiry"`);
export const locationFactSql = sql.raw(
  `l.id, l.warehouse_id AS "warehouseId", l.code, l.kind::text AS kind, l.peer_warehouse_id AS "peerWarehouseId", l.active, z.temperature_class::text AS "zoneClass"`,
);

/** Facts read by the caller (with the columns above); a lot is named with the product it belongs to. */
export function knownFacts(f: { products: ProductFacts[]; locations: LocationFacts[]; lots?: { id: number; productId: number }[] }): MoveFacts {
  return {
    products: new Map(f.products.map((p) => [p.id, p])),
    lotOwners: new Map((f.lots ?? []).map((l) => [l.id, l.productId])),
    locations: new Map(f.locations.map((l) => [l.id, l])),
  };
}

/** Whether the facts name everything a move touches (else it reads them itself). */
export function factsCover(facts: MoveFacts, m: { productId: number; lotId: number | null; fromLocationId: number; toLocationId: number }): boolean {
  return facts.products.has(m.productId) && facts.locations.has(m.fromLocationId) && facts.locations.has(m.toLocationId) && (m.lotId === null || facts.lotOwners.has(m.lotId));
}

export async function loadMoveFacts(tx: Tx, ids: { productIds: number[]; lotIds: number[]; locationIds: number[] }): Promise<MoveFacts> {
  const uniq = (xs: number[]) => [...new Set(xs)];
  // One statement for all three (a move is made of few, and every move makes this one).
  const [row] = await queryRows<{ products: unknown; lots: unknown; locations: unknown }>(
    tx,
    sql`SELECT
          (SELECT json_agg(json_build_object('id', ${products.id}, 'sku', ${products.sku}, 'temperatureClass', ${products.temperatureClass},
                                             'tracksLot', ${products.tracksLot}, 'tracksExpiry', ${products.tracksExpiry}))
             FROM ${products} WHERE ${products.id} = ANY(${intArray(uniq(ids.productIds))})) AS products,
          (SELECT json_agg(json_build_object('id', ${lots.id}, 'productId', ${lots.productId}))
             FROM ${lots} WHERE ${lots.id} = ANY(${intArray(uniq(ids.lotIds))})) AS lots,
          (SELECT json_agg(json_build_object('id', ${locations.id}, 'warehouseId', ${locations.warehouseId}, 'code', ${locations.code}, 'kind', ${locations.kind},
                                             'peerWarehouseId', ${locations.peerWarehouseId}, 'active', ${locations.active}, 'zoneClass', ${zones.temperatureClass}))
             FROM ${locations} LEFT JOIN ${zones} ON ${zones.id} = ${locations.zoneId} WHERE ${locations.id} = ANY(${intArray(uniq(ids.locationIds))})) AS locations`,
  );
  // json arrives parsed from either driver; text if a driver leaves it so.
  const list = <T,>(v: unknown): T[] => (v == null ? [] : ((typeof v === 'string' ? JSON.parse(v) : v) as T[]));
  return {
    products: new Map(list<ProductFacts>(row?.products).map((p) => [p.id, p])),
    lotOwners: new Map(list<{ id: number; productId: number }>(row?.lots).map((l) => [l.id, l.productId])),
    locations: new Map(list<LocationFacts>(row?.locations).map((l) => [l.id, l])),
  };
}

/**
 * Rules of a single move that need no balance: the product, lot and locations exist, the
 * lot belongs to the product (and is given when the product is tracked), stock crosses
 * warehouses only through transit, and the destination accepts the product's temperature
 * class (rule 6).
 */
export function checkMove(
  m: { productId: number; lotId: number | null; fromLocationId: number; toLocationId: number },
  facts: MoveFacts,
): { product: ProductFacts; from: LocationFacts; to: LocationFacts } {
  if (m.fromLocationId === m.toLocationId) throw new AppError('INVALID_MOVE', { key: 'error.sameLocation' });
  const product = facts.products.get(m.productId);
  if (!product) throw new AppError('NOT_FOUND', { key: 'error.unknownProduct' });
  if (m.lotId !== null) {
    if (facts.lotOwners.get(m.lotId) !== product.id) throw new AppError('VALIDATION', { key: 'error.unknownLot' });
  } else if (product.tracksLot || product.tracksExpiry) {
    throw new AppError('VALIDATION', { key: 'error.lotRequired', params: { sku: product.sku } });
  }
  const from = facts.locations.get(m.fromLocationId);
  const to = facts.locations.get(m.toLocationId);
  if (!from || !to) throw new AppError('NOT_FOUND', { key: 'error.unknownLocation' });
  if (!to.active) throw new AppError('INVALID_MOVE', { key: 'error.locationInactive', params: { location: to.code } });

  const ends = (l: LocationFacts) => (l.kind === 'transit' ? [l.warehouseId, l.peerWarehouseId] : [l.warehouseId]);
  const fromEnds = ends(from);
  if (!ends(to).some((w) => fromEnds.includes(w))) throw new AppError('INVALID_MOVE', { key: 'error.crossWarehouse' });

  if (to.zoneClass && !zoneAccepts(to.zoneClass, product.temperatureClass)) {
    throw new AppError('WRONG_TEMPERATURE_CLASS', {
      key: 'error.wrongTemperatureClass',
      params: { sku: product.sku, location: to.code, productClass: `@class.${product.temperatureClass}`, locationClass: `@class.${to.zoneClass}` },
    });
  }
  return { product, from, to };
}

/** The warehouse a ledger entry belongs to: where the physical side of the move is. */
export function entryWarehouse(from: LocationFacts, to: LocationFacts): number {
  return isVirtualKind(to.kind) ? from.warehouseId : to.warehouseId;
}

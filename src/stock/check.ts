import { eq, inArray } from 'drizzle-orm';
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

export async function loadMoveFacts(tx: Tx, ids: { productIds: number[]; lotIds: number[]; locationIds: number[] }): Promise<MoveFacts> {
  const uniq = (xs: number[]) => [...new Set(xs)];
  const [productRows, lotRows, locationRows] = await Promise.all([
    tx
      .select({ id: products.id, sku: products.sku, temperatureClass: products.temperatureClass, tracksLot: products.tracksLot, tracksExpiry: products.tracksExpiry })
      .from(products)
      .where(inArray(products.id, uniq(ids.productIds))),
    ids.lotIds.length ? tx.select({ id: lots.id, productId: lots.productId }).from(lots).where(inArray(lots.id, uniq(ids.lotIds))) : Promise.resolve([]),
    tx
      .select({
        id: locations.id,
        warehouseId: locations.warehouseId,
        code: locations.code,
        kind: locations.kind,
        peerWarehouseId: locations.peerWarehouseId,
        active: locations.active,
        zoneClass: zones.temperatureClass,
      })
      .from(locations)
      .leftJoin(zones, eq(zones.id, locations.zoneId))
      .where(inArray(locations.id, uniq(ids.locationIds))),
  ]);
  return {
    products: new Map(productRows.map((p) => [p.id, p])),
    lotOwners: new Map(lotRows.map((l) => [l.id, l.productId])),
    locations: new Map(locationRows.map((l) => [l.id, l])),
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

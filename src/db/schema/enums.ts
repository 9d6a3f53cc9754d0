import { pgEnum } from 'drizzle-orm/pg-core';

export const temperatureClasses = ['ambient', 'chilled', 'frozen', 'deep_frozen'] as const;
export type TemperatureClass = (typeof temperatureClasses)[number];
export const temperatureClass = pgEnum('temperature_class', temperatureClasses);

/** Real kinds hold physical stock; virtual kinds are the other side of a double entry. */
export const realLocationKinds = ['dock', 'storage', 'pick', 'cold', 'staging', 'quarantine'] as const;
export const virtualLocationKinds = ['supplier', 'customer', 'transit', 'adjustment'] as const;
export const locationKinds = [...realLocationKinds, ...virtualLocationKinds] as const;
export type LocationKind = (typeof locationKinds)[number];
export const locationKind = pgEnum('location_kind', locationKinds);
export const isVirtualKind = (kind: LocationKind): boolean =>
  (virtualLocationKinds as readonly string[]).includes(kind);

export const moveReasons = [
  'receipt',
  'putaway',
  'relocation',
  'pick',
  'ship',
  'transfer_out',
  'transfer_in',
  'adjustment',
  'count',
  'quarantine',
  'disposal',
  'return',
] as const;
export type MoveReason = (typeof moveReasons)[number];
export const moveReason = pgEnum('move_reason', moveReasons);

export const roles = ['admin', 'manager', 'operator', 'seller'] as const;
export type Role = (typeof roles)[number];
export const role = pgEnum('role', roles);

export const barcodeKinds = ['ean13', 'upca', 'ean8', 'gtin14', 'marketplace', 'internal'] as const;
export type BarcodeKind = (typeof barcodeKinds)[number];
export const barcodeKind = pgEnum('barcode_kind', barcodeKinds);

/** A slot's capacity counts units, or pallet positions (one per product and lot in it). */
export const capacityUnits = ['units', 'pallets'] as const;
export type CapacityUnit = (typeof capacityUnits)[number];
export const capacityUnit = pgEnum('capacity_unit', capacityUnits);

import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, pgTable, serial, text, timestamp, uniqueIndex, char, boolean } from 'drizzle-orm/pg-core';
import { capacityUnit, locationKind, temperatureClass } from './enums.ts';

export const warehouses = pgTable('warehouses', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  country: char('country', { length: 2 }).notNull(),
  timezone: text('timezone').notNull(),
  /** An adjustment of more units than this waits for a manager's approval. */
  adjustmentApprovalUnits: integer('adjustment_approval_units').notNull().default(10),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const zones = pgTable(
  'zones',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    temperatureClass: temperatureClass('temperature_class').notNull(),
    minCelsius: numeric('min_celsius', { precision: 5, scale: 1, mode: 'number' }),
    maxCelsius: numeric('max_celsius', { precision: 5, scale: 1, mode: 'number' }),
    /** Minutes between temperature readings; a longer silence is a "no data" finding. Null: not monitored. */
    logIntervalMinutes: integer('log_interval_minutes'),
  },
  (t) => [
    uniqueIndex('zones_warehouse_code_uq').on(t.warehouseId, t.code),
    check('zones_range_ck', sql`${t.minCelsius} IS NULL OR ${t.maxCelsius} IS NULL OR ${t.minCelsius} <= ${t.maxCelsius}`),
    check('zones_interval_ck', sql`${t.logIntervalMinutes} IS NULL OR ${t.logIntervalMinutes} BETWEEN 1 AND 1440`),
  ],
);

export const locations = pgTable(
  'locations',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    zoneId: integer('zone_id').references(() => zones.id),
    code: text('code').notNull(),
    kind: locationKind('kind').notNull(),
    /** Position on the picker's walk through the warehouse. */
    walkSequence: integer('walk_sequence').notNull().default(0),
    /** Capacity in units, or in pallet positions (see capacityUnit); null = unlimited. */
    capacity: integer('capacity'),
    capacityUnit: capacityUnit('capacity_unit').notNull().default('units'),
    /** Place in the zone's grid (slot map): aisle, rack along it, level up it, position on the level. */
    aisle: text('aisle'),
    rack: integer('rack'),
    level: integer('level'),
    position: integer('position'),
    /** For a transit location: the warehouse at the other end of the road. */
    peerWarehouseId: integer('peer_warehouse_id').references(() => warehouses.id),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    uniqueIndex('locations_warehouse_code_uq').on(t.warehouseId, t.code),
    index('locations_zone_idx').on(t.zoneId),
    /** The inventory's order: a warehouse's locations in walking order. */
    index('locations_walk_idx').on(t.warehouseId, t.walkSequence, t.code),
    check(
      'locations_zone_ck',
      sql`(${t.kind} IN ('supplier','customer','transit','adjustment')) = (${t.zoneId} IS NULL)`,
    ),
    check('locations_transit_ck', sql`(${t.kind} = 'transit') = (${t.peerWarehouseId} IS NOT NULL)`),
    check('locations_capacity_ck', sql`${t.capacity} IS NULL OR ${t.capacity} > 0`),
  ],
);

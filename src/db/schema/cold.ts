import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, numeric, pgEnum, pgTable, serial, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { locations, warehouses, zones } from './warehouses.ts';
import { lots, products } from './catalog.ts';
import { apiTokens, users } from './auth.ts';
import { ledgerEntries } from './stock.ts';

export const readingSources = ['manual', 'device'] as const;
export type ReadingSource = (typeof readingSources)[number];
export const readingSource = pgEnum('reading_source', readingSources);

/**
 * Temperatures as measured: of a zone (its room sensor) or of one slot in it. Append-only, one
 * reading per series and moment (a repeat is ignored). `in_range` is judged against the
 * zone's range when the reading arrived, and stays so if the range is edited later.
 */
export const temperatureReadings = pgTable(
  'temperature_readings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    zoneId: integer('zone_id').notNull().references(() => zones.id),
    /** The slot measured; null for the zone's own sensor. */
    locationId: integer('location_id').references(() => locations.id),
    celsius: numeric('celsius', { precision: 4, scale: 1, mode: 'number' }).notNull(),
    measuredAt: timestamp('measured_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    inRange: boolean('in_range').notNull(),
    source: readingSource('source').notNull(),
    userId: integer('user_id').references(() => users.id),
    tokenId: text('token_id').references(() => apiTokens.id),
    /** A typed reading's form key (per user): the same form sent twice records one reading. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    unique('temperature_readings_series_at_uq').on(t.zoneId, t.locationId, t.measuredAt).nullsNotDistinct(),
    index('temperature_readings_warehouse_at_idx').on(t.warehouseId, t.measuredAt),
    index('temperature_readings_zone_at_idx').on(t.zoneId, t.measuredAt),
    uniqueIndex('temperature_readings_idempotency_uq').on(t.idempotencyKey),
    check('temperature_readings_celsius_ck', sql`${t.celsius} BETWEEN -80 AND 60`),
    check('temperature_readings_who_ck', sql`(${t.source} = 'manual') = (${t.userId} IS NOT NULL) AND (${t.source} = 'device') = (${t.tokenId} IS NOT NULL)`),
  ],
);

/**
 * A run of out-of-range readings of one series: from the first reading outside the range to
 * the first reading back inside (`ended_at`, null while it lasts). Closed by a manager's
 * decision on every lot that was there.
 */
export const excursions = pgTable(
  'excursions',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    zoneId: integer('zone_id').notNull().references(() => zones.id),
    locationId: integer('location_id').references(() => locations.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** The reading furthest outside the range. */
    peakCelsius: numeric('peak_celsius', { precision: 4, scale: 1, mode: 'number' }).notNull(),
    /** The range it was judged against. */
    minCelsius: numeric('min_celsius', { precision: 5, scale: 1, mode: 'number' }),
    maxCelsius: numeric('max_celsius', { precision: 5, scale: 1, mode: 'number' }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: integer('closed_by').references(() => users.id),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('excursions_series_idx').on(t.zoneId, t.locationId, t.startedAt),
    index('excursions_warehouse_idx').on(t.warehouseId, t.startedAt),
    check('excursions_span_ck', sql`${t.endedAt} IS NULL OR ${t.endedAt} >= ${t.startedAt}`),
    check('excursions_closed_ck', sql`(${t.closedAt} IS NULL) = (${t.closedBy} IS NULL)`),
  ],
);

export const excursionDecisionKinds = ['keep', 'quarantine', 'dispose'] as const;
export type ExcursionDecisionKind = (typeof excursionDecisionKinds)[number];
export const excursionDecisionKind = pgEnum('excursion_decision', excursionDecisionKinds);

/** What a manager decided for one lot exposed to an excursion; quarantine and disposal are ledger moves. */
export const excursionDecisions = pgTable(
  'excursion_decisions',
  {
    id: serial('id').primaryKey(),
    excursionId: integer('excursion_id').notNull().references(() => excursions.id),
    locationId: integer('location_id').notNull().references(() => locations.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    /** Units the decision covered (moved, for quarantine and disposal). */
    quantity: integer('quantity').notNull(),
    decision: excursionDecisionKind('decision').notNull(),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).references(() => ledgerEntries.id),
    decidedBy: integer('decided_by').notNull().references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('excursion_decisions_lot_uq').on(t.excursionId, t.locationId, t.productId, t.lotId).nullsNotDistinct(),
    check('excursion_decisions_quantity_ck', sql`${t.quantity} >= 0`),
  ],
);

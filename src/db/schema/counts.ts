import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, serial, smallint, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { locations, warehouses, zones } from './warehouses.ts';
import { lots, products } from './catalog.ts';
import { users } from './auth.ts';

export const adjustmentReasons = ['damaged', 'lost', 'found', 'expired', 'count'] as const;
export type AdjustmentReason = (typeof adjustmentReasons)[number];
export const adjustmentReason = pgEnum('adjustment_reason', adjustmentReasons);

export const adjustmentStatuses = ['pending', 'posted', 'rejected'] as const;
export type AdjustmentStatus = (typeof adjustmentStatuses)[number];
export const adjustmentStatus = pgEnum('adjustment_status', adjustmentStatuses);

export const countStatuses = ['counting', 'review', 'approved', 'cancelled'] as const;
export type CountStatus = (typeof countStatuses)[number];
export const countStatus = pgEnum('count_status', countStatuses);

export const countScopes = ['zone', 'range', 'product'] as const;
export type CountScope = (typeof countScopes)[number];
export const countScope = pgEnum('count_scope', countScopes);

/** pending → counted (or recount → counted again); a recount is the second blind pass. */
export const countLocationStatuses = ['pending', 'recount', 'counted'] as const;
export type CountLocationStatus = (typeof countLocationStatuses)[number];
export const countLocationStatus = pgEnum('count_location_status', countLocationStatuses);

/**
 * A cycle count: the locations of a zone, a range of location codes, or every location
 * holding a product. Operators count blind; the expected quantity is taken from the balance
 * at the moment a location is finished, so stock moved before that is not a variance.
 */
export const cycleCounts = pgTable(
  'cycle_counts',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    status: countStatus('status').notNull().default('counting'),
    scope: countScope('scope').notNull(),
    zoneId: integer('zone_id').references(() => zones.id),
    fromCode: text('from_code'),
    toCode: text('to_code'),
    productId: integer('product_id').references(() => products.id),
    /** A line whose variance is more units than this is counted a second time. */
    recountAbove: integer('recount_above').notNull().default(0),
    note: text('note'),
    createdBy: integer('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('cycle_counts_warehouse_status_idx').on(t.warehouseId, t.status),
    check('cycle_counts_recount_ck', sql`${t.recountAbove} >= 0`),
  ],
);

/** One location of a count and where its counting stands. */
export const cycleCountLocations = pgTable(
  'cycle_count_locations',
  {
    id: serial('id').primaryKey(),
    countId: integer('count_id').notNull().references(() => cycleCounts.id),
    locationId: integer('location_id').notNull().references(() => locations.id),
    status: countLocationStatus('status').notNull().default('pending'),
    /** 1 while the first count is open; 2 during the recount. */
    pass: smallint('pass').notNull().default(1),
    /** When the current pass's first scan came in: stock moved here after it restarts the pass. */
    passStartedAt: timestamp('pass_started_at', { withTimezone: true }),
    /** Who is counting the current pass (one person per location and pass), and their last scan or opening. */
    claimedBy: integer('claimed_by').references(() => users.id),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    countedBy: integer('counted_by').references(() => users.id),
    countedAt: timestamp('counted_at', { withTimezone: true }),
    recountedBy: integer('recounted_by').references(() => users.id),
    recountedAt: timestamp('recounted_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('cycle_count_locations_uq').on(t.countId, t.locationId), check('cycle_count_locations_pass_ck', sql`${t.pass} IN (1, 2)`)],
);

/**
 * What was found of a product and lot in a counted location. `expected` is the balance when
 * the pass was finished (null until then); `counted` the first pass, `recounted` the second.
 */
export const cycleCountLines = pgTable(
  'cycle_count_lines',
  {
    id: serial('id').primaryKey(),
    countId: integer('count_id').notNull().references(() => cycleCounts.id),
    countLocationId: integer('count_location_id').notNull().references(() => cycleCountLocations.id),
    locationId: integer('location_id').notNull().references(() => locations.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    expected: integer('expected'),
    counted: integer('counted').notNull().default(0),
    recountExpected: integer('recount_expected'),
    recounted: integer('recounted'),
  },
  (t) => [
    unique('cycle_count_lines_uq').on(t.countLocationId, t.productId, t.lotId).nullsNotDistinct(),
    index('cycle_count_lines_count_idx').on(t.countId),
    check('cycle_count_lines_qty_ck', sql`${t.counted} >= 0 AND (${t.recounted} IS NULL OR ${t.recounted} >= 0)`),
  ],
);

/** One scan while counting: who counted how many of a line in which pass (a repeat of a key counts once). */
export const cycleCountScans = pgTable(
  'cycle_count_scans',
  {
    id: serial('id').primaryKey(),
    countLocationId: integer('count_location_id').notNull().references(() => cycleCountLocations.id),
    lineId: integer('line_id').notNull().references(() => cycleCountLines.id),
    pass: smallint('pass').notNull(),
    quantity: integer('quantity').notNull(),
    countedBy: integer('counted_by').notNull().references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key'),
    /** Set when the pass was cleared ("count again"): kept for the record and for repeated keys, not counted. */
    voidedAt: timestamp('voided_at', { withTimezone: true }),
  },
  (t) => [
    check('cycle_count_scans_quantity_ck', sql`${t.quantity} > 0`),
    index('cycle_count_scans_location_idx').on(t.countLocationId),
    uniqueIndex('cycle_count_scans_idempotency_uq').on(t.idempotencyKey),
  ],
);

/**
 * A correction of the stock in one location: units found (+) or gone (−) with a reason.
 * Posted as one ledger move to or from the warehouse's adjustment location; more units than
 * the warehouse's approval threshold wait for a manager. Count approvals post them as `count`.
 */
export const adjustments = pgTable(
  'adjustments',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    locationId: integer('location_id').notNull().references(() => locations.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    /** Signed: positive units found, negative units gone. */
    quantity: integer('quantity').notNull(),
    reason: adjustmentReason('reason').notNull(),
    note: text('note'),
    status: adjustmentStatus('status').notNull(),
    countId: integer('count_id').references(() => cycleCounts.id),
    requestedBy: integer('requested_by').notNull().references(() => users.id),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    check('adjustments_quantity_ck', sql`${t.quantity} <> 0`),
    index('adjustments_warehouse_status_idx').on(t.warehouseId, t.status),
    uniqueIndex('adjustments_idempotency_uq').on(t.idempotencyKey),
  ],
);

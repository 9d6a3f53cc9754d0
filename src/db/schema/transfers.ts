import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, numeric, pgEnum, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { locations, warehouses } from './warehouses.ts';
import { lots, products } from './catalog.ts';
import { users } from './auth.ts';
import { ledgerEntries } from './stock.ts';
import { receiptCondition, transportMode, type SealCheck } from './inbound.ts';

export const transferStatuses = ['draft', 'picking', 'dispatched', 'arrived', 'received', 'closed', 'cancelled'] as const;
export type TransferStatus = (typeof transferStatuses)[number];
export const transferStatus = pgEnum('transfer_status', transferStatuses);

/**
 * Stock sent from one warehouse to another. Dispatch moves the picked units from the source's
 * shelves to the transit location between the two (owned by the source, its peer the
 * destination); receiving moves them from there to the destination's dock. What is still in
 * transit is the transit balance of the transfer's lines.
 */
export const transfers = pgTable(
  'transfers',
  {
    id: serial('id').primaryKey(),
    fromWarehouseId: integer('from_warehouse_id').notNull().references(() => warehouses.id),
    toWarehouseId: integer('to_warehouse_id').notNull().references(() => warehouses.id),
    status: transferStatus('status').notNull().default('draft'),
    transportMode: transportMode('transport_mode').notNull(),
    tirCarnet: text('tir_carnet'),
    vehiclePlate: text('vehicle_plate'),
    trailerPlate: text('trailer_plate'),
    container: text('container'),
    seals: text('seals').array().notNull().default(sql`'{}'::text[]`),
    /** A refrigerated vehicle: chilled and frozen goods may travel only so. */
    reefer: boolean('reefer').notNull().default(false),
    eta: date('eta', { mode: 'string' }),
    note: text('note'),
    /** The transit location the goods travel in (source warehouse's, peer = destination). */
    transitLocationId: integer('transit_location_id').notNull().references(() => locations.id),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
    dispatchedBy: integer('dispatched_by').references(() => users.id),
    /** Documents handed to the driver (CMR, TIR carnet page, invoice numbers …). */
    documents: text('documents'),
    arrivedAt: timestamp('arrived_at', { withTimezone: true }),
    dockLocationId: integer('dock_location_id').references(() => locations.id),
    sealChecks: jsonb('seal_checks').$type<SealCheck[]>(),
    /** Product temperature at arrival (°C), required for a transfer carrying cold goods. */
    arrivalCelsius: numeric('arrival_celsius', { precision: 4, scale: 1, mode: 'number' }),
    arrivalNote: text('arrival_note'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    check('transfers_two_warehouses_ck', sql`${t.fromWarehouseId} <> ${t.toWarehouseId}`),
    uniqueIndex('transfers_idempotency_uq').on(t.idempotencyKey),
    index('transfers_from_status_idx').on(t.fromWarehouseId, t.status),
    index('transfers_to_status_idx').on(t.toWarehouseId, t.status),
  ],
);

/** A line: a product (optionally one lot) and quantity, and what became of it. */
export const transferLines = pgTable(
  'transfer_lines',
  {
    id: serial('id').primaryKey(),
    transferId: integer('transfer_id').notNull().references(() => transfers.id),
    lineNo: integer('line_no').notNull(),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    dispatchedQty: integer('dispatched_qty').notNull().default(0),
    receivedQty: integer('received_qty').notNull().default(0),
    damagedQty: integer('damaged_qty').notNull().default(0),
    writtenOffQty: integer('written_off_qty').notNull().default(0),
  },
  (t) => [
    uniqueIndex('transfer_lines_line_uq').on(t.transferId, t.lineNo),
    check('transfer_lines_quantity_ck', sql`${t.quantity} > 0`),
    check('transfer_lines_counts_ck', sql`${t.dispatchedQty} >= 0 AND ${t.receivedQty} >= 0 AND ${t.damagedQty} >= 0 AND ${t.damagedQty} <= ${t.receivedQty} AND ${t.writtenOffQty} >= 0`),
  ],
);

/** One scan while loading at the source: units of a line confirmed on the vehicle before dispatch. */
export const transferLoadScans = pgTable(
  'transfer_load_scans',
  {
    id: serial('id').primaryKey(),
    transferId: integer('transfer_id').notNull().references(() => transfers.id),
    lineId: integer('line_id').notNull().references(() => transferLines.id),
    quantity: integer('quantity').notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    idempotencyKey: text('idempotency_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('transfer_load_scans_idempotency_uq').on(t.idempotencyKey), index('transfer_load_scans_transfer_idx').on(t.transferId), check('transfer_load_scans_quantity_ck', sql`${t.quantity} > 0`)],
);

/** One scan at the destination: units from transit to the dock (or quarantine, damaged). */
export const transferReceipts = pgTable(
  'transfer_receipts',
  {
    id: serial('id').primaryKey(),
    transferId: integer('transfer_id').notNull().references(() => transfers.id),
    lineId: integer('line_id').notNull().references(() => transferLines.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    condition: receiptCondition('condition').notNull().default('good'),
    toLocationId: integer('to_location_id').notNull().references(() => locations.id),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).notNull().references(() => ledgerEntries.id),
    actorUserId: integer('actor_user_id').references(() => users.id),
    idempotencyKey: text('idempotency_key').notNull(),
    /** What the receipt was asked with its key (requestFingerprint): the key sent with another scan is refused. */
    requestFingerprint: text('request_fingerprint'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('transfer_receipts_idempotency_uq').on(t.idempotencyKey), index('transfer_receipts_transfer_idx').on(t.transferId), check('transfer_receipts_quantity_ck', sql`${t.quantity} > 0`)],
);

/** Every status change and every decision on a transfer, with who and when. */
export const transferEvents = pgTable(
  'transfer_events',
  {
    id: serial('id').primaryKey(),
    transferId: integer('transfer_id').notNull().references(() => transfers.id),
    fromStatus: transferStatus('from_status'),
    toStatus: transferStatus('to_status'),
    action: text('action').notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('transfer_events_transfer_idx').on(t.transferId, t.at)],
);

import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, numeric, pgEnum, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { lots, products, sellers } from './catalog.ts';
import { locations, warehouses } from './warehouses.ts';
import { users } from './auth.ts';
import { ledgerEntries } from './stock.ts';

export const inboundStatuses = ['draft', 'expected', 'arrived', 'receiving', 'received', 'closed', 'cancelled'] as const;
export type InboundStatus = (typeof inboundStatuses)[number];
export const inboundStatus = pgEnum('inbound_status', inboundStatuses);

export const transportModes = ['road_tir', 'rail', 'sea', 'air'] as const;
export type TransportMode = (typeof transportModes)[number];
export const transportMode = pgEnum('transport_mode', transportModes);

export const sealStates = ['intact', 'broken', 'missing'] as const;
export type SealState = (typeof sealStates)[number];
/** A seal as checked at the dock. */
export type SealCheck = { seal: string; state: SealState; note?: string };

export const receiptConditions = ['good', 'damaged'] as const;
export type ReceiptCondition = (typeof receiptConditions)[number];
export const receiptCondition = pgEnum('receipt_condition', receiptConditions);

/** Why received units went to quarantine instead of the dock. */
export const quarantineReasons = ['temperature', 'damaged', 'unexpected', 'expired'] as const;
export type QuarantineReason = (typeof quarantineReasons)[number];

/** An advance shipping notice: goods a seller announces to a warehouse. */
export const inboundShipments = pgTable(
  'inbound_shipments',
  {
    id: serial('id').primaryKey(),
    sellerId: integer('seller_id').notNull().references(() => sellers.id),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    reference: text('reference').notNull(),
    status: inboundStatus('status').notNull().default('draft'),
    eta: date('eta', { mode: 'string' }),
    transportMode: transportMode('transport_mode').notNull(),
    tirCarnet: text('tir_carnet'),
    vehiclePlate: text('vehicle_plate'),
    trailerPlate: text('trailer_plate'),
    container: text('container'),
    seals: text('seals').array().notNull().default(sql`'{}'::text[]`),
    note: text('note'),
    /** Dock arrival: when, at which dock, seals as found, the arrival note. */
    arrivedAt: timestamp('arrived_at', { withTimezone: true }),
    dockLocationId: integer('dock_location_id').references(() => locations.id),
    sealChecks: jsonb('seal_checks').$type<SealCheck[]>(),
    arrivalNote: text('arrival_note'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set by the API's Idempotency-Key: a repeated create returns this shipment. */
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    uniqueIndex('inbound_shipments_seller_reference_uq').on(t.sellerId, t.reference),
    uniqueIndex('inbound_shipments_idempotency_uq').on(t.idempotencyKey),
    index('inbound_shipments_warehouse_status_idx').on(t.warehouseId, t.status, t.eta),
    index('inbound_shipments_reference_idx').on(t.reference),
  ],
);

/** An expected line of an ASN, or a line opened by receiving a product the ASN did not name. */
export const inboundLines = pgTable(
  'inbound_lines',
  {
    id: serial('id').primaryKey(),
    shipmentId: integer('shipment_id').notNull().references(() => inboundShipments.id),
    lineNo: integer('line_no').notNull(),
    productId: integer('product_id').notNull().references(() => products.id),
    expectedQty: integer('expected_qty').notNull(),
    lotCode: text('lot_code'),
    expiresOn: date('expires_on', { mode: 'string' }),
    /** Received in good condition / damaged (counts of this line's receipts). */
    receivedQty: integer('received_qty').notNull().default(0),
    damagedQty: integer('damaged_qty').notNull().default(0),
    /** Product temperature measured at the dock (cold goods). */
    arrivalCelsius: numeric('arrival_celsius', { precision: 5, scale: 1, mode: 'number' }),
    /** Set when the line's goods go to quarantine instead of stock (e.g. 'temperature'). */
    quarantineReason: text('quarantine_reason'),
    quarantineNote: text('quarantine_note'),
    /** A product not on the ASN: quarantined until a manager accepts or rejects it. */
    unexpected: boolean('unexpected').notNull().default(false),
    decision: text('decision'),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('inbound_lines_shipment_line_uq').on(t.shipmentId, t.lineNo),
    index('inbound_lines_product_idx').on(t.productId),
    check('inbound_lines_expected_ck', sql`${t.expectedQty} >= 0 AND (${t.unexpected} OR ${t.expectedQty} > 0)`),
    check('inbound_lines_counts_ck', sql`${t.receivedQty} >= 0 AND ${t.damagedQty} >= 0`),
    check('inbound_lines_decision_ck', sql`${t.decision} IS NULL OR ${t.decision} IN ('accepted', 'rejected')`),
  ],
);

/** One scan at the dock: units of one product and lot moved supplier → dock (or quarantine). */
export const inboundReceipts = pgTable(
  'inbound_receipts',
  {
    id: serial('id').primaryKey(),
    shipmentId: integer('shipment_id').notNull().references(() => inboundShipments.id),
    lineId: integer('line_id').notNull().references(() => inboundLines.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    condition: receiptCondition('condition').notNull(),
    locationId: integer('location_id').notNull().references(() => locations.id),
    quarantineReason: text('quarantine_reason'),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).notNull().references(() => ledgerEntries.id),
    scan: text('scan'),
    sscc: text('sscc'),
    serial: text('serial'),
    celsius: numeric('celsius', { precision: 5, scale: 1, mode: 'number' }),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** The answer given to the scan, returned as it was to a repeat of the same key. */
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex('inbound_receipts_idempotency_uq').on(t.idempotencyKey),
    index('inbound_receipts_shipment_idx').on(t.shipmentId, t.id),
    // A serialised unit (GS1 (21), a Chestny ZNAK code) is received once.
    uniqueIndex('inbound_receipts_serial_uq').on(t.productId, t.serial).where(sql`${t.serial} IS NOT NULL`),
    check('inbound_receipts_quantity_ck', sql`${t.quantity} > 0`),
  ],
);

/** The story of an ASN: every status change and decision, who and when. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: serial('id').primaryKey(),
    shipmentId: integer('shipment_id').notNull().references(() => inboundShipments.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    fromStatus: inboundStatus('from_status'),
    toStatus: inboundStatus('to_status'),
    action: text('action').notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    note: text('note'),
  },
  (t) => [index('inbound_events_shipment_idx').on(t.shipmentId, t.id)],
);

/** A putaway: stock taken from a dock to a storage, pick or cold location. */
export const putaways = pgTable(
  'putaways',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    fromLocationId: integer('from_location_id').notNull().references(() => locations.id),
    toLocationId: integer('to_location_id').notNull().references(() => locations.id),
    /** The location the system suggested (the operator confirmed it by scanning its label). */
    suggestedLocationId: integer('suggested_location_id').references(() => locations.id),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).notNull().references(() => ledgerEntries.id),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key').notNull(),
  },
  (t) => [uniqueIndex('putaways_idempotency_uq').on(t.idempotencyKey), index('putaways_warehouse_at_idx').on(t.warehouseId, t.at), check('putaways_quantity_ck', sql`${t.quantity} > 0`)],
);

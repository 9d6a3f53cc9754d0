import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { lots, products, sellers } from './catalog.ts';
import { locations, warehouses } from './warehouses.ts';
import { users } from './auth.ts';
import { ledgerEntries, reservations } from './stock.ts';

export const orderStatuses = ['new', 'allocated', 'backordered', 'picking', 'picked', 'packed', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
export const orderStatus = pgEnum('order_status', orderStatuses);

export const orderChannels = ['manual', 'api', 'csv', 'ozon', 'wildberries'] as const;
export type OrderChannel = (typeof orderChannels)[number];
export const orderChannel = pgEnum('order_channel', orderChannels);

export const pickListStatuses = ['open', 'picking', 'done', 'cancelled'] as const;
export type PickListStatus = (typeof pickListStatuses)[number];
export const pickListStatus = pgEnum('pick_list_status', pickListStatuses);

export const pickTaskStatuses = ['open', 'done', 'short', 'cancelled'] as const;
export type PickTaskStatus = (typeof pickTaskStatuses)[number];
export const pickTaskStatus = pgEnum('pick_task_status', pickTaskStatuses);

/** An outbound order: a marketplace posting, a CSV row group, an API or hand-made order. */
export const orders = pgTable(
  'orders',
  {
    id: serial('id').primaryKey(),
    sellerId: integer('seller_id').notNull().references(() => sellers.id),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    channel: orderChannel('channel').notNull(),
    externalId: text('external_id').notNull(),
    status: orderStatus('status').notNull().default('new'),
    /** When the parcel must leave the warehouse. */
    shipBy: timestamp('ship_by', { withTimezone: true }),
    note: text('note'),
    /** The pick list the order is on (one at a time). */
    pickListId: integer('pick_list_id'),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    weightGrams: integer('weight_grams'),
    packedAt: timestamp('packed_at', { withTimezone: true }),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** The marketplace posting as received (for the marketplace's own references). */
    source: jsonb('source'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** The Idempotency-Key the order was created with through the API (scoped to its user), and what was asked with it. */
    idempotencyKey: text('idempotency_key'),
    requestFingerprint: text('request_fingerprint'),
  },
  (t) => [
    uniqueIndex('orders_seller_channel_external_uq').on(t.sellerId, t.channel, t.externalId),
    uniqueIndex('orders_idempotency_uq').on(t.idempotencyKey),
    index('orders_warehouse_status_idx').on(t.warehouseId, t.status, t.shipBy),
    index('orders_pick_list_idx').on(t.pickListId),
    check('orders_weight_ck', sql`${t.weightGrams} IS NULL OR ${t.weightGrams} > 0`),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: serial('id').primaryKey(),
    orderId: integer('order_id').notNull().references(() => orders.id),
    lineNo: integer('line_no').notNull(),
    productId: integer('product_id').notNull().references(() => products.id),
    quantity: integer('quantity').notNull(),
    /** Units picked to staging, and units found missing at a location and not replaced. */
    pickedQty: integer('picked_qty').notNull().default(0),
    shortQty: integer('short_qty').notNull().default(0),
    packedQty: integer('packed_qty').notNull().default(0),
    /** Each unit needs its marking code (Chestny ZNAK) scanned at packing. */
    requiresMarking: boolean('requires_marking').notNull().default(false),
    /** The marketplace's own id of the item (Ozon sku, Wildberries nmId). */
    externalRef: text('external_ref'),
    /** Locations where this line was short-picked: not allocated from again for this line. */
    shortAt: integer('short_at').array().notNull().default(sql`'{}'::int[]`),
  },
  (t) => [
    uniqueIndex('order_lines_order_line_uq').on(t.orderId, t.lineNo),
    index('order_lines_product_idx').on(t.productId),
    check('order_lines_quantity_ck', sql`${t.quantity} > 0`),
    check('order_lines_counts_ck', sql`${t.pickedQty} >= 0 AND ${t.shortQty} >= 0 AND ${t.packedQty} >= 0 AND ${t.pickedQty} + ${t.shortQty} <= ${t.quantity} AND ${t.packedQty} <= ${t.pickedQty}`),
  ],
);

/** A wave of orders of one warehouse, picked in one walk. */
export const pickLists = pgTable(
  'pick_lists',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    status: pickListStatus('status').notNull().default('open'),
    assignedUserId: integer('assigned_user_id').references(() => users.id),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('pick_lists_warehouse_status_idx').on(t.warehouseId, t.status)],
);

/** Take `quantity` of a product (and lot) from a location for an order line. */
export const pickTasks = pgTable(
  'pick_tasks',
  {
    id: serial('id').primaryKey(),
    pickListId: integer('pick_list_id').notNull().references(() => pickLists.id),
    sequence: integer('sequence').notNull(),
    orderId: integer('order_id').notNull().references(() => orders.id),
    orderLineId: integer('order_line_id').notNull().references(() => orderLines.id),
    reservationId: bigint('reservation_id', { mode: 'number' }).notNull().references(() => reservations.id),
    locationId: integer('location_id').notNull().references(() => locations.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    pickedQty: integer('picked_qty').notNull().default(0),
    shortQty: integer('short_qty').notNull().default(0),
    status: pickTaskStatus('status').notNull().default('open'),
    doneBy: integer('done_by').references(() => users.id),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [
    index('pick_tasks_list_idx').on(t.pickListId, t.sequence),
    index('pick_tasks_order_idx').on(t.orderId),
    check('pick_tasks_quantity_ck', sql`${t.quantity} > 0 AND ${t.pickedQty} >= 0 AND ${t.shortQty} >= 0 AND ${t.pickedQty} + ${t.shortQty} <= ${t.quantity}`),
  ],
);

/** One confirmed pick: units moved from the task's location to staging. */
export const picks = pgTable(
  'picks',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id').notNull().references(() => pickTasks.id),
    orderId: integer('order_id').notNull().references(() => orders.id),
    orderLineId: integer('order_line_id').notNull().references(() => orderLines.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    fromLocationId: integer('from_location_id').notNull().references(() => locations.id),
    toLocationId: integer('to_location_id').notNull().references(() => locations.id),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }).notNull().references(() => ledgerEntries.id),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [uniqueIndex('picks_idempotency_uq').on(t.idempotencyKey), index('picks_order_idx').on(t.orderId), check('picks_quantity_ck', sql`${t.quantity} > 0`)],
);

/** A marking code (Chestny ZNAK) scanned for one unit at packing. */
export const markingCodes = pgTable(
  'marking_codes',
  {
    id: serial('id').primaryKey(),
    orderId: integer('order_id').notNull().references(() => orders.id),
    orderLineId: integer('order_line_id').notNull().references(() => orderLines.id),
    productId: integer('product_id').notNull().references(() => products.id),
    gtin: text('gtin').notNull(),
    serial: text('serial').notNull(),
    code: text('code').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('marking_codes_gtin_serial_uq').on(t.gtin, t.serial), index('marking_codes_order_idx').on(t.orderId)],
);

/** The story of an order: every status change, allocation, short pick, who and when. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: serial('id').primaryKey(),
    orderId: integer('order_id').notNull().references(() => orders.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    fromStatus: orderStatus('from_status'),
    toStatus: orderStatus('to_status'),
    action: text('action').notNull(),
    actorUserId: integer('actor_user_id').references(() => users.id),
    note: text('note'),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.id)],
);


export const importStatuses = ['running', 'done', 'failed'] as const;
export const importStatus = pgEnum('import_status', importStatuses);

/** An order import (CSV upload or marketplace payload), with its progress and per-row outcome. */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: serial('id').primaryKey(),
    channel: orderChannel('channel').notNull(),
    sellerId: integer('seller_id').references(() => sellers.id),
    warehouseId: integer('warehouse_id').references(() => warehouses.id),
    status: importStatus('status').notNull().default('running'),
    fileName: text('file_name'),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** Rejected rows or orders: where, which order, why (in the catalog's words, with params). */
    errors: jsonb('errors').$type<{ row?: number; externalId?: string; key: string; params?: Record<string, string | number> }[]>().notNull().default(sql`'[]'::jsonb`),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('import_jobs_created_by_idx').on(t.createdBy, t.id)],
);

import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, pgTable, serial, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { moveReason } from './enums.ts';
import { locations, warehouses } from './warehouses.ts';
import { lots, products } from './catalog.ts';
import { users } from './auth.ts';

/**
 * One row per (location, product, lot). Written only by src/stock/.
 * Real locations can never hold negative stock or reserve more than they hold;
 * virtual locations (supplier, customer, transit, adjustment) carry the other side of each entry.
 */
export const stockBalances = pgTable(
  'stock_balances',
  {
    id: serial('id').primaryKey(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    locationId: integer('location_id').notNull().references(() => locations.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    isVirtual: boolean('is_virtual').notNull(),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('stock_balances_key_uq').on(t.locationId, t.productId, t.lotId).nullsNotDistinct(),
    index('stock_balances_product_idx').on(t.productId, t.lotId),
    index('stock_balances_warehouse_idx').on(t.warehouseId, t.productId),
    // What the inventory shows: stock in real locations. Locations keep the zero balances of
    // everything that passed through them (a dock, thousands); the inventory walks past them.
    index('stock_balances_shown_idx')
      .on(t.locationId)
      .where(sql`NOT ${t.isVirtual} AND (${t.onHand} <> 0 OR ${t.reserved} <> 0)`),
    check(
      'stock_balances_real_ck',
      sql`${t.isVirtual} OR (${t.onHand} >= 0 AND ${t.reserved} >= 0 AND ${t.reserved} <= ${t.onHand})`,
    ),
    check('stock_balances_virtual_reserved_ck', sql`NOT ${t.isVirtual} OR ${t.reserved} = 0`),
  ],
);

/** The stock ledger: append-only (a trigger rejects UPDATE, DELETE and TRUNCATE). */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
    productId: integer('product_id').notNull().references(() => products.id),
    lotId: integer('lot_id').references(() => lots.id),
    quantity: integer('quantity').notNull(),
    fromLocationId: integer('from_location_id').notNull().references(() => locations.id),
    toLocationId: integer('to_location_id').notNull().references(() => locations.id),
    reason: moveReason('reason').notNull(),
    documentType: text('document_type'),
    documentId: text('document_id'),
    actorUserId: integer('actor_user_id').references(() => users.id),
    actorLabel: text('actor_label'),
    note: text('note'),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    uniqueIndex('ledger_entries_idempotency_uq').on(t.idempotencyKey),
    index('ledger_entries_warehouse_at_idx').on(t.warehouseId, t.at),
    index('ledger_entries_product_idx').on(t.productId, t.id),
    index('ledger_entries_from_idx').on(t.fromLocationId),
    index('ledger_entries_to_idx').on(t.toLocationId),
    index('ledger_entries_document_idx').on(t.documentType, t.documentId),
    check('ledger_entries_quantity_ck', sql`${t.quantity} > 0`),
    check('ledger_entries_locations_ck', sql`${t.fromLocationId} <> ${t.toLocationId}`),
  ],
);

/**
 * A reservation holds units of one balance for one document line (an order line).
 * `reserved` on a balance always equals the sum of its open reservations.
 */
export const reservations = pgTable(
  'reservations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    balanceId: integer('balance_id').notNull().references(() => stockBalances.id),
    documentType: text('document_type').notNull(),
    documentId: text('document_id').notNull(),
    documentLine: text('document_line').notNull(),
    quantity: integer('quantity').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('reservations_balance_idx').on(t.balanceId),
    index('reservations_document_idx').on(t.documentType, t.documentId, t.documentLine),
    check('reservations_quantity_ck', sql`${t.quantity} >= 0`),
    check('reservations_open_ck', sql`(${t.closedAt} IS NULL) = (${t.quantity} > 0)`),
  ],
);


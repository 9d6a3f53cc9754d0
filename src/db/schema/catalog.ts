import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, serial, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { barcodeKind, temperatureClass } from './enums.ts';

export const sellers = pgTable('sellers', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  country: text('country').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const products = pgTable(
  'products',
  {
    id: serial('id').primaryKey(),
    sellerId: integer('seller_id').notNull().references(() => sellers.id),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    category: text('category'),
    temperatureClass: temperatureClass('temperature_class').notNull().default('ambient'),
    tracksLot: boolean('tracks_lot').notNull().default(false),
    tracksExpiry: boolean('tracks_expiry').notNull().default(false),
    /** Days of shelf life a lot must have left on the ship-by date to be allocated. */
    minShelfLifeDays: integer('min_shelf_life_days').notNull().default(0),
    /** Units available at or below which the dashboard shows the product as low. Null: not watched. */
    reorderPoint: integer('reorder_point'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_seller_sku_uq').on(t.sellerId, t.sku),
    index('products_name_idx').on(t.name),
    /** The inventory by product lists each warehouse's products in SKU order. */
    index('products_sku_idx').on(t.sku),
    check('products_shelf_life_ck', sql`${t.minShelfLifeDays} >= 0`),
    check('products_reorder_point_ck', sql`${t.reorderPoint} IS NULL OR ${t.reorderPoint} >= 0`),
  ],
);

/** EAN/UPC/GTIN, marketplace and case barcodes. A case barcode carries units > 1. */
export const productBarcodes = pgTable(
  'product_barcodes',
  {
    id: serial('id').primaryKey(),
    productId: integer('product_id').notNull().references(() => products.id),
    sellerId: integer('seller_id').notNull().references(() => sellers.id),
    code: text('code').notNull(),
    kind: barcodeKind('kind').notNull(),
    units: integer('units').notNull().default(1),
  },
  (t) => [
    uniqueIndex('product_barcodes_seller_code_uq').on(t.sellerId, t.code),
    index('product_barcodes_code_idx').on(t.code),
    index('product_barcodes_product_idx').on(t.productId),
    check('product_barcodes_units_ck', sql`${t.units} > 0`),
  ],
);

/** A lot: product + lot code ('' when only expiry is tracked) + expiry date. */
export const lots = pgTable(
  'lots',
  {
    id: serial('id').primaryKey(),
    productId: integer('product_id').notNull().references(() => products.id),
    code: text('code').notNull().default(''),
    expiresOn: date('expires_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('lots_product_code_expiry_uq').on(t.productId, t.code, t.expiresOn).nullsNotDistinct()],
);

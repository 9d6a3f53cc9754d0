import { sql } from 'drizzle-orm';
import { boolean, check, customType, index, integer, pgEnum, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { role } from './enums.ts';
import { sellers } from './catalog.ts';
import { warehouses } from './warehouses.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => Buffer.from(v),
  fromDriver: (v) => new Uint8Array(v),
});

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: role('role').notNull(),
    sellerId: integer('seller_id').references(() => sellers.id),
    locale: text('locale'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('users_seller_ck', sql`(${t.role} = 'seller') = (${t.sellerId} IS NOT NULL)`),
    check('users_email_lower_ck', sql`${t.email} = lower(${t.email})`),
  ],
);

/** Warehouses an operator works in. */
export const userWarehouses = pgTable(
  'user_warehouses',
  {
    userId: integer('user_id').notNull().references(() => users.id),
    warehouseId: integer('warehouse_id').notNull().references(() => warehouses.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.warehouseId] })],
);

/** Sessions: the cookie holds `id.secret`; only SHA-256(secret) is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: bytea('secret_hash').notNull(),
    userId: integer('user_id').notNull().references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Failed sign-ins, counted per e-mail and per client address to rate-limit guessing. */
export const loginFailures = pgTable(
  'login_failures',
  {
    id: serial('id').primaryKey(),
    email: text('email').notNull(),
    clientAddress: text('client_address').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_failures_email_idx').on(t.email, t.at), index('login_failures_addr_idx').on(t.clientAddress, t.at)],
);

export const apiTokenKinds = ['user', 'device'] as const;
export type ApiTokenKind = (typeof apiTokenKinds)[number];
export const apiTokenKind = pgEnum('api_token_kind', apiTokenKinds);

/**
 * Bearer tokens for the JSON API, after the session design: the token is `id.secret`, only
 * SHA-256(secret) is stored. A user token acts as its user; a device token (a temperature
 * sensor) only sends readings for its one warehouse.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    secretHash: bytea('secret_hash').notNull(),
    kind: apiTokenKind('kind').notNull(),
    name: text('name').notNull(),
    userId: integer('user_id').references(() => users.id),
    warehouseId: integer('warehouse_id').references(() => warehouses.id),
    createdBy: integer('created_by').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    check('api_tokens_owner_ck', sql`(${t.kind} = 'user') = (${t.userId} IS NOT NULL) AND (${t.kind} = 'device') = (${t.warehouseId} IS NOT NULL)`),
    index('api_tokens_user_idx').on(t.userId),
    index('api_tokens_warehouse_idx').on(t.warehouseId),
  ],
);

/** Requests per API token per minute, counted in the database (any server process may answer). */
export const apiTokenWindows = pgTable(
  'api_token_windows',
  {
    tokenId: text('token_id').notNull().references(() => apiTokens.id),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    requests: integer('requests').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.windowStart] })],
);

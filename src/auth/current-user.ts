import { sql } from 'drizzle-orm';
import { userWarehouses, users } from '../db/schema/index.ts';
import type { CurrentUser } from './policy.ts';

/**
 * The columns that make the signed-in user: the user row and, for an operator, their
 * warehouses. Sessions and API tokens select them in the same statement as themselves, so a
 * request learns who is asking in one query.
 */
export const currentUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  sellerId: users.sellerId,
  locale: users.locale,
  active: users.active,
  warehouses: sql<string | null>`CASE WHEN ${users.role} = 'operator' THEN (SELECT string_agg(${userWarehouses.warehouseId}::text, ',') FROM ${userWarehouses} WHERE ${userWarehouses.userId} = ${users.id}) END`,
};

export type CurrentUserRow = Omit<CurrentUser, 'warehouseIds'> & { active: boolean; warehouses: string | null };

/** The signed-in user from those columns; null for a deactivated (or missing) user. */
export function toCurrentUser(row: CurrentUserRow | null | undefined): CurrentUser | null {
  if (!row || !row.active) return null;
  const warehouseIds = row.warehouses ? row.warehouses.split(',').map(Number) : [];
  return { id: row.id, email: row.email, name: row.name, role: row.role, sellerId: row.sellerId, warehouseIds, locale: row.locale };
}

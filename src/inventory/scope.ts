import { inArray, eq, sql, type SQL, type Column } from 'drizzle-orm';
import type { CurrentUser } from '../auth/policy.ts';
import { sellerScope, warehouseScope } from '../auth/policy.ts';

/** What a user may read: one seller or all, some warehouses or all. */
export type ReadScope = { sellerId: number | null; warehouseIds: number[] | null };

export function readScope(user: CurrentUser): ReadScope {
  return { sellerId: sellerScope(user), warehouseIds: warehouseScope(user) };
}

export function sellerCondition(scope: ReadScope, column: Column): SQL | undefined {
  return scope.sellerId === null ? undefined : eq(column, scope.sellerId);
}

export function warehouseCondition(scope: ReadScope, column: Column): SQL | undefined {
  if (scope.warehouseIds === null) return undefined;
  return scope.warehouseIds.length ? inArray(column, scope.warehouseIds) : sql`false`;
}

/** The demo's logins and whether a database is new: what the server needs without the seeding code. */
import { count } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';
import { warehouses } from '../src/db/schema/index.ts';

export const DEMO_PASSWORD = 'demo-pass';
export const demoLogins = [
  { email: 'admin@demo.test', role: 'admin', note: 'everything' },
  { email: 'manager@demo.test', role: 'manager', note: 'all warehouses' },
  { email: 'operator.msk@demo.test', role: 'operator', note: 'Moscow (MSK) only' },
  { email: 'seller1@demo.test', role: 'seller', note: 'HARBIN-FROST (frozen food)' },
  { email: 'seller2@demo.test', role: 'seller', note: 'SZ-LIANXIN (electronics)' },
] as const;

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(warehouses);
  return (row?.n ?? 0) === 0;
}

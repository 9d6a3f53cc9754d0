import { openDatabase, type Database } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { ensureTemplate } from '../../src/db/template.ts';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const backends: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
export const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** A migrated database: a fresh in-memory PGlite, or the shared test PostgreSQL. */
export async function openTestDatabase(backend: Backend): Promise<Database> {
  const database = backend === 'postgres' ? await openDatabase({ url: process.env.TEST_DATABASE_URL, max: 40 }) : await openDatabase({ template: await ensureTemplate() });
  await migrate(database);
  return database;
}

import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { preparing } from './prepared.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs the drizzle migrator against this database. */
  runMigrations(folder: string): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  /** postgres://… — when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; absent = in memory. */
  dataDir?: string | undefined;
  /** postgres.js pool size. */
  max?: number;
  /** A saved empty PGlite database to start a new one from (see template.ts). */
  template?: Blob | undefined;
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.max ?? 10);
  const { openPglite } = await import('./pglite.ts');
  return openPglite(options);
}

function openPostgres(url: string, max: number): Database {
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzlePostgres(process.env.CARAVAN_UNPREPARED ? client : preparing(client), { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    async runMigrations(folder) {
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      // Several server processes may start at once: one migrates, the others wait. A
      // one-connection client keeps the advisory lock and the migration on one session.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`SELECT pg_advisory_lock(7274101)`;
        await migrate(drizzlePostgres(single, { schema }), { migrationsFolder: folder });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

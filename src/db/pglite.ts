import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import * as schema from './schema/index.ts';
import type { Database, Db } from './client.ts';

/**
 * The embedded database. Loaded only when no PostgreSQL URL is given: a server on PostgreSQL
 * never holds PGlite's WebAssembly module (about 45 MiB resident).
 */
export async function openPglite(options: { dataDir?: string | undefined; template?: Blob | undefined }): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Only a new database starts from the template; an existing one is opened as it is.
  const fresh = !options.dataDir || !existsSync(join(options.dataDir, 'PG_VERSION'));
  const loadDataDir = fresh ? options.template : undefined;
  const client = options.dataDir ? await PGlite.create(options.dataDir, { loadDataDir }) : await PGlite.create({ loadDataDir });
  return wrapPglite(client);
}

export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    async runMigrations(folder) {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(db, { migrationsFolder: folder });
    },
    close: () => client.close(),
  };
}

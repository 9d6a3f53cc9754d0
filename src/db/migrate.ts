import { fromRoot } from '../paths.ts';
import type { Database } from './client.ts';

export const migrationsFolder = fromRoot('drizzle');

export async function migrate(database: Database): Promise<void> {
  await database.runMigrations(migrationsFolder);
}

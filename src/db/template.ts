import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromRoot } from '../paths.ts';
import { migrate } from './migrate.ts';

/**
 * Creating a new PGlite database (its initdb) costs seconds; loading a saved empty, migrated
 * one costs about one. `npm install` saves such a template here; a new embedded database
 * starts from it and is then migrated as usual, so an old template is still correct.
 */
export const templatePath = fromRoot('node_modules', '.cache', 'caravan', 'pglite-template.tar.gz');

export async function buildTemplate(path = templatePath): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { wrapPglite } = await import('./pglite.ts');
  const pg = await PGlite.create();
  try {
    await migrate(wrapPglite(pg));
    const blob = await pg.dumpDataDir('gzip');
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, path); // atomic: a concurrent reader sees the old file or the new one
  } finally {
    await pg.close();
  }
}

export function readTemplate(path = templatePath): Blob | undefined {
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/** The template, built first if missing (tests and benchmarks). */
export async function ensureTemplate(path = templatePath): Promise<Blob> {
  if (!existsSync(path)) await buildTemplate(path);
  return readTemplate(path)!;
}

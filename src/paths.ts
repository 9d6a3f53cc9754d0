import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (the one holding package.json): found upwards from this module, so it
 * is the same whether the server runs from the sources or from its build in `dist/`.
 */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
})();

/** A path inside the project, e.g. `fromRoot('drizzle')`. */
export const fromRoot = (...parts: string[]) => join(projectRoot, ...parts);

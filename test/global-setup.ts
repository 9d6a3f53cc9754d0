import { ensureTemplate } from '../src/db/template.ts';

/** Once before the test workers start: the empty database template every PGlite test opens from. */
export default async function setup(): Promise<void> {
  await ensureTemplate();
}

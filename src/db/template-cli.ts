/** Run by `npm install` (postinstall): saves the empty database template. Never fails the install. */
import { buildTemplate, templatePath } from './template.ts';

try {
  const started = performance.now();
  await buildTemplate();
  console.log(`Caravan: embedded database template ready (${Math.round(performance.now() - started)} ms): ${templatePath}`);
} catch (err) {
  console.warn(`Caravan: could not prepare the embedded database template (start-up will be slower): ${String(err)}`);
}

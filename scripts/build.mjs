// Builds the server for running with plain `node`: our TypeScript and JSX bundled into one
// ES module, dist/server.mjs (and chunks loaded on demand); packages stay in node_modules. Compiling once here instead of on
// every start keeps the compiler out of the running server (about 100 MiB resident).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
await build({
  absWorkingDir: root,
  entryPoints: ['src/server.ts'],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // What is imported only when needed (the embedded database, the demo seeding) stays in
  // chunks of its own, loaded only then.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  tsconfig: 'tsconfig.json',
  sourcemap: 'linked',
  logLevel: 'warning',
});
process.stdout.write(`built dist/server.mjs in ${Math.round(performance.now() - started)} ms\n`);

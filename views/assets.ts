import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fromRoot } from '../src/paths.ts';

const require = createRequire(import.meta.url);

export type Asset = { body: Uint8Array; type: string; version: string };

function load(path: string, type: string): Asset {
  const body = readFileSync(path);
  return { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 10) };
}

/** Everything the pages load, served from our own origin (warehouses have poor links). */
export const assets: Record<string, Asset> = {
  'htmx.min.js': load(require.resolve('htmx.org/dist/htmx.min.js'), 'text/javascript; charset=utf-8'),
  'uPlot.iife.min.js': load(require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8'),
  'uPlot.min.css': load(require.resolve('uplot/dist/uPlot.min.css'), 'text/css; charset=utf-8'),
  'chart.js': load(fromRoot('views', 'assets', 'chart.js'), 'text/javascript; charset=utf-8'),
  'dashboard-charts.js': load(fromRoot('views', 'assets', 'dashboard-charts.js'), 'text/javascript; charset=utf-8'),
  'app.js': load(fromRoot('views', 'assets', 'app.js'), 'text/javascript; charset=utf-8'),
  'app.css': load(fromRoot('views', 'assets', 'app.css'), 'text/css; charset=utf-8'),
};

export const assetUrl = (name: keyof typeof assets & string) => `/static/${name}?v=${assets[name]?.version ?? '0'}`;

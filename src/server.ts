/** Starts Caravan: reads config, opens the database, migrates, seeds a new demo, listens. */
import { stopImports } from './outbound/import-csv.ts';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { readTemplate } from './db/template.ts';
import { users } from './db/schema/index.ts';
import { createApp } from './app.tsx';
import { DEMO_PASSWORD, demoLogins, isDatabaseEmpty } from '../seeds/demo-logins.ts';

const log = (msg: string, extra: Record<string, unknown> = {}) => process.stdout.write(JSON.stringify({ t: new Date().toISOString(), level: 'info', msg, ...extra }) + '\n');

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, template: config.databaseUrl ? undefined : readTemplate() });
await migrate(database);

const seed = config.seedDemo === 'yes' || (config.seedDemo === 'auto' && database.kind === 'pglite');
if (seed && (await isDatabaseEmpty(database.db))) {
  const started = performance.now();
  // Loaded only to seed: the seeding code and its name generator stay out of a running server.
  const { seedDemo } = await import('../seeds/demo.ts');
  const r = await seedDemo(database.db);
  if (r.products > 0) log('demo data seeded', { products: r.products, moves: r.moves, ms: Math.round(performance.now() - started) });
}

const app = createApp({ db: database.db, settings: config });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const where = database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL';
  log(`Caravan listening on http://localhost:${info.port}`, { database: where });
});

const [demo] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, demoLogins[0].email));
if (demo) {
  const lines = demoLogins.map((l) => `    ${l.email.padEnd(24)} ${l.role.padEnd(9)} ${l.note}`);
  process.stdout.write(`\n  Demo logins (password: ${DEMO_PASSWORD}) at http://localhost:${config.port}/login\n${lines.join('\n')}\n\n`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log('shutting down', { signal });
  const force = setTimeout(() => server instanceof Object && 'closeAllConnections' in server && (server as { closeAllConnections(): void }).closeAllConnections(), 5000);
  force.unref();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // A CSV import running in the background stops after its current order (a re-upload finishes it).
  await stopImports();
  await database.close();
  log('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

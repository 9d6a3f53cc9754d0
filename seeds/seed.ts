/** `npm run db:seed`: migrates and seeds the demo data into an empty database. */
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEMO_PASSWORD, demoLogins, isDatabaseEmpty, seedDemo } from './demo.ts';

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrate(database);
  if (!(await isDatabaseEmpty(database.db))) {
    console.log('The database already has data: nothing seeded. (Seeding twice would duplicate warehouses.)');
  } else {
    const started = performance.now();
    const r = await seedDemo(database.db, { log: console.log });
    console.log(`Seeded ${r.products} products and ${r.moves} ledger moves in ${Math.round(performance.now() - started)} ms.`);
    console.log(`Demo logins (password ${DEMO_PASSWORD}):`);
    for (const l of demoLogins) console.log(`  ${l.email.padEnd(24)} ${l.role.padEnd(9)} ${l.note}`);
  }
} finally {
  await database.close();
}

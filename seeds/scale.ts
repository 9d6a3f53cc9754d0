/**
 * Benchmark volume: the demo (four warehouses, users, zones) plus twelve more sellers, so the
 * database holds 100,000 products and 1,000,000 ledger entries, with 2,800 more locations per
 * warehouse. Every unit is received from the supplier, put away, and then picked and shipped,
 * relocated or sent on a transfer, all through the ledger (`moveMany`, one transaction per
 * batch of moves): nothing else writes balances or ledger entries.
 *
 *   npm run seed:scale                                   the embedded database in DATA_DIR
 *   DATABASE_URL=postgres://… tsx seeds/scale.ts         PostgreSQL
 *   tsx seeds/scale.ts --products 5000 --entries 50000   a smaller volume
 *
 * Deterministic: faker and the move plan run on fixed seeds.
 */
import { pathToFileURL } from 'node:url';
import { rng } from './rng.ts';
// The English locale alone: the package's main entry loads every locale (about 30 MiB more).
import { faker } from '@faker-js/faker/locale/en';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';
import { locations, lots, productBarcodes, products, sellers, users, warehouses, zones } from '../src/db/schema/index.ts';
import { queryRows } from '../src/db/rows.ts';
import type { TemperatureClass } from '../src/db/schema/index.ts';
import { moveMany, type MoveInput } from '../src/stock/index.ts';
import { caseGtin14, ean13 } from './barcodes.ts';
import { sellerSpecs, type SellerSpec } from './catalog.ts';
import { isDatabaseEmpty, seedDemo } from './demo.ts';

export type ScaleOptions = {
  /** Products in the whole database (the demo's included). */
  products?: number;
  /** Ledger entries in the whole database (the demo's included). */
  entries?: number;
  /** Moves per `moveMany` transaction. */
  batch?: number;
  log?: (line: string) => void;
};

export type ScaleResult = {
  seeded: boolean;
  products: number;
  entries: number;
  balances: number;
  locations: number;
  ms: { demo: number; catalog: number; locations: number; moves: number; analyze: number; total: number };
};

/** Sellers of the volume: each sells goods like one of the demo's sellers (names, class, tracking). */
const scaleSellers: { code: string; name: string; country: string; gs1Prefix: string; skuPrefix: string; like: string; share: number }[] = [
  { code: 'DALIAN-OCEAN', name: 'Dalian Ocean Frozen Foods Co., Ltd.', country: 'CN', gs1Prefix: '6975101', skuPrefix: 'DO', like: 'HARBIN-FROST', share: 3 },
  { code: 'QINGDAO-COLDCHAIN', name: 'Qingdao Coldchain Foods Co., Ltd.', country: 'CN', gs1Prefix: '6975102', skuPrefix: 'QC', like: 'HARBIN-FROST', share: 3 },
  { code: 'KOSTANAY-MILK', name: 'Kostanay Milk JSC', country: 'KZ', gs1Prefix: '4870301', skuPrefix: 'KM', like: 'ALMATY-SUT', share: 3 },
  { code: 'SHYMKENT-DAIRY', name: 'Shymkent Dairy LLP', country: 'KZ', gs1Prefix: '4870302', skuPrefix: 'SD', like: 'ALMATY-SUT', share: 3 },
  { code: 'SAMARKAND-SWEETS', name: 'Samarqand Shirinliklari', country: 'UZ', gs1Prefix: '4780101', skuPrefix: 'SS', like: 'TASH-SHIRIN', share: 4 },
  { code: 'BUKHARA-HALVA', name: 'Buxoro Holva', country: 'UZ', gs1Prefix: '4780102', skuPrefix: 'BH', like: 'TASH-SHIRIN', share: 4 },
  { code: 'SZ-HUAQIANG', name: 'Shenzhen Huaqiang Digital Co., Ltd.', country: 'CN', gs1Prefix: '6975103', skuPrefix: 'HQ', like: 'SZ-LIANXIN', share: 15 },
  { code: 'DG-SMARTLINK', name: 'Dongguan Smartlink Technology', country: 'CN', gs1Prefix: '6975104', skuPrefix: 'SL', like: 'SZ-LIANXIN', share: 15 },
  { code: 'HZ-SILKROAD', name: 'Hangzhou Silk Road Apparel', country: 'CN', gs1Prefix: '6975105', skuPrefix: 'SR', like: 'GZ-YIFAN', share: 15 },
  { code: 'QZ-STRIDE', name: 'Quanzhou Stride Sportswear', country: 'CN', gs1Prefix: '6975106', skuPrefix: 'ST', like: 'GZ-YIFAN', share: 15 },
  { code: 'TZ-BEARINGS', name: 'Taizhou Bearing Works', country: 'CN', gs1Prefix: '6975107', skuPrefix: 'TB', like: 'NINGBO-HENGDA', share: 10 },
  { code: 'WZ-VALVES', name: 'Wenzhou Valve & Fitting Co.', country: 'CN', gs1Prefix: '6975108', skuPrefix: 'WV', like: 'NINGBO-HENGDA', share: 10 },
];

/** More racks per warehouse: zone code → aisles, kind; 25 racks × 4 levels × 2 positions each. */
const bulkGrid: { zone: string; cls: TemperatureClass; kind: 'storage' | 'cold'; aisles: string[] }[] = [
  { zone: 'AMBIENT', cls: 'ambient', kind: 'storage', aisles: ['G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'W'] },
  { zone: 'CHILLED', cls: 'chilled', kind: 'cold', aisles: ['S', 'T'] },
  { zone: 'FROZEN', cls: 'frozen', kind: 'cold', aisles: ['X', 'Y'] },
];
const RACKS = 25;
const LEVELS = 4;
const POSITIONS = 2;


const chunks = <T>(xs: T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Seeds the volume into `db` (the demo first when the database is empty). Does nothing twice. */
export async function seedScale(db: Db, opts: ScaleOptions = {}): Promise<ScaleResult> {
  const log = opts.log ?? (() => {});
  const targetProducts = opts.products ?? 100_000;
  const targetEntries = opts.entries ?? 1_000_000;
  const batchSize = opts.batch ?? 20_000;
  const began = performance.now();
  const ms = { demo: 0, catalog: 0, locations: 0, moves: 0, analyze: 0, total: 0 };
  const totals = async () => {
    const [row] = await queryRows<{ products: number; entries: number; balances: number; locations: number }>(
      db,
      sql`SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM ledger_entries)::int AS entries,
                 (SELECT count(*) FROM stock_balances)::int AS balances, (SELECT count(*) FROM locations)::int AS locations`,
    );
    return { products: Number(row!.products), entries: Number(row!.entries), balances: Number(row!.balances), locations: Number(row!.locations) };
  };

  if (await isDatabaseEmpty(db)) {
    const t = performance.now();
    const demo = await seedDemo(db);
    ms.demo = performance.now() - t;
    log(`demo seeded: ${demo.products} products, ${demo.moves} opening moves (${(ms.demo / 1000).toFixed(1)} s)`);
  }
  const [already] = await db.select({ n: count() }).from(sellers).where(eq(sellers.code, scaleSellers[0]!.code));
  if ((already?.n ?? 0) > 0) {
    log('the scale data is already there: nothing seeded');
    return { seeded: false, ...(await totals()), ms: { ...ms, total: performance.now() - began } };
  }
  const before = await totals();

  // --- Sellers, products, barcodes, lots -----------------------------------------------------
  let t = performance.now();
  const f = faker;
  f.seed(20261129);
  const random = rng(20261129);
  const today = Date.now();
  const day = (offset: number) => new Date(today + offset * 86_400_000).toISOString().slice(0, 10);
  const specOf = new Map(sellerSpecs.map((s) => [s.code, s]));
  const newProducts = Math.max(0, targetProducts - before.products);
  const sellerRows = await db
    .insert(sellers)
    .values(scaleSellers.map((s) => ({ code: s.code, name: s.name, country: s.country })))
    .returning({ id: sellers.id, code: sellers.code });
  type P = { id: number; spec: SellerSpec; lotId: number | null };
  const catalog: P[] = [];
  let planned = 0;
  for (const [i, s] of scaleSellers.entries()) {
    const spec = specOf.get(s.like)!;
    const seller = sellerRows[i]!;
    const n = i === scaleSellers.length - 1 ? newProducts - planned : Math.round((newProducts * s.share) / 100);
    planned += n;
    for (const part of chunks(Array.from({ length: n }, (_, k) => k), 2_000)) {
      const rows = await db
        .insert(products)
        .values(
          part.map((k) => ({
            sellerId: seller.id,
            sku: `${s.skuPrefix}-${String(k + 1).padStart(5, '0')}`,
            name: spec.names(f),
            category: spec.category,
            temperatureClass: spec.temperatureClass,
            tracksLot: spec.tracksLot,
            tracksExpiry: spec.tracksExpiry,
          })),
        )
        .returning({ id: products.id });
      const codes: (typeof productBarcodes.$inferInsert)[] = [];
      rows.forEach((p, j) => {
        const k = part[j]!;
        const ean = ean13(s.gs1Prefix + String(k + 1).padStart(12 - s.gs1Prefix.length, '0'));
        codes.push({ productId: p.id, sellerId: seller.id, code: ean, kind: 'ean13', units: 1 });
        if (k % 2 === 0) codes.push({ productId: p.id, sellerId: seller.id, code: caseGtin14(1, ean), kind: 'gtin14', units: spec.caseSizes[k % spec.caseSizes.length]! });
        catalog.push({ id: p.id, spec, lotId: null });
      });
      for (const c of chunks(codes, 5_000)) await db.insert(productBarcodes).values(c);
    }
  }
  // One lot per tracked product (a production batch and its expiry).
  const tracked = catalog.filter((p) => p.spec.tracksLot || p.spec.tracksExpiry);
  for (const part of chunks(tracked, 5_000)) {
    const rows = await db
      .insert(lots)
      .values(
        part.map((p) => ({
          productId: p.id,
          code: p.spec.tracksLot ? `L${String(Math.floor(random() * 100)).padStart(2, '0')}${String.fromCharCode(65 + Math.floor(random() * 26))}${String(Math.floor(random() * 1000)).padStart(3, '0')}` : '',
          expiresOn: p.spec.tracksExpiry && p.spec.shelfLife ? day(Math.max(5, p.spec.shelfLife[0]) + Math.floor(random() * (p.spec.shelfLife[1] - Math.max(5, p.spec.shelfLife[0]) + 1))) : null,
        })),
      )
      .returning({ id: lots.id });
    rows.forEach((r, j) => (part[j]!.lotId = r.id));
  }
  ms.catalog = performance.now() - t;
  log(`catalog: ${scaleSellers.length} sellers, ${int(catalog.length)} products, ${int(tracked.length)} lots (${(ms.catalog / 1000).toFixed(1)} s)`);

  // --- Locations --------------------------------------------------------------------------
  t = performance.now();
  const whs = await db.select({ id: warehouses.id, code: warehouses.code }).from(warehouses).orderBy(warehouses.id);
  const zoneRows = await db.select({ id: zones.id, warehouseId: zones.warehouseId, code: zones.code }).from(zones);
  /** Per warehouse: the new racks by class, and the docks, staging, supplier, customer and transit locations. */
  type Site = { id: number; code: string; bulk: Record<TemperatureClass, number[]>; dock: Partial<Record<TemperatureClass, number>>; staging: Partial<Record<TemperatureClass, number>>; supplier: number; customer: number; transit: { id: number; peer: number }[] };
  const sites: Site[] = [];
  let added = 0;
  for (const wh of whs) {
    const bulk: Record<TemperatureClass, number[]> = { ambient: [], chilled: [], frozen: [], deep_frozen: [] };
    for (const g of bulkGrid) {
      const zone = zoneRows.find((z) => z.warehouseId === wh.id && z.code === g.zone);
      if (!zone) continue;
      const rows: (typeof locations.$inferInsert)[] = [];
      let walk = 1000 + bulkGrid.indexOf(g) * 1000;
      for (const aisle of g.aisles) {
        for (let rack = 1; rack <= RACKS; rack++) {
          for (let level = 1; level <= LEVELS; level++) {
            for (let pos = 1; pos <= POSITIONS; pos++) {
              rows.push({ warehouseId: wh.id, zoneId: zone.id, code: `${aisle}-${String(rack).padStart(2, '0')}-${String(level).padStart(2, '0')}-${pos}`, kind: g.kind, walkSequence: ++walk, aisle, rack, level, position: pos });
            }
          }
        }
      }
      for (const part of chunks(rows, 2_000)) {
        const ids = await db.insert(locations).values(part).returning({ id: locations.id });
        bulk[g.cls].push(...ids.map((r) => r.id));
        added += ids.length;
      }
    }
    const fixed = await db
      .select({ id: locations.id, code: locations.code, kind: locations.kind, peer: locations.peerWarehouseId })
      .from(locations)
      .where(and(eq(locations.warehouseId, wh.id), inArray(locations.kind, ['dock', 'staging', 'supplier', 'customer', 'transit'])));
    const byCode = (code: string) => fixed.find((l) => l.code === code)?.id;
    sites.push({
      id: wh.id,
      code: wh.code,
      bulk,
      dock: { ambient: byCode('DOCK-01'), chilled: byCode('DOCK-R1'), frozen: byCode('DOCK-F1') },
      staging: { ambient: byCode('STAGE-01'), chilled: byCode('STAGE-R1'), frozen: byCode('STAGE-F1') },
      supplier: fixed.find((l) => l.kind === 'supplier')!.id,
      customer: fixed.find((l) => l.kind === 'customer')!.id,
      transit: fixed.filter((l) => l.kind === 'transit' && l.peer !== null).map((l) => ({ id: l.id, peer: l.peer! })),
    });
  }
  ms.locations = performance.now() - t;
  log(`locations: ${int(added)} racks added in ${whs.length} warehouses (${(ms.locations / 1000).toFixed(1)} s)`);

  // --- Moves --------------------------------------------------------------------------------
  t = performance.now();
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).orderBy(users.id).limit(1);
  const actor = admin ? { userId: admin.id } : { label: 'scale seed' };
  const budget = Math.max(0, targetEntries - before.entries);
  /** Stock of one product at one warehouse: where it stands and how much. */
  type Holding = { product: P; site: Site; cls: TemperatureClass; loc: number; qty: number };
  const holdings: Holding[] = [];
  const pickOne = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (const p of catalog) {
    const cls = p.spec.temperatureClass;
    const n = random() < 0.35 ? 1 : random() < 0.7 ? 2 : 3;
    const order = [...sites].sort(() => random() - 0.5);
    for (const site of order.slice(0, n)) {
      if (!site.dock[cls] || !site.staging[cls] || site.bulk[cls].length === 0) continue;
      holdings.push({ product: p, site, cls, loc: pickOne(site.bulk[cls]), qty: cls === 'ambient' ? 20 + Math.floor(random() * 581) : 10 + Math.floor(random() * 191) });
    }
  }
  // Received and put away: two entries per holding, as long as the budget allows.
  const received = holdings.splice(0, Math.min(holdings.length, Math.floor(budget / 2)));
  let written = 0;
  let batch: MoveInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const moves = batch;
    batch = [];
    await db.transaction(async (tx) => {
      await moveMany(tx, moves);
    });
    written += moves.length;
    const secs = (performance.now() - t) / 1000;
    log(`moves: ${int(written)} / ${int(budget)} (${Math.round((written / Math.max(1, budget)) * 100)} %), ${int(written / secs)} entries/s`);
  };
  const move = (m: Omit<MoveInput, 'actor'>) => batch.push({ ...m, actor });
  for (const [i, h] of received.entries()) {
    const lot = h.product.lotId;
    const document = { type: 'opening', id: `SCALE-${h.site.code}-${String(Math.floor(i / 500) + 1).padStart(4, '0')}` };
    move({ productId: h.product.id, lotId: lot, quantity: h.qty, fromLocationId: h.site.supplier, toLocationId: h.site.dock[h.cls]!, reason: 'receipt', document });
    move({ productId: h.product.id, lotId: lot, quantity: h.qty, fromLocationId: h.site.dock[h.cls]!, toLocationId: h.loc, reason: 'putaway', document });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  log(`received and put away: ${int(received.length)} product × warehouse holdings`);

  // History: picked and shipped to marketplace customers, relocated, sent on transfers.
  let left = budget - written;
  let orderNo = 10_000_000;
  let transferNo = 0;
  const active = received.filter((h) => h.qty >= 2);
  while (left > 0 && active.length > 0) {
    const k = Math.floor(random() * active.length);
    const h = active[k]!;
    const r = random();
    const base = { productId: h.product.id, lotId: h.product.lotId };
    if (r < 0.8 && left >= 2) {
      const qty = 1 + Math.floor(random() * Math.min(5, Math.max(1, Math.floor(h.qty / 4))));
      const document = { type: 'order', id: `${random() < 0.6 ? 'OZ' : 'WB'}-${++orderNo}` };
      move({ ...base, quantity: qty, fromLocationId: h.loc, toLocationId: h.site.staging[h.cls]!, reason: 'pick', document });
      move({ ...base, quantity: qty, fromLocationId: h.site.staging[h.cls]!, toLocationId: h.site.customer, reason: 'ship', document });
      h.qty -= qty;
      left -= 2;
    } else if (r < 0.96 || h.site.transit.length === 0) {
      // The whole stock to another rack of the same class.
      let to = pickOne(h.site.bulk[h.cls]);
      if (to === h.loc) to = h.site.bulk[h.cls][(h.site.bulk[h.cls].indexOf(to) + 1) % h.site.bulk[h.cls].length]!;
      if (to === h.loc) {
        active.splice(k, 1);
        continue;
      }
      move({ ...base, quantity: h.qty, fromLocationId: h.loc, toLocationId: to, reason: 'relocation' });
      h.loc = to;
      left -= 1;
    } else {
      // A quarter of it on the road to another warehouse.
      const transit = pickOne(h.site.transit);
      const qty = Math.max(1, Math.floor(h.qty / 4));
      move({ ...base, quantity: qty, fromLocationId: h.loc, toLocationId: transit.id, reason: 'transfer_out', document: { type: 'transfer', id: `TR-SCALE-${String(++transferNo).padStart(6, '0')}` } });
      h.qty -= qty;
      left -= 1;
    }
    if (h.qty < 2) active.splice(k, 1);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  ms.moves = performance.now() - t;
  log(`moves: ${int(written)} ledger entries through moveMany in ${(ms.moves / 1000).toFixed(1)} s`);

  // Statistics and the visibility map as autovacuum would leave them after such a load.
  t = performance.now();
  await db.execute(sql`VACUUM (ANALYZE)`);
  ms.analyze = performance.now() - t;
  ms.total = performance.now() - began;
  const after = await totals();
  log(`done: ${int(after.products)} products, ${int(after.entries)} ledger entries, ${int(after.balances)} balances, ${int(after.locations)} locations in ${(ms.total / 1000).toFixed(1)} s`);
  return { seeded: true, ...after, ms };
}

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive whole number`);
  return v;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { loadConfig } = await import('../src/config.ts');
  const { openDatabase } = await import('../src/db/client.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    const where = database.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL';
    console.log(`Seeding the benchmark volume into ${where}:`);
    const r = await seedScale(database.db, { products: argValue('--products'), entries: argValue('--entries'), log: (line) => console.log(`  ${line}`) });
    if (r.seeded) console.log(`Seeded in ${(r.ms.total / 1000).toFixed(1)} s (moves ${(r.ms.moves / 1000).toFixed(1)} s).`);
  } finally {
    await database.close();
  }
}

import { seedInbound } from './inbound.ts';
import { seedOutbound } from './outbound.ts';
import { seedTransfers } from './transfers.ts';
import { seedCold } from './cold.ts';
import { seedCounts } from './counts.ts';
// The English locale alone: the package's main entry loads every locale (about 30 MiB more).
import { faker } from '@faker-js/faker/locale/en';
import { count, sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/db/client.ts';
import { locations, lots, productBarcodes, products, sellers, userWarehouses, users, warehouses, zones } from '../src/db/schema/index.ts';
import type { LocationKind, TemperatureClass } from '../src/db/schema/index.ts';
import { hashPassword } from '../src/auth/password.ts';
import { moveMany, type MoveInput } from '../src/stock/index.ts';
import { caseGtin14, ean13 } from './barcodes.ts';
import { sellerSpecs } from './catalog.ts';
import { DEMO_PASSWORD } from './demo-logins.ts';

export { DEMO_PASSWORD, demoLogins, isDatabaseEmpty } from './demo-logins.ts';


const warehouseSpecs = [
  { code: 'QDH', name: 'Qingdao consolidation hub', country: 'CN', timezone: 'Asia/Shanghai' },
  { code: 'MSK', name: 'Moscow, Podolsk', country: 'RU', timezone: 'Europe/Moscow' },
  { code: 'ALA', name: 'Almaty', country: 'KZ', timezone: 'Asia/Almaty' },
  { code: 'TAS', name: 'Tashkent', country: 'UZ', timezone: 'Asia/Tashkent' },
] as const;

const zoneSpecs: { code: string; name: string; cls: TemperatureClass; min: number | null; max: number | null; aisles: string[]; racks: number; kind: LocationKind }[] = [
  { code: 'AMBIENT', name: 'Ambient', cls: 'ambient', min: 15, max: 25, aisles: ['A', 'B', 'C'], racks: 6, kind: 'storage' },
  { code: 'CHILLED', name: 'Chilled 2–8 °C', cls: 'chilled', min: 2, max: 8, aisles: ['R'], racks: 4, kind: 'cold' },
  { code: 'FROZEN', name: 'Frozen ≤ −18 °C', cls: 'frozen', min: null, max: -18, aisles: ['F'], racks: 4, kind: 'cold' },
];


type Loc = { id: number; code: string; kind: LocationKind; cls: TemperatureClass | null; capacity: number | null };

/**
 * The demo: four warehouses with zones and locations, six sellers with 330 products and
 * valid barcodes, opening stock received and put away through the ledger, a few shipments
 * and goods on the road. Deterministic: faker runs on a fixed seed.
 */
export async function seedDemo(db: Db, opts: { log?: (line: string) => void; today?: Date } = {}): Promise<{ products: number; moves: number }> {
  const log = opts.log ?? (() => {});
  const f = faker;
  f.seed(20261128);
  const today = opts.today ?? new Date();
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  // Hashing runs on the thread pool while the database work goes on.
  const hashing = hashPassword(DEMO_PASSWORD);

  return db.transaction(async (tx) => {
    // Several server processes may start on one empty database: one seeds, the others find
    // the data there once it has committed and seed nothing.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7274102)`);
    const [existing] = await tx.select({ n: count() }).from(warehouses);
    if ((existing?.n ?? 0) > 0) return { products: 0, moves: 0 };
    // Warehouses, zones, locations.
    const whs = await tx.insert(warehouses).values([...warehouseSpecs]).returning();
    const locs = new Map<number, Loc[]>();
    for (const wh of whs) {
      const list: Loc[] = [];
      let walk = 0;
      for (const z of zoneSpecs) {
        const [zone] = await tx.insert(zones).values({ warehouseId: wh.id, code: z.code, name: z.name, temperatureClass: z.cls, minCelsius: z.min, maxCelsius: z.max, logIntervalMinutes: z.cls === 'ambient' ? null : 15 }).returning();
        const rows: Omit<typeof locations.$inferInsert, 'warehouseId'>[] = [];
        const suffix = z.cls === 'ambient' ? '' : z.cls === 'chilled' ? 'R' : 'F';
        rows.push({ code: `DOCK-${suffix || '0'}1`, kind: 'dock', walkSequence: 0 });
        if (!suffix) rows.push({ code: 'DOCK-02', kind: 'dock', walkSequence: 0 });
        for (const aisle of z.aisles) {
          for (let rack = 1; rack <= z.racks; rack++) {
            // Serpentine walk: odd racks up the aisle, even racks back.
            for (let level = 1; level <= 3; level++) {
              for (let pos = 1; pos <= 2; pos++) {
                const kind: LocationKind = z.kind === 'storage' && level === 1 ? 'pick' : z.kind;
                rows.push({ code: `${aisle}-${String(rack).padStart(2, '0')}-${String(level).padStart(2, '0')}-${pos}`, kind, walkSequence: ++walk, capacity: kind === 'pick' ? 300 : z.kind === 'cold' ? 600 : 2000, aisle, rack, level, position: pos });
              }
            }
          }
        }
        rows.push({ code: `STAGE-${suffix || '0'}1`, kind: 'staging', walkSequence: 9000 });
        rows.push({ code: `QUAR-${suffix || '0'}1`, kind: 'quarantine', walkSequence: 9500 });
        const inserted = await tx
          .insert(locations)
          .values(rows.map((r) => ({ ...r, warehouseId: wh.id, zoneId: zone!.id })))
          .returning({ id: locations.id, code: locations.code, kind: locations.kind, capacity: locations.capacity });
        list.push(...inserted.map((l) => ({ ...l, cls: z.cls })));
      }
      const virtual = await tx
        .insert(locations)
        .values([
          { warehouseId: wh.id, code: 'SUPPLIER', kind: 'supplier' as const },
          { warehouseId: wh.id, code: 'CUSTOMER', kind: 'customer' as const },
          { warehouseId: wh.id, code: 'ADJUSTMENT', kind: 'adjustment' as const },
          ...whs.filter((o) => o.id !== wh.id).map((o) => ({ warehouseId: wh.id, code: `TRANSIT-${o.code}`, kind: 'transit' as const, peerWarehouseId: o.id })),
        ])
        .returning({ id: locations.id, code: locations.code, kind: locations.kind });
      list.push(...virtual.map((l) => ({ ...l, cls: null, capacity: null })));
      locs.set(wh.id, list);
    }

    // Sellers and their products.
    const sellerRows = await tx.insert(sellers).values(sellerSpecs.map((s) => ({ code: s.code, name: s.name, country: s.country }))).returning();
    type P = { id: number; sku: string; spec: (typeof sellerSpecs)[number] };
    const prods: P[] = [];
    for (const [i, spec] of sellerSpecs.entries()) {
      const seller = sellerRows[i]!;
      const names = new Set<string>();
      while (names.size < 55) {
        // Same goods in another pack size are another SKU.
        const base = spec.names(f);
        let name = base;
        for (let pack = 2; names.has(name); pack++) name = `${base}, pack of ${pack}`;
        names.add(name);
      }
      const inserted = await tx
        .insert(products)
        .values(
          [...names].map((name, n) => ({
            sellerId: seller.id,
            sku: `${spec.skuPrefix}-${String(n + 1).padStart(4, '0')}`,
            name,
            category: spec.category,
            temperatureClass: spec.temperatureClass,
            tracksLot: spec.tracksLot,
            tracksExpiry: spec.tracksExpiry,
          })),
        )
        .returning({ id: products.id, sku: products.sku });
      const codes: (typeof productBarcodes.$inferInsert)[] = [];
      for (const [n, p] of inserted.entries()) {
        const ean = ean13(spec.gs1Prefix + String(n + 1).padStart(12 - spec.gs1Prefix.length, '0'));
        codes.push({ productId: p.id, sellerId: seller.id, code: ean, kind: 'ean13', units: 1 });
        if (n % 2 === 0) codes.push({ productId: p.id, sellerId: seller.id, code: caseGtin14(1, ean), kind: 'gtin14', units: f.helpers.arrayElement(spec.caseSizes) });
        if (n % 3 === 0) codes.push({ productId: p.id, sellerId: seller.id, code: `OZN${f.string.numeric(9)}`, kind: 'marketplace', units: 1 });
        prods.push({ ...p, spec });
      }
      await tx.insert(productBarcodes).values(codes);
    }

    // Users.
    const seller1 = sellerRows.find((s) => s.code === 'HARBIN-FROST')!;
    const seller2 = sellerRows.find((s) => s.code === 'SZ-LIANXIN')!;
    const person = () => `${f.person.firstName()} ${f.person.lastName()}`;
    const passwordHash = await hashing;
    const userRows = await tx
      .insert(users)
      .values([
        { email: 'admin@demo.test', name: person(), role: 'admin' as const, passwordHash, locale: 'en' },
        { email: 'manager@demo.test', name: person(), role: 'manager' as const, passwordHash, locale: 'en' },
        { email: 'operator.msk@demo.test', name: 'Алексей Смирнов', role: 'operator' as const, passwordHash, locale: 'ru' },
        { email: 'seller1@demo.test', name: '王丽', role: 'seller' as const, sellerId: seller1.id, passwordHash, locale: 'zh' },
        { email: 'seller2@demo.test', name: '陈伟', role: 'seller' as const, sellerId: seller2.id, passwordHash, locale: 'zh' },
      ])
      .returning();
    const msk = whs.find((w) => w.code === 'MSK')!;
    await tx.insert(userWarehouses).values({ userId: userRows.find((u) => u.role === 'operator')!.id, warehouseId: msk.id });
    const actor = { userId: userRows.find((u) => u.role === 'admin')!.id };

    // Opening stock: received from the supplier to the dock, then put away. The moves are
    // planned first (lots by key), the lots inserted at once, then everything is posted
    // through the ledger as one all-or-nothing batch.
    type Planned = Omit<MoveInput, 'lotId'> & { lotKey: string | null };
    const planned: Planned[] = [];
    const lotRows = new Map<string, typeof lots.$inferInsert>();
    // Units planned onto each location: a shelf takes no more than its capacity.
    const fill = new Map<number, number>();
    for (const wh of whs) {
      const list = locs.get(wh.id)!;
      const supplier = list.find((l) => l.kind === 'supplier')!;
      const customer = list.find((l) => l.kind === 'customer')!;
      const doc = { type: 'opening', id: `OPEN-${wh.code}` };
      for (const p of prods) {
        if (!f.datatype.boolean({ probability: wh.code === 'QDH' ? 0.7 : 0.5 })) continue;
        const cls = p.spec.temperatureClass;
        const dock = list.find((l) => l.kind === 'dock' && l.cls === cls)!;
        const shelves = list.filter((l) => (l.kind === 'storage' || l.kind === 'pick' || l.kind === 'cold') && l.cls === cls);
        const tracked = p.spec.tracksLot || p.spec.tracksExpiry;
        const lotCount = tracked ? f.number.int({ min: 1, max: 3 }) : 1;
        for (let k = 0; k < lotCount; k++) {
          const expiresOn = p.spec.tracksExpiry && p.spec.shelfLife ? day(f.number.int({ min: p.spec.shelfLife[0], max: p.spec.shelfLife[1] })) : null;
          const code = p.spec.tracksLot ? `L${f.string.numeric(2)}${f.string.alpha({ length: 1, casing: 'upper' })}${f.string.numeric(3)}` : '';
          const lotKey = tracked ? `${p.id}|${code}|${expiresOn}` : null;
          if (lotKey) lotRows.set(lotKey, { productId: p.id, code, expiresOn });
          const m = (quantity: number, from: number, to: number, reason: MoveInput['reason'], document = doc): Planned => ({ productId: p.id, lotKey, quantity, fromLocationId: from, toLocationId: to, reason, document, actor });
          const qty = f.number.int({ min: 2, max: cls === 'ambient' ? 400 : 160 });
          planned.push(m(qty, supplier.id, dock.id, 'receipt'));
          if (f.datatype.boolean({ probability: 0.06 })) continue; // still on the dock, waiting for putaway
          const room = shelves.filter((l) => l.capacity === null || (fill.get(l.id) ?? 0) + qty <= l.capacity);
          if (room.length === 0) continue; // no shelf has room: it waits on the dock
          const shelf = f.helpers.arrayElement(room);
          fill.set(shelf.id, (fill.get(shelf.id) ?? 0) + qty);
          planned.push(m(qty, dock.id, shelf.id, 'putaway'));
          // Some history: a few units already picked and shipped to marketplace customers.
          if (f.datatype.boolean({ probability: 0.15 }) && qty > 10) {
            const staging = list.find((l) => l.kind === 'staging' && l.cls === cls)!;
            const shipped = f.number.int({ min: 1, max: Math.floor(qty / 3) });
            const order = { type: 'order', id: `${f.helpers.arrayElement(['OZ', 'WB'])}-${f.string.numeric(8)}` };
            planned.push(m(shipped, shelf.id, staging.id, 'pick', order), m(shipped, staging.id, customer.id, 'ship', order));
          }
        }
      }
    }
    const keys = [...lotRows.keys()];
    const lotIds = new Map<string, number>();
    const insertedLots = await tx.insert(lots).values(keys.map((k) => lotRows.get(k)!)).returning({ id: lots.id });
    insertedLots.forEach((row, i) => lotIds.set(keys[i]!, row.id));
    const { entries: moves } = await moveMany(tx as Tx, planned.map(({ lotKey, ...m }) => ({ ...m, lotId: lotKey ? lotIds.get(lotKey)! : null })));
    log(`  opening stock: ${moves} moves`);
    const asns = await seedInbound(tx as Tx, day);
    log(`  inbound shipments: ${asns}`);
    const outbound = await seedOutbound(tx as Tx, day);
    log(`  orders: ${outbound}`);
    const onTheRoad = await seedTransfers(tx as Tx, day);
    log(`  transfers: ${onTheRoad}`);
    const readings = await seedCold(tx as Tx);
    log(`  temperature readings: ${readings}`);
    await seedCounts(tx as Tx);
    return { products: prods.length, moves };
  });
}

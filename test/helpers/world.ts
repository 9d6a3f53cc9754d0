import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/client.ts';
import { locations, lots, productBarcodes, products, sellers, userWarehouses, users, warehouses, zones } from '../../src/db/schema/index.ts';
import type { LocationKind, Role, TemperatureClass } from '../../src/db/schema/index.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { moveMany } from '../../src/stock/index.ts';
import type { CurrentUser } from '../../src/auth/policy.ts';

export const PASSWORD = 'correct horse battery';
let hash: Promise<string> | undefined;
const passwordHash = () => (hash ??= hashPassword(PASSWORD));

export const uid = () => randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();

let eanCounter = Math.floor(Math.random() * 1e8);
/** A valid EAN-13, unique in this process. */
export function nextEan(): string {
  const body = '460' + String(eanCounter++ % 1e9).padStart(9, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 ? 3 : 1);
  return body + ((10 - (sum % 10)) % 10);
}

export type World = Awaited<ReturnType<typeof makeWorld>>;

/**
 * A small warehouse of its own for one test: unique codes, so tests never see each other's
 * data even on a shared PostgreSQL.
 */
export async function makeWorld(db: Db) {
  const code = `W${uid()}`;
  const [wh] = await db.insert(warehouses).values({ code, name: `Test ${code}`, country: 'RU', timezone: 'Europe/Moscow' }).returning();
  const [other] = await db.insert(warehouses).values({ code: `X${uid()}`, name: 'Other', country: 'KZ', timezone: 'Asia/Almaty' }).returning();
  const ranges: Record<TemperatureClass, [number | null, number | null]> = { ambient: [15, 25], chilled: [2, 8], frozen: [null, -18], deep_frozen: [null, -25] };
  const zone = async (warehouseId: number, cls: TemperatureClass) =>
    (await db.insert(zones).values({ warehouseId, code: cls.toUpperCase(), name: cls, temperatureClass: cls, minCelsius: ranges[cls][0], maxCelsius: ranges[cls][1] }).returning())[0]!;
  const zAmb = await zone(wh!.id, 'ambient');
  const zChl = await zone(wh!.id, 'chilled');
  const zFrz = await zone(wh!.id, 'frozen');
  const zOtherAmb = await zone(other!.id, 'ambient');
  const loc = async (warehouseId: number, zoneId: number | null, c: string, kind: LocationKind, extra: Partial<typeof locations.$inferInsert> = {}) =>
    (await db.insert(locations).values({ warehouseId, zoneId, code: c, kind, ...extra }).returning())[0]!;
  const l = {
    supplier: await loc(wh!.id, null, 'SUPPLIER', 'supplier'),
    customer: await loc(wh!.id, null, 'CUSTOMER', 'customer'),
    adjustment: await loc(wh!.id, null, 'ADJUSTMENT', 'adjustment'),
    transit: await loc(wh!.id, null, `TRANSIT-${other!.code}`, 'transit', { peerWarehouseId: other!.id }),
    dock: await loc(wh!.id, zAmb.id, 'DOCK-01', 'dock'),
    dockChilled: await loc(wh!.id, zChl.id, 'DOCK-R1', 'dock', { walkSequence: 1 }),
    dockFrozen: await loc(wh!.id, zFrz.id, 'DOCK-F1', 'dock', { walkSequence: 2 }),
    quarantine: await loc(wh!.id, zAmb.id, 'QUAR-A', 'quarantine'),
    quarantineChilled: await loc(wh!.id, zChl.id, 'QUAR-R', 'quarantine'),
    quarantineFrozen: await loc(wh!.id, zFrz.id, 'QUAR-F', 'quarantine'),
    staging: await loc(wh!.id, zAmb.id, 'STAGE-A', 'staging'),
    stagingChilled: await loc(wh!.id, zChl.id, 'STAGE-R', 'staging'),
    stagingFrozen: await loc(wh!.id, zFrz.id, 'STAGE-F', 'staging'),
    a1: await loc(wh!.id, zAmb.id, 'A-01-01-1', 'storage', { walkSequence: 1 }),
    a2: await loc(wh!.id, zAmb.id, 'A-01-01-2', 'storage', { walkSequence: 2 }),
    closed: await loc(wh!.id, zAmb.id, 'A-99-99-9', 'storage', { active: false }),
    chilled: await loc(wh!.id, zChl.id, 'R-01-01-1', 'cold'),
    chilled2: await loc(wh!.id, zChl.id, 'R-01-01-2', 'cold'),
    frozen: await loc(wh!.id, zFrz.id, 'F-01-01-1', 'cold'),
    otherA1: await loc(other!.id, zOtherAmb.id, 'A-01-01-1', 'storage'),
    otherSupplier: await loc(other!.id, null, 'SUPPLIER', 'supplier'),
  };
  const [sellerA] = await db.insert(sellers).values({ code: `SA${uid()}`, name: 'Seller A', country: 'CN' }).returning();
  const [sellerB] = await db.insert(sellers).values({ code: `SB${uid()}`, name: 'Seller B', country: 'KZ' }).returning();
  const product = async (sellerId: number, cls: TemperatureClass, tracked: boolean, name: string) => {
    const [p] = await db.insert(products).values({ sellerId, sku: `SKU-${uid()}`, name, temperatureClass: cls, tracksLot: tracked, tracksExpiry: tracked }).returning();
    const ean = nextEan();
    await db.insert(productBarcodes).values({ productId: p!.id, sellerId, code: ean, kind: 'ean13' });
    return { ...p!, ean };
  };
  const p = {
    widget: await product(sellerA!.id, 'ambient', false, 'Widget charger'),
    kefir: await product(sellerA!.id, 'chilled', true, 'Kefir 2.5% 900 ml'),
    icecream: await product(sellerA!.id, 'frozen', true, 'Vanilla ice cream cone'),
    gadget: await product(sellerB!.id, 'ambient', false, 'Gadget speaker'),
  };
  const [kefirLot] = await db.insert(lots).values({ productId: p.kefir.id, code: `K${uid()}`, expiresOn: '2030-01-31' }).returning();
  const [iceLot] = await db.insert(lots).values({ productId: p.icecream.id, code: `I${uid()}`, expiresOn: '2031-06-30' }).returning();
  const user = async (role: Role, extra: Partial<typeof users.$inferInsert> = {}) => {
    const email = `${role}.${uid().toLowerCase()}@test.example`;
    const [u] = await db.insert(users).values({ email, name: `${role} user`, role, passwordHash: await passwordHash(), ...extra }).returning();
    return u!;
  };
  const u = {
    admin: await user('admin'),
    manager: await user('manager'),
    operator: await user('operator', { locale: 'ru' }),
    operatorOther: await user('operator'),
    sellerA: await user('seller', { sellerId: sellerA!.id, locale: 'zh' }),
    sellerB: await user('seller', { sellerId: sellerB!.id }),
  };
  await db.insert(userWarehouses).values([
    { userId: u.operator.id, warehouseId: wh!.id },
    { userId: u.operatorOther.id, warehouseId: other!.id },
  ]);
  return { warehouse: wh!, other: other!, loc: l, sellerA: sellerA!, sellerB: sellerB!, product: p, lot: { kefir: kefirLot!, ice: iceLot! }, user: u };
}

/** A world user as the services see them (what the session middleware would build). */
export function asUser(w: World, who: keyof World['user']): CurrentUser {
  const u = w.user[who];
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    sellerId: u.sellerId,
    warehouseIds: who === 'operator' ? [w.warehouse.id] : who === 'operatorOther' ? [w.other.id] : [],
    locale: u.locale,
  };
}

/** Receives opening stock into the world's storage (supplier → location) through the ledger. */
export async function stock(db: Db, w: World, lines: { productId: number; lotId?: number | null; locationId: number; quantity: number }[]) {
  await db.transaction((tx) =>
    moveMany(
      tx,
      lines.map((l) => ({ productId: l.productId, lotId: l.lotId ?? null, quantity: l.quantity, fromLocationId: l.locationId === w.loc.otherA1.id ? w.loc.otherSupplier.id : w.loc.supplier.id, toLocationId: l.locationId, reason: 'receipt' as const, actor: { label: 'test' } })),
    ),
  );
}

import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../src/db/client.ts';
import { productBarcodes, products, sellers, users, userWarehouses } from '../src/db/schema/index.ts';
import type { CurrentUser } from '../src/auth/policy.ts';
import { saveShipment } from '../src/inbound/save-shipment.ts';
import { recordArrival } from '../src/inbound/record-arrival.ts';
import { receiveItem } from '../src/inbound/receive-item.ts';
import { changeShipmentStatus } from '../src/inbound/change-status.ts';

type Line = { sku: string; quantity: number; lot?: string; expiry?: string };

/**
 * Inbound shipments of the demo, made through the receiving services as a warehouse would:
 * a reefer truck due today at Moscow, a rail container half received, a closed TIR ASN with
 * its discrepancies, a seller's draft, a sea container for Almaty.
 */
export async function seedInbound(tx: Tx, day: (offset: number) => string): Promise<number> {
  // The services own their transactions; inside the seed's transaction they become savepoints.
  const db = tx as unknown as Db;
  const userOf = async (email: string): Promise<CurrentUser> => {
    const [u] = await tx.select().from(users).where(eq(users.email, email));
    const whs = await tx.select({ id: userWarehouses.warehouseId }).from(userWarehouses).where(eq(userWarehouses.userId, u!.id));
    return { id: u!.id, email: u!.email, name: u!.name, role: u!.role, sellerId: u!.sellerId, warehouseIds: whs.map((w) => w.id), locale: u!.locale };
  };
  const manager = await userOf('manager@demo.test');
  const operator = await userOf('operator.msk@demo.test');
  const seller1 = await userOf('seller1@demo.test');
  const skus = async (seller: string, n: number, offset = 0) =>
    (
      await tx
        .select({ sku: products.sku, ean: productBarcodes.code, tracksLot: products.tracksLot, tracksExpiry: products.tracksExpiry })
        .from(products)
        .innerJoin(sellers, eq(sellers.id, products.sellerId))
        .innerJoin(productBarcodes, and(eq(productBarcodes.productId, products.id), eq(productBarcodes.kind, 'ean13')))
        .where(eq(sellers.code, seller))
        .orderBy(products.sku)
        .limit(n)
        .offset(offset)
    );
  const asn = (reference: string, warehouse: string, seller: string, mode: string, lines: Line[], extra: Record<string, unknown> = {}) =>
    saveShipment({ db, user: manager, input: { warehouse, seller, reference, lines, transport: { mode, ...extra }, eta: day(0) } });

  // Due today at Moscow: ice cream and dumplings on a reefer from Harbin.
  const frost = await skus('HARBIN-FROST', 3);
  await asn('HF-TIR-2611-07', 'MSK', 'HARBIN-FROST', 'road_tir', frost.map((p, i) => ({ sku: p.sku, quantity: 120 + 40 * i, lot: `L2611${i}` })), {
    tir_carnet: 'XC45810327',
    vehicle_plate: 'E417KX 27',
    trailer_plate: 'AM 4021 27',
    seals: ['RU0481207', 'RU0481208'],
  });

  // A rail container from Shenzhen, arrived yesterday, half scanned.
  const lianxin = await skus('SZ-LIANXIN', 4);
  const rail = await asn('SZL-RAIL-0419', 'MSK', 'SZ-LIANXIN', 'rail', lianxin.map((p, i) => ({ sku: p.sku, quantity: 60 + 20 * i })), { container: 'TGHU 481230 7', seals: ['CN7719024'] });
  await recordArrival({ db, user: operator, shipmentId: rail.id, input: { dock: 'DOCK-01', seals: [{ seal: 'CN7719024', state: 'intact' }] } });
  for (const [i, p] of lianxin.slice(0, 2).entries()) {
    await receiveItem({ db, user: operator, shipmentId: rail.id, input: { scan: p.ean, quantity: 60 + 20 * i - 5 * i, idempotency_key: `seed-rail-${i}` } });
  }

  // Closed last week: a TIR truck with one carton damaged and one short line.
  const closed = await asn('SZL-TIR-0388', 'MSK', 'SZ-LIANXIN', 'road_tir', lianxin.slice(2).map((p) => ({ sku: p.sku, quantity: 40 })), { tir_carnet: 'XC45700112', vehicle_plate: 'B902OP 77', seals: ['CN7700451'] });
  await recordArrival({ db, user: operator, shipmentId: closed.id, input: { dock: 'DOCK-02', seals: [{ seal: 'CN7700451', state: 'broken', note: 'seal cut, re-sealed by customs' }] } });
  const [a, b] = lianxin.slice(2);
  await receiveItem({ db, user: operator, shipmentId: closed.id, input: { scan: a!.ean, quantity: 38, idempotency_key: 'seed-closed-1' } });
  await receiveItem({ db, user: operator, shipmentId: closed.id, input: { scan: a!.ean, quantity: 2, condition: 'damaged', idempotency_key: 'seed-closed-2' } });
  await receiveItem({ db, user: operator, shipmentId: closed.id, input: { scan: b!.ean, quantity: 31, idempotency_key: 'seed-closed-3' } });
  await changeShipmentStatus({ db, user: operator, shipmentId: closed.id, action: 'finishReceiving' });
  await changeShipmentStatus({ db, user: manager, shipmentId: closed.id, action: 'close' });
  await tx.execute(sql`UPDATE inbound_shipments SET eta = ${day(-7)}::date WHERE id = ${closed.id}`);

  // A seller's own draft, and a sea container on its way to Almaty.
  const more = await skus('HARBIN-FROST', 2, 3);
  await saveShipment({ db, user: seller1, input: { warehouse: 'MSK', reference: 'HF-TIR-2612-01', eta: day(9), transport: { mode: 'road_tir' }, lines: more.map((p) => ({ sku: p.sku, quantity: 200 })), draft: true } });
  const yifan = await skus('GZ-YIFAN', 3);
  await saveShipment({ db, user: manager, input: { warehouse: 'ALA', seller: 'GZ-YIFAN', reference: 'GZY-SEA-2026-118', eta: day(16), transport: { mode: 'sea', container: 'MSKU 774120 3', seals: ['ML4471209'] }, lines: yifan.map((p) => ({ sku: p.sku, quantity: 500 })) } });
  return 5;
}

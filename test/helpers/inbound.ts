import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/client.ts';
import { saveShipment } from '../../src/inbound/save-shipment.ts';
import { recordArrival } from '../../src/inbound/record-arrival.ts';
import { receiveItem } from '../../src/inbound/receive-item.ts';
import { asUser, uid, type World } from './world.ts';

export const GS = '\u001d';
export const key = () => randomUUID();
/** The GTIN-14 of a world product's EAN-13. */
export const gtinOf = (ean: string) => '0' + ean;

/** An ASN of seller A into the world's warehouse: 10 widgets, 6 kefir, by TIR truck. */
export async function makeAsn(db: Db, w: World, opts: { lines?: { sku: string; quantity: number; lot?: string; expiry?: string }[]; seals?: string; draft?: boolean } = {}) {
  return saveShipment({
    db,
    user: asUser(w, 'manager'),
    input: {
      warehouse: w.warehouse.code,
      seller: w.sellerA.code,
      reference: `TIR-${uid()}`,
      eta: '2026-12-01',
      transport: { mode: 'road_tir', tir_carnet: 'XC12345678', vehicle_plate: 'A123BC77', trailer_plate: 'AB1234 77', seals: opts.seals ?? 'S-1001 S-1002' },
      lines: opts.lines ?? [
        { sku: w.product.widget.sku, quantity: 10 },
        { sku: w.product.kefir.sku, quantity: 6, lot: 'L2611', expiry: '2030-05-31' },
      ],
      draft: opts.draft ?? false,
    },
  });
}

/** Records the arrival: seals intact, goods at the right temperature unless told otherwise. */
export async function arrive(db: Db, w: World, shipmentId: number, temperatures: Record<string, number> = { chilled: 4, frozen: -20 }, seals = ['S-1001', 'S-1002']) {
  return recordArrival({ db, user: asUser(w, 'operator'), shipmentId, input: { dock: 'DOCK-01', seals: seals.map((seal) => ({ seal, state: 'intact' })), temperatures } });
}

export async function scan(db: Db, w: World, shipmentId: number, input: Record<string, unknown>, who: keyof World['user'] = 'operator') {
  return receiveItem({ db, user: asUser(w, who), shipmentId, input: { idempotency_key: key(), ...input } });
}

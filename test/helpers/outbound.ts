import type { Db } from '../../src/db/client.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { asUser, uid, type World } from './world.ts';

/** A manual order of seller A in the world's warehouse. */
export async function makeOrder(db: Db, w: World, lines: { sku: string; quantity: number }[], opts: { shipBy?: string; externalId?: string } = {}) {
  const { order, allocation } = await createOrder({
    db,
    user: asUser(w, 'manager'),
    input: { warehouse: w.warehouse.code, seller: w.sellerA.code, channel: 'manual', external_id: opts.externalId ?? `M-${uid()}`, ship_by: opts.shipBy, lines },
  });
  return { order, allocation: allocation! };
}

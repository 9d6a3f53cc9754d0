import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { pickTasks } from '../../src/db/schema/index.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { asUser, stock, uid, type World } from './world.ts';

/** A manual order of seller A in the world's warehouse. */
export async function makeOrder(db: Db, w: World, lines: { sku: string; quantity: number }[], opts: { shipBy?: string; externalId?: string } = {}) {
  const { order, allocation } = await createOrder({
    db,
    user: asUser(w, 'manager'),
    input: { warehouse: w.warehouse.code, seller: w.sellerA.code, channel: 'manual', external_id: opts.externalId ?? `M-${uid()}`, ship_by: opts.shipBy, lines },
  });
  return { order, allocation: allocation! };
}

/**
 * Two widgets on each of A-01-01-1 and A-01-01-2, an order for two, allocated from the first
 * shelf and put on a pick list: its one task, to pick there (or report short there).
 */
export async function widgetTaskOnTwoShelves(db: Db, w: World) {
  await stock(db, w, [
    { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 2 },
    { productId: w.product.widget.id, locationId: w.loc.a2.id, quantity: 2 },
  ]);
  const { order } = await makeOrder(db, w, [{ sku: w.product.widget.sku, quantity: 2 }]);
  const { list } = await createPickList({ db, user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] });
  const [task] = await db.select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
  return { order, list, task: task! };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { excursions, pickTasks, reservations, temperatureReadings } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { quarantineExpiring } from '../../src/cold/quarantine-expiring.ts';
import { recordReadings } from '../../src/cold/record-readings.ts';
import { hasPostgres, openTestDatabase } from '../helpers/db.ts';
import { balanceOf } from '../helpers/counts.ts';
import { asUser, makeWorld, stock, uid } from '../helpers/world.ts';

// PGlite runs one transaction at a time, so races can only be shown on PostgreSQL.
describe.runIf(hasPostgres)('cold storage under concurrency on PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  it('quarantining stock while a pick list is made on it: either the list has it and the quarantine is refused, or the quarantine has it and no task points at a released reservation', async () => {
    for (let round = 0; round < 6; round++) {
      const w = await makeWorld(db());
      await stock(db(), w, [{ productId: w.product.icecream.id, lotId: w.lot.ice.id, locationId: w.loc.frozen.id, quantity: 4 }]);
      const { order } = await createOrder({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, seller: w.sellerA.code, external_id: `Q-${uid()}`, lines: [{ sku: w.product.icecream.sku, quantity: 3 }] } });
      const [bal] = await db().select({ id: reservations.balanceId }).from(reservations).where(and(eq(reservations.documentType, 'order'), eq(reservations.documentId, String(order.id))));
      const [list, quarantine] = await Promise.allSettled([
        createPickList({ db: db(), user: asUser(w, 'manager'), warehouse: w.warehouse.code, orderIds: [order.id] }),
        quarantineExpiring({ db: db(), user: asUser(w, 'manager'), input: { warehouse: w.warehouse.code, balances: [String(bal!.id)] } }),
      ]);
      const tasks = await db().select().from(pickTasks).where(eq(pickTasks.orderId, order.id));
      const closedUnderTask = tasks.length
        ? await db().select().from(reservations).where(and(inArray(reservations.id, tasks.map((t) => t.reservationId)), isNotNull(reservations.closedAt)))
        : [];
      expect(closedUnderTask).toEqual([]);
      if (quarantine.status === 'fulfilled') {
        // The order lost its units before any list took it.
        expect(await balanceOf(db(), w.loc.quarantineFrozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 4, reserved: 0 });
        expect(tasks).toEqual([]);
      } else {
        expect(list.status).toBe('fulfilled');
        expect((quarantine.reason as { key?: string }).key).toBe('cold.error.reservedForPicking');
        expect(await balanceOf(db(), w.loc.frozen.id, w.product.icecream.id, w.lot.ice.id)).toEqual({ onHand: 4, reserved: 3 });
      }
    }
  });

  it('readings of one slot from several sensors at once, out of order: one excursion, every reading once', async () => {
    const w = await makeWorld(db());
    const t0 = Date.now() - 3_600_000;
    const at = (m: number) => new Date(t0 + m * 60_000).toISOString();
    const celsius = (m: number) => (m >= 20 && m < 40 ? -10 : -20);
    const minutes = Array.from({ length: 60 }, (_, m) => m).sort(() => Math.random() - 0.5);
    const batches = [0, 1, 2, 3, 4, 5].map((b) => minutes.filter((_, i) => i % 6 === b));
    await Promise.all(
      batches.map((ms) => recordReadings({ db: db(), sender: { user: asUser(w, 'manager') }, input: { readings: ms.map((m) => ({ warehouse: w.warehouse.code, location: 'F-01-01-1', celsius: celsius(m), at: at(m) })) } })),
    );
    const rows = await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id));
    expect(rows.map((e) => [e.startedAt.toISOString(), e.endedAt?.toISOString(), Number(e.peakCelsius)])).toEqual([[at(20), at(40), -10]]);
    const [n] = await db().select({ n: sql<number>`count(*)::int` }).from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id));
    expect(Number(n!.n)).toBe(60);
  });
});

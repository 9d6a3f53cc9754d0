import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/rows.ts';
import { excursions, inboundLines, locations, pickTasks, stockBalances, warehouses, zones } from '../../src/db/schema/index.ts';
import { createApiToken, revokeApiToken } from '../../src/auth/api-tokens.ts';
import { saveShipment } from '../../src/inbound/save-shipment.ts';
import { createOrder } from '../../src/outbound/create-order.ts';
import { createPickList } from '../../src/outbound/pick-list.ts';
import { importOzon } from '../../src/outbound/import-marketplace.ts';
import { recordReadings } from '../../src/cold/record-readings.ts';
import { createTransfer, startPicking } from '../../src/transfers/create-transfer.ts';
import { createCount } from '../../src/counts/create-count.ts';
import { openLocation } from '../../src/counts/count-location.ts';
import { requestAdjustment } from '../../src/counts/adjust.ts';
import { makeAsn } from './inbound.ts';
import { makeOrder } from './outbound.ts';
import { asUser, makeWorld, stock, uid, type World } from './world.ts';

export const ROLES = ['admin', 'manager', 'operator', 'operatorOther', 'sellerA', 'sellerB', 'anon'] as const;
export type Role = (typeof ROLES)[number];
export type UserRole = Exclude<Role, 'anon'>;

/**
 * One world with a real document of every kind, for the authorization matrix: seller A's ASN,
 * orders, pick list, import, transfers, counts, adjustment in the world's warehouse; cold zone,
 * slot and excursion; seller B's ASN and order next to them; API tokens for every user.
 * Transfers go to a third warehouse, so the operator of the world's other warehouse has no
 * part in them.
 */
export async function matrixWorld(db: Db) {
  const w = await makeWorld(db);
  const wh = w.warehouse.code;
  const manager = asUser(w, 'manager');
  const [third] = await db.insert(warehouses).values({ code: `Y${uid()}`, name: 'Third', country: 'UZ', timezone: 'Asia/Tashkent' }).returning();
  await db.insert(locations).values({ warehouseId: w.warehouse.id, code: `TRANSIT-${third!.code}`, kind: 'transit', peerWarehouseId: third!.id });
  await stock(db, w, [
    { productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 10 },
    { productId: w.product.gadget.id, locationId: w.loc.a1.id, quantity: 7 },
    { productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 3 },
    { productId: w.product.kefir.id, lotId: w.lot.kefir.id, locationId: w.loc.chilled.id, quantity: 4 },
  ]);
  const [dockBalance] = await db.select({ id: stockBalances.id }).from(stockBalances).where(and(eq(stockBalances.locationId, w.loc.dock.id), eq(stockBalances.productId, w.product.widget.id)));

  // Inbound: an expected ASN of each seller.
  const asnA = await makeAsn(db, w);
  const [asnALine] = await db.select().from(inboundLines).where(eq(inboundLines.shipmentId, asnA.id)).orderBy(asc(inboundLines.lineNo));
  const asnB = await saveShipment({
    db,
    user: manager,
    input: { warehouse: wh, seller: w.sellerB.code, reference: `TIR-${uid()}`, transport: { mode: 'road_tir', seals: 'S-9' }, lines: [{ sku: w.product.gadget.sku, quantity: 3 }] },
  });

  // Counts first: a pick list being worked would keep its locations out of a count.
  const count = await createCount({ db, user: manager, input: { warehouse: wh, scope: 'range', from_code: 'A-01-01-2', to_code: 'A-01-01-2', recount_above: '0' } });
  const place = await openLocation({ db, user: asUser(w, 'operator'), countId: count.id, code: 'A-01-01-2' });
  const countToCancel = await createCount({ db, user: manager, input: { warehouse: wh, scope: 'range', from_code: 'R-01-01-2', to_code: 'R-01-01-2', recount_above: '0' } });
  const adjustment = await requestAdjustment({
    db,
    user: asUser(w, 'operator'),
    input: { warehouse: wh, location: 'A-01-01-1', product: w.product.widget.sku, direction: 'add', quantity: '50', reason: 'found', idempotency_key: randomUUID() },
  });

  // Outbound: an order on a pick list, an order to read, one to cancel, and seller B's.
  const picked = await makeOrder(db, w, [{ sku: w.product.widget.sku, quantity: 1 }]);
  const { list } = await createPickList({ db, user: manager, warehouse: wh, orderIds: [picked.order.id] });
  const [task] = await db.select().from(pickTasks).where(eq(pickTasks.pickListId, list.id));
  const orderA = await makeOrder(db, w, [{ sku: w.product.widget.sku, quantity: 2 }]);
  const orderToCancel = await makeOrder(db, w, [{ sku: w.product.widget.sku, quantity: 1 }]);
  const { order: orderB } = await createOrder({ db, user: manager, input: { warehouse: wh, seller: w.sellerB.code, channel: 'manual', external_id: `MB-${uid()}`, lines: [{ sku: w.product.gadget.sku, quantity: 1 }] } });
  const ozon = JSON.parse(readFileSync(new URL('../fixtures/marketplaces/ozon-fbs-postings.json', import.meta.url), 'utf8')) as unknown;
  const imported = await importOzon({ db, user: asUser(w, 'sellerA'), warehouse: wh, payload: ozon });

  // Transfers to the third warehouse: a draft, one being picked, one to cancel.
  const transferInput = { from_warehouse: wh, to_warehouse: third!.code, transport: { mode: 'road_tir', vehicle_plate: 'A123BC77', seals: 'S-1' }, lines: [{ sku: w.product.widget.sku, quantity: 1 }] };
  const transferDraft = await createTransfer({ db, user: manager, input: transferInput });
  const transferPicking = (await startPicking({ db, user: manager, transferId: (await createTransfer({ db, user: manager, input: transferInput })).id })).transfer;
  const transferToCancel = await createTransfer({ db, user: manager, input: transferInput });
  const [transferLine] = await queryRows<{ id: number }>(db, sql`SELECT id FROM transfer_lines WHERE transfer_id = ${transferDraft.id}`);

  // Cold: the chilled zone, a spare slot to edit, an open excursion on a slot.
  const [chilledZone] = await db.select().from(zones).where(and(eq(zones.warehouseId, w.warehouse.id), eq(zones.code, 'CHILLED')));
  const [spareSlot] = await db.insert(locations).values({ warehouseId: w.warehouse.id, zoneId: chilledZone!.id, code: 'R-09-09-9', kind: 'cold' }).returning();
  await recordReadings({ db, sender: { user: manager }, input: { readings: [{ warehouse: wh, location: 'R-01-01-1', celsius: 14, at: new Date().toISOString() }] } });
  const [excursion] = await db.select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id));

  // Tokens: one per user, a device token, a spare of seller A's (to revoke), a revoked one.
  const tokens = {} as Record<UserRole, string>;
  for (const who of ['admin', 'manager', 'operator', 'operatorOther', 'sellerA', 'sellerB'] as const) {
    tokens[who] = (await createApiToken(db, { kind: 'user', name: `matrix ${who}`, userId: w.user[who].id, createdBy: w.user.admin.id })).token;
  }
  const device = await createApiToken(db, { kind: 'device', name: 'probe', warehouseId: w.warehouse.id, createdBy: w.user.admin.id });
  const spare = await createApiToken(db, { kind: 'user', name: 'spare', userId: w.user.sellerA.id, createdBy: w.user.sellerA.id });
  const revoked = await createApiToken(db, { kind: 'user', name: 'old', userId: w.user.sellerA.id, createdBy: w.user.sellerA.id });
  await revokeApiToken(db, revoked.row.id);

  return {
    w,
    third: third!,
    dockBalanceId: dockBalance!.id,
    asnA,
    asnALine: asnALine!,
    asnB,
    count,
    place,
    countToCancel,
    adjustment,
    pickList: list,
    task: task!,
    orderPicked: picked.order,
    orderA: orderA.order,
    orderToCancel: orderToCancel.order,
    orderB,
    importJobId: imported.job_id,
    transferDraft,
    transferPicking,
    transferToCancel,
    transferLineId: transferLine!.id,
    chilledZone: chilledZone!,
    spareSlot: spareSlot!,
    excursion: excursion!,
    tokens,
    deviceTokenId: device.row.id,
    spareTokenId: spare.row.id,
    revokedToken: revoked.token,
    unknownToken: `${'a'.repeat(24)}.${'b'.repeat(24)}`,
  };
}

export type MatrixWorld = Awaited<ReturnType<typeof matrixWorld>>;

/**
 * A fingerprint of the documents of a matrix world (statuses, decisions, settings, counts of
 * events and readings): equal before and after means no request changed any of them. Stock is
 * compared separately (stockFingerprint).
 */
export async function documentFingerprint(db: Db, m: MatrixWorld): Promise<string> {
  const whs = `ARRAY[${[m.w.warehouse.id, m.w.other.id, m.third.id].join(',')}]::int[]`;
  const sellersArr = `ARRAY[${[m.w.sellerA.id, m.w.sellerB.id].join(',')}]::int[]`;
  const userIds = `ARRAY[${Object.values(m.w.user)
    .map((u) => u.id)
    .join(',')}]::int[]`;
  const parts: [string, string][] = [
    ['inbound_shipments t', `t.seller_id = ANY(${sellersArr})`],
    ['inbound_lines t', `t.shipment_id IN (SELECT id FROM inbound_shipments WHERE seller_id = ANY(${sellersArr}))`],
    ['inbound_events t', `t.shipment_id IN (SELECT id FROM inbound_shipments WHERE seller_id = ANY(${sellersArr}))`],
    ['orders t', `t.seller_id = ANY(${sellersArr})`],
    ['order_events t', `t.order_id IN (SELECT id FROM orders WHERE seller_id = ANY(${sellersArr}))`],
    ['pick_lists t', `t.warehouse_id = ANY(${whs})`],
    ['pick_tasks t', `t.pick_list_id IN (SELECT id FROM pick_lists WHERE warehouse_id = ANY(${whs}))`],
    ['import_jobs t', `t.created_by = ANY(${userIds})`],
    ['transfers t', `t.from_warehouse_id = ANY(${whs})`],
    ['transfer_events t', `t.transfer_id IN (SELECT id FROM transfers WHERE from_warehouse_id = ANY(${whs}))`],
    ['cycle_counts t', `t.warehouse_id = ANY(${whs})`],
    ['cycle_count_locations t', `t.count_id IN (SELECT id FROM cycle_counts WHERE warehouse_id = ANY(${whs}))`],
    ['cycle_count_scans t', `t.count_location_id IN (SELECT l.id FROM cycle_count_locations l JOIN cycle_counts c ON c.id = l.count_id WHERE c.warehouse_id = ANY(${whs}))`],
    ['adjustments t', `t.warehouse_id = ANY(${whs})`],
    ['excursions t', `t.warehouse_id = ANY(${whs})`],
    ['temperature_readings t', `t.warehouse_id = ANY(${whs})`],
    ['zones t', `t.warehouse_id = ANY(${whs})`],
    ['locations t', `t.warehouse_id = ANY(${whs})`],
    ['warehouses t', `t.id = ANY(${whs})`],
    ['products t', `t.seller_id = ANY(${sellersArr})`],
  ];
  const out: string[] = [];
  for (const [table, where] of parts) {
    const [row] = await queryRows<{ f: string }>(db, sql.raw(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS f FROM ${table} WHERE ${where}`));
    out.push(`${table.split(' ')[0]}=${row!.f}`);
  }
  // Tokens: who has which, and which are revoked (not when they were last used: reads set that).
  const [tok] = await queryRows<{ f: string }>(
    db,
    sql.raw(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(id || ':' || coalesce(revoked_at::text, '-'), '|' ORDER BY id)), '') AS f FROM api_tokens WHERE user_id = ANY(${userIds}) OR warehouse_id = ANY(${whs})`),
  );
  out.push(`api_tokens=${tok!.f}`);
  const [loc] = await queryRows<{ f: string }>(db, sql.raw(`SELECT string_agg(coalesce(locale, '-'), ',' ORDER BY id) AS f FROM users WHERE id = ANY(${userIds})`));
  out.push(`locales=${loc!.f}`);
  return out.join('\n');
}

/** A route pattern without its parameters' patterns: `/products/:id{[0-9]{1,9}}` → `/products/:id`. */
export function plainPattern(path: string): string {
  let out = '';
  let depth = 0;
  for (const ch of path) {
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

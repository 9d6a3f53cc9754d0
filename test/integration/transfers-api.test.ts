import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { ledgerEntries, locations, zones } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { signedIn, testApp } from '../helpers/client.ts';
import { get, post, postForm, problemOf } from '../helpers/api.ts';
import { makeWorld, stock, uid } from '../helpers/world.ts';

describe.each(backends)('transfer API on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  it('create → start picking → dispatch (in_transit) → arrival → receipts (idempotent) → the transfer with what is on the road', async () => {
    const w = await makeWorld(db());
    const [zone] = await db().select().from(zones).where(eq(zones.warehouseId, w.other.id));
    await db().insert(locations).values({ warehouseId: w.other.id, zoneId: zone!.id, code: 'DOCK-01', kind: 'dock' });
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 9 }]);
    const app = testApp(db());
    const m = await signedIn(app, w.user.manager.email);
    await m.get('/inventory');
    const body = { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'rail', container: 'MSKU1234565', seals: ['S1'] }, eta: '2026-01-15', lines: [{ sku: w.product.widget.sku, quantity: 6 }] };
    const created = await post(m, '/api/v1/transfers', body, { key: `tr-${uid()}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'rail', reefer: false }, lines: [{ line: 1, sku: w.product.widget.sku, quantity: 6, dispatched: 0 }] });
    const id = created.body.id as string;
    expect((await post(m, `/api/v1/transfers/${id}/start-picking`, {})).body.status).toBe('picking');
    const dk = `dispatch-${uid()}`;
    const sent = await post(m, `/api/v1/transfers/${id}/dispatch`, { documents: 'CIM 77' }, { key: dk });
    expect(sent.body).toMatchObject({ status: 'in_transit', documents: 'CIM 77', lines: [{ dispatched: 6, in_transit: 6 }] });
    // Sent again with its key: the same answer, nothing moves again; without a key it is a conflict.
    const resent = await post(m, `/api/v1/transfers/${id}/dispatch`, { documents: 'CIM 77' }, { key: dk });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toEqual(sent.body);
    problemOf(await post(m, `/api/v1/transfers/${id}/dispatch`, { documents: 'CIM 77' }), 409);
    const out = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'transfer'), eq(ledgerEntries.documentId, id), eq(ledgerEntries.reason, 'transfer_out')));
    expect(out.reduce((n, e) => n + e.quantity, 0)).toBe(6);
    problemOf(await post(m, `/api/v1/transfers/${id}/receipts`, { sku: w.product.widget.sku, quantity: 1 }), 409);
    // On the road: late (ETA passed), 6 units; the inventory of either end shows them in transit.
    const road = await (await m.get('/transfers?status=dispatched')).text();
    expect(road).toContain(`href="/transfers/${id}"`);
    expect(road).toMatch(/class="row-late"/);
    for (const wh of [w.warehouse.code, w.other.code]) {
      // The inventory's totals bar (loaded after the page) shows what is on the road.
      const inv = await (await m.get(`/inventory/totals?warehouse=${wh}`, { htmx: true })).text();
      expect(/data-in-transit[^>]*>[^<]*<a[^>]*><strong>(\d+)<\/strong>/.exec(inv)?.[1], wh).toBe('6');
    }
    expect((await post(m, `/api/v1/transfers/${id}/arrival`, { seals: [{ seal: 'S1', state: 'intact' }] })).body.status).toBe('arrived');
    const k = `rc-${uid()}`;
    const r = await post(m, `/api/v1/transfers/${id}/receipts`, { scan: w.product.widget.ean, quantity: 4 }, { key: k });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ sku: w.product.widget.sku, quantity: 4, location: 'DOCK-01', dispatched: 6, received: 4 });
    const again = await post(m, `/api/v1/transfers/${id}/receipts`, { scan: w.product.widget.ean, quantity: 4 }, { key: k });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(r.body);
    // The same key with another condition or quantity is another request: refused.
    problemOf(await post(m, `/api/v1/transfers/${id}/receipts`, { scan: w.product.widget.ean, quantity: 4, condition: 'damaged' }, { key: k }), 409);
    problemOf(await post(m, `/api/v1/transfers/${id}/receipts`, { scan: w.product.widget.ean, quantity: 2 }, { key: k }), 409);
    const read = await get(m, `/api/v1/transfers/${id}`);
    expect(read.body.lines).toEqual([expect.objectContaining({ received: 4, in_transit: 2 })]);

    // The record page: lines with what is still on the road, every event, every ledger move.
    const page = await (await m.get(`/transfers/${id}`)).text();
    expect(page).toContain('data-line="1"');
    expect(page).toContain('CIM 77');
    expect(page).toContain(`TRANSIT-${w.other.code}`);
    expect(page).toContain('DOCK-01');
    expect(page).toContain('units dispatched have not arrived');
    const list = await (await m.get(`/transfers?warehouse=${w.other.code}&status=arrived`)).text();
    expect(list).toContain(`href="/transfers/${id}"`);
    expect((await m.get('/transfers?status=lost')).status).toBe(422);
    const csv = await m.get(`/transfers.csv?warehouse=${w.other.code}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvText = await csv.text();
    expect(csvText.split('\n')[1]).toContain(`${id},${w.warehouse.code},${w.other.code}`);
    const seller = await signedIn(app, w.user.sellerA.email);
    expect((await seller.get('/transfers')).status).toBe(403);
    expect((await seller.get(`/transfers/${id}`)).status).toBe(404);
    const op = await signedIn(app, w.user.operatorOther.email);
    expect((await op.get(`/transfers/${id}`)).status).toBe(200);
  });

  it('on the pages: dispatch needs every picked unit scanned onto the vehicle; loading more than picked or another lot is refused', async () => {
    const w = await makeWorld(db());
    await stock(db(), w, [{ productId: w.product.widget.id, locationId: w.loc.a1.id, quantity: 9 }]);
    const app = testApp(db());
    const m = await signedIn(app, w.user.manager.email);
    await m.get('/inventory');
    const created = await post(m, '/api/v1/transfers', { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'air' }, lines: [{ sku: w.product.widget.sku, quantity: 4 }] });
    const id = created.body.id as string;
    expect((await m.post(`/transfers/${id}/start-picking`, {})).status).toBe(303);
    const early = await m.post(`/transfers/${id}/dispatch`, { documents: 'AWB 1' });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain('4 picked units have not been scanned');
    const k = `ld-${uid()}`;
    expect((await m.post(`/transfers/${id}/load`, { scan: w.product.widget.ean, quantity: '3', idempotency_key: k })).status).toBe(200);
    // The same scan again (a double submit) counts once.
    expect((await m.post(`/transfers/${id}/load`, { scan: w.product.widget.ean, quantity: '3', idempotency_key: k })).status).toBe(200);
    const over = await m.post(`/transfers/${id}/load`, { scan: w.product.widget.ean, quantity: '2', idempotency_key: `ld-${uid()}` });
    expect(over.status).toBe(409);
    expect(await over.text()).toContain('Only 1 more');
    expect((await m.post(`/transfers/${id}/load`, { scan: w.product.gadget.ean, quantity: '1', idempotency_key: `ld-${uid()}` })).status).toBe(422);
    const last = await m.post(`/transfers/${id}/load`, { scan: w.product.widget.sku, quantity: '1', idempotency_key: `ld-${uid()}` });
    expect(await last.text()).toContain('Everything picked is on the vehicle');
    expect((await m.post(`/transfers/${id}/dispatch`, { documents: 'AWB 1' })).status).toBe(303);
    expect((await get(m, `/api/v1/transfers/${id}`)).body).toMatchObject({ status: 'in_transit', lines: [{ dispatched: 4 }] });
  });

  it('the new-transfer form: a bad row is named next to its field, nothing created; a good one creates the transfer', async () => {
    const w = await makeWorld(db());
    const app = testApp(db());
    const m = await signedIn(app, w.user.manager.email);
    expect((await m.get('/transfers/new')).status).toBe(200);
    const base: [string, string][] = [['from_warehouse', w.warehouse.code], ['to_warehouse', w.other.code], ['mode', 'road_tir'], ['vehicle_plate', 'A001AA77'], ['trailer_plate', 'AB1234 77'], ['seals', 'S-9']];
    const bad = await postForm(m, '/transfers', [...base, ['line_sku', ''], ['line_quantity', ''], ['line_seller', ''], ['line_lot', ''], ['line_sku', w.product.kefir.sku], ['line_quantity', '2'], ['line_seller', ''], ['line_lot', '']]);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    // The second row (the first is blank): kefir is chilled and the transfer is no reefer.
    expect(html).toMatch(/<td class="invalid"><input name="line_sku" value="[^"]*"[^>]*aria-label="SKU 2"/);
    expect(html).toContain('reefer');
    const none = await postForm(m, '/transfers', base);
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Add at least one line');
    const ok = await postForm(m, '/transfers', [...base, ['reefer', 'on'], ['line_sku', w.product.kefir.sku], ['line_quantity', '2'], ['line_seller', w.sellerA.code], ['line_lot', w.lot.kefir.code]]);
    expect(ok.status).toBe(303);
    const t = await get(m, `/api/v1${ok.headers.get('location')}`);
    expect(t.body).toMatchObject({ status: 'draft', transport: { reefer: true, vehicle_plate: 'A001AA77', trailer_plate: 'AB1234 77', seals: ['S-9'] }, lines: [{ sku: w.product.kefir.sku, lot: w.lot.kefir.code, quantity: 2 }] });
  });

  it('bad input and access: problem+json; a seller and an unknown id get 404/403; malformed JSON is 400', async () => {
    const w = await makeWorld(db());
    const app = testApp(db());
    const m = await signedIn(app, w.user.manager.email);
    await m.get('/inventory');
    const same = problemOf(await post(m, '/api/v1/transfers', { from_warehouse: w.warehouse.code, to_warehouse: w.warehouse.code, transport: { mode: 'air' }, lines: [{ sku: w.product.widget.sku, quantity: 1 }] }), 422);
    expect(same.errors?.[0]?.path).toBe('to_warehouse');
    const cold = problemOf(await post(m, '/api/v1/transfers', { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'road_tir' }, lines: [{ sku: w.product.kefir.sku, quantity: 1 }] }), 422);
    expect(cold.errors?.[0]?.path).toBe('lines.0.sku');
    problemOf(await post(m, '/api/v1/transfers', '{"lines": [', { raw: true }), 400);
    problemOf(await get(m, '/api/v1/transfers/999999999'), 404);
    problemOf(await get(m, '/api/v1/transfers/abc'), 404);
    const t = await post(m, '/api/v1/transfers', { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'air' }, lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
    const seller = await signedIn(app, w.user.sellerA.email);
    await seller.get('/inventory');
    problemOf(await get(seller, `/api/v1/transfers/${t.body.id}`), 404);
    problemOf(await post(seller, '/api/v1/transfers', { from_warehouse: w.warehouse.code, to_warehouse: w.other.code, transport: { mode: 'air' }, lines: [{ sku: w.product.widget.sku, quantity: 1 }] }), 403);
    // The operator of the destination sees it but may not dispatch it.
    const op = await signedIn(app, w.user.operatorOther.email);
    await op.get('/inventory');
    expect((await get(op, `/api/v1/transfers/${t.body.id}`)).status).toBe(200);
    problemOf(await post(op, `/api/v1/transfers/${t.body.id}/start-picking`, {}), 403);
  });
});

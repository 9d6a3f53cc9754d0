import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { inboundShipments, ledgerEntries } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { changeShipmentStatus } from '../../src/inbound/change-status.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { asUser, makeWorld, nextEan, uid, type World } from '../helpers/world.ts';
import { GS, arrive, gtinOf, key, makeAsn, scan } from '../helpers/inbound.ts';
import { get, post, problemOf, type Answer, type Json, type Problem } from '../helpers/api.ts';


/** An ASN as an integration announces it: 10 widgets and 6 kefir of seller A. */
function asnBody(w: World, extra: Record<string, unknown> = {}) {
  return {
    warehouse: w.warehouse.code,
    seller: w.sellerA.code,
    reference: `API-${uid()}`,
    eta: '2026-12-01',
    transport: { mode: 'road_tir', tir_carnet: 'XC12345678', vehicle_plate: 'A123BC77', trailer_plate: 'AB1234 77', seals: ['S-1001', 'S-1002'] },
    lines: [
      { sku: w.product.widget.sku, quantity: 10 },
      { sku: w.product.kefir.sku, quantity: 6, lot: 'L2611', expiry: '2030-05-31' },
    ],
    ...extra,
  };
}

const arrival = { arrived_at: '2025-01-10T09:30', dock: 'DOCK-01', seals: [{ seal: 'S-1001', state: 'intact' }, { seal: 'S-1002', state: 'intact' }], temperatures: { chilled: 4 } };

describe.each(backends)('inbound JSON API on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(() => database.close());
  const db = () => database.db;
  const ledgerOk = async () => expect((await verifyLedger(db())).problems).toEqual([]);
  const fingerprint = (w: World) => stockFingerprint(db(), [w.warehouse.id, w.other.id]);
  const ledgerOf = (asnId: number | string) => db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'inbound'), eq(ledgerEntries.documentId, String(asnId))));

  describe('happy paths', () => {
    it('a manager announces an ASN; the operator checks it in and scans an EAN and a GS1-128 string; the GET shows what came and what is missing', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const body = asnBody(w);
      const created = await post(m, '/api/v1/inbound-shipments', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.type).toContain('application/json');
      const asn = created.body;
      expect(asn).toMatchObject({
        reference: body.reference,
        status: 'expected',
        seller: w.sellerA.code,
        warehouse: w.warehouse.code,
        eta: '2026-12-01',
        transport: { mode: 'road_tir', tir_carnet: 'XC12345678', vehicle_plate: 'A123BC77', trailer_plate: 'AB1234 77', container: null, seals: ['S-1001', 'S-1002'] },
        arrived_at: null,
        dock: null,
        seal_checks: [],
        receipts: [],
      });
      expect(typeof asn.id).toBe('string');
      expect(asn.lines).toEqual([
        { line: 1, sku: w.product.widget.sku, expected: 10, received: 0, damaged: 0, short: 10, over: 0, lot: null, expiry: null, unexpected: false, decision: null, arrival_celsius: null, quarantine_reason: null },
        { line: 2, sku: w.product.kefir.sku, expected: 6, received: 0, damaged: 0, short: 6, over: 0, lot: 'L2611', expiry: '2030-05-31', unexpected: false, decision: null, arrival_celsius: null, quarantine_reason: null },
      ]);
      expect(asn.discrepancies).toEqual([
        { line: 1, sku: w.product.widget.sku, kind: 'short', quantity: 10 },
        { line: 2, sku: w.product.kefir.sku, kind: 'short', quantity: 6 },
      ]);

      const op = await signedIn(app, w.user.operator.email);
      const arrived = await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, arrival);
      expect(arrived.status, JSON.stringify(arrived.body)).toBe(200);
      // 09:30 on the Moscow wall clock (UTC+3).
      expect(arrived.body).toMatchObject({ status: 'arrived', dock: 'DOCK-01', arrived_at: '2025-01-10T06:30:00.000Z' });
      expect(arrived.body.seal_checks).toEqual([
        { seal: 'S-1001', state: 'intact', note: null },
        { seal: 'S-1002', state: 'intact', note: null },
      ]);
      expect(arrived.body.lines[1].arrival_celsius).toBe(4);

      // Far over the expected 10: refused until confirmed.
      const unconfirmed = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 12 }, { key: key() });
      expect(unconfirmed.status).toBe(409);
      const ean = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 12, confirm_over: true }, { key: key() });
      expect(ean.status, JSON.stringify(ean.body)).toBe(201);
      expect(ean.body).toEqual({
        id: expect.any(String),
        outcome: 'over',
        sku: w.product.widget.sku,
        lot: null,
        expiry: null,
        expected_lot: null,
        serial: null,
        quantity: 12,
        location: 'DOCK-01',
        condition: 'good',
        quarantine_reason: null,
        line: 1,
        expected: 10,
        received: 12,
        damaged: 0,
      });

      // (01) GTIN, (10) lot ended by a GS, (17) expiry; a scanner's ]C1 symbology prefix first.
      const gs1 = `]C101${gtinOf(w.product.kefir.ean)}10L2611${GS}17300531`;
      const kefir = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: gs1, quantity: 4 });
      expect(kefir.status, JSON.stringify(kefir.body)).toBe(201);
      expect(kefir.body).toMatchObject({ outcome: 'received', sku: w.product.kefir.sku, lot: 'L2611', expiry: '2030-05-31', quantity: 4, location: 'DOCK-R1', line: 2, expected: 6, received: 4 });

      const shown = await get(m, `/api/v1/inbound-shipments/${asn.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body.status).toBe('receiving');
      expect(shown.body.lines.map((l: Json) => [l.line, l.received, l.short, l.over])).toEqual([
        [1, 12, 0, 2],
        [2, 4, 2, 0],
      ]);
      expect(shown.body.discrepancies).toEqual([
        { line: 1, sku: w.product.widget.sku, kind: 'over', quantity: 2 },
        { line: 2, sku: w.product.kefir.sku, kind: 'short', quantity: 2 },
      ]);
      expect(shown.body.receipts).toHaveLength(2);
      expect(shown.body.receipts).toContainEqual({
        id: kefir.body.id,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        line: 2,
        sku: w.product.kefir.sku,
        lot: 'L2611',
        expiry: '2030-05-31',
        serial: null,
        sscc: null,
        quantity: 4,
        condition: 'good',
        location: 'DOCK-R1',
        quarantine_reason: null,
      });
      expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 12, reserved: 0 });
      expect(await ledgerOf(asn.id)).toHaveLength(2);
      await ledgerOk();
    });

    it('the same Idempotency-Key twice: one ASN, one ledger entry, identical bodies', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const k = key();
      const body = asnBody(w);
      const first = await post(m, '/api/v1/inbound-shipments', body, { key: k });
      const again = await post(m, '/api/v1/inbound-shipments', body, { key: k });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await db().select().from(inboundShipments).where(eq(inboundShipments.reference, body.reference))).toHaveLength(1);
      // The key is the user's: another user's same key makes another ASN (here: refused as a duplicate reference).
      const other = await signedIn(app, w.user.admin.email);
      const dup = problemOf(await post(other, '/api/v1/inbound-shipments', body, { key: k }), 422);
      expect(dup.errors!.map((e) => e.path)).toEqual(['reference']);
      // The same key with another ASN is a conflict, not a silent replay.
      problemOf(await post(m, '/api/v1/inbound-shipments', { ...body, reference: `API-${uid()}` }, { key: k }), 409);

      const op = await signedIn(app, w.user.operator.email);
      await post(op, `/api/v1/inbound-shipments/${first.body.id}/arrival`, arrival);
      const asn2 = await makeAsn(db(), w);
      await arrive(db(), w, asn2.id);
      const rk = key();
      const r1 = await post(op, `/api/v1/inbound-shipments/${first.body.id}/receipts`, { scan: w.product.widget.ean, quantity: 3 }, { key: rk });
      const before = await fingerprint(w);
      const r2 = await post(op, `/api/v1/inbound-shipments/${first.body.id}/receipts`, { scan: w.product.widget.ean, quantity: 3 }, { key: rk });
      expect(r1.status).toBe(201);
      expect(r2.status).toBe(201);
      expect(r2.body).toEqual(r1.body);
      expect(await fingerprint(w)).toBe(before);
      expect(await ledgerOf(first.body.id)).toHaveLength(1);
      // The same key with another receipt (another quantity, item, or ASN) is refused, not answered with the first.
      for (const [asnId, body] of [
        [first.body.id, { scan: w.product.widget.ean, quantity: 4 }],
        [first.body.id, { sku: w.product.kefir.sku, lot: 'L2611', expiry: '2030-05-31', quantity: 3 }],
        [asn2.id, { scan: w.product.widget.ean, quantity: 3 }],
      ] as const) {
        expect(problemOf(await post(op, `/api/v1/inbound-shipments/${asnId}/receipts`, body, { key: rk }), 409).title, JSON.stringify(body)).toBe('IDEMPOTENCY_KEY_REUSED');
      }
      expect(await fingerprint(w)).toBe(before);
      expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
      // The page's scanner keys are another scope: the same key there is a new scan.
      await scan(db(), w, Number(first.body.id), { scan: w.product.widget.ean, quantity: 1, idempotency_key: rk });
      expect(await ledgerOf(first.body.id)).toHaveLength(2);
      await ledgerOk();
    });

    it('concurrent repeats of one receipt key or putaway key move once and answer alike', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const op = await signedIn(app, w.user.operator.email);
      const k = key();
      const receipts = await Promise.all([1, 2, 3, 4, 5].map(() => post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 4 }, { key: k })));
      expect(receipts.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      for (const r of receipts) expect(r.body).toEqual(receipts[0]!.body);
      expect(await ledgerOf(asn.id)).toHaveLength(1);
      const pk = key();
      const move = { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-2', quantity: 3 };
      const moves = await Promise.all([1, 2, 3, 4, 5].map(() => post(op, '/api/v1/putaways', move, { key: pk })));
      expect(moves.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      for (const r of moves) expect(r.body).toEqual(moves[0]!.body);
      expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 1, reserved: 0 });
      expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
      await ledgerOk();
    });

    it('a receipt without an Idempotency-Key gets a key of its own: two posts are two receipts', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const op = await signedIn(app, w.user.operator.email);
      const a = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { sku: w.product.widget.sku, quantity: 2 });
      const b = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { sku: w.product.widget.sku, quantity: 2 });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
      expect(b.body.received).toBe(4);
      await ledgerOk();
    });

    it('putaway by API moves dock → storage once per key', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const op = await signedIn(app, w.user.operator.email);
      expect((await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 10 })).status).toBe(201);
      const k = key();
      const move = { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 10 };
      const first = await post(op, '/api/v1/putaways', move, { key: k });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toEqual({ id: expect.any(String), sku: w.product.widget.sku, lot: null, expiry: null, quantity: 10, from_location: 'DOCK-01', to_location: 'A-01-01-1' });
      const before = await fingerprint(w);
      const again = await post(op, '/api/v1/putaways', move, { key: k });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await fingerprint(w)).toBe(before);
      // The same key with another putaway (another place, quantity or product) is refused and moves nothing.
      for (const other of [{ to_location: 'A-01-01-2' }, { quantity: 9 }, { sku: w.product.kefir.sku }]) {
        expect(problemOf(await post(op, '/api/v1/putaways', { ...move, ...other }, { key: k }), 409).title, JSON.stringify(other)).toBe('IDEMPOTENCY_KEY_REUSED');
      }
      expect(await fingerprint(w)).toBe(before);
      expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
      expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });
      // Kefir with its lot, into a cold location; more than is at the dock is a 409.
      await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10L2611', quantity: 6 });
      const coldMove = { warehouse: w.warehouse.code, sku: w.product.kefir.ean, lot: 'L2611', from_location: 'DOCK-R1', to_location: 'R-01-01-1', quantity: 6 };
      const ck = key();
      const cold = await post(op, '/api/v1/putaways', coldMove, { key: ck });
      expect(cold.status, JSON.stringify(cold.body)).toBe(201);
      expect(cold.body).toMatchObject({ sku: w.product.kefir.sku, lot: 'L2611', expiry: '2030-05-31', quantity: 6, from_location: 'DOCK-R1', to_location: 'R-01-01-1' });
      // The answer made from what the putaway read equals the one read back from its record.
      expect((await post(op, '/api/v1/putaways', coldMove, { key: ck })).body).toEqual(cold.body);
      const fp = await fingerprint(w);
      problemOf(await post(op, '/api/v1/putaways', { ...move, quantity: 1 }), 409);
      expect(await fingerprint(w)).toBe(fp);
      await ledgerOk();
    });

    it('seller A announces its own goods without naming the seller, as a draft, and submits it', async () => {
      const w = await makeWorld(db());
      const s = await signedIn(app, w.user.sellerA.email);
      const { seller: _seller, ...body } = asnBody(w, { draft: true, transport: { mode: 'sea', container: 'MSCU1234567', seals: 'ML-1, ML-2' } });
      const created = await post(s, '/api/v1/inbound-shipments', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ seller: w.sellerA.code, status: 'draft', transport: { mode: 'sea', container: 'MSCU1234567', seals: ['ML-1', 'ML-2'] } });
      const submitted = await post(s, `/api/v1/inbound-shipments/${created.body.id}/submit`, {});
      expect(submitted.status).toBe(200);
      expect(submitted.body.status).toBe('expected');
      const mine = await get(s, '/api/v1/inbound-shipments');
      expect(mine.body.items.map((i: Json) => i.id)).toEqual([created.body.id]);
      expect(mine.body.items[0]).toMatchObject({ reference: body.reference, status: 'expected', seller: w.sellerA.code, warehouse: w.warehouse.code, line_count: 2, expected: 16, received: 0 });
      // Naming another seller is refused.
      const other = problemOf(await post(s, '/api/v1/inbound-shipments', { ...body, reference: `API-${uid()}`, seller: w.sellerB.code }), 422);
      expect(other.errors!.map((e) => e.path)).toEqual(['seller']);
      // The seller cancels before arrival (empty body).
      const res = await s.request(`/api/v1/inbound-shipments/${created.body.id}/cancel`, { method: 'POST', headers: { 'X-CSRF-Token': s.csrf, Origin: s.origin } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Json).status).toBe('cancelled');
    });

    it('optional fields may be sent as null, as the API answers them', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const body = asnBody(w, {
        eta: null,
        note: null,
        transport: { mode: 'air', tir_carnet: null, vehicle_plate: null, trailer_plate: null, container: null, seals: null },
        lines: [{ sku: w.product.widget.sku, quantity: 3, lot: null, expiry: null }],
      });
      const created = await post(m, '/api/v1/inbound-shipments', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ eta: null, transport: { mode: 'air', seals: [] }, lines: [{ sku: w.product.widget.sku, expected: 3, lot: null }] });
      const op = await signedIn(app, w.user.operator.email);
      const arrived = await post(op, `/api/v1/inbound-shipments/${created.body.id}/arrival`, { arrived_at: null, dock: null, seals: [], temperatures: { chilled: null }, note: null });
      expect(arrived.status, JSON.stringify(arrived.body)).toBe(200);
      const r = await post(op, `/api/v1/inbound-shipments/${created.body.id}/receipts`, { scan: null, sku: w.product.widget.sku, quantity: 3, lot: null, expiry: null, condition: null, temperature_c: null });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ outcome: 'received', condition: 'good', quantity: 3 });
      // null is no value where one is required.
      problemOf(await post(m, '/api/v1/inbound-shipments', { ...body, reference: null }), 422);
      problemOf(await post(op, `/api/v1/inbound-shipments/${created.body.id}/receipts`, { sku: null }), 422);
      await ledgerOk();
    });

    it('goods not on the ASN: finish, a manager accepts the line, then the ASN closes', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.widget.sku, quantity: 2 }] });
      const op = await signedIn(app, w.user.operator.email);
      const m = await signedIn(app, w.user.manager.email);
      expect((await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, { ...arrival, temperatures: { frozen: -20 } })).status).toBe(200);
      const ice = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: `01${gtinOf(w.product.icecream.ean)}17301231` + '10ICE1', quantity: 4 });
      expect(ice.body).toMatchObject({ outcome: 'unexpected', quarantine_reason: 'unexpected', location: 'QUAR-F', line: 2, expected: 0 });
      const hurt = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { sku: w.product.widget.sku, quantity: 1, condition: 'damaged' });
      expect(hurt.body).toMatchObject({ outcome: 'quarantined', condition: 'damaged', quarantine_reason: 'damaged', location: 'QUAR-A', damaged: 1 });
      const finished = await post(op, `/api/v1/inbound-shipments/${asn.id}/finish`, { note: 'truck gone' });
      expect(finished.body.status).toBe('received');
      expect(finished.body.discrepancies).toEqual([
        { line: 1, sku: w.product.widget.sku, kind: 'short', quantity: 1 },
        { line: 1, sku: w.product.widget.sku, kind: 'damaged', quantity: 1 },
        { line: 2, sku: w.product.icecream.sku, kind: 'unexpected', quantity: 4 },
      ]);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/close`, {}), 409);
      // An operator may not decide; a line that is not unexpected, or no line, is 404.
      problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/lines/2/accept`, {}), 403);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/lines/1/accept`, {}), 404);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/lines/9/accept`, {}), 404);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/lines/x/accept`, {}), 404);
      const accepted = await post(m, `/api/v1/inbound-shipments/${asn.id}/lines/2/accept`, {});
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body.lines[1]).toMatchObject({ line: 2, unexpected: true, decision: 'accepted' });
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/lines/2/reject`, {}), 409);
      const closed = await post(m, `/api/v1/inbound-shipments/${asn.id}/close`, {});
      expect(closed.body.status).toBe('closed');
      expect(await balanceOf(db(), w.loc.quarantineFrozen.id, w.product.icecream.id, null)).toEqual({ onHand: 0, reserved: 0 });
      await ledgerOk();
    });

    it('a reading outside the range at arrival shows as a temperature discrepancy', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      const op = await signedIn(app, w.user.operator.email);
      const arrived = await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, { ...arrival, temperatures: { chilled: 11.5 } });
      expect(arrived.body.lines[1]).toMatchObject({ quarantine_reason: 'temperature', arrival_celsius: 11.5 });
      const r = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10L2611', quantity: 2 });
      expect(r.body).toMatchObject({ outcome: 'quarantined', quarantine_reason: 'temperature', location: 'QUAR-R' });
      const shown = await get(op, `/api/v1/inbound-shipments/${asn.id}`);
      expect(shown.body.discrepancies).toContainEqual({ line: 2, sku: w.product.kefir.sku, kind: 'temperature', quantity: 2 });
      await ledgerOk();
    });

    it('the list pages newest first with an opaque cursor and filters by status and due date', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const ids: string[] = [];
      for (const eta of ['2026-01-10', '2026-02-10', '2026-03-10']) ids.push((await post(m, '/api/v1/inbound-shipments', asnBody(w, { eta }))).body.id);
      const seen: string[] = [];
      let cursor: string | null = '';
      for (let guard = 0; cursor !== null && guard < 5; guard++) {
        const page: Answer = await get(m, `/api/v1/inbound-shipments?warehouse=${w.warehouse.code}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((i: Json) => i.id as string));
        cursor = page.body.next_cursor;
      }
      expect(seen).toEqual([...ids].reverse());
      await changeShipmentStatus({ db: db(), user: asUser(w, 'manager'), shipmentId: Number(ids[0]), action: 'cancel' });
      const cancelled = await get(m, `/api/v1/inbound-shipments?warehouse=${w.warehouse.code}&status=cancelled`);
      expect(cancelled.body.items.map((i: Json) => i.id)).toEqual([ids[0]]);
      const due = await get(m, `/api/v1/inbound-shipments?warehouse=${w.warehouse.code}&due_from=2026-02-01&due_to=2026-02-28`);
      expect(due.body).toEqual({ items: [expect.objectContaining({ id: ids[1], eta: '2026-02-10' })], next_cursor: null });
      for (const bad of ['limit=0', 'limit=501', 'cursor=%25%25', 'status=lost', 'due_from=2026-02-30']) {
        problemOf(await get(m, `/api/v1/inbound-shipments?${bad}`), 422);
      }
    });
  });

  describe('errors answer problem+json and move nothing', () => {
    /** An arrived ASN of the world, the operator's client, and the stock fingerprint before. */
    async function atDock() {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const op = await signedIn(app, w.user.operator.email);
      return { w, asn, op, before: await fingerprint(w) };
    }

    it.each([
      ['an unknown barcode', () => ({ scan: nextEan() }), 422, 'scan'],
      ['a bad check digit', (w: World) => ({ scan: w.product.widget.ean.slice(0, 12) + String((Number(w.product.widget.ean[12]) + 1) % 10) }), 422, 'scan'],
      ['an impossible date in (17)', (w: World) => ({ scan: `]C101${gtinOf(w.product.kefir.ean)}17301345` + '10L1' }), 422, 'scan'],
      ['30 February in (17)', (w: World) => ({ scan: `01${gtinOf(w.product.kefir.ean)}17300230` + '10L1' }), 422, 'scan'],
      ['quantity 0', (w: World) => ({ sku: w.product.widget.sku, quantity: 0 }), 422, 'quantity'],
      ['quantity -1', (w: World) => ({ sku: w.product.widget.sku, quantity: -1 }), 422, 'quantity'],
      ['quantity "abc"', (w: World) => ({ sku: w.product.widget.sku, quantity: 'abc' }), 422, 'quantity'],
      ['quantity 1.5', (w: World) => ({ sku: w.product.widget.sku, quantity: 1.5 }), 422, 'quantity'],
      ['quantity an object', (w: World) => ({ sku: w.product.widget.sku, quantity: { n: 1 } }), 422, 'quantity'],
      ['quantity too big', (w: World) => ({ sku: w.product.widget.sku, quantity: 1e12 }), 422, 'quantity'],
      ['neither scan nor sku', () => ({ quantity: 1 }), 422, 'scan'],
      ['scan a number', () => ({ scan: 4601234567890 }), 422, 'scan'],
      ['a huge scan', () => ({ scan: '9'.repeat(100_000) }), 422, 'scan'],
      ['condition unknown', (w: World) => ({ sku: w.product.widget.sku, condition: 'wet' }), 422, 'condition'],
      ['temperature "warm"', (w: World) => ({ sku: w.product.widget.sku, temperature_c: 'warm' }), 422, 'temperature_c'],
      ['lot needed', (w: World) => ({ sku: w.product.kefir.sku }), 422, 'lot'],
      ['another seller’s product', (w: World) => ({ scan: w.product.gadget.ean }), 409, 'scan'],
    ] as const)('a receipt with %s', async (_label, input, status, path) => {
      const { w, asn, op, before } = await atDock();
      const p = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, input(w), { key: key() }), status);
      expect(p.errors?.map((e) => e.path)).toContain(path);
      expect(await fingerprint(w)).toBe(before);
    });

    it.each([
      ['not JSON', '{"scan": '],
      ['a JSON array', '[1, 2]'],
      ['JSON null', 'null'],
      ['a JSON string', '"scan"'],
      ['empty', ''],
    ])('a receipt body that is %s is 400', async (_label, raw) => {
      const { w, asn, op, before } = await atDock();
      const p = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, raw, { raw: true }), 400);
      expect(p.title).toBe('MALFORMED');
      expect(await fingerprint(w)).toBe(before);
    });

    it.each([
      ['too short', 'short'],
      ['too long', 'k'.repeat(101)],
      ['with spaces inside', 'a key with spaces'],
    ])('an Idempotency-Key %s is 422', async (_label, k) => {
      const { w, asn, op, before } = await atDock();
      const p = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }, { key: k }), 422);
      expect(p.errors!.map((e) => e.path)).toEqual(['Idempotency-Key']);
      const m = await signedIn(app, w.user.manager.email);
      problemOf(await post(m, '/api/v1/inbound-shipments', asnBody(w), { key: k }), 422);
      problemOf(await post(op, '/api/v1/putaways', { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 1 }, { key: k }), 422);
      expect(await fingerprint(w)).toBe(before);
    });

    it('receipts on a cancelled ASN are 409, and on an ASN not yet at the dock too', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      const op = await signedIn(app, w.user.operator.email);
      const before = await fingerprint(w);
      const early = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }), 409);
      expect(early.detail).toContain(asn.reference);
      const m = await signedIn(app, w.user.manager.email);
      expect((await post(m, `/api/v1/inbound-shipments/${asn.id}/cancel`, {})).body.status).toBe('cancelled');
      const p = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }), 409);
      expect(p.title).toBe('CONFLICT');
      problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, arrival), 409);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/submit`, {}), 409);
      expect(await fingerprint(w)).toBe(before);
    });

    it('an ASN with another seller’s SKU is 422 naming the line', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const before = await fingerprint(w);
      const body = asnBody(w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }, { sku: w.product.gadget.sku, quantity: 2 }] });
      const p = problemOf(await post(m, '/api/v1/inbound-shipments', body), 422);
      expect(p.errors).toEqual([{ path: 'lines.1.sku', message: expect.stringContaining(w.product.gadget.sku) }]);
      const s = await signedIn(app, w.user.sellerA.email);
      const own = problemOf(await post(s, '/api/v1/inbound-shipments', { ...body, seller: undefined }), 422);
      expect(own.errors!.map((e) => e.path)).toEqual(['lines.1.sku']);
      expect(await db().select().from(inboundShipments).where(eq(inboundShipments.reference, body.reference))).toEqual([]);
      expect(await fingerprint(w)).toBe(before);
    });

    it.each([
      ['lines not an array', { lines: 'widget x 10' }, 'lines'],
      ['no lines', { lines: [] }, 'lines'],
      ['seals as a number', { transport: { mode: 'rail', seals: 12345 } }, 'transport.seals'],
      ['an unknown transport mode', { transport: { mode: 'camel' } }, 'transport.mode'],
      ['no transport', { transport: undefined }, 'transport'],
      ['a huge reference', { reference: 'R'.repeat(1_000_000) }, 'reference'],
      ['quantity "abc" on a line', { lines: [{ sku: 'X', quantity: 'abc' }] }, 'lines.0.quantity'],
      ['an impossible ETA', { eta: '2026-02-30' }, 'eta'],
      ['draft "yes"', { draft: 'yes' }, 'draft'],
      ['an unknown warehouse', { warehouse: 'NOPE' }, 'warehouse'],
    ])('an ASN with %s is 422', async (_label, extra, path) => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const p = problemOf(await post(m, '/api/v1/inbound-shipments', asnBody(w, extra)), 422);
      expect(p.errors!.map((e) => e.path)).toContain(path);
    });

    it('text the database cannot store and malformed JSON are 400, never 500', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      // A NUL in the reference is refused as a value (references are printable); in a note, by the database.
      problemOf(await post(m, '/api/v1/inbound-shipments', asnBody(w, { reference: 'A\u0000B' })), 422);
      problemOf(await post(m, '/api/v1/inbound-shipments', asnBody(w, { note: 'A\u0000B' })), 400);
      problemOf(await post(m, '/api/v1/inbound-shipments', '{"warehouse": "W", ', { raw: true }), 400);
      problemOf(await post(m, '/api/v1/inbound-shipments', '[]', { raw: true }), 400);
      problemOf(await post(m, '/api/v1/putaways', 'quantity=1', { raw: true }), 400);
      // Deep nesting is refused by the schema, not by a stack overflow.
      const deep = '['.repeat(50_000) + ']'.repeat(50_000);
      problemOf(await post(m, '/api/v1/inbound-shipments', `{"lines": ${deep}, "transport": {"seals": ${deep}}}`, { raw: true }), 422);
      problemOf(await post(m, '/api/v1/putaways', `{"sku": ${deep}}`, { raw: true }), 422);
      const asn = await makeAsn(db(), w);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/arrival`, '{', { raw: true }), 400);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/arrival`, { seals: 5 }), 422);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/arrival`, { temperatures: { chilled: 'cold' } }), 422);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/arrival`, { temperatures: [4] }), 422);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/cancel`, { note: 42 }), 422);
      problemOf(await post(m, `/api/v1/inbound-shipments/${asn.id}/cancel`, { note: 'x'.repeat(501) }), 422);
    });

    it('an arrival without a seal the ASN names, or at a location that is no dock, is 422 and changes nothing', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      const op = await signedIn(app, w.user.operator.email);
      const p = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, { ...arrival, seals: [{ seal: 'S-1001', state: 'intact' }] }), 422);
      expect(p.errors!.map((e) => e.path)).toEqual(['seals.1.state']);
      const q = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, { ...arrival, dock: 'A-01-01-1' }), 422);
      expect(q.errors!.map((e) => e.path)).toEqual(['dock']);
      expect((await get(op, `/api/v1/inbound-shipments/${asn.id}`)).body.status).toBe('expected');
    });

    it('a putaway of another seller’s or an unknown product, from a storage location, or to the dock, is refused', async () => {
      const { w, op, before } = await atDock();
      const base = { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 1 };
      expect(problemOf(await post(op, '/api/v1/putaways', { ...base, sku: 'NOPE' }), 422).errors!.map((e) => e.path)).toEqual(['sku']);
      expect(problemOf(await post(op, '/api/v1/putaways', { ...base, from_location: 'A-01-01-2' }), 422).errors!.map((e) => e.path)).toEqual(['from_location']);
      expect(problemOf(await post(op, '/api/v1/putaways', { ...base, to_location: 'DOCK-R1' }), 422).errors!.map((e) => e.path)).toEqual(['to_location']);
      expect(problemOf(await post(op, '/api/v1/putaways', { ...base, quantity: 'abc' }), 422).errors!.map((e) => e.path)).toEqual(['quantity']);
      problemOf(await post(op, '/api/v1/putaways', { ...base, quantity: 1 }), 409);
      expect(await fingerprint(w)).toBe(before);
    });

    it('a receipt whose lot is a label of another item, a broken label or longer than a lot may be is 422 on the lot, saying why (the operator reads Russian); a good label there is the scan', async () => {
      const { w, asn, op, before } = await atDock();
      const gtin = gtinOf(w.product.kefir.ean);
      const refused = async (body: Record<string, unknown>) => problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.kefir.ean, ...body }, { key: key() }), 422).errors!;
      expect(await refused({ lot: `01${gtinOf(w.product.widget.ean)}17300531` + '10L2611' })).toEqual([{ path: 'lot', message: `Эта этикетка — товара ${w.product.widget.sku}, а отсканирован ${w.product.kefir.sku}: отсканируйте этикетку этой коробки.` }]);
      expect((await refused({ lot: `01${gtin}17300230` + '10L2611' }))[0]!.path).toBe('lot');
      expect(await refused({ lot: 'X'.repeat(41) })).toEqual([{ path: 'lot', message: 'Не более 40 символов.' }]);
      expect((await refused({ expiry: 'next week' }))[0]!.path).toBe('expiry');
      expect(await refused({ quantity: 100_001 })).toEqual([{ path: 'quantity', message: 'Количество должно быть целым числом от 1 до 100000.' }]);
      expect(await fingerprint(w)).toBe(before);
      // The label carries a 20-character lot: 46 characters in all, read as the scan.
      const r = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.kefir.ean, lot: `01${gtin}17300531` + '10L2611-A-000000000001' }, { key: key() });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ sku: w.product.kefir.sku, lot: 'L2611-A-000000000001', expiry: '2030-05-31', quantity: 1, expected_lot: 'L2611' });
      // The ASN's own lot: nothing to flag.
      const own = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: `01${gtin}17300531` + '10L2611' }, { key: key() });
      expect(own.body).toMatchObject({ lot: 'L2611', expected_lot: null });
    });
  });

  describe('security', () => {
    it('seller B cannot see seller A’s ASN: 404, and the list never shows it', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      const b = await signedIn(app, w.user.sellerB.email);
      const p = problemOf(await get(b, `/api/v1/inbound-shipments/${asn.id}`), 404);
      const missing = problemOf(await get(b, '/api/v1/inbound-shipments/2147483000'), 404);
      expect(p).toEqual(missing);
      const list = await get(b, '/api/v1/inbound-shipments?limit=500');
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: Json) => i.id)).not.toContain(String(asn.id));
      expect((await get(b, `/api/v1/inbound-shipments?seller=${w.sellerA.code}`)).body.items).toEqual([]);
      // Nor act on it: 404 before anything else.
      const before = await fingerprint(w);
      problemOf(await post(b, `/api/v1/inbound-shipments/${asn.id}/cancel`, {}), 404);
      problemOf(await post(b, `/api/v1/inbound-shipments/${asn.id}/submit`, {}), 404);
      expect(await fingerprint(w)).toBe(before);
      expect((await db().select().from(inboundShipments).where(eq(inboundShipments.id, asn.id)))[0]!.status).toBe('expected');
    });

    it('seller A reads its own ASN but may not receive on it: 403', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const a = await signedIn(app, w.user.sellerA.email);
      const own = await get(a, `/api/v1/inbound-shipments/${asn.id}`);
      expect(own.status).toBe(200);
      expect(own.body.reference).toBe(asn.reference);
      const before = await fingerprint(w);
      const p = problemOf(await post(a, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }), 403);
      expect(p.title).toBe('FORBIDDEN');
      problemOf(await post(a, `/api/v1/inbound-shipments/${asn.id}/finish`, {}), 403);
      // After arrival the seller may not cancel either.
      problemOf(await post(a, `/api/v1/inbound-shipments/${asn.id}/cancel`, {}), 403);
      // A seller does no putaways: the role may not.
      problemOf(await post(a, '/api/v1/putaways', { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 1 }), 403);
      expect(await fingerprint(w)).toBe(before);
    });

    it('an operator of another warehouse gets 404 for the ASN and cannot receive on it', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const o = await signedIn(app, w.user.operatorOther.email);
      problemOf(await get(o, `/api/v1/inbound-shipments/${asn.id}`), 404);
      expect((await get(o, `/api/v1/inbound-shipments?warehouse=${w.warehouse.code}`)).body.items).toEqual([]);
      const before = await fingerprint(w);
      problemOf(await post(o, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }), 404);
      problemOf(await post(o, `/api/v1/inbound-shipments/${asn.id}/finish`, {}), 404);
      problemOf(await post(o, '/api/v1/putaways', { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 1 }), 422);
      expect(await fingerprint(w)).toBe(before);
    });

    it('ids that are not ids are 404', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      for (const id of ['abc', '-1', '0', '1.5', '99999999999', '2147483648', '1e3', '%20']) {
        problemOf(await get(m, `/api/v1/inbound-shipments/${id}`), 404);
        problemOf(await post(m, `/api/v1/inbound-shipments/${id}/receipts`, { sku: w.product.widget.sku }), 404);
      }
    });

    it('anonymous callers get 401, for reads and for posts', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      const anon = new Client(app);
      problemOf(await get(anon, '/api/v1/inbound-shipments'), 401);
      problemOf(await get(anon, `/api/v1/inbound-shipments/${asn.id}`), 401);
      await anon.get('/login'); // the visitor's CSRF token
      expect(anon.csrf).not.toBe('');
      const before = await fingerprint(w);
      problemOf(await post(anon, '/api/v1/inbound-shipments', asnBody(w)), 401);
      problemOf(await post(anon, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }), 401);
      problemOf(await post(anon, '/api/v1/putaways', {}), 401);
      expect(await fingerprint(w)).toBe(before);
    });

    it('a POST from a cookie session without X-CSRF-Token is 403 and moves nothing', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const op = await signedIn(app, w.user.operator.email);
      const before = await fingerprint(w);
      const p = problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean }, { csrf: false }), 403);
      expect(p.title).toBe('CSRF_FAILED');
      const m = await signedIn(app, w.user.manager.email);
      const body = asnBody(w);
      problemOf(await post(m, '/api/v1/inbound-shipments', body, { csrf: false }), 403);
      expect(await db().select().from(inboundShipments).where(eq(inboundShipments.reference, body.reference))).toEqual([]);
      // A cross-site origin is refused even with the token.
      const res = await op.request(`/api/v1/inbound-shipments/${asn.id}/receipts`, {
        method: 'POST',
        body: JSON.stringify({ scan: w.product.widget.ean }),
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': op.csrf, Origin: 'https://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(await fingerprint(w)).toBe(before);
    });
  });

  describe('repeats, races and impossible times', () => {
    // API.md: "a repeat with the same key returns the first response" — even after other scans.
    it('a repeated receipt after another scan still answers the first response', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      await arrive(db(), w, asn.id);
      const op = await signedIn(app, w.user.operator.email);
      const k = key();
      const first = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 9 }, { key: k });
      expect(first.body).toMatchObject({ outcome: 'received', received: 9 });
      await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 2 });
      const again = await post(op, `/api/v1/inbound-shipments/${asn.id}/receipts`, { scan: w.product.widget.ean, quantity: 9 }, { key: k });
      expect(again.body).toEqual(first.body);
    });

    // PGlite runs one transaction at a time, so only PostgreSQL can show this race.
    (backend === 'postgres' ? it : it.skip)('concurrent repeats of one Idempotency-Key all answer the same ASN', async () => {
      const w = await makeWorld(db());
      const m = await signedIn(app, w.user.manager.email);
      const body = asnBody(w);
      const k = key();
      const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => post(m, '/api/v1/inbound-shipments', body, { key: k })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    });

    it('an arrival time that does not exist is 422', async () => {
      const w = await makeWorld(db());
      const asn = await makeAsn(db(), w);
      const op = await signedIn(app, w.user.operator.email);
      problemOf(await post(op, `/api/v1/inbound-shipments/${asn.id}/arrival`, { ...arrival, arrived_at: '2025-02-30T25:61' }), 422);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { inboundEvents, ledgerEntries, lots, productBarcodes, products } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { gtinCheckDigit } from '../../src/barcodes/gs1.ts';
import { changeShipmentStatus } from '../../src/inbound/change-status.ts';
import { decideUnexpectedLine } from '../../src/inbound/decide-line.ts';
import { receiveItem } from '../../src/inbound/receive-item.ts';
import { putAway, suggestPutaway } from '../../src/inbound/putaway.ts';
import { getShipment } from '../../src/inbound/queries.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { balanceOf, stockFingerprint } from '../helpers/counts.ts';
import { asUser, makeWorld, nextEan, stock, uid } from '../helpers/world.ts';
import { GS, arrive, gtinOf, key, makeAsn, scan } from '../helpers/inbound.ts';

const all = { sellerId: null, warehouseIds: null };

describe.each(backends)('inbound receiving on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;
  const ledgerOk = async () => expect((await verifyLedger(db())).problems).toEqual([]);

  it('an ASN goes draft → expected → arrived → receiving → received → closed, each step recorded', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { draft: true });
    expect(asn.status).toBe('draft');
    await changeShipmentStatus({ db: db(), user: asUser(w, 'sellerA'), shipmentId: asn.id, action: 'submit' });
    await arrive(db(), w, asn.id);
    await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 10 });
    await changeShipmentStatus({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, action: 'finishReceiving' });
    await changeShipmentStatus({ db: db(), user: asUser(w, 'manager'), shipmentId: asn.id, action: 'close' });
    const events = await db().select().from(inboundEvents).where(eq(inboundEvents.shipmentId, asn.id));
    expect(events.map((e) => e.toStatus)).toEqual(['draft', 'expected', 'arrived', 'receiving', 'received', 'closed']);
    const detail = await getShipment(db(), all, asn.id);
    expect(detail!.lines.map((l) => [l.received, l.short, l.over])).toEqual([
      [10, 0, 0],
      [0, 6, 0],
    ]);
    await ledgerOk();
  });

  it('a plain EAN-13 scan moves supplier → dock in one ledger entry that points at the ASN', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const r = await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 3 });
    expect(r).toMatchObject({ outcome: 'received', sku: w.product.widget.sku, quantity: 3, location: 'DOCK-01', expected: 10, received: 3 });
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 3, reserved: 0 });
    const [entry] = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'inbound'), eq(ledgerEntries.documentId, String(asn.id))));
    expect(entry).toMatchObject({ reason: 'receipt', fromLocationId: w.loc.supplier.id, toLocationId: w.loc.dock.id, quantity: 3 });
    await ledgerOk();
  });

  it('a GS1-128 scan with symbology prefix and GS fills lot and expiry; cold goods go to the cold dock', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const raw = `]C101${gtinOf(w.product.kefir.ean)}17300531` + `10L2611${GS}37` + '6';
    const r = await scan(db(), w, asn.id, { scan: raw });
    expect(r).toMatchObject({ outcome: 'received', lot: 'L2611', expiry: '2030-05-31', quantity: 6, location: 'DOCK-R1', lineNo: 2, received: 6 });
    const [lot] = await db().select().from(lots).where(and(eq(lots.productId, w.product.kefir.id), eq(lots.code, 'L2611')));
    expect(lot!.expiresOn).toBe('2030-05-31');
    expect(await balanceOf(db(), w.loc.dockChilled.id, w.product.kefir.id, lot!.id)).toEqual({ onHand: 6, reserved: 0 });
    await ledgerOk();
  });

  it('day 00 in an expiry date means the last day of the month; the DataMatrix prefix ]d2 works too', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const r = await scan(db(), w, asn.id, { scan: `]d201${gtinOf(w.product.kefir.ean)}17280200` + `10LEAP` });
    expect(r.expiry).toBe('2028-02-29');
    expect(r.lot).toBe('LEAP');
  });

  it('a case barcode receives quantity × units per case; a marketplace barcode names the product too', async () => {
    const w = await makeWorld(db());
    const caseCode = '1' + nextEan().slice(0, 12);
    const digits = caseCode.split('').map(Number);
    const check = (10 - (digits.reduce((s, d, i) => s + d * (i % 2 ? 1 : 3), 0) % 10)) % 10;
    const gtin14 = caseCode + check;
    const ozon = `OZN${uid()}`;
    await db().insert(productBarcodes).values([
      { productId: w.product.widget.id, sellerId: w.sellerA.id, code: gtin14, kind: 'gtin14', units: 12 },
      { productId: w.product.widget.id, sellerId: w.sellerA.id, code: ozon, kind: 'marketplace' },
    ]);
    const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.widget.sku, quantity: 30 }] });
    await arrive(db(), w, asn.id);
    expect((await scan(db(), w, asn.id, { scan: gtin14, quantity: 2 })).quantity).toBe(24);
    expect((await scan(db(), w, asn.id, { scan: ozon })).quantity).toBe(1);
    const last = await scan(db(), w, asn.id, { scan: `]E0${w.product.widget.ean}`, quantity: 6 });
    expect(last).toMatchObject({ outcome: 'over', received: 31, expected: 30 });
    await ledgerOk();
  });

  it('a pallet label (00) SSCC + (02) content GTIN + (37) count receives the count', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const sscc = '34601234567890123' + gtinCheckDigit('34601234567890123');
    const r = await scan(db(), w, asn.id, { scan: `(00)${sscc}(02)${gtinOf(w.product.widget.ean)}(37)8` });
    expect(r.quantity).toBe(8);
    const detail = await getShipment(db(), all, asn.id);
    expect(detail!.lines[0]!.received).toBe(8);
  });

  it('a Chestny ZNAK code keeps its serial; the same marked item cannot be received twice', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const serial = `5${uid()}ABCD`.slice(0, 13);
    const cz = `01${gtinOf(w.product.widget.ean)}21${serial}${GS}91EE07${GS}92${'A'.repeat(44)}`;
    const r = await scan(db(), w, asn.id, { scan: cz, quantity: 5 });
    expect(r).toMatchObject({ serial, quantity: 1 });
    const again = await scan(db(), w, asn.id, { scan: cz }).catch((e: unknown) => e);
    expect(String((again as Error).message)).toContain('serialReceived');
    await ledgerOk();
  });

  it('the same idempotency key twice moves once and answers the first receipt', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const k = key();
    const input = { scan: w.product.widget.ean, quantity: 2, idempotency_key: k };
    const first = await receiveItem({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, input });
    const second = await receiveItem({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, input });
    expect(second).toMatchObject({ receiptId: first.receiptId, replayed: true, quantity: 2 });
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 2, reserved: 0 });
    await ledgerOk();
  });

  it('a reading outside the class range at arrival sends those lines to quarantine, with the reading', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    const arrival = await arrive(db(), w, asn.id, { chilled: 11.5 });
    expect(arrival.quarantinedLines).toBe(1);
    const r = await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10L2611', quantity: 2 });
    expect(r).toMatchObject({ outcome: 'quarantined', quarantineReason: 'temperature', location: 'QUAR-R' });
    const ambient = await scan(db(), w, asn.id, { scan: w.product.widget.ean });
    expect(ambient.outcome).toBe('received');
    const detail = await getShipment(db(), all, asn.id);
    expect(detail!.lines[1]).toMatchObject({ quarantineReason: 'temperature', arrivalCelsius: 11.5 });
    expect(detail!.lines[1]!.quarantineNote).toContain('11.5');
    await ledgerOk();
  });

  it('damaged units go to quarantine and count as damaged; expired goods go to quarantine too', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const d = await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 2, condition: 'damaged' });
    expect(d).toMatchObject({ outcome: 'quarantined', quarantineReason: 'damaged', location: 'QUAR-A', damaged: 2, received: 0 });
    const old = await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17200131` + '10OLD' });
    expect(old).toMatchObject({ outcome: 'quarantined', quarantineReason: 'expired' });
    const detail = await getShipment(db(), all, asn.id);
    expect(detail!.lines[0]).toMatchObject({ received: 0, damaged: 2, short: 8 });
    await ledgerOk();
  });

  it('a product not on the ASN waits in quarantine; the ASN closes only after a manager decides', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
    await arrive(db(), w, asn.id);
    const r = await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.icecream.ean)}17301231` + '10ICE1', quantity: 4 });
    expect(r).toMatchObject({ outcome: 'unexpected', location: 'QUAR-F', lineNo: 2, expected: 0 });
    await changeShipmentStatus({ db: db(), user: asUser(w, 'operator'), shipmentId: asn.id, action: 'finishReceiving' });
    const blocked = await changeShipmentStatus({ db: db(), user: asUser(w, 'manager'), shipmentId: asn.id, action: 'close' }).catch((e: unknown) => e);
    expect((blocked as { code: string }).code).toBe('CONFLICT');
    const detail = await getShipment(db(), all, asn.id);
    const line = detail!.lines.find((l) => l.unexpected)!;
    const { moved } = await decideUnexpectedLine({ db: db(), user: asUser(w, 'manager'), shipmentId: asn.id, lineId: line.id, decision: 'accepted' });
    expect(moved).toBe(4);
    const [lot] = await db().select().from(lots).where(and(eq(lots.productId, w.product.icecream.id), eq(lots.code, 'ICE1')));
    expect(await balanceOf(db(), w.loc.dockFrozen.id, w.product.icecream.id, lot!.id)).toEqual({ onHand: 4, reserved: 0 });
    expect(await balanceOf(db(), w.loc.quarantineFrozen.id, w.product.icecream.id, lot!.id)).toEqual({ onHand: 0, reserved: 0 });
    const closed = await changeShipmentStatus({ db: db(), user: asUser(w, 'manager'), shipmentId: asn.id, action: 'close' });
    expect(closed.status).toBe('closed');
    await ledgerOk();
  });

  it('rejected goods go back to the supplier and further scans of them are refused', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.widget.sku, quantity: 1 }] });
    await arrive(db(), w, asn.id);
    await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10X1', quantity: 3 });
    const detail = await getShipment(db(), all, asn.id);
    const line = detail!.lines.find((l) => l.unexpected)!;
    await decideUnexpectedLine({ db: db(), user: asUser(w, 'manager'), shipmentId: asn.id, lineId: line.id, decision: 'rejected' });
    const again = await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10X1' }).catch((e: unknown) => e);
    expect((again as { key: string }).key).toBe('inbound.error.rejectedProduct');
    const returned = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentId, String(asn.id)), eq(ledgerEntries.reason, 'return')));
    expect(returned).toHaveLength(1);
    await ledgerOk();
  });

  it('putaway suggests where the same lot is, else the nearest empty location of the class with room', async () => {
    const w = await makeWorld(db());
    const [kefirLot] = await db().insert(lots).values({ productId: w.product.kefir.id, code: 'PUT1', expiresOn: '2030-01-01' }).returning();
    await stock(db(), w, [
      { productId: w.product.kefir.id, lotId: kefirLot!.id, locationId: w.loc.chilled2.id, quantity: 2 },
      { productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 30 },
    ]);
    const base = { warehouseId: w.warehouse.id, quantity: 5 };
    expect((await suggestPutaway(db(), { ...base, productId: w.product.kefir.id, lotId: kefirLot!.id, productClass: 'chilled' }))!.code).toBe('R-01-01-2');
    // A widget: the ambient storage location first in walking order; never a cold slot.
    const s1 = await suggestPutaway(db(), { ...base, productId: w.product.widget.id, lotId: null, productClass: 'ambient' });
    expect(s1!.code).toBe('A-01-01-1');
    const s2 = await suggestPutaway(db(), { ...base, productId: w.product.widget.id, lotId: null, productClass: 'ambient', exclude: [s1!.locationId] });
    expect(s2!.code).toBe('A-01-01-2');
    // The frozen ice cream never goes to an ambient or chilled slot.
    expect((await suggestPutaway(db(), { ...base, productId: w.product.icecream.id, lotId: w.lot.ice.id, productClass: 'frozen' }))!.code).toBe('F-01-01-1');

    const done = await putAway({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', suggested: 'A-01-01-1', quantity: 30, idempotency_key: key() } });
    expect(done).toMatchObject({ to: 'A-01-01-1', quantity: 30, replayed: false });
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 30, reserved: 0 });
    const [entry] = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.documentType, 'putaway'), eq(ledgerEntries.documentId, String(done.putawayId))));
    expect(entry!.reason).toBe('putaway');
    await ledgerOk();
  });

  it('putaway respects capacity: the suggestion is what fits, a bigger putaway is refused', async () => {
    const w = await makeWorld(db());
    const { locations } = await import('../../src/db/schema/index.ts');
    await db().update(locations).set({ capacity: 10 }).where(eq(locations.id, w.loc.a1.id));
    await stock(db(), w, [
      { productId: w.product.gadget.id, locationId: w.loc.a1.id, quantity: 4 },
      { productId: w.product.widget.id, locationId: w.loc.dock.id, quantity: 20 },
    ]);
    const s = await suggestPutaway(db(), { warehouseId: w.warehouse.id, productId: w.product.widget.id, lotId: null, productClass: 'ambient', quantity: 20 });
    expect(s).toMatchObject({ code: 'A-01-01-1', quantity: 6 });
    const err = await putAway({ db: db(), user: asUser(w, 'operator'), input: { warehouse: w.warehouse.code, sku: w.product.widget.sku, from_location: 'DOCK-01', to_location: 'A-01-01-1', quantity: 7, idempotency_key: key() } }).catch((e: unknown) => e);
    expect((err as { key: string }).key).toBe('putaway.error.noRoom');
    await ledgerOk();
  });

  it('an ASN is cancelled before receiving starts, never after', async () => {
    const w = await makeWorld(db());
    const a = await makeAsn(db(), w);
    expect((await changeShipmentStatus({ db: db(), user: asUser(w, 'sellerA'), shipmentId: a.id, action: 'cancel' })).status).toBe('cancelled');
    const b = await makeAsn(db(), w);
    await arrive(db(), w, b.id);
    await scan(db(), w, b.id, { scan: w.product.widget.ean });
    const err = await changeShipmentStatus({ db: db(), user: asUser(w, 'manager'), shipmentId: b.id, action: 'cancel' }).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('CONFLICT');
  });

  it('a product scanned without the lot it needs asks for it, prefilled from the ASN', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const err = (await scan(db(), w, asn.id, { scan: w.product.kefir.ean }).catch((e: unknown) => e)) as { fieldErrors: { path: string; params: Record<string, string> }[] };
    expect(err.fieldErrors.map((f) => f.path)).toEqual(['lot', 'expiry']);
    expect(err.fieldErrors[0]!.params.suggested).toBe('L2611');
    const ok = await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: 'L2611', expiry: '2030-05-31', quantity: 2 });
    expect(ok).toMatchObject({ lot: 'L2611', expiry: '2030-05-31', quantity: 2 });
    const [p] = await db().select().from(products).where(eq(products.id, w.product.kefir.id));
    expect(p!.tracksLot).toBe(true);
    await ledgerOk();
  });
  it('a GS1 label scanned into the lot field is taken as the scan; a known lot brings its expiry', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const gs1 = `]C101${gtinOf(w.product.kefir.ean)}17300531` + '10L2611';
    const r = await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: gs1, quantity: 2 });
    expect(r).toMatchObject({ lot: 'L2611', expiry: '2030-05-31', quantity: 2 });
    // The lot is known now: its code alone is enough.
    const again = await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: 'L2611', quantity: 1 });
    expect(again).toMatchObject({ lot: 'L2611', expiry: '2030-05-31' });
    const bad = await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: '4600000000000' }).catch((e: unknown) => e);
    expect((bad as { key: string }).key).toBe('inbound.error.lotIsBarcode');
    await ledgerOk();
  });

  it('far more than expected must be confirmed; a little over is flagged', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    expect((await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 11 })).outcome).toBe('over');
    const refused = await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 5 }).catch((e: unknown) => e);
    expect((refused as { key: string }).key).toBe('inbound.error.confirmOver');
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 11, reserved: 0 });
    expect((await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 5, confirm_over: true })).received).toBe(16);
    await ledgerOk();
  });

  it('a case label scanned into the lot or expiry field is the scan, with or without GS; a label of another item and what is no lot are refused', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const gtin = gtinOf(w.product.kefir.ean);
    const refusal = async (input: Record<string, unknown>) => (await scan(db(), w, asn.id, { scan: w.product.kefir.ean, ...input }).catch((e: unknown) => e)) as { key: string; fieldErrors: { path: string; key: string; params?: Record<string, unknown> }[] };
    // As a scanner without symbology identifier types it: (01)(17)(10), no separators.
    expect(await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: `01${gtin}17300531` + '10L2611', quantity: 2 })).toMatchObject({ lot: 'L2611', expiry: '2030-05-31', quantity: 2 });
    // (10) first, closed by a GS, then (17); the date typed is the label's.
    expect(await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: `01${gtin}10L2611${GS}17300531`, expiry: '2030-05-31' })).toMatchObject({ lot: 'L2611', expiry: '2030-05-31' });
    // The human-readable form, as typed from the carton.
    expect(await scan(db(), w, asn.id, { scan: w.product.kefir.ean, lot: `(01)${gtin}(17)300531(10)L2611` })).toMatchObject({ lot: 'L2611', expiry: '2030-05-31' });
    // Into the expiry field, and a lot longer than 40 characters would allow with it.
    const longLot = 'L2611-A-000000000001';
    expect(await scan(db(), w, asn.id, { scan: w.product.kefir.ean, expiry: `]C101${gtin}17300531` + `10${longLot}${GS}` })).toMatchObject({ lot: longLot, expiry: '2030-05-31' });
    const before = await stockFingerprint(db(), [w.warehouse.id]);

    // The label of another of the seller's products: refused on the lot field, naming both.
    const widgetLabel = await refusal({ lot: `01${gtinOf(w.product.widget.ean)}17300531` + '10L2611' });
    expect(widgetLabel.fieldErrors[0]).toMatchObject({ path: 'lot', key: 'inbound.error.labelOtherProduct', params: { label: w.product.widget.sku, scanned: w.product.kefir.sku } });
    // A wrong GTIN check digit, or 30 February, in the lot field: the parser's reason, on the field.
    const badGtin = gtin.slice(0, 13) + ((Number(gtin[13]) + 1) % 10);
    expect((await refusal({ lot: `01${badGtin}17300531` + '10L2611' })).fieldErrors[0]).toMatchObject({ path: 'lot', key: 'scan.BAD_CHECK_DIGIT' });
    expect((await refusal({ lot: `01${gtin}17300230` + '10L2611' })).fieldErrors[0]).toMatchObject({ path: 'lot', key: 'scan.BAD_DATE' });
    // Longer than a lot may be, and no label: refused, naming the limit.
    expect((await refusal({ lot: 'L'.repeat(41) })).fieldErrors[0]).toMatchObject({ path: 'lot', key: 'error.tooLong', params: { max: 40 } });
    expect((await refusal({ expiry: '2030-02-30' })).fieldErrors[0]).toMatchObject({ path: 'expiry', key: 'inbound.error.badDate' });
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
    // None of them became a lot.
    const codes = (await db().select({ code: lots.code }).from(lots).where(eq(lots.productId, w.product.kefir.id))).map((l) => l.code);
    expect(codes.filter((c) => c.length > 20 || /^0[0-3]\d{14}/.test(c))).toEqual([]);
    await ledgerOk();
  });

  it('a lot other than the one the ASN names is received and flagged with the lot it expects', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const r = await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10WRONGLOT', quantity: 2 });
    expect(r).toMatchObject({ outcome: 'received', lot: 'WRONGLOT', expectedLot: 'L2611', lineNo: 2, received: 2 });
    // The ASN's own lot, and a product whose line names no lot: nothing to flag.
    expect((await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10L2611' })).expectedLot).toBeNull();
    expect((await scan(db(), w, asn.id, { scan: w.product.widget.ean })).expectedLot).toBeNull();
    await ledgerOk();
  });

  it('an invalid GS1 scan says why: a wrong GTIN check digit, a day that does not exist; too many at once names the most', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const gtin = gtinOf(w.product.kefir.ean);
    const badGtin = gtin.slice(0, 13) + ((Number(gtin[13]) + 1) % 10);
    const refusal = async (input: Record<string, unknown>) => (await scan(db(), w, asn.id, input).catch((e: unknown) => e)) as { fieldErrors: { path: string; key: string; params?: Record<string, unknown> }[] };
    expect((await refusal({ scan: `01${badGtin}17300531` + '10L2611' })).fieldErrors[0]).toMatchObject({ path: 'scan', key: 'scan.BAD_CHECK_DIGIT', params: { field: '(01)', expected: gtin[13] } });
    expect((await refusal({ scan: `01${gtin}17270230` + '10L2611' })).fieldErrors[0]).toMatchObject({ path: 'scan', key: 'scan.BAD_DATE', params: { field: '(17)', found: '270230' } });
    for (const quantity of ['1000000', '99999999']) {
      expect((await refusal({ scan: w.product.widget.ean, quantity })).fieldErrors[0]).toMatchObject({ path: 'quantity', key: 'inbound.error.quantityAtMost', params: { max: 100_000 } });
    }
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
  });
});

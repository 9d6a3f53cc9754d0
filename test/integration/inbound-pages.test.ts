import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { inboundShipments } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/stock/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { stockFingerprint, balanceOf } from '../helpers/counts.ts';
import { makeWorld, uid, type World } from '../helpers/world.ts';
import { GS, arrive, gtinOf, makeAsn, scan } from '../helpers/inbound.ts';
import { postForm } from '../helpers/api.ts';


const asnForm = (w: World, reference: string, lines: [string, string, string?, string?][], extra: [string, string][] = []): [string, string][] => [
  ['reference', reference],
  ['warehouse', w.warehouse.code],
  ['eta', '2026-12-05'],
  ['mode', 'road_tir'],
  ['tir_carnet', 'XC11223344'],
  ['vehicle_plate', 'A777AA77'],
  ['seals', 'S-1, S-2'],
  ...lines.flatMap(([sku, qty, lot, exp]): [string, string][] => [
    ['line_sku', sku],
    ['line_quantity', qty],
    ['line_lot', lot ?? ''],
    ['line_expiry', exp ?? ''],
  ]),
  ...extra,
];

describe.each(backends)('inbound pages on %s', (backend) => {
  let database: Database;
  let app: App;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
  });
  afterAll(async () => {
    expect((await verifyLedger(database.db)).problems).toEqual([]);
    await database.close();
  });
  const db = () => database.db;

  it('a manager creates an ASN on the page: blank rows are skipped, the detail page shows it', async () => {
    const w = await makeWorld(db());
    const m = await signedIn(app, w.user.manager.email);
    expect((await m.get('/inbound/new')).status).toBe(200);
    const ref = `TIR-${uid()}`;
    const res = await postForm(m, '/inbound', asnForm(w, ref, [[w.product.widget.sku, '12'], ['', ''], [w.product.kefir.sku, '5', 'K1', '2030-01-31']], [['seller', w.sellerA.code], ['intent', 'submit']]));
    expect(res.status).toBe(303);
    const page = await m.get(res.headers.get('location')!);
    const html = await page.text();
    expect(html).toContain(ref);
    expect(html).toContain(w.product.kefir.sku);
    expect(html).toContain('XC11223344');
    expect(html).toContain('Expected');
    const list = await (await m.get(`/inbound?q=${ref}`, { htmx: true })).text();
    expect(list).toContain(ref);
    expect(list).not.toContain('<html');
  });

  it('a bad line is named next to its row and nothing is saved', async () => {
    const w = await makeWorld(db());
    const m = await signedIn(app, w.user.manager.email);
    const ref = `BAD-${uid()}`;
    const res = await postForm(m, '/inbound', asnForm(w, ref, [['', ''], [w.product.widget.sku, '0'], ['NO-SUCH-SKU', '3']], [['seller', w.sellerA.code], ['intent', 'submit']]));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('The seller has no product with SKU NO-SUCH-SKU');
    expect(html).toContain('value="NO-SUCH-SKU"');
    const saved = await db().select().from(inboundShipments).where(eq(inboundShipments.reference, ref));
    expect(saved).toHaveLength(0);
  });

  it('a seller creates an ASN for their own goods in Chinese; another seller\'s SKU is refused', async () => {
    const w = await makeWorld(db());
    const s = await signedIn(app, w.user.sellerA.email);
    const refused = await postForm(s, '/inbound', asnForm(w, `S-${uid()}`, [[w.product.gadget.sku, '2']], [['intent', 'submit']]));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(w.product.gadget.sku);
    const ok = await postForm(s, '/inbound', asnForm(w, `S-${uid()}`, [[w.product.widget.sku, '2']], [['intent', 'draft']]));
    expect(ok.status).toBe(303);
    const detail = await (await s.get(ok.headers.get('location')!)).text();
    expect(detail).toContain('lang="zh-CN"');
    expect(detail).toContain(w.sellerA.code);
  });

  it('sellers see only their own ASNs; staff of another warehouse do not see them at all', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    const b = await signedIn(app, w.user.sellerB.email);
    expect((await b.get(`/inbound/${asn.id}`)).status).toBe(404);
    expect((await b.get(`/inbound/${asn.id}/report`)).status).toBe(404);
    expect((await b.get(`/inbound/${asn.id}/report.csv`)).status).toBe(404);
    expect(await (await b.get('/inbound')).text()).not.toContain(asn.reference);
    const a = await signedIn(app, w.user.sellerA.email);
    expect((await a.get(`/inbound/${asn.id}`)).status).toBe(200);
    expect((await a.get(`/inbound/${asn.id}/receive`)).status).toBe(403);
    expect((await a.get('/putaway')).status).toBe(403);
    const other = await signedIn(app, w.user.operatorOther.email);
    expect((await other.get(`/inbound/${asn.id}`)).status).toBe(404);
  });

  it('the arrival form records seals and temperature; a warm reading sends the cold line to quarantine', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { seals: 'S-1001' });
    const op = await signedIn(app, w.user.operator.email);
    const form = await (await op.get(`/inbound/${asn.id}/arrival`)).text();
    expect(form).toContain('S-1001');
    expect(form).toContain('name="temp_chilled"');
    const missing = await postForm(op, `/inbound/${asn.id}/arrival`, [['dock', 'DOCK-01'], ['seal', 'S-1001'], ['seal_note', '']]);
    expect(missing.status).toBe(422);
    const ok = await postForm(op, `/inbound/${asn.id}/arrival`, [['dock', 'DOCK-01'], ['seal', 'S-1001'], ['seal_state_0', 'broken'], ['seal_note', 'cut'], ['temp_chilled', '9,5']]);
    expect(ok.status).toBe(303);
    const detail = await (await op.get(`/inbound/${asn.id}`)).text();
    expect(detail).toContain('9.5');
    expect(detail).toMatch(/Температура|Temperature/);
  });

  it('the scanner screen receives a GS1-128 scan, asks for a missing lot, and refuses a bad check digit in Russian', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const op = await signedIn(app, w.user.operator.email);
    const page = await (await op.get(`/inbound/${asn.id}/receive`)).text();
    const key = /name="idempotency_key" value="([^"]+)"/.exec(page)![1]!;
    const gs1 = `]C101${gtinOf(w.product.kefir.ean)}17300531` + `10L2611${GS}`;
    const ok = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', gs1], ['quantity', '3'], ['idempotency_key', key]], { htmx: true });
    expect(ok.status).toBe(201);
    const frag = await ok.text();
    expect(frag).toContain('data-result="ok"');
    expect(frag).toContain('L2611');
    expect(frag).not.toContain('<html');
    // The same key again (a double Enter): nothing more moves.
    const again = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', gs1], ['quantity', '3'], ['idempotency_key', key]], { htmx: true });
    expect(again.status).toBe(201);
    expect(await balanceOf(db(), w.loc.dockChilled.id, w.product.kefir.id, (await lotId(w, 'L2611'))!)).toEqual({ onHand: 3, reserved: 0 });

    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const ask = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', w.product.kefir.ean], ['quantity', '1'], ['idempotency_key', 'k-' + uid() + uid()]], { htmx: true });
    expect(ask.status).toBe(422);
    const askHtml = await ask.text();
    expect(askHtml).toMatch(/id="f-lot"[^>]*value="L2611"[^>]*required/);
    const bad = w.product.widget.ean.slice(0, 12) + ((Number(w.product.widget.ean[12]) + 1) % 10);
    const refused = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', bad], ['idempotency_key', 'k-' + uid() + uid()]], { htmx: true });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('data-result="error"');
    expect(refusedHtml).toMatch(/контрольн/i);
    const zero = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', w.product.widget.ean], ['quantity', '0'], ['idempotency_key', 'k-' + uid() + uid()]], { htmx: true });
    expect(zero.status).toBe(422);
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
  });

  it('the answer to a scan is the ASN after it: the first scan shows it receiving, each line its count; a repeat answers alike', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const op = await signedIn(app, w.user.operator.email);
    await op.get(`/inbound/${asn.id}/receive`);
    const key = 'k-' + uid() + uid();
    const first = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', w.product.widget.ean], ['quantity', '4'], ['idempotency_key', key]], { htmx: true });
    expect(first.status).toBe(201);
    const html = await first.text();
    expect(html).toContain('badge status-receiving');
    expect(html).toContain(asn.reference);
    // The widget line: 4 of 10, part received; the kefir line not yet.
    expect(html).toMatch(/class="pl pl-part"[\s\S]*?4[\s\S]*?10/);
    expect(html).toMatch(/class="pl pl-todo"/);
    const [row] = await db().select({ status: inboundShipments.status }).from(inboundShipments).where(eq(inboundShipments.id, asn.id));
    expect(row!.status).toBe('receiving');
    const again = await postForm(op, `/inbound/${asn.id}/receipts`, [['scan', w.product.widget.ean], ['quantity', '4'], ['idempotency_key', key]], { htmx: true });
    expect(again.status).toBe(201);
    const againHtml = await again.text();
    expect(againHtml).toContain('badge status-receiving');
    expect(againHtml).toMatch(/class="pl pl-part"[\s\S]*?4[\s\S]*?10/);
    expect(await balanceOf(db(), w.loc.dock.id, w.product.widget.id, null)).toEqual({ onHand: 4, reserved: 0 });
    // Receiving has begun: the announcement's form is no longer offered.
    const m = await signedIn(app, w.user.manager.email);
    const edit = await m.get(`/inbound/${asn.id}/edit`);
    expect(edit.status).toBe(409);
    expect(await edit.text()).not.toContain('name="reference"');
  });

  it('a scan for a cancelled or closed ASN is refused and moves nothing', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    const m = await signedIn(app, w.user.manager.email);
    await m.get(`/inbound/${asn.id}`);
    expect((await postForm(m, `/inbound/${asn.id}/status`, [['action', 'cancel']])).status).toBe(303);
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const res = await postForm(m, `/inbound/${asn.id}/receipts`, [['scan', w.product.widget.ean], ['idempotency_key', 'k-' + uid() + uid()]], { htmx: true });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Cancelled');
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
  });

  it('the receiving report shows expected, received, damaged, short and over, also as CSV, to the seller', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 7 });
    await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 1, condition: 'damaged' });
    await scan(db(), w, asn.id, { scan: `01${gtinOf(w.product.kefir.ean)}17300531` + '10L2611', quantity: 8, confirm_over: true });
    const m = await signedIn(app, w.user.manager.email);
    await m.get(`/inbound/${asn.id}`);
    await postForm(m, `/inbound/${asn.id}/status`, [['action', 'finishReceiving']]);
    expect((await postForm(m, `/inbound/${asn.id}/status`, [['action', 'close']])).status).toBe(303);
    const s = await signedIn(app, w.user.sellerA.email);
    const report = await (await s.get(`/inbound/${asn.id}/report`)).text();
    expect(report).toContain(w.product.widget.sku);
    const bytes = new Uint8Array(await (await s.get(`/inbound/${asn.id}/report.csv`)).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = new TextDecoder().decode(bytes).trim().split('\n');
    // widget: expected 10, received 7, damaged 1, short 2, over 0; kefir: expected 6, received 8, over 2.
    expect(rows.find((r) => r.includes(w.product.widget.sku))).toContain(',10,7,1,2,0,');
    expect(rows.find((r) => r.includes(w.product.kefir.sku))).toContain(',6,8,0,0,2,L2611 2030-05-31,L2611 2030-05-31 × 8,');
  });

  it('putaway: scan the item at the dock, go where told, a wrong label is refused, the right one moves it', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    await scan(db(), w, asn.id, { scan: w.product.widget.ean, quantity: 10 });
    const op = await signedIn(app, w.user.operator.email);
    const home = await (await op.get(`/putaway?warehouse=${w.warehouse.code}`)).text();
    expect(home).toContain(w.product.widget.sku);
    const found = await op.get(`/putaway/task?warehouse=${w.warehouse.code}&item=${w.product.widget.ean}`);
    expect(found.status).toBe(303);
    const task = await (await op.get(found.headers.get('location')!)).text();
    expect(task).toContain('A-01-01-1');
    const fields = [...task.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')] as [string, string]);
    const wrong = await postForm(op, '/putaway', [...fields.filter(([k]) => k !== '_csrf'), ['quantity', '10'], ['to_location', 'A-01-01-2']]);
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('A-01-01-2');
    expect(await balanceOf(db(), w.loc.a2.id, w.product.widget.id)).toEqual({ onHand: 0, reserved: 0 });
    const right = await postForm(op, '/putaway', [...fields.filter(([k]) => k !== '_csrf'), ['quantity', '10'], ['to_location', 'A-01-01-1']]);
    expect(right.status).toBe(201);
    expect(await balanceOf(db(), w.loc.a1.id, w.product.widget.id)).toEqual({ onHand: 10, reserved: 0 });
  });

  it('prints ASN labels with the reference as Code 128, on A4 or a 58 mm roll; sellers may not', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    const m = await signedIn(app, w.user.manager.email);
    const a4 = await (await m.get(`/inbound/${asn.id}/label`)).text();
    expect(a4.match(/<svg/g)).toHaveLength(1);
    expect(a4).toContain(asn.reference);
    const roll = await (await m.get(`/inbound/${asn.id}/label?format=58mm&copies=3`)).text();
    expect(roll.match(/<svg/g)).toHaveLength(3);
    expect(roll).toContain('58mm');
    expect((await m.get(`/inbound/${asn.id}/label?copies=0`)).status).toBe(422);
    const s = await signedIn(app, w.user.sellerA.email);
    expect((await s.get(`/inbound/${asn.id}/label`)).status).toBe(403);
  });

  it('the arrival form offers the cold dock first for a reefer with cold goods', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w, { lines: [{ sku: w.product.icecream.sku, quantity: 4 }] });
    const op = await signedIn(app, w.user.operator.email);
    const html = await (await op.get(`/inbound/${asn.id}/arrival`)).text();
    expect(/<select name="dock" id="f-dock"><option value="([^"]+)"/.exec(html)![1]).toBe('DOCK-F1');
  });

  it('asked for the ASN\'s lot, the screen prompts to confirm it instead of an error; a case label scanned into the lot receives it; another lot is flagged here and in the report', async () => {
    const w = await makeWorld(db());
    const asn = await makeAsn(db(), w);
    await arrive(db(), w, asn.id);
    const op = await signedIn(app, w.user.operator.email);
    await op.get(`/inbound/${asn.id}/receive`);
    const gtin = gtinOf(w.product.kefir.ean);
    const post = (fields: [string, string][]) => postForm(op, `/inbound/${asn.id}/receipts`, [...fields, ['idempotency_key', 'k-' + uid() + uid()]], { htmx: true });

    // The EAN carries no lot: the ASN's lot is offered to confirm (amber, a hint), not flagged red.
    const ask = await post([['scan', w.product.kefir.ean], ['quantity', '1']]);
    expect(ask.status).toBe(422);
    const askHtml = await ask.text();
    expect(askHtml).toContain('data-result="warn"');
    expect(askHtml).toMatch(/id="f-lot"[^>]*value="L2611"[^>]*required[^>]*autofocus/);
    expect(askHtml).not.toContain('class="field invalid"');
    expect(askHtml).not.toContain('aria-invalid');
    expect(askHtml).toContain(`${w.product.kefir.sku}: партия L2611 из ASN. Enter — подтвердить`);
    // Only the lot is required: Enter after the lot sends the form, the expiry comes with a label.
    expect(askHtml).not.toMatch(/id="f-expiry"[^>]*required/);
    expect(askHtml).toContain(`value="${w.product.kefir.ean}"`);
    // A label without (10) scanned into the lot: asked again, the ASN's lot in the field, not the label.
    const noLot = await (await post([['scan', w.product.kefir.ean], ['lot', `01${gtin}17300531`]])).text();
    expect(noLot).toContain('data-result="warn"');
    expect(noLot).toMatch(/id="f-lot"[^>]*value="L2611"/);

    // The carton's GS1-128 scanned into the lot field, as a scanner types it: lot and expiry from it.
    const label = await post([['scan', w.product.kefir.ean], ['quantity', '1'], ['lot', `01${gtin}17300531` + '10L2611'], ['expiry', '']]);
    expect(label.status).toBe(201);
    const labelHtml = await label.text();
    expect(labelHtml).toContain('data-result="ok"');
    expect(labelHtml).toMatch(/Партия L2611 · Срок годности 31\.05\.2030/);

    // Another lot than the ASN's: received, amber, naming the lot expected.
    const other = await post([['scan', `01${gtin}17300531` + '10WRONGLOT'], ['quantity', '1']]);
    expect(other.status).toBe(201);
    const otherHtml = await other.text();
    expect(otherHtml).toContain('data-result="warn"');
    expect(otherHtml).toContain('Принято — партия не по ASN');
    expect(otherHtml).toContain('Партия WRONGLOT, а по ASN ожидается L2611.');
    const report = await (await op.get(`/inbound/${asn.id}/report`)).text();
    expect(report).toContain('Партия не по ASN (ожидалась L2611)');
    expect(report).toContain('<code class="warn-text">WRONGLOT </code>');
    expect(report).toContain('<code>L2611 </code>');

    // Refusals say why, in Russian: a wrong check digit, 30 February, a label of another item, too many.
    const before = await stockFingerprint(db(), [w.warehouse.id]);
    const badGtin = gtin.slice(0, 13) + ((Number(gtin[13]) + 1) % 10);
    const refused = async (fields: [string, string][], field: string) => {
      const res = await post(fields);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('data-result="error"');
      expect(html).not.toContain('Нет товара со штрихкодом');
      expect(html).toMatch(new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`));
      return html;
    };
    expect(await refused([['scan', `01${badGtin}17300531` + '10L2611']], 'scan')).toContain(`Неверная контрольная цифра в (01): ${badGtin[13]}, ожидалась ${gtin[13]}.`);
    expect(await refused([['scan', `01${gtin}17300230` + '10L2611']], 'scan')).toContain('Дата в (17) не существует (300230).');
    const widgetLabel = await refused([['scan', w.product.kefir.ean], ['lot', `01${gtinOf(w.product.widget.ean)}17300531` + '10L2611']], 'lot');
    expect(widgetLabel).toContain(`Эта этикетка — товара ${w.product.widget.sku}, а отсканирован ${w.product.kefir.sku}`);
    expect(widgetLabel).toMatch(/id="f-lot"[^>]*autofocus/);
    expect(await refused([['scan', w.product.widget.ean], ['quantity', '99999999']], 'quantity')).toContain('Количество должно быть целым числом от 1 до 100000.');
    expect(await stockFingerprint(db(), [w.warehouse.id])).toBe(before);
  });

  async function lotId(w: World, code: string) {
    const { lots } = await import('../../src/db/schema/index.ts');
    const { and } = await import('drizzle-orm');
    const [l] = await db().select().from(lots).where(and(eq(lots.productId, w.product.kefir.id), eq(lots.code, code)));
    return l?.id;
  }
});

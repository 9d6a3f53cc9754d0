import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import type { App } from '../../src/app.tsx';
import { locations } from '../../src/db/schema/index.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { Client, signedIn, testApp } from '../helpers/client.ts';
import { makeWorld, type World } from '../helpers/world.ts';

/** The location codes printed on a page, in print order. */
const printed = (html: string) => [...html.matchAll(/<div class="label-code[^"]*">([^<]+)<\/div>/g)].map((m) => m[1]);
const svgs = (html: string) => (html.match(/<svg /g) ?? []).length;
const virtualKinds = ['supplier', 'customer', 'transit', 'adjustment'];
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the page should print for a world: its active real locations in walk order, narrowed as the query says. */
function expected(w: World, f: { zoneId?: number; kind?: string; from?: string; to?: string } = {}): string[] {
  return Object.values(w.loc)
    .filter((l) => l.warehouseId === w.warehouse.id && l.active && !virtualKinds.includes(l.kind))
    .filter((l) => (f.zoneId === undefined || l.zoneId === f.zoneId) && (f.kind === undefined || l.kind === f.kind))
    .filter((l) => (f.from === undefined || l.code >= f.from) && (f.to === undefined || l.code <= f.to || l.code.startsWith(f.to)))
    .sort((a, b) => a.walkSequence - b.walkSequence || byCodePoint(a.code, b.code))
    .map((l) => l.code);
}

describe.each(backends)('location labels on %s', (backend) => {
  let database: Database;
  let app: App;
  let w: World;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    app = testApp(database.db);
    w = await makeWorld(database.db);
  });
  afterAll(async () => {
    await database.close();
  });

  const url = (query: string) => `/labels/locations?warehouse=${w.warehouse.code}${query}`;

  it('prints an A4 sheet: one barcode per active real location, in walk order', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.get(url(''));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Walk sequence first, then code; no virtual, closed or other warehouse's locations.
    const all = expected(w);
    expect(all).toEqual(expect.arrayContaining(['DOCK-01', 'F-01-01-1', 'R-01-01-1', 'R-01-01-2', 'A-01-01-1', 'A-01-01-2']));
    expect(all.indexOf('DOCK-01')).toBeLessThan(all.indexOf('A-01-01-1'));
    expect(all.indexOf('A-01-01-1')).toBeLessThan(all.indexOf('A-01-01-2'));
    expect(printed(html)).toEqual(all);
    expect(svgs(html)).toBe(all.length);
    for (const code of ['SUPPLIER', 'CUSTOMER', 'ADJUSTMENT', 'TRANSIT-', 'A-99-99-9']) expect(html).not.toContain(`>${code}`);
    expect(html).toContain(`AMBIENT · Ambient · ${w.warehouse.code}`);
    expect(html).toContain(`CHILLED · Chilled · ${w.warehouse.code}`);
    expect(html).toContain('data-format="a4"');
    expect(html).toContain('size: A4');
    expect(html).toMatch(/grid-template-columns: repeat\(3, 70mm\)/);
    expect(html).toContain('onclick="window.print()"');
    expect(html).toContain(`Labels: ${all.length} · pages: 1`);
    // Print CSS hides the page chrome and the form.
    expect(html).toMatch(/@media print \{\s*html, body \{[^}]*\}\s*\.topbar, #toast, \.no-print \{ display: none !important; \}/);
    expect(html).toMatch(/<div class="no-print">[\s\S]*<form class="filters"/);
  });

  it('prints a 58 mm roll: one label a page', async () => {
    const m = await signedIn(app, w.user.admin.email);
    const html = await (await m.get(url('&format=58mm'))).text();
    expect(html).toContain('data-format="58mm"');
    expect(html).toContain('@page { size: 58mm 40mm; margin: 0; }');
    expect(html).not.toContain('size: A4');
    const n = expected(w).length;
    expect(svgs(html)).toBe(n);
    expect(html).toContain(`Labels: ${n} · pages: ${n}`);
  });

  it('narrows by zone, kind and an inclusive code range', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const chilled = expected(w, { zoneId: w.loc.chilled.zoneId! });
    expect(chilled).toEqual(expect.arrayContaining(['R-01-01-1', 'R-01-01-2']));
    expect(chilled).not.toContain('A-01-01-1');
    expect(printed(await (await m.get(url('&zone=chilled'))).text())).toEqual(chilled);
    const docks = expected(w, { kind: 'dock' });
    expect(docks).toContain('DOCK-01');
    expect(printed(await (await m.get(url('&kind=dock'))).text())).toEqual(docks);
    expect(printed(await (await m.get(url('&from=A&to=A-01-01-1'))).text())).toEqual(['A-01-01-1']);
    expect(printed(await (await m.get(url('&from=R-01-01-2&to=R-01-01-2'))).text())).toEqual(['R-01-01-2']);
    // "to" takes the codes that start with it.
    expect(printed(await (await m.get(url('&from=a-01&to=a-01'))).text())).toEqual(['A-01-01-1', 'A-01-01-2']);
    const ambientFromB = expected(w, { zoneId: w.loc.a1.zoneId!, from: 'B' });
    expect(ambientFromB).toContain('DOCK-01');
    expect(ambientFromB).not.toContain('A-01-01-1');
    expect(printed(await (await m.get(url('&zone=AMBIENT&from=B'))).text())).toEqual(ambientFromB);
    const none = await (await m.get(url('&zone=FROZEN&kind=storage'))).text();
    expect(printed(none)).toEqual([]);
    expect(none).toContain('No active locations match this filter.');
    // Zone labels: scanned on the cold-storage reading screen to type the zone's temperature.
    expect(printed(await (await m.get(url('&kind=zone'))).text())).toEqual(['AMBIENT', 'CHILLED', 'FROZEN']);
    expect(printed(await (await m.get(url('&kind=zone&zone=frozen'))).text())).toEqual(['FROZEN']);
  });

  it('refuses a bad query with 422 and says why', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const bad = await m.get(url('&format=letter'));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('A filter value is not valid.');
    expect(html).toMatch(/class="field invalid"[\s\S]*?Format/);
    expect(svgs(html)).toBe(0);
    expect((await m.get(url('&kind=supplier'))).status).toBe(422);
    const reversed = await m.get(url('&from=R&to=A'));
    expect(reversed.status).toBe(422);
    expect(await reversed.text()).toContain('“From” comes after “to”.');
  });

  it('without a warehouse shows the form only; an unknown one is 404', async () => {
    const m = await signedIn(app, w.user.manager.email);
    const res = await m.get('/labels/locations');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Choose a warehouse to print its location labels.');
    expect(html).toContain(`<option value="${w.warehouse.code}"`);
    expect(svgs(html)).toBe(0);
    expect((await m.get('/labels/locations?warehouse=NOPE-NOT-HERE')).status).toBe(404);
  });

  it('an operator prints for their own warehouse only; a seller may not; a visitor signs in first', async () => {
    const op = await signedIn(app, w.user.operator.email);
    const own = await op.get(url(''));
    expect(own.status).toBe(200);
    // Their language: Russian.
    expect(await own.text()).toContain(`CHILLED · Охлаждение · ${w.warehouse.code}`);
    const ownForm = await (await op.get('/labels/locations')).text();
    expect(ownForm).toContain(`<option value="${w.warehouse.code}"`);
    expect(ownForm).not.toContain(`<option value="${w.other.code}"`);

    const other = await signedIn(app, w.user.operatorOther.email);
    const res = await other.get(url(''));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('A-01-01-1');
    expect((await other.get(`/labels/locations?warehouse=${w.other.code}`)).status).toBe(200);

    for (const seller of [w.user.sellerA, w.user.sellerB]) {
      const s = await signedIn(app, seller.email);
      expect((await s.get(url(''))).status).toBe(403);
      expect((await s.get('/labels/locations')).status).toBe(403);
    }

    const anonymous = await new Client(app).get(url(''));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=%2Flabels%2Flocations/);
  });

  it('links each warehouse to its labels for staff, not for sellers', async () => {
    const m = await signedIn(app, w.user.manager.email);
    expect(await (await m.get('/warehouses')).text()).toContain(`href="/labels/locations?warehouse=${w.warehouse.code}"`);
    const s = await signedIn(app, w.user.sellerA.email);
    expect(await (await s.get('/warehouses')).text()).not.toContain('/labels/locations');
  });

  it('prints at most 1,000 labels a page and says so', async () => {
    const big = await makeWorld(database.db);
    const zoneId = big.loc.a1.zoneId!;
    const own = expected(big).length;
    const extra = Array.from({ length: 1001 - own }, (_, i) => ({ warehouseId: big.warehouse.id, zoneId, code: `B-${String(i).padStart(4, '0')}`, kind: 'storage' as const, walkSequence: 1000 + i }));
    await database.db.insert(locations).values(extra);
    const m = await signedIn(app, big.user.manager.email);
    const html = await (await m.get(`/labels/locations?warehouse=${big.warehouse.code}`)).text();
    expect(svgs(html)).toBe(1000);
    expect(html).toContain('Only the first 1,000 of 1,001 locations are shown.');
    expect(html).toContain('Labels: 1,000 · pages: 42');
    // The walk's last location is the one left out.
    expect(printed(html).at(-1)).toBe(extra.at(-2)!.code);
  });
});

import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/rows.ts';
import { stockFingerprint } from './counts.ts';

/**
 * Generated bad input for the fuzz tests: form fields, JSON bodies, query strings and path ids
 * that a careless client, a broken scanner or an attacker would send.
 */

// ---- Text ------------------------------------------------------------------------------------

/** Numbers as people and programs mistype them. */
export const NUMBER_TEXTS = [
  '0', '-0', '-1', '1.5', '0.001', '1e3', '1E-3', '1e309', '-1e309', 'NaN', 'Infinity', '-Infinity', '007', '0x1F', '0b1', '0o7', '+1', '.5', '5.',
  '1,5', '1 000', '1_000', '１２', '٣', '−1', '9007199254740993', '2147483648', '4294967296', '99999999999999999999999', '-2147483649', ' 1',
  ' 1 ', '\t1\n', '1\u00a0', '1e', 'e1', '--1', '1-', '1/2', '½', 'Ⅻ', '1e-400', '0.1e1', '100000', '1000001', '10000000000',
];

/** Dates and times that do not exist, or barely do. */
export const DATE_TEXTS = [
  '2026-02-30', '2026-02-29', '2024-02-29', '99999-01-01', '0000-01-01', '0001-01-01', '2026-13-01', '2026-00-10', '2026-1-1', '26-01-01',
  '2026/01/01', '01.02.2026', '2026-01-01T25:61', '2026-01-01T23:59:60', '2026-01-01T10:00:00+99:00', '2026-01-01T10:00:00Z', '-001-01-01',
  '+002026-01-01', '2026-W01', '1970-01-01', '9999-12-31', '2100-12-31T23:59:59Z', '2026-02-28T24:00', '2026-06-31', '2026-01-01T10:00',
  '2026-01-01T10:00:00.123456789+03:00', '1999-12-31', '2101-01-01',
];

/** Text that breaks naive code: control characters, markup, SQL, odd Unicode. */
export const NASTY_TEXTS = [
  '', ' ', '\u0000', 'a\u0000b', '\r\n', '\u202e', '\ufeff', '\u200b', '\ud800', 'a\udc00b', 'null', 'undefined', 'true', 'false', '[]', '{}',
  '[object Object]', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE orders; --', '%00', '%', '%ZZ', '../../etc/passwd', '\\',
  '$(id)', '{{7*7}}', '${7*7}', '😀', '👨‍👩‍👧‍👦', 'ＡＢＣ', 'ǅ', 'İ', 'ß', 'Ω', '\u0301', 'a'.repeat(81), 'A'.repeat(41), '\u001d01', ']C1', ']d2',
  'on', 'off', 'yes', '1', '-', '_', ',', ';', 'S-1,,;;  S-2', 'ab\u0000', '\u00ff\u00fe',
];

/** A long string (up to about 5 kB). */
export const longText = fc
  .tuple(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), fc.integer({ min: 60, max: 700 }))
  .map(([s, n]) => s.repeat(n).slice(0, 5000));

/** Any bad text for one field. */
export const badText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_TEXTS) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: fc.constantFrom(...DATE_TEXTS) },
  { weight: 1, arbitrary: longText },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((s) => `${s}\u0000${s}`) },
);

/** A good value bent a little: case, spaces, a NUL, doubled, cut, a scanner prefix. */
export function near(value: string): fc.Arbitrary<string> {
  const bends: ((s: string) => string)[] = [
    (s) => s.toLowerCase(),
    (s) => ` ${s} `,
    (s) => `${s}\u0000`,
    (s) => s + s,
    (s) => s.slice(0, -1),
    (s) => `]C1${s}`,
    (s) => s.repeat(60).slice(0, 5000),
    (s) => `${s}%`,
    (s) => s.normalize('NFKD').replace(/-/g, '\u2011'),
    (s) => [...s].reverse().join(''),
    (s) => `-${s}`,
    (s) => `${s}.5`,
    (s) => `${s}e2`,
  ];
  return fc.constantFrom(...bends).map((f) => f(value));
}

/** A field value: mostly bad, sometimes a good one bent, now and then the good one. */
export const fieldValue = (good: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 5, arbitrary: badText }, { weight: 2, arbitrary: near(good) }, { weight: 1, arbitrary: fc.constant(good) });

// ---- Forms -----------------------------------------------------------------------------------

export type FormFields = Record<string, string | string[]>;
/** What happens to one field of a form. `bytes`: raw bytes, not necessarily UTF-8. */
export type FieldOp = { op: 'keep' } | { op: 'drop' } | { op: 'set'; values: string[] } | { op: 'bytes'; bytes: number[] };

export function fieldOp(good: string): fc.Arbitrary<FieldOp> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant<FieldOp>({ op: 'keep' }) },
    { weight: 5, arbitrary: fieldValue(good).map((v): FieldOp => ({ op: 'set', values: [v] })) },
    { weight: 1, arbitrary: fc.constant<FieldOp>({ op: 'drop' }) },
    { weight: 1, arbitrary: fc.array(fieldValue(good), { minLength: 2, maxLength: 4 }).map((values): FieldOp => ({ op: 'set', values })) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }).map((bytes): FieldOp => ({ op: 'bytes', bytes })) },
  );
}

/** Names a form does not expect (or expects elsewhere). */
export const EXTRA_FIELD_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'lines[]', 'warehouse[]', 'lines.0.sku', 'rows', 'intent', 'seal_state_0', 'seal_X', 'decision_1_2_3', 'temp_chilled', 'temp_deep_frozen', 'balance', 'skip', 'list', 'channel', 'seller', 'user', 'idempotency_key', 'confirm_over', 'draft', 'id', ''];

export const extraFields = (names: readonly string[] = []): fc.Arbitrary<[string, string][]> =>
  fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EXTRA_FIELD_NAMES, ...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), badText), { maxLength: 3 });

export const FORM_ENCODINGS = ['urlencoded', 'multipart', 'json', 'text', 'none', 'multipart-broken', 'urlencoded-broken'] as const;
export type FormEncoding = (typeof FORM_ENCODINGS)[number];

export const formEncoding: fc.Arbitrary<FormEncoding> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<FormEncoding>('urlencoded') },
  { weight: 2, arbitrary: fc.constant<FormEncoding>('multipart') },
  { weight: 1, arbitrary: fc.constantFrom<FormEncoding>('json', 'text', 'none', 'multipart-broken', 'urlencoded-broken') },
);

/** The form's pairs after the operations, in the order a browser would send them. */
export function applyFieldOps(base: FormFields, ops: Record<string, FieldOp>, extra: [string, string][]): [string, string | Uint8Array][] {
  const out: [string, string | Uint8Array][] = [];
  for (const [name, value] of Object.entries(base)) {
    const op = ops[name] ?? { op: 'keep' };
    if (op.op === 'keep') for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
    else if (op.op === 'set') for (const v of op.values) out.push([name, v]);
    else if (op.op === 'bytes') out.push([name, Uint8Array.from(op.bytes)]);
  }
  for (const [name, value] of extra) out.push([name, value]);
  return out;
}

const hex = (b: number) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
const formPair = (k: string, v: string | Uint8Array) => (typeof v === 'string' ? new URLSearchParams([[k, v]]).toString() : `${new URLSearchParams([[k, '']]).toString()}${[...v].map(hex).join('')}`);
const latin1 = (v: string | Uint8Array) => (typeof v === 'string' ? v : String.fromCharCode(...v));

/** A request body (and its headers) for the pairs in an encoding; `csrf` goes where a browser puts it. */
export function formRequest(pairs: [string, string | Uint8Array][], enc: FormEncoding, csrf: string | null): { body: BodyInit | undefined; headers: Record<string, string> } {
  const all = csrf === null ? pairs : [...pairs, ['_csrf', csrf] as [string, string]];
  const header = (h: Record<string, string>) => (csrf === null ? h : { ...h, 'X-CSRF-Token': csrf });
  switch (enc) {
    case 'urlencoded':
      return { body: all.map(([k, v]) => formPair(k, v)).join('&'), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    case 'multipart': {
      const fd = new FormData();
      for (const [k, v] of all) {
        if (typeof v === 'string') fd.append(k, v);
        else fd.append(k, new Blob([Uint8Array.from(v)]), 'fuzz.bin');
      }
      return { body: fd, headers: {} };
    }
    case 'json':
      return { body: JSON.stringify(Object.fromEntries(pairs.map(([k, v]) => [k, latin1(v)]))), headers: header({ 'Content-Type': 'application/json' }) };
    case 'text':
      return { body: pairs.map(([k, v]) => formPair(k, v)).join('&'), headers: header({ 'Content-Type': 'text/plain;charset=UTF-8' }) };
    case 'none':
      return { body: undefined, headers: header({}) };
    case 'multipart-broken':
      // A multipart type over a body that is not multipart (a wrong boundary, or none at all).
      return { body: all.map(([k, v]) => formPair(k, v)).join('&'), headers: header({ 'Content-Type': pairs.length % 2 ? 'multipart/form-data; boundary=----fuzz' : 'multipart/form-data' }) };
    case 'urlencoded-broken':
      return { body: `${all.map(([k, v]) => formPair(k, v)).join('&')}&%&%ZZ=%E0%A4%A&=&&a=%C3%28`, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } };
  }
}

// ---- JSON ------------------------------------------------------------------------------------

/** A number written out as JSON text that JavaScript cannot hold (1e400 → Infinity, 2^64 …). */
export class RawJson {
  constructor(readonly text: string) {}
  [fc.toStringMethod]() {
    return `raw(${this.text})`;
  }
}

export const RAW_NUMBERS = ['1e400', '-1e400', '1e-400', '-0', '18446744073709551617', '123456789012345678901234567890', '0.00000000000000000000001', '1E2', '2147483648', '-2147483649', '9007199254740993'];

/** Odd JSON values: wrong types, edge numbers, empty containers. */
export const badJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 3, arbitrary: badText },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, Number.MIN_VALUE, 1e-7, true, false, null, [], {}, [null], { '': '' }, '', ' ', '1', '1e3', [1, 2], { $ne: null }),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((t) => new RawJson(t)) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.integer() },
);

/** Fresh values for each request: a value equal to one of these is replaced when sent. */
export type FreshValues = Record<string, () => string>;

/** A JSON value bent: each field kept, replaced, dropped or (objects, arrays) bent in turn. */
export function mutateJson(good: unknown, depth = 3): fc.Arbitrary<unknown> {
  const replace = fc.oneof({ weight: 4, arbitrary: badJsonValue }, { weight: 1, arbitrary: typeof good === 'string' ? near(good) : badJsonValue });
  if (depth <= 0) return fc.oneof({ weight: 1, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: replace });
  if (Array.isArray(good)) {
    const element = good.length ? mutateJson(good[0], depth - 1) : badJsonValue;
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(good) },
      { weight: 3, arbitrary: fc.array(element, { minLength: 0, maxLength: 3 }) },
      { weight: 2, arbitrary: replace },
      { weight: 1, arbitrary: fc.integer({ min: 501, max: 3000 }).map((n) => Array.from({ length: n }, () => good[0] ?? 1)) },
    );
  }
  if (good !== null && typeof good === 'object') {
    const entries = Object.entries(good as Record<string, unknown>);
    const ops = Object.fromEntries(
      entries.map(([k, v]) => [
        k,
        fc.oneof(
          { weight: 4, arbitrary: fc.constant<{ op: 'keep' | 'drop' } | { op: 'set'; value: unknown }>({ op: 'keep' }) },
          { weight: 1, arbitrary: fc.constant<{ op: 'keep' | 'drop' } | { op: 'set'; value: unknown }>({ op: 'drop' }) },
          { weight: 4, arbitrary: mutateJson(v, depth - 1).map((value) => ({ op: 'set' as const, value })) },
        ),
      ]),
    );
    const extras = fc.array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'status', 'seller', 'user_id', 'created_by', 'warehouse_id'), fc.string({ maxLength: 8 })), badJsonValue), { maxLength: 2 });
    return fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.record(ops), extras).map(([o, extra]) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) {
          const op = o[k]!;
          if (op.op === 'keep') out[k] = v;
          else if (op.op === 'set') out[k] = op.value;
        }
        for (const [k, v] of extra) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
        return out;
      }) },
      { weight: 1, arbitrary: replace },
    );
  }
  return fc.oneof({ weight: 1, arbitrary: fc.constant(good) }, { weight: 3, arbitrary: replace });
}

/** JSON text of a value; RawJson parts written as they are; fresh values replaced. */
export function toJsonText(v: unknown, fresh: FreshValues = {}): string {
  if (v instanceof RawJson) return v.text;
  if (typeof v === 'string') return JSON.stringify(Object.hasOwn(fresh, v) ? fresh[v]!() : v);
  if (Array.isArray(v)) return `[${v.map((x) => toJsonText(x, fresh)).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x, fresh)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A JSON body as sent: a bent value, arbitrary text, raw bytes, deep nesting or a huge array. */
export type JsonBodySpec =
  | { kind: 'value'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; prefix: string; bytes: number[]; suffix: string }
  | { kind: 'deep'; depth: number; open: '[' | '{"a":' }
  | { kind: 'huge'; field: string; count: number }
  | { kind: 'empty' };

export function jsonBodySpec(good: Record<string, unknown>): fc.Arbitrary<JsonBodySpec> {
  const goodText = toJsonText(good);
  const fields = Object.keys(good);
  // One field bent, the others good: the request gets past every other check.
  const oneField = fields.length
    ? fc.constantFrom(...fields).chain((k) => mutateJson(good[k], 2).map((v): JsonBodySpec => ({ kind: 'value', value: { ...good, [k]: v } })))
    : mutateJson(good).map((value): JsonBodySpec => ({ kind: 'value', value }));
  return fc.oneof(
    { weight: 8, arbitrary: mutateJson(good).map((value): JsonBodySpec => ({ kind: 'value', value })) },
    { weight: 6, arbitrary: oneField },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): JsonBodySpec => ({ kind: 'value', value })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.integer({ min: 0, max: goodText.length }).map((n) => goodText.slice(0, n)),
          fc.constantFrom('', ' ', 'null', '[]', '"x"', '1', 'true', "{'a':1}", '{"a":1,}', '{"a":NaN}', '{"a":Infinity}', '{/*c*/}', `\ufeff${goodText}`, `${goodText}${goodText}`, `${goodText}garbage`, goodText.replace(/"/g, "'"), '{"__proto__":{"admin":true}}', '{"a":1,"a":2}'),
        )
        .map((text): JsonBodySpec => ({ kind: 'text', text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...(fields.length ? fields : ['x'])), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }))
        .map(([f, bytes]): JsonBodySpec => {
          // Invalid UTF-8 inside a string of the body: `{... "field":"<bytes>"}`.
          const rest = toJsonText(Object.fromEntries(Object.entries(good).filter(([k]) => k !== f)));
          return { kind: 'bytes', prefix: `{${JSON.stringify(f)}:"`, bytes: [...bytes, 0xc3, 0x28], suffix: `"${rest.length > 2 ? `,${rest.slice(1, -1)}` : ''}}` };
        }),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(200, 5000, 100_000), fc.constantFrom<'[' | '{"a":'>('[', '{"a":')).map(([depth, open]): JsonBodySpec => ({ kind: 'deep', depth, open })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...(fields.length ? fields : ['x'])), fc.constantFrom(1000, 20_000)).map(([field, count]): JsonBodySpec => ({ kind: 'huge', field, count })) },
    { weight: 1, arbitrary: fc.constant<JsonBodySpec>({ kind: 'empty' }) },
  );
}

/** The bytes (or text) of a JSON body spec. */
export function jsonBodyText(spec: JsonBodySpec, good: Record<string, unknown>, fresh: FreshValues): string | Uint8Array {
  switch (spec.kind) {
    case 'value':
      return toJsonText(spec.value, fresh);
    case 'text':
      return spec.text;
    case 'bytes':
      return Buffer.concat([Buffer.from(spec.prefix, 'utf8'), Buffer.from(spec.bytes), Buffer.from(spec.suffix, 'utf8')]);
    case 'deep': {
      const close = spec.open === '[' ? ']' : '}';
      return spec.open.repeat(spec.depth) + '1' + close.repeat(spec.depth);
    }
    case 'huge': {
      const v = good[spec.field];
      const one = Array.isArray(v) ? (v[0] ?? 1) : (v ?? 1);
      return toJsonText({ ...good, [spec.field]: Array.from({ length: spec.count }, () => one) }, fresh);
    }
    case 'empty':
      return '';
  }
}

export const JSON_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', ''] as const;
export const jsonContentType: fc.Arbitrary<string> = fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...JSON_CONTENT_TYPES) });

/** An Idempotency-Key header: absent, fine, or bad (too short, too long, not visible ASCII). */
export const idempotencyHeader: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.uuid() },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom('', ' ', 'short', 'x'.repeat(101), 'with space inside', '\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff', '        '),
      fc.string({ unit: 'binary-ascii', maxLength: 120 }).map((s) => s.replace(/[\0\r\n]/g, '')),
    ),
  },
);

// ---- Paths and queries -----------------------------------------------------------------------

/** Ids no database row has, or that are not ids at all. */
export const badId: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('0', '-1', '2147483647', '2147483648', '4294967296', '9007199254740992', '9007199254740993', '999999999', '000000001', '1e3', 'abc', '%00', '%2e%2e', '%EF%BC%91', 'NaN', '%201', '1.0', '0x1', '1%00', '%FF', '..', '-0', '+1'),
  },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z2-9]{23,25}$/) },
);

/** Junk for the raw part of a query string: stray %, separators, broken UTF-8. */
export const rawQueryJunk: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('%', '%Z', '%ZZ', '%FF', '%C3%28', '%00', '%E0%A4%A', '&', '=', '+', 'a', 'page', 'warehouse', '[]', ';', '%2B', '%26', '%3D', '..', '\u00e9'), { maxLength: 12 })
  .map((parts) => parts.join(''));

export type QueryOp = { op: 'absent' } | { op: 'set'; values: string[] };

export function queryOp(good: string): fc.Arbitrary<QueryOp> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<QueryOp>({ op: 'absent' }) },
    { weight: 1, arbitrary: fc.constant<QueryOp>({ op: 'set', values: [good] }) },
    { weight: 4, arbitrary: fieldValue(good).map((v): QueryOp => ({ op: 'set', values: [v] })) },
    { weight: 1, arbitrary: fc.array(fieldValue(good), { minLength: 2, maxLength: 3 }).map((values): QueryOp => ({ op: 'set', values })) },
  );
}

export function queryString(params: Record<string, string>, ops: Record<string, QueryOp>, extra: [string, string][], raw: string): string {
  const q = new URLSearchParams();
  for (const name of Object.keys(params)) {
    const op = ops[name];
    if (op?.op === 'set') for (const v of op.values) q.append(name, v);
  }
  for (const [k, v] of extra) q.append(k, v);
  const text = q.toString();
  return [text, raw].filter(Boolean).join('&');
}

// ---- What changed ----------------------------------------------------------------------------

export type FuzzScope = { warehouseIds: number[]; sellerIds: number[]; userIds: number[] };

/**
 * A fingerprint of everything a request might write in the world of a fuzz test (documents,
 * settings, tokens, users' locales; stock separately): one line per table with its count of
 * rows and a hash of them. Equal before and after: the request changed nothing. Not counted:
 * sessions, sign-in failures, token use times and rate windows, which every request may touch.
 */
export async function documentTablesFingerprint(db: Db, scope: FuzzScope): Promise<string> {
  const arr = (ids: number[]) => `ARRAY[${ids.map(Number).join(',') || 'NULL'}]::int[]`;
  const whs = arr(scope.warehouseIds);
  const sellers = arr(scope.sellerIds);
  const users = arr(scope.userIds);
  const shipments = `(SELECT id FROM inbound_shipments WHERE warehouse_id = ANY(${whs}) OR seller_id = ANY(${sellers}))`;
  const orders = `(SELECT id FROM orders WHERE warehouse_id = ANY(${whs}) OR seller_id = ANY(${sellers}))`;
  const transfers = `(SELECT id FROM transfers WHERE from_warehouse_id = ANY(${whs}) OR to_warehouse_id = ANY(${whs}))`;
  const counts = `(SELECT id FROM cycle_counts WHERE warehouse_id = ANY(${whs}))`;
  const products = `(SELECT id FROM products WHERE seller_id = ANY(${sellers}))`;
  const parts: [string, string, string?][] = [
    ['inbound_shipments', `warehouse_id = ANY(${whs}) OR seller_id = ANY(${sellers})`],
    ['inbound_lines', `shipment_id IN ${shipments}`],
    ['inbound_receipts', `shipment_id IN ${shipments}`],
    ['inbound_events', `shipment_id IN ${shipments}`],
    ['putaways', `warehouse_id = ANY(${whs})`],
    ['orders', `warehouse_id = ANY(${whs}) OR seller_id = ANY(${sellers})`],
    ['order_lines', `order_id IN ${orders}`],
    ['order_events', `order_id IN ${orders}`],
    ['marking_codes', `order_id IN ${orders}`],
    ['pick_lists', `warehouse_id = ANY(${whs})`],
    ['pick_tasks', `pick_list_id IN (SELECT id FROM pick_lists WHERE warehouse_id = ANY(${whs}))`],
    ['picks', `order_id IN ${orders}`],
    ['import_jobs', `created_by = ANY(${users})`],
    ['transfers', `id IN ${transfers}`],
    ['transfer_lines', `transfer_id IN ${transfers}`],
    ['transfer_load_scans', `transfer_id IN ${transfers}`],
    ['transfer_receipts', `transfer_id IN ${transfers}`],
    ['transfer_events', `transfer_id IN ${transfers}`],
    ['cycle_counts', `id IN ${counts}`],
    ['cycle_count_locations', `count_id IN ${counts}`],
    ['cycle_count_lines', `count_id IN ${counts}`],
    ['cycle_count_scans', `count_location_id IN (SELECT id FROM cycle_count_locations WHERE count_id IN ${counts})`],
    ['adjustments', `warehouse_id = ANY(${whs})`],
    ['temperature_readings', `warehouse_id = ANY(${whs})`],
    ['excursions', `warehouse_id = ANY(${whs})`],
    ['excursion_decisions', `excursion_id IN (SELECT id FROM excursions WHERE warehouse_id = ANY(${whs}))`],
    ['warehouses', `id = ANY(${whs})`],
    ['zones', `warehouse_id = ANY(${whs})`],
    ['locations', `warehouse_id = ANY(${whs})`],
    ['sellers', `id = ANY(${sellers})`],
    ['products', `seller_id = ANY(${sellers})`],
    ['product_barcodes', `product_id IN ${products}`],
    ['lots', `product_id IN ${products}`],
    ['users', `id = ANY(${users})`, `id || ':' || email || ':' || role || ':' || active || ':' || coalesce(locale, '-') || ':' || coalesce(seller_id::text, '-')`],
    ['user_warehouses', `user_id = ANY(${users})`],
    ['api_tokens', `user_id = ANY(${users}) OR warehouse_id = ANY(${whs}) OR created_by = ANY(${users})`, `id || ':' || kind || ':' || name || ':' || coalesce(user_id::text, '-') || ':' || coalesce(warehouse_id::text, '-') || ':' || coalesce(revoked_at::text, '-')`],
  ];
  const select = parts
    // An order-free sum of row hashes: no sort, no long text (a few milliseconds per fingerprint).
    .map(([table, where, row]) => `(SELECT '${table}=' || count(*) || ':' || coalesce(sum(hashtextextended(${row ?? 't::text'}, 0)::numeric), 0) FROM ${table} t WHERE ${where})`)
    .join(` || E'\\n' || `);
  const [r] = await queryRows<{ f: string }>(db, sql.raw(`SELECT ${select} AS f`));
  return r!.f;
}

/** Stock and documents together: the state a rejected request must leave as it found it. */
export async function worldFingerprint(db: Db, scope: FuzzScope): Promise<string> {
  return `stock=${await stockFingerprint(db, scope.warehouseIds)}\n${await documentTablesFingerprint(db, scope)}`;
}

/** The lines of two fingerprints that differ (which tables changed). */
export function changedTables(before: string, after: string): string[] {
  const a = new Map(before.split('\n').map((l) => [l.split('=')[0]!, l]));
  return after
    .split('\n')
    .filter((l) => a.get(l.split('=')[0]!) !== l)
    .map((l) => l.split('=')[0]!);
}

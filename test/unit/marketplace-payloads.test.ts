import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { ozonPostingsSchema, parsePayload, wbOrdersSchema } from '../../src/outbound/import-marketplace.ts';
import { detectDelimiter, parseOrdersCsv } from '../../src/outbound/import-csv.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/marketplaces/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

const badPayload = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).key).toBe('imports.error.badPayload');
    expect((err as AppError).status).toBe(422);
    return err as AppError;
  }
  throw new Error('expected a bad payload');
};

describe('Ozon /v3/posting/fbs/list', () => {
  const ozon = fixture('ozon-fbs-postings.json');

  it('parses the fixture as it is, keeping what the import uses', () => {
    const p = parsePayload(ozonPostingsSchema, ozon);
    expect(p.result.postings).toHaveLength(2);
    const [a, b] = p.result.postings;
    expect(a).toMatchObject({ posting_number: '48213377-0102-1', status: 'awaiting_packaging', shipment_date: '2026-11-29T10:00:00Z', cancellation: null });
    expect(a!.products).toEqual([
      { offer_id: 'ICE-VAN-500', sku: '1480048123', quantity: 2, name: 'Vanilla ice cream 500 g' },
      { offer_id: 'CANDY-MIX-1KG', sku: '1480048777', quantity: 1, name: 'Assorted candy 1 kg' },
    ]);
    expect(a!.requirements?.products_requiring_mandatory_mark).toEqual(['1480048123']);
    expect(b!.products[0]).toMatchObject({ offer_id: 'PWR-BANK-20K', sku: '1480050011', quantity: 1 });
    // Extra fields (prices, delivery method, barcodes …) are dropped, not refused.
    expect(a).not.toHaveProperty('delivery_method');
  });

  it('accepts the JSON text too', () => {
    expect(parsePayload(ozonPostingsSchema, JSON.stringify(ozon)).result.postings).toHaveLength(2);
  });

  it('refuses a payload of the wrong shape, naming the path', () => {
    const noQty = clone(ozon) as { result: { postings: { products: { quantity?: unknown }[] }[] } };
    noQty.result.postings[1]!.products[0]!.quantity = '1';
    expect(badPayload(() => parsePayload(ozonPostingsSchema, noQty)).fieldErrors.map((f) => f.path)).toEqual(['payload.result.postings.1.products.0.quantity']);

    const noNumber = clone(ozon) as { result: { postings: { posting_number?: unknown }[] } };
    delete noNumber.result.postings[0]!.posting_number;
    expect(badPayload(() => parsePayload(ozonPostingsSchema, noNumber)).fieldErrors[0]!.path).toBe('payload.result.postings.0.posting_number');

    const badDate = clone(ozon) as { result: { postings: { shipment_date?: unknown }[] } };
    badDate.result.postings[0]!.shipment_date = '29.11.2026';
    expect(badPayload(() => parsePayload(ozonPostingsSchema, badDate)).fieldErrors[0]!.path).toBe('payload.result.postings.0.shipment_date');

    expect(badPayload(() => parsePayload(ozonPostingsSchema, { orders: [] })).fieldErrors[0]!.path).toBe('payload.result');
    expect(badPayload(() => parsePayload(ozonPostingsSchema, '{"result": ')).fieldErrors[0]!.path).toBe('payload');
    badPayload(() => parsePayload(ozonPostingsSchema, null));
    badPayload(() => parsePayload(ozonPostingsSchema, [1, 2]));
  });

  it('takes a cancelled posting with its cancellation, and no requirements at all', () => {
    const p = clone(ozon) as { result: { postings: Record<string, unknown>[] } };
    p.result.postings[0]!.status = 'cancelled';
    p.result.postings[0]!.cancellation = { cancel_reason_id: 352, cancel_reason: 'Покупатель отменил заказ', cancellation_type: 'buyer', cancelled_after_ship: false };
    delete p.result.postings[1]!.requirements;
    const parsed = parsePayload(ozonPostingsSchema, p);
    expect(parsed.result.postings[0]).toMatchObject({ status: 'cancelled', cancellation: { cancel_reason: 'Покупатель отменил заказ' } });
    expect(parsed.result.postings[1]!.requirements).toBeUndefined();
  });
});

describe('Wildberries /api/v3/orders/new', () => {
  const wb = fixture('wildberries-orders-new.json');

  it('parses the fixture as it is', () => {
    const p = parsePayload(wbOrdersSchema, wb);
    expect(p.orders).toHaveLength(2);
    expect(p.orders[0]).toEqual({ id: 13833711, article: 'ICE-CHOC-90', skus: ['4607012345677'], createdAt: '2026-11-27T08:05:11Z', requiredMeta: ['sgtin'], nmId: 12345678, comment: '' });
    expect(p.orders[1]).toMatchObject({ id: 13833790, article: 'SHOE-RUN-42', skus: ['4690257528523'], comment: 'gift wrap' });
  });

  it('refuses an id that is not a number, and barcodes that are not a list', () => {
    const badId = clone(wb) as { orders: Record<string, unknown>[] };
    badId.orders[0]!.id = 'x13833711';
    expect(badPayload(() => parsePayload(wbOrdersSchema, badId)).fieldErrors[0]!.path).toBe('payload.orders.0.id');
    const badSkus = clone(wb) as { orders: Record<string, unknown>[] };
    badSkus.orders[1]!.skus = '4690257528523';
    expect(badPayload(() => parsePayload(wbOrdersSchema, badSkus)).fieldErrors[0]!.path).toBe('payload.orders.1.skus');
    const noCreated = clone(wb) as { orders: Record<string, unknown>[] };
    delete noCreated.orders[1]!.createdAt;
    expect(badPayload(() => parsePayload(wbOrdersSchema, noCreated)).fieldErrors[0]!.path).toBe('payload.orders.1.createdAt');
  });
});

describe('order CSV', () => {
  it('detects the separator from the header row, ignoring quoted ones', () => {
    expect(detectDelimiter('external_id,sku,quantity\n1;2;3')).toBe(',');
    expect(detectDelimiter('\uFEFFexternal_id;sku;quantity;"a,b,c,d"\r\n')).toBe(';');
    expect(detectDelimiter('external_id\tsku\tquantity')).toBe('\t');
    expect(detectDelimiter('external_id')).toBe(',');
  });

  it('groups rows into orders and numbers rows by their line in the file', () => {
    const csv = parseOrdersCsv('\uFEFFExternal ID;SKU;Quantity;Note\r\nA;X;1;"multi\r\nline"\r\n\r\nB;Y;2;\r\nA;Z;3;\r\n;W;1;\r\n;;;\r\n');
    expect(csv.delimiter).toBe(';');
    expect(csv.rows).toBe(4);
    expect(csv.items).toEqual([
      { kind: 'order', externalId: 'A', seller: '', lines: [
        { row: 2, sku: 'X', quantity: '1', shipBy: '', note: 'multi\r\nline' },
        { row: 6, sku: 'Z', quantity: '3', shipBy: '', note: '' },
      ] },
      { kind: 'order', externalId: 'B', seller: '', lines: [{ row: 5, sku: 'Y', quantity: '2', shipBy: '', note: '' }] },
      { kind: 'orphan', row: 7 },
    ]);
  });

  it('refuses a file without the required columns, rows, or valid quoting', () => {
    const key = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return { key: (err as AppError).key, params: (err as AppError).params };
      }
      return null;
    };
    expect(key(() => parseOrdersCsv('external_id,quantity\nA,1\n'))).toEqual({ key: 'imports.error.missingColumns', params: { columns: 'sku' } });
    expect(key(() => parseOrdersCsv('external_id,sku,quantity\n'))).toMatchObject({ key: 'imports.error.emptyFile' });
    expect(key(() => parseOrdersCsv(''))).toMatchObject({ key: 'imports.error.emptyFile' });
    expect(key(() => parseOrdersCsv('external_id,sku,sku,quantity\nA,1,2,3\n'))).toMatchObject({ key: 'imports.error.duplicateColumn' });
    expect(key(() => parseOrdersCsv('external_id,sku,quantity\nA,"X"Y,1\n'))).toMatchObject({ key: 'imports.error.badCsv', params: { line: 2 } });
    expect(key(() => parseOrdersCsv(new Uint8Array([0x65, 0x78, 0xff, 0xfe])))).toMatchObject({ key: 'imports.error.notUtf8' });
    expect(key(() => parseOrdersCsv('x'.repeat(5 * 1024 * 1024 + 1)))).toMatchObject({ key: 'imports.error.fileTooLarge', params: { max: 5 } });
    const many = 'external_id,sku,quantity\n' + Array.from({ length: 50_001 }, (_, i) => `O${i},S,1`).join('\n');
    expect(key(() => parseOrdersCsv(many))).toEqual({ key: 'imports.error.tooManyRows', params: { count: 50_001, max: 50_000 } });
  });
});

import { describe, expect, it } from 'vitest';
import { barcodeCandidates, stockFilterSchema, stripSymbology } from '../../src/inventory/filters.ts';
import { gs1CheckDigit } from '../../seeds/barcodes.ts';

describe('scanned codes', () => {
  it('strips the symbology identifier a scanner sends first', () => {
    expect(stripSymbology(']E04601234567893')).toBe('4601234567893');
    expect(stripSymbology(']C1ABC')).toBe('ABC');
    expect(stripSymbology('A-01-02-3')).toBe('A-01-02-3');
  });

  it('matches UPC-A, EAN-13 and GTIN-14 forms of one code', () => {
    expect(barcodeCandidates('036000291452')).toContain('0036000291452');
    expect(barcodeCandidates('0036000291452')).toContain('036000291452');
    expect(barcodeCandidates('04601234567893')).toContain('4601234567893');
  });

  it('a GS1 scan stands for its GTIN', () => {
    const gs = String.fromCharCode(29);
    expect(barcodeCandidates(`]C10104601234567893${'10'}LOT1${gs}17270131`)).toContain('4601234567893');
    expect(barcodeCandidates(']d20104601234567893215Ab3xYz12345' + gs + '93dGVz')).toContain('4601234567893');
    expect(barcodeCandidates('OZN123456789')).toEqual(['OZN123456789']);
  });

  it('GS1 check digits', () => {
    expect(gs1CheckDigit('460123456789')).toBe(3);
    expect(gs1CheckDigit('03600029145')).toBe(2);
  });
});

describe('inventory filters', () => {
  it('treat empty fields as no filter and coerce the page', () => {
    expect(stockFilterSchema.parse({ warehouse: '', q: '  ', page: '3', class: '' })).toEqual({ by: 'location', page: 3 });
    expect(stockFilterSchema.parse({ warehouse: 'msk' }).warehouse).toBe('MSK');
  });

  it('refuse nonsense', () => {
    expect(stockFilterSchema.safeParse({ page: '0' }).success).toBe(false);
    expect(stockFilterSchema.safeParse({ class: 'warm' }).success).toBe(false);
    expect(stockFilterSchema.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
  });
});

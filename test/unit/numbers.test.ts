import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainDecimal, plainInteger } from '../../src/http/numbers.ts';
import { relocationSchema } from '../../src/inventory/service.ts';
import { receiptInputSchema } from '../../src/inbound/schemas.ts';
import { issueFieldError } from '../../src/http/issues.ts';

const quantity = z.preprocess(plainInteger, z.number().int().positive().max(1_000));
const celsius = z.preprocess(plainDecimal, z.number().min(-80).max(60));

describe('numbers as typed into a form or sent in JSON', () => {
  it('reads plain digits, with a sign and around spaces, and JSON numbers', () => {
    expect(quantity.parse('12')).toBe(12);
    expect(quantity.parse(' 7 ')).toBe(7);
    expect(quantity.parse('+3')).toBe(3);
    expect(quantity.parse(5)).toBe(5);
    expect(celsius.parse('-18,5')).toBe(-18.5);
    expect(celsius.parse('4.25')).toBe(4.25);
    expect(celsius.parse(-2)).toBe(-2);
    // A spreadsheet's whole numbers, a typographic minus, a decimal point on either side.
    expect(quantity.parse('5.0')).toBe(5);
    expect(quantity.parse('5,00')).toBe(5);
    expect(celsius.parse('\u221218,5')).toBe(-18.5);
    expect(celsius.parse('\u20134')).toBe(-4);
    expect(celsius.parse('4.')).toBe(4);
    expect(celsius.parse('.5')).toBe(0.5);
  });

  it('refuses what Number() would read but nobody means as a quantity', () => {
    for (const v of ['1e1', '0x10', '0b11', '1_000', '', ' ', 'Infinity', '1.5', '1,5', '١٢', true, false, [1], { n: 1 }]) {
      expect(quantity.safeParse(v).success, JSON.stringify(v)).toBe(false);
    }
    for (const v of ['1e1', '0x10', '.', '1,2,3', '4..5', '--4', true, [4]]) expect(celsius.safeParse(v).success, JSON.stringify(v)).toBe(false);
  });

  it('a value that is not a number is a field error in the user language', () => {
    const r = quantity.safeParse('1e1');
    expect(r.success).toBe(false);
    if (!r.success) expect(issueFieldError(r.error.issues[0]!, 'quantity')).toEqual({ path: 'quantity', key: 'error.notANumber' });
  });

  it('the move and receiving forms refuse "1e1", "0x10" and a JSON true for a quantity', () => {
    const move = { warehouse: 'MSK', product: 'X', from: 'A', to: 'B', idempotency_key: 'k-12345678' };
    for (const q of ['1e1', '0x10', true, [1]]) {
      expect(relocationSchema.safeParse({ ...move, quantity: q }).success, JSON.stringify(q)).toBe(false);
      expect(receiptInputSchema.safeParse({ idempotency_key: "k-12345678", scan: '4600000000008', quantity: q }).success, JSON.stringify(q)).toBe(false);
    }
    expect(relocationSchema.parse({ ...move, quantity: '10' }).quantity).toBe(10);
  });
});

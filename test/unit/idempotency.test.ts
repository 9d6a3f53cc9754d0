import { describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../src/db/idempotency.ts';

describe('requestFingerprint', () => {
  it('is the same for the same request, whatever the order of its fields, its key, or fields left out', () => {
    const a = requestFingerprint('order', { warehouse: 'MSK', lines: [{ sku: 'A', quantity: 1 }], note: undefined, idempotency_key: 'k1' });
    const b = requestFingerprint('order', { lines: [{ quantity: 1, sku: 'A' }], warehouse: 'MSK', idempotency_key: 'k2' });
    expect(a).toBe(b);
  });

  it('differs for another value, another target, and another moment (the same instant in any offset is equal)', () => {
    const base = { warehouse: 'MSK', ship_by: { at: new Date('2026-12-01T10:00:00Z') } };
    const f = requestFingerprint('order', base);
    expect(requestFingerprint('order', { ...base, ship_by: { at: new Date('2026-12-05T10:00:00Z') } })).not.toBe(f);
    expect(requestFingerprint('order', { ...base, ship_by: { at: new Date('2026-12-01T13:00:00+03:00') } })).toBe(f);
    expect(requestFingerprint('order', { ...base, warehouse: 'ALA' })).not.toBe(f);
    expect(requestFingerprint('receipt:1', base)).not.toBe(f);
  });
});

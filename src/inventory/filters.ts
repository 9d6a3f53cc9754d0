import { z } from 'zod';
import { moveReasons, temperatureClasses } from '../db/schema/index.ts';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const optionalCode = z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(40).optional());
const isoDate = z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(s))).optional());

/** Filters of the inventory page, its CSV export and GET /api/v1/stock. */
export const stockFilterSchema = z.object({
  warehouse: optionalCode,
  seller: optionalCode,
  class: z.preprocess(blankToUndefined, z.enum(temperatureClasses).optional()),
  q: optionalText(200),
  sku: optionalText(80),
  location: optionalCode,
  by: z.preprocess(blankToUndefined, z.enum(['location', 'product']).default('location')),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1)),
});
export type StockFilter = z.output<typeof stockFilterSchema>;

/** Filters of the ledger page and GET /api/v1/ledger. */
export const ledgerFilterSchema = z.object({
  warehouse: optionalCode,
  seller: optionalCode,
  q: optionalText(200),
  sku: optionalText(80),
  reason: z.preprocess(blankToUndefined, z.enum(moveReasons).optional()),
  since: isoDate,
  until: isoDate,
  before: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
});
export type LedgerFilter = z.output<typeof ledgerFilterSchema>;

/** Strips the AIM symbology identifier (]E0, ]C1, ]d2, ]Q3 …) a scanner may send first. */
export function stripSymbology(scan: string): string {
  return scan.replace(/^\][A-Za-z][0-9A-Za-z]/, '');
}

/** The codes a scanned or typed barcode may be stored as (EAN-13 ⇄ UPC-A ⇄ GTIN-14). */
export function barcodeCandidates(raw: string): string[] {
  const code = stripSymbology(raw.trim());
  const out = new Set([code]);
  if (/^\d{12}$/.test(code)) out.add('0' + code);
  if (/^0\d{12}$/.test(code)) out.add(code.slice(1));
  if (/^0\d{13}$/.test(code)) out.add(code.slice(1));
  if (/^00\d{12}$/.test(code)) out.add(code.slice(2));
  return [...out];
}

import { z } from 'zod';
import { moveReasons, temperatureClasses } from '../db/schema/index.ts';
import { parseScan } from '../barcodes/gs1.ts';
import { plainInteger } from '../http/numbers.ts';

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const optionalCode = z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(40).optional());
/** A real calendar day: 2024-02-30 and year 0000 are refused. */
export const isRealDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getUTCFullYear() >= 1;
};
export const isoDate = z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isRealDate).optional());
/** An RFC 3339 moment with its offset: 2026-11-29T10:59:00Z, 2026-11-29T13:59:00.5+03:00. */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;
export const isMoment = (s: string) => s.length > 10;
/** A day (YYYY-MM-DD, in the warehouse's calendar) or an exact moment (RFC 3339 with offset). */
export const dayOrMoment = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? isRealDate(s) : RFC3339.test(s) && isRealDate(RFC3339.exec(s)![1]!) && !Number.isNaN(Date.parse(s))))
    .optional(),
);

/** Filters of the inventory page, its CSV export and GET /api/v1/stock. */
export const stockFilterSchema = z.object({
  warehouse: optionalCode,
  seller: optionalCode,
  class: z.preprocess(blankToUndefined, z.enum(temperatureClasses).optional()),
  q: optionalText(200),
  sku: optionalText(80),
  location: optionalCode,
  by: z.preprocess(blankToUndefined, z.enum(['location', 'product']).default('location')),
  page: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(1).max(1_000_000).default(1))),
});
export type StockFilter = z.output<typeof stockFilterSchema>;

/** Filters of the ledger page and GET /api/v1/ledger. */
export const ledgerFilterSchema = z.object({
  warehouse: optionalCode,
  seller: optionalCode,
  q: optionalText(200),
  sku: optionalText(80),
  reason: z.preprocess(blankToUndefined, z.enum(moveReasons).optional()),
  since: dayOrMoment,
  until: dayOrMoment,
  before: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().positive().optional())),
});
export type LedgerFilter = z.output<typeof ledgerFilterSchema>;

/** Strips the AIM symbology identifier (]E0, ]C1, ]d2, ]Q3 …) a scanner may send first. */
export function stripSymbology(scan: string): string {
  return scan.replace(/^\][A-Za-z][0-9A-Za-z]/, '');
}

/**
 * The codes a scanned or typed barcode may be stored as. A GS1 scan (a case label's GS1-128,
 * a DataMatrix, a Chestny ZNAK code) stands for its GTIN; a GTIN may be stored as GTIN-14,
 * EAN-13 or UPC-A. Whatever was typed is tried as it is too (internal and marketplace codes).
 */
export function barcodeCandidates(raw: string): string[] {
  const code = stripSymbology(raw.trim());
  const out = new Set([code]);
  const scan = parseScan(raw);
  const gtin = scan.ok ? scan.gtin : undefined;
  if (gtin) {
    out.add(gtin);
    if (gtin.startsWith('0')) out.add(gtin.slice(1));
    if (gtin.startsWith('00')) out.add(gtin.slice(2));
  }
  return [...out];
}

import { z } from 'zod';
import { realLocationKinds } from '../db/schema/index.ts';
import { labelFormats } from './labels.ts';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** A warehouse, zone or location code as typed: trimmed, upper-case (codes are stored so). */
const code = z.preprocess(blank, z.string().trim().toUpperCase().max(40).optional());

/** The query of GET /labels/locations. Without a warehouse the page shows its form only. */
export const locationLabelQuerySchema = z
  .object({
    warehouse: code,
    zone: code,
    /** A kind of location, or `zone`: one label per zone (scanned to type the zone's temperature). */
    kind: z.preprocess(blank, z.enum([...realLocationKinds, 'zone']).optional()),
    /** An inclusive range of location codes, in code point order (see label-queries.ts). */
    from: code,
    to: code,
    format: z.preprocess(blank, z.enum(labelFormats).default('a4')),
  })
  .refine((q) => !q.from || !q.to || !(q.from > q.to), { path: ['to'], message: 'range' });
export type LocationLabelQuery = z.output<typeof locationLabelQuerySchema>;

export type LocationLabelQueryErrors = Partial<Record<keyof LocationLabelQuery, 'invalid' | 'range'>>;

/** The fields a query failed on, by name ("range" when from comes after to). */
export function locationLabelQueryErrors(error: z.ZodError): LocationLabelQueryErrors {
  const out: LocationLabelQueryErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || !(field in locationLabelQuerySchema.shape)) continue;
    out[field as keyof LocationLabelQuery] ??= issue.message === 'range' ? 'range' : 'invalid';
  }
  return out;
}

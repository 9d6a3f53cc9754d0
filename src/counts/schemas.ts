import { z } from 'zod';
import { adjustmentReasons, countScopes } from '../db/schema/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { plainInteger } from '../http/numbers.ts';
import { blankToUndefined } from '../inventory/filters.ts';

const code = (max: number) => z.string().trim().toUpperCase().min(1).max(max);
const optionalText = (max: number) => z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(max).optional());

/** A new cycle count: a zone, a range of location codes, or a product, in one warehouse. */
export const countSchema = z
  .object({
    warehouse: code(20),
    scope: z.enum(countScopes),
    zone: z.preprocess((v) => (v === '' ? undefined : v), code(40).optional()),
    from_code: z.preprocess((v) => (v === '' ? undefined : v), code(40).optional()),
    to_code: z.preprocess((v) => (v === '' ? undefined : v), code(40).optional()),
    product: optionalText(200),
    recount_above: z.preprocess((v) => (v === '' || v === undefined ? 0 : v), z.preprocess(plainInteger, z.number().int().min(0).max(100_000))),
    note: optionalText(500),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'zone' && !v.zone) ctx.addIssue({ code: 'custom', path: ['zone'], message: 'required' });
    if (v.scope === 'range' && !v.from_code) ctx.addIssue({ code: 'custom', path: ['from_code'], message: 'required' });
    if (v.scope === 'range' && !v.to_code) ctx.addIssue({ code: 'custom', path: ['to_code'], message: 'required' });
    if (v.scope === 'range' && v.from_code && v.to_code && v.from_code > v.to_code) ctx.addIssue({ code: 'custom', path: ['to_code'], message: 'order' });
    if (v.scope === 'product' && !v.product) ctx.addIssue({ code: 'custom', path: ['product'], message: 'required' });
  });
export type CountInput = z.output<typeof countSchema>;

/** One scan while counting: a barcode or SKU, an optional lot (code or expiry date), how many. */
export const countScanSchema = z.object({
  scan: z.string().trim().min(1).max(200),
  lot: z.preprocess((v) => (v === undefined ? '' : v), z.string().trim().max(80)),
  quantity: z.preprocess((v) => (v === '' || v === undefined ? 1 : v), z.preprocess(plainInteger, z.number().int().positive().max(100_000))),
  idempotency_key: z.string().trim().min(8).max(100),
  /** The pass the screen was showing (1, or 2 for the recount): a scan for an ended pass is refused. */
  pass: z.preprocess((v) => (v === '' ? undefined : v), z.preprocess(plainInteger, z.number().int().min(1).max(2).optional())),
});

/** An adjustment: units found (add) or gone (remove) in one location, with a reason. */
export const adjustmentSchema = z
  .object({
    warehouse: code(20),
    location: code(40),
    product: z.string().trim().min(1).max(200),
    lot: z.preprocess((v) => (v === undefined ? '' : v), z.string().trim().max(80)),
    direction: z.enum(['add', 'remove']),
    quantity: z.preprocess(plainInteger, z.number().int().positive().max(1_000_000)),
    reason: z.preprocess(blankToUndefined, z.enum(adjustmentReasons)),
    note: optionalText(500),
    idempotency_key: z.string().trim().min(8).max(100),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'found' && v.direction !== 'add') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'direction' });
    if (['damaged', 'lost', 'expired'].includes(v.reason) && v.direction !== 'remove') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'direction' });
  });
export type AdjustmentInput = z.output<typeof adjustmentSchema>;

export const decisionSchema = z.object({ decision: z.enum(['approve', 'reject']), note: optionalText(500) });
// A blank threshold is not 0 (which would send every adjustment to a manager): it is refused.
export const thresholdSchema = z.object({ warehouse: code(20), units: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.preprocess(plainInteger, z.number().int().min(0).max(1_000_000))) });

const messages: Record<string, FieldError['key']> = {
  quantity: 'error.quantityPositiveInteger',
  recount_above: 'counts.error.recountAbove',
  units: 'counts.error.threshold',
  direction: 'counts.error.invalid',
  reason: 'adjustments.error.chooseReason',
};

/** Parses with a schema; failures become one 422 with a message per field. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const seen = new Set<string>();
  const fieldErrors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const path = String(issue.path[0] ?? '');
    if (seen.has(path)) continue;
    seen.add(path);
    const key: FieldError['key'] =
      issue.message === 'direction' ? 'counts.error.reasonDirection' : issue.message === 'order' ? 'counts.error.rangeOrder' : issue.message !== 'required' && messages[path] ? messages[path] : issue.message === 'required' || issue.code === 'invalid_type' || issue.code === 'too_small' ? 'error.required' : 'counts.error.invalid';
    fieldErrors.push({ path, key });
  }
  throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors });
}

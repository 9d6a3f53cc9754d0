import { z } from 'zod';
import { orderChannels } from '../db/schema/index.ts';
import { blankToUndefined, isRealDate, optionalText } from '../inventory/filters.ts';
import { plainInteger } from '../http/numbers.ts';

const code = (max: number) => z.string().trim().toUpperCase().min(1).max(max);
/** A ship-by moment: RFC 3339 with offset, or a date (end of that day in UTC). */
const shipBy = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .max(40)
    .transform((s, ctx) => {
      // A day (the end of it, UTC), or a moment with its offset; 30 February is neither.
      const day = /^\d{4}-\d{2}-\d{2}$/.test(s);
      const moment = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s);
      const d = day ? new Date(`${s}T12:00:00Z`) : moment ? new Date(s) : new Date(NaN);
      if (!(day || moment) || !isRealDate(s.slice(0, 10)) || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000 || d.getUTCFullYear() > 2100) {
        ctx.addIssue({ code: 'custom', message: 'ship_by' });
        return z.NEVER;
      }
      // A bare day means the end of that day in the warehouse's time zone (resolved on creation).
      return day ? { day: s } : { at: d };
    })
    .optional(),
);

/** An order as the page, the CSV import and POST /api/v1/orders send it. */
export const orderInputSchema = z.object({
  warehouse: code(20),
  seller: z.preprocess(blankToUndefined, code(40).optional()),
  channel: z.enum(orderChannels).default('manual'),
  external_id: z.string().trim().min(1).max(80),
  ship_by: shipBy,
  note: optionalText(500),
  lines: z
    .array(z.object({ sku: z.string().trim().min(1).max(80), quantity: z.preprocess(plainInteger, z.number().int().positive().max(100_000)), requires_marking: z.boolean().default(false), external_ref: optionalText(40) }))
    .min(1)
    .max(500),
});
export type OrderInput = z.input<typeof orderInputSchema>;
export type ParsedOrder = z.output<typeof orderInputSchema>;

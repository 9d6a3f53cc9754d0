import { z } from 'zod';
import { receiptConditions, sealStates, temperatureClasses, transportModes } from '../db/schema/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { MessageKey } from '../i18n/index.ts';
import { blankToUndefined, isRealDate, isoDate, optionalText } from '../inventory/filters.ts';
import { issueFieldError } from '../http/issues.ts';
import { looksLikeScan } from '../barcodes/messages.ts';
import { plainDecimal, plainInteger } from '../http/numbers.ts';

/** "2025-02-30T25:61" is no time at all: the day must exist, hours < 24, minutes and seconds < 60. */
const isRealWallClock = (s: string) => {
  const [d = '', t = ''] = s.split('T');
  const [h = 0, m = 0, sec = 0] = t.split(':').map(Number);
  return isRealDate(d) && h < 24 && m < 60 && sec < 60;
};

const code = (max: number) => z.string().trim().toUpperCase().min(1).max(max);
const optionalCode = (max: number) => z.preprocess(blankToUndefined, code(max).optional());
/** Seal numbers as typed: separated by spaces, commas or new lines. */
const sealList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : v),
  z.array(z.string().trim().min(1).max(40)).max(20).default([]),
);

/** An ASN as the pages and POST /api/v1/inbound-shipments send it. */
export const shipmentInputSchema = z.object({
  warehouse: code(20),
  seller: optionalCode(40),
  // Printed as Code 128 on the ASN label and scanned at the dock: Latin letters, digits, signs.
  reference: z.string().trim().min(1).max(40).regex(/^[\x21-\x7e]( ?[\x21-\x7e])*$/),
  eta: isoDate,
  transport: z.object({
    mode: z.enum(transportModes),
    tir_carnet: optionalText(40),
    vehicle_plate: optionalText(20),
    trailer_plate: optionalText(20),
    container: optionalText(20),
    seals: sealList,
  }),
  note: optionalText(500),
  lines: z
    .array(
      z.object({
        sku: z.string().trim().min(1).max(80),
        quantity: z.preprocess(plainInteger, z.number().int().positive().max(1_000_000)),
        lot: optionalText(40),
        expiry: isoDate,
      }),
    )
    .min(1)
    .max(500),
  /** Pages save a draft first; integrations announce goods that are already expected. */
  draft: z.boolean().default(false),
});
export type ShipmentInput = z.input<typeof shipmentInputSchema>;

const celsius = z.preprocess(blankToUndefined, z.preprocess(plainDecimal, z.number().min(-80).max(80).optional()));

/** Arrival at the dock (tablet form). `arrived_at` is the warehouse's wall-clock time. */
export const arrivalInputSchema = z.object({
  arrived_at: z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/).refine(isRealWallClock).optional()),
  dock: optionalCode(40),
  seals: z.array(z.object({ seal: z.string().trim().min(1).max(40), state: z.enum(sealStates), note: optionalText(200) })).max(40).default([]),
  temperatures: z.partialRecord(z.enum(temperatureClasses), celsius).default({}),
  note: optionalText(500),
});
export type ArrivalInput = z.input<typeof arrivalInputSchema>;

/**
 * The lot and expiry fields of a receipt: a lot as typed (at most 40 characters), a real
 * YYYY-MM-DD day, or the case's GS1 label scanned into either field (what an operator asked for
 * a lot does). A scan passes here as it is, and receiving reads its (10) and (17) from it.
 */
const receiptLot = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .max(500)
    .superRefine((v, ctx) => {
      if (v.length > 40 && !looksLikeScan(v)) ctx.addIssue({ code: 'too_big', origin: 'string', maximum: 40, inclusive: true, input: v, message: 'At most 40 characters' });
    })
    .optional(),
);
const receiptExpiry = z.preprocess(blankToUndefined, z.string().trim().max(500).refine((v) => looksLikeScan(v) || (/^\d{4}-\d{2}-\d{2}$/.test(v) && isRealDate(v))).optional());

/** One scan at the dock, from the scanner screen or POST …/receipts. */
export const receiptInputSchema = z
  .object({
    scan: z.preprocess(blankToUndefined, z.string().max(500).optional()),
    sku: optionalText(80),
    quantity: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().positive().max(100_000).default(1))),
    lot: receiptLot,
    expiry: receiptExpiry,
    condition: z.preprocess(blankToUndefined, z.enum(receiptConditions).default('good')),
    temperature_c: celsius,
    /** Receive although the line is already well over what the ASN expects. */
    confirm_over: z.preprocess((v) => v === 'on' || v === '1' || v === 'true' || v === true, z.boolean()).default(false),
    idempotency_key: z.string().trim().min(8).max(100),
  })
  .refine((v) => v.scan !== undefined || v.sku !== undefined, { path: ['scan'], message: 'scan or sku' });
export type ReceiptInput = z.input<typeof receiptInputSchema>;

/** A putaway: from the scanner screen (the label scanned must be the one suggested) or the API. */
export const putawayInputSchema = z.object({
  warehouse: code(20),
  seller: optionalCode(40),
  sku: z.string().trim().min(1).max(200),
  lot: optionalText(40),
  from_location: code(40),
  to_location: code(40),
  quantity: z.preprocess(plainInteger, z.number().int().positive().max(1_000_000)),
  /** Set by the scanner screen: the location the operator was sent to. */
  suggested: optionalCode(40),
  idempotency_key: z.string().trim().min(8).max(100),
});
export type PutawayInput = z.input<typeof putawayInputSchema>;

const messages: Record<string, MessageKey> = {
  quantity: 'error.quantityPositiveInteger',
  reference: 'inbound.error.referenceChars',
  warehouse: 'error.required',
  sku: 'error.required',
  eta: 'inbound.error.badDate',
  expiry: 'inbound.error.badDate',
  lines: 'inbound.error.noLines',
  scan: 'inbound.error.scanOrSku',
  idempotency_key: 'error.required',
  from_location: 'error.required',
  weight_kg: 'outbound.error.badWeight',
  to_location: 'error.required',
};

/** Parses an input or throws a 422 whose field errors name each field (e.g. `lines.2.quantity`). */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fieldErrors = parsed.error.issues.map((i): FieldError => {
    const path = i.path.map(String).join('.');
    const last = String(i.path[i.path.length - 1] ?? '');
    const generic = issueFieldError(i, path);
    if (generic.key === 'error.required' && last !== 'lines') return generic;
    // Too many at once: the message names the most one entry takes.
    if (last === 'quantity' && i.code === 'too_big') return { path, key: 'inbound.error.quantityAtMost', params: { max: Number(i.maximum) } };
    const key = messages[last] ?? (i.code === 'too_small' && last === 'lines' ? 'inbound.error.noLines' : i.path[0] === 'temperatures' ? 'inbound.error.badTemperature' : undefined);
    return key ? { path, key, params: { detail: i.message } } : generic;
  });
  throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors });
}

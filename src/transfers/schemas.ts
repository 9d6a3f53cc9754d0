import { z } from 'zod';
import { receiptConditions, sealStates, transportModes } from '../db/schema/index.ts';
import { blankToUndefined, isoDate, optionalText } from '../inventory/filters.ts';
import { plainDecimal, plainInteger } from '../http/numbers.ts';

const code = (max: number) => z.string().trim().toUpperCase().min(1).max(max);
const sealList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : v),
  z.array(z.string().trim().min(1).max(40)).max(20).default([]),
);

/** A transfer as the page and POST /api/v1/transfers send it. */
export const transferInputSchema = z.object({
  from_warehouse: code(20),
  to_warehouse: code(20),
  transport: z.object({
    mode: z.enum(transportModes),
    tir_carnet: optionalText(40),
    vehicle_plate: optionalText(20),
    trailer_plate: optionalText(20),
    container: optionalText(20),
    seals: sealList,
    reefer: z.boolean().default(false),
  }),
  eta: z.preprocess(blankToUndefined, isoDate.optional()),
  note: optionalText(500),
  lines: z
    .array(
      z.object({
        sku: z.string().trim().min(1).max(80),
        seller: z.preprocess(blankToUndefined, code(40).optional()),
        lot: optionalText(40),
        quantity: z.preprocess(plainInteger, z.number().int().positive().max(1_000_000)),
      }),
    )
    .min(1)
    .max(500),
});
export type TransferInput = z.output<typeof transferInputSchema>;

export const dispatchInputSchema = z.object({
  seals: sealList.optional(),
  vehicle_plate: optionalText(20),
  documents: optionalText(500),
  note: optionalText(500),
});

export const arrivalInputSchema = z.object({
  dock: z.preprocess(blankToUndefined, code(40).optional()),
  seals: z.array(z.object({ seal: z.string().trim().min(1).max(40), state: z.enum(sealStates), note: optionalText(200) })).max(20).default([]),
  celsius: z.preprocess(blankToUndefined, z.preprocess(plainDecimal, z.number().finite().min(-80).max(60).optional())),
  note: optionalText(500),
});

export const transferReceiptSchema = z
  .object({
    scan: z.preprocess(blankToUndefined, z.string().max(400).optional()),
    sku: z.preprocess(blankToUndefined, z.string().trim().max(80).optional()),
    lot: optionalText(40),
    quantity: z.preprocess(plainInteger, z.number().int().positive().max(100_000).default(1)),
    condition: z.enum(receiptConditions).default('good'),
    /** A manager's confirmation to receive more than was dispatched. */
    confirm_over: z.boolean().default(false),
    idempotency_key: z.string().trim().min(8).max(100),
  })
  .refine((r) => r.scan || r.sku, { message: 'scan or sku', path: ['scan'] });

export const writeOffSchema = z.object({ note: z.string().trim().min(1).max(500) });

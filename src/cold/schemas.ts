import { z } from 'zod';
import { capacityUnits, temperatureClasses } from '../db/schema/index.ts';
import { blankToUndefined, optionalText } from '../inventory/filters.ts';
import { plainDecimal, plainInteger } from '../http/numbers.ts';

/** A temperature as typed: "-18,5" or "−18.5" (a typographic minus) is −18.5. */
export const celsiusText = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim().replace(/[−–]/g, '-').replace(',', '.')) : v),
  z.preprocess(plainDecimal, z.number().finite().min(-80).max(60)),
);
const optionalCelsius = z.preprocess(blankToUndefined, celsiusText.optional());
const optionalInt = (min: number, max: number) => z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(min).max(max).optional()));

/** A cold (or any) zone as the zone form sends it. */
export const zoneInputSchema = z
  .object({
    code: z.string().trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9-]{0,19}$/),
    name: z.string().trim().min(1).max(80),
    temperature_class: z.enum(temperatureClasses),
    min_celsius: optionalCelsius,
    max_celsius: optionalCelsius,
    log_interval_minutes: optionalInt(1, 1440),
  })
  .refine((z) => z.min_celsius === undefined || z.max_celsius === undefined || z.min_celsius <= z.max_celsius, { message: 'min > max', path: ['max_celsius'] });
export type ZoneInput = z.output<typeof zoneInputSchema>;

/** A slot (a location of a zone) as the slot form sends it. */
export const slotInputSchema = z.object({
  aisle: z.string().trim().toUpperCase().regex(/^[A-Z]{1,4}$/),
  rack: z.preprocess(plainInteger, z.number().int().min(1).max(9999)),
  level: z.preprocess(plainInteger, z.number().int().min(1).max(99)),
  position: z.preprocess(plainInteger, z.number().int().min(1).max(99)),
  code: z.preprocess(blankToUndefined, z.string().trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/).optional()),
  capacity: optionalInt(1, 10_000_000),
  capacity_unit: z.enum(capacityUnits).default('units'),
});
export type SlotInput = z.output<typeof slotInputSchema>;

export const slotUpdateSchema = z.object({
  capacity: optionalInt(1, 10_000_000),
  capacity_unit: z.enum(capacityUnits).default('units'),
  active: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});

/** A reading typed on the scanner screen: the slot or zone label, and °C; the form's own key. */
export const manualReadingSchema = z.object({
  warehouse: z.string().trim().toUpperCase().min(1).max(20),
  target: z.string().trim().toUpperCase().min(1).max(40),
  celsius: celsiusText,
  // Each rendered form carries one; a form without it (an old page) records without the check.
  idempotency_key: z.preprocess(blankToUndefined, z.string().trim().min(8).max(100).optional()),
});

export const decisionNoteSchema = optionalText(500);

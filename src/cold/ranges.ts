import type { TemperatureClass } from '../db/schema/index.ts';

export type Range = { min: number | null; max: number | null };

/** What a new zone of a class starts with (editable per zone). */
export const DEFAULT_RANGES: Record<TemperatureClass, Range> = {
  ambient: { min: 15, max: 25 },
  chilled: { min: 2, max: 8 },
  frozen: { min: null, max: -18 },
  deep_frozen: { min: null, max: -25 },
};

/** Minutes between readings a new cold zone expects; ambient zones are not monitored unless set. */
export const DEFAULT_LOG_INTERVAL = 15;

export const inRangeOf = (c: number, r: Range): boolean => (r.min === null || c >= r.min) && (r.max === null || c <= r.max);

export const inZoneRange = (c: number, zone: { minCelsius: number | null; maxCelsius: number | null }): boolean =>
  inRangeOf(c, { min: zone.minCelsius === null ? null : Number(zone.minCelsius), max: zone.maxCelsius === null ? null : Number(zone.maxCelsius) });

/** How far outside the range a reading is (0 inside): the peak of an excursion is the furthest. */
export function outside(c: number, r: Range): number {
  if (r.max !== null && c > r.max) return c - r.max;
  if (r.min !== null && c < r.min) return r.min - c;
  return 0;
}

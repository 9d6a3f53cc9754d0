import type { TemperatureClass } from '../db/schema/index.ts';
import { inRange, type Range } from '../inbound/temperature.ts';

export type { Range };

/** What a new zone of a class starts with (editable per zone). */
export const DEFAULT_RANGES: Record<TemperatureClass, Range> = {
  ambient: { min: 15, max: 25 },
  chilled: { min: 2, max: 8 },
  frozen: { min: null, max: -18 },
  deep_frozen: { min: null, max: -25 },
};

/** Minutes between readings a new cold zone expects; ambient zones are not monitored unless set. */
export const DEFAULT_LOG_INTERVAL = 15;

/** The range a zone (or an excursion, which keeps the one it was judged against) allows. */
export const rangeOf = (x: { minCelsius: number | null; maxCelsius: number | null }): Range => ({ min: x.minCelsius, max: x.maxCelsius });

export const inZoneRange = (c: number, zone: { minCelsius: number | null; maxCelsius: number | null }): boolean => inRange(c, rangeOf(zone));

/** How far outside the range a reading is (0 inside): the peak of an excursion is the furthest. */
export function outside(c: number, r: Range): number {
  if (r.max !== null && c > r.max) return c - r.max;
  if (r.min !== null && c < r.min) return r.min - c;
  return 0;
}

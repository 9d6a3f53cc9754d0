import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { zones, type TemperatureClass } from '../db/schema/index.ts';

export type Range = { min: number | null; max: number | null };

/**
 * The temperature a product of a class may have, from the warehouse's zones of that class
 * (ranges live in data: zones carry min and max °C). Several zones widen the range; none
 * means the warehouse cannot hold the class at all (null).
 */
export async function classRange(tx: Tx, warehouseId: number, cls: TemperatureClass): Promise<Range | null> {
  const rows = await tx.select({ min: zones.minCelsius, max: zones.maxCelsius }).from(zones).where(and(eq(zones.warehouseId, warehouseId), eq(zones.temperatureClass, cls)));
  if (rows.length === 0) return null;
  const mins = rows.map((r) => r.min);
  const maxs = rows.map((r) => r.max);
  return {
    min: mins.some((m) => m === null) ? null : Math.min(...(mins as number[])),
    max: maxs.some((m) => m === null) ? null : Math.max(...(maxs as number[])),
  };
}

export const inRange = (c: number, r: Range): boolean => (r.min === null || c >= r.min) && (r.max === null || c <= r.max);

/** Classes whose goods are checked for temperature at arrival. */
export const isColdClass = (cls: TemperatureClass): boolean => cls !== 'ambient';

/** "2025-03-01T14:30" on the warehouse's wall clock → the instant. */
export function wallClockToInstant(local: string, timeZone: string): Date {
  const [d, t] = local.split('T') as [string, string];
  const [y, mo, da] = d.split('-').map(Number) as [number, number, number];
  const [h, mi, se = 0] = t.split(':').map(Number) as [number, number, number?];
  const guess = Date.UTC(y, mo - 1, da, h, mi, se);
  // The zone's offset at that moment (twice: the offset may change around the guess).
  let at = guess - offsetMs(new Date(guess), timeZone);
  at = guess - offsetMs(new Date(at), timeZone);
  return new Date(at);
}

// Building an Intl formatter costs far more than using one: one per time zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant shown as the warehouse's wall clock, for a datetime-local field. */
export function instantToWallClock(at: Date, timeZone: string): string {
  return new Date(at.getTime() + offsetMs(at, timeZone)).toISOString().slice(0, 16);
}

/** Today's date in the warehouse. */
export function localToday(timeZone: string, now = new Date()): string {
  return instantToWallClock(now, timeZone).slice(0, 10);
}

/**
 * GS1 dates: YYMMDD with the century from the sliding window of GS1 General Specifications §7.12,
 * and day 00 meaning "the last day of the month" where the AI allows it (11, 12, 13, 15, 16, 17).
 */

/**
 * The four-digit year of a two-digit GS1 year, relative to `currentYear` (§7.12): if YY minus the
 * current two-digit year is 51…99 the date is in the previous century, if it is −99…−50 in the
 * next century, otherwise in the current one. With 2025 as the current year: 75 → 2075, 76 → 1976.
 */
export function gs1Year(yy: number, currentYear: number): number {
  const current = ((currentYear % 100) + 100) % 100;
  const century = currentYear - current;
  const diff = yy - current;
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The last day (28…31) of `month` (1…12) in `year`. */
export function lastDayOfMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** An ISO date YYYY-MM-DD, or null when the day does not exist (31 April, 29 February 2025, month 13…). */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (month < 1 || month > 12 || day < 1 || day > lastDayOfMonth(year, month)) return null;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export type Gs1DateOptions = {
  /** "Today" for the century window; defaults to the current date (its UTC year is used). */
  now?: Date;
  /** Day 00 = last day of the month (true for AIs 11, 12, 13, 15, 16, 17). */
  allowDayZero?: boolean;
};

/** A GS1 YYMMDD as an ISO date, or null when it is not six digits or not a real date. */
export function parseGs1Date(yymmdd: string, options: Gs1DateOptions = {}): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const year = gs1Year(Number(yymmdd.slice(0, 2)), (options.now ?? new Date()).getUTCFullYear());
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  if (day === 0 && options.allowDayZero && month >= 1 && month <= 12) day = lastDayOfMonth(year, month);
  return isoDate(year, month, day);
}

/** A YYYYMMDD (AI 7250, date of birth) as an ISO date, or null. */
export function parseYyyymmdd(yyyymmdd: string): string | null {
  if (!/^\d{8}$/.test(yyyymmdd)) return null;
  return isoDate(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)), Number(yyyymmdd.slice(6, 8)));
}

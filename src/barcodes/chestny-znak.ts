/**
 * Chestny ZNAK (Честный ЗНАК, the Russian mandatory marking) DataMatrix codes. They are GS1
 * element strings:
 *
 *   long:   01 GTIN(14) 21 serial(13, up to 20) GS 91 key id(4) GS 92 crypto tail(44 or 88)
 *   short:  01 GTIN(14) 21 serial(6, 7 or 13) GS 93 crypto tail(4)      [dairy, water, beer …]
 *
 * A correct scan parses like any element string. Some scanners drop the GS characters (they are
 * not printable). This module finds where they must have been, so the generic parser can split
 * the fields there and the serial is kept exactly.
 */
import { GS } from './gs1-element-string.ts';

// Characters of a Chestny ZNAK field: printable ASCII, never GS (0x1d < 0x21) nor space.
const LONG = /^01\d{14}21([!-~]{1,20})(\u001d?)91([!-~]{4})(\u001d?)92(?:[!-~]{44}|[!-~]{88})$/;
// Only used when the GS before 93 is missing (with the GS the generic parse is right anyway);
// the serial lengths Chestny ZNAK uses keep a genuine 12–19 character serial from being cut.
const SHORT_WITHOUT_GS = /^01\d{14}21([!-~]{6}|[!-~]{7}|[!-~]{13})93[!-~]{4}(?:\u001d|$)/;

/**
 * Indexes in `data` (an element string without symbology identifier) where a variable-length
 * field ends although the scanner sent no GS there; [] when nothing is missing or `data` is not a
 * Chestny ZNAK code.
 */
export function chestnyZnakSplits(data: string): number[] {
  const serialStart = 18; // "01" + 14 digits + "21"
  const long = LONG.exec(data);
  if (long) {
    const serialEnd = serialStart + long[1]!.length;
    const keyEnd = serialEnd + long[2]!.length + 2 + 4;
    const splits: number[] = [];
    if (long[2] !== GS) splits.push(serialEnd);
    if (long[4] !== GS) splits.push(keyEnd);
    return splits;
  }
  const short = SHORT_WITHOUT_GS.exec(data);
  if (short) return [serialStart + short[1]!.length];
  return [];
}

/** True when these fields are a Chestny ZNAK marking code: GTIN, serial and a crypto tail (92 or 93). */
export function isChestnyZnak(ais: Readonly<Record<string, string>>): boolean {
  return ais['01'] !== undefined && ais['21'] !== undefined && ((ais['91'] !== undefined && ais['92'] !== undefined) || ais['93'] !== undefined);
}

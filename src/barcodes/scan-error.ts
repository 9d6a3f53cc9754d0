/**
 * Why a scan was rejected. The `code` and the fields next to it are meant to become a message in
 * the user's language (the UI owns the wording); `message` is English for logs only.
 *
 * - EMPTY            nothing but whitespace (or a symbology identifier alone) was scanned
 * - NOT_DIGITS       a numeric field, or an EAN/UPC/GTIN, holds something else than 0–9 (`found`)
 * - BAD_CHARACTER    a character the field may not hold (`found`): outside the GS1 82-character
 *                    set, e.g. a Cyrillic letter typed by a scanner on a Russian keyboard layout,
 *                    a space, a control character
 * - BAD_CHECK_DIGIT  GTIN, SSCC, GLN… check digit wrong (`expected` / `found`, `position` of the
 *                    check digit)
 * - BAD_DATE         a date or time that does not exist: month 13, 30 February, 31 April, 25:00
 *                    (`found` holds the digits)
 * - UNKNOWN_AI       the digits at `position` are not an application identifier Caravan knows
 *                    (or not digits at all where an AI must start); `ai` holds what was found
 * - TOO_LONG         a variable-length field longer than its maximum (`max`, `length`), a fixed
 *                    one longer than its length (human-readable form), or EAN/UPC digits too many
 * - TRUNCATED        the scan (or a GS) ends a fixed-length field or an AI before it is complete,
 *                    or a field is empty (`min`, `length`)
 * - DUPLICATE_AI     the same AI twice with different values
 * - BAD_VALUE        a value breaks a rule of its AI other than the above (a yes/no flag not 0/1,
 *                    piece number above the total, a GRAI not starting with 0 …)
 */
export type ScanErrorCode =
  | 'EMPTY'
  | 'NOT_DIGITS'
  | 'BAD_CHARACTER'
  | 'BAD_CHECK_DIGIT'
  | 'BAD_DATE'
  | 'UNKNOWN_AI'
  | 'TOO_LONG'
  | 'TRUNCATED'
  | 'DUPLICATE_AI'
  | 'BAD_VALUE';

export const SCAN_ERROR_CODES: readonly ScanErrorCode[] = [
  'EMPTY',
  'NOT_DIGITS',
  'BAD_CHARACTER',
  'BAD_CHECK_DIGIT',
  'BAD_DATE',
  'UNKNOWN_AI',
  'TOO_LONG',
  'TRUNCATED',
  'DUPLICATE_AI',
  'BAD_VALUE',
];

export type ScanError = {
  code: ScanErrorCode;
  /** English, for logs. Show users a translation of `code` with the fields below as parameters. */
  message: string;
  /** The application identifier concerned, e.g. "17" (absent for plain EAN/UPC scans and EMPTY). */
  ai?: string;
  /** 0-based index in the raw scan (symbology identifier and leading whitespace included). */
  position?: number;
  /** The offending text: the wrong character, the wrong check digit, the impossible date. */
  found?: string;
  /** What should have been there, e.g. the correct check digit. */
  expected?: string;
  /** Length limits of the field, and the length found. */
  min?: number;
  max?: number;
  length?: number;
};

export const scanError = (code: ScanErrorCode, message: string, details: Omit<ScanError, 'code' | 'message'> = {}): ScanError => ({
  code,
  message,
  ...details,
});

/**
 * What a keyboard-wedge scanner types, parsed: `parseScan(raw)`.
 *
 * A scan is, after trimming the whitespace scanners append (CR, LF, TAB, spaces) and an optional
 * AIM symbology identifier (`]C1`, `]d2`, `]Q3`, `]E0`, `]E4` …, see symbology.ts):
 *
 * - kind `gs1`:   a GS1 element string — `]C1`/`]d2`/`]Q3`/`]e0`/`]J1` scans always; without an
 *                 identifier when it starts with GS (FNC1), contains a GS, starts with "(" + AI
 *                 + ")" (the human-readable form), or is 16+ characters starting with 00–03 + digits
 *                 (an SSCC or GTIN field first). Chestny ZNAK marking codes are of this kind and
 *                 also carry `markingCode` / `markingId`.
 * - kind `gtin`:  EAN-13, UPC-A, EAN-8, GTIN-14 (`]E0`/`]E4`/`]E3` scans, or 8/12/13/14 digits
 *                 without identifier), `gtin` normalised to 14 digits, check digit verified.
 * - kind `other`: anything else — an Ozon `OZN…` label, an internal code, a URL: `code` is what to
 *                 look up as a plain barcode. Nothing is validated.
 *
 * Bad input never throws: the result is `{ ok: false, error }` with a machine code (scan-error.ts).
 * Callers that also accept internal all-digit codes may look the scan up before showing a
 * BAD_CHECK_DIGIT error for a plain 8/12/13/14-digit scan.
 */
import { isChestnyZnak, chestnyZnakSplits } from './chestny-znak.ts';
import { expandUpcE, gtinCheckDigit, hasValidCheckDigit, upcEBody } from './check-digit.ts';
import { AI_TABLE, aiLabel } from './gs1-ai-table.ts';
import { parseGs1Date } from './gs1-date.ts';
import { GS, encodeElementString, looksHumanReadable, parseElementString, parseHumanReadable, type ElementsResult, type Gs1Element } from './gs1-element-string.ts';
import { scanError, type ScanError } from './scan-error.ts';
import { AIM_PREFIX, identifySymbology, type Symbology } from './symbology.ts';

export { expandUpcE, gtinCheckDigit, hasValidCheckDigit, isValidGtin, isValidSscc, normalizeGtin, upcEBody } from './check-digit.ts';
export { AI_TABLE, PREDEFINED_LENGTHS, aiDefinition, aiLabel, hasPredefinedLength, type AiDefinition } from './gs1-ai-table.ts';
export { gs1Year, lastDayOfMonth, parseGs1Date } from './gs1-date.ts';
export { GS, encodeElementString, parseElementString, parseHumanReadable, toHumanReadable, type Gs1Element } from './gs1-element-string.ts';
export { SCAN_ERROR_CODES, type ScanError, type ScanErrorCode } from './scan-error.ts';
export { identifySymbology, type Symbology } from './symbology.ts';
export { chestnyZnakSplits, isChestnyZnak } from './chestny-znak.ts';

export type ScanKind = 'gs1' | 'gtin' | 'other';

export type ScanSuccess = {
  ok: true;
  kind: ScanKind;
  /** The scan exactly as received. */
  raw: string;
  /** The scan without symbology identifier and surrounding whitespace (GS characters kept). */
  code: string;
  /** Display name of the symbology when the scanner sent an AIM identifier: "GS1-128", "GS1 DataMatrix", "EAN-13" … */
  symbology?: string;
  /** The AIM identifier as sent, e.g. "]d2". */
  aim?: string;

  /** (01), or the EAN/UPC of a `gtin` scan — always 14 digits. */
  gtin?: string;
  /** (02) GTIN of the trade items contained in a logistic unit. */
  contentGtin?: string;
  /** (00) */
  sscc?: string;
  /** (10) */
  lot?: string;
  /** (21) */
  serial?: string;
  /** (17) as ISO YYYY-MM-DD (day 00 resolved to the last day of the month). */
  expiry?: string;
  /** (15) ISO date. */
  bestBefore?: string;
  /** (16) ISO date. */
  sellBy?: string;
  /** (11) ISO date. */
  productionDate?: string;
  /** (13) ISO date. */
  packagingDate?: string;
  /** (37) count of trade items in a logistic unit. */
  count?: number;
  /** (30) variable count of items. */
  variableCount?: number;
  /** The 2- or 5-digit EAN add-on of a `]E3` scan. */
  addOn?: string;

  /** Every field by AI, values as encoded (dates YYMMDD). A `gtin` scan has { "01": gtin }. */
  ais: Record<string, string>;
  /** The fields in scan order, each with its position in `raw`. */
  elements: Gs1Element[];
  /** ISO dates of the plain YYMMDD date AIs (11, 12, 13, 15, 16, 17, 4326, 7006), by AI. */
  dates: Record<string, string>;

  /**
   * A Chestny ZNAK marking code as it is to be stored and sent on: the element string with GS
   * separators where they belong (restored when the scanner dropped them), no symbology identifier.
   */
  markingCode?: string;
  /** The identification part of the marking code: "01" + GTIN + "21" + serial. */
  markingId?: string;
};

export type ScanFailure = {
  ok: false;
  raw: string;
  symbology?: string;
  aim?: string;
  error: ScanError;
};

export type ScanResult = ScanSuccess | ScanFailure;

export type ParseScanOptions = {
  /** "Today" for the century of two-digit years (GS1 §7.12 sliding window); defaults to now. */
  now?: Date;
};

// Whitespace (and NUL) a scanner or a browser puts around a scan. GS (U+001D) is not part of it.
const LEADING = /^[\s\0]*/;
const TRAILING = /[\s\0]*$/;
// U+241D "SYMBOL FOR GROUP SEPARATOR": what some keyboard wedges type for GS; same length, so positions hold.
const GS_SYMBOL = /\u241d/g;

/** The ISO-date fields of the result, by AI. */
const DATE_FIELDS = { '11': 'productionDate', '13': 'packagingDate', '15': 'bestBefore', '16': 'sellBy', '17': 'expiry' } as const;

type Frame = { raw: string; symbology?: Symbology };

function fail(frame: Frame, error: ScanError): ScanFailure {
  const result: ScanFailure = { ok: false, raw: frame.raw, error };
  if (frame.symbology) {
    result.symbology = frame.symbology.name;
    result.aim = frame.symbology.aim;
  }
  return result;
}

function success(frame: Frame, kind: ScanKind, code: string, symbologyName?: string): ScanSuccess {
  const result: ScanSuccess = { ok: true, kind, raw: frame.raw, code, ais: {}, elements: [], dates: {} };
  if (frame.symbology) {
    result.symbology = symbologyName ?? frame.symbology.name;
    result.aim = frame.symbology.aim;
  }
  return result;
}

/** Parses what a scanner typed. Never throws. */
export function parseScan(raw: string, options: ParseScanOptions = {}): ScanResult {
  const text = String(raw ?? '').replace(GS_SYMBOL, GS);
  const frame: Frame = { raw };
  const lead = LEADING.exec(text)?.[0].length ?? 0;
  const end = Math.max(lead, text.length - (TRAILING.exec(text)?.[0].length ?? 0));
  let start = lead;
  const aim = AIM_PREFIX.exec(text.slice(start, end));
  if (aim) {
    frame.symbology = identifySymbology(aim[0]);
    start += aim[0].length;
  }
  if (start >= end) return fail(frame, scanError('EMPTY', 'Nothing was scanned'));
  const data = text.slice(start, end);

  switch (frame.symbology?.mode ?? 'plain') {
    case 'gs1':
      return gs1Scan(frame, data, start, options);
    case 'ean':
      return eanScan(frame, data, start, 'ean');
    case 'ean8':
      return eanScan(frame, data, start, 'ean8');
    case 'ean-addon':
      return eanScan(frame, data, start, 'ean-addon');
    case 'addon':
      return success(frame, 'other', data);
    case 'plain':
      if (looksHumanReadable(data) || data.includes(GS)) return gs1Scan(frame, data, start, options);
      if (/^(?:\d{8}|\d{12,14})$/.test(data)) return gtinScan(frame, data, start);
      if (/^0[0-3]\d{14}/.test(data)) return gs1Scan(frame, data, start, options);
      return success(frame, 'other', data);
  }
}

/** A plain EAN/UPC/GTIN of 8, 12, 13 or 14 digits. */
function gtinScan(frame: Frame, digits: string, base: number, symbologyName?: string): ScanResult {
  if (!hasValidCheckDigit(digits)) {
    const expected = String(gtinCheckDigit(digits.slice(0, -1)));
    const position = base + digits.length - 1;
    return fail(
      frame,
      scanError('BAD_CHECK_DIGIT', `GTIN ${digits}: check digit should be ${expected}, not ${digits.slice(-1)} (position ${position})`, {
        position,
        expected,
        found: digits.slice(-1),
      }),
    );
  }
  const gtin = digits.padStart(14, '0');
  const result = success(frame, 'gtin', digits, symbologyName);
  result.gtin = gtin;
  result.ais = { '01': gtin };
  result.elements = [{ ai: '01', value: gtin, position: base }];
  return result;
}

/** Data after `]E0` (EAN-13, UPC-A, UPC-E), `]E4` (EAN-8) or `]E3` (EAN-13 + add-on). */
function eanScan(frame: Frame, data: string, base: number, mode: 'ean' | 'ean8' | 'ean-addon'): ScanResult {
  const bad = /\D/.exec(data);
  if (bad) {
    const position = base + bad.index;
    return fail(frame, scanError('NOT_DIGITS', `${frame.symbology?.name ?? 'EAN'} must be digits, found ${JSON.stringify(bad[0])} at position ${position}`, { position, found: bad[0] }));
  }
  const lengths = mode === 'ean' ? [8, 12, 13] : mode === 'ean8' ? [8] : [15, 18];
  if (!lengths.includes(data.length)) {
    const max = Math.max(...lengths);
    const min = Math.min(...lengths);
    const tooLong = data.length > max;
    const name = frame.symbology?.name ?? 'EAN';
    return fail(
      frame,
      tooLong
        ? scanError('TOO_LONG', `${name} has ${data.length} digits, at most ${max} expected (position ${base + max})`, { position: base + max, max, length: data.length })
        : scanError('TRUNCATED', `${name} has ${data.length} digits, ${lengths.join(' or ')} expected (position ${base + data.length})`, {
            position: base + data.length,
            min,
            length: data.length,
          }),
    );
  }
  if (mode === 'ean-addon') {
    const result = gtinScan(frame, data.slice(0, 13), base);
    if (result.ok) {
      result.code = data;
      result.addOn = data.slice(13);
    }
    return result;
  }
  if (mode === 'ean' && data.length === 8) {
    // UPC-E: compare the check digit on the expanded UPC-A.
    const upcA = expandUpcE(data);
    if (!upcA) {
      if (!/^[01]/.test(data)) {
        return fail(frame, scanError('BAD_VALUE', `UPC-E ${data} must start with 0 or 1 (position ${base})`, { position: base, found: data }));
      }
      const expected = String(gtinCheckDigit(upcEBody(data)!));
      return fail(
        frame,
        scanError('BAD_CHECK_DIGIT', `UPC-E ${data}: check digit should be ${expected}, not ${data.slice(-1)} (position ${base + 7})`, {
          position: base + 7,
          expected,
          found: data.slice(-1),
        }),
      );
    }
    const result = gtinScan(frame, upcA, base, 'UPC-E');
    if (result.ok) result.code = data;
    return result;
  }
  return gtinScan(frame, data, base, mode === 'ean' && data.length === 12 ? 'UPC-A' : undefined);
}

/** A GS1 element string, raw or human-readable. */
function gs1Scan(frame: Frame, data: string, base: number, options: ParseScanOptions): ScanResult {
  const now = options.now;
  const parsed: ElementsResult = looksHumanReadable(data)
    ? parseHumanReadable(data, { base, now })
    : parseElementString(data, { base, now, splits: chestnyZnakSplits(data.replace(/\u001d+$/, '')) });
  if (!parsed.ok) return fail(frame, parsed.error);
  if (parsed.elements.length === 0) return fail(frame, scanError('EMPTY', 'Nothing was scanned', { position: base }));

  const result = success(frame, 'gs1', data);
  for (const element of parsed.elements) {
    const previous = result.ais[element.ai];
    if (previous !== undefined) {
      if (previous === element.value) continue;
      return fail(
        frame,
        scanError('DUPLICATE_AI', `${aiLabel(element.ai)} appears twice with different values (position ${element.position})`, {
          ai: element.ai,
          position: element.position,
          found: element.value,
          expected: previous,
        }),
      );
    }
    result.ais[element.ai] = element.value;
    result.elements.push(element);
    const spec = AI_TABLE.get(element.ai)?.spec;
    if (spec === 'N6,yymmd0' || spec === 'N6,yymmdd') {
      const iso = parseGs1Date(element.value, { allowDayZero: spec === 'N6,yymmd0', now });
      if (iso) result.dates[element.ai] = iso;
    }
  }

  const { ais, dates } = result;
  if (ais['01'] !== undefined) result.gtin = ais['01'];
  if (ais['02'] !== undefined) result.contentGtin = ais['02'];
  if (ais['00'] !== undefined) result.sscc = ais['00'];
  if (ais['10'] !== undefined) result.lot = ais['10'];
  if (ais['21'] !== undefined) result.serial = ais['21'];
  for (const [ai, field] of Object.entries(DATE_FIELDS)) {
    const iso = dates[ai];
    if (iso !== undefined) result[field] = iso;
  }
  if (ais['37'] !== undefined) result.count = Number(ais['37']);
  if (ais['30'] !== undefined) result.variableCount = Number(ais['30']);
  if (isChestnyZnak(ais)) {
    result.markingCode = encodeElementString(result.elements);
    result.markingId = `01${ais['01']}21${ais['21']}`;
  }
  return result;
}

/**
 * GS1 element strings: `01` + GTIN + `17` + date + `10` + lot …, as a scanner transmits them
 * (FNC1 separators sent as GS, ASCII 29), or in the human-readable form with parentheses.
 */
import { gtinCheckDigit, hasValidCheckDigit } from './check-digit.ts';
import { AI_LENGTH_BY_PREFIX, AI_TABLE, aiLabel, hasPredefinedLength, type AiDefinition, type Charset, type Component } from './gs1-ai-table.ts';
import { parseGs1Date, parseYyyymmdd } from './gs1-date.ts';
import { scanError, type ScanError } from './scan-error.ts';

/** The group separator (ASCII 29) a scanner sends for FNC1 between fields. */
export const GS = '\u001d';

/** One field of a GS1 element string. */
export type Gs1Element = {
  ai: string;
  /** The value exactly as encoded (dates stay YYMMDD here). */
  value: string;
  /** 0-based index of the AI's first digit in the raw scan. */
  position: number;
};

export type ElementsResult = { ok: true; elements: Gs1Element[] } | { ok: false; error: ScanError };

export type ElementParseOptions = {
  /** Index in the raw scan of `data`'s first character, so that error positions refer to the raw scan. */
  base?: number;
  /** "Today" for the century of YYMMDD dates (GS1 §7.12); defaults to now. */
  now?: Date;
  /**
   * Indexes in `data` where a variable-length field ends although no GS is there (a scanner that
   * dropped the separator; see chestny-znak.ts).
   */
  splits?: readonly number[];
};

const forbidden: Record<Charset, RegExp> = {
  N: /[^0-9]/,
  // GS1 AI encodable character set 82 (General Specifications Figure 7.11-1).
  X: /[^!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]/,
  // Character set 39: digits, upper case letters, # - /.
  Y: /[^#\-/0-9A-Z]/,
  // Character set 64: base64url, = as padding.
  Z: /[^\-0-9A-Z_a-z=]/,
};

const describe = (ch: string) => {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(ch);
};

function checkComponent(def: AiDefinition, c: Component, part: string, at: number, now: Date | undefined): ScanError | null {
  const label = aiLabel(def.ai);
  const bad = forbidden[c.charset].exec(part);
  if (bad) {
    const position = at + bad.index;
    const found = bad[0];
    return c.charset === 'N'
      ? scanError('NOT_DIGITS', `${label} must be digits, found ${describe(found)} at position ${position}`, { ai: def.ai, position, found })
      : scanError('BAD_CHARACTER', `${label} may not contain ${describe(found)} (position ${position})`, { ai: def.ai, position, found });
  }
  const badDate = (what: string) =>
    scanError('BAD_DATE', `${label}: ${part} is not a valid ${what} (position ${at})`, { ai: def.ai, position: at, found: part });
  const badValue = (why: string) => scanError('BAD_VALUE', `${label}: ${why} (position ${at})`, { ai: def.ai, position: at, found: part });
  const validTime = (hh: string, mi: string) => Number(hh) <= 23 && Number(mi) <= 59;
  for (const linter of c.linters) {
    switch (linter) {
      case 'csum':
        if (!hasValidCheckDigit(part)) {
          const expected = String(gtinCheckDigit(part.slice(0, -1)));
          const position = at + part.length - 1;
          return scanError('BAD_CHECK_DIGIT', `${label} ${part}: check digit should be ${expected}, not ${part.slice(-1)} (position ${position})`, {
            ai: def.ai,
            position,
            expected,
            found: part.slice(-1),
          });
        }
        break;
      case 'yymmd0':
      case 'yymmdd': {
        if (parseGs1Date(part, { now, allowDayZero: linter === 'yymmd0' }) === null) return badDate('date (YYMMDD)');
        break;
      }
      case 'yyyymmdd':
        if (parseYyyymmdd(part) === null) return badDate('date (YYYYMMDD)');
        break;
      case 'yymmddhh':
        if (parseGs1Date(part.slice(0, 6), { now }) === null || !validTime(part.slice(6, 8), '00')) return badDate('date and hour (YYMMDDHH)');
        break;
      case 'hhmi':
        if (!validTime(part.slice(0, 2), part.slice(2, 4))) return badDate('time (HHMM)');
        break;
      case 'mmoptss':
        if (part.length !== 2 && part.length !== 4) return badValue('minutes (MM) or minutes and seconds (MMSS) expected');
        if (!validTime('00', part.slice(0, 2)) || (part.length === 4 && !validTime('00', part.slice(2, 4)))) return badDate('time (MMSS)');
        break;
      case 'yesno':
        if (part !== '0' && part !== '1') return badValue('0 or 1 expected');
        break;
      case 'zero':
        if (!/^0+$/.test(part)) return badValue('must be 0');
        break;
      case 'nonzero':
        if (/^0+$/.test(part)) return badValue('must not be 0');
        break;
      case 'hyphen':
        if (!/^-+$/.test(part)) return badValue('only "-" allowed');
        break;
      case 'pieceoftotal': {
        const half = part.length / 2;
        const piece = Number(part.slice(0, half));
        const total = Number(part.slice(half));
        if (piece < 1 || total < 1 || piece > total) return badValue(`piece ${piece} of ${total}`);
        break;
      }
    }
  }
  return null;
}

/**
 * Checks `value` against the format of its AI: length, characters, check digits, dates, other
 * rules. `at` is the index of the value's first character in the raw scan.
 */
export function validateAiValue(def: AiDefinition, value: string, at: number, now?: Date): ScanError | null {
  const label = aiLabel(def.ai);
  if (value.length > def.maxLength) {
    return scanError('TOO_LONG', `${label} is ${value.length} characters long, at most ${def.maxLength} allowed (position ${at + def.maxLength})`, {
      ai: def.ai,
      position: at + def.maxLength,
      max: def.maxLength,
      length: value.length,
    });
  }
  let offset = 0;
  for (const c of def.components) {
    const remaining = value.length - offset;
    if (remaining === 0 && c.optional) break;
    const length = c.min === c.max ? c.max : Math.min(remaining, c.max);
    if (remaining < length || length < c.min) {
      return scanError('TRUNCATED', `${label} is ${value.length} characters long, ${def.fixedLength ?? `at least ${offset + c.min}`} expected (position ${at + value.length})`, {
        ai: def.ai,
        position: at + value.length,
        min: def.fixedLength ?? offset + c.min,
        length: value.length,
      });
    }
    const error = checkComponent(def, c, value.slice(offset, offset + length), at + offset, now);
    if (error) return error;
    offset += length;
  }
  if (offset < value.length) {
    return scanError('TOO_LONG', `${label} is ${value.length} characters long, ${offset} expected (position ${at + offset})`, {
      ai: def.ai,
      position: at + offset,
      max: offset,
      length: value.length,
    });
  }
  return null;
}

type AiLookup = { ok: true; def: AiDefinition } | { ok: false; error: ScanError };

/** The AI starting at `pos` in `data`. */
function readAi(data: string, pos: number, base: number): AiLookup {
  const position = base + pos;
  const unknown = (ai: string): AiLookup => ({
    ok: false,
    error: scanError('UNKNOWN_AI', `Unknown application identifier ${JSON.stringify(ai)} at position ${position}`, { ai, position }),
  });
  const truncated = (digits: string, min: number): AiLookup => ({
    ok: false,
    error: scanError('TRUNCATED', `The data ends inside application identifier "${digits}" (position ${position + digits.length})`, {
      ai: digits,
      position: position + digits.length,
      min,
      length: digits.length,
    }),
  });
  // The AI's digits, up to 4, stopping at a GS or the end of the data.
  const digits = /^\d{0,4}/.exec(data.slice(pos, pos + 4))?.[0] ?? '';
  const next = data[pos + digits.length];
  const cutShort = next === undefined || next === GS;
  if (digits.length < 2) return cutShort && digits.length === 1 ? truncated(digits, 2) : unknown(data.slice(pos, pos + 2).replace(GS, ''));
  const length = AI_LENGTH_BY_PREFIX.get(digits.slice(0, 2));
  if (length === undefined) return unknown(digits.slice(0, 2));
  if (digits.length < length) return cutShort ? truncated(digits, length) : unknown(data.slice(pos, pos + length));
  const ai = digits.slice(0, length);
  const def = AI_TABLE.get(ai);
  return def ? { ok: true, def } : unknown(ai);
}

/**
 * Parses a GS1 element string as a scanner sends it: fields with a predefined length (AIs
 * starting 00–04, 11–20, 31–36, 41) need no separator; every other field ends at a GS or at the
 * end of the data. GS characters at the start (FNC1 in first position sent as GS), doubled or at
 * the end are ignored. A field of another fixed length (e.g. 8005) followed directly by the next
 * AI without GS is accepted too: its end is known.
 */
export function parseElementString(data: string, options: ElementParseOptions = {}): ElementsResult {
  const base = options.base ?? 0;
  const splits = [...(options.splits ?? [])].sort((a, b) => a - b);
  const elements: Gs1Element[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === GS) {
      pos++;
      continue;
    }
    const lookup = readAi(data, pos, base);
    if (!lookup.ok) return lookup;
    const { def } = lookup;
    const start = pos + def.ai.length;
    let end: number;
    if (def.fixedLength !== undefined) {
      end = start + def.fixedLength;
      const gs = data.indexOf(GS, start);
      const cut = gs >= 0 ? gs : data.length;
      if (cut < end) {
        const length = cut - start;
        return {
          ok: false,
          error: scanError('TRUNCATED', `${aiLabel(def.ai)} has ${length} characters, ${def.fixedLength} expected (position ${base + cut})`, {
            ai: def.ai,
            position: base + cut,
            min: def.fixedLength,
            length,
          }),
        };
      }
    } else {
      const gs = data.indexOf(GS, start);
      end = gs >= 0 ? gs : data.length;
      const split = splits.find((s) => s > start && s < end);
      if (split !== undefined) end = split;
      if (end - start < def.minLength) {
        return {
          ok: false,
          error: scanError('TRUNCATED', `${aiLabel(def.ai)} is empty (position ${base + start})`, { ai: def.ai, position: base + start, min: def.minLength, length: end - start }),
        };
      }
    }
    const value = data.slice(start, end);
    const error = validateAiValue(def, value, base + start, options.now);
    if (error) return { ok: false, error };
    elements.push({ ai: def.ai, value, position: base + pos });
    pos = end;
  }
  return { ok: true, elements };
}

/** True when `data` starts like the human-readable form "(01)…". */
export const looksHumanReadable = (data: string): boolean => /^\(\d{2,4}\)/.test(data);

/**
 * Parses the human-readable form `(01)05901234123457(17)250630(10)LOT42` (someone typing the
 * text under the barcode). A value runs to the next "(digits)"; spaces around values are ignored
 * (a space is never part of a GS1 value).
 */
export function parseHumanReadable(data: string, options: ElementParseOptions = {}): ElementsResult {
  const base = options.base ?? 0;
  const marks = [...data.matchAll(/\((\d{2,4})\)/g)];
  const elements: Gs1Element[] = [];
  const first = marks[0];
  if (!first || first.index !== 0) {
    return { ok: false, error: scanError('UNKNOWN_AI', 'The human-readable form must start with an AI in parentheses (position 0)', { position: base }) };
  }
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i]!;
    const ai = mark[1]!;
    const aiPosition = base + mark.index + 1;
    const def = AI_TABLE.get(ai);
    if (!def) return { ok: false, error: scanError('UNKNOWN_AI', `Unknown application identifier ${ai} at position ${aiPosition}`, { ai, position: aiPosition }) };
    let start = mark.index + mark[0].length;
    let end = marks[i + 1]?.index ?? data.length;
    while (start < end && data[start] === ' ') start++;
    while (end > start && data[end - 1] === ' ') end--;
    const value = data.slice(start, end);
    if (value.length < def.minLength) {
      return {
        ok: false,
        error: scanError('TRUNCATED', `${aiLabel(ai)} has ${value.length} characters, ${def.fixedLength ?? `at least ${def.minLength}`} expected (position ${base + end})`, {
          ai,
          position: base + end,
          min: def.minLength,
          length: value.length,
        }),
      };
    }
    const error = validateAiValue(def, value, base + start, options.now);
    if (error) return { ok: false, error };
    elements.push({ ai, value, position: aiPosition });
  }
  return { ok: true, elements };
}

/**
 * The element string a scanner would send for these fields: a GS after every field that has no
 * predefined length, except the last. Round-trips with parseElementString.
 */
export function encodeElementString(elements: ReadonlyArray<{ ai: string; value: string }>): string {
  return elements.map((e, i) => e.ai + e.value + (i < elements.length - 1 && !hasPredefinedLength(e.ai) ? GS : '')).join('');
}

/** The human-readable form "(01)05901234123457(10)LOT42". */
export function toHumanReadable(elements: ReadonlyArray<{ ai: string; value: string }>): string {
  return elements.map((e) => `(${e.ai})${e.value}`).join('');
}

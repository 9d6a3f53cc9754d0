import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AI_TABLE,
  GS,
  PREDEFINED_LENGTHS,
  SCAN_ERROR_CODES,
  aiDefinition,
  encodeElementString,
  expandUpcE,
  gs1Year,
  gtinCheckDigit,
  isValidGtin,
  isValidSscc,
  normalizeGtin,
  parseGs1Date,
  parseScan,
  toHumanReadable,
  type ScanErrorCode,
  type ScanFailure,
  type ScanResult,
  type ScanSuccess,
} from '../../src/barcodes/gs1.ts';
import { AI_LENGTH_BY_PREFIX } from '../../src/barcodes/gs1-ai-table.ts';
import { gs1CheckDigit } from '../../seeds/barcodes.ts';

type Vector = { scan: string; expect?: Record<string, string>; error?: string; note?: string };
const fixture = JSON.parse(readFileSync(new URL('../fixtures/barcodes/gs1-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] };

/** The fixture names what is wrong in words; these are the parser's codes for them. */
const errorKinds: Record<string, ScanErrorCode> = {
  'check digit': 'BAD_CHECK_DIGIT',
  date: 'BAD_DATE',
  'unknown ai': 'UNKNOWN_AI',
  'too long': 'TOO_LONG',
  truncated: 'TRUNCATED',
  digits: 'NOT_DIGITS',
  character: 'BAD_CHARACTER',
  empty: 'EMPTY',
};

const NOW = new Date('2025-06-15T12:00:00Z');

function ok(result: ScanResult): ScanSuccess {
  if (!result.ok) throw new Error(`expected a successful parse of ${JSON.stringify(result.raw)}, got ${result.error.code}: ${result.error.message}`);
  return result;
}

function failed(result: ScanResult): ScanFailure {
  if (result.ok) throw new Error(`expected ${JSON.stringify(result.raw)} to be rejected, got ${JSON.stringify(result.ais)}`);
  return result;
}

const isDateAi = (ai: string) => /^N6,yymmd[0d]$/.test(aiDefinition(ai)?.spec ?? '');

describe('GS1 fixture vectors', () => {
  it('has vectors', () => {
    expect(fixture.vectors.length).toBeGreaterThan(0);
  });

  it.each(fixture.vectors.map((v) => [v.note ?? JSON.stringify(v.scan), v] as const))('%s', (_name, vector) => {
    const result = parseScan(vector.scan);
    if (vector.error !== undefined) {
      const code = errorKinds[vector.error];
      expect(code, `unknown error kind "${vector.error}" in the fixture`).toBeDefined();
      expect(failed(result).error.code).toBe(code);
      return;
    }
    const parsed = ok(result);
    for (const [key, value] of Object.entries(vector.expect ?? {})) {
      if (key === 'symbology') expect(parsed.symbology, key).toBe(value);
      else if (key === 'gtin') expect(parsed.gtin, key).toBe(value);
      else if (/^\d{2,4}$/.test(key)) expect(isDateAi(key) ? parsed.dates[key] : parsed.ais[key], `AI ${key}`).toBe(value);
      else throw new Error(`unknown expectation "${key}" in the fixture`);
    }
  });
});

describe('check digits (GS1 General Specifications §7.9)', () => {
  it('computes the examples of the specification and of well-known codes', () => {
    expect(gtinCheckDigit('629104150021')).toBe(3); // GenSpecs Figure 7.9.1-2, GTIN-13
    expect(gtinCheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gtinCheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gtinCheckDigit('9638507')).toBe(4); // EAN-8 96385074
    expect(gtinCheckDigit('10614141123456789')).toBe(7); // SSCC (00) 106141411234567897
    expect(() => gtinCheckDigit('12a')).toThrow(RangeError);
  });

  it('agrees with the seed generator on random bodies', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 200; i++) {
      const body = String(next()).padStart(10, '0') + String(next() % 1000).padStart(3, '0');
      expect(gtinCheckDigit(body)).toBe(gs1CheckDigit(body));
    }
  });

  it('validates GTIN-8/12/13/14 and SSCC, normalising to 14 digits', () => {
    for (const code of ['96385074', '036000291452', '4006381333931', '6291041500213', '10012345678902']) expect(isValidGtin(code), code).toBe(true);
    for (const code of ['96385075', '036000291453', '4006381333932', '123', '40063813339310000', '400638133393A']) expect(isValidGtin(code), code).toBe(false);
    expect(normalizeGtin('96385074')).toBe('00000096385074');
    expect(normalizeGtin('036000291452')).toBe('00036000291452');
    expect(normalizeGtin('4006381333932')).toBeNull();
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(isValidSscc('106141411234567898')).toBe(false);
  });

  it('expands UPC-E to UPC-A', () => {
    expect(expandUpcE('01234565')).toBe('012345000065');
    expect(expandUpcE('01234566')).toBeNull();
    expect(expandUpcE('21234565')).toBeNull();
  });
});

describe('plain EAN / UPC / GTIN scans', () => {
  it('normalises EAN-13, UPC-A, EAN-8 and GTIN-14 to a 14-digit GTIN', () => {
    expect(ok(parseScan('4006381333931'))).toMatchObject({ kind: 'gtin', gtin: '04006381333931', code: '4006381333931', ais: { '01': '04006381333931' } });
    expect(ok(parseScan('036000291452')).gtin).toBe('00036000291452');
    expect(ok(parseScan('96385074')).gtin).toBe('00000096385074');
    expect(ok(parseScan('10012345678902')).gtin).toBe('10012345678902');
  });

  it('reads the EAN/UPC symbology identifiers', () => {
    expect(ok(parseScan(']E4' + '96385074'))).toMatchObject({ kind: 'gtin', symbology: 'EAN-8', aim: ']E4', gtin: '00000096385074' });
    expect(ok(parseScan(']E0' + '036000291452'))).toMatchObject({ symbology: 'UPC-A', gtin: '00036000291452' });
    expect(ok(parseScan(']E0' + '01234565'))).toMatchObject({ symbology: 'UPC-E', gtin: '00012345000065', code: '01234565' });
    expect(ok(parseScan(']E3' + '400638133393112'))).toMatchObject({ symbology: 'EAN-13 with add-on', gtin: '04006381333931', addOn: '12' });
  });

  it('rejects a bad check digit, with the expected digit and its position', () => {
    expect(failed(parseScan('4006381333932')).error).toMatchObject({ code: 'BAD_CHECK_DIGIT', position: 12, expected: '1', found: '2' });
    expect(failed(parseScan(']E0' + '4006381333932')).error).toMatchObject({ code: 'BAD_CHECK_DIGIT', position: 15 });
  });

  it('rejects letters and wrong lengths after an EAN identifier', () => {
    expect(failed(parseScan(']E0' + '40063813A3931')).error).toMatchObject({ code: 'NOT_DIGITS', position: 11, found: 'A' });
    expect(failed(parseScan(']E0' + '40063813339')).error).toMatchObject({ code: 'TRUNCATED', position: 14 });
    expect(failed(parseScan(']E4' + '963850745')).error).toMatchObject({ code: 'TOO_LONG', position: 11 });
  });
});

describe('GS1 element strings', () => {
  it('needs no GS after fixed-length AIs that are not last', () => {
    const r = ok(parseScan('0105901234123457' + '11250101' + '13250102' + '15260600' + '16260500' + '17260630' + '10LOT-1', { now: NOW }));
    expect(r).toMatchObject({
      kind: 'gs1',
      gtin: '05901234123457',
      productionDate: '2025-01-01',
      packagingDate: '2025-01-02',
      bestBefore: '2026-06-30',
      sellBy: '2026-05-31',
      expiry: '2026-06-30',
      lot: 'LOT-1',
    });
    expect(r.elements.map((e) => e.ai)).toEqual(['01', '11', '13', '15', '16', '17', '10']);
  });

  it('ends variable-length fields at GS: the GS1 FNC1-as-GS convention of a ]d2 scan', () => {
    const scan = ']d2' + '0104601234567893' + '10ABC123' + GS + '21SN-0001' + GS + '17270228' + '3724';
    const r = ok(parseScan(scan, { now: NOW }));
    expect(r).toMatchObject({ symbology: 'GS1 DataMatrix', aim: ']d2', gtin: '04601234567893', lot: 'ABC123', serial: 'SN-0001', expiry: '2027-02-28', count: 24 });
    expect(r.code).toBe(scan.slice(3));
    expect(r.elements.find((e) => e.ai === '21')?.position).toBe(3 + 16 + 8 + 1);
  });

  it('treats a leading GS (FNC1 in first position) as the start of a GS1 string', () => {
    expect(ok(parseScan(GS + '0104601234567893' + '10L1' + GS + '17251200', { now: NOW }))).toMatchObject({ kind: 'gs1', lot: 'L1', expiry: '2025-12-31' });
  });

  it('reads a logistic label: SSCC, content GTIN, count, lot', () => {
    const r = ok(parseScan(']C1' + '00106141411234567897' + '02' + '04601234567893' + '37' + '120' + GS + '10B42'));
    expect(r).toMatchObject({ symbology: 'GS1-128', sscc: '106141411234567897', contentGtin: '04601234567893', count: 120, lot: 'B42' });
    expect(r.gtin).toBeUndefined();
  });

  it('reads (30), (240), (241), (400), (420), (421) and company internal (91)–(99)', () => {
    const scan = '0104601234567893' + '3012' + GS + '240ADD-1' + GS + '241CUST-9' + GS + '400PO-2025/77' + GS + '420123456' + GS + '421643101000' + GS + '99' + 'x'.repeat(90);
    const r = ok(parseScan(scan));
    expect(r.variableCount).toBe(12);
    expect(r.ais).toMatchObject({ '240': 'ADD-1', '241': 'CUST-9', '400': 'PO-2025/77', '420': '123456', '421': '643101000', '99': 'x'.repeat(90) });
  });

  it('accepts a variable-length field at its maximum length, last or followed by GS', () => {
    const lot = 'A'.repeat(20);
    expect(ok(parseScan('0104601234567893' + '10' + lot)).lot).toBe(lot);
    expect(ok(parseScan('0104601234567893' + '10' + lot + GS + '21' + 'S'.repeat(20))).serial).toBe('S'.repeat(20));
  });

  it('rejects a lot longer than 20 characters, pointing at the first extra one', () => {
    const error = failed(parseScan('0104601234567893' + '10' + 'A'.repeat(21))).error;
    expect(error).toMatchObject({ code: 'TOO_LONG', ai: '10', position: 38, max: 20, length: 21 });
  });

  it('rejects an SSCC with a bad check digit', () => {
    expect(failed(parseScan(']C1' + '00106141411234567898')).error).toMatchObject({ code: 'BAD_CHECK_DIGIT', ai: '00', position: 22, expected: '7', found: '8' });
  });

  it('rejects letters in a GTIN', () => {
    expect(failed(parseScan(']C1' + '01046012345678O3' + '10LOT')).error).toMatchObject({ code: 'NOT_DIGITS', ai: '01', position: 17, found: 'O' });
    expect(failed(parseScan('0104601234567893' + '02046012345678O3' + '3712')).error).toMatchObject({ code: 'NOT_DIGITS', ai: '02', position: 30, found: 'O' });
    // Without a symbology identifier, text that does not start like GS1 data is a plain barcode.
    expect(ok(parseScan('01046012345678O3' + '10LOT')).kind).toBe('other');
  });

  it('rejects a character outside the GS1 set: Cyrillic from a wrong keyboard layout, a space', () => {
    expect(failed(parseScan('0104601234567893' + '10ЛОТ1')).error).toMatchObject({ code: 'BAD_CHARACTER', ai: '10', position: 18, found: 'Л' });
    expect(failed(parseScan('0104601234567893' + '10LOT 1')).error).toMatchObject({ code: 'BAD_CHARACTER', position: 21, found: ' ' });
  });

  it('rejects unknown AIs, truncated fields and empty fields', () => {
    expect(failed(parseScan(']C1' + '0104601234567893' + '0412345')).error).toMatchObject({ code: 'UNKNOWN_AI', ai: '04', position: 19 });
    expect(failed(parseScan(']C1' + '0104601234567893' + '2491')).error).toMatchObject({ code: 'UNKNOWN_AI', ai: '249', position: 19 });
    expect(failed(parseScan(']C1' + 'OZN123')).error).toMatchObject({ code: 'UNKNOWN_AI', position: 3 });
    expect(failed(parseScan(']C1' + '01046012345678')).error).toMatchObject({ code: 'TRUNCATED', ai: '01', position: 17, min: 14, length: 12 });
    expect(failed(parseScan(']C1' + '0104601234567893' + '1725' + GS + '10A')).error).toMatchObject({ code: 'TRUNCATED', ai: '17', position: 23 });
    expect(failed(parseScan(']C1' + '0104601234567893' + '1')).error).toMatchObject({ code: 'TRUNCATED', position: 20 });
    expect(failed(parseScan(']C1' + '0104601234567893' + '10' + GS + '21X')).error).toMatchObject({ code: 'TRUNCATED', ai: '10', position: 21 });
  });

  it('rejects the same AI twice with different values, accepts it repeated identically', () => {
    expect(failed(parseScan('0104601234567893' + '10A' + GS + '10B')).error).toMatchObject({ code: 'DUPLICATE_AI', ai: '10', position: 20, found: 'B', expected: 'A' });
    expect(ok(parseScan('0104601234567893' + '10A' + GS + '10A')).elements).toHaveLength(2);
  });

  it('reads the human-readable form with parentheses', () => {
    const r = ok(parseScan('(01)05901234123457(17)250630(10)LOT42', { now: NOW }));
    expect(r).toMatchObject({ gtin: '05901234123457', expiry: '2025-06-30', lot: 'LOT42' });
    expect(toHumanReadable(r.elements)).toBe('(01)05901234123457(17)250630(10)LOT42');
    expect(failed(parseScan('(01)05901234123458')).error).toMatchObject({ code: 'BAD_CHECK_DIGIT', ai: '01', position: 17 });
    expect(failed(parseScan('(01)0590123412345(10)X')).error).toMatchObject({ code: 'TRUNCATED', ai: '01' });
  });

  it('accepts a fixed-length AI outside the predefined table (8005) without GS, and a trailing GS', () => {
    expect(ok(parseScan('0104601234567893' + '8005000123' + '10L7' + GS)).ais).toEqual({ '01': '04601234567893', '8005': '000123', '10': 'L7' });
  });

  it('encodes elements back with GS only where needed', () => {
    const scan = '0104601234567893' + '17260630' + '10L7' + GS + '8005000123' + GS + '21S1';
    expect(encodeElementString(ok(parseScan(scan)).elements)).toBe(scan);
  });
});

describe('GS1 dates', () => {
  it('day 00 is the last day of the month, February in a leap and a non-leap year', () => {
    expect(ok(parseScan('0104601234567893' + '17240200', { now: NOW })).expiry).toBe('2024-02-29');
    expect(ok(parseScan('0104601234567893' + '17250200', { now: NOW })).expiry).toBe('2025-02-28');
    expect(ok(parseScan('0104601234567893' + '15251100', { now: NOW })).bestBefore).toBe('2025-11-30');
    expect(ok(parseScan('0104601234567893' + '17000200', { now: NOW })).expiry).toBe('2000-02-29');
  });

  it('rejects 31 April, 29 February in a non-leap year, month 13 and month 00', () => {
    for (const [date, position] of [['250431', 18], ['250229', 18], ['251301', 18], ['250015', 18]] as const) {
      expect(failed(parseScan('0104601234567893' + '17' + date, { now: NOW })).error, date).toMatchObject({ code: 'BAD_DATE', ai: '17', position, found: date });
    }
    expect(failed(parseScan('0104601234567893' + '7006' + '240200')).error).toMatchObject({ code: 'BAD_DATE', ai: '7006' });
  });

  it('takes the century from the GS1 sliding window (§7.12)', () => {
    expect(gs1Year(75, 2025)).toBe(2075);
    expect(gs1Year(76, 2025)).toBe(1976);
    expect(gs1Year(99, 2000)).toBe(1999);
    expect(gs1Year(49, 2000)).toBe(2049);
    expect(gs1Year(50, 2000)).toBe(2050);
    expect(gs1Year(10, 2060)).toBe(2110);
    expect(gs1Year(11, 2060)).toBe(2011);
    expect(parseGs1Date('991231', { now: new Date('2000-01-01') })).toBe('1999-12-31');
    expect(ok(parseScan('0104601234567893' + '17800100', { now: NOW })).expiry).toBe('1980-01-31');
  });
});

describe('Chestny ZNAK marking codes', () => {
  const gtin = '04601234567893';
  const serial = '5Ab%Kq<7r-M2p'; // 13 characters
  const key = 'EE06';
  const tail = 'dGVzdF9jcnlwdG9fdGFpbF9mb3JfY2hlc3RueV96bmFr'; // 44 characters
  const canonical = `01${gtin}21${serial}${GS}91${key}${GS}92${tail}`;

  it('parses a full code with its GS separators and keeps the serial', () => {
    const r = ok(parseScan(']d2' + canonical + '\r\n'));
    expect(r).toMatchObject({ symbology: 'GS1 DataMatrix', gtin, serial, ais: { '91': key, '92': tail } });
    expect(r.markingCode).toBe(canonical);
    expect(r.markingId).toBe(`01${gtin}21${serial}`);
  });

  it('restores GS separators a scanner dropped', () => {
    const r = ok(parseScan(`01${gtin}21${serial}91${key}92${tail}`));
    expect(r).toMatchObject({ gtin, serial, ais: { '91': key, '92': tail } });
    expect(r.markingCode).toBe(canonical);
    const long = 'x'.repeat(88);
    expect(ok(parseScan(`01${gtin}21${serial}${GS}91${key}92${long}`)).ais['92']).toBe(long);
  });

  it('parses the short form (93 + 4 characters) with and without GS before 93', () => {
    for (const s of ['ABCDEF', 'ABCDEFG', serial]) {
      const withGs = ok(parseScan(`01${gtin}21${s}${GS}93Ab+/`));
      const withoutGs = ok(parseScan(`01${gtin}21${s}93Ab+/`));
      for (const r of [withGs, withoutGs]) {
        expect(r, s).toMatchObject({ serial: s, ais: { '93': 'Ab+/' }, markingCode: `01${gtin}21${s}${GS}93Ab+/` });
      }
    }
  });

  it('keeps a marking code with more fields, and rejects a bad GTIN inside one', () => {
    const tobacco = `01${gtin}21-wcWPFR${GS}8005115000${GS}93xjX3`;
    expect(ok(parseScan(tobacco))).toMatchObject({ serial: '-wcWPFR', markingCode: tobacco, ais: { '8005': '115000' } });
    expect(failed(parseScan(`01${gtin.slice(0, 13)}4` + `21${serial}91${key}92${tail}`)).error).toMatchObject({ code: 'BAD_CHECK_DIGIT', ai: '01' });
  });

  it('restores dropped separators when the scanner ends the code with a GS', () => {
    expect(ok(parseScan(`01${gtin}21${serial}91${key}92${tail}${GS}\n`)).markingCode).toBe(canonical);
  });

  it('is not a marking code without a crypto tail', () => {
    expect(ok(parseScan(`01${gtin}21${serial}`)).markingCode).toBeUndefined();
  });
});

describe('scanner noise and other barcodes', () => {
  it('rejects an empty scan', () => {
    for (const raw of ['', '   ', '\r\n', '\t', ']C1', ']d2\r\n']) expect(failed(parseScan(raw)).error.code, JSON.stringify(raw)).toBe('EMPTY');
  });

  it('ignores the CR, LF, TAB and spaces scanners add, keeping positions in the raw scan', () => {
    expect(ok(parseScan('4006381333931\r\n')).gtin).toBe('04006381333931');
    expect(ok(parseScan(' ]C1' + '0104601234567893' + '10L\t')).lot).toBe('L');
    expect(failed(parseScan('  ]C1' + '00106141411234567898\r')).error.position).toBe(24);
  });

  it('returns marketplace and internal barcodes as kind "other" to look up as they are', () => {
    expect(ok(parseScan('OZN123456789\r\n'))).toMatchObject({ kind: 'other', code: 'OZN123456789', ais: {} });
    expect(ok(parseScan(']C0' + 'OZN123456789'))).toMatchObject({ kind: 'other', code: 'OZN123456789', symbology: 'Code 128', aim: ']C0' });
    expect(ok(parseScan('A-01-02-3'))).toMatchObject({ kind: 'other', code: 'A-01-02-3' });
    expect(ok(parseScan('12345'))).toMatchObject({ kind: 'other', code: '12345' });
  });

  it('names symbologies, known or not', () => {
    expect(ok(parseScan(']Q3' + '0104601234567893')).symbology).toBe('GS1 QR Code');
    expect(ok(parseScan(']e0' + '0104601234567893')).symbology).toBe('GS1 DataBar');
    expect(ok(parseScan(']Q1' + 'https://example.com/p/1'))).toMatchObject({ kind: 'other', symbology: 'QR Code' });
    expect(ok(parseScan(']W9' + 'ABC'))).toMatchObject({ kind: 'other', symbology: 'unknown', aim: ']W9' });
  });

  it('never throws, whatever is typed', () => {
    for (const raw of ['\u0000', ']', ']]]', '(', '()', '(01', '(1234)', '01' + GS.repeat(5), '\u241d01046012345678931', 'ЩЯТ123', '0'.repeat(100)]) {
      expect(() => parseScan(raw), JSON.stringify(raw)).not.toThrow();
    }
    expect(SCAN_ERROR_CODES).toContain(failed(parseScan('(1234)x')).error.code);
  });
});

describe('the AI table', () => {
  it('is prefix-free: the first two digits decide the AI length', () => {
    for (const ai of AI_TABLE.keys()) expect(AI_LENGTH_BY_PREFIX.get(ai.slice(0, 2)), ai).toBe(ai.length);
  });

  it('gives every AI with a predefined length exactly that fixed length', () => {
    for (const [ai, def] of AI_TABLE) {
      const total = PREDEFINED_LENGTHS[ai.slice(0, 2)];
      if (total === undefined) continue;
      expect(def.fixedLength, ai).toBe(total - ai.length);
      expect(def.predefined, ai).toBe(true);
    }
  });

  it('knows the AIs receiving needs, with their GS1 formats', () => {
    const specs = Object.fromEntries(['00', '01', '02', '10', '11', '13', '15', '16', '17', '21', '30', '37', '91', '92', '93', '99', '240', '241', '400', '420', '421'].map((ai) => [ai, aiDefinition(ai)?.spec]));
    expect(specs).toEqual({
      '00': 'N18,csum',
      '01': 'N14,csum',
      '02': 'N14,csum',
      '10': 'X..20',
      '11': 'N6,yymmd0',
      '13': 'N6,yymmd0',
      '15': 'N6,yymmd0',
      '16': 'N6,yymmd0',
      '17': 'N6,yymmd0',
      '21': 'X..20',
      '30': 'N..8',
      '37': 'N..8',
      '91': 'X..90',
      '92': 'X..90',
      '93': 'X..90',
      '99': 'X..90',
      '240': 'X..30',
      '241': 'X..30',
      '400': 'X..30',
      '420': 'X..20',
      '421': 'N3 X..9',
    });
  });
});

/**
 * GS1 mod-10 check digits (GS1 General Specifications §7.9) for GTIN-8/12/13/14, SSCC, GLN, GSIN…
 * and EAN/UPC normalisation to a 14-digit GTIN.
 */

/**
 * The check digit for `digits` (the data WITHOUT its check digit): weights 3, 1, 3, 1 … from the
 * right, check digit = (10 − sum mod 10) mod 10. Throws a RangeError when `digits` is not a
 * non-empty string of ASCII digits (a programming error; parseScan never calls it with anything
 * else).
 */
export function gtinCheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new RangeError(`gtinCheckDigit needs digits, got ${JSON.stringify(digits)}`);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `code` is all digits (at least two) and its last digit is the GS1 check digit of the rest. */
export function hasValidCheckDigit(code: string): boolean {
  if (!/^\d{2,}$/.test(code)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}

/** True for a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14 with a correct check digit. */
export function isValidGtin(code: string): boolean {
  return /^(?:\d{8}|\d{12,14})$/.test(code) && hasValidCheckDigit(code);
}

/** True for an 18-digit SSCC with a correct check digit. */
export function isValidSscc(code: string): boolean {
  return /^\d{18}$/.test(code) && hasValidCheckDigit(code);
}

/** A valid GTIN-8/12/13/14 as the 14-digit GTIN (left-padded with zeros), or null. */
export function normalizeGtin(code: string): string | null {
  return isValidGtin(code) ? code.padStart(14, '0') : null;
}

/**
 * A UPC-E (8 digits: number system 0 or 1, six data digits, check digit) expanded to its 12-digit
 * UPC-A, or null when it is not a UPC-E or the check digit is wrong.
 * E.g. 01234565 → 012345000065.
 */
export function expandUpcE(code: string): string | null {
  const body = /^[01]\d{7}$/.test(code) ? upcEBody(code) : null;
  if (body === null) return null;
  const upcA = body + code.slice(7);
  return hasValidCheckDigit(upcA) ? upcA : null;
}

/**
 * The first 11 digits of the UPC-A a UPC-E stands for (number system + 10 digits, without check
 * digit), from the UPC-E's first 7 digits; null unless they are digits starting with 0 or 1.
 */
export function upcEBody(code: string): string | null {
  if (!/^[01]\d{6}/.test(code)) return null;
  const ns = code[0]!;
  const [d1, d2, d3, d4, d5, d6] = code.slice(1, 7);
  switch (d6) {
    case '0':
    case '1':
    case '2':
      return `${ns}${d1}${d2}${d6}0000${d3}${d4}${d5}`;
    case '3':
      return `${ns}${d1}${d2}${d3}00000${d4}${d5}`;
    case '4':
      return `${ns}${d1}${d2}${d3}${d4}00000${d5}`;
    default:
      return `${ns}${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  }
}

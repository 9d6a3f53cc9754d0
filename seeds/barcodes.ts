/** GS1 mod-10 check digit for the digits given (without the check digit). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** An EAN-13 from a 12-digit body. */
export const ean13 = (body12: string) => body12 + gs1CheckDigit(body12);

/** A case GTIN-14: indicator digit + the item's first 12 digits + a new check digit. */
export const caseGtin14 = (indicator: number, ean: string) => {
  const body = String(indicator) + ean.slice(0, 12);
  return body + gs1CheckDigit(body);
};

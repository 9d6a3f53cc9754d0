/**
 * Numbers as people type them into a form and integrations send them in JSON. A form field's
 * text is a number only when it is plain digits (with a sign; a decimal with a point or a
 * comma where decimals are allowed): `Number()` would also read "1e1" as 10, "0x10" as 16 and
 * " " as 0, and a scanner or a slip of the finger must not turn into stock. Anything else is
 * left as it is for the schema to refuse: a JSON `true` or `[1]` is not a quantity.
 */
/** Digits, with a sign; a spreadsheet's "5.0" or "5,00" is the whole number 5. */
const INTEGER = /^[+-]?\d+(?:[.,]0+)?$/;
/** Digits with a point or a comma, on either side: "-18,5", "4.", ".5". */
const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;
/** A typographic minus or dash typed (or pasted) before a number is a minus. */
const minus = (t: string) => t.replace(/^[\u2212\u2013]/, '-');

/** A string of digits as its number; every other value unchanged (`z.preprocess`). */
export function plainInteger(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = minus(v.trim());
  return INTEGER.test(t) ? Number(t.replace(',', '.')) : v;
}

/** A decimal written with a point or a comma ("-18,5") as its number; every other value unchanged. */
export function plainDecimal(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = minus(v.trim());
  return DECIMAL.test(t) ? Number(t.replace(',', '.')) : v;
}

import bwipjs from 'bwip-js';

/** Printed label formats: an A4 sheet of 3 × 8 labels (70 × 37 mm), or a 58 mm label printer roll (58 × 40 mm). */
export const labelFormats = ['a4', '58mm'] as const;
export type LabelFormat = (typeof labelFormats)[number];

/** Labels on one A4 sheet (3 columns × 8 rows of 70 × 37 mm). */
export const A4_COLUMNS = 3;
export const A4_ROWS = 8;
export const A4_LABELS_PER_SHEET = A4_COLUMNS * A4_ROWS;

/** Longer codes make bars too thin to scan on a 58 mm label. */
export const CODE128_MAX_LENGTH = 40;
/** Quiet zone on each side, in modules (ISO/IEC 15417 asks for at least 10). */
const QUIET_ZONE = 10;
/** The X-dimension the SVG's natural size assumes, in mm (a page may scale it). */
const MODULE_MM = 0.33;

const fmt = (n: number) => String(Math.round(n * 100) / 100);

/**
 * A Code 128 barcode as inline SVG markup, bars only (the label prints the code itself in
 * large type). Code 128 set A/B/C selection and the check character come from bwip-js; the
 * SVG is drawn here from its bar widths, which is about 15 times faster than `toSVG()`
 * (bwip-js renders through its PostScript emulation: ≈3 ms a barcode, 3 s for a sheet of
 * 1,000 labels, on the request's event loop).
 *
 * The viewBox is in modules, with the quiet zone included; the natural size is a 0.33 mm
 * module and `height` mm bars (default 10). `preserveAspectRatio="none"` lets a page stretch
 * it to the box it gives it: every bar and space scales by the same factor, so it still reads.
 *
 * Throws on empty text, text over 40 characters, or anything but printable ASCII (a scanner
 * typing Code 128 function-4 characters would not give the same text back).
 */
export function code128Svg(text: string, opts: { height?: number } = {}): string {
  if (typeof text !== 'string' || text.length === 0) throw new Error('Code 128: no text to encode');
  if (text.length > CODE128_MAX_LENGTH) throw new Error(`Code 128: text longer than ${CODE128_MAX_LENGTH} characters`);
  if (!/^[\x20-\x7e]+$/.test(text)) throw new Error('Code 128: only printable ASCII can be encoded on a label');
  const heightMm = opts.height ?? 10;
  if (!(heightMm > 0 && heightMm <= 200)) throw new Error('Code 128: height must be between 0 and 200 mm');

  const [symbol] = bwipjs.raw({ bcid: 'code128', text });
  if (!symbol || !('sbs' in symbol)) throw new Error('Code 128: bwip-js returned no bars');
  const height = heightMm / MODULE_MM;
  const h = fmt(height);
  let x = QUIET_ZONE;
  let d = '';
  symbol.sbs.forEach((w, i) => {
    // sbs alternates bar, space, bar … starting with a bar.
    if (i % 2 === 0) d += `M${x} 0h${w}v${h}h-${w}z`;
    x += w;
  });
  const width = x + QUIET_ZONE;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${h}" width="${fmt(width * MODULE_MM)}mm" height="${fmt(heightMm)}mm" ` +
    `preserveAspectRatio="none" shape-rendering="crispEdges"><path fill="#000" d="${d}"/></svg>`
  );
}

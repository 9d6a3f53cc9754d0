import { raw } from 'hono/html';
import { A4_COLUMNS, A4_LABELS_PER_SHEET, A4_ROWS, code128Svg, type LabelFormat } from '../../src/barcodes/labels.ts';

/** One printed label: the code in large type, its barcode, an optional small title above and lines below. */
export type LabelData = { code: string; title?: string; lines?: string[] };

/**
 * A Code 128 barcode of `text` (bars only), filling the box its parent gives it; without a
 * sized parent it has its natural size (0.33 mm modules, `height` mm bars). Decorative for
 * screen readers: the code is always printed next to it.
 */
export function Code128(props: { text: string; height?: number; class?: string }) {
  return (
    <div class={props.class ? `barcode ${props.class}` : 'barcode'} aria-hidden="true">
      {raw(code128Svg(props.text, props.height === undefined ? {} : { height: props.height }))}
    </div>
  );
}

/** Long codes get smaller type so they stay on the label. */
const codeSize = (code: string) => (code.length <= 10 ? 'l' : code.length <= 15 ? 'm' : 's');

function Label(props: { label: LabelData }) {
  const l = props.label;
  return (
    <article class="label">
      {l.title && <div class="label-title">{l.title}</div>}
      <div class={`label-code size-${codeSize(l.code)}`}>{l.code}</div>
      <Code128 text={l.code} />
      {l.lines && l.lines.length > 0 && (
        <div class="label-lines">
          {l.lines.map((line) => (
            <div>{line}</div>
          ))}
        </div>
      )}
    </article>
  );
}

// Shared by both formats. On screen the labels are a preview; printing hides the page chrome
// (top bar, filter forms, buttons: anything marked .no-print) and prints only the labels.
const baseCss = `
.labels { color: #000; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.labels .label { box-sizing: border-box; display: flex; flex-direction: column; overflow: hidden; background: #fff; break-inside: avoid; page-break-inside: avoid; }
.labels .label-title { font-size: 7.5pt; line-height: 1.2; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; text-align: center; }
.labels .label-code { font-weight: 700; line-height: 1.1; text-align: center; white-space: nowrap; font-variant-numeric: tabular-nums; letter-spacing: 0.01em; }
.labels .label-code.size-l { font-size: 21pt; }
.labels .label-code.size-m { font-size: 15pt; }
.labels .label-code.size-s { font-size: 10pt; white-space: normal; overflow-wrap: anywhere; }
.labels .barcode { flex: 1 1 auto; min-height: 8mm; margin: 1mm 0 0.8mm; }
.labels .barcode svg { display: block; width: 100%; height: 100%; }
.labels .label-lines { font-size: 8pt; line-height: 1.2; text-align: center; }
.labels .label-lines > div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.labels-scroll { overflow-x: auto; }
@media screen {
  .labels .label { outline: 1px dashed #b9c2cc; outline-offset: -1px; }
}
@media print {
  html, body { background: #fff !important; }
  .topbar, #toast, .no-print { display: none !important; }
  main { margin: 0 !important; padding: 0 !important; max-width: none !important; }
  .labels-scroll { overflow: visible; }
}
`;

// 3 × 8 labels of 70 × 37 mm fill 210 × 296 mm of the 210 × 297 mm sheet (0.5 mm top and
// bottom), as on common 24-up label sheets. The printer's own unprintable edge only clips
// the label's padding. A sheet is a page of its own, so no label is ever split.
const a4Css = `
@page { size: A4; margin: 0; }
.labels-a4 .sheet { box-sizing: border-box; width: 210mm; height: 296mm; padding-top: 0.5mm; display: grid; grid-template-columns: repeat(${A4_COLUMNS}, 70mm); grid-template-rows: repeat(${A4_ROWS}, 37mm); background: #fff; }
.labels-a4 .label { width: 70mm; height: 37mm; padding: 2.5mm 4mm; }
@media screen {
  .labels-a4 .sheet { margin: 0 auto 6mm; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25); }
}
@media print {
  .labels-a4 .sheet { break-after: page; page-break-after: always; }
  .labels-a4 .sheet:last-child { break-after: auto; page-break-after: auto; }
}
`;

// One 58 × 40 mm label a page, as a roll printer's driver expects.
const rollCss = `
@page { size: 58mm 40mm; margin: 0; }
.labels-58mm { display: flex; flex-wrap: wrap; gap: 4mm; }
.labels-58mm .label { width: 58mm; height: 40mm; padding: 2mm 2.5mm; }
@media print {
  .labels-58mm { display: block; }
  .labels-58mm .label { break-after: page; page-break-after: always; }
  .labels-58mm .label:last-child { break-after: auto; page-break-after: auto; }
}
`;

/**
 * Labels laid out for printing: `a4` = sheets of 3 × 8 labels of 70 × 37 mm, `58mm` = a roll of
 * 58 × 40 mm labels, one per page. It brings its own print CSS (one format per page: the
 * `@page` size is the page's). Anything outside it marked `.no-print` is not printed.
 */
export function LabelSheet(props: { labels: LabelData[]; format: LabelFormat }) {
  const { labels, format } = props;
  if (format === '58mm') {
    return (
      <div class="labels-scroll">
        <style>{raw(baseCss + rollCss)}</style>
        <section class="labels labels-58mm" data-format="58mm">
          {labels.map((l) => (
            <Label label={l} />
          ))}
        </section>
      </div>
    );
  }
  const sheets: LabelData[][] = [];
  for (let i = 0; i < labels.length; i += A4_LABELS_PER_SHEET) sheets.push(labels.slice(i, i + A4_LABELS_PER_SHEET));
  return (
    <div class="labels-scroll">
      <style>{raw(baseCss + a4Css)}</style>
      <section class="labels labels-a4" data-format="a4">
        {sheets.map((sheet) => (
          <div class="sheet">
            {sheet.map((l) => (
              <Label label={l} />
            ))}
          </div>
        ))}
      </section>
    </div>
  );
}

/** Printed pages for `count` labels. */
export const labelPages = (count: number, format: LabelFormat) => (format === '58mm' ? count : Math.ceil(count / A4_LABELS_PER_SHEET));

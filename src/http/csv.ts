import { stringify } from 'csv-stringify/sync';

/** The field separator of a CSV for this language: Excel set to Russian splits on semicolons. */
export const csvDelimiter = (locale: string) => (locale === 'ru' ? ';' : ',');

/**
 * A CSV file as a spreadsheet opens it in the user's language: a BOM (`bom: false` for the
 * later parts of a file sent in parts), so Excel reads UTF-8
 * (Chinese and Cyrillic names); for Russian a semicolon between fields and a decimal comma,
 * as Excel set to Russian expects (it opens a comma-separated file as one column, and reads
 * 5.6 as a date). A text cell that would start a formula is escaped; numbers stay numbers
 * (a negative temperature is -18.5, not the text '-18.5).
 */
export function spreadsheetCsv(locale: string, rows: unknown[][], opts: { bom?: boolean } = {}): string {
  const ru = locale === 'ru';
  return (
    (opts.bom === false ? '' : '\uFEFF') +
    stringify(rows, {
      eof: true,
      escape_formulas: true,
      delimiter: csvDelimiter(locale),
      cast: { number: (n) => (ru && !Number.isInteger(n) ? String(n).replace('.', ',') : String(n)) },
    })
  );
}


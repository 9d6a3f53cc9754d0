import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { spreadsheetCsv } from '../../src/http/csv.ts';

describe('CSV as a spreadsheet opens it', () => {
  const rows = [['SKU', 'Товар', '°C'], ['HF-0001', 'Пельмени; 1 кг', -18.5], ['=HYPERLINK("x")', '-5 шт', 4]];

  it('English and Chinese: commas and decimal points, a BOM, formulas escaped, numbers left numbers', () => {
    const text = spreadsheetCsv('en', rows);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('HF-0001,Пельмени; 1 кг,-18.5');
    expect(parse(text.slice(1))).toEqual([['SKU', 'Товар', '°C'], ['HF-0001', 'Пельмени; 1 кг', '-18.5'], [`'=HYPERLINK("x")`, `'-5 шт`, '4']]);
    expect(spreadsheetCsv('zh', rows)).toBe(text);
  });

  it('Russian: semicolons and decimal commas, as Excel set to Russian reads them', () => {
    const text = spreadsheetCsv('ru', rows);
    expect(text).toContain('HF-0001;"Пельмени; 1 кг";-18,5');
    expect(parse(text.slice(1), { delimiter: ';' })).toEqual([['SKU', 'Товар', '°C'], ['HF-0001', 'Пельмени; 1 кг', '-18,5'], [`'=HYPERLINK("x")`, `'-5 шт`, '4']]);
  });
});

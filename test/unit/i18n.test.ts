import { describe, expect, it } from 'vitest';
import { catalogs, locales, negotiateLocale, translate, translator } from '../../src/i18n/index.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  const keys = Object.keys(catalogs.en).sort();

  it.each(locales)('%s has exactly the English keys, each translated and non-empty', (locale) => {
    const catalog = catalogs[locale] as Record<string, string>;
    expect(Object.keys(catalog).sort()).toEqual(keys);
    for (const key of keys) expect(catalog[key]?.trim(), `${locale} ${key}`).toBeTruthy();
  });

  it.each(locales)('%s keeps every placeholder of the English text', (locale) => {
    const catalog = catalogs[locale] as Record<string, string>;
    for (const key of keys) expect(placeholders(catalog[key]!), `${locale} ${key}`).toEqual(placeholders((catalogs.en as Record<string, string>)[key]!));
  });

  it('Russian and Chinese are really translated, not copies', () => {
    const same = (l: 'ru' | 'zh') => keys.filter((k) => (catalogs[l] as Record<string, string>)[k] === (catalogs.en as Record<string, string>)[k]);
    // Codes such as SKU or EAN-13 may stay as they are; sentences may not.
    expect(same('ru').filter((k) => (k.startsWith('error.') || k.startsWith('move.')) && k !== 'move.doneDetail')).toEqual([]);
    expect(same('zh').filter((k) => (k.startsWith('error.') || k.startsWith('move.')) && k !== 'move.doneDetail')).toEqual([]);
  });
});

describe('translate', () => {
  it('fills parameters, and translates a parameter that names a message', () => {
    expect(translate('en', 'pager.pageOf', { page: 2, pages: 9 })).toBe('Page 2 of 9');
    expect(translate('en', 'error.wrongTemperatureClass', { sku: 'X', location: 'A-1', productClass: '@class.frozen', locationClass: '@class.ambient' })).toContain('Frozen');
    expect(translate('ru', 'error.wrongTemperatureClass', { sku: 'X', location: 'A-1', productClass: '@class.frozen', locationClass: '@class.ambient' })).not.toContain('@class');
  });

  it('formats numbers and times with Intl in the warehouse time zone', () => {
    const at = new Date('2026-03-01T21:30:00Z');
    expect(translator('en').dateTime(at, 'Europe/Moscow')).toContain('02/03/2026');
    expect(translator('en').dateTime(at, 'Europe/Moscow')).toContain('00:30');
    expect(translator('ru').number(1234567)).toMatch(/^1\s234\s567$/);
    expect(translator('zh').dateTime(at, 'Asia/Shanghai')).toContain('2026');
  });
});

describe('negotiateLocale', () => {
  it.each([
    ['ru-RU,ru;q=0.9,en-US;q=0.8', 'ru'],
    ['zh-CN,zh;q=0.9', 'zh'],
    ['de-DE,de;q=0.9,zh;q=0.5,ru;q=0.4', 'zh'],
    ['en;q=0.1, ru;q=0.9', 'ru'],
    ['fr', undefined],
    ['', undefined],
    ['ru;q=0', undefined],
  ])('%s → %s', (header, want) => {
    expect(negotiateLocale(header)).toBe(want);
  });
});

describe('how late an order is, on the dashboard', () => {
  it('minutes in the first hour, then hours, then days', async () => {
    const { overdue } = await import('../../views/dashboard/tables.tsx');
    const t = translator('ru');
    const shipBy = new Date('2026-11-29T10:00:00Z');
    const at = (m: number) => new Date(shipBy.getTime() + m * 60_000);
    expect(overdue(t, shipBy, at(59))).toBe('59 мин');
    expect(overdue(t, shipBy, at(60))).toBe('1 ч');
    expect(overdue(t, shipBy, at(47 * 60 + 59))).toBe('47 ч');
    expect(overdue(t, shipBy, at(48 * 60))).toBe('2 дн.');
    expect(overdue(translator('en'), shipBy, at(-5))).toBe('0 min');
  });
});

import { en } from './en.ts';
import { ru } from './ru.ts';
import { zh } from './zh.ts';

export const locales = ['en', 'ru', 'zh'] as const;
export type Locale = (typeof locales)[number];
export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;
export type Catalog = Record<MessageKey, string>;

export const catalogs: Record<Locale, Catalog> = { en, ru, zh };

/** BCP 47 tags for Intl. */
export const intlLocale: Record<Locale, string> = { en: 'en-GB', ru: 'ru-RU', zh: 'zh-CN' };
export const localeNames: Record<Locale, string> = { en: 'English', ru: 'Русский', zh: '中文' };

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (locales as readonly string[]).includes(v);

export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const text = catalogs[locale][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m: string, name: string) => {
    if (!(name in params)) return m;
    const value = String(params[name]);
    // A parameter may name another message ("@class.frozen"): it is translated too.
    return value.startsWith('@') && value.slice(1) in en ? translate(locale, value.slice(1) as MessageKey) : value;
  });
}

/** Picks the best supported locale from an Accept-Language header. */
export function negotiateLocale(header: string | undefined | null): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0 };
    })
    .filter((r) => r.tag && r.weight > 0)
    .sort((a, b) => b.weight - a.weight);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLocale(base)) return base;
  }
  return undefined;
}

export type Translator = ((key: MessageKey, params?: MessageParams) => string) & {
  locale: Locale;
  /** A message whose key is built from data (`doc.${type}`), or the fallback when there is none. */
  optional(key: string, fallback: string): string;
  /** A temperature range: "2 … 8 °C", "≤ −18 °C", "≥ 15 °C". */
  range(min: number | null, max: number | null): string;
  number(n: number): string;
  /** A moment shown in the given IANA time zone (the warehouse's). */
  dateTime(at: Date | string, timeZone: string): string;
  /** A calendar date (YYYY-MM-DD). */
  date(isoDate: string): string;
  celsius(c: number): string;
};

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f as T;
}

export function translator(locale: Locale): Translator {
  const tag = intlLocale[locale];
  const t = ((key: MessageKey, params?: MessageParams) => translate(locale, key, params)) as Translator;
  t.locale = locale;
  t.number = (n) => cached(`n:${tag}`, () => new Intl.NumberFormat(tag)).format(n);
  t.dateTime = (at, timeZone) =>
    cached(
      `dt:${tag}:${timeZone}`,
      () =>
        new Intl.DateTimeFormat(tag, {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          timeZoneName: 'short',
        }),
    ).format(typeof at === 'string' ? new Date(at) : at);
  t.date = (isoDate) =>
    cached(`d:${tag}`, () => new Intl.DateTimeFormat(tag, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' })).format(
      new Date(`${isoDate}T00:00:00Z`),
    );
  const deg = (c: number) => cached(`c:${tag}`, () => new Intl.NumberFormat(tag, { maximumFractionDigits: 1 })).format(c).replace(/^-/, '\u2212');
  t.celsius = (c) => `${deg(c)} °C`;
  t.optional = (key, fallback) => (key in en ? translate(locale, key as MessageKey) : fallback);
  t.range = (min, max) =>
    min !== null && max !== null ? `${deg(min)} … ${deg(max)} °C` : max !== null ? `≤ ${deg(max)} °C` : min !== null ? `≥ ${deg(min)} °C` : '—';
  return t;
}

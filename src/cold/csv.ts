import { spreadsheetCsv } from '../http/csv.ts';
import type { Translator } from '../i18n/index.ts';
import type { LogEntry } from './queries.ts';

/**
 * The temperature log as CSV, one row per reading and per gap, oldest first; times as RFC 3339
 * (UTC) and on the warehouse's clock; headers in the user's language.
 */
export function logCsv(t: Translator, zone: { code: string }, entries: LogEntry[], timeZone: string): string {
  const header = [t('cold.csv.at'), t('cold.csv.local'), t('cold.zone'), t('cold.where'), '°C', t('cold.csv.inRange'), t('cold.csv.source'), t('cold.by'), t('cold.csv.note')];
  const rows = entries.map((e) =>
    e.kind === 'reading'
      ? [e.measuredAt.toISOString(), t.dateTime(e.measuredAt, timeZone), zone.code, e.location ?? t('cold.zoneSensor'), Math.round(e.celsius * 10) / 10, e.inRange ? t('cold.csv.yes') : t('cold.csv.no'), t(`cold.source.${e.source}`), e.by ?? '', '']
      : [e.from.toISOString(), t.dateTime(e.from, timeZone), zone.code, e.location ?? t('cold.zoneSensor'), '', '', '', '', t('cold.gap', { minutes: e.minutes, until: t.dateTime(e.to, timeZone) })],
  );
  return spreadsheetCsv(t.locale, [header, ...rows]);
}

import type { MessageKey, MessageParams } from '../i18n/index.ts';
import type { ScanError } from './scan-error.ts';

/** Whether a search entry was meant as a barcode scan (so a failed parse deserves a message). */
export function looksLikeScan(raw: string): boolean {
  const s = raw.trim();
  return /^\][A-Za-z]/.test(s) || s.includes('\u001d') || /^\(\d{2,4}\)/.test(s) || /^\d{8,}$/.test(s);
}

/** The catalog message for a rejected scan: `scan.<CODE>` with the field and values it names. */
export function scanErrorMessage(e: ScanError): { key: MessageKey; params: MessageParams } {
  return {
    key: `scan.${e.code}` as MessageKey,
    params: { field: e.ai ? `(${e.ai})` : '@scan.fieldCode', found: e.found ?? '', expected: e.expected ?? '', position: (e.position ?? 0) + 1 },
  };
}

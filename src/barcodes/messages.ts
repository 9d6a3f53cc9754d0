import type { MessageKey, MessageParams } from '../i18n/index.ts';
import type { ScanError } from './scan-error.ts';

/**
 * Whether a search entry was meant as a barcode scan (so a failed parse deserves a message): a
 * symbology identifier, a GS, the human-readable "(01)…" form, 8+ digits, or a GS1 element
 * string led by an SSCC or GTIN field ("01" + 14 digits…), as a scanner without identifier
 * types a case label's GS1-128.
 */
export function looksLikeScan(raw: string): boolean {
  const s = raw.trim();
  return /^\][A-Za-z]/.test(s) || s.includes('\u001d') || /^\(\d{2,4}\)/.test(s) || /^\d{8,}$/.test(s) || /^0[0-3]\d{14}/.test(s);
}

/** The catalog message for a rejected scan: `scan.<CODE>` with the field and values it names. */
export function scanErrorMessage(e: ScanError): { key: MessageKey; params: MessageParams } {
  return {
    key: `scan.${e.code}` as MessageKey,
    params: { field: e.ai ? `(${e.ai})` : '@scan.fieldCode', found: e.found ?? '', expected: e.expected ?? '', position: (e.position ?? 0) + 1 },
  };
}

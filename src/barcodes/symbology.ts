/**
 * AIM symbology identifiers (ISO/IEC 15424): the `]` + code character + modifier that a scanner
 * configured to do so sends before the data, e.g. `]C1` for GS1-128.
 */

/**
 * How the data after the identifier must be read:
 * - `gs1`: a GS1 element string (application identifiers), FNC1 sent as GS;
 * - `ean`: EAN-13 / UPC-A / UPC-E digits (`]E0`), `ean8`: EAN-8 (`]E4`),
 *   `ean-addon`: EAN-13 followed by its 2- or 5-digit add-on (`]E3`), `addon`: an add-on alone;
 * - `plain`: anything else (Code 128 without FNC1, QR, Code 39 …): read like a scan without
 *   identifier.
 */
export type SymbologyMode = 'gs1' | 'ean' | 'ean8' | 'ean-addon' | 'addon' | 'plain';

export type Symbology = {
  /** The identifier as sent, e.g. "]d2". */
  aim: string;
  /** A display name: "GS1-128", "GS1 DataMatrix", "GS1 QR Code", "EAN-13", "EAN-8", "Code 128" … or "unknown". */
  name: string;
  mode: SymbologyMode;
};

/** Matches an AIM symbology identifier at the start of a scan. */
export const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

const families: Record<string, string> = {
  A: 'Code 39',
  C: 'Code 128',
  d: 'Data Matrix',
  e: 'GS1 DataBar',
  E: 'EAN/UPC',
  F: 'Codabar',
  G: 'Code 93',
  H: 'Code 11',
  I: 'ITF',
  J: 'DotCode',
  L: 'PDF417',
  M: 'MSI',
  Q: 'QR Code',
  S: 'Code 2 of 5',
  U: 'MaxiCode',
  X: 'other',
  z: 'Aztec',
};

/** The symbology an identifier such as "]C1" stands for. Never fails: an unknown one is named "unknown". */
export function identifySymbology(aim: string): Symbology {
  const code = aim[1] ?? '';
  const modifier = aim[2] ?? '';
  const gs1 = (name: string): Symbology => ({ aim, name, mode: 'gs1' });
  // FNC1 in first position = a GS1 element string follows.
  if (code === 'C' && modifier === '1') return gs1('GS1-128');
  if (code === 'd' && (modifier === '2' || modifier === '5')) return gs1('GS1 DataMatrix');
  if (code === 'Q' && (modifier === '3' || modifier === '4')) return gs1('GS1 QR Code');
  if (code === 'e') return gs1('GS1 DataBar');
  if (code === 'J' && modifier === '1') return gs1('GS1 DotCode');
  if (code === 'E') {
    switch (modifier) {
      case '0':
        return { aim, name: 'EAN-13', mode: 'ean' };
      case '1':
        return { aim, name: 'EAN-2 add-on', mode: 'addon' };
      case '2':
        return { aim, name: 'EAN-5 add-on', mode: 'addon' };
      case '3':
        return { aim, name: 'EAN-13 with add-on', mode: 'ean-addon' };
      case '4':
        return { aim, name: 'EAN-8', mode: 'ean8' };
    }
  }
  return { aim, name: families[code] ?? 'unknown', mode: 'plain' };
}

/**
 * The GS1 application identifiers Caravan understands, with their formats written the way the
 * GS1 Barcode Syntax Dictionary writes them (GS1 General Specifications §3.2, Figure 3.2-1):
 *
 *   N14,csum            14 digits whose last one is a GS1 check digit
 *   X..20               1 to 20 characters of the GS1 AI encodable character set 82
 *   N6,yymmd0           a date YYMMDD where day 00 means the last day of the month
 *   N13,csum [X..17]    a component followed by an optional one
 *
 * Charsets: N digits, X the 82-character set (§7.11 Figure 7.11-1), Y the 39-character set
 * (digits, A–Z, # - /), Z the 64-character set (base64url with = padding).
 * Linters implemented: csum, yymmd0, yymmdd, yyyymmdd, hhmi, yymmddhh, mmoptss, yesno, zero,
 * nonzero, hyphen, pieceoftotal. Country and currency codes are checked for format only.
 */

export type Charset = 'N' | 'X' | 'Y' | 'Z';

export type Linter =
  | 'csum'
  | 'yymmd0'
  | 'yymmdd'
  | 'yyyymmdd'
  | 'hhmi'
  | 'yymmddhh'
  | 'mmoptss'
  | 'yesno'
  | 'zero'
  | 'nonzero'
  | 'hyphen'
  | 'pieceoftotal';

const linterNames: readonly Linter[] = ['csum', 'yymmd0', 'yymmdd', 'yyyymmdd', 'hhmi', 'yymmddhh', 'mmoptss', 'yesno', 'zero', 'nonzero', 'hyphen', 'pieceoftotal'];

export type Component = {
  charset: Charset;
  min: number;
  max: number;
  /** Written in [brackets]: may be left out (only ever at the end of a value). */
  optional: boolean;
  linters: Linter[];
};

export type AiDefinition = {
  ai: string;
  /** The GS1 data title, e.g. "BATCH/LOT". */
  title: string;
  /** The format as in the Syntax Dictionary, e.g. "N13,csum [X..17]". */
  spec: string;
  components: Component[];
  /** Length of the value when it can only have one length. */
  fixedLength?: number;
  minLength: number;
  maxLength: number;
  /**
   * The first two digits are in the GS1 table of predefined lengths (§7.8.4 Figure 7.8.4-2):
   * the element never needs a GS after it, even when it is not the last one.
   */
  predefined: boolean;
};

/**
 * GS1 General Specifications Figure 7.8.4-2: AIs starting with these two digits have a
 * predefined total length (AI + value) and are never followed by FNC1/GS. 04 and 18, 19 are
 * reserved in that table (no AI is defined for them yet).
 */
export const PREDEFINED_LENGTHS: Readonly<Record<string, number>> = {
  '00': 20,
  '01': 16,
  '02': 16,
  '03': 16,
  '04': 18,
  '11': 8,
  '12': 8,
  '13': 8,
  '14': 8,
  '15': 8,
  '16': 8,
  '17': 8,
  '18': 8,
  '19': 8,
  '20': 4,
  '31': 10,
  '32': 10,
  '33': 10,
  '34': 10,
  '35': 10,
  '36': 10,
  '41': 16,
};

/** True when `ai` has a predefined length: no GS separator is ever needed after it. */
export const hasPredefinedLength = (ai: string): boolean => ai.slice(0, 2) in PREDEFINED_LENGTHS;

const rows: Array<[ai: string, title: string, spec: string]> = [
  ['00', 'SSCC', 'N18,csum'],
  ['01', 'GTIN', 'N14,csum'],
  ['02', 'CONTENT', 'N14,csum'],
  ['03', 'MTO GTIN', 'N14,csum'],
  ['10', 'BATCH/LOT', 'X..20'],
  ['11', 'PROD DATE', 'N6,yymmd0'],
  ['12', 'DUE DATE', 'N6,yymmd0'],
  ['13', 'PACK DATE', 'N6,yymmd0'],
  ['15', 'BEST BEFORE or BEST BY', 'N6,yymmd0'],
  ['16', 'SELL BY', 'N6,yymmd0'],
  ['17', 'USE BY OR EXPIRY', 'N6,yymmd0'],
  ['20', 'VARIANT', 'N2'],
  ['21', 'SERIAL', 'X..20'],
  ['22', 'CPV', 'X..20'],
  ['235', 'TPX', 'X..28'],
  ['240', 'ADDITIONAL ID', 'X..30'],
  ['241', 'CUST. PART No.', 'X..30'],
  ['242', 'MTO VARIANT', 'N..6'],
  ['243', 'PCN', 'X..20'],
  ['250', 'SECONDARY SERIAL', 'X..30'],
  ['251', 'REF. TO SOURCE', 'X..30'],
  ['253', 'GDTI', 'N13,csum [X..17]'],
  ['254', 'GLN EXTENSION COMPONENT', 'X..20'],
  ['255', 'GCN', 'N13,csum [N..12]'],
  ['30', 'VAR. COUNT', 'N..8'],
  ['37', 'COUNT', 'N..8'],
  ['400', 'ORDER NUMBER', 'X..30'],
  ['401', 'GINC', 'X..30'],
  ['402', 'GSIN', 'N17,csum'],
  ['403', 'ROUTE', 'X..30'],
  ['410', 'SHIP TO LOC', 'N13,csum'],
  ['411', 'BILL TO', 'N13,csum'],
  ['412', 'PURCHASE FROM', 'N13,csum'],
  ['413', 'SHIP FOR LOC', 'N13,csum'],
  ['414', 'LOC No.', 'N13,csum'],
  ['415', 'PAY TO', 'N13,csum'],
  ['416', 'PROD/SERV LOC', 'N13,csum'],
  ['417', 'PARTY', 'N13,csum'],
  ['420', 'SHIP TO POST', 'X..20'],
  ['421', 'SHIP TO POST', 'N3 X..9'],
  ['422', 'ORIGIN', 'N3'],
  ['423', 'COUNTRY - INITIAL PROCESS.', 'N3 [N..12]'],
  ['424', 'COUNTRY - PROCESS.', 'N3'],
  ['425', 'COUNTRY - DISASSEMBLY', 'N3 [N..12]'],
  ['426', 'COUNTRY - FULL PROCESS', 'N3'],
  ['427', 'ORIGIN SUBDIVISION', 'X..3'],
  ['4300', 'SHIP TO COMP', 'X..35'],
  ['4301', 'SHIP TO NAME', 'X..35'],
  ['4302', 'SHIP TO ADD1', 'X..70'],
  ['4303', 'SHIP TO ADD2', 'X..70'],
  ['4304', 'SHIP TO SUB', 'X..70'],
  ['4305', 'SHIP TO LOC', 'X..70'],
  ['4306', 'SHIP TO REG', 'X..70'],
  ['4307', 'SHIP TO COUNTRY', 'X2'],
  ['4308', 'SHIP TO PHONE', 'X..30'],
  ['4309', 'SHIP TO GEO', 'N20'],
  ['4310', 'RTN TO COMP', 'X..35'],
  ['4311', 'RTN TO NAME', 'X..35'],
  ['4312', 'RTN TO ADD1', 'X..70'],
  ['4313', 'RTN TO ADD2', 'X..70'],
  ['4314', 'RTN TO SUB', 'X..70'],
  ['4315', 'RTN TO LOC', 'X..70'],
  ['4316', 'RTN TO REG', 'X..70'],
  ['4317', 'RTN TO COUNTRY', 'X2'],
  ['4318', 'RTN TO POST', 'X..20'],
  ['4319', 'RTN TO PHONE', 'X..30'],
  ['4320', 'SRV DESCRIPTION', 'X..35'],
  ['4321', 'DANGEROUS GOODS', 'N1,yesno'],
  ['4322', 'AUTH LEAVE', 'N1,yesno'],
  ['4323', 'SIG REQUIRED', 'N1,yesno'],
  ['4324', 'NBEF DEL DT.', 'N6,yymmdd N4,hhmi'],
  ['4325', 'NAFT DEL DT.', 'N6,yymmdd N4,hhmi'],
  ['4326', 'REL DATE', 'N6,yymmdd'],
  ['4330', 'MAX TEMP F.', 'N6 [X1,hyphen]'],
  ['4331', 'MAX TEMP C.', 'N6 [X1,hyphen]'],
  ['4332', 'MIN TEMP F.', 'N6 [X1,hyphen]'],
  ['4333', 'MIN TEMP C.', 'N6 [X1,hyphen]'],
  ['7001', 'NSN', 'N13'],
  ['7002', 'MEAT CUT', 'X..30'],
  ['7003', 'EXPIRY TIME', 'N6,yymmdd N4,hhmi'],
  ['7004', 'ACTIVE POTENCY', 'N..4'],
  ['7005', 'CATCH AREA', 'X..12'],
  ['7006', 'FIRST FREEZE DATE', 'N6,yymmdd'],
  ['7007', 'HARVEST DATE', 'N6,yymmdd [N6,yymmdd]'],
  ['7008', 'AQUATIC SPECIES', 'X..3'],
  ['7009', 'FISHING GEAR TYPE', 'X..10'],
  ['7010', 'PROD METHOD', 'X..2'],
  ['7011', 'TEST BY DATE', 'N6,yymmdd [N4,hhmi]'],
  ['7020', 'REFURB LOT', 'X..20'],
  ['7021', 'FUNC STAT', 'X..20'],
  ['7022', 'REV STAT', 'X..20'],
  ['7023', 'GIAI - ASSEMBLY', 'X..30'],
  ['7040', 'UIC+EXT', 'N1 X3'],
  ['7041', 'UFRGT UNIT TYPE', 'X..4'],
  ['710', 'NHRN PZN', 'X..20'],
  ['711', 'NHRN CIP', 'X..20'],
  ['712', 'NHRN CN', 'X..20'],
  ['713', 'NHRN DRN', 'X..20'],
  ['714', 'NHRN AIM', 'X..20'],
  ['715', 'NHRN NDC', 'X..20'],
  ['716', 'NHRN AIC', 'X..20'],
  ['7240', 'PROTOCOL', 'X..20'],
  ['7241', 'AIDC MEDIA TYPE', 'N2'],
  ['7242', 'VCN', 'X..25'],
  ['7250', 'DOB', 'N8,yyyymmdd'],
  ['7251', 'DOB TIME', 'N8,yyyymmdd N4,hhmi'],
  ['7252', 'BIO SEX', 'N1'],
  ['7253', 'FAMILY NAME', 'X..40'],
  ['7254', 'GIVEN NAME', 'X..40'],
  ['7255', 'SUFFIX', 'X..10'],
  ['7256', 'FULL NAME', 'X..90'],
  ['7257', 'PERSON ADDR', 'X..70'],
  ['7258', 'BIRTH SEQUENCE', 'N1 X1 N1'],
  ['7259', 'BABY', 'X..40'],
  ['8001', 'DIMENSIONS', 'N14'],
  ['8002', 'CMT No.', 'X..20'],
  ['8003', 'GRAI', 'N1,zero N13,csum [X..16]'],
  ['8004', 'GIAI', 'X..30'],
  ['8005', 'PRICE PER UNIT', 'N6'],
  ['8006', 'ITIP', 'N14,csum N4,pieceoftotal'],
  ['8007', 'IBAN', 'X..34'],
  ['8008', 'PROD TIME', 'N8,yymmddhh [N..4,mmoptss]'],
  ['8009', 'OPTSEN', 'X..50'],
  ['8010', 'CPID', 'Y..30'],
  ['8011', 'CPID SERIAL', 'N..12'],
  ['8012', 'VERSION', 'X..20'],
  ['8013', 'GMN', 'X..25'],
  ['8014', 'MUDI', 'X..25'],
  ['8017', 'GSRN - PROVIDER', 'N18,csum'],
  ['8018', 'GSRN - RECIPIENT', 'N18,csum'],
  ['8019', 'SRIN', 'N..10'],
  ['8020', 'REF No.', 'X..25'],
  ['8026', 'ITIP CONTENT', 'N14,csum N4,pieceoftotal'],
  ['8030', 'DIGSIG', 'Z..90'],
  ['8110', '-', 'X..70'],
  ['8111', 'POINTS', 'N4'],
  ['8112', '-', 'X..70'],
  ['8200', 'PRODUCT URL', 'X..70'],
  ['90', 'INTERNAL', 'X..30'],
];

// (91)–(99): company internal information (Chestny ZNAK puts its key id in 91, its crypto tail in 92/93).
for (let n = 91; n <= 99; n++) rows.push([String(n), 'INTERNAL', 'X..90']);
// (7030)–(7039): processor with ISO country code; (7230)–(7239): certification reference.
for (let s = 0; s <= 9; s++) {
  rows.push([`703${s}`, `PROCESSOR # ${s}`, 'N3 X..27']);
  rows.push([`723${s}`, `CERT # ${s + 1}`, 'X2 X..28']);
}

// Trade and logistic measures (31nn–36nn): six digits, the fourth AI digit n (0–5) is the number of decimals.
const measures: Record<string, string> = {
  '310': 'NET WEIGHT (kg)', '311': 'LENGTH (m)', '312': 'WIDTH (m)', '313': 'HEIGHT (m)', '314': 'AREA (m²)',
  '315': 'NET VOLUME (l)', '316': 'NET VOLUME (m³)', '320': 'NET WEIGHT (lb)', '321': 'LENGTH (in)',
  '322': 'LENGTH (ft)', '323': 'LENGTH (yd)', '324': 'WIDTH (in)', '325': 'WIDTH (ft)', '326': 'WIDTH (yd)',
  '327': 'HEIGHT (in)', '328': 'HEIGHT (ft)', '329': 'HEIGHT (yd)', '330': 'GROSS WEIGHT (kg)',
  '331': 'LENGTH (m), log', '332': 'WIDTH (m), log', '333': 'HEIGHT (m), log', '334': 'AREA (m²), log',
  '335': 'VOLUME (l), log', '336': 'VOLUME (m³), log', '337': 'KG PER m²', '340': 'GROSS WEIGHT (lb)',
  '341': 'LENGTH (in), log', '342': 'LENGTH (ft), log', '343': 'LENGTH (yd), log', '344': 'WIDTH (in), log',
  '345': 'WIDTH (ft), log', '346': 'WIDTH (yd), log', '347': 'HEIGHT (in), log', '348': 'HEIGHT (ft), log',
  '349': 'HEIGHT (yd), log', '350': 'AREA (in²)', '351': 'AREA (ft²)', '352': 'AREA (yd²)',
  '353': 'AREA (in²), log', '354': 'AREA (ft²), log', '355': 'AREA (yd²), log', '356': 'NET WEIGHT (troy oz)',
  '357': 'NET VOLUME (oz)', '360': 'NET VOLUME (qt)', '361': 'NET VOLUME (gal.)', '362': 'VOLUME (qt), log',
  '363': 'VOLUME (gal.), log', '364': 'VOLUME (in³)', '365': 'VOLUME (ft³)', '366': 'VOLUME (yd³)',
  '367': 'VOLUME (in³), log', '368': 'VOLUME (ft³), log', '369': 'VOLUME (yd³), log',
};
for (const [prefix, title] of Object.entries(measures)) {
  for (let n = 0; n <= 5; n++) rows.push([`${prefix}${n}`, title, 'N6']);
}
// Amounts and prices (39nn).
for (let n = 0; n <= 9; n++) {
  rows.push([`390${n}`, 'AMOUNT', 'N..15']);
  rows.push([`391${n}`, 'AMOUNT', 'N3 N..15']);
  rows.push([`392${n}`, 'PRICE', 'N..15']);
  rows.push([`393${n}`, 'PRICE', 'N3 N..15']);
}
for (let n = 0; n <= 3; n++) rows.push([`394${n}`, 'PRCNT OFF', 'N4']);
for (let n = 0; n <= 5; n++) rows.push([`395${n}`, 'PRICE/UoM', 'N6']);

/** Parses one format such as "N13,csum [X..17]" into its components. */
export function parseSpec(spec: string): Component[] {
  return spec.split(' ').map((token) => {
    const optional = token.startsWith('[');
    const body = optional ? token.slice(1, token.indexOf(']')) + token.slice(token.indexOf(']') + 1) : token;
    const m = /^([NXYZ])(\.\.)?(\d+)((?:,\w+)*)$/.exec(body);
    if (!m) throw new Error(`Bad AI format ${spec}`);
    const max = Number(m[3]);
    const linters = (m[4] ?? '').split(',').filter(Boolean) as Linter[];
    for (const l of linters) if (!linterNames.includes(l)) throw new Error(`Unknown linter ${l} in ${spec}`);
    return { charset: m[1] as Charset, min: m[2] ? 1 : max, max, optional, linters };
  });
}

function define(ai: string, title: string, spec: string): AiDefinition {
  const components = parseSpec(spec);
  const minLength = components.reduce((n, c) => n + (c.optional ? 0 : c.min), 0);
  const maxLength = components.reduce((n, c) => n + c.max, 0);
  const def: AiDefinition = { ai, title, spec, components, minLength, maxLength, predefined: hasPredefinedLength(ai) };
  if (minLength === maxLength) def.fixedLength = maxLength;
  return def;
}

/** Every known AI by its digits. */
export const AI_TABLE: ReadonlyMap<string, AiDefinition> = new Map(rows.map(([ai, title, spec]) => [ai, define(ai, title, spec)]));

/**
 * The length of the AIs starting with these two digits (GS1 AIs are prefix-free: the first two
 * digits decide whether the AI has 2, 3 or 4 digits).
 */
export const AI_LENGTH_BY_PREFIX: ReadonlyMap<string, number> = new Map([...AI_TABLE.keys()].map((ai) => [ai.slice(0, 2), ai.length]));

/** The definition of `ai`, or undefined for an AI Caravan does not know. */
export const aiDefinition = (ai: string): AiDefinition | undefined => AI_TABLE.get(ai);

/** "(17) USE BY OR EXPIRY" — for log messages. */
export const aiLabel = (ai: string): string => {
  const def = AI_TABLE.get(ai);
  return def ? `(${ai}) ${def.title}` : `(${ai})`;
};

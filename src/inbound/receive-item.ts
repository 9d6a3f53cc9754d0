import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { inboundLines, inboundReceipts, locations, lots, productBarcodes, products, type QuarantineReason, type TemperatureClass } from '../db/schema/index.ts';
import { queryRows, textArray } from '../db/rows.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { sqlState, withTransaction } from '../db/tx.ts';
import { ensureLot, knownFacts, locationFactSql, lockIdempotencyKey, move, productFactSql, zoneAccepts, type LocationFacts } from '../stock/index.ts';
import { parseScan, type ScanSuccess } from '../barcodes/gs1.ts';
import { looksLikeScan, scanErrorMessage } from '../barcodes/messages.ts';
import { barcodeCandidates, stripSymbology } from '../inventory/filters.ts';
import { parseInput, receiptInputSchema } from './schemas.ts';
import { recordTransition, shipmentFor, type Shipment } from './access.ts';
import { receivableStatuses } from './status.ts';
import { classRange, inRange, isColdClass, localToday } from './temperature.ts';
import { receivingProgress, type ReceivingProgress } from './queries.ts';
import { readScope } from '../inventory/scope.ts';
import { settleAll } from '../db/pipeline.ts';
import { requestFingerprint } from '../db/idempotency.ts';

/** How a scan went: into stock at the dock, over the expected quantity, or into quarantine. */
export type ReceiptOutcome = 'received' | 'over' | 'unexpected' | 'quarantined';

export type ReceiptResult = {
  receiptId: number;
  outcome: ReceiptOutcome;
  quarantineReason: QuarantineReason | null;
  sku: string;
  productName: string;
  lot: string | null;
  expiry: string | null;
  serial: string | null;
  quantity: number;
  location: string;
  lineNo: number;
  expected: number;
  received: number;
  damaged: number;
  /** The lot(s) the ASN names for this product when the lot received is none of them (received, and flagged). */
  expectedLot: string | null;
  replayed: boolean;
};

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });

type Found = { id: number; sku: string; name: string; temperatureClass: (typeof products.$inferSelect)['temperatureClass']; tracksLot: boolean; tracksExpiry: boolean; units: number };

/**
 * One scan at the dock. The scan names the product (EAN/UPC/GTIN, a case barcode, a
 * marketplace barcode, a GS1-128 or DataMatrix string, or the SKU); its lot, expiry, serial
 * and count fill the receipt. The units move supplier → dock in one ledger entry, or into
 * quarantine when damaged, not on the ASN, expired, or too warm at arrival. A repeat of the
 * same idempotency key returns the first receipt and moves nothing.
 */
export async function receiveItem(opts: {
  db: Db;
  user: CurrentUser;
  shipmentId: number;
  input: unknown;
  keyScope?: string;
  /** Also read the ASN's progress after the receipt (the scan screen's answer), in the same transaction. */
  withProgress?: boolean;
}): Promise<ReceiptResult & { progress: ReceivingProgress | null }> {
  const input = parseInput(receiptInputSchema, opts.input);
  const key = `receipt:${opts.keyScope ?? 'page'}:${opts.user.id}:${input.idempotency_key}`;
  // The progress read is sent behind the receipt's last write, so it waits for no answer of its own.
  const progress = (tx: Tx) => (opts.withProgress ? receivingProgress(tx, readScope(opts.user), opts.shipmentId) : null);
  try {
    return await withTransaction(opts.db, (tx) => receive(tx, opts.user, opts.shipmentId, input, key, progress));
  } catch (err) {
    if (sqlState(err) === '23505' && String((err as Error).message + String((err as { cause?: unknown }).cause)).includes('serial')) {
      throw fieldError('scan', 'inbound.error.serialReceived', { serial: '' });
    }
    throw err;
  }
}

async function receive(
  tx: Tx,
  user: CurrentUser,
  shipmentId: number,
  parsedInput: ReturnType<typeof receiptInputSchema.parse>,
  key: string,
  progressOf: (tx: Tx) => Promise<ReceivingProgress | null> | null,
): Promise<ReceiptResult & { progress: ReceivingProgress | null }> {
  // The key's lock, then the receipt the key already made and the ASN's status (it says which
  // lock to take) and warehouse: two statements sent at once; the read runs once the lock is held.
  const [, [peek]] = await settleAll([
    lockIdempotencyKey(tx, key),
    queryRows<{ prior: number | null; request: string | null; status: string | null; warehouseId: number | null }>(
      tx,
      sql`SELECT r.id AS prior, r.result->>'request' AS request, s.status::text AS status, s.warehouse_id AS "warehouseId"
        FROM (VALUES (1)) AS one LEFT JOIN inbound_receipts r ON r.idempotency_key = ${key} LEFT JOIN inbound_shipments s ON s.id = ${shipmentId}`,
    ),
  ]);
  const { confirm_over: _confirm, ...asked } = parsedInput;
  const request = requestFingerprint(`receipt:${shipmentId}`, asked);
  if (peek?.prior != null) {
    if (peek.request !== null && peek.request !== request) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
    const [prior, progress] = await settleAll([describeReceipt(tx, Number(peek.prior)), progressOf(tx)]);
    return { ...prior, replayed: true, progress };
  }

  // Asked for a lot, the operator may scan the carton's GS1 label into the lot (or expiry) field:
  // that label is the scan (its (10) and (17) fill the receipt), not a lot number; it must be a
  // label of the item scanned first. A lot or date that is some other barcode, or a label that is
  // no valid GS1 string, is never stored as a lot: it is refused once the ASN is known to be
  // receivable.
  const { input, label, badField } = labelInField(parsedInput);
  const scan = input.scan !== undefined && !badField ? parseScan(input.scan) : null;

  // A scan must not race a status change (finish, cancel); the first scan starts receiving.
  // The ASN's lock, the warehouse's receiving places, the products the code names and their
  // lines on this ASN are sent at once (pipelined on the transaction's connection, in this
  // order); nothing read is used before the ASN is known to be the user's to receive.
  const lock = peek?.status === 'arrived' ? 'update' : 'share';
  const codes = input.scan !== undefined && !badField ? scanCodes(input.scan, scan) : null;
  const [s, places, byCode, codeLines] = await settleAll([
    shipmentFor(tx, user, shipmentId, 'inbound.receive', lock),
    peek?.warehouseId != null ? receivingPlaces(tx, peek.warehouseId) : null,
    codes ? productsByCode(tx, codes) : null,
    codes ? linesOf(tx, shipmentId, { codes }) : null,
  ]);
  if (!receivableStatuses.includes(s.status)) {
    const keyFor = s.status === 'draft' || s.status === 'expected' ? 'inbound.error.notArrived' : 'inbound.error.notReceivable';
    throw new AppError('CONFLICT', { key: keyFor, params: { reference: s.reference, status: `@inbound.status.${s.status}` } });
  }
  if (badField) throw badField;
  // Read beside the lock from the unlocked status read: asked again in the (edited) ASN's warehouse.
  const here = places && peek?.warehouseId === s.warehouseId ? places : await receivingPlaces(tx, s.warehouseId);

  const parsed = scan?.ok ? scan : null;
  const product = await onField(label?.field, async () => {
    const found = await findProduct(tx, s, input.scan, input.sku, scan, byCode ?? []);
    if (parsed?.sscc && !parsed.gtin && !parsed.contentGtin) throw fieldError('scan', 'inbound.error.ssccOnly', { sscc: parsed.sscc });
    return found;
  });
  if (label?.named !== undefined) await sameProduct(tx, s, product, label.named, label.field);

  const serial = parsed?.serial ?? null;
  // (37) counts the items on a logistic unit; a serialised item is one unit; a case barcode
  // stands for its units.
  const count = serial ? 1 : (parsed?.count ?? input.quantity);
  const quantity = count * product.units;

  // Its lines were read with the barcode lookup, unless the code was its SKU.
  const lines = codeLines && byCode?.some((p) => p.id === product.id) ? codeLines.filter((l) => l.productId === product.id) : await linesOf(tx, s.id, { productId: product.id });

  // Lot and expiry: from the scan, else typed; a tracked product without them is asked for them.
  const lotCode = product.tracksLot ? (parsed?.lot ?? input.lot ?? '') : '';
  let expiry = product.tracksExpiry ? (parsed?.expiry ?? parsed?.bestBefore ?? input.expiry ?? null) : null;
  // A lot this product already has (from an earlier GS1 scan or the ASN) brings its expiry.
  if (product.tracksExpiry && !expiry && lotCode) {
    const known = await tx.select({ expiresOn: lots.expiresOn }).from(lots).where(and(eq(lots.productId, product.id), eq(lots.code, lotCode)));
    const dated = [...new Set(known.map((k) => k.expiresOn).filter((d): d is string => Boolean(d)))];
    if (dated.length === 1) expiry = dated[0]!;
    else if (dated.length === 0) expiry = lines.find((l) => l.lotCode === lotCode && l.expiresOn)?.expiresOn ?? null;
  }
  const guess = lines.find((l) => l.lotCode || l.expiresOn);
  const missing: FieldError[] = [];
  if (product.tracksLot && !lotCode) missing.push({ path: 'lot', key: 'inbound.error.lotNeeded', params: { sku: product.sku, suggested: guess?.lotCode ?? '' } });
  if (product.tracksExpiry && !expiry) missing.push({ path: 'expiry', key: 'inbound.error.expiryNeeded', params: { sku: product.sku, suggested: guess?.expiresOn ?? '' } });
  if (missing.length) throw new AppError('VALIDATION', { key: missing[0]!.key, params: missing[0]!.params, fieldErrors: missing });

  let line = lines.find((l) => (l.lotCode ?? '') === lotCode && lotCode !== '') ?? lines.find((l) => !l.unexpected) ?? lines[0];
  // The goods are here, so a lot the ASN does not name is received, and the answer says which it named.
  const asnLots = [...new Set(lines.flatMap((l) => (!l.unexpected && l.lotCode ? [l.lotCode] : [])))];
  const expectedLot = lotCode && asnLots.length && !asnLots.includes(lotCode) ? asnLots.join(', ') : null;
  if (!line) line = await openUnexpectedLine(tx, s.id, product.id);
  if (line.unexpected && line.decision === 'rejected') throw new AppError('CONFLICT', { key: 'inbound.error.rejectedProduct', params: { sku: product.sku }, fieldErrors: [{ path: 'scan', key: 'inbound.error.rejectedProduct', params: { sku: product.sku } }] });

  let reason: QuarantineReason | null = null;
  if (line.quarantineReason === 'temperature') reason = 'temperature';
  else if (input.temperature_c !== undefined && isColdClass(product.temperatureClass)) {
    const range = await classRange(tx, s.warehouseId, product.temperatureClass);
    if (!range || !inRange(input.temperature_c, range)) reason = 'temperature';
  }
  if (!reason && input.condition === 'damaged') reason = 'damaged';
  if (!reason && line.unexpected && line.decision !== 'accepted') reason = 'unexpected';
  if (!reason && expiry && expiry < localToday(here.timezone)) reason = 'expired';

  if (here.supplierId === null) throw new AppError('CONFLICT', { key: 'inbound.error.noSupplierLocation' });
  const from = here.supplierId;
  const to = destination(here.places, s, product, reason ? 'quarantine' : 'dock');
  const lotId = product.tracksLot || product.tracksExpiry ? await ensureLot(tx, product.id, lotCode, expiry) : null;
  // Far more than expected is usually a wrong count or a wrong line: the operator confirms it.
  const before = line.receivedQty + line.damagedQty;
  const tolerance = Math.max(1, Math.ceil(line.expectedQty * 0.1));
  if (!line.unexpected && before + quantity > line.expectedQty + tolerance && !input.confirm_over) {
    throw new AppError('CONFLICT', {
      key: 'inbound.error.confirmOver',
      params: { sku: product.sku, total: before + quantity, expected: line.expectedQty },
      fieldErrors: [{ path: 'confirm_over', key: 'inbound.error.confirmOver', params: { sku: product.sku, total: before + quantity, expected: line.expectedQty } }],
    });
  }
  // The move and the line's count are sent at once; a refused move rolls the count back with it.
  const damaged = input.condition === 'damaged';
  const [{ entry }, [updated]] = await settleAll([
    move(
      tx,
      {
        productId: product.id,
        lotId,
        quantity,
        fromLocationId: from,
        toLocationId: to.id,
        reason: 'receipt',
        document: { type: 'inbound', id: String(s.id) },
        actor: { userId: user.id },
        idempotencyKey: key,
        keyChecked: true,
      },
      // What was read above: the ledger checks its rules against them.
      knownFacts({ products: [product], locations: here.locations, lots: lotId === null ? [] : [{ id: lotId, productId: product.id }] }),
    ),
    queryRows<{ lineNo: number; expectedQty: number; receivedQty: number; damagedQty: number }>(
      tx,
      sql`UPDATE inbound_lines SET received_qty = received_qty + ${damaged ? 0 : quantity}, damaged_qty = damaged_qty + ${damaged ? quantity : 0} WHERE id = ${line.id}
          RETURNING line_no AS "lineNo", expected_qty AS "expectedQty", received_qty AS "receivedQty", damaged_qty AS "damagedQty"`,
    ),
  ]);
  const total = updated!.receivedQty + updated!.damagedQty;
  const outcome: ReceiptOutcome = reason === 'unexpected' ? 'unexpected' : reason ? 'quarantined' : total > updated!.expectedQty ? 'over' : 'received';
  const result: Omit<ReceiptResult, 'receiptId'> = {
    outcome,
    quarantineReason: reason,
    sku: product.sku,
    productName: product.name,
    lot: lotCode || null,
    expiry,
    serial,
    quantity,
    location: to.code,
    lineNo: updated!.lineNo,
    expected: updated!.expectedQty,
    received: updated!.receivedQty,
    damaged: updated!.damagedQty,
    expectedLot,
    replayed: false,
  };

  // The receipt, then (the first scan starts receiving) the status change, then the progress
  // read, sent in this order.
  const [[receipt], , progress] = await settleAll([
    queryRows<{ id: number }>(
      tx,
      sql`INSERT INTO inbound_receipts (shipment_id, line_id, product_id, lot_id, quantity, condition, location_id, quarantine_reason, ledger_entry_id, scan, sscc, serial, celsius, actor_user_id, idempotency_key, result)
          VALUES (${s.id}, ${line.id}, ${product.id}, ${lotId}, ${quantity}, ${input.condition}, ${to.id}, ${reason}, ${entry.id}, ${input.scan ?? null}, ${parsed?.sscc ?? null}, ${serial},
                  ${input.temperature_c ?? null}, ${user.id}, ${key}, ${JSON.stringify({ ...result, request })}::jsonb)
          RETURNING id`,
    ),
    s.status === 'arrived' ? recordTransition(tx, s, 'receiving', 'startReceiving', user.id) : null,
    progressOf(tx),
  ]);
  return { receiptId: receipt!.id, ...result, progress };
}

type ReceiptInput = ReturnType<typeof receiptInputSchema.parse>;

/**
 * A GS1 label scanned into the lot or expiry field becomes the scan: `label.named` is what the
 * scan (or SKU) field named before, which the label must be a label of. Any other barcode there,
 * or a GS1 string that does not parse, is `badField`, with the reason when the parser knows it.
 */
function labelInField(given: ReceiptInput): { input: ReceiptInput; label: { field: 'lot' | 'expiry'; named: string | undefined } | null; badField: AppError | null } {
  let input = given;
  let label: { field: 'lot' | 'expiry'; named: string | undefined } | null = null;
  let badField: AppError | null = null;
  for (const field of ['lot', 'expiry'] as const) {
    const v = given[field];
    if (!v || !looksLikeScan(v)) continue;
    const asScan = parseScan(v);
    if (asScan.ok && asScan.kind === 'gs1' && (!label || input.scan === v)) {
      if (!label) label = { field, named: given.scan ?? given.sku };
      input = { ...input, scan: v, sku: undefined, [field]: undefined };
    } else if (!asScan.ok && !/^(?:\d{8}|\d{12,14})$/.test(v.trim())) {
      const { key, params } = scanErrorMessage(asScan.error);
      badField ??= fieldError(field, key, params);
    } else badField ??= fieldError(field, field === 'lot' ? 'inbound.error.lotIsBarcode' : 'inbound.error.badDate');
  }
  return { input, label, badField };
}

/** Runs a product lookup whose errors belong to another field (the label was scanned into it). */
async function onField<T>(field: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!field || !(err instanceof AppError)) throw err;
    throw new AppError(err.code, { key: err.key, params: err.params, fieldErrors: err.fieldErrors.map((f) => (f.path === 'scan' ? { ...f, path: field } : f)) });
  }
}

/**
 * A label scanned into the lot or expiry field must be one of the item scanned first (its EAN,
 * case code or SKU): a label of another product is refused, naming both.
 */
async function sameProduct(tx: Tx, s: Shipment, product: Found, named: string, field: 'lot' | 'expiry'): Promise<void> {
  const typed = stripSymbology(named.trim());
  if (typed === product.sku) return;
  const byCode = (await productsByCode(tx, scanCodes(named, parseScan(named)))).filter((p) => p.sellerId === s.sellerId);
  if (byCode.some((p) => p.id === product.id)) return;
  const params = { label: product.sku, scanned: byCode[0]?.sku ?? typed };
  throw new AppError('VALIDATION', { key: 'inbound.error.labelOtherProduct', params, fieldErrors: [{ path: field, key: 'inbound.error.labelOtherProduct', params }] });
}

const productFields = { id: products.id, sku: products.sku, name: products.name, temperatureClass: products.temperatureClass, tracksLot: products.tracksLot, tracksExpiry: products.tracksExpiry };

/** The barcodes a scan may stand for (its digits as EAN/UPC/GTIN; a logistic unit's content GTIN). */
function scanCodes(raw: string, scan: ReturnType<typeof parseScan> | null): string[] {
  const ok = scan?.ok ? (scan as ScanSuccess) : null;
  const candidates = new Set(barcodeCandidates(raw));
  // A logistic unit label names the trade items it holds with (02).
  if (ok?.contentGtin) for (const c of barcodeCandidates(`(01)${ok.contentGtin}`)) candidates.add(c);
  return [...candidates];
}

/** Every seller's products with one of these barcodes. */
function productsByCode(tx: Tx, codes: string[]) {
  return queryRows<Found & { sellerId: number }>(
    tx,
    sql`SELECT DISTINCT ${productFactSql}, p.name, b.units, b.seller_id AS "sellerId"
        FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ANY(${textArray(codes)})`,
  );
}

const lineFields = {
  id: inboundLines.id,
  productId: inboundLines.productId,
  lineNo: inboundLines.lineNo,
  expectedQty: inboundLines.expectedQty,
  receivedQty: inboundLines.receivedQty,
  damagedQty: inboundLines.damagedQty,
  lotCode: inboundLines.lotCode,
  expiresOn: inboundLines.expiresOn,
  quarantineReason: inboundLines.quarantineReason,
  unexpected: inboundLines.unexpected,
  decision: inboundLines.decision,
};

/** The ASN's lines of one product, or of the products with one of these barcodes, in line order. */
function linesOf(tx: Tx, shipmentId: number, of: { productId: number } | { codes: string[] }) {
  const product =
    'productId' in of
      ? eq(inboundLines.productId, of.productId)
      : inArray(inboundLines.productId, tx.select({ id: productBarcodes.productId }).from(productBarcodes).where(inArray(productBarcodes.code, of.codes)));
  return tx.select(lineFields).from(inboundLines).where(and(eq(inboundLines.shipmentId, shipmentId), product)).orderBy(asc(inboundLines.lineNo));
}

/**
 * The product a scan or SKU names, among the ASN seller's products. A valid barcode of
 * another seller's product is "not on this ASN"; a code that is no barcode at all says why.
 * `byCode`: the products the scan's barcodes name (read beside the ASN's lock).
 */
async function findProduct(tx: Tx, s: Shipment, raw: string | undefined, sku: string | undefined, scan: ReturnType<typeof parseScan> | null, byCode: Awaited<ReturnType<typeof productsByCode>>): Promise<Found> {
  if (raw !== undefined) {
    const mine = byCode.filter((r) => r.sellerId === s.sellerId);
    if (mine.length === 1) return mine[0]!;
    if (mine.length > 1) throw fieldError('scan', 'error.ambiguousProduct', { code: raw });
    if (byCode.length) throw new AppError('CONFLICT', { key: 'inbound.error.otherSellersProduct', params: { code: stripSymbology(raw.trim()) }, fieldErrors: [{ path: 'scan', key: 'inbound.error.otherSellersProduct', params: { code: stripSymbology(raw.trim()) } }] });
    const bySku = await tx.select({ ...productFields, units: sql<number>`1` }).from(products).where(and(eq(products.sellerId, s.sellerId), eq(products.sku, stripSymbology(raw.trim()))));
    if (bySku[0]) return bySku[0];
    if (scan && !scan.ok) {
      const { key, params } = scanErrorMessage(scan.error);
      throw fieldError('scan', key, params);
    }
    throw fieldError('scan', 'error.unknownProductCode', { code: raw.trim() });
  }
  const [bySku] = await tx.select({ ...productFields, units: sql<number>`1` }).from(products).where(and(eq(products.sellerId, s.sellerId), eq(products.sku, sku!)));
  if (!bySku) throw fieldError('sku', 'inbound.error.unknownSku', { sku: sku! });
  return bySku;
}

async function openUnexpectedLine(tx: Tx, shipmentId: number, productId: number) {
  const [{ n }] = (await tx.select({ n: sql<number>`coalesce(max(${inboundLines.lineNo}), 0)::int` }).from(inboundLines).where(eq(inboundLines.shipmentId, shipmentId))) as [{ n: number }];
  const [line] = await tx.insert(inboundLines).values({ shipmentId, lineNo: n + 1, productId, expectedQty: 0, unexpected: true }).returning(lineFields);
  return line!;
}

export async function virtualLocation(tx: Tx, warehouseId: number, kind: 'supplier' | 'adjustment'): Promise<number> {
  const [loc] = await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.warehouseId, warehouseId), eq(locations.kind, kind))).orderBy(asc(locations.id)).limit(1);
  if (!loc) throw new AppError('CONFLICT', { key: 'inbound.error.noSupplierLocation' });
  return loc.id;
}

type Place = { id: number; code: string; kind: 'dock' | 'quarantine'; cls: TemperatureClass };

/**
 * What a receipt needs to know of its warehouse, in one read: its clock (for expiry), its
 * supplier location (where received units come from), and its active docks and quarantine
 * locations with their zones' classes, in walking order; `locations`: what the stock rules
 * need to know of each of them.
 */
async function receivingPlaces(tx: Tx, warehouseId: number): Promise<{ timezone: string; supplierId: number | null; places: Place[]; locations: LocationFacts[] }> {
  // One row per location (none when the warehouse has none: its columns are then null).
  const rows = await queryRows<{ timezone: string } & (LocationFacts | { id: null })>(
    tx,
    sql`SELECT w.timezone, ${locationFactSql}
        FROM warehouses w
          LEFT JOIN locations l ON l.warehouse_id = w.id AND (l.kind = 'supplier' OR (l.kind IN ('dock', 'quarantine') AND l.active))
          LEFT JOIN zones z ON z.id = l.zone_id
        WHERE w.id = ${warehouseId}
        ORDER BY l.walk_sequence, l.code, l.id`,
  );
  const found = rows.flatMap(({ timezone: _, ...l }) => (l.id === null ? [] : [l as LocationFacts]));
  const suppliers = found.filter((l) => l.kind === 'supplier').map((l) => l.id);
  return {
    timezone: rows[0]?.timezone ?? 'UTC',
    supplierId: suppliers.length ? Math.min(...suppliers) : null,
    places: found.flatMap((l) => (l.zoneClass !== null && (l.kind === 'dock' || l.kind === 'quarantine') ? [{ id: l.id, code: l.code, kind: l.kind, cls: l.zoneClass }] : [])),
    locations: found,
  };
}

/**
 * Where received units go: the ASN's dock (or another dock) whose zone takes the product's
 * temperature class, or a quarantine location of a fitting class. The exact class is
 * preferred to a colder one that also accepts it.
 */
function destination(places: Place[], s: Shipment, product: Found, kind: 'dock' | 'quarantine'): { id: number; code: string } {
  const fit = places.filter((r) => r.kind === kind && zoneAccepts(r.cls, product.temperatureClass));
  const best =
    fit.find((r) => r.id === s.dockLocationId && r.cls === product.temperatureClass) ??
    fit.find((r) => r.cls === product.temperatureClass) ??
    fit.find((r) => r.id === s.dockLocationId) ??
    fit[0];
  if (!best) {
    throw new AppError('CONFLICT', { key: kind === 'dock' ? 'inbound.error.noDockForClass' : 'inbound.error.noQuarantineForClass', params: { class: `@class.${product.temperatureClass}` } });
  }
  return best;
}

/** The answer a receipt gave when it was made: a repeated request gets it again. */
export async function describeReceipt(tx: Tx, receiptId: number): Promise<ReceiptResult> {
  const [r] = await tx.select({ id: inboundReceipts.id, result: inboundReceipts.result }).from(inboundReceipts).where(eq(inboundReceipts.id, receiptId));
  // `request`: what the receipt was asked (requestFingerprint), kept with the answer, not part of it.
  const { request: _request, ...answer } = r!.result as Omit<ReceiptResult, 'receiptId'> & { request?: string };
  return { ...answer, expectedLot: answer.expectedLot ?? null, receiptId: r!.id, replayed: true };
}

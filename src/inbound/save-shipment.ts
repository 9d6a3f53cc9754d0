import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { inboundEvents, inboundLines, inboundShipments, products, sellers, warehouses } from '../db/schema/index.ts';
import { can, sellerScope, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { sqlState, withTransaction } from '../db/tx.ts';
import { parseInput, shipmentInputSchema } from './schemas.ts';
import { sellerFor } from '../inventory/seller-for.ts';
import { lockIdempotencyKey } from '../stock/index.ts';
import { shipmentFor, recordEvent, type Shipment } from './access.ts';
import { editableStatuses } from './status.ts';

export type SaveShipmentOptions = {
  db: Db;
  user: CurrentUser;
  input: unknown;
  /** Edit this ASN (draft or expected) instead of creating one. */
  shipmentId?: number;
  /** A repeated create with the same key returns the first ASN (API Idempotency-Key). */
  idempotencyKey?: string;
};

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: [{ path, key, params }] });

/**
 * Creates an ASN (or rewrites a draft or expected one): reference, seller, warehouse, ETA,
 * transport and expected lines. A seller creates ASNs for their own goods only: SKUs are
 * looked up among the ASN seller's products, so another seller's SKU is simply unknown.
 */
export async function saveShipment(opts: SaveShipmentOptions): Promise<Shipment> {
  const { user } = opts;
  let input: ReturnType<typeof shipmentInputSchema.parse>;
  try {
    input = parseInput(shipmentInputSchema, opts.input);
  } catch (err) {
    throw await withUnknownSkus(opts, err);
  }
  try {
    return await withTransaction(opts.db, async (tx) => {
      if (opts.idempotencyKey) {
        // Concurrent repeats of one key wait here for the first to commit, then find its ASN.
        await lockIdempotencyKey(tx, `asn:${opts.idempotencyKey}`);
        const [prior] = await tx.select().from(inboundShipments).where(eq(inboundShipments.idempotencyKey, opts.idempotencyKey));
        if (prior) {
          if (prior.reference !== input.reference) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
          return prior;
        }
      }
      const [wh] = await tx.select().from(warehouses).where(eq(warehouses.code, input.warehouse));
      if (!wh || !can(user, 'inbound.create', { warehouseId: wh.id })) throw fieldError('warehouse', 'error.unknownWarehouse');
      const sellerId = await sellerFor(tx, user, input.seller);
      const lines = await resolveLines(tx, sellerId, input.lines);

      const header = {
        sellerId,
        warehouseId: wh.id,
        reference: input.reference,
        eta: input.eta ?? null,
        transportMode: input.transport.mode,
        tirCarnet: input.transport.tir_carnet ?? null,
        vehiclePlate: input.transport.vehicle_plate ?? null,
        trailerPlate: input.transport.trailer_plate ?? null,
        container: input.transport.container ?? null,
        seals: input.transport.seals,
        note: input.note ?? null,
      };
      let shipment: Shipment;
      if (opts.shipmentId !== undefined) {
        const current = await shipmentFor(tx, user, opts.shipmentId, 'inbound.create', 'update');
        if (!editableStatuses.includes(current.status)) {
          throw new AppError('CONFLICT', { key: 'inbound.error.notEditable', params: { status: `@inbound.status.${current.status}` } });
        }
        [shipment] = (await tx.update(inboundShipments).set({ ...header, updatedAt: new Date() }).where(eq(inboundShipments.id, current.id)).returning()) as [Shipment];
        await tx.delete(inboundLines).where(eq(inboundLines.shipmentId, current.id));
        await recordEvent(tx, shipment, 'edit', user.id);
      } else {
        const status = input.draft ? 'draft' : 'expected';
        [shipment] = (await tx.insert(inboundShipments).values({ ...header, status, createdBy: user.id, idempotencyKey: opts.idempotencyKey ?? null }).returning()) as [Shipment];
        await tx.insert(inboundEvents).values({ shipmentId: shipment.id, toStatus: status, action: 'create', actorUserId: user.id });
      }
      await tx.insert(inboundLines).values(lines.map((l, i) => ({ shipmentId: shipment.id, lineNo: i + 1, ...l })));
      return shipment;
    });
  } catch (err) {
    // Two ASNs of one seller cannot share a reference (the unique index decides under concurrency).
    if (sqlState(err) === '23505') throw fieldError('reference', 'inbound.error.duplicateReference', { reference: input.reference });
    throw err;
  }
}

type LineIn = { sku: string; quantity: number; lot?: string | undefined; expiry?: string | undefined };

async function resolveLines(tx: Tx, sellerId: number, lines: LineIn[]) {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const found = await tx
    .select({ id: products.id, sku: products.sku, tracksLot: products.tracksLot, tracksExpiry: products.tracksExpiry })
    .from(products)
    .where(and(eq(products.sellerId, sellerId), inArray(products.sku, skus)));
  const bySku = new Map(found.map((p) => [p.sku, p]));
  const errors: FieldError[] = [];
  const out = lines.map((l, i) => {
    const p = bySku.get(l.sku);
    if (!p) {
      errors.push({ path: `lines.${i}.sku`, key: 'inbound.error.unknownSku', params: { sku: l.sku } });
      return null;
    }
    if (l.lot && !p.tracksLot) errors.push({ path: `lines.${i}.lot`, key: 'error.productHasNoLots', params: { sku: l.sku } });
    if (l.expiry && !p.tracksExpiry) errors.push({ path: `lines.${i}.expiry`, key: 'inbound.error.productHasNoExpiry', params: { sku: l.sku } });
    return { productId: p.id, expectedQty: l.quantity, lotCode: l.lot ?? null, expiresOn: l.expiry ?? null };
  });
  if (errors.length) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors });
  return out as NonNullable<(typeof out)[number]>[];
}

/**
 * A form with a bad quantity in one row and an unknown SKU in another says both at once: the
 * SKUs of a rejected input are looked up too, so the user fixes everything in one go.
 */
async function withUnknownSkus(opts: SaveShipmentOptions, err: unknown): Promise<unknown> {
  if (!(err instanceof AppError)) return err;
  const raw = opts.input as { seller?: unknown; lines?: unknown } | null;
  const lines = Array.isArray(raw?.lines) ? (raw.lines as { sku?: unknown }[]) : [];
  const sellerCode = typeof raw?.seller === 'string' ? raw.seller.trim().toUpperCase() : '';
  const own = sellerScope(opts.user);
  const [seller] = own !== null ? [{ id: own }] : sellerCode ? await opts.db.select({ id: sellers.id }).from(sellers).where(eq(sellers.code, sellerCode)) : [];
  const skus = lines.map((l) => (typeof l?.sku === 'string' ? l.sku.trim() : '')).filter((x) => x && x.length <= 80);
  if (!seller || skus.length === 0) return err;
  const known = new Set((await opts.db.select({ sku: products.sku }).from(products).where(and(eq(products.sellerId, seller.id), inArray(products.sku, skus)))).map((p) => p.sku));
  const extra: FieldError[] = [];
  lines.forEach((l, i) => {
    const sku = typeof l?.sku === 'string' ? l.sku.trim() : '';
    if (sku && !known.has(sku) && !err.fieldErrors.some((f) => f.path === `lines.${i}.sku`)) extra.push({ path: `lines.${i}.sku`, key: 'inbound.error.unknownSku', params: { sku } });
  });
  return extra.length ? new AppError(err.code, { key: err.key, params: err.params, fieldErrors: [...err.fieldErrors, ...extra] }) : err;
}

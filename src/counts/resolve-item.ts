import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { lots } from '../db/schema/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { parseScan } from '../barcodes/gs1.ts';
import { findProduct, type FoundProduct } from '../inventory/service.ts';
import { ensureLot } from '../stock/index.ts';

export const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });

/**
 * The product and lot a counted or adjusted item is: the product from its barcode or SKU, the
 * lot from the GS1 scan (lot and expiry) or the lot field (a lot code, or an expiry date
 * YYYY-MM-DD for goods tracked by expiry only). A lot seen for the first time is recorded, so
 * units found of a lot the system never had can be counted. `units` is how many units one
 * scan stands for (a case barcode: units per case).
 */
export async function resolveItem(tx: Tx, input: { product: string; lot: string; field: string }): Promise<{ product: FoundProduct; lotId: number | null }> {
  let product: FoundProduct;
  try {
    product = await findProduct(tx, input.product);
  } catch (err) {
    if (err instanceof AppError && err.fieldErrors[0]) throw fieldError(input.field, err.fieldErrors[0].key, err.fieldErrors[0].params);
    throw err;
  }
  const scan = parseScan(input.product);
  const typed = input.lot.trim();
  const typedExpiry = /^\d{4}-\d{2}-\d{2}$/.test(typed) ? typed : undefined;
  const code = (scan.ok ? scan.lot : undefined) ?? (typedExpiry ? undefined : typed || undefined);
  const expiry = (scan.ok ? scan.expiry : undefined) ?? typedExpiry;
  if (!product.tracksLot && !product.tracksExpiry) {
    if (typed) throw fieldError('lot', 'error.productHasNoLots', { sku: product.sku });
    return { product, lotId: null };
  }
  if (product.tracksLot && !code) throw fieldError('lot', 'counts.error.lotNeeded', { sku: product.sku });
  const lotCode = product.tracksLot ? code! : '';
  if (product.tracksExpiry && !expiry) {
    // A lot code alone names a lot the warehouse already knows (with its expiry).
    const known = await tx.select({ id: lots.id }).from(lots).where(and(eq(lots.productId, product.id), eq(lots.code, lotCode)));
    if (known.length === 1) return { product, lotId: known[0]!.id };
    throw fieldError('lot', 'counts.error.expiryNeeded', { sku: product.sku });
  }
  if (expiry && !isRealDate(expiry)) throw fieldError('lot', 'counts.error.invalid');
  return { product, lotId: await ensureLot(tx, product.id, lotCode, product.tracksExpiry ? expiry! : null) };
}

const isRealDate = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
};

import { and, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { productBarcodes, type products } from '../db/schema/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { parseScan, type ScanSuccess } from '../barcodes/gs1.ts';
import { looksLikeScan, scanErrorMessage } from '../barcodes/messages.ts';
import { barcodeCandidates, stripSymbology } from '../inventory/filters.ts';

type Product = typeof products.$inferSelect;

export const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) =>
  new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });

/**
 * The product a scan (EAN, case code, GS1, or a SKU typed into the scan field) or a SKU names
 * among a transfer's products, with the units it stands for and the parsed GS1 data; anything
 * else is refused on its field (a bad barcode says why).
 */
export async function productOnTransfer(tx: Tx, products: Product[], input: { scan?: string | undefined; sku?: string | undefined; quantity: number }): Promise<{ product: Product; parsed: ScanSuccess | null; quantity: number }> {
  if (input.scan === undefined) {
    const bySku = products.find((p) => p.sku === input.sku);
    if (!bySku) throw fieldError('sku', 'transfers.error.notOnTransfer', { code: input.sku ?? '' });
    return { product: bySku, parsed: null, quantity: input.quantity };
  }
  const scan = parseScan(input.scan);
  const parsed = scan.ok ? scan : null;
  const [code] = await tx
    .select({ productId: productBarcodes.productId, units: productBarcodes.units })
    .from(productBarcodes)
    .where(and(inArray(productBarcodes.productId, products.map((p) => p.id)), inArray(productBarcodes.code, barcodeCandidates(input.scan))));
  const typed = stripSymbology(input.scan.trim());
  const product = code ? products.find((p) => p.id === code.productId) : products.find((p) => p.sku === typed);
  if (product) return { product, parsed, quantity: (parsed?.count ?? input.quantity) * (code?.units ?? 1) };
  if (!scan.ok && looksLikeScan(input.scan)) {
    const { key, params } = scanErrorMessage(scan.error);
    throw fieldError('scan', key, params);
  }
  throw fieldError('scan', 'transfers.error.notOnTransfer', { code: typed });
}

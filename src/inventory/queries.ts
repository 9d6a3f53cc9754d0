import { and, asc, desc, eq, ilike, inArray, lt, or, sql, type Column, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { intArray, queryRows } from '../db/rows.ts';
import {
  ledgerEntries,
  locations,
  lots,
  productBarcodes,
  products,
  sellers,
  stockBalances,
  warehouses,
  zones,
} from '../db/schema/index.ts';
import { alias } from 'drizzle-orm/pg-core';
import { barcodeCandidates, isMoment, stripSymbology, type LedgerFilter, type StockFilter } from './filters.ts';
import { parseScan } from '../barcodes/gs1.ts';
import { looksLikeScan } from '../barcodes/messages.ts';
import type { ScanError } from '../barcodes/scan-error.ts';
import { sellerCondition, warehouseCondition, type ReadScope } from './scope.ts';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);

export type Warehouse = typeof warehouses.$inferSelect;

export async function listWarehouses(db: Executor, scope: ReadScope): Promise<Warehouse[]> {
  return db.select().from(warehouses).where(warehouseCondition(scope, warehouses.id)).orderBy(asc(warehouses.code));
}

export async function listSellers(db: Executor, scope: ReadScope) {
  return db
    .select({ id: sellers.id, code: sellers.code, name: sellers.name })
    .from(sellers)
    .where(scope.sellerId === null ? undefined : eq(sellers.id, scope.sellerId))
    .orderBy(asc(sellers.code));
}

/** What a search box entry turned out to be. */
export type SearchMatch =
  | { kind: 'barcode'; code: string; productIds: number[]; unitsPerScan: number }
  | { kind: 'location'; code: string; locationIds: number[] }
  | { kind: 'text'; text: string; scanError?: ScanError };

/**
 * A search box takes a scanned or typed barcode, a location label, a SKU or part of a name.
 * Barcodes and location codes are matched exactly first, then SKU prefix or name.
 */
export async function resolveSearch(db: Executor, scope: ReadScope, raw: string): Promise<SearchMatch> {
  const text = stripSymbology(raw.trim());
  const codes = barcodeCandidates(text);
  const byBarcode = await db
    .select({ productId: productBarcodes.productId, units: productBarcodes.units })
    .from(productBarcodes)
    .where(and(inArray(productBarcodes.code, codes), sellerCondition(scope, productBarcodes.sellerId)));
  if (byBarcode.length) {
    return { kind: 'barcode', code: text, productIds: [...new Set(byBarcode.map((b) => b.productId))], unitsPerScan: byBarcode[0]?.units ?? 1 };
  }
  const upper = text.toUpperCase();
  const byLocation = await db
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.code, upper), warehouseCondition(scope, locations.warehouseId), sql`${locations.kind} NOT IN ('supplier','customer','transit','adjustment')`));
  if (byLocation.length) return { kind: 'location', code: upper, locationIds: byLocation.map((l) => l.id) };
  // A scan that is not a valid barcode is still searched as text, with the reason shown.
  const scan = looksLikeScan(raw) ? parseScan(raw) : null;
  return scan && !scan.ok ? { kind: 'text', text, scanError: scan.error } : { kind: 'text', text };
}

/** The rows a search matched: `productId` and the location column(s) of the table searched. */
function searchCondition(match: SearchMatch, productId: Column, locationIds: Column[]): SQL | undefined {
  switch (match.kind) {
    case 'barcode':
      return inArray(productId, match.productIds);
    case 'location':
      return or(...locationIds.map((c) => inArray(c, match.locationIds)));
    case 'text': {
      const like = escapeLike(match.text);
      return or(ilike(products.sku, `${like}%`), ilike(products.name, `%${like}%`));
    }
  }
}

function stockConditions(scope: ReadScope, f: StockFilter, match: SearchMatch | null): SQL | undefined {
  return and(
    sql`NOT ${stockBalances.isVirtual}`, // as written in the partial index stock_balances_shown_idx
    sql`(${stockBalances.onHand} <> 0 OR ${stockBalances.reserved} <> 0)`,
    sellerCondition(scope, products.sellerId),
    warehouseCondition(scope, stockBalances.warehouseId),
    f.warehouse ? eq(warehouses.code, f.warehouse) : undefined,
    f.seller ? eq(sellers.code, f.seller) : undefined,
    f.class ? eq(zones.temperatureClass, f.class) : undefined,
    f.sku ? eq(products.sku, f.sku) : undefined,
    f.location ? eq(locations.code, f.location) : undefined,
    match ? searchCondition(match, stockBalances.productId, [stockBalances.locationId]) : undefined,
  );
}

export type StockRow = {
  balanceId: number;
  warehouseCode: string;
  timezone: string;
  zoneCode: string | null;
  temperatureClass: string | null;
  locationId: number;
  locationCode: string;
  locationKind: string;
  productId: number;
  sku: string;
  productName: string;
  sellerCode: string;
  lotId: number | null;
  lotCode: string | null;
  expiresOn: string | null;
  onHand: number;
  reserved: number;
  available: number;
};

export type StockTotals = { rows: number; onHand: number; reserved: number; available: number };

/** The kinds of location stock is sold from: shelves, pick faces, cold slots, and docks whose goods are being put away. */
export const SELLABLE_KINDS = sql.raw(`('storage', 'pick', 'cold', 'dock')`);

/** A lot that may still be sold: no expiry, or one after today in the warehouse's calendar (allocation takes no lot expiring today). */
export const lotSellable = (expiresOn: SQLWrapper, timeZone: SQLWrapper) => sql`(${expiresOn} IS NULL OR ${expiresOn} > (now() AT TIME ZONE ${timeZone})::date)`;

/**
 * Units that can still be sold from a balance: on hand less reserved, where stock is sold from
 * (shelves, pick faces, cold slots, and docks whose goods are being put away) and of a lot
 * that expires after today in the warehouse's own calendar (allocation takes no lot expiring
 * today). Quarantine, staging, transit and an expiring or expired lot hold none: what a seller
 * lists on a marketplace must be there to ship.
 * Needs `locations`, `warehouses` and `lots` joined (as `stockBase` does).
 */
export const availableSql = sql`CASE WHEN ${locations.kind} IN ${SELLABLE_KINDS} AND ${lotSellable(lots.expiresOn, warehouses.timezone)}
    THEN ${stockBalances.onHand} - ${stockBalances.reserved} ELSE 0 END`;

const stockBase = (db: Executor) =>
  ({
    from: <T extends Record<string, unknown>>(fields: T) =>
      db
        .select(fields as never)
        .from(stockBalances)
        .innerJoin(locations, eq(locations.id, stockBalances.locationId))
        .innerJoin(warehouses, eq(warehouses.id, stockBalances.warehouseId))
        .innerJoin(products, eq(products.id, stockBalances.productId))
        .innerJoin(sellers, eq(sellers.id, products.sellerId))
        .leftJoin(zones, eq(zones.id, locations.zoneId))
        .leftJoin(lots, eq(lots.id, stockBalances.lotId)),
  }) as const;

const rowFields = {
  balanceId: stockBalances.id,
  warehouseCode: warehouses.code,
  timezone: warehouses.timezone,
  zoneCode: zones.code,
  temperatureClass: zones.temperatureClass,
  locationId: locations.id,
  locationCode: locations.code,
  locationKind: locations.kind,
  productId: products.id,
  sku: products.sku,
  productName: products.name,
  sellerCode: sellers.code,
  lotId: stockBalances.lotId,
  lotCode: lots.code,
  expiresOn: lots.expiresOn,
  onHand: stockBalances.onHand,
  reserved: stockBalances.reserved,
  available: sql<number>`(${availableSql})::int`,
};

/**
 * A page of stock and whether another follows. The totals of the whole view are read apart
 * (`stockTotals`): over every matching balance they cost more than the page itself.
 */
export type StockPage = { rows: StockRow[]; match: SearchMatch | null; page: number; hasNext: boolean; pageSize: number };

const productFields = {
  balanceId: sql<number>`min(${stockBalances.id})::int`,
  warehouseCode: warehouses.code,
  timezone: warehouses.timezone,
  zoneCode: sql<null>`NULL`,
  temperatureClass: products.temperatureClass,
  locationId: sql<number>`0`,
  locationCode: sql<string>`''`,
  locationKind: sql<string>`''`,
  productId: products.id,
  sku: products.sku,
  productName: products.name,
  sellerCode: sellers.code,
  lotId: sql<null>`NULL`,
  lotCode: sql<null>`NULL`,
  expiresOn: sql<string | null>`min(${lots.expiresOn})::text`,
  onHand: sql<number>`sum(${stockBalances.onHand})::int`,
  reserved: sql<number>`sum(${stockBalances.reserved})::int`,
  available: sql<number>`sum(${availableSql})::int`,
};
const productGroup = [warehouses.code, warehouses.timezone, products.id, products.sku, products.name, products.temperatureClass, sellers.code] as const;

/**
 * Stock in real locations, one row per location × product × lot (or per warehouse × product),
 * a page at a time. By location the page is an index walk in walking order; by product each
 * warehouse's products in SKU order; `all` (a CSV of the whole view) reads every row.
 */
export async function listStock(db: Executor, scope: ReadScope, f: StockFilter, opts: { pageSize: number; all?: boolean }): Promise<StockPage> {
  const match = f.q ? await resolveSearch(db, scope, f.q) : null;
  const where = stockConditions(scope, f, match);
  const base = stockBase(db);
  const byProduct = f.by === 'product';

  if (opts.all) {
    const rows = byProduct
      ? ((await base.from(productFields).where(where).groupBy(...productGroup).orderBy(asc(warehouses.code), asc(products.sku), asc(products.id))) as unknown as StockRow[])
      : ((await base
          .from(rowFields)
          .where(where)
          .orderBy(asc(warehouses.code), asc(locations.walkSequence), asc(locations.code), asc(products.sku), sql`${lots.expiresOn} NULLS LAST`, asc(stockBalances.id))) as unknown as StockRow[]);
    return { rows, match, page: 1, hasNext: false, pageSize: opts.pageSize };
  }

  // Each page reads one row more than it shows: that row says whether a next page follows.
  // Past the end (a stale link), the last page is shown instead.
  const lastPage = async () => Math.max(1, Math.ceil((await stockTotals(db, scope, f, match)).rows / opts.pageSize));

  // By location: the page is read warehouse by warehouse in walking order (an index walk that
  // stops at the page), so a page costs the same with ten thousand products or a hundred thousand.
  const pageIds = async (page: number) => {
    const offset = (page - 1) * opts.pageSize;
    const rows = await queryRows<{ id: number }>(
      db,
      sql`SELECT x.id FROM ${warehouses} CROSS JOIN LATERAL (
            SELECT ${stockBalances.id} AS id, ${locations.walkSequence} AS ws, ${locations.code} AS lc, ${products.sku} AS sku, ${lots.expiresOn} AS exp
            FROM ${locations}
              JOIN ${stockBalances} ON ${stockBalances.locationId} = ${locations.id}
              JOIN ${products} ON ${products.id} = ${stockBalances.productId}
              JOIN ${sellers} ON ${sellers.id} = ${products.sellerId}
              LEFT JOIN ${zones} ON ${zones.id} = ${locations.zoneId}
              LEFT JOIN ${lots} ON ${lots.id} = ${stockBalances.lotId}
            WHERE ${locations.warehouseId} = ${warehouses.id} AND ${where ?? sql`true`}
            ORDER BY ${locations.walkSequence}, ${locations.code}, ${products.sku}, ${lots.expiresOn} NULLS LAST, ${stockBalances.id}
            LIMIT ${offset + opts.pageSize + 1}
          ) x
          WHERE ${and(warehouseCondition(scope, warehouses.id), f.warehouse ? eq(warehouses.code, f.warehouse) : undefined) ?? sql`true`}
          ORDER BY ${warehouses.code}, x.ws, x.lc, x.sku, x.exp NULLS LAST, x.id
          LIMIT ${opts.pageSize + 1} OFFSET ${offset}`,
    );
    return rows.map((r) => Number(r.id));
  };
  if (byProduct) {
    // By product: each warehouse's products in SKU order that hold stock there (an index walk
    // that stops at the page), then the page's groups added up.
    const pageKeys = async (page: number) => {
      const offset = (page - 1) * opts.pageSize;
      return queryRows<{ wid: number; pid: number }>(
        db,
        sql`SELECT ${warehouses.id} AS wid, x.pid FROM ${warehouses} CROSS JOIN LATERAL (
              SELECT ${products.id} AS pid, ${products.sku} AS sku FROM ${products} JOIN ${sellers} ON ${sellers.id} = ${products.sellerId}
              WHERE EXISTS (
                SELECT 1 FROM ${stockBalances}
                  JOIN ${locations} ON ${locations.id} = ${stockBalances.locationId}
                  LEFT JOIN ${zones} ON ${zones.id} = ${locations.zoneId}
                WHERE ${stockBalances.productId} = ${products.id} AND ${stockBalances.warehouseId} = ${warehouses.id} AND ${where ?? sql`true`})
              ORDER BY ${products.sku}, ${products.id}
              LIMIT ${offset + opts.pageSize + 1}
            ) x
            WHERE ${and(warehouseCondition(scope, warehouses.id), f.warehouse ? eq(warehouses.code, f.warehouse) : undefined) ?? sql`true`}
            ORDER BY ${warehouses.code}, x.sku, x.pid
            LIMIT ${opts.pageSize + 1} OFFSET ${offset}`,
      );
    };
    let page = f.page;
    let keys = await pageKeys(page);
    if (keys.length === 0 && page > 1) keys = await pageKeys((page = await lastPage()));
    const shown = keys.slice(0, opts.pageSize);
    const groups = shown.length
      ? ((await base
          .from({ ...productFields, warehouseId: warehouses.id })
          .where(and(where, sql`(${stockBalances.warehouseId}, ${stockBalances.productId}) IN (${sql.join(shown.map((k) => sql`(${Number(k.wid)}, ${Number(k.pid)})`), sql`, `)})`))
          .groupBy(...productGroup, warehouses.id)) as unknown as (StockRow & { warehouseId: number })[])
      : [];
    const byKey = new Map(groups.map(({ warehouseId, ...r }) => [`${warehouseId}|${r.productId}`, r]));
    return { rows: shown.flatMap((k) => byKey.get(`${Number(k.wid)}|${Number(k.pid)}`) ?? []), match, page, hasNext: keys.length > opts.pageSize, pageSize: opts.pageSize };
  }

  let page = f.page;
  let ids = await pageIds(page);
  if (ids.length === 0 && page > 1) ids = await pageIds((page = await lastPage()));
  const shown = ids.slice(0, opts.pageSize);
  const found = shown.length ? ((await base.from(rowFields).where(inArray(stockBalances.id, shown))) as unknown as StockRow[]) : [];
  const byId = new Map(found.map((r) => [r.balanceId, r]));
  return { rows: shown.flatMap((id) => byId.get(id) ?? []), match, page, hasNext: ids.length > opts.pageSize, pageSize: opts.pageSize };
}

/**
 * The totals of a whole stock view (rows, units on hand, reserved, available): one aggregate
 * over every matching balance, joined only to the tables the filters name. By product the rows
 * are (warehouse, product) groups: grouped first (a hash aggregate), then counted.
 */
export async function stockTotals(db: Executor, scope: ReadScope, f: StockFilter, resolved?: SearchMatch | null): Promise<StockTotals> {
  const match = resolved !== undefined ? resolved : f.q ? await resolveSearch(db, scope, f.q) : null;
  const where = stockConditions(scope, f, match);
  const byProduct = f.by === 'product';
  // Available needs each balance's location, warehouse and lot (availableSql).
  let q = db
    .select({
      n: byProduct ? sql<number>`1` : sql<number>`count(*)::int`,
      onHand: byProduct ? sql<string>`sum(${stockBalances.onHand})`.as('on_hand') : sql<string>`COALESCE(sum(${stockBalances.onHand}), 0)`,
      reserved: byProduct ? sql<string>`sum(${stockBalances.reserved})`.as('reserved') : sql<string>`COALESCE(sum(${stockBalances.reserved}), 0)`,
      available: byProduct ? sql<string>`sum(${availableSql})`.as('available') : sql<string>`COALESCE(sum(${availableSql}), 0)`,
    })
    .from(stockBalances)
    .innerJoin(locations, eq(locations.id, stockBalances.locationId))
    .innerJoin(warehouses, eq(warehouses.id, stockBalances.warehouseId))
    .leftJoin(lots, eq(lots.id, stockBalances.lotId))
    .$dynamic();
  if (scope.sellerId !== null || f.seller || f.sku || match?.kind === 'text') q = q.innerJoin(products, eq(products.id, stockBalances.productId));
  if (f.seller) q = q.innerJoin(sellers, eq(sellers.id, products.sellerId));
  if (f.class) q = q.leftJoin(zones, eq(zones.id, locations.zoneId));
  type Sums = { n: number; onHand: string; reserved: string; available: string };
  let t: Sums | undefined;
  if (byProduct) {
    const g = q.where(where).groupBy(stockBalances.warehouseId, stockBalances.productId).as('g');
    [t] = (await db
      .select({ n: sql<number>`count(*)::int`, onHand: sql<string>`COALESCE(sum(${g.onHand}), 0)`, reserved: sql<string>`COALESCE(sum(${g.reserved}), 0)`, available: sql<string>`COALESCE(sum(${g.available}), 0)` })
      .from(g)) as unknown as Sums[];
  } else {
    [t] = (await q.where(where)) as unknown as Sums[];
  }
  return { rows: Number(t?.n ?? 0), onHand: Number(t?.onHand ?? 0), reserved: Number(t?.reserved ?? 0), available: Number(t?.available ?? 0) };
}

/** Stock rows for the API: keyset paging on the balance id. */
export async function listStockAfter(db: Executor, scope: ReadScope, f: StockFilter, after: number, limit: number): Promise<StockRow[]> {
  const match = f.q ? await resolveSearch(db, scope, f.q) : null;
  return (await stockBase(db)
    .from(rowFields)
    .where(and(stockConditions(scope, f, match), sql`${stockBalances.id} > ${after}`))
    .orderBy(asc(stockBalances.id))
    .limit(limit)) as unknown as StockRow[];
}

export type ProductListItem = {
  id: number;
  seller: string;
  sku: string;
  name: string;
  temperatureClass: string;
  tracksLot: boolean;
  tracksExpiry: boolean;
  barcodes: { code: string; units: number }[];
};

/** Products the user may see, by seller and search, in id order after `after` (keyset paging). */
export async function listProducts(db: Executor, scope: ReadScope, f: { seller?: string; q?: string; after: number; limit: number }): Promise<ProductListItem[]> {
  const match = f.q ? await resolveSearch(db, scope, f.q) : null;
  const rows = await db
    .select({ id: products.id, seller: sellers.code, sku: products.sku, name: products.name, temperatureClass: products.temperatureClass, tracksLot: products.tracksLot, tracksExpiry: products.tracksExpiry })
    .from(products)
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .where(
      and(
        sellerCondition(scope, products.sellerId),
        f.seller ? eq(sellers.code, f.seller.toUpperCase()) : undefined,
        // Products have no location: a code that names a location is searched as text.
        match ? searchCondition(match.kind === 'location' ? { kind: 'text', text: f.q! } : match, products.id, []) : undefined,
        sql`${products.id} > ${f.after}`,
      ),
    )
    .orderBy(asc(products.id))
    .limit(f.limit);
  if (rows.length === 0) return [];
  const codes = await db
    .select({ productId: productBarcodes.productId, code: productBarcodes.code, units: productBarcodes.units })
    .from(productBarcodes)
    .where(inArray(productBarcodes.productId, rows.map((p) => p.id)))
    .orderBy(asc(productBarcodes.id));
  return rows.map((p) => ({ ...p, barcodes: codes.filter((b) => b.productId === p.id) }));
}

export type ProductDetail = typeof products.$inferSelect & { sellerCode: string; sellerName: string; barcodes: { code: string; kind: string; units: number }[] };

/** A product the user may see, or null (another seller's product is simply not found). */
export async function getProduct(db: Executor, scope: ReadScope, productId: number): Promise<ProductDetail | null> {
  const [p] = await db
    .select({ product: products, sellerCode: sellers.code, sellerName: sellers.name })
    .from(products)
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .where(and(eq(products.id, productId), sellerCondition(scope, products.sellerId)));
  if (!p) return null;
  const barcodes = await db
    .select({ code: productBarcodes.code, kind: productBarcodes.kind, units: productBarcodes.units })
    .from(productBarcodes)
    .where(eq(productBarcodes.productId, productId))
    .orderBy(asc(productBarcodes.units), asc(productBarcodes.id));
  return { ...p.product, sellerCode: p.sellerCode, sellerName: p.sellerName, barcodes };
}

/** Balances of one product in every real and transit location the user may see. */
export async function productBalances(db: Executor, scope: ReadScope, productId: number): Promise<StockRow[]> {
  return (await stockBase(db)
    .from(rowFields)
    .where(
      and(
        eq(stockBalances.productId, productId),
        sql`(${stockBalances.onHand} <> 0 OR ${stockBalances.reserved} <> 0)`,
        sql`(NOT ${stockBalances.isVirtual} OR ${locations.kind} = 'transit')`,
        sellerCondition(scope, products.sellerId),
        warehouseCondition(scope, stockBalances.warehouseId),
      ),
    )
    .orderBy(asc(warehouses.code), asc(locations.walkSequence), asc(locations.code), sql`${lots.expiresOn} NULLS LAST`)) as unknown as StockRow[];
}

export type LocationDetail = typeof locations.$inferSelect & {
  warehouseCode: string;
  warehouseName: string;
  timezone: string;
  zoneCode: string | null;
  zoneName: string | null;
  temperatureClass: string | null;
  minCelsius: number | null;
  maxCelsius: number | null;
};

export async function getLocation(db: Executor, scope: ReadScope, locationId: number): Promise<LocationDetail | null> {
  const [row] = await db
    .select({
      location: locations,
      warehouseCode: warehouses.code,
      warehouseName: warehouses.name,
      timezone: warehouses.timezone,
      zoneCode: zones.code,
      zoneName: zones.name,
      temperatureClass: zones.temperatureClass,
      minCelsius: zones.minCelsius,
      maxCelsius: zones.maxCelsius,
    })
    .from(locations)
    .innerJoin(warehouses, eq(warehouses.id, locations.warehouseId))
    .leftJoin(zones, eq(zones.id, locations.zoneId))
    .where(and(eq(locations.id, locationId), warehouseCondition(scope, locations.warehouseId)));
  if (!row) return null;
  const { location, ...rest } = row;
  return { ...location, ...rest };
}

/** What a location holds; a seller sees only their own products in it. */
export async function locationContents(db: Executor, scope: ReadScope, locationId: number): Promise<StockRow[]> {
  return (await stockBase(db)
    .from(rowFields)
    .where(and(eq(stockBalances.locationId, locationId), sql`(${stockBalances.onHand} <> 0 OR ${stockBalances.reserved} <> 0)`, sellerCondition(scope, products.sellerId)))
    .orderBy(asc(products.sku), sql`${lots.expiresOn} NULLS LAST`)) as unknown as StockRow[];
}

export type LedgerRow = {
  id: number;
  at: Date;
  warehouseCode: string;
  timezone: string;
  productId: number;
  sku: string;
  productName: string;
  sellerCode: string;
  lotCode: string | null;
  expiresOn: string | null;
  quantity: number;
  fromLocationId: number;
  fromCode: string;
  fromKind: string;
  toLocationId: number;
  toCode: string;
  toKind: string;
  reason: string;
  documentType: string | null;
  documentId: string | null;
  /** For an adjustment: its reason code (damaged, lost, found, expired). */
  adjustmentReason: string | null;
  actor: string | null;
};

const fromLoc = alias(locations, 'from_loc');
const toLoc = alias(locations, 'to_loc');

export type LedgerQuery = LedgerFilter & { productId?: number; locationId?: number; document?: { type: string; id: string }; limit: number };

/** Ledger entries, newest first, paged by `before` (an entry id). Dates are warehouse-local. */
export async function listLedger(db: Executor, scope: ReadScope, f: LedgerQuery): Promise<{ rows: LedgerRow[]; match: SearchMatch | null; nextBefore: number | null }> {
  const match = f.q ? await resolveSearch(db, scope, f.q) : null;
  const rows = (await db
    .select({
      id: ledgerEntries.id,
      at: ledgerEntries.at,
      warehouseCode: warehouses.code,
      timezone: warehouses.timezone,
      productId: products.id,
      sku: products.sku,
      productName: products.name,
      sellerCode: sellers.code,
      lotCode: lots.code,
      expiresOn: lots.expiresOn,
      quantity: ledgerEntries.quantity,
      fromLocationId: fromLoc.id,
      fromCode: fromLoc.code,
      fromKind: fromLoc.kind,
      toLocationId: toLoc.id,
      toCode: toLoc.code,
      toKind: toLoc.kind,
      reason: ledgerEntries.reason,
      documentType: ledgerEntries.documentType,
      documentId: ledgerEntries.documentId,
      adjustmentReason: sql<string | null>`CASE WHEN ${ledgerEntries.documentType} = 'adjustment' THEN (SELECT a.reason::text FROM adjustments a WHERE a.id::text = ${ledgerEntries.documentId}) END`,
      actor: sql<string | null>`coalesce((SELECT u.name FROM users u WHERE u.id = ${ledgerEntries.actorUserId}), ${ledgerEntries.actorLabel})`,
    })
    .from(ledgerEntries)
    .innerJoin(warehouses, eq(warehouses.id, ledgerEntries.warehouseId))
    .innerJoin(products, eq(products.id, ledgerEntries.productId))
    .innerJoin(sellers, eq(sellers.id, products.sellerId))
    .innerJoin(fromLoc, eq(fromLoc.id, ledgerEntries.fromLocationId))
    .innerJoin(toLoc, eq(toLoc.id, ledgerEntries.toLocationId))
    .leftJoin(lots, eq(lots.id, ledgerEntries.lotId))
    .where(
      and(
        sellerCondition(scope, products.sellerId),
        warehouseCondition(scope, ledgerEntries.warehouseId),
        f.warehouse ? eq(warehouses.code, f.warehouse) : undefined,
        f.seller ? eq(sellers.code, f.seller) : undefined,
        f.sku ? eq(products.sku, f.sku) : undefined,
        f.productId ? eq(ledgerEntries.productId, f.productId) : undefined,
        f.locationId ? or(eq(ledgerEntries.fromLocationId, f.locationId), eq(ledgerEntries.toLocationId, f.locationId)) : undefined,
        f.reason ? eq(ledgerEntries.reason, f.reason) : undefined,
        f.document ? and(eq(ledgerEntries.documentType, f.document.type), eq(ledgerEntries.documentId, f.document.id)) : undefined,
        // Dates are days in the warehouse's own time zone, `until` included; moments are exact,
        // from `since` up to but not including `until`.
        f.since ? (isMoment(f.since) ? sql`${ledgerEntries.at} >= ${f.since}::timestamptz` : sql`${ledgerEntries.at} >= (${f.since}::date)::timestamp AT TIME ZONE ${warehouses.timezone}`) : undefined,
        f.until ? (isMoment(f.until) ? sql`${ledgerEntries.at} < ${f.until}::timestamptz` : sql`${ledgerEntries.at} < ((${f.until}::date + 1)::timestamp AT TIME ZONE ${warehouses.timezone})`) : undefined,
        f.before ? lt(ledgerEntries.id, f.before) : undefined,
        match ? searchCondition(match, ledgerEntries.productId, [ledgerEntries.fromLocationId, ledgerEntries.toLocationId]) : undefined,
      ),
    )
    .orderBy(desc(ledgerEntries.id))
    .limit(f.limit + 1)) as LedgerRow[];
  const more = rows.length > f.limit;
  if (more) rows.pop();
  return { rows, match, nextBefore: more ? (rows[rows.length - 1]?.id ?? null) : null };
}

/**
 * Units on the road for the inventory's filters: balances of transit locations whose sending
 * or receiving warehouse matches (and is the user's), for the sellers, class and SKU asked.
 */
export async function inTransitTotal(db: Executor, scope: ReadScope, f: Pick<StockFilter, 'warehouse' | 'seller' | 'class' | 'sku'>): Promise<number> {
  const whs = scope.warehouseIds;
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT coalesce(sum(b.on_hand), 0)::int AS n
        FROM stock_balances b
        JOIN locations l ON l.id = b.location_id AND l.kind = 'transit'
        JOIN products p ON p.id = b.product_id
        JOIN sellers s ON s.id = p.seller_id
        WHERE b.on_hand > 0
          ${scope.sellerId !== null ? sql`AND p.seller_id = ${scope.sellerId}` : sql``}
          ${whs !== null ? sql`AND (l.warehouse_id = ANY(${intArray(whs.length ? whs : [0])}) OR l.peer_warehouse_id = ANY(${intArray(whs.length ? whs : [0])}))` : sql``}
          ${f.warehouse ? sql`AND EXISTS (SELECT 1 FROM warehouses w WHERE w.code = ${f.warehouse} AND (w.id = l.warehouse_id OR w.id = l.peer_warehouse_id))` : sql``}
          ${f.seller ? sql`AND s.code = ${f.seller}` : sql``}
          ${f.class ? sql`AND p.temperature_class = ${f.class}` : sql``}
          ${f.sku ? sql`AND p.sku = ${f.sku}` : sql``}`,
  );
  return Number(row?.n ?? 0);
}

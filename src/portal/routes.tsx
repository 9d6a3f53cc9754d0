import { Hono, type Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { pageOrFragment, wantsFragment } from '../http/htmx.ts';
import { orderCounts } from '../outbound/queries.ts';
import { viewContext } from '../../views/view-context.ts';
import { PortalPage, PortalStock, type PortalView } from '../../views/portal/portal-page.tsx';
import { ChooseSellerPage } from '../../views/portal/choose-seller-page.tsx';
import { portalOrdersCsv, portalShipmentsCsv, portalStockCsv } from './csv.ts';
import {
  EXPIRING_DAYS,
  portalFilterSchema,
  portalOrderCsvSchema,
  portalSellers,
  portalShipmentCsvSchema,
  portalWarehouses,
  sellerById,
  sellerByCode,
  sellerOrders,
  sellerReadScope,
  sellerShipments,
  shipmentCounts,
  stockByProduct,
  stockByWarehouse,
  type PortalSeller,
} from './queries.ts';

const PAGE_SIZE = 50;
const RECENT = 10;
/** A CSV holds the whole list; this only guards against a runaway export. */
const CSV_LIMIT = 100_000;

const notFound = () => new AppError('NOT_FOUND', { key: 'error.notFound' });

/**
 * Whose portal this request shows. A seller: their own, always; naming another seller is a 404
 * (as if it did not exist). Admins and managers: the seller named by `?seller=CODE`, or none yet
 * (they choose). Operators may not open it.
 */
async function portalSeller(c: Context<AppEnv>): Promise<{ seller: PortalSeller | null; asStaff: boolean }> {
  const user = c.var.user!;
  if (!can(user, 'portal.read')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
  const code = (c.req.query('seller') ?? '').trim().toUpperCase();
  if (code.length > 40) throw notFound();
  if (user.role === 'seller') {
    const own = user.sellerId === null ? null : await sellerById(c.var.db, user.sellerId);
    if (!own || (code && code !== own.code)) throw notFound();
    return { seller: own, asStaff: false };
  }
  if (!code) return { seller: null, asStaff: true };
  const seller = await sellerByCode(c.var.db, code);
  if (!seller) throw notFound();
  return { seller, asStaff: true };
}

/** For the CSVs: staff must name the seller. */
async function requiredSeller(c: Context<AppEnv>): Promise<PortalSeller> {
  const { seller } = await portalSeller(c);
  if (!seller) throw new AppError('VALIDATION', { key: 'portal.error.chooseSeller' });
  return seller;
}

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, c: Context<AppEnv>): T {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
  return r.data;
}

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
const today = () => new Date().toISOString().slice(0, 10);

function csvResponse(c: Context<AppEnv>, name: string, body: string) {
  c.header('Content-Disposition', `attachment; filename="${fileSafe(name)}-${today()}.csv"`);
  c.header('Cache-Control', 'private, no-store');
  return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
}

export function portalRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/portal', '/portal/*']) app.use(path, requireUser());

  app.get('/portal', async (c) => {
    const { seller, asStaff } = await portalSeller(c);
    if (!seller) return c.html(<ChooseSellerPage ctx={viewContext(c)} sellers={await portalSellers(c.var.db)} />);
    const filter = parsed(portalFilterSchema, c);
    const query = new URLSearchParams();
    if (asStaff) query.set('seller', seller.code);
    if (filter.warehouse) query.set('warehouse', filter.warehouse);
    if (filter.q) query.set('q', filter.q);
    if (filter.days !== EXPIRING_DAYS) query.set('days', String(filter.days));
    const db = c.var.db;
    const byWarehouse = await stockByWarehouse(db, seller.id, filter.days);
    const byProduct = await stockByProduct(db, seller.id, filter, { pageSize: PAGE_SIZE });
    // The fragment (filtering, paging) is the stock part alone: the rest is not read for it.
    const rest = wantsFragment(c)
      ? { warehouses: [], shipments: [], shipmentCounts: {}, orders: [], orderCounts: {} }
      : {
          warehouses: await portalWarehouses(db),
          shipments: await sellerShipments(db, seller.id, { limit: RECENT }),
          shipmentCounts: await shipmentCounts(db, seller.id),
          orders: await sellerOrders(db, seller.id, { limit: RECENT }),
          orderCounts: await orderCounts(db, sellerReadScope(seller.id)),
        };
    const v: PortalView = { ctx: viewContext(c), seller, asStaff, filter, query, byWarehouse, byProduct, recentLimit: RECENT, ...rest };
    return pageOrFragment(c, () => <PortalPage {...v} />, () => <PortalStock {...v} />);
  });

  app.get('/portal/stock.csv', async (c) => {
    const seller = await requiredSeller(c);
    const filter = parsed(portalFilterSchema, c);
    const result = await stockByProduct(c.var.db, seller.id, filter, { pageSize: PAGE_SIZE, all: true });
    return csvResponse(c, `stock-${seller.code}${filter.warehouse ? `-${filter.warehouse}` : ''}`, portalStockCsv(c.var.t, result.rows, filter.days));
  });

  app.get('/portal/inbound.csv', async (c) => {
    const seller = await requiredSeller(c);
    const f = parsed(portalShipmentCsvSchema, c);
    const rows = await sellerShipments(c.var.db, seller.id, { warehouse: f.warehouse, status: f.status, limit: CSV_LIMIT });
    return csvResponse(c, `asns-${seller.code}`, portalShipmentsCsv(c.var.t, rows));
  });

  app.get('/portal/orders.csv', async (c) => {
    const seller = await requiredSeller(c);
    const f = parsed(portalOrderCsvSchema, c);
    const rows = await sellerOrders(c.var.db, seller.id, { warehouse: f.warehouse, status: f.status, limit: CSV_LIMIT });
    return csvResponse(c, `orders-${seller.code}`, portalOrdersCsv(c.var.t, rows));
  });

  return app;
}

import { Hono, type Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError, isAppError } from '../errors.ts';
import { pageOrFragment, wantsFragment } from '../http/htmx.ts';
import { viewContext } from '../../views/view-context.ts';
import { InventoryPage, InventoryResults, InventoryTotals } from '../../views/inventory/inventory-page.tsx';
import { ProductPage, ReorderPointForm, ReorderPointValue, type ReorderView } from '../../views/inventory/product-page.tsx';
import { LocationPage } from '../../views/inventory/location-page.tsx';
import { LedgerPage, LedgerResults } from '../../views/inventory/ledger-page.tsx';
import { MoveForm, MovePage, type MoveView } from '../../views/inventory/move-page.tsx';
import { WarehousesPage } from '../../views/inventory/warehouses-page.tsx';
import { translateFieldErrors } from '../../views/components/forms.tsx';
import { formOf, one } from '../http/form.ts';
import { ledgerFilterSchema, stockFilterSchema } from './filters.ts';
import { getLocation, getProduct, listLedger, listSellers, listStock, listWarehouses, inTransitTotal, locationContents, productBalances, stockTotals } from './queries.ts';
import { warehouseOverview } from './overview.ts';
import { readScope } from './scope.ts';
import { relocateStock } from './service.ts';
import { stockCsv } from './csv.ts';
import { generateSecureRandomString } from '../auth/session.ts';
import { maySetReorderPoint, setReorderPoint } from '../dashboard/reorder-point.ts';
import { LEDGER_CSV_MAX, LEDGER_CSV_PAGE, ledgerCsvHeader, ledgerCsvRows } from './ledger-csv.ts';
import { keyAfterRefusal } from '../http/form-key.ts';

const PAGE_SIZE = 50;

function parseQuery<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, c: Context<AppEnv>): { filter: T; query: URLSearchParams } {
  const raw = c.req.query();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
  const query = new URLSearchParams(Object.entries(raw).filter(([k, v]) => v !== '' && k !== 'page' && k !== 'before'));
  return { filter: parsed.data, query };
}

const idParam = (c: Context<AppEnv>) => Number(c.req.param('id'));

export function inventoryRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/inventory', '/inventory/*', '/inventory.csv', '/products/*', '/locations/*', '/ledger', '/ledger.csv', '/warehouses', '/moves', '/moves/*']) app.use(path, requireUser());

  app.get('/inventory', async (c) => {
    const user = c.var.user!;
    const { filter, query } = parseQuery(stockFilterSchema, c);
    const scope = readScope(user);
    const [result, warehouses, sellers] = await Promise.all([listStock(c.var.db, scope, filter, { pageSize: PAGE_SIZE }), listWarehouses(c.var.db, scope), listSellers(c.var.db, scope)]);
    const v = { ctx: viewContext(c), filter, query, result, warehouses, sellers };
    return pageOrFragment(c, () => <InventoryPage {...v} />, () => <InventoryResults {...v} />);
  });

  // The totals bar of /inventory loads itself: the totals of the whole view cost more than a page.
  app.get('/inventory/totals', async (c) => {
    const { filter, query } = parseQuery(stockFilterSchema, c);
    const scope = readScope(c.var.user!);
    const [totals, inTransit] = await Promise.all([stockTotals(c.var.db, scope, filter), filter.location || filter.q ? Promise.resolve(0) : inTransitTotal(c.var.db, scope, filter)]);
    c.header('Cache-Control', 'no-store');
    return c.html(<InventoryTotals ctx={viewContext(c)} filter={filter} query={query} totals={totals} pageSize={PAGE_SIZE} inTransit={inTransit} />);
  });

  app.get('/inventory.csv', async (c) => {
    const { filter } = parseQuery(stockFilterSchema, c);
    const result = await listStock(c.var.db, readScope(c.var.user!), filter, { pageSize: PAGE_SIZE, all: true });
    c.header('Content-Disposition', `attachment; filename="inventory-${new Date().toISOString().slice(0, 10)}.csv"`);
    return c.body(stockCsv(c.var.t, result.rows, filter.by === 'product'), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  const productPage = async (c: Context<AppEnv>, reorder: Omit<ReorderView, 'canEdit'> = {}, status: 200 | 422 = 200) => {
    const scope = readScope(c.var.user!);
    const product = await getProduct(c.var.db, scope, idParam(c));
    if (!product) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    const [balances, ledger] = await Promise.all([productBalances(c.var.db, scope, product.id), listLedger(c.var.db, scope, { productId: product.id, limit: 50 })]);
    return c.html(<ProductPage ctx={viewContext(c)} product={product} balances={balances} ledger={ledger.rows} nextBefore={ledger.nextBefore} reorder={{ ...reorder, canEdit: maySetReorderPoint(c.var.user) }} />, status);
  };

  app.get('/products/:id{[0-9]{1,9}}', (c) => productPage(c, { saved: c.req.query('saved') === '1' }));

  // The reorder point (managers and administrators): a plain POST redirects back; htmx gets the form.
  app.post('/products/:id{[0-9]{1,9}}/reorder-point', async (c) => {
    const user = c.var.user!;
    const product = await getProduct(c.var.db, readScope(user), idParam(c));
    if (!product) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    const raw = (await c.req.parseBody())['reorder_point'];
    const typed = typeof raw === 'string' ? raw : '';
    c.header('Vary', 'HX-Request');
    try {
      const value = await setReorderPoint({ db: c.var.db, user, productId: product.id, input: { reorder_point: typed } });
      if (!wantsFragment(c)) return c.redirect(`/products/${product.id}?saved=1`, 303);
      const t = c.var.t;
      return c.html(
        <>
          <ReorderPointForm t={t} csrfToken={c.var.csrfToken} product={{ ...product, reorderPoint: value }} reorder={{ canEdit: true, saved: true }} />
          <ReorderPointValue t={t} value={value} oob />
        </>,
      );
    } catch (err) {
      if (!isAppError(err) || err.status !== 422) throw err;
      const error = translateFieldErrors(c.var.t, err.fieldErrors).reorder_point ?? c.var.t(err.key, err.params);
      const reorder = { value: typed.slice(0, 40), error };
      if (wantsFragment(c)) return c.html(<ReorderPointForm t={c.var.t} csrfToken={c.var.csrfToken} product={product} reorder={{ ...reorder, canEdit: true }} />, 422);
      return productPage(c, reorder, 422);
    }
  });

  app.get('/locations/:id{[0-9]{1,9}}', async (c) => {
    const scope = readScope(c.var.user!);
    const location = await getLocation(c.var.db, scope, idParam(c));
    if (!location) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    const [contents, ledger] = await Promise.all([locationContents(c.var.db, scope, location.id), listLedger(c.var.db, scope, { locationId: location.id, limit: 30 })]);
    // A seller sees a location only where their goods are or have been.
    if (scope.sellerId !== null && contents.length === 0 && ledger.rows.length === 0) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    return c.html(<LocationPage ctx={viewContext(c)} location={location} contents={contents} ledger={ledger.rows} />);
  });

  app.get('/ledger', async (c) => {
    const { filter, query } = parseQuery(ledgerFilterSchema, c);
    const scope = readScope(c.var.user!);
    const [result, warehouses] = await Promise.all([listLedger(c.var.db, scope, { ...filter, limit: PAGE_SIZE }), listWarehouses(c.var.db, scope)]);
    const v = { ctx: viewContext(c), filter, query, ...result, warehouses };
    return pageOrFragment(c, () => <LedgerPage {...v} />, () => <LedgerResults {...v} />);
  });

  // The ledger as filtered, newest first, up to LEDGER_CSV_MAX entries: sent a page at a time
  // as it is read (the first page is read before answering, so a bad filter is still a 422).
  app.get('/ledger.csv', async (c) => {
    const { filter } = parseQuery(ledgerFilterSchema, c);
    const { db, t } = c.var;
    const scope = readScope(c.var.user!);
    const pageOf = (before: number | undefined, sent: number) => listLedger(db, scope, { ...filter, before, limit: Math.min(LEDGER_CSV_PAGE, LEDGER_CSV_MAX - sent) });
    let page: Awaited<ReturnType<typeof pageOf>> | null = await pageOf(filter.before, 0);
    let sent = 0;
    const text = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start: (out) => out.enqueue(text.encode(ledgerCsvHeader(t))),
      pull: async (out) => {
        if (!page) return out.close();
        out.enqueue(text.encode(ledgerCsvRows(t, page.rows)));
        sent += page.rows.length;
        page = page.nextBefore !== null && sent < LEDGER_CSV_MAX ? await pageOf(page.nextBefore, sent) : null;
      },
    });
    c.header('Content-Disposition', `attachment; filename="ledger-${new Date().toISOString().slice(0, 10)}.csv"`);
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  app.get('/warehouses', async (c) => {
    const warehouses = await warehouseOverview(c.var.db, readScope(c.var.user!));
    return c.html(<WarehousesPage ctx={viewContext(c)} warehouses={warehouses} />);
  });

  app.get('/moves/new', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'stock.move')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const warehouses = await listWarehouses(c.var.db, readScope(user));
    const v: MoveView = { ctx: viewContext(c), warehouses, values: { warehouse: c.req.query('warehouse') }, errors: {}, idempotencyKey: generateSecureRandomString() };
    return c.html(<MovePage {...v} />);
  });

  app.post('/moves', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'stock.move')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const form = Object.fromEntries(Object.entries(await formOf(c)).map(([k, v]) => [k, one(v)]));
    const warehouses = await listWarehouses(c.var.db, readScope(user));
    const base = { ctx: viewContext(c), warehouses, idempotencyKey: generateSecureRandomString() };
    try {
      const done = await relocateStock({ db: c.var.db, user, input: form });
      const v: MoveView = { ...base, values: { warehouse: form.warehouse, from: form.from }, errors: {}, done };
      return c.html(wantsFragment(c) ? <MoveForm {...v} /> : <MovePage {...v} />, 201);
    } catch (err) {
      if (!isAppError(err) || (err.status !== 422 && err.status !== 409 && err.status !== 404)) throw err;
      const errors = translateFieldErrors(c.var.t, err.fieldErrors);
      const v: MoveView = { ...base, values: form, errors, formError: Object.keys(errors).length ? undefined : c.var.t(err.key, err.params), idempotencyKey: keyAfterRefusal(err, form.idempotency_key) };
      const status = err.status === 409 ? 409 : 422;
      return c.html(wantsFragment(c) ? <MoveForm {...v} /> : <MovePage {...v} />, status);
    }
  });

  return app;
}

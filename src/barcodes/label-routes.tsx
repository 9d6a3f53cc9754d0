import { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { listWarehouses } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { viewContext } from '../../views/view-context.ts';
import { LocationLabelsPage, type LocationLabelsView } from '../../views/labels/location-labels-page.tsx';
import { locationLabelQueryErrors, locationLabelQuerySchema, type LocationLabelQuery } from './label-filters.ts';
import { findWarehouse, listLocationLabels, listZones, MAX_LABELS } from './label-queries.ts';

/**
 * Shelf labels are for warehouse staff: a seller has no locations to label (403). Staff may
 * print for the warehouses they may read (an operator: their own); another warehouse answers
 * 404, as anything outside a user's scope does.
 */
const staff = (user: CurrentUser) => user.role !== 'seller' && can(user, 'stock.read');

const formKeys = ['warehouse', 'zone', 'kind', 'from', 'to', 'format'] as const satisfies readonly (keyof LocationLabelQuery)[];

export function labelRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/labels/*', requireUser());

  app.get('/labels/locations', async (c) => {
    const user = c.var.user!;
    if (!staff(user)) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const db = c.var.db;
    const raw = c.req.query();
    const values: LocationLabelsView['values'] = {};
    for (const k of formKeys) if (typeof raw[k] === 'string') values[k] = raw[k].slice(0, 80);
    const warehouses = await listWarehouses(db, readScope(user));
    const base = { ctx: viewContext(c), values, warehouses: warehouses.map((w) => ({ id: w.id, code: w.code, name: w.name })) };

    const parsed = locationLabelQuerySchema.safeParse(raw);
    if (!parsed.success) {
      return c.html(<LocationLabelsPage {...base} errors={locationLabelQueryErrors(parsed.error)} format="a4" />, 422);
    }
    const q = parsed.data;
    if (!q.warehouse) return c.html(<LocationLabelsPage {...base} errors={{}} format={q.format} />);

    const warehouse = await findWarehouse(db, q.warehouse);
    if (!warehouse || !can(user, 'stock.read', { warehouseId: warehouse.id })) throw new AppError('NOT_FOUND', { key: 'error.unknownWarehouse' });
    const [zones, found] = await Promise.all([listZones(db, warehouse.id), listLocationLabels(db, warehouse.id, q, MAX_LABELS)]);
    return c.html(<LocationLabelsPage {...base} errors={{}} format={q.format} chosen={{ warehouse, zones, ...found }} />);
  });

  return app;
}

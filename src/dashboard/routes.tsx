import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { pageOrFragment, wantsFragment } from '../http/htmx.ts';
import { blankToUndefined } from '../inventory/filters.ts';
import { listWarehouses } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { viewContext } from '../../views/view-context.ts';
import { DashboardBody, DashboardPage, DashboardProblem } from '../../views/dashboard/dashboard-page.tsx';
import { loadDashboard } from './queries.ts';
import { plainInteger } from '../http/numbers.ts';

/** Seconds between the dashboard's own refreshes (a screen on the wall stays current). */
const REFRESH_SECONDS = 120;
export const DEFAULT_EXPIRING_DAYS = 14;

/** `/dashboard?warehouse=CODE&days=N`: no warehouse = every warehouse the user may see. */
export const dashboardQuerySchema = z.object({
  warehouse: z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(20).optional()),
  days: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().min(1).max(366).default(DEFAULT_EXPIRING_DAYS))),
});

export function dashboardRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/dashboard', requireUser());

  app.get('/dashboard', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'dashboard.read')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const parsed = dashboardQuerySchema.safeParse(c.req.query());
    if (!parsed.success) {
      // The filters swap #dashboard: a bad value comes back in its place, so the next try still has a target.
      if (wantsFragment(c)) {
        c.header('Vary', 'HX-Request');
        return c.html(<DashboardProblem message={c.var.t('error.badFilter')} />, 422);
      }
      throw new AppError('VALIDATION', { key: 'error.badFilter' });
    }
    const q = parsed.data;
    const visible = (await listWarehouses(c.var.db, readScope(user))).filter((w) => can(user, 'dashboard.read', { warehouseId: w.id }));
    const chosen = q.warehouse ? visible.find((w) => w.code === q.warehouse) : undefined;
    // Another warehouse than one's own is, for this user, no warehouse at all.
    if (q.warehouse && !chosen) throw new AppError('NOT_FOUND', { key: 'error.unknownWarehouse' });
    const data = await loadDashboard(c.var.db, {
      warehouses: chosen ? [chosen] : visible,
      expiringDays: q.days,
    });
    const query = new URLSearchParams();
    if (chosen) query.set('warehouse', chosen.code);
    if (q.days !== DEFAULT_EXPIRING_DAYS) query.set('days', String(q.days));
    const v = { ctx: viewContext(c), data, all: visible, chosen: chosen?.code ?? '', days: q.days, url: `/dashboard${query.size ? `?${query}` : ''}`, refreshSeconds: REFRESH_SECONDS };
    c.header('Cache-Control', 'no-store');
    return pageOrFragment(c, () => <DashboardPage {...v} />, () => <DashboardBody {...v} />);
  });

  return app;
}

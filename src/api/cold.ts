import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { blankToUndefined } from '../inventory/filters.ts';
import { recordReadings } from '../cold/record-readings.ts';
import { listExcursions } from '../cold/queries.ts';
import { encodeCursor, pageSchema } from './pagination.ts';
import { cursorOf, jsonBody } from './request.ts';
import { issueFieldError } from '../http/issues.ts';

export const excursionQuery = pageSchema.extend({
  warehouse: z.string().trim().toUpperCase().min(1).max(20),
  open: z.preprocess(blankToUndefined, z.enum(['true', 'false']).optional()),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Cold storage in the JSON API: sensors (device tokens) and people push readings; excursions
 * are listed per warehouse. Mounted before the other API routes: a device token reaches the
 * readings endpoint and nothing else.
 */
export function coldApiRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/api/v1/temperature-readings', async (c) => {
    const { user, device } = c.var;
    if (!user && !device) throw new AppError('UNAUTHENTICATED', { key: 'error.unauthenticated' });
    if (user && !can(user, 'cold.record')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const r = await recordReadings({ db: c.var.db, sender: user ? { user } : { device: device! }, input: await jsonBody(c) });
    return c.json(
      {
        accepted: r.accepted,
        duplicates: r.duplicates,
        excursions_opened: r.excursionsOpened.map((e) => ({ id: String(e.id), warehouse: e.warehouse, zone: e.zone, location: e.location, started_at: e.startedAt.toISOString(), peak_celsius: e.peakCelsius })),
      },
      201,
    );
  });

  app.get('/api/v1/excursions', requireUser(), async (c) => {
    const user = c.var.user!;
    if (!can(user, 'cold.read')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const parsed = excursionQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw new AppError('VALIDATION', { key: 'error.badFilter', fieldErrors: parsed.error.issues.map((i) => issueFieldError(i)) });
    }
    const q = parsed.data;
    const page = await listExcursions(c.var.db, user, { warehouse: q.warehouse, open: q.open === undefined ? undefined : q.open === 'true', after: cursorOf(q.cursor), limit: q.limit });
    return c.json({
      items: page.items.map((e) => ({
        id: String(e.id),
        warehouse: e.warehouse,
        zone: e.zone,
        location: e.location,
        started_at: iso(e.startedAt),
        ended_at: iso(e.endedAt),
        peak_celsius: e.peakCelsius,
        min_celsius: e.minCelsius,
        max_celsius: e.maxCelsius,
        status: e.status,
      })),
      next_cursor: page.next === null ? null : encodeCursor(page.next),
    });
  });

  return app;
}

import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError, isAppError } from '../errors.ts';
import { formOf, one, type FormFields } from '../http/form.ts';
import { wantsFragment } from '../http/htmx.ts';
import { adjustmentReasons, adjustmentStatuses, countStatuses } from '../db/schema/index.ts';
import { viewContext } from '../../views/view-context.ts';
import { translateFieldErrors } from '../../views/components/forms.tsx';
import { CountFormPage, CountPage, CountsPage, countScopeText, type CountFormValues } from '../../views/counts/count-pages.tsx';
import { CountItemPage, CountItemPanel, CountStartPage, type CountItemView } from '../../views/counts/count-scanner.tsx';
import { AdjustmentFormPage, AdjustmentsPage, type AdjustmentFormValues } from '../../views/counts/adjustment-pages.tsx';
import { createCount } from './create-count.ts';
import { countItem, countedSoFar, finishLocation, openLocation, restartLocation } from './count-location.ts';
import { approveCount, cancelCount } from './decide-count.ts';
import { decideAdjustment, requestAdjustment, setApprovalThreshold } from './adjust.ts';
import { ADJUSTMENTS_PER_PAGE, countById, countPlaces, countVariances, listAdjustments, listCounts, nextPlace, placeById, warehousesWhere } from './queries.ts';
import { plainInteger } from '../http/numbers.ts';

const forbidden = () => new AppError('FORBIDDEN', { key: 'error.forbidden' });
const notFound = () => new AppError('NOT_FOUND', { key: 'error.notFound' });
const isFormError = (err: unknown): err is AppError => isAppError(err) && [409, 422].includes(err.status);
const idParam = (c: Context<AppEnv>, name = 'id') => Number(c.req.param(name));
const pick = <K extends string>(form: FormFields, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, one(form[k])])) as Record<K, string>;
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess((v) => (v === '' ? undefined : v), z.enum(values).optional()).catch(undefined);
const listQuery = z.object({ warehouse: z.string().trim().toUpperCase().max(20).optional().catch(undefined), status: optionalEnum(countStatuses) });
const adjustmentQuery = z.object({
  warehouse: z.string().trim().toUpperCase().max(20).optional().catch(undefined),
  status: optionalEnum(adjustmentStatuses),
  reason: optionalEnum(adjustmentReasons),
  page: z.preprocess(plainInteger, z.number().int().min(1).max(100_000).catch(1)),
});

/** The count in the URL, if the user may see it (404 otherwise). */
async function countFor(c: Context<AppEnv>) {
  const count = await countById(c.var.db, c.var.user!, idParam(c));
  if (!count) throw notFound();
  return count;
}

export function countRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/counts', '/counts/*', '/adjustments', '/adjustments/*']) app.use(path, requireUser());
  for (const [paths, action] of [[['/counts', '/counts/*'], 'count.perform'], [['/adjustments', '/adjustments/*'], 'adjustment.request']] as const) {
    for (const path of paths) {
      app.use(path, async (c, next) => {
        if (!can(c.var.user, action)) throw forbidden();
        await next();
      });
    }
  }

  // ---- Counts

  app.get('/counts', async (c) => {
    const user = c.var.user!;
    const filter = listQuery.parse(c.req.query());
    const [rows, warehouses] = await Promise.all([listCounts(c.var.db, user, filter), warehousesWhere(c.var.db, user, 'count.perform')]);
    return c.html(<CountsPage ctx={viewContext(c)} rows={rows} warehouses={warehouses} filter={filter} canManage={warehouses.some((w) => can(user, 'count.manage', { warehouseId: w.id }))} />);
  });

  const countForm = async (c: Context<AppEnv>, values: CountFormValues, errors: Record<string, string | undefined>, formError: string | undefined, status: 200 | 409 | 422) => {
    const warehouses = await warehousesWhere(c.var.db, c.var.user!, 'count.manage');
    if (!warehouses.length) throw forbidden();
    return c.html(<CountFormPage ctx={viewContext(c)} warehouses={warehouses} values={values} errors={errors} formError={formError} />, status);
  };

  app.get('/counts/new', (c) => countForm(c, { warehouse: c.req.query('warehouse') ?? '', scope: 'zone', recount_above: '0' }, {}, undefined, 200));

  app.post('/counts', async (c) => {
    const form = await formOf(c);
    try {
      const count = await createCount({ db: c.var.db, user: c.var.user!, input: form });
      return c.redirect(`/counts/${count.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const t = c.var.t;
      const values = pick(form, ['warehouse', 'scope', 'zone', 'from_code', 'to_code', 'product', 'recount_above', 'note'] as const);
      return countForm(c, values, translateFieldErrors(t, err.fieldErrors), err.fieldErrors.length ? undefined : t(err.key, err.params), err.status as 409 | 422);
    }
  });

  const countPage = async (c: Context<AppEnv>, extra: { notice?: string; formError?: string } = {}, status: 200 | 409 = 200) => {
    const user = c.var.user!;
    const count = await countFor(c);
    const canManage = can(user, 'count.manage', { warehouseId: count.warehouse_id });
    const [places, variances] = await Promise.all([countPlaces(c.var.db, count.id), canManage ? countVariances(c.var.db, count.id) : Promise.resolve(null)]);
    return c.html(<CountPage ctx={viewContext(c)} count={count} places={places} variances={variances} canManage={canManage} {...extra} />, status);
  };

  app.get('/counts/:id{[0-9]{1,9}}', (c) => {
    const t = c.var.t;
    const done = c.req.query('done');
    return countPage(c, done === 'approved' ? { notice: t('counts.approved') } : done === 'cancelled' ? { notice: t('counts.cancelled') } : {});
  });

  for (const [action, decide] of [['approve', approveCount], ['cancel', cancelCount]] as const) {
    app.post(`/counts/:id{[0-9]{1,9}}/${action}`, async (c) => {
      try {
        await decide({ db: c.var.db, user: c.var.user!, id: idParam(c) });
        return c.redirect(`/counts/${idParam(c)}?done=${action === 'approve' ? 'approved' : 'cancelled'}`, 303);
      } catch (err) {
        if (!isFormError(err)) throw err;
        return countPage(c, { formError: c.var.t(err.key, err.params) }, 409);
      }
    });
  }

  // ---- Counting on the scanner

  const startPage = async (c: Context<AppEnv>, value: string, error: string | undefined, notice: { kind: 'ok' | 'info'; text: string } | undefined, status: 200 | 409 | 422 = 200) => {
    const count = await countFor(c);
    const next = count.status === 'counting' ? await nextPlace(c.var.db, count.id, c.var.user!.id) : null;
    const header = { id: count.id, warehouse: count.warehouse, scopeText: countScopeText(c.var.t, count) };
    return c.html(<CountStartPage ctx={viewContext(c)} count={header} next={next} done={c.var.t(count.status === 'counting' || count.status === 'review' ? 'counts.allCounted' : 'counts.error.notCounting')} left={count.locations - count.counted} value={value} error={error} notice={notice} />, status);
  };

  app.get('/counts/:id{[0-9]{1,9}}/count', (c) => {
    const t = c.var.t;
    const code = (c.req.query('location') ?? '').slice(0, 40);
    const outcome = c.req.query('outcome');
    const notice =
      outcome === 'counted' ? { kind: 'ok' as const, text: t('counts.locationCounted', { code }) } : outcome === 'recount' ? { kind: 'info' as const, text: t('counts.locationRecount', { code }) } : outcome === 'restarted' ? { kind: 'info' as const, text: t('counts.locationRestarted', { code }) } : undefined;
    return startPage(c, '', undefined, notice);
  });

  app.post('/counts/:id{[0-9]{1,9}}/open', async (c) => {
    const form = await formOf(c);
    const code = one(form.location);
    try {
      const placeId = await openLocation({ db: c.var.db, user: c.var.user!, countId: idParam(c), code });
      return c.redirect(`/counts/${idParam(c)}/locations/${placeId}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const f = err.fieldErrors[0];
      return startPage(c, code, c.var.t(f?.key ?? err.key, f?.params ?? err.params), undefined, err.status as 409 | 422);
    }
  });

  const itemPage = async (c: Context<AppEnv>, rest: Pick<CountItemView, 'values' | 'errors' | 'formError' | 'done'>, status: 200 | 409 | 422 = 200, fragment = false) => {
    const count = await countFor(c);
    const place = await placeById(c.var.db, count.id, idParam(c, 'place'));
    if (!place) throw notFound();
    if (count.status !== 'counting' || place.status === 'counted') return c.redirect(`/counts/${count.id}/count`, 303);
    const counted = await countedSoFar(c.var.db, place.id);
    const header = { id: count.id, warehouse: count.warehouse, scopeText: countScopeText(c.var.t, count) };
    const v: CountItemView = { ctx: viewContext(c), count: header, place, counted, idempotencyKey: randomUUID(), ...rest };
    return c.html(fragment ? <CountItemPanel {...v} /> : <CountItemPage {...v} />, status);
  };

  const place = '/counts/:id{[0-9]{1,9}}/locations/:place{[0-9]{1,9}}';
  app.get(place, (c) => {
    // After a scan the page is loaded again with what it counted (see the scan below).
    const q = c.req.query();
    const units = plainInteger(q.units ?? '');
    const done = q.counted !== undefined ? { sku: q.counted.slice(0, 80), quantity: typeof units === 'number' && units > 0 && units <= 1_000_000 ? units : 0, replayed: q.replayed === '1' } : undefined;
    return itemPage(c, { values: { scan: '', quantity: '1', lot: (q.lot ?? '').slice(0, 40) }, errors: {}, done, formError: q.restarted ? c.var.t('counts.movedWhileCounting') : undefined });
  });

  app.post(`${place}/scans`, async (c) => {
    const form = await formOf(c);
    const fragment = wantsFragment(c);
    c.header('Vary', 'HX-Request');
    try {
      const done = await countItem({ db: c.var.db, user: c.var.user!, countId: idParam(c), countLocationId: idParam(c, 'place'), input: form });
      // The lot stays for the next scan of the same lot.
      const lot = one(form.lot).trim().slice(0, 40);
      // A plain form is answered with the page to load, so Back and reload never send the scan
      // again; htmx swaps the result, a fresh form and the list in place.
      if (!fragment) {
        const query = new URLSearchParams({ counted: done.sku, units: String(done.quantity), ...(done.replayed ? { replayed: '1' } : {}), ...(lot ? { lot } : {}) });
        return c.redirect(`/counts/${idParam(c)}/locations/${idParam(c, 'place')}?${query}`, 303);
      }
      return itemPage(c, { values: { scan: '', quantity: '1', lot }, errors: {}, done }, 200, true);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const t = c.var.t;
      const values = { scan: one(form.scan), quantity: one(form.quantity), lot: one(form.lot) };
      return itemPage(c, { values, errors: translateFieldErrors(t, err.fieldErrors), formError: err.fieldErrors.length ? undefined : t(err.key, err.params) }, err.status as 409 | 422, fragment);
    }
  });

  const passOf = (form: FormFields) => (/^[12]$/.test(one(form.pass)) ? Number(one(form.pass)) : undefined);

  app.post(`${place}/finish`, async (c) => {
    const form = await formOf(c);
    try {
      const r = await finishLocation({ db: c.var.db, user: c.var.user!, countId: idParam(c), countLocationId: idParam(c, 'place'), pass: passOf(form) });
      if (r.outcome === 'restarted') return c.redirect(`/counts/${idParam(c)}/locations/${idParam(c, 'place')}?restarted=1`, 303);
      return c.redirect(`/counts/${idParam(c)}/count?${new URLSearchParams({ outcome: r.outcome, location: r.code })}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return itemPage(c, { values: { scan: '', quantity: '1', lot: '' }, errors: {}, formError: c.var.t(err.key, err.params) }, err.status as 409 | 422);
    }
  });

  app.post(`${place}/restart`, async (c) => {
    const form = await formOf(c);
    try {
      await restartLocation({ db: c.var.db, user: c.var.user!, countId: idParam(c), countLocationId: idParam(c, 'place'), pass: passOf(form) });
      return c.redirect(`/counts/${idParam(c)}/locations/${idParam(c, 'place')}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return itemPage(c, { values: { scan: '', quantity: '1', lot: '' }, errors: {}, formError: c.var.t(err.key, err.params) }, err.status as 409 | 422);
    }
  });

  // ---- Adjustments

  const adjustmentsPage = async (c: Context<AppEnv>, extra: { notice?: string; formError?: string; threshold?: { warehouse: string; value: string; error: string } } = {}, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const q = adjustmentQuery.parse(c.req.query());
    const [{ rows, total }, warehouses] = await Promise.all([listAdjustments(c.var.db, user, q), warehousesWhere(c.var.db, user, 'adjustment.request')]);
    const approving = warehouses.filter((w) => can(user, 'adjustment.approve', { warehouseId: w.id }));
    const params = new URLSearchParams(Object.entries({ warehouse: q.warehouse, status: q.status, reason: q.reason }).filter(([, v]) => v) as [string, string][]);
    const pages = Math.max(1, Math.ceil(total / ADJUSTMENTS_PER_PAGE));
    return c.html(<AdjustmentsPage ctx={viewContext(c)} rows={rows} total={total} page={q.page} pages={pages} params={params} warehouses={warehouses} approvable={new Set(approving.map((w) => w.code))} filter={q} {...extra} />, status);
  };

  app.get('/adjustments', (c) => {
    const t = c.var.t;
    const done = c.req.query('done');
    return adjustmentsPage(c, done === 'approve' ? { notice: t('adjustments.approved') } : done === 'reject' ? { notice: t('adjustments.rejected') } : done === 'threshold' ? { notice: t('adjustments.thresholdSaved') } : {});
  });

  const adjustmentForm = async (c: Context<AppEnv>, values: AdjustmentFormValues, rest: { errors?: Record<string, string | undefined>; formError?: string; done?: { id: number; status: string; quantity: number; sku: string; location: string } }, status: 200 | 409 | 422 = 200) => {
    const warehouses = await warehousesWhere(c.var.db, c.var.user!, 'adjustment.request');
    const manager = warehouses.some((w) => can(c.var.user, 'adjustment.approve', { warehouseId: w.id }));
    const reasons = manager ? adjustmentReasons : adjustmentReasons.filter((r) => r !== 'count');
    return c.html(<AdjustmentFormPage ctx={viewContext(c)} warehouses={warehouses} values={values} errors={rest.errors ?? {}} formError={rest.formError} done={rest.done} idempotencyKey={randomUUID()} reasons={reasons} />, status);
  };

  app.get('/adjustments/new', (c) => adjustmentForm(c, { warehouse: c.req.query('warehouse') ?? '', location: c.req.query('location') ?? '', product: c.req.query('product') ?? '', direction: 'remove', quantity: '1', reason: '' }, {}));

  app.post('/adjustments', async (c) => {
    const form = await formOf(c);
    const values = pick(form, ['warehouse', 'location', 'product', 'lot', 'direction', 'quantity', 'reason', 'note'] as const);
    try {
      const adj = await requestAdjustment({ db: c.var.db, user: c.var.user!, input: form });
      return adjustmentForm(c, { warehouse: values.warehouse, location: values.location, direction: values.direction, quantity: '1', reason: values.reason }, { done: { id: adj.id, status: adj.status, quantity: adj.quantity, sku: adj.sku, location: values.location.toUpperCase() } });
    } catch (err) {
      if (!isFormError(err)) throw err;
      const t = c.var.t;
      return adjustmentForm(c, values, { errors: translateFieldErrors(t, err.fieldErrors), ...(err.fieldErrors.length ? {} : { formError: t(err.key, err.params) }) }, err.status as 409 | 422);
    }
  });

  app.post('/adjustments/:id{[0-9]{1,9}}/decision', async (c) => {
    const form = await formOf(c);
    try {
      const adj = await decideAdjustment({ db: c.var.db, user: c.var.user!, id: idParam(c), input: form });
      return c.redirect(`/adjustments?done=${adj.status === 'posted' ? 'approve' : 'reject'}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return adjustmentsPage(c, { formError: c.var.t(err.fieldErrors[0]?.key ?? err.key, err.fieldErrors[0]?.params ?? err.params) }, err.status as 409 | 422);
    }
  });

  app.post('/adjustments/threshold', async (c) => {
    const form = await formOf(c);
    if (!can(c.var.user, 'adjustment.approve')) throw forbidden();
    try {
      await setApprovalThreshold({ db: c.var.db, user: c.var.user!, input: form });
      return c.redirect('/adjustments?done=threshold', 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const error = c.var.t(err.fieldErrors[0]?.key ?? err.key, err.fieldErrors[0]?.params ?? err.params);
      return adjustmentsPage(c, { formError: error, threshold: { warehouse: one(form.warehouse).trim().toUpperCase(), value: one(form.units), error } }, 422);
    }
  });

  return app;
}

import { Hono, type Context } from 'hono';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, isAppError } from '../errors.ts';
import { pageOrFragment, wantsFragment } from '../http/htmx.ts';
import { generateSecureRandomString } from '../auth/session.ts';
import { formOf, many, one, type FormFields } from '../http/form.ts';
import { excursionDecisions, excursions, locations, lots, products, users, warehouses } from '../db/schema/index.ts';
import { listWarehouses } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { localToday } from '../inbound/temperature.ts';
import { createApiToken, deviceTokensOf, revokeApiToken } from '../auth/api-tokens.ts';
import { decodeCursor, encodeCursor } from '../api/pagination.ts';
import { viewContext } from '../../views/view-context.ts';
import { translateFieldErrors, type FieldErrors } from '../../views/components/forms.tsx';
import { ColdHomePage } from '../../views/cold/home-page.tsx';
import { SlotsPage, ZoneFormPage, type SlotFormValues, type ZoneFormValues } from '../../views/cold/zone-pages.tsx';
import { SlotMapGrid, SlotMapPage, SlotPage } from '../../views/cold/map-pages.tsx';
import { ReadingPage, ReadingPanel, type ReadingView } from '../../views/cold/reading-page.tsx';
import { ExcursionPage, ExcursionsPage } from '../../views/cold/excursion-pages.tsx';
import { ChartPage, LogPage } from '../../views/cold/record-pages.tsx';
import { DevicesPage, ExpiringPage } from '../../views/cold/expiring-page.tsx';
import { coldWarehouse, excursionsBetween, expiringStock, listExcursions, recentReadings, seriesReadings, slotDetail, slotMap, temperatureLog, zoneFor, zoneOverview } from './queries.ts';
import { createSlot, createZone, updateSlot, updateZone } from './save-zone.ts';
import { recordManualReading, typedReading, type ManualReadingResult } from './manual-reading.ts';
import { closeExcursion, exposedStock, type ExposedRow } from './close-excursion.ts';
import { excursionStatus } from './excursions.ts';
import { quarantineExpiring } from './quarantine-expiring.ts';
import { logCsv } from './csv.ts';
import { DEFAULT_LOG_INTERVAL, DEFAULT_RANGES } from './ranges.ts';
import { plainInteger } from '../http/numbers.ts';

/** Seconds between slot map refreshes. */
const MAP_REFRESH_SECONDS = 15;
const idParam = (c: Context<AppEnv>, name = 'id') => Number(c.req.param(name));
const forbidden = () => new AppError('FORBIDDEN', { key: 'error.forbidden' });
const isFormError = (err: unknown): err is AppError => isAppError(err) && [409, 422].includes(err.status);
const daysSchema = z.preprocess((v) => (v === undefined || v === '' ? undefined : v), z.preprocess(plainInteger, z.number().int().min(1).max(366).default(1)));

/** The warehouse a cold page is about: the one asked for, else the user's first. */
async function pickWarehouse(c: Context<AppEnv>) {
  const user = c.var.user!;
  if (!can(user, 'cold.read')) throw forbidden();
  const all = (await listWarehouses(c.var.db, readScope(user))).filter((w) => can(user, 'cold.read', { warehouseId: w.id }));
  const asked = (c.req.query('warehouse') ?? '').trim().toUpperCase();
  const wh = asked ? all.find((w) => w.code === asked) : all[0];
  if (!wh) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
  return { all, wh };
}

const zoneValues = (form: FormFields): ZoneFormValues => ({
  code: one(form.code),
  name: one(form.name),
  temperature_class: one(form.temperature_class),
  min_celsius: one(form.min_celsius),
  max_celsius: one(form.max_celsius),
  log_interval_minutes: one(form.log_interval_minutes),
});

export function coldRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/cold', '/cold/*']) app.use(path, requireUser());

  app.get('/cold', async (c) => {
    const { all, wh } = await pickWarehouse(c);
    const user = c.var.user!;
    const today = localToday(wh.timezone);
    const [zones, open, expiring] = await Promise.all([zoneOverview(c.var.db, wh.id), listExcursions(c.var.db, user, { warehouse: wh.code, open: true, limit: 50 }), expiringStock(c.var.db, wh.id, today, 14)]);
    return c.html(<ColdHomePage ctx={viewContext(c)} warehouses={all} warehouse={wh} zones={zones} excursions={open.items} expiring={expiring.length} canManage={can(user, 'cold.manage', { warehouseId: wh.id })} />);
  });

  // ---- Zones and slots (managers)

  app.get('/cold/zones/new', async (c) => {
    const { wh } = await pickWarehouse(c);
    if (!can(c.var.user!, 'cold.manage', { warehouseId: wh.id })) throw forbidden();
    return c.html(<ZoneFormPage ctx={viewContext(c)} warehouse={wh} values={{ temperature_class: 'chilled', min_celsius: String(DEFAULT_RANGES.chilled.min), max_celsius: String(DEFAULT_RANGES.chilled.max), log_interval_minutes: String(DEFAULT_LOG_INTERVAL) }} errors={{}} />);
  });

  app.post('/cold/zones', async (c) => {
    if (!can(c.var.user!, 'cold.manage')) throw forbidden();
    const form = await formOf(c);
    const warehouse = one(form.warehouse);
    try {
      await createZone({ db: c.var.db, user: c.var.user!, warehouse, input: zoneValues(form) });
      return c.redirect(`/cold?warehouse=${encodeURIComponent(warehouse)}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const wh = await coldWarehouse(c.var.db, c.var.user!, warehouse);
      return c.html(<ZoneFormPage ctx={viewContext(c)} warehouse={wh} values={zoneValues(form)} errors={translateFieldErrors(c.var.t, err.fieldErrors)} formError={c.var.t(err.key, err.params)} />, err.status as 422);
    }
  });

  app.get('/cold/zones/:id{[0-9]{1,9}}/edit', async (c) => {
    const { zone, warehouse } = await zoneFor(c.var.db, c.var.user!, idParam(c));
    if (!can(c.var.user!, 'cold.manage', { warehouseId: zone.warehouseId })) throw forbidden();
    const values: ZoneFormValues = { code: zone.code, name: zone.name, temperature_class: zone.temperatureClass, min_celsius: zone.minCelsius?.toString() ?? '', max_celsius: zone.maxCelsius?.toString() ?? '', log_interval_minutes: zone.logIntervalMinutes?.toString() ?? '' };
    return c.html(<ZoneFormPage ctx={viewContext(c)} warehouse={warehouse} zoneId={zone.id} values={values} errors={{}} />);
  });

  app.post('/cold/zones/:id{[0-9]{1,9}}', async (c) => {
    const form = await formOf(c);
    try {
      const z = await updateZone({ db: c.var.db, user: c.var.user!, zoneId: idParam(c), input: zoneValues(form) });
      const [wh] = await c.var.db.select().from(warehouses).where(eq(warehouses.id, z.warehouseId));
      return c.redirect(`/cold?warehouse=${encodeURIComponent(wh!.code)}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const { warehouse } = await zoneFor(c.var.db, c.var.user!, idParam(c));
      return c.html(<ZoneFormPage ctx={viewContext(c)} warehouse={warehouse} zoneId={idParam(c)} values={zoneValues(form)} errors={translateFieldErrors(c.var.t, err.fieldErrors)} formError={c.var.t(err.key, err.params)} />, err.status as 422);
    }
  });

  const slotsPage = async (c: Context<AppEnv>, zoneId: number, opts: { values?: SlotFormValues; errors?: FieldErrors; formError?: string; saved?: string } = {}, status: 200 | 409 | 422 = 200) => {
    const { zone, warehouse } = await zoneFor(c.var.db, c.var.user!, zoneId);
    if (!can(c.var.user!, 'cold.manage', { warehouseId: zone.warehouseId })) throw forbidden();
    const { cells } = await slotMap(c.var.db, zone, localToday(warehouse.timezone));
    return c.html(<SlotsPage ctx={viewContext(c)} warehouse={warehouse} zone={zone} slots={cells} values={opts.values ?? { capacity_unit: 'units' }} errors={opts.errors ?? {}} formError={opts.formError} saved={opts.saved} />, status);
  };

  app.get('/cold/zones/:id{[0-9]{1,9}}/slots', (c) => slotsPage(c, idParam(c), { saved: c.req.query('saved') ? c.var.t('cold.slotSaved', { code: c.req.query('saved')!.slice(0, 40) }) : undefined }));

  app.post('/cold/zones/:id{[0-9]{1,9}}/slots', async (c) => {
    const form = await formOf(c);
    const values: SlotFormValues = { aisle: one(form.aisle), rack: one(form.rack), level: one(form.level), position: one(form.position), code: one(form.code), capacity: one(form.capacity), capacity_unit: one(form.capacity_unit) };
    try {
      const slot = await createSlot({ db: c.var.db, user: c.var.user!, zoneId: idParam(c), input: values });
      return c.redirect(`/cold/zones/${idParam(c)}/slots?saved=${encodeURIComponent(slot.code)}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return slotsPage(c, idParam(c), { values, errors: translateFieldErrors(c.var.t, err.fieldErrors), formError: c.var.t(err.key, err.params) }, err.status as 422);
    }
  });

  app.post('/cold/slots/:id{[0-9]{1,9}}', async (c) => {
    const form = await formOf(c);
    const slotId = idParam(c);
    const [before] = await c.var.db.select({ zoneId: locations.zoneId }).from(locations).where(eq(locations.id, slotId));
    try {
      const slot = await updateSlot({ db: c.var.db, user: c.var.user!, slotId, input: { capacity: one(form.capacity), capacity_unit: one(form.capacity_unit), active: one(form.active) } });
      return c.redirect(`/cold/zones/${slot.zoneId}/slots?saved=${encodeURIComponent(slot.code)}`, 303);
    } catch (err) {
      if (!isFormError(err) || !before?.zoneId) throw err;
      return slotsPage(c, before.zoneId, { formError: c.var.t(err.key, err.params) + ' ' + Object.values(translateFieldErrors(c.var.t, err.fieldErrors)).join(' ') }, err.status as 422);
    }
  });

  // ---- Slot map and slots

  app.get('/cold/zones/:id{[0-9]{1,9}}/map', async (c) => {
    const { zone, warehouse } = await zoneFor(c.var.db, c.var.user!, idParam(c));
    const { cells, zoneExcursion } = await slotMap(c.var.db, zone, localToday(warehouse.timezone));
    const v = { ctx: viewContext(c), warehouse, zone, cells, zoneExcursion, now: new Date(), refreshSeconds: MAP_REFRESH_SECONDS };
    c.header('Cache-Control', 'no-store');
    return pageOrFragment(c, () => <SlotMapPage {...v} />, () => <SlotMapGrid {...v} />);
  });

  app.get('/cold/slots/:id{[0-9]{1,9}}', async (c) => {
    const d = await slotDetail(c.var.db, c.var.user!, idParam(c));
    return c.html(
      <SlotPage
        ctx={viewContext(c)}
        warehouse={d.warehouse}
        zone={d.zone}
        slot={d.slot}
        stock={d.stock}
        readings={d.readings}
        openExcursions={d.openExcursions}
        canDecide={can(c.var.user!, 'cold.decide', { warehouseId: d.slot.warehouseId })}
      />,
    );
  });

  // ---- Readings typed on the scanner

  /** A saved reading as the scanner screen's result banner. */
  const readingDone = (c: Context<AppEnv>, r: Omit<ManualReadingResult, 'replayed'>) => ({ target: r.target, celsius: r.celsius, inRange: r.inRange, range: c.var.t.range(r.range.min, r.range.max), opened: r.excursionOpened });

  app.get('/cold/readings/new', async (c) => {
    const { all, wh } = await pickWarehouse(c);
    if (!can(c.var.user!, 'cold.record', { warehouseId: wh.id })) throw forbidden();
    const id = plainInteger(c.req.query('reading') ?? '');
    const saved = typeof id === 'number' && id > 0 && id <= Number.MAX_SAFE_INTEGER ? await typedReading(c.var.db, { id, user: c.var.user! }) : null;
    const done = saved && saved.warehouse === wh.code ? readingDone(c, saved) : undefined;
    return c.html(<ReadingPage ctx={viewContext(c)} warehouses={all} warehouse={wh} target={(c.req.query('target') ?? '').slice(0, 40)} celsius="" errors={{}} done={done} idempotencyKey={generateSecureRandomString()} />);
  });

  app.post('/cold/readings', async (c) => {
    const form = await formOf(c);
    const input = { warehouse: one(form.warehouse), target: one(form.target), celsius: one(form.celsius), idempotency_key: one(form.idempotency_key) };
    const user = c.var.user!;
    const all = (await listWarehouses(c.var.db, readScope(user))).filter((w) => can(user, 'cold.record', { warehouseId: w.id }));
    const wh = all.find((w) => w.code === input.warehouse.trim().toUpperCase()) ?? all[0];
    if (!wh) throw forbidden();
    c.header('Vary', 'HX-Request');
    const render = (v: Omit<ReadingView, 'ctx' | 'warehouses' | 'warehouse'>, status: 200 | 409 | 422) => {
      const view: ReadingView = { ctx: viewContext(c), warehouses: all, warehouse: wh, ...v };
      return c.html(wantsFragment(c) ? <ReadingPanel {...view} /> : <ReadingPage {...view} />, status);
    };
    try {
      const r = await recordManualReading({ db: c.var.db, user, input });
      // A plain form is answered with the page to load (so Back and reload never send it
      // again); htmx swaps the result and a fresh form in place.
      if (!wantsFragment(c)) return c.redirect(`/cold/readings/new?${new URLSearchParams({ warehouse: r.warehouse, ...(r.readingId ? { reading: String(r.readingId) } : {}) })}`, 303);
      return render({ target: '', celsius: '', errors: {}, done: readingDone(c, r), idempotencyKey: generateSecureRandomString() }, 200);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const values = { target: input.target.slice(0, 40), celsius: input.celsius.slice(0, 20) };
      // The key is spent on another reading: the form gets a new one.
      if (err.code === 'IDEMPOTENCY_KEY_REUSED') return render({ ...values, errors: {}, formError: c.var.t(err.key, err.params), idempotencyKey: generateSecureRandomString() }, 409);
      // A key the form could not have made is replaced; the others go as they are.
      const badKey = err.fieldErrors.some((f) => f.path === 'idempotency_key');
      const fields = err.fieldErrors.filter((f) => f.path !== 'idempotency_key');
      const errors = translateFieldErrors(c.var.t, fields.length || badKey ? fields : [{ path: 'target', key: err.key, params: err.params }]);
      if (errors.warehouse) errors.target = errors.warehouse;
      const formError = badKey && !fields.length ? c.var.t('cold.error.formKey') : undefined;
      // Nothing was stored: the same key may go again.
      return render({ ...values, errors, formError, idempotencyKey: (!badKey && input.idempotency_key.trim()) || generateSecureRandomString() }, 422);
    }
  });

  // ---- Excursions

  app.get('/cold/excursions', async (c) => {
    const { wh } = await pickWarehouse(c);
    const status = (['open', 'closed', 'all'] as const).find((s) => s === c.req.query('status')) ?? 'open';
    const cursor = c.req.query('cursor');
    const after = decodeCursor(cursor);
    if (cursor && after === null) throw new AppError('VALIDATION', { key: 'error.badCursor' });
    const page = await listExcursions(c.var.db, c.var.user!, { warehouse: wh.code, open: status === 'all' ? undefined : status === 'open', after, limit: 50 });
    return c.html(<ExcursionsPage ctx={viewContext(c)} warehouse={wh} items={page.items} filter={status} next={page.next === null ? null : encodeCursor(page.next)} />);
  });

  const excursionPage = async (c: Context<AppEnv>, id: number, opts: { values?: { note: string; decisions: Record<string, string> }; errors?: FieldErrors; formError?: string; closedNow?: boolean } = {}, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const [row] = await c.var.db
      .select({ e: excursions, zone: { code: sql<string>`z.code`, name: sql<string>`z.name` }, location: locations.code, closedByName: users.name, warehouse: warehouses })
      .from(excursions)
      .innerJoin(sql`zones z`, sql`z.id = ${excursions.zoneId}`)
      .innerJoin(warehouses, eq(warehouses.id, excursions.warehouseId))
      .leftJoin(locations, eq(locations.id, excursions.locationId))
      .leftJoin(users, eq(users.id, excursions.closedBy))
      .where(eq(excursions.id, id));
    if (!row || !can(user, 'cold.read', { warehouseId: row.e.warehouseId })) throw new AppError('NOT_FOUND', { key: 'cold.error.excursionNotFound' });
    const e = row.e;
    const exposed: ExposedRow[] = await exposedStock(c.var.db, e);
    const readings = (await recentReadings(c.var.db, e.zoneId, e.locationId, 500)).filter((r) => (e.locationId ? r.location === row.location : r.location === null) && r.measuredAt >= e.startedAt && (!e.endedAt || r.measuredAt <= e.endedAt));
    const excursion = {
      id: e.id,
      warehouse: row.warehouse.code,
      zone: row.zone.code,
      zoneName: row.zone.name,
      zoneId: e.zoneId,
      location: row.location,
      startedAt: e.startedAt,
      endedAt: e.endedAt,
      peakCelsius: e.peakCelsius,
      minCelsius: e.minCelsius,
      maxCelsius: e.maxCelsius,
      closedAt: e.closedAt,
      status: excursionStatus(e),
      note: e.note,
      closedByName: row.closedByName,
    };
    return c.html(
      <ExcursionPage
        ctx={viewContext(c)}
        warehouse={row.warehouse}
        excursion={excursion}
        exposed={exposed}
        readings={readings}
        canDecide={can(user, 'cold.decide', { warehouseId: e.warehouseId })}
        values={opts.values ?? { note: '', decisions: {} }}
        errors={opts.errors ?? {}}
        formError={opts.formError}
        closedNow={opts.closedNow}
      />,
      status,
    );
  };

  app.get('/cold/excursions/:id{[0-9]{1,9}}', (c) => excursionPage(c, idParam(c), { closedNow: c.req.query('closed') === '1' }));

  app.post('/cold/excursions/:id{[0-9]{1,9}}/close', async (c) => {
    const form = await formOf(c);
    const decisions: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) {
      const m = /^decision_(\d+_\d+_\d+)$/.exec(k);
      if (m) decisions[m[1]!] = one(v);
    }
    const values = { note: one(form.note), decisions };
    try {
      await closeExcursion({ db: c.var.db, user: c.var.user!, excursionId: idParam(c), input: values });
      return c.redirect(`/cold/excursions/${idParam(c)}?closed=1`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return excursionPage(c, idParam(c), { values, errors: translateFieldErrors(c.var.t, err.fieldErrors), formError: c.var.t(err.key, err.params) }, err.status as 422);
    }
  });

  // ---- Chart and record

  app.get('/cold/zones/:id{[0-9]{1,9}}/chart', async (c) => {
    const { zone, warehouse } = await zoneFor(c.var.db, c.var.user!, idParam(c));
    const days = daysSchema.safeParse(c.req.query('days'));
    const fromQuery = z.iso.datetime({ offset: true }).optional().safeParse(c.req.query('from') || undefined);
    if (!days.success || !fromQuery.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const to = new Date(Date.now() + 5 * 60_000);
    // From a given moment (an hour before it, for context), at most a year back; else the last days.
    const from = fromQuery.data
      ? new Date(Math.min(Math.max(Date.parse(fromQuery.data) - 3_600_000, to.getTime() - 366 * 86_400_000), to.getTime()))
      : new Date(to.getTime() - days.data * 86_400_000);
    const slots = await c.var.db
      .selectDistinct({ id: locations.id, code: locations.code })
      .from(locations)
      .where(and(eq(locations.zoneId, zone.id), sql`EXISTS (SELECT 1 FROM temperature_readings r WHERE r.zone_id = ${zone.id} AND r.location_id = ${locations.id})`))
      .orderBy(asc(locations.code));
    const slotCode = (c.req.query('slot') ?? '').trim().toUpperCase();
    const slot = slots.find((s) => s.code === slotCode);
    const points = await seriesReadings(c.var.db, zone.id, slot?.id ?? null, from, to);
    const exc = await excursionsBetween(c.var.db, zone.id, from, to);
    return c.html(
      <ChartPage
        ctx={viewContext(c)}
        warehouse={warehouse}
        zone={zone}
        series={[{ value: '', label: c.var.t('cold.zoneSensor') }, ...slots.map((s) => ({ value: s.code, label: s.code }))]}
        slot={slot?.code ?? ''}
        days={days.data}
        from={from}
        to={to}
        points={points}
        excursions={exc.map((x) => ({ id: x.e.id, startedAt: x.e.startedAt, endedAt: x.e.endedAt, peakCelsius: x.e.peakCelsius, location: x.location }))}
      />,
    );
  });

  const logData = async (c: Context<AppEnv>) => {
    const { zone, warehouse } = await zoneFor(c.var.db, c.var.user!, idParam(c));
    const parsed = daysSchema.safeParse(c.req.query('days'));
    if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    // Sensors' clocks may run a little ahead (readings up to 5 minutes ahead are accepted).
    const to = new Date(Date.now() + 5 * 60_000);
    const from = new Date(to.getTime() - parsed.data * 86_400_000);
    const entries = await temperatureLog(c.var.db, zone, from, to);
    return { zone, warehouse, days: parsed.data, from, to, entries };
  };

  app.get('/cold/zones/:id{[0-9]{1,9}}/log', async (c) => {
    const d = await logData(c);
    const exc = await excursionsBetween(c.var.db, d.zone.id, d.from, d.to);
    const ids = exc.map((x) => x.e.id);
    const decided = ids.length
      ? await c.var.db
          .select({ excursionId: excursionDecisions.excursionId, location: locations.code, sku: products.sku, lot: lots.code, decision: excursionDecisions.decision, quantity: excursionDecisions.quantity, by: users.name, at: excursionDecisions.decidedAt })
          .from(excursionDecisions)
          .innerJoin(locations, eq(locations.id, excursionDecisions.locationId))
          .innerJoin(products, eq(products.id, excursionDecisions.productId))
          .leftJoin(lots, eq(lots.id, excursionDecisions.lotId))
          .innerJoin(users, eq(users.id, excursionDecisions.decidedBy))
          .where(and(inArray(excursionDecisions.excursionId, ids), isNotNull(excursionDecisions.id)))
      : [];
    const user = c.var.user as CurrentUser;
    return c.html(
      <LogPage
        ctx={viewContext(c)}
        warehouse={d.warehouse}
        zone={d.zone}
        days={d.days}
        from={d.from}
        to={d.to}
        entries={d.entries}
        excursions={exc.map((x) => ({ id: x.e.id, startedAt: x.e.startedAt, endedAt: x.e.endedAt, peakCelsius: x.e.peakCelsius, location: x.location, closedAt: x.e.closedAt, closedByName: x.closedByName, note: x.e.note, decisions: decided.filter((dd) => dd.excursionId === x.e.id).map((dd) => ({ ...dd, lot: dd.lot ?? null })) }))}
        printedBy={`${user.name} · ${c.var.t.dateTime(new Date(), d.warehouse.timezone)}`}
      />,
    );
  });

  app.get('/cold/zones/:id{[0-9]{1,9}}/log.csv', async (c) => {
    const d = await logData(c);
    c.header('Content-Disposition', `attachment; filename="temperature-${d.warehouse.code}-${d.zone.code}-${d.to.toISOString().slice(0, 10)}.csv"`);
    return c.body(logCsv(c.var.t, d.zone, d.entries, d.warehouse.timezone), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  // ---- Expiry

  const expiringDays = (raw: unknown) => {
    const days = z.preprocess(plainInteger, z.number().int().min(0).max(3650).default(14)).safeParse(raw === '' ? undefined : raw);
    if (!days.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    return days;
  };
  const expiringPage = async (c: Context<AppEnv>, code: string | undefined, rawDays: unknown, extra: { done?: number; error?: string } = {}, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const all = (await listWarehouses(c.var.db, readScope(user))).filter((w) => can(user, 'cold.read', { warehouseId: w.id }));
    const wh = code ? all.find((w) => w.code === code.trim().toUpperCase()) : all[0];
    if (!wh) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    const days = expiringDays(rawDays);
    const rows = await expiringStock(c.var.db, wh.id, localToday(wh.timezone), days.data);
    return c.html(<ExpiringPage ctx={viewContext(c)} warehouse={wh} days={days.data} rows={rows} canDecide={can(user, 'cold.decide', { warehouseId: wh.id })} {...extra} />, status);
  };

  app.get('/cold/expiring', (c) => {
    if (!can(c.var.user!, 'cold.read')) throw forbidden();
    return expiringPage(c, c.req.query('warehouse'), c.req.query('days'));
  });

  app.post('/cold/expiring/quarantine', async (c) => {
    if (!can(c.var.user!, 'cold.decide')) throw forbidden();
    const form = await formOf(c);
    const warehouse = one(form.warehouse);
    // The page it answers with must be one it can show: checked before anything moves.
    expiringDays(one(form.days));
    try {
      const r = await quarantineExpiring({ db: c.var.db, user: c.var.user!, input: { warehouse, balances: many(form.balance) } });
      return expiringPage(c, warehouse, one(form.days), { done: r.units });
    } catch (err) {
      if (!isFormError(err)) throw err;
      return expiringPage(c, warehouse, one(form.days), { error: c.var.t(err.key, err.params) }, err.status as 422);
    }
  });

  // ---- Sensor tokens

  const devicesPage = async (c: Context<AppEnv>, code: string | undefined, extra: { created?: { name: string; token: string }; errors?: FieldErrors; name?: string } = {}, status: 200 | 422 = 200) => {
    const user = c.var.user!;
    const all = (await listWarehouses(c.var.db, readScope(user))).filter((w) => can(user, 'cold.manage', { warehouseId: w.id }));
    const wh = code ? all.find((w) => w.code === code.trim().toUpperCase()) : all[0];
    if (!wh) throw forbidden();
    return c.html(<DevicesPage ctx={viewContext(c)} warehouse={wh} tokens={await deviceTokensOf(c.var.db, wh.id)} created={extra.created} errors={extra.errors ?? {}} name={extra.name ?? ''} />, status);
  };

  app.get('/cold/devices', (c) => devicesPage(c, c.req.query('warehouse')));

  app.post('/cold/devices', async (c) => {
    const form = await formOf(c);
    const user = c.var.user!;
    const warehouse = one(form.warehouse).trim().toUpperCase();
    const name = one(form.name).trim();
    const [wh] = await c.var.db.select().from(warehouses).where(eq(warehouses.code, warehouse));
    if (!wh || !can(user, 'cold.manage', { warehouseId: wh.id })) throw forbidden();
    if (!name || name.length > 80) return devicesPage(c, warehouse, { errors: { name: c.var.t('error.required') }, name: name.slice(0, 80) }, 422);
    const { token } = await createApiToken(c.var.db, { kind: 'device', name, warehouseId: wh.id, createdBy: user.id });
    c.header('Cache-Control', 'no-store');
    return devicesPage(c, warehouse, { created: { name, token } });
  });

  app.post('/cold/devices/:id{[a-z2-9]{24}}/revoke', async (c) => {
    const user = c.var.user!;
    const tokens = await c.var.db.select({ warehouseId: sql<number>`warehouse_id` }).from(sql`api_tokens`).where(sql`id = ${c.req.param('id')} AND kind = 'device'`);
    const whId = tokens[0] ? Number(tokens[0].warehouseId) : null;
    if (whId === null || !can(user, 'cold.manage', { warehouseId: whId })) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    await revokeApiToken(c.var.db, c.req.param('id'));
    const [wh] = await c.var.db.select().from(warehouses).where(eq(warehouses.id, whId));
    return c.redirect(`/cold/devices?warehouse=${encodeURIComponent(wh!.code)}`, 303);
  });

  return app;
}

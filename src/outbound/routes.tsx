import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError, isAppError, type FieldError } from '../errors.ts';
import type { Translator } from '../i18n/index.ts';
import { pageOrFragment, wantsFragment } from '../http/htmx.ts';
import { formOf, many, one } from '../http/form.ts';
import { generateSecureRandomString } from '../auth/session.ts';
import { orders, pickTasks, userWarehouses, users, warehouses } from '../db/schema/index.ts';
import { viewContext } from '../../views/view-context.ts';
import { translateFieldErrors, type FieldErrors } from '../../views/components/forms.tsx';
import { OrdersPage, OrdersResults } from '../../views/outbound/orders-page.tsx';
import { OrderFormPage, type OrderFormValues } from '../../views/outbound/order-form.tsx';
import { OrderPage } from '../../views/outbound/order-page.tsx';
import { PickListPage, PickListsPage } from '../../views/outbound/pick-lists-page.tsx';
import { PickForm, PickPage, type PickView } from '../../views/outbound/pick-page.tsx';
import { PackingListPage, PackPage, PackPanel, type PackView } from '../../views/outbound/pack-page.tsx';
import { listSellers, listWarehouses } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { getOrder, getPickList, listOrders, listPickLists, orderCounts, orderFilterSchema, orderHistory, orderMarkingCodes, orderReservations, pickListTasks, type OrderDetail } from './queries.ts';
import { createOrder } from './create-order.ts';
import { cancelOrder, packOrder, packScan, shipOrder } from './pack-ship.ts';
import { createPickList } from './pick-list.ts';
import { checkPickLocation, confirmPick, shortPick } from './confirm-pick.ts';
import { getImportJob, recentImportJobs, startCsvImport } from './import-csv.ts';
import { importOzon, importWildberries } from './import-marketplace.ts';
import { ImportJobPage, ImportPage, ImportProgress, type ImportFormView } from '../../views/outbound/imports-page.tsx';
import { keyAfterRefusal } from '../http/form-key.ts';
import { plainInteger } from '../http/numbers.ts';

const PAGE_SIZE = 50;
/** `?task=&location=` on the scanner screen: a location label to check against that task. */
const pickLocationQuery = z.object({ task: z.preprocess(plainInteger, z.number().int().positive().max(2_147_483_647).optional()), location: z.string().trim().max(500).optional() });
const idParam = (c: Context<AppEnv>, name = 'id') => Number(c.req.param(name));
const forbidden = () => new AppError('FORBIDDEN', { key: 'error.forbidden' });
const isFormError = (err: unknown): err is AppError => isAppError(err) && [409, 422].includes(err.status);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A message's ISO dates (kept so by the services, as the JSON API shows them) in the user's locale: a lot's expiry reads 13.12.2026. */
const localDates = (t: Translator, errors: FieldError[]): FieldError[] =>
  errors.map((f) => ({
    ...f,
    ...(f.params && { params: Object.fromEntries(Object.entries(f.params).map(([k, v]) => [k, typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? t.date(v) : v])) }),
  }));
/** What a scanner screen shows of a refusal: each field's message next to it, else one message above. */
const scanErrors = (t: Translator, err: AppError) => {
  const errors = translateFieldErrors(t, localDates(t, err.fieldErrors));
  return { errors, formError: Object.keys(errors).length ? undefined : t(err.key, err.params) };
};


export function outboundRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/orders', '/orders/*', '/pick-lists', '/pick-lists/*', '/pick-tasks/*', '/imports/*']) app.use(path, requireUser());

  const loadOrder = async (c: Context<AppEnv>, id: number): Promise<OrderDetail> => {
    const o = await getOrder(c.var.db, readScope(c.var.user!), id);
    if (!o) throw new AppError('NOT_FOUND', { key: 'outbound.error.orderNotFound' });
    return o;
  };

  app.get('/orders', async (c) => {
    const raw = c.req.query();
    const parsed = orderFilterSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const scope = readScope(c.var.user!);
    const f = parsed.data;
    const query = new URLSearchParams(Object.entries(raw).filter(([k, v]) => v !== '' && k !== 'page'));
    const [result, counts, whs, sellersList] = await Promise.all([listOrders(c.var.db, scope, f, PAGE_SIZE), orderCounts(c.var.db, scope, f.warehouse, f.seller, f.q), listWarehouses(c.var.db, scope), listSellers(c.var.db, scope)]);
    const v = { ctx: viewContext(c), filter: f, query, ...result, counts, warehouses: whs, sellers: sellersList };
    return pageOrFragment(c, () => <OrdersPage {...v} />, () => <OrdersResults {...v} />);
  });

  const formPage = async (c: Context<AppEnv>, values: OrderFormValues, opts: { errors?: FieldErrors; formError?: string; rows?: number } = {}, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const scope = readScope(user);
    const whs = (await listWarehouses(c.var.db, { ...scope, sellerId: null })).filter((w) => can(user, 'order.create', { warehouseId: w.id }));
    const rows = Math.min(200, Math.max(opts.rows ?? 0, 5, values.lines.length + 1));
    return c.html(<OrderFormPage ctx={viewContext(c)} warehouses={whs} sellers={await listSellers(c.var.db, scope)} values={values} errors={opts.errors ?? {}} formError={opts.formError} rows={rows} />, status);
  };

  app.get('/orders/new', async (c) => {
    if (!can(c.var.user!, 'order.create')) throw forbidden();
    return formPage(c, { lines: [] });
  });

  app.post('/orders', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'order.create')) throw forbidden();
    const form = await formOf(c);
    const skus = many(form.line_sku);
    const qtys = many(form.line_quantity);
    const lines = skus.map((sku, i) => ({ sku, quantity: qtys[i] ?? '' }));
    const rowIndex: number[] = [];
    const filled = lines.filter((l, i) => (l.sku.trim() || l.quantity.trim() ? (rowIndex.push(i), true) : false));
    const values: OrderFormValues = { warehouse: one(form.warehouse), seller: one(form.seller), external_id: one(form.external_id), ship_by: one(form.ship_by), note: one(form.note), lines };
    if (one(form.rows)) return formPage(c, values, { rows: Number(one(form.rows)) || 10 });
    try {
      const { order, created } = await createOrder({ db: c.var.db, user, input: { ...values, channel: 'manual', lines: filled } });
      // The same number again is another order by mistake, not a retry (the form posts once).
      if (!created) return formPage(c, values, { errors: { external_id: c.var.t('outbound.error.orderNumberTaken', { number: order.externalId }) } }, 422);
      return c.redirect(`/orders/${order.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const fieldErrors = err.fieldErrors.map((f) => {
        const m = /^lines\.(\d+)\.(.+)$/.exec(f.path);
        return m ? { ...f, path: `lines.${rowIndex[Number(m[1])] ?? m[1]}.${m[2]}` } : f;
      });
      return formPage(c, values, { errors: translateFieldErrors(c.var.t, fieldErrors), formError: c.var.t(err.key, err.params) }, 422);
    }
  });

  const orderPage = async (c: Context<AppEnv>, id: number, error?: string, status: 200 | 409 | 422 = 200) => {
    const o = await loadOrder(c, id);
    const [reservations, history] = await Promise.all([orderReservations(c.var.db, o.id), orderHistory(c.var.db, o.id)]);
    // After shipping, the order page says so (only while it is true: a copied address says nothing on another order).
    const notice = !error && c.req.query('done') === 'shipped' && o.status === 'shipped' ? c.var.t('outbound.shippedNotice', { order: o.externalId }) : undefined;
    return c.html(<OrderPage ctx={viewContext(c)} order={o} reservations={reservations} history={history} error={error} notice={notice} />, status);
  };

  app.get('/orders/:id{[0-9]{1,9}}', (c) => orderPage(c, idParam(c)));

  app.post('/orders/:id{[0-9]{1,9}}/cancel', async (c) => {
    try {
      await cancelOrder({ db: c.var.db, user: c.var.user!, orderId: idParam(c) });
      return c.redirect(`/orders/${idParam(c)}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return orderPage(c, idParam(c), c.var.t(err.key, err.params), 409);
    }
  });

  const packView = async (c: Context<AppEnv>, id: number, rest: Partial<PackView> = {}): Promise<PackView> => {
    const o = await loadOrder(c, id);
    if (!can(c.var.user!, 'order.fulfil', { warehouseId: o.warehouseId })) throw forbidden();
    const codes = (await orderMarkingCodes(c.var.db, o.id)).map((x) => ({ lineId: x.lineId, serial: x.serial }));
    return { ctx: viewContext(c), order: o, codes, errors: {}, values: {}, ...rest };
  };

  app.get('/orders/:id{[0-9]{1,9}}/pack', async (c) => c.html(<PackPage {...await packView(c, idParam(c))} />));

  app.post('/orders/:id{[0-9]{1,9}}/pack-scans', async (c) => {
    const form = await formOf(c);
    let v: PackView;
    let status: 201 | 409 | 422 = 201;
    try {
      const done = await packScan({ db: c.var.db, user: c.var.user!, orderId: idParam(c), input: { scan: one(form.scan), quantity: one(form.quantity) } });
      v = await packView(c, idParam(c), { done });
    } catch (err) {
      if (!isFormError(err)) throw err;
      const errors = translateFieldErrors(c.var.t, err.fieldErrors);
      v = await packView(c, idParam(c), { errors, formError: Object.keys(errors).length ? undefined : c.var.t(err.key, err.params) });
      status = err.status === 409 ? 409 : 422;
    }
    return c.html(wantsFragment(c) ? <PackPanel {...v} /> : <PackPage {...v} />, status);
  });

  app.post('/orders/:id{[0-9]{1,9}}/pack', async (c) => {
    const form = await formOf(c);
    const values = { weight_kg: one(form.weight_kg).replace(',', '.'), carrier: one(form.carrier), tracking_number: one(form.tracking_number) };
    try {
      await packOrder({ db: c.var.db, user: c.var.user!, orderId: idParam(c), input: values });
      return c.redirect(`/orders/${idParam(c)}/pack`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const errors = translateFieldErrors(c.var.t, err.fieldErrors);
      return c.html(<PackPage {...await packView(c, idParam(c), { values, errors, formError: Object.keys(errors).length ? undefined : c.var.t(err.key, err.params) })} />, err.status === 409 ? 409 : 422);
    }
  });

  app.post('/orders/:id{[0-9]{1,9}}/ship', async (c) => {
    try {
      await shipOrder({ db: c.var.db, user: c.var.user!, orderId: idParam(c), input: {} });
      return c.redirect(`/orders/${idParam(c)}?done=shipped`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return orderPage(c, idParam(c), c.var.t(err.key, err.params), 409);
    }
  });

  app.get('/orders/:id{[0-9]{1,9}}/packing-list', async (c) => {
    const o = await loadOrder(c, idParam(c));
    const codes = (await orderMarkingCodes(c.var.db, o.id)).map((x) => ({ lineId: x.lineId, serial: x.serial }));
    return c.html(<PackingListPage ctx={viewContext(c)} order={o} codes={codes} />);
  });

  // Imports: CSV in the background with a progress page; marketplace payloads at once.
  const importPage = async (c: Context<AppEnv>, error?: string, values: ImportFormView['values'] = {}, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const scope = readScope(user);
    const whs = (await listWarehouses(c.var.db, { ...scope, sellerId: null })).filter((w) => can(user, 'order.create', { warehouseId: w.id }));
    const [sellersList, jobs] = await Promise.all([listSellers(c.var.db, scope), recentImportJobs({ db: c.var.db, user, limit: 10 })]);
    return c.html(<ImportPage ctx={viewContext(c)} warehouses={whs} sellers={sellersList} jobs={jobs} error={error} values={values} />, status);
  };

  app.get('/orders/import', async (c) => {
    if (!can(c.var.user!, 'order.create')) throw forbidden();
    return importPage(c);
  });

  const fileText = async (f: unknown): Promise<Uint8Array | null> => (f instanceof File && f.size > 0 ? new Uint8Array(await f.arrayBuffer()) : null);

  app.post('/orders/import/csv', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'order.create')) throw forbidden();
    const body = await c.req.parseBody();
    const values = { warehouse: String(body.warehouse ?? ''), seller: String(body.seller ?? '') };
    const file = body.file;
    const bytes = await fileText(file);
    if (!bytes) return importPage(c, c.var.t('imports.error.emptyFile'), values, 422);
    try {
      const { id } = await startCsvImport({ db: c.var.db, user, warehouse: values.warehouse, seller: values.seller || undefined, fileName: file instanceof File ? file.name.slice(0, 200) : undefined, text: bytes });
      return c.redirect(`/imports/${id}`, 303);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500) throw err;
      return importPage(c, c.var.t(err.key, err.params), values, 422);
    }
  });

  app.post('/orders/import/marketplace', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'order.create')) throw forbidden();
    const body = await c.req.parseBody();
    const values = { warehouse: String(body.warehouse ?? ''), seller: String(body.seller ?? ''), channel: String(body.channel ?? 'ozon') };
    const bytes = await fileText(body.file);
    const payload = bytes ? new TextDecoder().decode(bytes) : String(body.payload ?? '');
    if (!payload.trim()) return importPage(c, c.var.t('imports.error.badPayload'), values, 422);
    try {
      const opts = { db: c.var.db, user, warehouse: values.warehouse, seller: values.seller || undefined, payload, fileName: body.file instanceof File ? body.file.name.slice(0, 200) : undefined };
      const result = values.channel === 'wildberries' ? await importWildberries(opts) : await importOzon(opts);
      return c.redirect(`/imports/${result.job_id}?cancelled=${result.cancelled.length}`, 303);
    } catch (err) {
      if (!isAppError(err) || err.status >= 500) throw err;
      const detail = err.fieldErrors.length ? ` (${err.fieldErrors.slice(0, 3).map((f) => f.path).join(', ')})` : '';
      return importPage(c, c.var.t(err.key, err.params) + detail, values, 422);
    }
  });

  app.get('/imports/:id{[0-9]{1,9}}', async (c) => {
    const job = await getImportJob({ db: c.var.db, user: c.var.user!, id: idParam(c) });
    const cancelled = Number(c.req.query('cancelled') ?? 0) || 0;
    if (wantsFragment(c)) return c.html(<ImportProgress ctx={viewContext(c)} job={job} cancelled={cancelled} />);
    return c.html(<ImportJobPage ctx={viewContext(c)} job={job} cancelled={cancelled} />);
  });

  // Pick lists.
  const listsPage = async (c: Context<AppEnv>, warehouse: string | undefined, error?: string, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const scope = readScope(user);
    const whs = (await listWarehouses(c.var.db, scope)).filter((w) => can(user, 'order.fulfil', { warehouseId: w.id }));
    // Without a choice: the warehouse where allocated orders wait for a list (else the first).
    const [busiest] = warehouse
      ? []
      : await c.var.db
          .select({ code: warehouses.code })
          .from(orders)
          .innerJoin(warehouses, eq(warehouses.id, orders.warehouseId))
          .where(and(eq(orders.status, 'allocated'), isNull(orders.pickListId), inArray(orders.warehouseId, whs.length ? whs.map((w) => w.id) : [0])))
          .groupBy(warehouses.code)
          .orderBy(sql`count(*) DESC`)
          .limit(1);
    const code = warehouse ?? busiest?.code ?? whs[0]?.code;
    const wh = whs.find((w) => w.code === code);
    const lists = await listPickLists(c.var.db, scope, code);
    const [waiting] = wh ? await c.var.db.select({ n: sql<number>`count(*)::int` }).from(orders).where(and(eq(orders.warehouseId, wh.id), eq(orders.status, 'allocated'), isNull(orders.pickListId))) : [{ n: 0 }];
    const operators = await c.var.db
      .select({ id: users.id, name: users.name, warehouse: warehouses.code })
      .from(users)
      .innerJoin(userWarehouses, eq(userWarehouses.userId, users.id))
      .innerJoin(warehouses, eq(warehouses.id, userWarehouses.warehouseId))
      .where(and(eq(users.role, 'operator'), eq(users.active, true), eq(userWarehouses.warehouseId, wh?.id ?? 0)))
      .orderBy(warehouses.code, users.name);
    return c.html(<PickListsPage ctx={viewContext(c)} warehouses={whs} warehouse={code} lists={lists} waiting={Number(waiting?.n ?? 0)} operators={operators} error={error} />, status);
  };

  app.get('/pick-lists', async (c) => {
    if (!can(c.var.user!, 'order.fulfil')) throw forbidden();
    return listsPage(c, c.req.query('warehouse')?.toUpperCase());
  });

  app.post('/pick-lists', async (c) => {
    if (!can(c.var.user!, 'order.fulfil')) throw forbidden();
    const form = await formOf(c);
    const max = Number(one(form.max_orders) || 30);
    try {
      const assignTo = Number(one(form.assign_to)) || undefined;
      const { list } = await createPickList({ db: c.var.db, user: c.var.user!, warehouse: one(form.warehouse), maxOrders: Number.isInteger(max) ? max : 30, assignTo });
      return c.redirect(`/pick-lists/${list.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return listsPage(c, one(form.warehouse).toUpperCase() || undefined, c.var.t(err.key, err.params), err.status === 409 ? 409 : 422);
    }
  });

  const loadList = async (c: Context<AppEnv>, id: number) => {
    if (!can(c.var.user!, 'order.fulfil')) throw forbidden();
    const l = await getPickList(c.var.db, readScope(c.var.user!), id);
    if (!l) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    return l;
  };

  app.get('/pick-lists/:id{[0-9]{1,9}}', async (c) => {
    const l = await loadList(c, idParam(c));
    return c.html(<PickListPage ctx={viewContext(c)} list={l} tasks={await pickListTasks(c.var.db, l.id)} />);
  });

  /** The scanner screen: the given open task of the list (the one being worked on), else the next one. */
  const pickView = async (c: Context<AppEnv>, listId: number, rest: Partial<PickView> = {}, taskId?: number): Promise<PickView> => {
    await loadList(c, listId);
    const tasks = await pickListTasks(c.var.db, listId);
    const open = tasks.filter((x) => x.status === 'open');
    const task = open.find((x) => x.id === taskId) ?? open[0] ?? null;
    return { ctx: viewContext(c), listId, task, left: open.length, total: tasks.filter((x) => x.status !== 'cancelled').length, values: {}, errors: {}, idempotencyKey: generateSecureRandomString(), ...rest };
  };

  app.get('/pick-lists/:id{[0-9]{1,9}}/pick', async (c) => {
    const listId = idParam(c);
    // The location label checked as soon as it is scanned (?task=&location=): nothing to say
    // (204) when it is the task's; the form again, with the error at the location, when not.
    const check = pickLocationQuery.safeParse(c.req.query());
    if (check.success && check.data.task !== undefined && check.data.location !== undefined) {
      await loadList(c, listId);
      try {
        if (check.data.location !== '') await checkPickLocation({ db: c.var.db, user: c.var.user!, listId, taskId: check.data.task, location: check.data.location });
        if (wantsFragment(c)) return c.body(null, 204);
      } catch (err) {
        if (!isFormError(err)) throw err;
        const v = await pickView(c, listId, scanErrors(c.var.t, err), check.data.task);
        return c.html(wantsFragment(c) ? <PickForm {...v} /> : <PickPage {...v} />, 409);
      }
    }
    return c.html(<PickPage {...await pickView(c, listId)} />);
  });

  /** The pick list of a task, from the task itself (before anything is done with it). */
  const listOfTask = async (c: Context<AppEnv>): Promise<number> => {
    const [task] = await c.var.db.select({ listId: pickTasks.pickListId }).from(pickTasks).where(eq(pickTasks.id, idParam(c)));
    if (!task) throw new AppError('NOT_FOUND', { key: 'error.notFound' });
    return task.listId;
  };

  app.post('/pick-tasks/:id{[0-9]{1,9}}/picks', async (c) => {
    const form = await formOf(c);
    const listId = await listOfTask(c);
    const values = { location: one(form.location), scan: one(form.scan), lot: one(form.lot), quantity: one(form.quantity) };
    let v: PickView;
    let status: 201 | 409 | 422 = 201;
    try {
      const done = await confirmPick({ db: c.var.db, user: c.var.user!, taskId: idParam(c), input: { ...values, idempotency_key: one(form.idempotency_key) } });
      v = await pickView(c, listId, { done });
    } catch (err) {
      if (!isFormError(err)) throw err;
      v = await pickView(c, listId, { values, ...scanErrors(c.var.t, err), idempotencyKey: keyAfterRefusal(err, one(form.idempotency_key)) }, idParam(c));
      status = err.status === 409 ? 409 : 422;
    }
    return c.html(wantsFragment(c) ? <PickForm {...v} /> : <PickPage {...v} />, status);
  });

  app.post('/pick-tasks/:id{[0-9]{1,9}}/short', async (c) => {
    const form = await formOf(c);
    const listId = await listOfTask(c);
    let v: PickView;
    let status: 200 | 409 | 422 = 200;
    try {
      const r = await shortPick({ db: c.var.db, user: c.var.user!, taskId: idParam(c), input: { location: one(form.location) } });
      const notice = r.replacedBy > 0 ? c.var.t('outbound.shortReplaced', { sku: r.sku, missing: r.missing, replaced: r.replacedBy, locations: r.replacedAt.join(', ') }) : c.var.t('outbound.shortRecorded', { sku: r.sku, missing: r.missing });
      v = await pickView(c, listId, { notice });
    } catch (err) {
      if (!isFormError(err)) throw err;
      // The location not scanned (or not this task's): said at the location field, with the error sound.
      v = await pickView(c, listId, scanErrors(c.var.t, err), idParam(c));
      status = err.status === 409 ? 409 : 422;
    }
    return c.html(wantsFragment(c) ? <PickForm {...v} /> : <PickPage {...v} />, status);
  });

  return app;
}

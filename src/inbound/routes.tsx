import { Hono, type Context } from 'hono';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, isAppError } from '../errors.ts';
import { pageOrFragment, wantsFragment } from '../http/htmx.ts';
import { formOf, many, one } from '../http/form.ts';
import { generateSecureRandomString } from '../auth/session.ts';
import { locations, products, sellers, zones, type TemperatureClass } from '../db/schema/index.ts';
import { viewContext } from '../../views/view-context.ts';
import { translateFieldErrors, type FieldErrors } from '../../views/components/forms.tsx';
import { InboundListPage, InboundResults } from '../../views/inbound/list-page.tsx';
import { ShipmentFormPage, type LineValues, type ShipmentFormValues } from '../../views/inbound/shipment-form.tsx';
import { ShipmentPage } from '../../views/inbound/detail-page.tsx';
import { ArrivalPage, type ArrivalValues } from '../../views/inbound/arrival-page.tsx';
import { PickAsnPage, ReceiveForm, ReceivePage, type ReceivePrompts, type ReceiveView } from '../../views/inbound/receive-page.tsx';
import { ReportPage } from '../../views/inbound/report-page.tsx';
import { PutawayHomePage, PutawayTaskPage, type PutawayTaskView } from '../../views/inbound/putaway-page.tsx';
import { listSellers, listWarehouses, type Warehouse } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { barcodeCandidates, stripSymbology } from '../inventory/filters.ts';
import { productBarcodes } from '../db/schema/index.ts';
import { dockStock, getShipment, listShipments, receivedLots, shipmentEvents, shipmentFilterSchema, shipmentReceipts, shipmentsAtDock, shipmentsByReference, receivingProgress, type ReceivingProgress, type ShipmentDetail } from './queries.ts';
import { saveShipment } from './save-shipment.ts';
import { changeShipmentStatus, type StatusAction } from './change-status.ts';
import { recordArrival } from './record-arrival.ts';
import { receiveItem } from './receive-item.ts';
import { decideUnexpectedLine } from './decide-line.ts';
import { putAway, suggestPutaway } from './putaway.ts';
import { classRange, instantToWallClock, isColdClass } from './temperature.ts';
import { reportCsv } from './csv.ts';
import { z } from 'zod';
import { labelFormats } from '../barcodes/labels.ts';
import { looksLikeScan } from '../barcodes/messages.ts';
import { AsnLabelPage } from '../../views/inbound/asn-label-page.tsx';
import { plainInteger } from '../http/numbers.ts';
import { keyAfterRefusal } from '../http/form-key.ts';
import { editableStatuses } from './status.ts';

const PAGE_SIZE = 50;
const labelQuerySchema = z.object({
  format: z.preprocess((v) => (v === '' ? undefined : v), z.enum(labelFormats).default('a4')),
  copies: z.preprocess((v) => (v === '' ? undefined : v), z.preprocess(plainInteger, z.number().int().min(1).max(100).default(1))),
});
const idParam = (c: Context<AppEnv>, name = 'id') => Number(c.req.param(name));
const forbidden = () => new AppError('FORBIDDEN', { key: 'error.forbidden' });
const notFound = () => new AppError('NOT_FOUND', { key: 'inbound.error.notFound' });


/** A 4xx the user can fix: shown on the form, not as an error page. */
const isFormError = (err: unknown): err is AppError => isAppError(err) && [404, 409, 422].includes(err.status) && err.code !== 'NOT_FOUND';

async function loadShipment(c: Context<AppEnv>, id: number): Promise<ShipmentDetail> {
  const s = await getShipment(c.var.db, readScope(c.var.user!), id);
  if (!s) throw notFound();
  return s;
}

function shipmentFormValues(form: Record<string, string | string[]>): { values: ShipmentFormValues; rowIndex: number[]; input: Record<string, unknown> } {
  const skus = many(form.line_sku);
  const qtys = many(form.line_quantity);
  const lotsIn = many(form.line_lot);
  const exps = many(form.line_expiry);
  const lines: LineValues[] = skus.map((sku, i) => ({ sku, quantity: qtys[i] ?? '', lot: lotsIn[i] ?? '', expiry: exps[i] ?? '' }));
  const rowIndex: number[] = [];
  const filled = lines.filter((l, i) => {
    const keep = Boolean(l.sku.trim() || l.quantity.trim() || l.lot.trim() || l.expiry.trim());
    if (keep) rowIndex.push(i);
    return keep;
  });
  const values: ShipmentFormValues = {
    warehouse: one(form.warehouse),
    seller: one(form.seller),
    reference: one(form.reference),
    eta: one(form.eta),
    mode: one(form.mode),
    tir_carnet: one(form.tir_carnet),
    vehicle_plate: one(form.vehicle_plate),
    trailer_plate: one(form.trailer_plate),
    container: one(form.container),
    seals: one(form.seals),
    note: one(form.note),
    lines,
  };
  const input = {
    warehouse: values.warehouse,
    seller: values.seller,
    reference: values.reference,
    eta: values.eta,
    transport: { mode: values.mode, tir_carnet: values.tir_carnet, vehicle_plate: values.vehicle_plate, trailer_plate: values.trailer_plate, container: values.container, seals: values.seals },
    note: values.note,
    lines: filled.map((l) => ({ sku: l.sku, quantity: l.quantity, lot: l.lot, expiry: l.expiry })),
    draft: one(form.intent) === 'draft',
  };
  return { values, rowIndex, input };
}

function valuesOf(s: ShipmentDetail): ShipmentFormValues {
  return {
    warehouse: s.warehouseCode,
    seller: s.sellerCode,
    reference: s.reference,
    eta: s.eta ?? '',
    mode: s.transportMode,
    tir_carnet: s.tirCarnet ?? '',
    vehicle_plate: s.vehiclePlate ?? '',
    trailer_plate: s.trailerPlate ?? '',
    container: s.container ?? '',
    seals: s.seals.join(' '),
    note: s.note ?? '',
    lines: s.lines.filter((l) => !l.unexpected).map((l) => ({ sku: l.sku, quantity: String(l.expected), lot: l.lotCode ?? '', expiry: l.expiresOn ?? '' })),
  };
}

async function arrivalContext(c: Context<AppEnv>, s: ShipmentDetail) {
  const db = c.var.db;
  const all = await db
    .select({ code: locations.code, cls: zones.temperatureClass })
    .from(locations)
    .innerJoin(zones, eq(zones.id, locations.zoneId))
    .where(and(eq(locations.warehouseId, s.warehouseId), eq(locations.kind, 'dock'), eq(locations.active, true)))
    .orderBy(asc(locations.walkSequence), asc(locations.code));
  const classes = [...new Set(s.lines.map((l) => l.temperatureClass).filter(isColdClass))];
  // The dock offered first is one for the truck's cold goods (a reefer backs up to the cold dock).
  const fits = (d: (typeof all)[number]) => (classes.length ? classes.includes(d.cls) : d.cls === 'ambient');
  const docks = [...all.filter(fits), ...all.filter((d) => !fits(d))];
  const coldClasses = await Promise.all(classes.map(async (cls) => ({ cls, range: await db.transaction((tx) => classRange(tx, s.warehouseId, cls)) })));
  return { docks, coldClasses };
}

function arrivalFormValues(form: Record<string, string | string[]>, s: ShipmentDetail): { values: ArrivalValues; input: Record<string, unknown> } {
  const seals = many(form.seal);
  const notes = many(form.seal_note);
  const sealValues = seals.map((seal, i) => ({ seal, state: one(form[`seal_state_${i}`]), note: notes[i] ?? '' }));
  const extra = one(form.extra_seal).trim();
  const temperatures: Partial<Record<TemperatureClass, string>> = {};
  for (const cls of ['chilled', 'frozen', 'deep_frozen'] as const) if (form[`temp_${cls}`] !== undefined) temperatures[cls] = one(form[`temp_${cls}`]).replace(',', '.');
  const values: ArrivalValues = { arrived_at: one(form.arrived_at), dock: one(form.dock), note: one(form.note), seals: sealValues, temperatures };
  const input = {
    arrived_at: values.arrived_at,
    dock: values.dock,
    note: values.note,
    // A seal number found on the truck that the ASN did not list is recorded as found.
    seals: [...sealValues.filter((x) => x.state), ...(extra ? [{ seal: extra, state: 'intact', note: 'not on the ASN' }] : [])],
    temperatures: Object.fromEntries(Object.entries(temperatures).filter(([cls]) => s.lines.some((l) => l.temperatureClass === cls))),
  };
  return { values, input };
}

function userWarehouses(list: Warehouse[], user: CurrentUser): Warehouse[] {
  return list.filter((w) => can(user, 'inbound.receive', { warehouseId: w.id }));
}

export function inboundRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/inbound', '/inbound/*', '/receive', '/putaway', '/putaway/*']) app.use(path, requireUser());

  app.get('/inbound', async (c) => {
    const raw = c.req.query();
    const parsed = shipmentFilterSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const scope = readScope(c.var.user!);
    const query = new URLSearchParams(Object.entries(raw).filter(([k, v]) => v !== '' && k !== 'page'));
    const [result, whs, sellersList] = await Promise.all([listShipments(c.var.db, scope, parsed.data, PAGE_SIZE), listWarehouses(c.var.db, scope), listSellers(c.var.db, scope)]);
    const v = { ctx: viewContext(c), filter: parsed.data, query, ...result, warehouses: whs, sellers: sellersList };
    return pageOrFragment(c, () => <InboundListPage {...v} />, () => <InboundResults {...v} />);
  });

  const formPage = async (c: Context<AppEnv>, opts: { values: ShipmentFormValues; errors?: FieldErrors; formError?: string; rows?: number; shipment?: ShipmentDetail }, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const scope = readScope(user);
    const whs = (await listWarehouses(c.var.db, { ...scope, sellerId: null })).filter((w) => can(user, 'inbound.create', { warehouseId: w.id }));
    const sellersList = await listSellers(c.var.db, scope);
    const rows = Math.min(200, Math.max(opts.rows ?? 0, 5, opts.values.lines.length + 1));
    return c.html(
      <ShipmentFormPage ctx={viewContext(c)} shipmentId={opts.shipment?.id} reference={opts.shipment?.reference} warehouses={whs} sellers={sellersList} values={opts.values} errors={opts.errors ?? {}} formError={opts.formError} rows={rows} />,
      status,
    );
  };

  app.get('/inbound/new', async (c) => {
    if (!can(c.var.user!, 'inbound.create')) throw forbidden();
    return formPage(c, { values: { mode: 'road_tir', warehouse: c.req.query('warehouse'), lines: [] } });
  });

  const saveFromForm = async (c: Context<AppEnv>, shipment?: ShipmentDetail) => {
    const user = c.var.user!;
    if (!can(user, 'inbound.create')) throw forbidden();
    const form = await formOf(c);
    const { values, rowIndex, input } = shipmentFormValues(form);
    // "More rows" re-renders the form with everything typed so far.
    if (one(form.rows)) return formPage(c, { values, rows: Number(one(form.rows)) || 10, shipment });
    try {
      const saved = await saveShipment({ db: c.var.db, user, input, shipmentId: shipment?.id });
      return c.redirect(`/inbound/${saved.id}?done=saved`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      // Errors name lines by their place among the filled rows; the form shows every row.
      const fieldErrors = err.fieldErrors.map((f) => {
        const m = /^lines\.(\d+)\.(.+)$/.exec(f.path);
        return m ? { ...f, path: `lines.${rowIndex[Number(m[1])] ?? m[1]}.${m[2]}` } : f;
      });
      const errors = translateFieldErrors(c.var.t, fieldErrors);
      return formPage(c, { values, errors, formError: c.var.t(err.key, err.params), shipment }, err.status === 409 ? 409 : 422);
    }
  };

  app.post('/inbound', (c) => saveFromForm(c));

  app.get('/inbound/:id{[0-9]{1,9}}', async (c) => {
    const s = await loadShipment(c, idParam(c));
    const [receipts, events] = await Promise.all([shipmentReceipts(c.var.db, s.id, 200), shipmentEvents(c.var.db, s.id)]);
    const notice = c.req.query('done');
    return c.html(<ShipmentPage ctx={viewContext(c)} shipment={s} receipts={receipts} events={events} notice={notice === 'arrival' ? c.var.t('inbound.arrivalRecorded') : notice === 'saved' ? c.var.t('inbound.saved') : undefined} />);
  });

  app.get('/inbound/:id{[0-9]{1,9}}/edit', async (c) => {
    const s = await loadShipment(c, idParam(c));
    if (!can(c.var.user!, 'inbound.create', { warehouseId: s.warehouseId })) throw forbidden();
    // An ASN that has arrived is what came, no longer what was announced: its form is not offered.
    if (!editableStatuses.includes(s.status)) throw new AppError('CONFLICT', { key: 'inbound.error.notEditable', params: { status: `@inbound.status.${s.status}` } });
    return formPage(c, { values: valuesOf(s), shipment: s });
  });

  app.post('/inbound/:id{[0-9]{1,9}}', async (c) => saveFromForm(c, await loadShipment(c, idParam(c))));

  app.post('/inbound/:id{[0-9]{1,9}}/status', async (c) => {
    const form = await formOf(c);
    const action = one(form.action) as StatusAction;
    if (!['submit', 'cancel', 'finishReceiving', 'close'].includes(action)) throw new AppError('VALIDATION', { key: 'error.invalidValue', params: { detail: 'action' } });
    try {
      await changeShipmentStatus({ db: c.var.db, user: c.var.user!, shipmentId: idParam(c), action, note: one(form.note) || undefined });
      return c.redirect(`/inbound/${idParam(c)}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const s = await loadShipment(c, idParam(c));
      const [receipts, events] = await Promise.all([shipmentReceipts(c.var.db, s.id, 200), shipmentEvents(c.var.db, s.id)]);
      return c.html(<ShipmentPage ctx={viewContext(c)} shipment={s} receipts={receipts} events={events} error={c.var.t(err.key, err.params)} />, err.status === 409 ? 409 : 422);
    }
  });

  app.post('/inbound/:id{[0-9]{1,9}}/lines/:line{[0-9]{1,9}}/decision', async (c) => {
    const form = await formOf(c);
    const decision = one(form.decision);
    if (decision !== 'accepted' && decision !== 'rejected') throw new AppError('VALIDATION', { key: 'error.invalidValue', params: { detail: 'decision' } });
    try {
      await decideUnexpectedLine({ db: c.var.db, user: c.var.user!, shipmentId: idParam(c), lineId: idParam(c, 'line'), decision });
      return c.redirect(`/inbound/${idParam(c)}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const s = await loadShipment(c, idParam(c));
      const [receipts, events] = await Promise.all([shipmentReceipts(c.var.db, s.id, 200), shipmentEvents(c.var.db, s.id)]);
      return c.html(<ShipmentPage ctx={viewContext(c)} shipment={s} receipts={receipts} events={events} error={c.var.t(err.key, err.params)} />, err.status === 409 ? 409 : 422);
    }
  });

  app.get('/inbound/:id{[0-9]{1,9}}/arrival', async (c) => {
    const s = await loadShipment(c, idParam(c));
    if (!can(c.var.user!, 'inbound.receive', { warehouseId: s.warehouseId })) throw forbidden();
    if (s.status !== 'expected') return c.redirect(`/inbound/${s.id}`, 303);
    const ctx = await arrivalContext(c, s);
    const values: ArrivalValues = {
      arrived_at: instantToWallClock(new Date(), s.timezone),
      dock: ctx.docks[0]?.code ?? '',
      note: '',
      seals: s.seals.map((seal) => ({ seal, state: '', note: '' })),
      temperatures: {},
    };
    return c.html(<ArrivalPage ctx={viewContext(c)} shipment={s} {...ctx} values={values} errors={{}} />);
  });

  app.post('/inbound/:id{[0-9]{1,9}}/arrival', async (c) => {
    const s = await loadShipment(c, idParam(c));
    const form = await formOf(c);
    const { values, input } = arrivalFormValues(form, s);
    try {
      await recordArrival({ db: c.var.db, user: c.var.user!, shipmentId: s.id, input });
      return c.redirect(`/inbound/${s.id}?done=arrival`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const ctx = await arrivalContext(c, s);
      const errors = translateFieldErrors(c.var.t, err.fieldErrors);
      return c.html(<ArrivalPage ctx={viewContext(c)} shipment={s} {...ctx} values={values} errors={errors} formError={c.var.t(err.key, err.params)} />, err.status === 409 ? 409 : 422);
    }
  });

  app.get('/receive', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'inbound.receive')) throw forbidden();
    const scope = readScope(user);
    const ref = (c.req.query('ref') ?? '').trim();
    let error: string | undefined;
    if (ref) {
      const found = await shipmentsByReference(c.var.db, scope, stripSymbology(ref).slice(0, 60));
      if (found.length === 1) {
        const s = found[0]!;
        return c.redirect(s.status === 'expected' ? `/inbound/${s.id}/arrival` : `/inbound/${s.id}/receive`, 303);
      }
      if (found.length === 0) error = c.var.t('inbound.error.unknownReference', { reference: ref });
      else error = c.var.t('inbound.error.severalReferences', { reference: ref });
    }
    const shipments = await shipmentsAtDock(c.var.db, scope);
    return c.html(<PickAsnPage ctx={viewContext(c)} value={ref} error={error} shipments={shipments} />, error ? 404 : 200);
  });

  const receiveView = (c: Context<AppEnv>, s: ReceivingProgress, rest: Partial<ReceiveView>): ReceiveView => ({
    ctx: viewContext(c),
    shipment: s,
    values: {},
    errors: {},
    ask: {},
    idempotencyKey: generateSecureRandomString(),
    ...rest,
  });

  app.get('/inbound/:id{[0-9]{1,9}}/receive', async (c) => {
    const s = await loadShipment(c, idParam(c));
    if (!can(c.var.user!, 'inbound.receive', { warehouseId: s.warehouseId })) throw forbidden();
    if (s.status === 'expected') return c.redirect(`/inbound/${s.id}/arrival`, 303);
    const formError = ['arrived', 'receiving'].includes(s.status) ? undefined : c.var.t('inbound.error.notReceivable', { reference: s.reference, status: `@inbound.status.${s.status}` });
    return c.html(<ReceivePage {...receiveView(c, s, { formError })} />);
  });

  app.post('/inbound/:id{[0-9]{1,9}}/receipts', async (c) => {
    const user = c.var.user!;
    const id = idParam(c);
    const form = await formOf(c);
    const values = { scan: one(form.scan), quantity: one(form.quantity), lot: one(form.lot), expiry: one(form.expiry), condition: one(form.condition), confirm_over: one(form.confirm_over) };
    const render = async (rest: Partial<ReceiveView>, status: 201 | 409 | 422, progress: ReceivingProgress | null = null) => {
      const s = progress ?? (await receivingProgress(c.var.db, readScope(user), id));
      if (!s) throw notFound();
      const v = receiveView(c, s, rest);
      return c.html(wantsFragment(c) ? <ReceiveForm {...v} /> : <ReceivePage {...v} />, status);
    };
    try {
      const { progress, ...done } = await receiveItem({ db: c.var.db, user, shipmentId: id, input: { ...values, idempotency_key: one(form.idempotency_key) }, withProgress: true });
      return render({ done }, 201, progress);
    } catch (err) {
      if (!isFormError(err)) throw err;
      // A lot or expiry the scan lacked is asked for, prefilled from the ASN: a prompt to confirm
      // or scan, not an error; anything else wrong with the scan is an error.
      const t = c.var.t;
      const ask: ReceiveView['ask'] = {};
      const prompts: ReceivePrompts = {};
      for (const f of err.fieldErrors) {
        if ((f.path !== 'lot' || f.key !== 'inbound.error.lotNeeded') && (f.path !== 'expiry' || f.key !== 'inbound.error.expiryNeeded')) continue;
        // What the operator typed stays; a label scanned there that lacked the field does not.
        const typed = looksLikeScan(one(form[f.path])) ? '' : one(form[f.path]);
        const suggested = String(f.params?.suggested ?? '');
        ask[f.path] = typed || suggested;
        const sku = String(f.params?.sku ?? '');
        prompts[f.path] = typed || !suggested ? t(f.key, f.params) : f.path === 'lot' ? t('inbound.ask.lotConfirm', { sku, lot: suggested }) : t('inbound.ask.expiryConfirm', { sku, date: t.date(suggested) });
      }
      const errors = translateFieldErrors(t, err.fieldErrors.filter((f) => !(f.path in prompts)));
      const formError = Object.keys(errors).length || Object.keys(prompts).length ? undefined : t(err.key, err.params);
      // The same key again: nothing was written, and a retry must not count twice.
      return render({ values, errors, ask, prompts, formError, idempotencyKey: keyAfterRefusal(err, one(form.idempotency_key)) }, err.status === 409 ? 409 : 422);
    }
  });

  app.get('/inbound/:id{[0-9]{1,9}}/report', async (c) => {
    const s = await loadShipment(c, idParam(c));
    const lots = await receivedLots(c.var.db, s.id);
    return c.html(<ReportPage ctx={viewContext(c)} shipment={s} lots={lots.map((l) => ({ ...l, lot: l.lot || null, quantity: Number(l.quantity) }))} />);
  });

  app.get('/inbound/:id{[0-9]{1,9}}/report.csv', async (c) => {
    const s = await loadShipment(c, idParam(c));
    const lots = await receivedLots(c.var.db, s.id);
    c.header('Content-Disposition', `attachment; filename="receiving-${s.reference.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`);
    return c.body(reportCsv(c.var.t, s, lots.map((l) => ({ ...l, lot: l.lot || null, quantity: Number(l.quantity) }))), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  app.get('/inbound/:id{[0-9]{1,9}}/label', async (c) => {
    const user = c.var.user!;
    if (user.role === 'seller') throw forbidden();
    const q = labelQuerySchema.safeParse(c.req.query());
    if (!q.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const s = await loadShipment(c, idParam(c));
    return c.html(<AsnLabelPage ctx={viewContext(c)} shipment={s} format={q.data.format} copies={q.data.copies} />);
  });

  // Putaway: scanner screens.
  const putawayWarehouses = async (c: Context<AppEnv>) => userWarehouses(await listWarehouses(c.var.db, readScope(c.var.user!)), c.var.user!);
  const pickWarehouse = (list: Warehouse[], code: string | undefined) => list.find((w) => w.code === (code ?? '').toUpperCase()) ?? list[0] ?? null;

  app.get('/putaway', async (c) => {
    if (!can(c.var.user!, 'inbound.receive')) throw forbidden();
    const list = await putawayWarehouses(c);
    const wh = pickWarehouse(list, c.req.query('warehouse'));
    const rows = wh ? await dockStock(c.var.db, wh.id) : [];
    return c.html(<PutawayHomePage ctx={viewContext(c)} warehouses={list} warehouse={wh} rows={rows} item="" />);
  });

  const taskPage = async (c: Context<AppEnv>, wh: Warehouse, balanceId: number, skip: number[], rest: Partial<PutawayTaskView>, status: 200 | 409 | 422 = 200) => {
    const [row] = await dockStock(c.var.db, wh.id, { balanceId });
    if (!row) return null;
    const [p] = await c.var.db.select({ sellerCode: sellers.code }).from(products).innerJoin(sellers, eq(sellers.id, products.sellerId)).where(eq(products.id, row.productId));
    const suggestion = await suggestPutaway(c.var.db, { warehouseId: wh.id, productId: row.productId, lotId: row.lotId, productClass: row.temperatureClass, quantity: row.available, exclude: skip });
    const v: PutawayTaskView = { ctx: viewContext(c), warehouse: wh, row, sellerCode: p!.sellerCode, suggestion, skip, values: {}, errors: {}, idempotencyKey: generateSecureRandomString(), ...rest };
    return c.html(<PutawayTaskPage {...v} />, status);
  };
  const skipList = (raw: string | undefined) =>
    (raw ?? '')
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0)
      .slice(0, 50);

  app.get('/putaway/task', async (c) => {
    if (!can(c.var.user!, 'inbound.receive')) throw forbidden();
    const list = await putawayWarehouses(c);
    const wh = pickWarehouse(list, c.req.query('warehouse'));
    if (!wh) throw forbidden();
    const balance = Number(c.req.query('balance'));
    if (Number.isInteger(balance) && balance > 0) {
      const page = await taskPage(c, wh, balance, skipList(c.req.query("skip")), {});
      if (page) return page;
    }
    // A scanned item: the dock stock of that product; one row goes straight to its task.
    const item = (c.req.query('item') ?? '').trim().slice(0, 200);
    const ids = item
      ? (
          await c.var.db
            .selectDistinct({ id: productBarcodes.productId })
            .from(productBarcodes)
            .where(inArray(productBarcodes.code, barcodeCandidates(item)))
        ).map((r) => r.id)
      : [];
    if (item && ids.length === 0) {
      const bySku = await c.var.db.select({ id: products.id }).from(products).where(eq(products.sku, stripSymbology(item)));
      ids.push(...bySku.map((r) => r.id));
    }
    const rows = ids.length ? await dockStock(c.var.db, wh.id, { productIds: ids }) : [];
    if (rows.length === 1) return c.redirect(`/putaway/task?warehouse=${encodeURIComponent(wh.code)}&balance=${rows[0]!.balanceId}`, 303);
    const all = await dockStock(c.var.db, wh.id);
    const error = rows.length === 0 ? c.var.t(item ? 'putaway.notAtDock' : 'inbound.error.scanOrSku', { code: item }) : undefined;
    return c.html(<PutawayHomePage ctx={viewContext(c)} warehouses={list} warehouse={wh} rows={rows.length ? rows : all} item={item} error={error} />, error ? 404 : 200);
  });

  app.post('/putaway', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'inbound.receive')) throw forbidden();
    const form = await formOf(c);
    const list = await putawayWarehouses(c);
    const wh = pickWarehouse(list, one(form.warehouse));
    if (!wh || wh.code !== one(form.warehouse).toUpperCase()) throw forbidden();
    const input = {
      warehouse: one(form.warehouse),
      seller: one(form.seller),
      sku: one(form.sku),
      lot: one(form.lot),
      from_location: one(form.from_location),
      to_location: one(form.to_location),
      quantity: one(form.quantity),
      suggested: one(form.suggested),
      idempotency_key: one(form.idempotency_key),
    };
    try {
      const done = await putAway({ db: c.var.db, user, input });
      const rows = await dockStock(c.var.db, wh.id);
      return c.html(<PutawayHomePage ctx={viewContext(c)} warehouses={list} warehouse={wh} rows={rows} item="" done={done} />, 201);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const errors = translateFieldErrors(c.var.t, err.fieldErrors);
      const page = await taskPage(
        c,
        wh,
        Number(one(form.balance)),
        skipList(one(form.skip)),
        { values: { quantity: input.quantity }, errors, formError: Object.keys(errors).length ? undefined : c.var.t(err.key, err.params), idempotencyKey: keyAfterRefusal(err, input.idempotency_key) },
        err.status === 409 ? 409 : 422,
      );
      if (page) return page;
      const rows = await dockStock(c.var.db, wh.id);
      return c.html(<PutawayHomePage ctx={viewContext(c)} warehouses={list} warehouse={wh} rows={rows} item="" error={c.var.t(err.key, err.params)} />, 409);
    }
  });

  return app;
}


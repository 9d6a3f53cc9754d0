import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { spreadsheetCsv } from '../http/csv.ts';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError, isAppError } from '../errors.ts';
import { formOf, many, one, type FormFields } from '../http/form.ts';
import { locations } from '../db/schema/index.ts';
import type { Translator } from '../i18n/index.ts';
import { translateFieldErrors, type FieldErrors } from '../../views/components/forms.tsx';
import { TransferFormPage, type TransferFormValues } from '../../views/transfers/transfer-form.tsx';
import { ReceiveTransferPage, type ReceiveTransferView } from '../../views/transfers/receive-page.tsx';
import { cancelTransfer, createTransfer, startPicking } from './create-transfer.ts';
import { dispatchTransfer } from './dispatch.ts';
import { loadProgress, loadScan } from './load.ts';
import { closeTransfer, finishTransferReceiving, receiveTransferItem, recordTransferArrival, writeOffRemainder } from './receive-transfer.ts';
import { transferStatuses } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import { blankToUndefined } from '../inventory/filters.ts';
import { listLedger, listWarehouses } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { viewContext } from '../../views/view-context.ts';
import { TransferPage, TransfersPage } from '../../views/transfers/transfer-pages.tsx';
import { transferFor } from './create-transfer.ts';
import { listTransfers, transferPickList, transferRecord, type TransferRow } from './queries.ts';

const filterSchema = z.object({
  warehouse: z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(20).optional()),
  status: z.preprocess(blankToUndefined, z.enum(transferStatuses).optional()),
});

/** Transfer pages: the list and each transfer's record. */
export function transferRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/transfers', '/transfers.csv', '/transfers/*']) app.use(path, requireUser());

  const formPage = async (c: Context<AppEnv>, values: TransferFormValues, opts: { errors?: FieldErrors; formError?: string } = {}, status: 200 | 422 = 200) => {
    const user = c.var.user!;
    const all = await listWarehouses(c.var.db, { sellerId: null, warehouseIds: null });
    const from = all.filter((w) => can(user, 'transfer.create', { warehouseId: w.id }));
    if (from.length === 0) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const rows = Math.min(200, Math.max(5, values.lines.length + 1));
    return c.html(<TransferFormPage ctx={viewContext(c)} from={from} to={all} values={values} errors={opts.errors ?? {}} formError={opts.formError} rows={rows} />, status);
  };

  app.get('/transfers/new', (c) => formPage(c, { lines: [] }));

  app.post('/transfers', async (c) => {
    const form = await formOf(c);
    const skus = many(form.line_sku);
    const sellersIn = many(form.line_seller);
    const lotsIn = many(form.line_lot);
    const qtys = many(form.line_quantity);
    const lines = skus.map((sku, i) => ({ sku, seller: sellersIn[i] ?? '', lot: lotsIn[i] ?? '', quantity: qtys[i] ?? '' }));
    const index: number[] = [];
    const filled = lines.filter((l, i) => (l.sku.trim() || l.quantity.trim() ? (index.push(i), true) : false));
    const values: TransferFormValues = {
      from_warehouse: one(form.from_warehouse),
      to_warehouse: one(form.to_warehouse),
      mode: one(form.mode),
      tir_carnet: one(form.tir_carnet),
      vehicle_plate: one(form.vehicle_plate),
      trailer_plate: one(form.trailer_plate),
      container: one(form.container),
      seals: one(form.seals),
      reefer: one(form.reefer) === 'on',
      eta: one(form.eta),
      note: one(form.note),
      lines,
    };
    try {
      const t = await createTransfer({
        db: c.var.db,
        user: c.var.user!,
        input: {
          from_warehouse: values.from_warehouse,
          to_warehouse: values.to_warehouse,
          transport: { mode: values.mode, tir_carnet: values.tir_carnet, vehicle_plate: values.vehicle_plate, trailer_plate: values.trailer_plate, container: values.container, seals: values.seals, reefer: values.reefer },
          eta: values.eta,
          note: values.note,
          lines: filled,
        },
      });
      return c.redirect(`/transfers/${t.id}`, 303);
    } catch (err) {
      if (!isAppError(err) || err.status !== 422) throw err;
      // Line errors point at the filled rows: map them back to the rows on the form.
      const fieldErrors = err.fieldErrors.map((f) => {
        const m = /^lines\.(\d+)\.(.+)$/.exec(f.path);
        return m ? { ...f, path: `lines.${index[Number(m[1])] ?? 0}.${m[2]}` } : f;
      });
      return formPage(c, values, { errors: translateFieldErrors(c.var.t, fieldErrors), formError: c.var.t(filled.length ? err.key : 'transfers.error.noLines') }, 422);
    }
  });

  app.get('/transfers.csv', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'transfer.read')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const f = filterSchema.safeParse(c.req.query());
    if (!f.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const rows = await listTransfers(c.var.db, user, f.data, 10_000);
    c.header('Content-Disposition', 'attachment; filename="transfers.csv"');
    return c.body(transfersCsv(c.var.t, rows), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  app.get('/transfers', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'transfer.read')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const f = filterSchema.safeParse(c.req.query());
    if (!f.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const [rows, whs] = await Promise.all([listTransfers(c.var.db, user, f.data), listWarehouses(c.var.db, readScope(user))]);
    return c.html(<TransfersPage ctx={viewContext(c)} rows={rows} warehouses={whs} filter={f.data} today={new Date().toISOString().slice(0, 10)} />);
  });

  const recordPage = async (c: Context<AppEnv>, id: number, message?: { kind: 'ok' | 'error'; text: string }, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const t = await withTransaction(c.var.db, (tx) => transferFor(tx, user, id, 'transfer.read', 'either'));
    const rec = await transferRecord(c.var.db, t);
    // Every move of the transfer, on both sides of the road (the user may see the transfer).
    const moves = await listLedger(c.var.db, { sellerId: null, warehouseIds: null }, { document: { type: 'transfer', id: String(t.id) }, limit: 500 } as Parameters<typeof listLedger>[2]);
    const pickList = t.status === 'picking' ? await transferPickList(c.var.db, t.id) : [];
    const docks = t.status === 'dispatched' ? (await c.var.db.select({ code: locations.code }).from(locations).where(and(eq(locations.warehouseId, t.toWarehouseId), eq(locations.kind, 'dock'), eq(locations.active, true))).orderBy(locations.walkSequence, locations.code)).map((d) => d.code) : [];
    const may = {
      create: can(user, 'transfer.create', { warehouseId: t.fromWarehouseId }),
      dispatch: can(user, 'transfer.dispatch', { warehouseId: t.fromWarehouseId }),
      receive: can(user, 'transfer.receive', { warehouseId: t.toWarehouseId }),
      resolve: can(user, 'transfer.resolve', { warehouseId: t.toWarehouseId }) || can(user, 'transfer.resolve', { warehouseId: t.fromWarehouseId }),
    };
    return c.html(
      <TransferPage
        ctx={viewContext(c)}
        transfer={t}
        from={rec.from}
        to={rec.to}
        lines={rec.lines}
        lineIds={Object.fromEntries(rec.lines.map((l) => [l.lineNo, l.id]))}
        events={rec.events}
        moves={moves.rows}
        may={may}
        pickList={pickList}
        docks={docks}
        message={message}
      />,
      status,
    );
  };
  const idOf = (c: Context<AppEnv>) => Number(c.req.param('id'));
  /** Runs an action; a refusal is shown on the record page with its message. */
  const act = (run: (c: Context<AppEnv>, form: FormFields) => Promise<unknown>) => async (c: Context<AppEnv>) => {
    const form = await formOf(c);
    try {
      await run(c, form);
      return c.redirect(`/transfers/${idOf(c)}`, 303);
    } catch (err) {
      if (!isAppError(err) || ![409, 422].includes(err.status)) throw err;
      const details = Object.values(translateFieldErrors(c.var.t, err.fieldErrors));
      return recordPage(c, idOf(c), { kind: 'error', text: [c.var.t(err.key, err.params), ...details].join(' ') }, err.status as 422);
    }
  };

  app.get('/transfers/:id{[0-9]{1,9}}', (c) => recordPage(c, idOf(c)));
  app.post('/transfers/:id{[0-9]{1,9}}/start-picking', act((c) => startPicking({ db: c.var.db, user: c.var.user!, transferId: idOf(c) })));
  app.post('/transfers/:id{[0-9]{1,9}}/cancel', act((c) => cancelTransfer({ db: c.var.db, user: c.var.user!, transferId: idOf(c) })));
  app.post(
    '/transfers/:id{[0-9]{1,9}}/dispatch',
    act((c, f) => dispatchTransfer({ db: c.var.db, user: c.var.user!, transferId: idOf(c), input: { seals: one(f.seals), vehicle_plate: one(f.vehicle_plate), documents: one(f.documents) }, requireLoaded: true })),
  );
  app.post(
    '/transfers/:id{[0-9]{1,9}}/arrival',
    act((c, f) =>
      recordTransferArrival({
        db: c.var.db,
        user: c.var.user!,
        transferId: idOf(c),
        input: { dock: one(f.dock), celsius: one(f.celsius), note: one(f.note), seals: Object.entries(f).flatMap(([k, v]) => (k.startsWith('seal_') ? [{ seal: k.slice(5), state: one(v) }] : [])) },
      }),
    ),
  );
  app.post('/transfers/:id{[0-9]{1,9}}/finish', act((c) => finishTransferReceiving({ db: c.var.db, user: c.var.user!, transferId: idOf(c) })));
  app.post('/transfers/:id{[0-9]{1,9}}/close', act((c) => closeTransfer({ db: c.var.db, user: c.var.user!, transferId: idOf(c) })));
  app.post(
    '/transfers/:id{[0-9]{1,9}}/lines/:line{[0-9]{1,9}}/write-off',
    act((c, f) => writeOffRemainder({ db: c.var.db, user: c.var.user!, transferId: idOf(c), lineId: Number(c.req.param('line')), input: { note: one(f.note) } })),
  );

  // ---- Receiving on the scanner

  const scanPage = async (c: Context<AppEnv>, mode: 'load' | 'receive', extra: Partial<Pick<ReceiveTransferView, 'values' | 'errors' | 'formError' | 'done'>> = {}, status: 200 | 409 | 422 = 200) => {
    const user = c.var.user!;
    const t = await withTransaction(c.var.db, (tx) => transferFor(tx, user, idOf(c), mode === 'load' ? 'transfer.dispatch' : 'transfer.receive', mode === 'load' ? 'from' : 'to'));
    const rec = await transferRecord(c.var.db, t);
    const lines =
      mode === 'load'
        ? (await loadProgress(c.var.db, t.id)).map((l) => ({ lineNo: l.lineNo, sku: l.sku, done: l.loaded, of: l.reserved }))
        : rec.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, done: l.receivedQty, of: l.dispatchedQty }));
    return c.html(
      <ReceiveTransferPage
        ctx={viewContext(c)}
        mode={mode}
        transfer={{ id: t.id, from: rec.from.code, to: rec.to.code, seals: t.seals, vehiclePlate: t.vehiclePlate }}
        lines={lines}
        values={extra.values ?? { scan: '', quantity: '1', lot: '', condition: 'good' }}
        errors={extra.errors ?? {}}
        formError={extra.formError}
        done={extra.done}
        idempotencyKey={randomUUID()}
      />,
      status,
    );
  };

  for (const mode of ['load', 'receive'] as const) {
    app.get(`/transfers/:id{[0-9]{1,9}}/${mode}`, (c) => scanPage(c, mode));
    app.post(`/transfers/:id{[0-9]{1,9}}/${mode}`, async (c) => {
      const form = await formOf(c);
      const values = { scan: one(form.scan), quantity: one(form.quantity), lot: one(form.lot), condition: one(form.condition) === 'damaged' ? 'damaged' : 'good' };
      const input = { ...values, idempotency_key: one(form.idempotency_key) };
      try {
        if (mode === 'load') {
          const r = await loadScan({ db: c.var.db, user: c.var.user!, transferId: idOf(c), input });
          return scanPage(c, mode, { done: { sku: r.line.sku, quantity: r.quantity, replayed: r.replayed } });
        }
        return scanPage(c, mode, { done: await receiveTransferItem({ db: c.var.db, user: c.var.user!, transferId: idOf(c), input }) });
      } catch (err) {
        if (!isAppError(err) || ![409, 422].includes(err.status)) throw err;
        const errors = translateFieldErrors(c.var.t, err.fieldErrors);
        return scanPage(c, mode, { values: { ...values, scan: values.scan.slice(0, 200) }, errors, formError: c.var.t(err.key, err.params) }, err.status as 422);
      }
    });
  }

  return app;
}

/** The transfer list as CSV, headers in the user's language. */
function transfersCsv(t: Translator, rows: TransferRow[]): string {
  const header = ['#', t('transfers.from'), t('transfers.to'), t('transfers.status'), t('transfers.mode'), t('inbound.vehiclePlate'), t('inbound.container'), t('transfers.reefer'), t('transfers.qty.ordered'), t('transfers.lines'), t('transfers.dispatched'), t('inbound.col.eta')];
  const body = rows.map((r) => [r.id, r.from, r.to, t(`transfers.status.${r.status}`), t(`inbound.mode.${r.mode}` as 'inbound.mode.rail'), r.vehiclePlate ?? '', r.container ?? '', r.reefer ? t('cold.csv.yes') : t('cold.csv.no'), r.units, r.lines, r.dispatchedAt ? r.dispatchedAt.toISOString() : '', r.eta ?? '']);
  return spreadsheetCsv(t.locale, [header, ...body]);
}

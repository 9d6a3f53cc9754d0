import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { requireUser } from '../auth/middleware.ts';
import { can } from '../auth/policy.ts';
import { AppError } from '../errors.ts';
import { transferStatuses } from '../db/schema/index.ts';
import { withTransaction } from '../db/tx.ts';
import { blankToUndefined } from '../inventory/filters.ts';
import { listLedger, listWarehouses } from '../inventory/queries.ts';
import { readScope } from '../inventory/scope.ts';
import { viewContext } from '../../views/view-context.ts';
import { TransferPage, TransfersPage } from '../../views/transfers/transfer-pages.tsx';
import { transferFor } from './create-transfer.ts';
import { listTransfers, transferRecord } from './queries.ts';

const filterSchema = z.object({
  warehouse: z.preprocess(blankToUndefined, z.string().trim().toUpperCase().max(20).optional()),
  status: z.preprocess(blankToUndefined, z.enum(transferStatuses).optional()),
});

/** Transfer pages: the list and each transfer's record. */
export function transferRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/transfers', '/transfers/*']) app.use(path, requireUser());

  app.get('/transfers', async (c) => {
    const user = c.var.user!;
    if (!can(user, 'transfer.read')) throw new AppError('FORBIDDEN', { key: 'error.forbidden' });
    const f = filterSchema.safeParse(c.req.query());
    if (!f.success) throw new AppError('VALIDATION', { key: 'error.badFilter' });
    const [rows, whs] = await Promise.all([listTransfers(c.var.db, user, f.data), listWarehouses(c.var.db, readScope(user))]);
    return c.html(<TransfersPage ctx={viewContext(c)} rows={rows} warehouses={whs} filter={f.data} />);
  });

  app.get('/transfers/:id{[0-9]{1,9}}', async (c) => {
    const user = c.var.user!;
    const t = await withTransaction(c.var.db, (tx) => transferFor(tx, user, Number(c.req.param('id')), 'transfer.read', 'either'));
    const rec = await transferRecord(c.var.db, t);
    // Every move of the transfer, on both sides of the road (the user may see the transfer).
    const moves = await listLedger(c.var.db, { sellerId: null, warehouseIds: null }, { document: { type: 'transfer', id: String(t.id) }, limit: 500 } as Parameters<typeof listLedger>[2]);
    return c.html(<TransferPage ctx={viewContext(c)} transfer={{ ...t, arrivalCelsius: t.arrivalCelsius === null ? null : Number(t.arrivalCelsius) }} from={rec.from} to={rec.to} lines={rec.lines} events={rec.events} moves={moves.rows} />);
  });

  return app;
}

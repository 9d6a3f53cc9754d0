import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.ts';
import { locations, lots, orderLines, orders, pickLists, pickTasks, picks, productBarcodes, products } from '../db/schema/index.ts';
import { can, type CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { lockIdempotencyKey, move, release } from '../stock/index.ts';
import { parseScan } from '../barcodes/gs1.ts';
import { looksLikeScan, scanErrorMessage } from '../barcodes/messages.ts';
import { barcodeCandidates, blankToUndefined, optionalText, stripSymbology } from '../inventory/filters.ts';
import { parseInput } from '../inbound/schemas.ts';
import { orderEvent, setOrderStatus } from './events.ts';
import { allocationDays, linesToFill, reserveForLine } from './allocate.ts';
import { stagingFor } from './pick-list.ts';
import { plainInteger } from '../http/numbers.ts';
import { requestFingerprint } from '../db/idempotency.ts';

export const pickInputSchema = z
  .object({
    location: z.string().trim().min(1).max(60),
    scan: z.preprocess(blankToUndefined, z.string().max(500).optional()),
    sku: optionalText(80),
    // The lot code, or a GS1 label carrying it scanned into the lot field.
    lot: optionalText(200),
    quantity: z.preprocess(blankToUndefined, z.preprocess(plainInteger, z.number().int().positive().max(100_000).default(1))),
    idempotency_key: z.string().trim().min(8).max(100),
  })
  .refine((v) => v.scan !== undefined || v.sku !== undefined, { path: ['scan'], message: 'scan or sku' });

export type PickResult = { pickId: number; taskId: number; sku: string; lot: string | null; quantity: number; from: string; to: string; taskDone: boolean; listDone: boolean; replayed: boolean };

const fieldError = (path: string, key: FieldError['key'], params?: FieldError['params']) => new AppError('VALIDATION', { key, params, fieldErrors: [{ path, key, params }] });
const conflict = (path: string, key: FieldError['key'], params?: FieldError['params']) => new AppError('CONFLICT', { key, params, fieldErrors: [{ path, key, params }] });

type Task = typeof pickTasks.$inferSelect;

/** A scanned location label names the task's location (a scanner's symbology prefix and letter case aside). */
const isLocation = (scanned: string, code: string) => stripSymbology(scanned.trim()).toUpperCase() === code;

/** Refuses a location label that is not the task's. */
function checkLocation(scanned: string, code: string): void {
  if (!isLocation(scanned, code)) throw conflict('location', 'outbound.error.wrongLocation', { scanned: scanned.trim(), expected: code });
}

/**
 * The location label checked on its own, as soon as it is scanned (before the item): a wrong
 * label is refused at once instead of after the item and quantity. Reads only; a task that is
 * not open (or not on this list) is left to the pick itself to answer.
 */
export async function checkPickLocation(opts: { db: Db; user: CurrentUser; listId: number; taskId: number; location: string }): Promise<void> {
  const [row] = await opts.db
    .select({ status: pickTasks.status, listId: pickTasks.pickListId, warehouseId: pickLists.warehouseId, code: locations.code })
    .from(pickTasks)
    .innerJoin(pickLists, eq(pickLists.id, pickTasks.pickListId))
    .innerJoin(locations, eq(locations.id, pickTasks.locationId))
    .where(eq(pickTasks.id, opts.taskId));
  if (!row || row.listId !== opts.listId || !can(opts.user, 'order.fulfil', { warehouseId: row.warehouseId })) throw new AppError('NOT_FOUND', { key: 'outbound.error.taskNotFound' });
  if (row.status !== 'open') return;
  checkLocation(opts.location, row.code);
}

/** A typed lot field may hold the lot code or a GS1 label scanned into it (its lot, and expiry if any). */
function lotOfField(text: string): { lot?: string; expiry?: string } {
  const scan = parseScan(text);
  if (scan.ok && (scan.lot !== undefined || scan.expiry !== undefined)) return { lot: scan.lot, expiry: scan.expiry };
  return { lot: stripSymbology(text.trim()) };
}

const sameLot = (given: string, code: string) => given.toUpperCase() === code.toUpperCase();

/** Refuses a lot (by scan or typed) that is not the task's: by its code, or by its expiry when it gives one. */
function checkLot(path: 'scan' | 'lot', given: { lot?: string | undefined; expiry?: string | undefined }, lot: { code: string; expiresOn: string | null }): void {
  const codeWrong = given.lot !== undefined && !sameLot(given.lot, lot.code) && !(lot.code === '' && given.lot === lot.expiresOn);
  const expiryWrong = given.expiry !== undefined && lot.expiresOn !== null && given.expiry !== lot.expiresOn;
  if (!codeWrong && !expiryWrong) return;
  const shown = codeWrong ? given.lot! : given.expiry!;
  // Dates stay ISO here (as in the JSON API); pages show them in the user's locale.
  const params = { lot: shown, expected: lot.code || lot.expiresOn || '', expiry: lot.expiresOn ?? '' };
  throw conflict(path, lot.code && lot.expiresOn ? 'outbound.error.wrongLotExpiry' : 'outbound.error.wrongLot', params);
}

/**
 * The task, locked. Its order is locked first: cancelling and packing lock the order and then
 * its tasks and reservations, so a pick takes the same order and the two cannot deadlock.
 */
async function taskFor(tx: Tx, user: CurrentUser, taskId: number): Promise<{ task: Task; warehouseId: number }> {
  await tx.select({ id: orders.id }).from(orders).where(sql`${orders.id} = (SELECT ${pickTasks.orderId} FROM ${pickTasks} WHERE ${pickTasks.id} = ${taskId})`).for('no key update');
  const [row] = await tx.select({ task: pickTasks, warehouseId: pickLists.warehouseId, listStatus: pickLists.status }).from(pickTasks).innerJoin(pickLists, eq(pickLists.id, pickTasks.pickListId)).where(eq(pickTasks.id, taskId)).for('no key update', { of: pickTasks });
  if (!row || !can(user, 'order.fulfil', { warehouseId: row.warehouseId })) throw new AppError('NOT_FOUND', { key: 'outbound.error.taskNotFound' });
  if (row.task.status !== 'open') throw new AppError('CONFLICT', { key: 'outbound.error.taskDone' });
  return { task: row.task, warehouseId: row.warehouseId };
}

/**
 * One confirmed pick: the operator scanned the task's location label, then the item (EAN, case
 * code or GS1 with lot), and the quantity. The units move location → staging with the task's
 * reservation, in one idempotent ledger move. A wrong location, product or lot, or more than
 * the task, is refused and moves nothing.
 */
export async function confirmPick(opts: { db: Db; user: CurrentUser; taskId: number; input: unknown; keyScope?: string }): Promise<PickResult> {
  const input = parseInput(pickInputSchema, opts.input);
  const key = `pick:${opts.keyScope ?? 'page'}:${opts.user.id}:${input.idempotency_key}`;
  return withTransaction(opts.db, async (tx) => {
    await lockIdempotencyKey(tx, key);
    const [prior] = await tx.select({ result: picks.result }).from(picks).where(eq(picks.idempotencyKey, key));
    const request = requestFingerprint(`pick:${opts.taskId}`, input);
    if (prior) {
      // `request`: what the pick was asked (requestFingerprint), kept with the answer, not part of it.
      const { request: asked, ...answer } = prior.result as PickResult & { request?: string };
      if (asked !== undefined && asked !== request) throw new AppError('IDEMPOTENCY_KEY_REUSED', { key: 'error.idempotencyKeyReused' });
      return { ...answer, replayed: true };
    }
    const { task, warehouseId } = await taskFor(tx, opts.user, opts.taskId);
    const [loc] = await tx.select({ code: locations.code }).from(locations).where(eq(locations.id, task.locationId));
    checkLocation(input.location, loc!.code);

    const [product] = await tx.select({ sku: products.sku, sellerId: products.sellerId }).from(products).where(eq(products.id, task.productId));
    const [lot] = task.lotId ? await tx.select({ code: lots.code, expiresOn: lots.expiresOn }).from(lots).where(eq(lots.id, task.lotId)) : [];
    let units = 1;
    // Whether the task's lot code was confirmed: by a GS1 scan carrying it, or by the lot field.
    let lotConfirmed = false;
    if (input.scan !== undefined) {
      const scan = parseScan(input.scan);
      const rows = await tx
        .select({ productId: productBarcodes.productId, units: productBarcodes.units })
        .from(productBarcodes)
        .where(and(eq(productBarcodes.sellerId, product!.sellerId), inArray(productBarcodes.code, barcodeCandidates(input.scan))));
      const mine = rows.find((r) => r.productId === task.productId);
      if (!mine) {
        if (rows.length === 0 && scan && !scan.ok && looksLikeScan(input.scan)) {
          const { key: k, params } = scanErrorMessage(scan.error);
          throw fieldError('scan', k, params);
        }
        throw conflict('scan', 'outbound.error.wrongProduct', { code: stripSymbology(input.scan.trim()), sku: product!.sku });
      }
      units = mine.units;
      if (scan.ok && lot) {
        checkLot('scan', { lot: scan.lot, expiry: scan.expiry }, lot);
        lotConfirmed = scan.lot !== undefined;
      }
    } else if (input.sku !== product!.sku) {
      throw conflict('sku', 'outbound.error.wrongProduct', { code: input.sku ?? '', sku: product!.sku });
    }
    if (lot && input.lot) {
      checkLot('lot', lotOfField(input.lot), lot);
      lotConfirmed = true;
    }
    // A task naming a lot code takes that lot only: a plain EAN, a case code or a SKU says
    // nothing about the lot, so the lot is asked for (a GS1 scan or the code from the pack).
    if (lot && lot.code !== '' && !lotConfirmed) throw fieldError('lot', 'outbound.error.lotNeeded', { sku: product!.sku });

    const quantity = input.quantity * units;
    const left = task.quantity - task.pickedQty - task.shortQty;
    if (quantity > left) throw fieldError('quantity', 'outbound.error.tooMany', { quantity, left });
    const staging = await stagingFor(tx, warehouseId, task.productId);
    const { entry } = await move(tx, {
      productId: task.productId,
      lotId: task.lotId,
      quantity,
      fromLocationId: task.locationId,
      toLocationId: staging.id,
      reason: 'pick',
      reservationId: task.reservationId,
      document: { type: 'order', id: String(task.orderId) },
      actor: { userId: opts.user.id },
      idempotencyKey: key,
      keyChecked: true,
    });
    const taskDone = quantity === left;
    await tx
      .update(pickTasks)
      .set({ pickedQty: sql`${pickTasks.pickedQty} + ${quantity}`, ...(taskDone ? { status: 'done' as const, doneBy: opts.user.id, doneAt: sql`now()` } : {}) })
      .where(eq(pickTasks.id, task.id));
    await tx.update(orderLines).set({ pickedQty: sql`${orderLines.pickedQty} + ${quantity}` }).where(eq(orderLines.id, task.orderLineId));
    const listDone = await afterTaskChange(tx, task, opts.user.id);
    const result: PickResult = { pickId: 0, taskId: task.id, sku: product!.sku, lot: lot ? lot.code || lot.expiresOn : null, quantity, from: loc!.code, to: staging.code, taskDone, listDone, replayed: false };
    const [row] = await tx
      .insert(picks)
      .values({ taskId: task.id, orderId: task.orderId, orderLineId: task.orderLineId, productId: task.productId, lotId: task.lotId, quantity, fromLocationId: task.locationId, toLocationId: staging.id, ledgerEntryId: entry.id, actorUserId: opts.user.id, idempotencyKey: key, result })
      .returning({ id: picks.id });
    await tx.update(picks).set({ result: { ...result, pickId: row!.id, request } }).where(eq(picks.id, row!.id));
    return { ...result, pickId: row!.id };
  });
}

/**
 * After a task is done or short: the order is picked when none of its tasks is open, and the
 * list is done when none of its tasks is open. Returns whether the list is done.
 */
export async function afterTaskChange(tx: Tx, task: Task, userId: number): Promise<boolean> {
  const [openForOrder] = await tx.select({ n: sql<number>`count(*)::int` }).from(pickTasks).where(and(eq(pickTasks.orderId, task.orderId), eq(pickTasks.status, 'open')));
  if (Number(openForOrder!.n) === 0) {
    const [o] = await tx.select().from(orders).where(eq(orders.id, task.orderId)).for('no key update');
    if (o && o.status === 'picking') await setOrderStatus(tx, o, 'picked', 'finishPicking', userId);
  }
  const [openForList] = await tx.select({ n: sql<number>`count(*)::int` }).from(pickTasks).where(and(eq(pickTasks.pickListId, task.pickListId), eq(pickTasks.status, 'open')));
  const listDone = Number(openForList!.n) === 0;
  await tx
    .update(pickLists)
    .set(listDone ? { status: 'done', completedAt: sql`now()` } : { status: 'picking' })
    .where(and(eq(pickLists.id, task.pickListId), ne(pickLists.status, 'cancelled')));
  return listDone;
}

/** A short pick names the location label scanned at the shelf. */
export const shortInputSchema = z.object({ location: z.string().trim().min(1).max(60) });

export type ShortResult = { taskId: number; sku: string; missing: number; replacedBy: number; stillShort: number; replacedAt: string[] };

/**
 * The location holds less than the task says. What is left of the task is recorded short, its
 * reservation released, and the line re-allocated from other locations (never this one again
 * for this line): new tasks join the same pick list. What cannot be found anywhere stays short
 * on the line for the manager. The task's location label must have been scanned: a short is
 * recorded only by someone at the location.
 */
export async function shortPick(opts: { db: Db; user: CurrentUser; taskId: number; input: unknown }): Promise<ShortResult> {
  return withTransaction(opts.db, async (tx) => {
    const { task } = await taskFor(tx, opts.user, opts.taskId);
    // Only someone standing at the location can say it holds less: its label is scanned first.
    const [at] = await tx.select({ code: locations.code }).from(locations).where(eq(locations.id, task.locationId));
    const asked = shortInputSchema.safeParse(opts.input ?? {});
    if (!asked.success) throw fieldError('location', 'outbound.error.locationFirst', { expected: at!.code });
    checkLocation(asked.data.location, at!.code);
    const missing = task.quantity - task.pickedQty - task.shortQty;
    await release(tx, { reservationId: task.reservationId, quantity: missing });
    await tx.update(pickTasks).set({ shortQty: sql`${pickTasks.shortQty} + ${missing}`, status: 'short', doneBy: opts.user.id, doneAt: sql`now()` }).where(eq(pickTasks.id, task.id));
    await tx.update(orderLines).set({ shortAt: sql`array_append(${orderLines.shortAt}, ${task.locationId})` }).where(eq(orderLines.id, task.orderLineId));
    const [order] = await tx.select().from(orders).where(eq(orders.id, task.orderId));
    const [line] = await linesToFill(tx, [task.orderId], task.orderLineId);
    const got = await reserveForLine(tx, order!, line!, missing, await allocationDays(tx, order!));
    const replacedBy = got.reduce((n, r) => n + r.quantity, 0);
    if (got.length) {
      const [{ max }] = (await tx.select({ max: sql<number>`coalesce(max(${pickTasks.sequence}), 0)::int` }).from(pickTasks).where(eq(pickTasks.pickListId, task.pickListId))) as [{ max: number }];
      await tx.insert(pickTasks).values(got.map((r, i) => ({ pickListId: task.pickListId, sequence: Number(max) + i + 1, orderId: task.orderId, orderLineId: task.orderLineId, reservationId: r.reservationId, locationId: r.locationId, productId: task.productId, lotId: r.lotId, quantity: r.quantity })));
    }
    const stillShort = missing - replacedBy;
    const replacedAt = got.length ? (await tx.select({ code: locations.code }).from(locations).where(inArray(locations.id, got.map((r) => r.locationId)))).map((l) => l.code) : [];
    if (stillShort > 0) await tx.update(orderLines).set({ shortQty: sql`${orderLines.shortQty} + ${stillShort}` }).where(eq(orderLines.id, task.orderLineId));
    const [p] = await tx.select({ sku: products.sku }).from(products).where(eq(products.id, task.productId));
    // The note names the SKU and places only (read in any language): "SKU A-01-01-2 −3 → A-02-01-1 +3 ✗1".
    await orderEvent(tx, task.orderId, 'shortPick', opts.user.id, `${p!.sku} ${at!.code} −${missing}${replacedBy ? ` → ${replacedAt.join(', ')} +${replacedBy}` : ''}${stillShort ? ` ✗${stillShort}` : ''}`);
    await afterTaskChange(tx, task, opts.user.id);
    return { taskId: task.id, sku: p!.sku, missing, replacedBy, stillShort, replacedAt };
  });
}

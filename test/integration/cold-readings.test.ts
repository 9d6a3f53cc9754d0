import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { excursions, temperatureReadings, zones } from '../../src/db/schema/index.ts';
import { AppError } from '../../src/errors.ts';
import { recordReadings, type ReadingSender } from '../../src/cold/record-readings.ts';
import { excursionStatus } from '../../src/cold/excursions.ts';
import { recordManualReading } from '../../src/cold/manual-reading.ts';
import { backends, openTestDatabase } from '../helpers/db.ts';
import { asUser, makeWorld, type World } from '../helpers/world.ts';

const T0 = Date.parse('2026-11-28T10:00:00Z');
/** Minute `m` after 10:00 UTC, as a sensor would send it (Moscow offset). */
const at = (m: number) => new Date(T0 + m * 60_000).toISOString().replace('Z', '+00:00');
const NOW = new Date(T0 + 24 * 3_600_000);

describe.each(backends)('temperature readings and excursions on %s', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;
  const frozenZone = async (w: World) => (await db().select().from(zones).where(sql`${zones.warehouseId} = ${w.warehouse.id} AND ${zones.code} = 'FROZEN'`))[0]!;
  const send = (w: World, readings: { zone?: string; location?: string; celsius: number; at: string }[], sender: ReadingSender = { user: asUser(w, 'operator') }) =>
    recordReadings({ db: db(), sender, input: { readings: readings.map((r) => ({ warehouse: w.warehouse.code, ...r })) }, now: NOW });
  const excursionsOf = async (w: World) =>
    (await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id)).orderBy(asc(excursions.startedAt))).map((e) => ({
      location: e.locationId,
      start: e.startedAt.toISOString().slice(11, 16),
      end: e.endedAt?.toISOString().slice(11, 16) ?? null,
      peak: Number(e.peakCelsius),
      status: excursionStatus(e),
    }));
  const readingCount = async (w: World) => Number((await db().select({ n: sql<number>`count(*)::int` }).from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id)))[0]!.n);

  it('in-range readings open nothing; an out-of-range one opens an excursion, the next in range ends it, with the peak', async () => {
    const w = await makeWorld(db());
    const r1 = await send(w, [
      { zone: 'FROZEN', celsius: -20, at: at(0) },
      { zone: 'FROZEN', celsius: -19.04, at: at(15) },
    ]);
    expect(r1).toMatchObject({ accepted: 2, duplicates: 0, excursionsOpened: [] });
    const r2 = await send(w, [{ zone: 'FROZEN', celsius: -12.5, at: at(30) }]);
    expect(r2.excursionsOpened).toMatchObject([{ warehouse: w.warehouse.code, zone: 'FROZEN', location: null, peakCelsius: -12.5 }]);
    expect(r2.excursionsOpened[0]!.startedAt.toISOString()).toBe(new Date(T0 + 30 * 60_000).toISOString());
    expect(await excursionsOf(w)).toEqual([{ location: null, start: '10:30', end: null, peak: -12.5, status: 'open' }]);
    await send(w, [
      { zone: 'FROZEN', celsius: -9, at: at(45) },
      { zone: 'FROZEN', celsius: -15, at: at(60) },
      { zone: 'FROZEN', celsius: -18, at: at(75) },
    ]);
    expect(await excursionsOf(w)).toEqual([{ location: null, start: '10:30', end: '11:15', peak: -9, status: 'ended' }]);
    const stored = await db().select().from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id)).orderBy(asc(temperatureReadings.measuredAt));
    expect(stored.map((r) => [Number(r.celsius), r.inRange, r.source, r.userId])).toEqual([
      [-20, true, 'manual', w.user.operator.id],
      [-19, true, 'manual', w.user.operator.id],
      [-12.5, false, 'manual', w.user.operator.id],
      [-9, false, 'manual', w.user.operator.id],
      [-15, false, 'manual', w.user.operator.id],
      [-18, true, 'manual', w.user.operator.id],
    ]);
  });

  it('duplicates are ignored, in the batch and across batches; the first value stays', async () => {
    const w = await makeWorld(db());
    const r = await send(w, [
      { zone: 'FROZEN', celsius: -20, at: at(0) },
      { zone: 'FROZEN', celsius: -5, at: at(0) },
      { location: 'F-01-01-1', celsius: -21, at: at(0) },
    ]);
    expect(r).toMatchObject({ accepted: 2, duplicates: 1 });
    const again = await send(w, [{ zone: 'FROZEN', celsius: -5, at: at(0) }]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, excursionsOpened: [] });
    expect(await readingCount(w)).toBe(2);
    expect(await excursionsOf(w)).toEqual([]);
  });

  it('out of order: a late out-of-range reading before a run extends it back; one inside a gap opens its own; a late in-range reading splits a run', async () => {
    const w = await makeWorld(db());
    await send(w, [
      { zone: 'FROZEN', celsius: -20, at: at(0) },
      { zone: 'FROZEN', celsius: -10, at: at(30) },
      { zone: 'FROZEN', celsius: -11, at: at(60) },
      { zone: 'FROZEN', celsius: -20, at: at(90) },
    ]);
    expect(await excursionsOf(w)).toEqual([{ location: null, start: '10:30', end: '11:30', peak: -10, status: 'ended' }]);
    // Arrives late: 10:15 was already warm. The excursion started then.
    const r = await send(w, [{ zone: 'FROZEN', celsius: -8, at: at(15) }]);
    expect(r.excursionsOpened).toEqual([]);
    expect(await excursionsOf(w)).toEqual([{ location: null, start: '10:15', end: '11:30', peak: -8, status: 'ended' }]);
    // A late in-range reading at 10:45 splits it in two.
    const split = await send(w, [{ zone: 'FROZEN', celsius: -19, at: at(45) }]);
    expect(split.excursionsOpened).toHaveLength(1);
    expect(await excursionsOf(w)).toEqual([
      { location: null, start: '10:15', end: '10:45', peak: -8, status: 'ended' },
      { location: null, start: '11:00', end: '11:30', peak: -11, status: 'ended' },
    ]);
    // After the last in-range reading, out of order: a new run, still open.
    await send(w, [
      { zone: 'FROZEN', celsius: -3, at: at(150) },
      { zone: 'FROZEN', celsius: -6, at: at(120) },
    ]);
    expect((await excursionsOf(w))[2]).toEqual({ location: null, start: '12:00', end: null, peak: -3, status: 'open' });
  });

  it('a late reading that makes a closed excursion longer opens it again; one that splits it does not', async () => {
    const w = await makeWorld(db());
    await send(w, [
      { zone: 'FROZEN', celsius: -20, at: at(0) },
      { zone: 'FROZEN', celsius: -10, at: at(30) },
      { zone: 'FROZEN', celsius: -20, at: at(60) },
    ]);
    const [e] = await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id));
    const { closeExcursion } = await import('../../src/cold/close-excursion.ts');
    await closeExcursion({ db: db(), user: asUser(w, 'manager'), excursionId: e!.id, input: { note: 'Checked: room only, no goods.', decisions: {} } });
    expect((await excursionsOf(w))[0]!.status).toBe('closed');
    // 10:15 was warm too: the excursion started earlier than decided on.
    await send(w, [{ zone: 'FROZEN', celsius: -12, at: at(15) }]);
    expect(await excursionsOf(w)).toEqual([{ location: null, start: '10:15', end: '11:00', peak: -10, status: 'ended' }]);
    await closeExcursion({ db: db(), user: asUser(w, 'manager'), excursionId: e!.id, input: { note: 'Still no goods.', decisions: {} } });
    const [again] = await db().select().from(excursions).where(eq(excursions.id, e!.id));
    expect(again!.note).toBe('Checked: room only, no goods.\nStill no goods.');
    // An in-range reading inside it: split; the closed part stays closed, the rest is a new excursion.
    await send(w, [{ zone: 'FROZEN', celsius: -19, at: at(20) }]);
    expect((await excursionsOf(w)).map((x) => [x.start, x.end, x.status])).toEqual([
      ['10:15', '10:20', 'closed'],
      ['10:30', '11:00', 'ended'],
    ]);
  });

  it('a slot is its own series: its excursion does not touch the zone’s', async () => {
    const w = await makeWorld(db());
    await send(w, [
      { zone: 'FROZEN', celsius: -20, at: at(0) },
      { location: 'F-01-01-1', celsius: -14, at: at(0) },
      { location: 'F-01-01-1', celsius: -22, at: at(10) },
    ]);
    expect(await excursionsOf(w)).toEqual([{ location: w.loc.frozen.id, start: '10:00', end: '10:10', peak: -14, status: 'ended' }]);
  });

  it('a device token sends readings for its own warehouse only; the source is the device', async () => {
    const w = await makeWorld(db());
    const { createApiToken } = await import('../../src/auth/api-tokens.ts');
    const token = await createApiToken(db(), { kind: 'device', name: 'Freezer probe 1', warehouseId: w.warehouse.id, createdBy: w.user.manager.id });
    const device = { device: { tokenId: token.row.id, warehouseId: w.warehouse.id } };
    expect(await send(w, [{ zone: 'FROZEN', celsius: -19, at: at(0) }], device)).toMatchObject({ accepted: 1 });
    const [row] = await db().select().from(temperatureReadings).where(eq(temperatureReadings.warehouseId, w.warehouse.id));
    expect(row).toMatchObject({ source: 'device', tokenId: token.row.id, userId: null });
    const foreign = { device: { tokenId: token.row.id, warehouseId: w.other.id } };
    const err = await send(w, [{ zone: 'FROZEN', celsius: -19, at: at(5) }], foreign).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors).toEqual([{ path: 'readings.0.warehouse', key: 'cold.error.tokenWarehouse', params: { warehouse: w.warehouse.code } }]);
    expect(await readingCount(w)).toBe(1);
  });

  describe('bad input: a clear error, nothing stored', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['an unknown zone', { zone: 'NOPE', celsius: -19 }, 'readings.1.zone', 'cold.error.unknownZone'],
      ['an unknown slot', { location: 'Z-99-99-9', celsius: -19 }, 'readings.1.location', 'cold.error.unknownLocation'],
      ['a slot of another zone', { zone: 'CHILLED', location: 'F-01-01-1', celsius: -19 }, 'readings.1.zone', 'cold.error.locationNotInZone'],
      ['a non-number', { zone: 'FROZEN', celsius: 'cold' }, 'readings.1.celsius', 'cold.error.badCelsius'],
      ['a number as text', { zone: 'FROZEN', celsius: '-19' }, 'readings.1.celsius', 'cold.error.badCelsius'],
      ['below −80 °C', { zone: 'FROZEN', celsius: -80.5 }, 'readings.1.celsius', 'cold.error.badCelsius'],
      ['above 60 °C', { zone: 'FROZEN', celsius: 61 }, 'readings.1.celsius', 'cold.error.badCelsius'],
      ['no zone or slot', { celsius: -19 }, 'readings.1.location', 'cold.error.zoneOrLocation'],
      ['a time without offset', { zone: 'FROZEN', celsius: -19, at: '2026-11-28T10:00:00' }, 'readings.1.at', 'cold.error.badTime'],
      ['a time in the future', { zone: 'FROZEN', celsius: -19, at: '2026-11-30T10:00:00Z' }, 'readings.1.at', 'cold.error.futureTime'],
      ['another warehouse of the operator', { warehouse: 'NOPE', zone: 'FROZEN', celsius: -19 }, 'readings.1.warehouse', 'error.unknownWarehouse'],
    ];
    for (const [name, bad, path, key] of cases) {
      it(name, async () => {
        const w = await makeWorld(db());
        const input = { readings: [{ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -30, at: at(0) }, { warehouse: w.warehouse.code, at: at(1), ...bad }] };
        const err = await recordReadings({ db: db(), sender: { user: asUser(w, 'operator') }, input, now: NOW }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('VALIDATION');
        expect((err as AppError).fieldErrors.map((f) => [f.path, f.key])).toEqual([[path, key]]);
        expect(await readingCount(w)).toBe(0);
      });
    }
    it('an operator of another warehouse, and a seller, may not record', async () => {
      const w = await makeWorld(db());
      for (const who of ['operatorOther', 'sellerA'] as const) {
        const err = await send(w, [{ zone: 'FROZEN', celsius: -19, at: at(0) }], { user: asUser(w, who) }).catch((e: unknown) => e);
        expect((err as AppError).fieldErrors[0]).toMatchObject({ path: 'readings.0.warehouse', key: 'error.unknownWarehouse' });
      }
      expect(await readingCount(w)).toBe(0);
    });
    it('an empty batch, and a batch too large', async () => {
      const w = await makeWorld(db());
      for (const readings of [[], Array.from({ length: 1001 }, (_, i) => ({ warehouse: w.warehouse.code, zone: 'FROZEN', celsius: -20, at: at(i) }))]) {
        const err = await recordReadings({ db: db(), sender: { user: asUser(w, 'operator') }, input: { readings }, now: NOW }).catch((e: unknown) => e);
        expect((err as AppError).fieldErrors[0]!.key).toBe(readings.length ? 'cold.error.tooManyReadings' : 'cold.error.noReadings');
      }
      expect(await readingCount(w)).toBe(0);
    });
  });

  it('the frozen zone of a new world has the default range (sanity of the fixture)', async () => {
    const w = await makeWorld(db());
    expect(await frozenZone(w)).toMatchObject({ minCelsius: null, maxCelsius: -18 });
  });

  it('a typed reading sent again with its form key records nothing more and answers the first reading; concurrent repeats too', async () => {
    const w = await makeWorld(db());
    const operator = asUser(w, 'operator');
    const input = (key: string, celsius = '-9,5') => ({ warehouse: w.warehouse.code, target: 'F-01-01-1', celsius, idempotency_key: key });
    const key = `k-${randomUUID()}`;
    const first = await recordManualReading({ db: db(), user: operator, input: input(key) });
    expect(first).toMatchObject({ replayed: false, warehouse: w.warehouse.code, target: 'F-01-01-1', celsius: -9.5, inRange: false, range: { min: null, max: -18 }, excursionOpened: true });
    const again = await recordManualReading({ db: db(), user: operator, input: input(key) });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await readingCount(w)).toBe(1);
    expect(await db().select().from(excursions).where(eq(excursions.warehouseId, w.warehouse.id))).toHaveLength(1);
    // The key with another temperature is refused, and stores nothing.
    const reused = await recordManualReading({ db: db(), user: operator, input: input(key, '-20') }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(AppError);
    expect((reused as AppError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys are per person: another person's form with the same key is their own reading.
    await recordManualReading({ db: db(), user: asUser(w, 'manager'), input: input(key) });
    expect(await readingCount(w)).toBe(2);
    // Without a key (a form from before keys) every send is a reading.
    await recordManualReading({ db: db(), user: operator, input: { ...input(''), celsius: '-19' } });
    expect(await readingCount(w)).toBe(3);

    // Several sends of one form at once (on PostgreSQL truly concurrent): one reading, one answer.
    for (let round = 0; round < 4; round++) {
      const k = `k-${randomUUID()}`;
      const before = await readingCount(w);
      const results = await Promise.all(Array.from({ length: 6 }, () => recordManualReading({ db: db(), user: operator, input: input(k, '-19,5') })));
      expect(await readingCount(w)).toBe(before + 1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(new Set(results.map((r) => r.readingId)).size).toBe(1);
      const stored = await db().select().from(temperatureReadings).where(eq(temperatureReadings.id, results[0]!.readingId!));
      expect(stored[0]).toMatchObject({ idempotencyKey: `reading:${operator.id}:${k}`, celsius: -19.5, userId: operator.id });
    }
  });
});

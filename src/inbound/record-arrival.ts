import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { inboundLines, inboundShipments, locations, products, warehouses, type SealCheck, type TemperatureClass } from '../db/schema/index.ts';
import type { CurrentUser } from '../auth/policy.ts';
import { AppError, type FieldError } from '../errors.ts';
import { withTransaction } from '../db/tx.ts';
import { arrivalInputSchema, parseInput } from './schemas.ts';
import { recordTransition, shipmentFor, type Shipment } from './access.ts';
import { nextStatus } from './status.ts';
import { classRange, inRange, isColdClass, wallClockToInstant } from './temperature.ts';

export type ArrivalResult = { shipment: Shipment; quarantinedLines: number; brokenSeals: number };

/**
 * The truck is at the dock: when it arrived, at which dock, each seal as found, and for cold
 * goods the product temperature per class. A reading outside the class's range sends that
 * class's lines to quarantine instead of stock, with the reading as the reason.
 */
export async function recordArrival(opts: { db: Db; user: CurrentUser; shipmentId: number; input: unknown; now?: Date }): Promise<ArrivalResult> {
  const input = parseInput(arrivalInputSchema, opts.input);
  const now = opts.now ?? new Date();
  return withTransaction(opts.db, async (tx) => {
    const s = await shipmentFor(tx, opts.user, opts.shipmentId, 'inbound.receive', 'update');
    const to = nextStatus(s.status, 'arrive');
    const [wh] = await tx.select().from(warehouses).where(eq(warehouses.id, s.warehouseId));
    const errors: FieldError[] = [];

    const arrivedAt = input.arrived_at ? wallClockToInstant(input.arrived_at, wh!.timezone) : now;
    if (arrivedAt.getTime() > now.getTime() + 10 * 60_000) errors.push({ path: 'arrived_at', key: 'inbound.error.arrivalInFuture' });

    const docks = await tx
      .select({ id: locations.id, code: locations.code })
      .from(locations)
      .where(and(eq(locations.warehouseId, s.warehouseId), eq(locations.kind, 'dock'), eq(locations.active, true)))
      .orderBy(asc(locations.walkSequence), asc(locations.code));
    const dock = input.dock ? docks.find((d) => d.code === input.dock) : docks[0];
    if (!dock) errors.push({ path: 'dock', key: input.dock ? 'inbound.error.notADock' : 'inbound.error.noDock', params: { code: input.dock ?? '' } });

    // Every seal the ASN names must be looked at.
    const checks: SealCheck[] = input.seals.map((c) => ({ seal: c.seal, state: c.state, ...(c.note ? { note: c.note } : {}) }));
    s.seals.forEach((seal, i) => {
      if (!checks.some((c) => c.seal === seal)) errors.push({ path: `seals.${i}.state`, key: 'inbound.error.sealNotChecked', params: { seal } });
    });

    const lines = await tx
      .select({ id: inboundLines.id, cls: products.temperatureClass })
      .from(inboundLines)
      .innerJoin(products, eq(products.id, inboundLines.productId))
      .where(eq(inboundLines.shipmentId, s.id));
    const coldClasses = [...new Set(lines.map((l) => l.cls).filter(isColdClass))];
    const outOfRange = new Map<TemperatureClass, string>();
    for (const cls of coldClasses) {
      const c = input.temperatures[cls];
      if (c === undefined) {
        errors.push({ path: `temperatures.${cls}`, key: 'inbound.error.temperatureRequired', params: { class: `@class.${cls}` } });
        continue;
      }
      const range = await classRange(tx, s.warehouseId, cls);
      if (!range) outOfRange.set(cls, `${c} °C (—)`);
      else if (!inRange(c, range)) outOfRange.set(cls, `${c} °C (${range.min ?? '…'} … ${range.max ?? '…'} °C)`);
    }
    if (errors.length) throw new AppError('VALIDATION', { key: 'error.checkFields', fieldErrors: errors });

    for (const cls of coldClasses) {
      const ids = lines.filter((l) => l.cls === cls).map((l) => l.id);
      const reason = outOfRange.get(cls);
      await tx
        .update(inboundLines)
        .set({ arrivalCelsius: input.temperatures[cls]!, ...(reason ? { quarantineReason: 'temperature', quarantineNote: reason } : {}) })
        .where(inArray(inboundLines.id, ids));
    }
    const quarantinedLines = lines.filter((l) => outOfRange.has(l.cls)).length;
    const brokenSeals = checks.filter((c) => c.state !== 'intact').length;
    await tx
      .update(inboundShipments)
      .set({ arrivedAt, dockLocationId: dock!.id, sealChecks: checks, arrivalNote: input.note ?? null })
      .where(eq(inboundShipments.id, s.id));
    await recordTransition(tx, s, to, 'arrive', opts.user.id);
    return { shipment: { ...s, status: to, arrivedAt, dockLocationId: dock!.id, sealChecks: checks }, quarantinedLines, brokenSeals };
  });
}

import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { products } from '../db/schema/index.ts';
import { queryRows } from '../db/rows.ts';
import { AppError } from '../errors.ts';
import { zoneClassesFor } from '../stock/index.ts';

/**
 * A dock of a warehouse that takes a product's temperature class: `preferred` if it does (the
 * ASN's dock), else the exact class before a colder one that also takes it.
 */
export async function dockFor(tx: Tx, warehouseId: number, productId: number, preferred: number | null = null): Promise<number> {
  const [p] = await tx.select({ cls: products.temperatureClass }).from(products).where(and(eq(products.id, productId)));
  const classes = zoneClassesFor(p!.cls);
  const [row] = await queryRows<{ id: number }>(
    tx,
    sql`SELECT l.id FROM locations l JOIN zones z ON z.id = l.zone_id
        WHERE l.warehouse_id = ${warehouseId} AND l.kind = 'dock' AND l.active
          AND z.temperature_class::text IN (${sql.join(classes.map((c) => sql`${c}`), sql`, `)})
        ORDER BY (l.id = ${preferred ?? 0}) DESC, (z.temperature_class::text = ${p!.cls}) DESC, l.walk_sequence, l.code LIMIT 1`,
  );
  if (!row) throw new AppError('CONFLICT', { key: 'inbound.error.noDockForClass', params: { class: `@class.${p!.cls}` } });
  return Number(row.id);
}

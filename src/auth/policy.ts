import type { Role } from '../db/schema/index.ts';

/** The signed-in user as every request sees it. */
export type CurrentUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** Set for sellers only: the one seller whose things they may see. */
  sellerId: number | null;
  /** Warehouses an operator works in (empty for other roles). */
  warehouseIds: number[];
  locale: string | null;
};

export type Action =
  | 'stock.read' // inventory, product and location pages, stock API
  | 'dashboard.read' // the manager dashboard (operators: their own warehouses)
  | 'catalog.manage' // product planning settings such as the reorder point
  | 'ledger.read'
  | 'stock.move' // relocate stock between locations of one warehouse
  | 'catalog.read'
  | 'catalog.edit' // create products with their barcodes (sellers: their own)
  | 'inbound.read' // ASNs and receiving reports (sellers: their own)
  | 'inbound.create' // create, edit and submit ASNs (sellers: for their own goods)
  | 'inbound.cancel'
  | 'inbound.receive' // dock arrival, scan receiving, finish receiving, putaway
  | 'inbound.approve' // close an ASN, accept or reject goods that were not on it
  | 'order.read' // orders (sellers: their own)
  | 'order.create' // create and import orders (sellers: their own)
  | 'order.cancel'
  | 'order.fulfil' // pick lists, picking, packing, shipping
  | 'cold.read' // slot map, temperature log, excursions, expiring stock
  | 'cold.record' // type a temperature reading
  | 'cold.manage' // cold zones, slots, sensor tokens
  | 'cold.decide' // close an excursion; quarantine or dispose exposed or expired stock
  | 'transfer.read' // transfers from or to the warehouse
  | 'transfer.create' // create, edit, start picking and cancel a transfer (the source warehouse)
  | 'transfer.dispatch' // dispatch from the source warehouse
  | 'transfer.receive' // arrival and receiving at the destination
  | 'transfer.resolve' // over-receipts, write-offs of what never arrived, closing
  | 'portal.read' // the seller portal (staff: a seller's portal, seen as they see it)
  | 'count.perform' // count locations blind on the scanner
  | 'count.manage' // create, approve and cancel cycle counts
  | 'adjustment.request' // adjust stock with a reason (small ones post at once)
  | 'adjustment.approve'; // approve or reject adjustments above the threshold, set the threshold

/** What a seller may never do (their reads are narrowed to their goods by `sellerScope`). */
const sellerDenied = new Set<Action>(['dashboard.read', 'catalog.manage', 'stock.move', 'inbound.receive', 'inbound.approve', 'order.fulfil', 'cold.read', 'cold.record', 'cold.manage', 'cold.decide', 'transfer.read', 'transfer.create', 'transfer.dispatch', 'transfer.receive', 'transfer.resolve', 'count.perform', 'count.manage', 'adjustment.request', 'adjustment.approve']);
/** Decisions for managers: approvals, and the cold room's setup and verdicts. */
const operatorDenied = new Set<Action>(['catalog.manage', 'catalog.edit', 'inbound.approve', 'cold.manage', 'cold.decide', 'transfer.resolve', 'count.manage', 'adjustment.approve', 'portal.read']);

/**
 * The one place that answers "may this user do this". `warehouseId` narrows the question
 * to one warehouse; seller scoping of reads is done by `sellerScope` in every query.
 */
export function can(user: CurrentUser | null, action: Action, target: { warehouseId?: number } = {}): boolean {
  if (!user) return false;
  switch (user.role) {
    case 'admin':
    case 'manager':
      return true;
    case 'operator':
      if (operatorDenied.has(action)) return false;
      return target.warehouseId === undefined || user.warehouseIds.includes(target.warehouseId);
    case 'seller':
      return !sellerDenied.has(action);
  }
}

/** The seller a user is limited to, or null when they may see every seller. */
export function sellerScope(user: CurrentUser): number | null {
  return user.role === 'seller' ? user.sellerId : null;
}

/** The warehouses a user is limited to, or null when they may see all. */
export function warehouseScope(user: CurrentUser): number[] | null {
  return user.role === 'operator' ? user.warehouseIds : null;
}

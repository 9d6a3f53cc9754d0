export { move, entryForKey, lockIdempotencyKey, moveInputSchema } from './move.ts';
export { moveMany } from './move-many.ts';
export type { MoveInput, MoveResult, LedgerEntry } from './move.ts';
export { reserve, reserveMany, release } from './reserve.ts';
export type { ReserveInput, ReserveManyItem, Reservation } from './reserve.ts';
export { verifyLedger } from './verify.ts';
export type { LedgerReport } from './verify.ts';
export { zoneAccepts, zoneClassesFor } from './rules.ts';
export { ensureLot } from './lots.ts';

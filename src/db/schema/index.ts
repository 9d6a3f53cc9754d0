export * from './enums.ts';
export * from './warehouses.ts';
export * from './catalog.ts';
export * from './auth.ts';
export * from './stock.ts';
export * from './inbound.ts';
export * from './outbound.ts';
export * from './cold.ts';

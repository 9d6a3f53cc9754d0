import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

// DESIGN.md §3 rule 1: src/stock/ is the only code that writes balances, ledger entries and
// reservations. Everything else moves stock by calling move(), moveMany(), reserve(), release().
describe('rule 1: only src/stock/ writes the stock tables', () => {
  const writes = /\.(insert|update|delete)\(\s*(stockBalances|ledgerEntries|reservations)\b|\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(stock_balances|ledger_entries|reservations)\b/i;
  it.each(['src', 'views', 'seeds'])('%s/', (dir) => {
    const offenders = files(join(root, dir))
      .filter((f) => !relative(root, f).startsWith(join('src', 'stock')))
      .filter((f) => writes.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('the check itself finds a write', () => {
    expect(writes.test('await tx.insert(stockBalances).values(x)')).toBe(true);
    expect(writes.test('UPDATE stock_balances SET on_hand = 1')).toBe(true);
    expect(writes.test('await tx.insert(lots).values(x)')).toBe(false);
  });
});

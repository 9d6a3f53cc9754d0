import { defineConfig } from 'vitest/config';

/** `npm run test:soak`: the invariant soak and crash test on PostgreSQL (two server processes). */
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});

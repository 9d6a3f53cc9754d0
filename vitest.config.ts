import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The soak runs on its own: npm run test:soak (vitest.soak.config.ts).
    exclude: [...configDefaults.exclude, 'test/soak/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    maxWorkers: 2,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

// Tests run under plain Node; worker processes are real children (see test/support).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.PALLET_TEST_JSON
      ? ['default', ['json', { outputFile: process.env.PALLET_TEST_JSON }]]
      : ['default'],
  },
});

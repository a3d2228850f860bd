import { defineConfig } from 'vitest/config';

/**
 * Three tiers, all run by `npm test` (and each by `npm run test:<tier>`):
 * - unit: pure logic beside its code in src (no database, no process), seconds;
 * - integration: test/ and the store's own tests, on real SQLite files and PostgreSQL when TAILOR_TEST_PG_URL is set;
 * - slow: files named *.slow.test.ts: real server processes, kill -9, property tests at full size, demo loads.
 */
const SLOW = '**/*.slow.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/store/**', SLOW] } },
      {
        extends: true,
        test: {
          name: 'integration', include: ['test/**/*.test.ts', 'src/store/**/*.test.ts'], exclude: [SLOW],
          globalSetup: ['test/helpers/drop-stale-schemas.ts'], setupFiles: ['test/helpers/drop-file-schemas.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'slow', include: ['src/**/*.slow.test.ts', 'test/**/*.slow.test.ts'],
          globalSetup: ['test/helpers/drop-stale-schemas.ts'], setupFiles: ['test/helpers/drop-file-schemas.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

const integration = {
  include: ['test/*.test.ts', 'test/security/*.test.ts', 'test/reliability/*.test.ts', 'src/plugins/*/*.e2e.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
};

// Tests that need no database run once; every integration suite runs twice, against embedded PGlite and
// against the machine's PostgreSQL.
export default defineConfig({
  // Node loads graphql's CommonJS build for every package (it has no "exports" map); Vite would pick the ESM build
  // for our own files, and two copies of graphql refuse each other's types.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      { extends: true, test: { name: 'pglite', env: { TEST_DB: 'pglite' }, ...integration } },
      { extends: true, test: { name: 'postgres', env: { TEST_DB: 'postgres' }, ...integration } },
    ],
  },
});

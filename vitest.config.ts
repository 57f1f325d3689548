import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests of the public API import the package by its name, as a library user does; these are the
// sources package.json's "exports" map is built from.
const packageAliases = {
  'sera-eval/contract': fileURLToPath(new URL('./src/environment/contract/environment-contract.ts', import.meta.url)),
  'sera-eval': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
};

// Two lanes (STYLE.md §9): `unit` needs neither Docker nor network; `integration` runs real
// Docker, real git and real test runners on fixture repositories the suite builds.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          alias: packageAliases,
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          alias: packageAliases,
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
          globalSetup: ['test/support/integration-setup.ts'],
          // Docker work is CPU- and daemon-bound on a 2-core machine: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

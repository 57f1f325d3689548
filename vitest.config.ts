import { defineConfig } from 'vitest/config';

// Two lanes (STYLE.md §9): `unit` needs neither Docker nor network; `integration` runs real
// Docker, real git and real test runners on fixture repositories the suite builds.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
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

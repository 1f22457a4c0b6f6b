import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // SQLite files and child processes make tests I/O bound; two workers match the 2-core machine.
    maxWorkers: 2,
  },
});

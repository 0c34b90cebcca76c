import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite takes ~3 s to start and the browser test longer; keep timeouts generous, never assert on time.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

// End-to-end tests: the built renderer in Debian's Chromium (playwright-core) against serve
// mode, which runs the real core. One file at a time: each starts its own browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

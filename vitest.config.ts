// Unit and integration tests. Lab-backed tests live beside unit tests and skip themselves
// (with one line saying why) when the machine cannot build the lab.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'resources/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/e2e/**', 'test/fixtures/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Lab tests share one set of namespaces per file; files run one at a time so two files
    // never fight over the same lab names, and the 2-core machine is not oversubscribed.
    fileParallelism: false,
  },
});

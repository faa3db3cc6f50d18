// Unit and integration tests. Lab-backed tests live beside unit tests and skip themselves
// (with one line saying why) when the machine cannot build the lab.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'resources/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/e2e/**', 'test/fixtures/**'],
    environment: 'node',
    // A deadline, not a speed target: lab tests run real SSH, Node processes and kernels, and a
    // busy 2-core laptop or CI machine makes them many times slower. Speed lives in benchmarks.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Lab tests share one set of namespaces per file; files run one at a time so two files
    // never fight over the same lab names, and the 2-core machine is not oversubscribed.
    fileParallelism: false,
  },
});

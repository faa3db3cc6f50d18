// Unit and integration tests. Lab-backed tests live beside unit tests and skip themselves
// (with one line saying why) when the machine cannot build the lab.
import { globSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { runsAlone } from './test/test-groups.ts';

const include = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'resources/**/*.test.ts'];
const exclude = ['**/node_modules/**', 'test/e2e/**', 'test/fixtures/**'];
const files = globSync(include, { exclude }).sort();
const alone = files.filter(runsAlone);
const together = files.filter((f) => !alone.includes(f));

export default defineConfig({
  test: {
    environment: 'node',
    // A deadline, not a speed target: lab tests run real SSH, Node processes and kernels, and a
    // busy 2-core laptop or CI machine makes them many times slower. Speed lives in benchmarks.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        // Self-contained files (no lab, process, server or socket: test/test-groups.ts) two at a
        // time: most of their time is loading and transforming modules, which two cores halve.
        // They run first, before any lab test starts.
        test: { name: 'unit', include: together, exclude, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // Lab tests share one set of namespaces per file; files run one at a time so two files
        // never fight over the same lab names, and the 2-core machine is not oversubscribed.
        test: { name: 'lab', include: alone, exclude, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});

// `npm test`: every check the project has, in one run — lint, a typecheck per runtime, the
// Electron build (main, sandboxed preload, renderer), unit and lab integration tests, then the
// browser tests. Runs all steps even after a failure, and ends with `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const failedSteps: string[] = [];
const reports = mkdtempSync(join(tmpdir(), 'sy-test-'));

/** A check that is not a test runner (lint, typecheck, build) counts as one test. */
function check(name: string, command: string, args: string[]): boolean {
  const ok = step(name, command, args);
  if (ok) total.passed += 1;
  else total.failed += 1;
  return ok;
}

function step(name: string, command: string, args: string[]): boolean {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
  const ok = result.status === 0;
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!ok) failedSteps.push(name);
  return ok;
}

function vitestStep(name: string, extraArgs: string[]): void {
  const reportFile = join(reports, `${name}.json`);
  const ok = step(name, 'vitest', ['run', ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`]);
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests;
    total.skipped += report.numPendingTests + report.numTodoTests;
    if (!ok && report.numFailedTests === 0) total.failed += 1; // a suite that failed to load
  } catch {
    total.failed += 1; // no report at all: the runner itself broke
  }
}

check('lint', 'eslint', ['--max-warnings', '0', '.']);
check('typecheck shared', 'tsc', ['-p', 'tsconfig.shared.json']);
check('typecheck main', 'tsc', ['-p', 'tsconfig.node.json']);
check('typecheck renderer', 'tsc', ['-p', 'tsconfig.web.json']);
const built = check('electron build', 'electron-vite', ['build']);
vitestStep('unit and integration', []);
if (built) vitestStep('browser', ['--config', 'vitest.e2e.config.ts']);

if (failedSteps.length) console.log(`\nFailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = failedSteps.length ? 1 : 0;

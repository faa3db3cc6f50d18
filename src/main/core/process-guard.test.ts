// A real Node process with the guard installed survives a rejection nobody handles (a router
// that misbehaves in an unforeseen way) and says so in one line; without it Node exits with 1.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const guard = resolve(import.meta.dirname, 'process-guard.ts');
const logger = resolve(import.meta.dirname, 'logger.ts');

function runScript(withGuard: boolean) {
  const script = [
    `import { installProcessGuard } from ${JSON.stringify(guard)};`,
    `import { consoleLogger } from ${JSON.stringify(logger)};`,
    withGuard ? "installProcessGuard(consoleLogger('serve'));" : '',
    "void Promise.reject(new Error('the router closed the channel mid-answer'));",
    "setTimeout(() => console.log('still serving'), 200);",
  ].join('\n');
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
}

describe('the process guard', { timeout: 120_000 }, () => {
  it('keeps the process running and logs the rejection in one line', () => {
    const run = runScript(true);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('still serving\n');
    expect(run.stderr.trim()).toBe('[serve] error: a background task failed and nobody was waiting for it (kept running): Error: the router closed the channel mid-answer');
  });

  it('is what makes the difference (Node alone dies of it)', () => {
    const run = runScript(false);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
  });
});

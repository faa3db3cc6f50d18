// The split vitest.config.ts makes: a file with a lab, a process or a socket runs alone; only a
// self-contained one runs beside another. A wrong "together" would let two lab files fight over
// the machine (or a lab name), so the marks are checked against the files that need them.
import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runsAlone } from './test-groups.ts';

const testFiles = globSync(['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'resources/**/*.test.ts'], { exclude: ['**/node_modules/**', 'test/e2e/**', 'test/fixtures/**'] });

describe('test groups', () => {
  it('runs every lab, agent-namespace, process and SSH file alone', () => {
    for (const f of ['resources/agent/switchyard-agent.test.ts', 'test/integration/preset-drill.test.ts', 'src/main/core/monitor/monitor-lab.test.ts', 'test/lab/lab.test.ts', 'src/main/core/transport/ssh/ssh-connection.test.ts', 'src/main/cli/cli-process.test.ts']) {
      expect(runsAlone(f), f).toBe(true);
    }
  });

  it('lets self-contained files (parsers, planners, the renderer in jsdom) run together', () => {
    for (const f of ['src/main/core/detect/ip-parse.test.ts', 'src/shared/failover-defaults.test.ts', 'src/renderer/components/failover/failover-tab.test.tsx']) {
      expect(runsAlone(f), f).toBe(false);
    }
  });

  it('finds no file that builds a lab or a namespace among those run together', () => {
    const together = testFiles.filter((f) => !runsAlone(f));
    expect(together.length).toBeGreaterThan(40);
    // (This file names those calls in the pattern below, and builds nothing.)
    const labLike = together.filter((f) => f !== 'test/test-groups.test.ts').filter((f) => /\blabUp\(|\blabFixture\(|\bcreateTopology\(|'netns', 'exec'|\bnew Client\(\)/.test(readFileSync(f, 'utf8')));
    expect(labLike).toEqual([]);
  });
});

// The agent tests' namespaces are per run (the process id in their names), so two runs at once
// (two checkouts, two engineers on one machine) never delete each other's router mid-test, and a
// run that crashed has its namespaces removed by the next one once its process is gone.
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { removeLeftovers, run, runPrefix, topologyUnavailableReason } from './agent-test-topology.ts';

const unavailable = await topologyUnavailableReason();

describe('agent test namespaces', () => {
  it('are named per process, short enough for a veth name built from them', () => {
    expect(runPrefix(1234)).not.toBe(runPrefix(1235));
    expect(runPrefix()).toBe(runPrefix(process.pid));
    // The largest pid Linux hands out (pid_max 4194304), plus the one-letter veth suffix: 15 at most.
    expect(`${runPrefix(4_194_304)}a`.length).toBeLessThanOrEqual(15);
  });

  describe.skipIf(unavailable !== null)('on this machine', () => {
    const names: string[] = [];
    let live: ReturnType<typeof spawn> | undefined;
    afterAll(async () => {
      live?.kill('SIGKILL');
      for (const ns of names) await run(['ip', 'netns', 'del', ns]);
    });

    it("removes a dead run's namespaces and leaves a running one's alone", async () => {
      live = spawn('sleep', ['600'], { stdio: 'ignore' });
      // A pid that was alive and is not any more: a run that crashed.
      const deadPid = spawnSync('true').pid!;
      names.push(`${runPrefix(deadPid)}r`, `${runPrefix(live.pid!)}r`);
      for (const ns of names) expect((await run(['ip', 'netns', 'add', ns])).code).toBe(0);
      await removeLeftovers();
      const left = (await run(['ip', 'netns', 'list'])).stdout;
      expect(left).not.toContain(names[0]);
      expect(left).toContain(names[1]);
    });
  });
});

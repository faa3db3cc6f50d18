// `npm run bench -- apply`: the spans a user waits for when changing failover on a lab router
// with the Linux agent, measured from where the user starts them:
// (1) the first enable, agent install included: failover.apply on a router without the agent,
//     from the contract call to its "verified" answer;
// (2) a change with the agent installed (the active uplink swapped each time), the same span;
// (3) the command line end to end: `switchyard failover apply R --file P --confirm`, a new
//     process each time, from spawn to exit, as a technician runs it in a terminal.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../src/main/core/app-core.ts';
import { defaultTracking } from '../src/shared/failover-defaults.ts';
import type { FailoverPolicy } from '../src/shared/model.ts';
import { labDown, labUp } from '../test/lab/lab.ts';
import { addLabRouter, contractCaller } from './bench-lab-router.ts';
import type { Benchmark } from './bench-registry.ts';
import { summarize } from './bench-stats.ts';

const labName = 'bapply';
const cliPath = fileURLToPath(new URL('../bin/switchyard', import.meta.url));

export const applyBenchmark: Benchmark = {
  name: 'apply',
  summary: 'Apply as the user waits it on the Linux agent: first enable with install, a change with the agent installed (contract call → verified), and the CLI `failover apply --confirm` end to end (--trials N, default 20; a fifth of that for the slower spans).',
  options: { trials: { type: 'string' } },
  async run(ctx) {
    const trials = Number(ctx.options.trials ?? 20);
    const slowTrials = Math.max(3, Math.round(trials / 4));
    await labDown(labName);
    const lab = await labUp({ name: labName, routers: 1, wans: 2 });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-apply-'));
    const core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [] });
    try {
      const call = contractCaller(core);
      const router = lab.routers[0]!;
      const id = await addLabRouter(core, call, router);
      const targets = lab.probeTargets.icmp;
      const policyWith = (firstIndex: number): FailoverPolicy => ({
        mode: 'failover',
        forcedRefreshStreams: false,
        wans: router.wans.map((w, i) => ({ name: w.name, device: w.name, kind: w.kind, gateway: w.gateway, priority: i === firstIndex ? 1 : i < firstIndex ? i + 2 : i + 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: targets.slice(2 * i, 2 * i + 2) } })),
      });
      const applyVerified = async (policy: FailoverPolicy): Promise<number> => {
        const startedMs = performance.now();
        const result = await call<{ verification: { ok: boolean; message?: string } }>('failover.apply', { routerId: id, policy, revertInSec: 60 });
        const spentMs = performance.now() - startedMs;
        if (!result.verification.ok) throw new Error(`apply did not verify: ${result.verification.message ?? ''}`);
        await call('failover.confirm', { routerId: id });
        return spentMs;
      };

      const firstEnableMs: number[] = [];
      for (let t = 0; t < slowTrials; t++) {
        firstEnableMs.push(await applyVerified(policyWith(0)));
        await call('failover.remove', { routerId: id }); // takes the agent off again
      }
      ctx.log(`first enable with the agent's install, call → verified: ${line(firstEnableMs)} (target ≤ 8000 ms)`);

      await applyVerified(policyWith(0));
      const changeMs: number[] = [];
      for (let t = 0; t < trials; t++) changeMs.push(await applyVerified(policyWith((t + 1) % router.wans.length)));
      ctx.log(`change with the agent installed, call → verified: ${line(changeMs)} (target p95 ≤ 3000 ms)`);

      const policyFile = join(dataDir, 'policy.json');
      const cliMs: number[] = [];
      for (let t = 0; t < slowTrials; t++) {
        writeFileSync(policyFile, JSON.stringify(policyWith(t % router.wans.length)));
        cliMs.push(await runCli(['failover', 'apply', id, '--file', policyFile, '--confirm', '--json'], dataDir));
      }
      ctx.log(`CLI failover apply --confirm, spawn → exit: ${line(cliMs)}`);
      return {
        firstEnableMs: { ...summarize(firstEnableMs), targetMax: 8000 },
        changeMs: { ...summarize(changeMs), targetP95: 3000 },
        cliApplyConfirmMs: summarize(cliMs),
      };
    } finally {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
      await labDown(labName);
    }
  },
};

function line(values: readonly number[]): string {
  const s = summarize(values);
  return `median ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (n=${s.n})`;
}

/** Milliseconds from spawning the CLI to its exit; throws with its stderr when it fails. */
function runCli(args: readonly string[], dataDir: string): Promise<number> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cliPath, args, { env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_NO_KEYRING: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - startedMs) : reject(new Error(`switchyard ${args.join(' ')} exited ${String(code)}: ${stderr.trim()}`))));
  });
}

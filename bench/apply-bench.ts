// `npm run bench -- apply`: the spans a user waits for when changing failover on a lab router
// with the Linux agent, measured from where the user starts them:
// (1) the first enable, agent install included: failover.apply on a router without the agent,
//     from the contract call to its "verified" answer;
// (2) a change with the agent installed (the active uplink swapped each time), the same span;
// (3) the command line end to end: `switchyard failover apply R --file P --confirm`, a new
//     process each time, from spawn to exit, as a technician runs it in a terminal.
// Where (2) goes: the shipped drivers, timed per call (making the driver on the shared connection,
// plan with its reads, commit, each verification status read); what is left is the core's own
// work and verification's waits between polls.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../src/main/core/app-core.ts';
import { builtInDrivers, type DriverFactory } from '../src/main/core/drivers/driver-registry.ts';
import type { RouterDriver } from '../src/main/core/drivers/driver.ts';
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
    const timing = timedDrivers();
    const core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [], drivers: timing.drivers });
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
      const spans = new Map<string, number[]>();
      for (let t = 0; t < trials; t++) {
        timing.calls.length = 0;
        changeMs.push(await applyVerified(policyWith((t + 1) % router.wans.length)));
        // Only the apply's calls (confirm follows it): up to and including the last status read before confirm.
        const applyCalls = timing.calls.slice(0, timing.calls.findIndex((c) => c.name === 'confirm'));
        const sums = new Map<string, number>();
        for (const c of applyCalls) sums.set(c.name, (sums.get(c.name) ?? 0) + c.ms);
        sums.set('statusReads', applyCalls.filter((c) => c.name === 'readStatus').length);
        sums.set('otherAndWaits', changeMs.at(-1)! - applyCalls.filter((c) => c.name !== 'readWans' && c.name !== 'readConfig').reduce((a, c) => a + c.ms, 0));
        for (const [name, ms] of sums) spans.set(name, [...(spans.get(name) ?? []), ms]);
      }
      ctx.log(`change with the agent installed, call → verified: ${line(changeMs)} (target p95 ≤ 3000 ms)`);
      for (const [name, values] of spans) ctx.log(`  of which ${name}: ${line(values)}`);

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
        changeSpansMs: Object.fromEntries([...spans].map(([name, values]) => [name, summarize(values)])),
        cliApplyConfirmMs: summarize(cliMs),
      };
    } finally {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
      await labDown(labName);
    }
  },
};

/** The shipped drivers, each call timed into `calls` (in the order they end). */
function timedDrivers(): { drivers: Partial<Record<string, DriverFactory>>; calls: Array<{ name: string; ms: number }> } {
  const calls: Array<{ name: string; ms: number }> = [];
  const shipped = builtInDrivers({ agentScriptPath: fileURLToPath(new URL('../resources/agent/switchyard-agent', import.meta.url)) });
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const startedMs = performance.now();
    try {
      return await work();
    } finally {
      calls.push({ name, ms: performance.now() - startedMs });
    }
  };
  const drivers = Object.fromEntries(
    Object.entries(shipped).map(([platform, factory]) => [
      platform,
      (async (shell, context) => {
        const driver = await timed('makeDriver', () => factory!(shell, context));
        const wrapped: RouterDriver = { ...driver };
        for (const name of ['readWans', 'readPolicy', 'readStatus', 'plan', 'commit', 'confirm'] as const) {
          const method = driver[name] as (...args: unknown[]) => Promise<unknown>;
          (wrapped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => timed(name, () => method.apply(driver, args));
        }
        return wrapped;
      }) satisfies DriverFactory,
    ]),
  );
  return { drivers, calls };
}

function line(values: readonly number[]): string {
  const s = summarize(values);
  return `median ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (n=${s.n})`;
}

/**
 * Milliseconds from spawning the CLI to its exit; throws with its stderr when it fails, and when
 * the change was not verified and confirmed: exit 0 also means "applied, verification found
 * problems, left to the revert timer" (after verification's whole deadline), not the span measured.
 */
function runCli(args: readonly string[], dataDir: string): Promise<number> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cliPath, args, { env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_NO_KEYRING: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    let spentMs = 0;
    child.on('exit', () => (spentMs = performance.now() - startedMs)); // exit, not the pipes' close: the span as before
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`switchyard ${args.join(' ')} exited ${String(code)}: ${stderr.trim()}`));
      const answer = JSON.parse(stdout) as { confirmed?: boolean; result?: { verification?: { problems?: string[] } } | null };
      if (answer.confirmed !== true) return reject(new Error(`switchyard ${args.join(' ')} exited 0 without confirming: ${(answer.result?.verification?.problems ?? ['nothing applied']).join('; ')}`));
      resolve(spentMs);
    });
  });
}

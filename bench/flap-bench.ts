// `npm run bench -- flap`: a flapping primary on a lab router with the Linux agent, with and
// without flap dampening (issue 17 item 15). For each period P (default 1, 3 and 10 s) the
// primary (eth1) is blackholed and cleared in turn every P seconds for --seconds (default 60),
// then cleared for good; the router's own event log is counted: switches of the active uplink,
// flow flushes, dampening events. What dampening costs: the time from a blackhole to the switch
// to the backup (the failover) for every failover seen, with and without it, and the time from
// the final clear until traffic is back on the primary. Bounded: every wait has a deadline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/app-core.ts';
import { defaultDampening, defaultTracking } from '../src/shared/failover-defaults.ts';
import type { Dampening, FailoverPolicy } from '../src/shared/model.ts';
import { impair, labDown, labExec, labUp, type LabInfo } from '../test/lab/lab.ts';
import { waitUntil } from '../test/lab/wait-until.ts';
import { addLabRouter, contractCaller, type ContractCall } from './bench-lab-router.ts';
import type { Benchmark } from './bench-registry.ts';
import { round, summarize } from './bench-stats.ts';

const labName = 'bflap';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type AgentEvent = { tMs: number; kind: string; data: Record<string, unknown> };
type AgentState = { nowMs: number; state: { active: string[]; uplinks: Array<{ name: string; dampenedUntilMs?: number | null }> } | null; events: AgentEvent[] };

export const flapBenchmark: Benchmark = {
  name: 'flap',
  summary: 'A primary toggling every 1 / 3 / 10 s for 60 s each: switches, flushes and failover time with and without flap dampening, on the Linux agent (--periods 1,3,10, --seconds 60).',
  options: { periods: { type: 'string' } },
  async run(ctx) {
    const periods = String(ctx.options.periods ?? '1,3,10').split(',').map(Number);
    const seconds = ctx.seconds ?? 60;
    if (periods.some((p) => !(p > 0 && p <= seconds))) throw new Error(`--periods must be seconds between 0 and --seconds (${seconds}), e.g. 1,3,10`);
    await labDown(labName);
    const lab = await labUp({ name: labName, routers: 1, wans: 2 });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-flap-'));
    const core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [] });
    try {
      const call = contractCaller(core);
      const routerId = await addLabRouter(core, call, lab.routers[0]!);
      const modes: Array<[string, Dampening]> = [
        ['without', { ...defaultDampening, enabled: false }],
        ['with', defaultDampening],
      ];
      const runs: FlapRun[] = [];
      for (const [label, dampening] of modes) {
        await applyPolicy(call, routerId, lab, dampening);
        for (const periodSec of periods) {
          const r = await flapRun(periodSec, seconds, label);
          ctx.log(
            `toggle every ${periodSec} s for ${seconds} s, dampening ${label}: ${r.switches} switches, ${r.flushes} flushes, ${r.dampenEvents} dampening event(s); ` +
              `failover ${r.failoverSec.length ? r.failoverSec.map((s) => s.toFixed(2)).join('/') : '–'} s; back on eth1 ${r.backSec.toFixed(1)} s after the last clear`,
          );
          runs.push(r);
        }
      }
      const failover = Object.fromEntries(modes.map(([label]) => [label, summarize(runs.filter((r) => r.dampening === label).flatMap((r) => r.failoverSec))]));
      ctx.log(`failover time (blackhole → switch, router log): without dampening p50 ${failover.without!.median} s max ${failover.without!.max} s (n=${failover.without!.n}); with p50 ${failover.with!.median} s max ${failover.with!.max} s (n=${failover.with!.n})`);
      return {
        seconds,
        dampening: defaultDampening,
        runs: runs.map((r) => ({ ...r, failoverSec: r.failoverSec.map((s) => round(s, 2)), backSec: round(r.backSec, 2) })),
        failoverSec: failover,
      };
    } finally {
      await impair(labName, 'r01', 'eth1', { kind: 'clear' }).catch(() => undefined);
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
      await labDown(labName);
    }
  },
};

interface FlapRun {
  periodSec: number;
  dampening: string;
  toggles: number;
  switches: number;
  flushes: number;
  dampenEvents: number;
  /** Blackhole → switch to the backup, per failover (the router's clock; the lab shares the host's). */
  failoverSec: number[];
  /** Final clear → traffic on eth1 again. */
  backSec: number;
}

/** Two targets per uplink, none shared: the default profile as a user would enable it. */
async function applyPolicy(call: ContractCall, routerId: string, lab: LabInfo, dampening: Dampening): Promise<void> {
  const targets = lab.probeTargets.icmp;
  const policy: FailoverPolicy = {
    mode: 'failover',
    forcedRefreshStreams: true,
    dampening,
    wans: lab.routers[0]!.wans.map((w, i) => ({ name: w.name, device: w.name, kind: w.kind, gateway: w.gateway, priority: i + 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: targets.slice(2 * i, 2 * i + 2) } })),
  };
  await call('failover.apply', { routerId, policy, revertInSec: 60 });
  await call('failover.confirm', { routerId });
}

const agentState = async (): Promise<AgentState> => JSON.parse((await labExec(labName, 'r01', ['/usr/local/sbin/switchyard-agent', 'status', '2000'])).stdout) as AgentState;

/** eth1 carrying traffic and not held: a clean start for the next run. */
async function settled(): Promise<AgentState> {
  return waitUntil(agentState, (s) => s.state?.active.join() === 'eth1' && !s.state.uplinks.some((u) => (u.dampenedUntilMs ?? null) !== null), {
    what: 'eth1 active and no uplink held',
    timeoutMs: (defaultDampening.holdSec + 120) * 1000,
    pollMs: 500,
  });
}

async function flapRun(periodSec: number, seconds: number, dampening: string): Promise<FlapRun> {
  const startMs = (await settled()).nowMs;
  const blackholedAtMs: number[] = [];
  const toggles = Math.floor(seconds / periodSec);
  const t0 = Date.now();
  // Toggle on a fixed schedule from t0 (not after each step), so slow execs do not stretch it.
  for (let k = 0; k < toggles; k++) {
    const due = t0 + k * periodSec * 1000;
    if (Date.now() < due) await sleep(due - Date.now());
    if (k % 2 === 0) {
      blackholedAtMs.push(Date.now());
      await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    } else {
      await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    }
  }
  const endDue = t0 + toggles * periodSec * 1000;
  if (Date.now() < endDue) await sleep(endDue - Date.now());
  await impair(labName, 'r01', 'eth1', { kind: 'clear' });
  const clearedAtMs = Date.now();
  const back = await settled();
  const events = back.events.filter((e) => e.tMs >= startMs);
  const switches = events.filter((e) => e.kind === 'switch' && (e.data['reason'] === 'failure' || e.data['reason'] === 'recovery'));
  // Every failover of the run, timed from the blackhole that caused it.
  const failoverSec = switches
    .filter((e) => e.data['reason'] === 'failure')
    .map((e) => {
      const cause = blackholedAtMs.filter((t) => t <= e.tMs).at(-1);
      return cause === undefined ? null : (e.tMs - cause) / 1000;
    })
    .filter((s): s is number => s !== null);
  const lastReturn = switches.filter((e) => (e.data['to'] as string[]).includes('eth1')).at(-1);
  return {
    periodSec,
    dampening,
    toggles,
    switches: switches.length,
    flushes: events.filter((e) => e.kind === 'flows-moved').length,
    dampenEvents: events.filter((e) => e.kind === 'dampen').length,
    failoverSec,
    backSec: lastReturn && lastReturn.tMs >= clearedAtMs ? (lastReturn.tMs - clearedAtMs) / 1000 : 0,
  };
}

// `npm run bench -- failover`: the Linux agent on a lab router, driven through Switchyard's own
// contract with the default tracking profile. (1) Failover time: the longest gap in a 10 Hz ping
// from the LAN client while the active uplink is blackholed. (2) Apply latency: failover.apply
// (plan, commit with revert timer, verify) until the new policy is active and verified.
// (3) Load balance 3:1 over 400 new TCP connections, counted in the router's conntrack.
// (4) False failovers with 10 % random loss on the primary. (5) What the probes cost: bytes on
// each uplink's link counters over a quiet minute, scaled to a 30-day month. `--profile PRESET`
// (fast, balanced, cellular-saver) applies a timing preset (src/shared/failover-presets.ts) and
// holds the gap to that preset's goal; its soak then defaults to 5 minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../src/main/core/app-core.ts';
import { defaultDampening, defaultTracking } from '../src/shared/failover-defaults.ts';
import { applyPreset, monthSec, planPreset, presetGoalSec, presetIds, type PresetId, type PresetPlan } from '../src/shared/failover-presets.ts';
import type { FailoverPolicy } from '../src/shared/model.ts';
import { impair, labDown, labExec, labUp, type LabInfo } from '../test/lab/lab.ts';
import { addLabRouter, contractCaller } from './bench-lab-router.ts';
import type { Benchmark } from './bench-registry.ts';
import { round, summarize } from './bench-stats.ts';

const labName = 'bfo';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const failoverBenchmark: Benchmark = {
  name: 'failover',
  summary: 'Failover gap seen by a LAN client, apply latency, 3:1 balance, false failovers under 10 % loss and probe data a month on the Linux agent (--trials N, --loss-seconds N, default 20 and 60; --profile fast|balanced|cellular-saver: a timing preset, soak 300 s).',
  options: { trials: { type: 'string' }, 'loss-seconds': { type: 'string' }, profile: { type: 'string' } },
  async run(ctx) {
    const trials = Number(ctx.options.trials ?? 20);
    const profile = ctx.options.profile as string | undefined;
    if (profile !== undefined && !presetIds.includes(profile as PresetId)) throw new Error(`--profile '${profile}' is not a preset; use ${presetIds.join(', ')}`);
    const preset = profile as PresetId | undefined;
    const lossSeconds = Number(ctx.options['loss-seconds'] ?? (preset ? 300 : 60));
    const targetP95 = preset ? presetGoalSec[preset] : 3;
    await labDown(labName);
    const lab = await labUp({ name: labName, routers: 1, wans: 2 });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-fo-'));
    const core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [] });
    try {
      const bench = await setUp(core, lab, preset);
      const probeData = await probeDataPerMonth(bench, 60, ctx.log);
      const gapsSec = await failoverGaps(bench, trials, targetP95, ctx.log);
      const applyMs = await applyLatency(bench, trials, ctx.log);
      const balance = await balanceShares(bench, ctx.log);
      const falseFailovers = await lossSoak(bench, lossSeconds, ctx.log);
      return {
        profile: preset ?? null,
        predicted: bench.plan ? { failoverSec: bench.plan.failover?.totalSec ?? null, failbackSec: bench.plan.failback?.totalSec ?? null, parts: bench.plan.failover?.parts ?? [] } : null,
        failoverGapSec: { ...summarize(gapsSec), all: gapsSec.map((g) => round(g, 2)), targetP95 },
        applyMs: { ...summarize(applyMs), targetP95: 2000 },
        balance,
        falseFailovers,
        probeData,
      };
    } finally {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
      await labDown(labName);
    }
  },
};

interface Bench {
  core: Core;
  lab: LabInfo;
  routerId: string;
  policy: FailoverPolicy;
  plan: PresetPlan | null;
  call<T>(method: string, params: unknown): Promise<T>;
}

async function setUp(core: Core, lab: LabInfo, preset: PresetId | undefined): Promise<Bench> {
  const call = contractCaller(core);
  const router = lab.routers[0]!;
  const id = await addLabRouter(core, call, router);
  const targets = lab.probeTargets.icmp;
  // Two targets per uplink, none shared: the default profile as a user would enable it.
  const base: FailoverPolicy = {
    mode: 'failover',
    forcedRefreshStreams: true,
    // Trials fail the primary again and again on purpose: dampening would hold it down after the third.
    dampening: { ...defaultDampening, enabled: false },
    wans: router.wans.map((w, i) => ({ name: w.name, device: w.name, kind: w.kind, gateway: w.gateway, priority: i + 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: targets.slice(2 * i, 2 * i + 2) } })),
  };
  const plan = preset ? planPreset('linux', preset, base.wans) : null;
  const policy = plan ? applyPreset(base, plan) : base;
  await call('failover.apply', { routerId: id, policy, revertInSec: 60 });
  await call('failover.confirm', { routerId: id });
  return { core, lab, routerId: id, policy, plan, call };
}

async function activeWans(b: Bench): Promise<string[]> {
  const status = await b.call<{ wans: Array<{ wan: string; active: boolean }> }>('failover.status', { routerId: b.routerId });
  return status.wans.filter((w) => w.active).map((w) => w.wan);
}

async function waitForActive(b: Bench, wan: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await activeWans(b)).includes(wan)) return true;
    await sleep(200);
  }
  return false;
}

async function failoverGaps(b: Bench, trials: number, targetP95: number, log: (line: string) => void): Promise<number[]> {
  const target = b.lab.probeTargets.icmp[0]!;
  const gaps: number[] = [];
  for (let t = 0; t < trials; t++) {
    if (!(await waitForActive(b, 'eth1', 15_000))) throw new Error('eth1 did not come back before the next trial');
    // A random phase between the failure and the probe schedule.
    await sleep(1000 + Math.random() * 1000);
    const ping = labExec(labName, 'lan', ['ping', '-D', '-n', '-i', '0.1', '-w', '7', target], { allowFailure: true });
    await sleep(1500);
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    const out = (await ping).stdout;
    await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    const times = [...out.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map((m) => Number(m[1]));
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
    gaps.push(gap);
  }
  const s = summarize(gaps);
  log(`failover gap (10 Hz LAN ping, blackhole of the active uplink): p50 ${s.median} s, p95 ${s.p95} s, max ${s.max} s (n=${s.n}; target p95 ≤ ${targetP95} s${b.plan ? `, predicted worst case ${b.plan.failover?.totalSec} s` : ''})`);
  return gaps;
}

async function applyLatency(b: Bench, trials: number, log: (line: string) => void): Promise<number[]> {
  const times: number[] = [];
  for (let t = 0; t < trials; t++) {
    // Alternate which uplink is preferred, so every apply really changes the active link.
    const swapped = t % 2 === 0;
    const policy: FailoverPolicy = { ...b.policy, wans: b.policy.wans.map((w, i) => ({ ...w, priority: swapped ? b.policy.wans.length - i : i + 1 })) };
    const started = performance.now();
    const result = await b.call<{ verification: { ok: boolean } }>('failover.apply', { routerId: b.routerId, policy, revertInSec: 60 });
    times.push(performance.now() - started);
    if (!result.verification.ok) throw new Error(`apply ${t} did not verify`);
    await b.call('failover.confirm', { routerId: b.routerId });
  }
  const s = summarize(times);
  log(`apply latency (plan + commit with revert timer + verified active): p50 ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (n=${s.n}; target p95 ≤ 2000 ms)`);
  return times;
}

async function balanceShares(b: Bench, log: (line: string) => void) {
  const policy: FailoverPolicy = { ...b.policy, mode: 'balance', wans: b.policy.wans.map((w, i) => ({ ...w, priority: i + 1, weight: i === 0 ? 3 : 1 })) };
  await b.call('failover.apply', { routerId: b.routerId, policy, revertInSec: 60 });
  await b.call('failover.confirm', { routerId: b.routerId });
  await labExec(labName, 'r01', ['conntrack', '-D', '-p', 'tcp', '--dport', '80'], { allowFailure: true });
  const url = b.lab.probeTargets.http[0]!;
  const connections = 400;
  // Each request is a new TCP connection from a new source port: the L4 hash spreads them.
  await labExec(labName, 'lan', ['sh', '-c', `i=0; while [ $i -lt ${connections} ]; do busybox wget -q -O /dev/null "$1" || true; i=$((i+1)); done`, 'sh', url]);
  const table = (await labExec(labName, 'r01', ['conntrack', '-L', '-p', 'tcp', '--dport', '80'], { allowFailure: true })).stdout;
  const byUplink = new Map<string, number>();
  for (const wan of b.lab.routers[0]!.wans) byUplink.set(wan.name, table.split('\n').filter((l) => l.includes(`dst=${wan.routerAddress} `)).length);
  const total = [...byUplink.values()].reduce((a, c) => a + c, 0);
  const sharePct = Object.fromEntries([...byUplink].map(([wan, n]) => [wan, round((100 * n) / Math.max(1, total), 1)]));
  log(`balance 3:1 over ${total} new TCP connections: ${Object.entries(sharePct).map(([w, p]) => `${w} ${p} %`).join(', ')} (target 75/25 ± 5 points)`);
  // Back to failover for the soak.
  await b.call('failover.apply', { routerId: b.routerId, policy: b.policy, revertInSec: 60 });
  await b.call('failover.confirm', { routerId: b.routerId });
  return { connections: total, sharePct, targetPct: { eth1: 75, wlan0: 25 }, tolerancePoints: 5 };
}

async function lossSoak(b: Bench, seconds: number, log: (line: string) => void) {
  if (!(await waitForActive(b, 'eth1', 15_000))) throw new Error('eth1 is not active before the loss soak');
  const before = await b.call<{ events: Array<{ atMs: number; kind: string }> }>('failover.status', { routerId: b.routerId });
  const sinceMs = Math.max(0, ...before.events.map((e) => e.atMs));
  await impair(labName, 'r01', 'eth1', { kind: 'loss', lossPct: 10 });
  await sleep(seconds * 1000);
  await impair(labName, 'r01', 'eth1', { kind: 'clear' });
  const after = await b.call<{ events: Array<{ atMs: number; kind: string }> }>('failover.status', { routerId: b.routerId });
  const switches = after.events.filter((e) => e.atMs > sinceMs && e.kind === 'switch').length;
  log(`false failovers with 10 % random loss on the primary for ${seconds} s: ${switches} (target 0)`);
  return { seconds, lossPct: 10, switches };
}

/**
 * Bytes each uplink's link counted (both directions, Ethernet headers included) over a quiet
 * window with no client traffic: the agent's probes plus ARP, scaled to a 30-day month, beside
 * the preset's prediction (IP bytes of the echoes only).
 */
async function probeDataPerMonth(b: Bench, seconds: number, log: (line: string) => void) {
  if (!(await waitForActive(b, 'eth1', 15_000))) throw new Error('eth1 is not active before the data count');
  const read = async () => {
    const out = (await labExec(labName, 'r01', ['cat', '/proc/net/dev'])).stdout;
    const bytes = new Map<string, number>();
    for (const line of out.split('\n')) {
      const m = /^\s*([^:\s]+):\s*(\d+)(?:\s+\d+){7}\s+(\d+)/.exec(line);
      if (m) bytes.set(m[1]!, Number(m[2]) + Number(m[3]));
    }
    return { atMs: performance.now(), bytes };
  };
  const first = await read();
  await sleep(seconds * 1000);
  const last = await read();
  const elapsedSec = (last.atMs - first.atMs) / 1000;
  const rows = b.policy.wans.map((w) => {
    const measured = ((last.bytes.get(w.device) ?? 0) - (first.bytes.get(w.device) ?? 0)) * (monthSec / elapsedSec);
    const predicted = b.plan?.uplinks.find((u) => u.name === w.name)?.probeBytesPerMonth ?? null;
    return { wan: w.name, intervalSec: w.tracking.intervalSec, targets: w.tracking.targets.length, measuredMBPerMonth: round(measured / 1e6, 1), predictedMBPerMonth: predicted === null ? null : round(predicted / 1e6, 1) };
  });
  for (const r of rows) log(`probe data ${r.wan} (every ${r.intervalSec} s × ${r.targets} targets): measured ${r.measuredMBPerMonth} MB/month on the link${r.predictedMBPerMonth === null ? '' : `, predicted ${r.predictedMBPerMonth} MB/month of echoes`} (over ${round(elapsedSec, 1)} s)`);
  return { windowSec: round(elapsedSec, 1), uplinks: rows };
}

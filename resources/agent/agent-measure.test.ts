// Opt-in measurements of the default tracking profile (SYAG_MEASURE=1): failover gaps over
// SYAG_TRIALS blackholes and false failovers under 10% random loss for SYAG_LOSS_SEC seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTopology, topologyUnavailableReason } from './agent-test-topology.ts';
import type { AgentTopology, ExecResult } from './agent-test-topology.ts';

const SCRIPT = join(import.meta.dirname, 'switchyard-agent');
const enabled = process.env['SYAG_MEASURE'] === '1' && (await topologyUnavailableReason()) === null;
const trials = Number(process.env['SYAG_TRIALS'] ?? 20);
const lossSec = Number(process.env['SYAG_LOSS_SEC'] ?? 300);
const shell = (process.env['SYAG_SHELL'] ?? 'dash').split(' ');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!enabled)('agent default profile measurements', () => {
  let topo: AgentTopology;
  let cli: (args: readonly string[]) => Promise<ExecResult>;

  const status = async (): Promise<{ state: { active: string[] }; events: { kind: string; data: Record<string, string> }[] }> =>
    JSON.parse((await cli(['status', '1000'])).stdout);

  beforeAll(async () => {
    topo = await createTopology();
    const base = join(topo.workDir, 'measure');
    mkdirSync(base, { recursive: true });
    const env = [`SWITCHYARD_ETC=${base}/etc`, `SWITCHYARD_VAR=${base}/var`, `SWITCHYARD_RUN=${base}/run`, `SWITCHYARD_INIT=background`, `SWITCHYARD_SH=${shell.join(' ')}`];
    cli = (args) => topo.exec(topo.router, ['env', ...env, ...shell, SCRIPT, ...args]);
    // Default profile: only device, gateway, priority and two targets per uplink.
    const conf = ['version=1', 'forcedRefreshStreams=1',
      'wan.wan.device=eth1', 'wan.wan.gateway=100.64.1.1', 'wan.wan.priority=1', 'wan.wan.targets=203.0.113.1,203.0.113.11',
      'wan.wanb.device=wlan0', 'wan.wanb.gateway=100.64.2.1', 'wan.wanb.priority=2', 'wan.wanb.targets=203.0.113.2,203.0.113.12', ''].join('\n');
    writeFileSync(join(base, 'a.conf'), conf);
    expect((await cli(['apply', join(base, 'a.conf'), '--revert-in', '0'])).code).toBe(0);
    await cli(['start-background']);
    await sleep(2000);
  }, 120_000);

  afterAll(async () => {
    await cli?.(['remove']);
    await topo?.destroy();
  }, 60_000);

  it(`failover gap over ${trials} blackholes`, async () => {
    const gaps: number[] = [];
    for (let t = 0; t < trials; t++) {
      // Random phase between the blackhole and the probe schedule.
      await sleep(3000 + Math.random() * 1000);
      const ping = topo.exec(topo.lan, ['ping', '-D', '-n', '-i', '0.1', '-w', '7', topo.server], { timeoutMs: 12_000 });
      await sleep(1500);
      await topo.blackhole(1, true);
      const out = (await ping).stdout;
      await topo.blackhole(1, false);
      const times = [...out.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)].map((m) => Number(m[1]));
      let gap = 0;
      for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
      gaps.push(gap);
      // Wait for failback (Forced Refresh Streams on) before the next trial.
      for (let i = 0; i < 100 && (await status()).state.active[0] !== 'wan'; i++) await sleep(100);
    }
    const sorted = [...gaps].sort((a, b) => a - b);
    const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
    console.log(`failover gaps (s), n=${gaps.length}: min ${sorted[0]?.toFixed(2)} p50 ${pct(50).toFixed(2)} p95 ${pct(95).toFixed(2)} max ${sorted.at(-1)?.toFixed(2)}`);
    console.log(`all: ${gaps.map((g) => g.toFixed(2)).join(' ')}`);
    expect(pct(95)).toBeLessThanOrEqual(3);
  }, 600_000);

  it(`no false failover with 10% random loss for ${lossSec} s`, async () => {
    const start = (await status()).events.length;
    await topo.randomLoss(1, 10);
    const lanPing = topo.exec(topo.lan, ['ping', '-n', '-q', '-i', '0.2', '-w', String(lossSec), topo.server], { timeoutMs: (lossSec + 10) * 1000 });
    await sleep(lossSec * 1000);
    const loss = (await lanPing).stdout.match(/(\d+(?:\.\d+)?)% packet loss/)?.[1];
    await topo.randomLoss(1, 0);
    const s = await status();
    const during = s.events.slice(start);
    const switches = during.filter((e) => e.kind === 'switch').length;
    const offline = during.filter((e) => e.kind === 'status' && e.data['to'] === 'offline').length;
    console.log(`10% loss per direction for ${lossSec} s: LAN ping loss ${loss}%, switches ${switches}, offline events ${offline}`);
    expect(switches).toBe(0);
  }, 900_000);
});

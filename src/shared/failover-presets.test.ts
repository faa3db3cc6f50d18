// The presets keep their promises where the engine can, say so where it cannot, and their parts
// add up to the predictions the plan and the drill compare against.
import { describe, expect, it } from 'vitest';
import { failbackParts, failoverParts, predictFailoverSec, sumParts } from './failover-defaults.ts';
import { applyPreset, matchPreset, planPreset, presetIds, probeBytesPerHourWhenNeeded, probeBytesPerMonth } from './failover-presets.ts';
import { initialPolicy } from './initial-policy.ts';
import { trackingSchema, type FailoverPolicy, type PlatformId, type Wan } from './model.ts';

const targets = (a: number, n = 2) => Array.from({ length: n }, (_, i) => `203.0.113.${a + i}`);
function wans(platform: PlatformId): Wan[] {
  const policy = initialPolicy(platform, [
    { name: 'eth1', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', hasDefaultRoute: true },
    { name: 'wwan0', device: 'wwan0', kind: 'cellular', gateway: '100.67.1.1', hasDefaultRoute: false },
  ]);
  return policy.wans.map((w, i) => ({ ...w, tracking: { ...w.tracking, targets: targets(10 + 2 * i) } }));
}

describe('timing presets (issue 14 item 3)', () => {
  it('Fast on the Linux agent: a sub-second bound for the wired primary, backups probed every 2 s', () => {
    const plan = planPreset('linux', 'fast', wans('linux'));
    expect(plan.reachable).toBe(true);
    expect(plan.failover!.totalSec).toBeLessThanOrEqual(1);
    expect(plan.failover!.totalSec).toBe(0.7);
    const [primary, backup] = plan.uplinks;
    expect(primary).toMatchObject({ name: 'eth1', role: 'primary', tracking: { intervalSec: 0.1, timeoutSec: 0.2, downCount: 3 } });
    expect(backup).toMatchObject({ name: 'wwan0', role: 'backup', metered: true, tracking: { intervalSec: 2 } });
    // 10 echoes a second to each of two targets: 168 B × 10 × 2 × 30 days.
    expect(primary!.probeBytesPerMonth).toBe(168 * 10 * 2 * 30 * 86_400);
    for (const u of plan.uplinks) expect(trackingSchema.safeParse(u.tracking).success).toBe(true);
  });

  it('Balanced is today’s default and Cellular saver probes the metered backup only when needed', () => {
    const balanced = planPreset('linux', 'balanced', wans('linux'));
    expect(balanced.failover!.totalSec).toBe(2.6);
    expect(balanced.reachable).toBe(true);
    const saver = planPreset('linux', 'cellular-saver', wans('linux'));
    expect(saver.failover!.totalSec).toBe(2.6);
    const cell = saver.uplinks.find((u) => u.name === 'wwan0')!;
    expect(cell.tracking).toMatchObject({ intervalSec: 60, probeWhen: 'needed' });
    // Nothing while the primary is healthy (Balanced: 168 B × 5 a second × 2 targets ≈ 4.4 GB);
    // two targets, one echo a minute each while needed: 20 kB an hour.
    expect(cell.probeBytesPerMonth).toBe(0);
    expect(balanced.uplinks[1]!.probeBytesPerMonth).toBe(168 * 5 * 2 * 30 * 86_400);
    expect(probeBytesPerHourWhenNeeded(cell.tracking)).toBe(2 * 168 * 60);
    expect(saver.notes.join(' ')).toMatch(/wwan0 is probed only when needed\. While eth1 is healthy: not at all \(0 B a month.*\(20 kB an hour while it is needed\)/);
    // mwan3 cannot: a probe a minute, said so; kmwan: GL's own Low Data Mode, not set by Switchyard.
    const mwan3 = planPreset('openwrt-mwan3', 'cellular-saver', wans('openwrt-mwan3'));
    expect(mwan3.uplinks.find((u) => u.name === 'wwan0')!.tracking.probeWhen).toBeUndefined();
    expect(mwan3.uplinks.find((u) => u.name === 'wwan0')!.probeBytesPerMonth).toBe(2 * 168 * 43_200);
    expect(mwan3.notes.join(' ')).toMatch(/probing only when needed is not reachable on mwan3/);
    expect(planPreset('glinet-kmwan', 'cellular-saver', wans('glinet-kmwan')).notes.join(' ')).toMatch(/Low Data Mode.*'passive'.*Switchyard does not set it/);
  });

  it('says Fast is not reachable on mwan3 (whole seconds) or on kmwan (sensitivity levels), with what they can do', () => {
    const mwan3 = planPreset('openwrt-mwan3', 'fast', wans('openwrt-mwan3'));
    expect(mwan3.reachable).toBe(false);
    expect(mwan3.limit).toMatch(/whole seconds.*7 s/);
    for (const u of mwan3.uplinks) for (const v of [u.tracking.intervalSec, u.tracking.timeoutSec, u.tracking.failureIntervalSec]) expect(Number.isInteger(v)).toBe(true);
    const kmwan = planPreset('glinet-kmwan', 'fast', wans('glinet-kmwan'));
    expect(kmwan.reachable).toBe(false);
    expect(kmwan.failover!.totalSec).toBe(2);
    expect(kmwan.limit).toMatch(/high, 1 s/);
    expect(planPreset('glinet-kmwan', 'balanced', wans('glinet-kmwan')).failover!.totalSec).toBe(4);
    expect(planPreset('glinet-kmwan', 'cellular-saver', wans('glinet-kmwan')).notes.join(' ')).toMatch(/saves no data on GL.iNet/);
  });

  it('warns what a metered backup costs while it only stands by, and names the preset that saves it', () => {
    const linux = planPreset('linux', 'balanced', wans('linux')).notes.join(' ');
    expect(linux).toMatch(/wwan0 is metered and is probed while it only stands by: about 4\.4 GB a month.*Cellular saver probes it only when the primary starts failing/);
    expect(planPreset('openwrt-mwan3', 'balanced', wans('openwrt-mwan3')).notes.join(' ')).toMatch(/wwan0 is metered .*Cellular saver probes it once a minute \(14\.5 MB a month\)/);
    expect(planPreset('glinet-kmwan', 'balanced', wans('glinet-kmwan')).notes.join(' ')).toMatch(/wwan0 is metered .*Low Data Mode/);
    // Saver itself, and a wired backup, say nothing of the kind.
    expect(planPreset('linux', 'cellular-saver', wans('linux')).notes.join(' ')).not.toMatch(/only stands by/);
    const wired = wans('linux').map((w) => ({ ...w, kind: 'ethernet' as const }));
    expect(planPreset('linux', 'balanced', wired).notes).toEqual([]);
  });

  it('warns when Fast would probe a metered primary ten times a second', () => {
    const cellFirst = wans('linux').map((w) => ({ ...w, priority: w.name === 'wwan0' ? 1 : 2 }));
    expect(planPreset('linux', 'fast', cellFirst).notes.join(' ')).toMatch(/wwan0 is metered: .* GB a month/);
  });

  it('parts add up to the prediction on every platform and preset', () => {
    for (const platform of ['linux', 'openwrt-mwan3', 'glinet-kmwan'] as const) {
      for (const preset of presetIds) {
        for (const u of planPreset(platform, preset, wans(platform)).uplinks) {
          expect(sumParts(failoverParts(platform, u.tracking)!)).toBe(predictFailoverSec(platform, u.tracking));
          expect(failbackParts(platform, u.tracking)!.length).toBeGreaterThan(0);
        }
      }
    }
    // Failback of the Linux default: 10 answers 0.2 s apart after the first (0.2 + 0.4), two ticks.
    expect(planPreset('linux', 'balanced', wans('linux')).failback!.totalSec).toBe(2.6);
  });

  it('applies a preset to a policy and recognises it again, keeping targets', () => {
    const policy: FailoverPolicy = { mode: 'failover', forcedRefreshStreams: false, wans: wans('linux') };
    expect(matchPreset('linux', policy)).toBe('balanced');
    const fast = applyPreset(policy, planPreset('linux', 'fast', policy.wans));
    expect(matchPreset('linux', fast)).toBe('fast');
    expect(fast.wans.map((w) => w.tracking.targets)).toEqual(policy.wans.map((w) => w.tracking.targets));
    expect(matchPreset('linux', { ...fast, wans: fast.wans.map((w) => ({ ...w, tracking: { ...w.tracking, downCount: 7 } })) })).toBeNull();
  });

  it('costs nothing for link-state tracking and has no size model for httping', () => {
    const t = wans('linux')[0]!.tracking;
    expect(probeBytesPerMonth({ ...t, method: 'none' })).toBe(0);
    expect(probeBytesPerMonth({ ...t, method: 'httping' })).toBeNull();
  });
});

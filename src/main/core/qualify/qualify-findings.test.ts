// Qualification findings from recorded router output (the lab, __fixtures__/README.md) and from
// the draft itself: the same target on two uplinks, all targets in one network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTracking } from '../../../shared/failover-defaults.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import { applyTargetFix } from '../../../shared/target-fix.ts';
import { fastNotRun, parsePreflight, qualifyCommand } from './qualify-command.ts';
import { qualifyFindings } from './qualify-findings.ts';
import { parseQualify } from './qualify-parse.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8');
const recorded = fixture('lab-two-uplinks.txt');
const slot = (wan: string, target: string) => ({ wan, target, role: 'target' as const });

function policy(eth1: string[], wlan0: string[]): FailoverPolicy {
  const wan = (name: string, priority: number, targets: string[]) => ({ name, device: name, kind: 'ethernet' as const, priority, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets } });
  return { mode: 'failover', forcedRefreshStreams: false, wans: [wan('eth1', 1, eth1), wan('wlan0', 2, wlan0)] };
}

describe('qualify output and findings', () => {
  const probes = parseQualify(recorded, [[slot('eth1', '203.0.113.10'), slot('eth1', '203.0.113.11')], [slot('wlan0', '203.0.113.12')]]);

  it('reads each probe: counts, round trips and who answered each TTL', () => {
    expect(probes).toHaveLength(3);
    expect(probes[0]).toMatchObject({ wan: 'eth1', target: '203.0.113.10', slow: { sent: 5, received: 5, lossPct: 0 }, fast: { sent: 20, received: 20 }, hops: ['100.64.1.1', '203.0.113.10'] });
    expect(probes[2]!.hops[0]).toBe('100.65.1.1');
    expect(probes[0]!.rttMs!.avg).toBeGreaterThan(0);
  });

  it('warns that every target of an uplink is in one network, and of a single target', () => {
    const findings = qualifyFindings(policy(['203.0.113.10', '203.0.113.11'], ['203.0.113.12']), probes);
    expect(findings.map((f) => [f.kind, f.wan])).toEqual([
      ['one-network', 'eth1'],
      ['single-target', 'wlan0'],
    ]);
    expect(findings[0]!.text).toMatch(/203\.0\.113\.0\/24/);
    // No spare on another network was tested: dropping a target would not fix it, so no fix is offered.
    expect(findings[0]!.fix).toBeNull();
  });

  it('names a target shared by two uplinks as a problem and fixes it on the backup', () => {
    const shared = policy(['203.0.113.10', '203.0.113.11'], ['203.0.113.10', '203.0.113.12']);
    const sharedProbes = [...probes, { ...probes[0]!, wan: 'wlan0' }];
    const finding = qualifyFindings(shared, sharedProbes).find((f) => f.kind === 'shared-target')!;
    expect(finding).toMatchObject({ severity: 'problem', wan: 'wlan0', target: '203.0.113.10', fix: { kind: 'remove-target', wan: 'wlan0', target: '203.0.113.10' } });
    expect(applyTargetFix(shared, finding.fix!).wans[1]!.tracking.targets).toEqual(['203.0.113.12']);
  });

  it('reads a blackholed target as no answer, with nothing to replace it by', () => {
    // Synthetic: the recorded output with eth1's first target's two summaries edited to no answer.
    const dead = recorded.replace(/5 packets transmitted, 5 received, 0% packet loss/, '5 packets transmitted, 0 received, 100% packet loss').replace(/20 packets transmitted, 20 received, 0% packet loss/, '20 packets transmitted, 0 received, 100% packet loss');
    const p = parseQualify(dead, [[slot('eth1', '203.0.113.10'), slot('eth1', '203.0.113.11')], [slot('wlan0', '203.0.113.12')]]);
    const finding = qualifyFindings(policy(['203.0.113.10', '203.0.113.11'], ['203.0.113.12']), p).find((f) => f.kind === 'no-answer');
    expect(finding).toMatchObject({ wan: 'eth1', target: '203.0.113.10', fix: { kind: 'remove-target' } });
  });
});

describe('qualification with BusyBox ping (OpenWrt, GL.iNet): recorded on the lab with BusyBox 1.35', () => {
  const slots = [[slot('eth1', '203.0.113.10'), slot('eth1', '203.0.113.11')], [slot('wlan0', '203.0.113.12')]];

  it('the pre-flight names BusyBox, what it can do, and each uplink’s address', () => {
    expect(parsePreflight(fixture('lab-two-uplinks-busybox.preflight.txt'), 2)).toEqual({ tool: { kind: 'busybox', fractionalInterval: true, traceroute: true }, sources: ['100.64.1.2', '100.65.1.2'] });
    expect(parsePreflight('@@qualify-ping other\n@@qualify-addr 1\n', 1)).toEqual({ tool: null, sources: [null] });
  });

  it('reads BusyBox’s summaries (“packets received”, round-trip without mdev) and traceroute’s hops', () => {
    const probes = parseQualify(fixture('lab-two-uplinks-busybox.txt'), slots);
    expect(probes[0]).toMatchObject({ wan: 'eth1', target: '203.0.113.10', slow: { sent: 5, received: 5, lossPct: 0 }, fast: { sent: 20, received: 20, lossPct: 0 }, hops: ['100.64.1.1', '203.0.113.10'] });
    expect(probes[0]!.rttMs).toEqual({ min: 0.501, avg: 18.285, max: 86.837 });
    // wlan0's trace went through wlan0's own gateway (the test's temporary rule, from its address).
    expect(probes[2]!.hops).toEqual(['100.65.1.1', '203.0.113.12']);
    expect(qualifyFindings(policy(['203.0.113.10', '203.0.113.11'], ['203.0.113.12']), probes).map((f) => [f.kind, f.wan])).toEqual([
      ['one-network', 'eth1'],
      ['single-target', 'wlan0'],
    ]);
  });

  it('reads OpenWrt 19.07’s own BusyBox 1.30.1 ping output (recorded, test/fixtures/openwrt) the same way', () => {
    const openwrt = (name: string) => readFileSync(join(import.meta.dirname, '../../../../test/fixtures/openwrt/openwrt-19.07-mwan3-2.12', name), 'utf8');
    const output = `@@qualify 1.1.slow\n${openwrt('a_both_online__ping-c-5-I-eth1-192.0.2.1.txt')}@@qualify 1.1.fast\n${openwrt('b_wan_offline__ping-c-5-W-1-I-eth1-192.0.2.1.txt')}`;
    const [probe] = parseQualify(output, [[slot('wan', '192.0.2.1')]]);
    expect(probe).toMatchObject({ slow: { sent: 5, received: 5, lossPct: 0 }, fast: { sent: 5, received: 0, lossPct: 100 }, rttMs: { min: 0.117, avg: 0.188, max: 0.33 } });
  });

  it('sends BusyBox echoes from the uplink’s address under a rule for that source, never with iputils’ -m', () => {
    const uplinks = [{ device: 'eth1', gateway: '100.64.1.1', source: '100.64.1.2', targets: ['203.0.113.10', '203.0.113.11'] }];
    const text = qualifyCommand(uplinks, undefined, { kind: 'busybox', fractionalInterval: true, traceroute: true }).text;
    expect(text).not.toMatch(/ -m \d{6,}/);
    expect(text).toContain("ip -4 rule add pref 901 from 100.64.1.2 iif lo lookup 25101");
    expect(text).toContain("ping -q -c 5 -i 0.5 -W 1 -I 100.64.1.2 203.0.113.10");
    // Side-by-side traceroutes each get ports of their own (BusyBox matches answers by port only).
    expect(text).toContain("busybox traceroute -n -m 3 -q 1 -w 1 -p 33434 -s 100.64.1.2 203.0.113.10");
    expect(text).toContain("-p 33437 -s 100.64.1.2 203.0.113.11");
    expect(() => qualifyCommand([{ device: 'eth1', targets: ['203.0.113.10'] }], undefined, { kind: 'busybox', fractionalInterval: true, traceroute: true })).toThrow(/needs eth1's address/);
  });

  it('a BusyBox that takes whole seconds only: slow echoes 1 s apart, no fast test, and no rate-limit finding made up from it', () => {
    const uplinks = [{ device: 'eth1', gateway: '100.64.1.1', source: '100.64.1.2', targets: ['203.0.113.10'] }];
    const text = qualifyCommand(uplinks, undefined, { kind: 'busybox', fractionalInterval: false, traceroute: false }).text;
    expect(text).toContain('ping -q -c 5 -i 1 -W 1 -I 100.64.1.2 203.0.113.10');
    expect(text).not.toContain('-i 0.1');
    expect(text).not.toContain('traceroute');
    // The recorded output with eth1's first fast section as such a router leaves it.
    const output = fixture('lab-two-uplinks-busybox.txt').replace(/(@@qualify 1\.1\.fast\n)[\s\S]*?(?=@@qualify)/, `$1${fastNotRun}\n`);
    const probes = parseQualify(output, slots);
    expect(probes[0]!.fast).toEqual({ sent: 0, received: 0, lossPct: 0 });
    expect(qualifyFindings(policy(['203.0.113.10', '203.0.113.11'], ['203.0.113.12']), probes).some((f) => f.kind === 'rate-limited' || f.kind === 'no-answer')).toBe(false);
  });
});


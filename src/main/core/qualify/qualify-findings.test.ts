// Qualification findings from recorded router output (the lab, __fixtures__/README.md) and from
// the draft itself: the same target on two uplinks, all targets in one network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTracking } from '../../../shared/failover-defaults.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import { applyTargetFix } from '../../../shared/target-fix.ts';
import { qualifyFindings } from './qualify-findings.ts';
import { parseQualify } from './qualify-parse.ts';

const recorded = readFileSync(join(import.meta.dirname, '__fixtures__/lab-two-uplinks.txt'), 'utf8');
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

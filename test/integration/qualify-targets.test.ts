// Target qualification (issue 14 item 4) through the contract on a real lab router before any
// failover is enabled: one target blackholed and one rate-limited on eth1's path (nft in the
// ISP's namespace), a spare address offered. Each target is probed through each uplink from the
// router; the findings name the evidence and a fix, and the router is left exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import type { QualifyResult } from '../../src/shared/api/qualify-schemas.ts';
import type { FailoverPolicy } from '../../src/shared/model.ts';
import { applyTargetFix } from '../../src/shared/target-fix.ts';
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';

const labName = 'qt';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)('target qualification on the lab', () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let routerId: string;
  const { call } = contractCaller(() => core);
  const routing = async () => (await labExec(labName, 'r01', ['sh', '-c', 'ip -4 rule; ip -4 route show table all'])).stdout;

  const policy = (): FailoverPolicy => labFailoverPolicy(lab.info(), { targets: (i, [t10, t11, t12]) => (i === 0 ? [t10!, t11!] : [t12!]) });

  beforeAll(async () => {
    labCore = await openLabCore('sy-qualify-');
    core = labCore.core;
    routerId = await addLabRouter(core, lab.info().routers[0]!, { siteName: 'Qualify shop' });
    // eth1's ISP drops everything to .10 and answers .11 only 3 times a second, as a public resolver would.
    const [t10, t11] = lab.info().probeTargets.icmp;
    const nft = `add table inet sytest
add chain inet sytest drops { type filter hook forward priority 0; }
add rule inet sytest drops ip daddr ${t10} drop
add rule inet sytest drops ip daddr ${t11} limit rate over 3/second drop
`;
    await labExec(labName, 'r01-eth1', ['sh', '-c', 'printf "%s" "$1" | nft -f -', 'sh', nft]);
  }, 60_000);
  afterAll(async () => {
    await labCore?.close();
  });

  it('finds the blackholed and the rate-limited target on eth1, with fixes, and leaves the router as it was', async () => {
    const [t10, t11, t12, t13] = lab.info().probeTargets.icmp as [string, string, string, string];
    const before = await routing();
    const result = await call<QualifyResult>('failover.qualifyTargets', { routerId, policy: policy(), candidates: [t13] });
    expect(await routing()).toBe(before);

    const probe = (wan: string, target: string) => result.probes.find((p) => p.wan === wan && p.target === target)!;
    // Every address through every uplink, wlan0 included although the router has no route through it yet.
    expect(result.probes).toHaveLength(2 * 4);
    expect(probe('eth1', t10)).toMatchObject({ role: 'target', slow: { sent: 5, received: 0 }, fast: { received: 0 } });
    expect(probe('wlan0', t10)).toMatchObject({ role: 'candidate', slow: { sent: 5, received: 5 } });
    expect(probe('wlan0', t12).hops[0]).toBe(lab.info().routers[0]!.wans[1]!.gateway);
    expect(probe('eth1', t11).slow.received).toBeGreaterThanOrEqual(4);
    expect(probe('eth1', t11).fast.received).toBeLessThanOrEqual(14);

    expect(result.ok).toBe(false);
    const noAnswer = result.findings.find((f) => f.kind === 'no-answer')!;
    expect(noAnswer).toMatchObject({ severity: 'problem', wan: 'eth1', target: t10, fix: { kind: 'replace-target', wan: 'eth1', from: t10, to: t13 } });
    expect(noAnswer.text).toMatch(/answers through wlan0 \(5 of 5\)/);
    const limited = result.findings.find((f) => f.kind === 'rate-limited')!;
    expect(limited).toMatchObject({ severity: 'warning', wan: 'eth1', target: t11 });
    expect(result.findings.find((f) => f.kind === 'single-target')).toMatchObject({ wan: 'wlan0', target: t12 });
    expect(result.findings.some((f) => f.wan === 'wlan0' && f.kind === 'no-answer')).toBe(false);

    // The one-click fix, then the same test again: the problem is gone.
    const fixed = applyTargetFix(policy(), noAnswer.fix!);
    expect(fixed.wans[0]!.tracking.targets).toEqual([t13, t11]);
    const again = await call<QualifyResult>('failover.qualifyTargets', { routerId, policy: fixed });
    expect(again.findings.filter((f) => f.severity === 'problem')).toEqual([]);
    expect(again.ok).toBe(true);
  }, 120_000);

  it('with BusyBox’s real ping on the router (as OpenWrt and GL.iNet ship it): the same findings, and troubleshoot works too', async () => {
    const [t10, t11, t12, t13] = lab.info().probeTargets.icmp as [string, string, string, string];
    // An SSH session's PATH finds /usr/local/bin first; /usr/local is the router's own overlay.
    await labExec(labName, 'r01', ['ln', '-sf', '/bin/busybox', '/usr/local/bin/ping']);
    try {
      expect((await labExec(labName, 'r01', ['env', 'PATH=/usr/local/bin:/usr/bin:/bin', 'sh', '-c', 'ping -V 2>&1'], { allowFailure: true })).stdout).toMatch(/BusyBox/);
      const before = await routing();
      const result = await call<QualifyResult>('failover.qualifyTargets', { routerId, policy: policy(), candidates: [t13] });
      expect(await routing()).toBe(before);
      expect(result.pingTool).toBe('busybox');
      expect(result.notes).toBeUndefined();
      const probe = (wan: string, target: string) => result.probes.find((p) => p.wan === wan && p.target === target)!;
      expect(result.probes).toHaveLength(2 * 4);
      expect(probe('eth1', t10)).toMatchObject({ slow: { sent: 5, received: 0 }, fast: { sent: 20, received: 0 } });
      expect(probe('wlan0', t10)).toMatchObject({ slow: { sent: 5, received: 5 }, fast: { sent: 20 } });
      // Through wlan0's own gateway, though the router has no route through wlan0 (BusyBox traceroute's hops).
      expect(probe('wlan0', t12).hops[0]).toBe(lab.info().routers[0]!.wans[1]!.gateway);
      expect(probe('eth1', t12).hops[0]).toBe(lab.info().routers[0]!.wans[0]!.gateway);
      expect(probe('eth1', t11).fast.received).toBeLessThanOrEqual(14);
      expect(result.findings.find((f) => f.kind === 'no-answer')).toMatchObject({ wan: 'eth1', target: t10, fix: { kind: 'replace-target', from: t10, to: t13 } });
      expect(result.findings.find((f) => f.kind === 'rate-limited')).toMatchObject({ wan: 'eth1', target: t11 });

      // Troubleshoot's pings are BusyBox's too: the router's own lines, read the same way.
      const report = await call<{ uplinks: Array<{ device: string; checks: Array<{ id: string; status: string; evidence: string[] }> }> }>('troubleshoot.run', { routerId, uplink: 'eth1', target: t12 });
      const target = report.uplinks[0]!.checks.find((c) => c.id === 'target')!;
      expect(target.status).toBe('pass');
      expect(target.evidence).toContainEqual(expect.stringMatching(/^3 packets transmitted, 3 packets received, 0% packet loss$/));
    } finally {
      await labExec(labName, 'r01', ['rm', '-f', '/usr/local/bin/ping']);
    }
  }, 180_000);

  it('refuses a draft with nothing to ping, saying what to do', async () => {
    const none = { ...policy(), wans: policy().wans.map((w) => ({ ...w, tracking: { ...w.tracking, method: 'none' as const } })) };
    await expect(call('failover.qualifyTargets', { routerId, policy: none })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/Choose ping tracking/) });
  });
});

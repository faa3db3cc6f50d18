// The router's own revert timer running out while the app is open but nobody polls
// failover.status (only the Monitoring tab is open): the app notices from the monitor's status
// reads and the monitor starts again from the settings the router went back to, as after a
// rollback made in the app; and a reverted FIRST enable leaves the router as it was: no agent
// process, the same routes, rules and nft, compared on the router itself (technician's walk).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorStatus } from '../../src/shared/api/monitor-schemas.ts';
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { waitUntil } from '../lab/wait-until.ts';

const labName = 'rvt';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)("the router's own revert of a first enable", () => {
  let labCore: LabCore;
  let routerId: string;
  beforeAll(async () => {
    labCore = await openLabCore('sy-revert-');
    routerId = await addLabRouter(labCore.core, lab.info().routers[0]!);
  }, 120_000);
  afterAll(async () => labCore?.close());

  it('is noticed while only the monitor runs, and leaves the router as it was', async () => {
    const { call } = contractCaller(() => labCore.core);
    const router = async (script: string) => (await labExec(labName, 'r01', ['sh', '-c', script])).stdout;
    const routing = () => router('ip -4 route show table all; ip -4 rule show; nft list ruleset');
    const agentProcesses = () => router("for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -c '[s]witchyard-agent' || true");
    const before = await routing();
    expect(Number(await agentProcesses())).toBe(0);
    const monitorTargets = async () => Object.fromEntries((await call<MonitorStatus>('monitor.status', { routerId })).uplinks.map((u) => [u.wan, u.target]));

    await call('monitor.start', { routerId });
    const unmanaged = await monitorTargets();
    const policy = labFailoverPolicy(lab.info());
    const applied = await call<{ revertAtMs: number }>('failover.apply', { routerId, policy, revertInSec: 15 });
    const policyTargets = Object.fromEntries(policy.wans.map((w) => [w.name, w.tracking.targets[0]]));
    // After the apply the monitor probes the policy's targets (the refresh made by the app).
    await waitUntil(monitorTargets, (t) => JSON.stringify(t) === JSON.stringify(policyTargets), { what: "the monitor on the policy's targets" });
    expect(policyTargets).not.toEqual(unmanaged);

    // No confirm, no failover.status poll: the router reverts by itself at its deadline.
    const back = await waitUntil(monitorTargets, (t) => JSON.stringify(t) === JSON.stringify(unmanaged), { what: 'the monitor back on what it watched before failover', timeoutMs: applied.revertAtMs - Date.now() + 60_000 });
    expect(back).toEqual(unmanaged);
    expect(Date.now()).toBeGreaterThanOrEqual(applied.revertAtMs - 2000);

    // The router itself: the agent's daemon gone, routes, rules and nft as before the enable.
    await waitUntil(async () => Number(await agentProcesses()), (n) => n === 0, { what: 'no switchyard-agent process on the router' });
    expect(await routing()).toBe(before);
    const status = await call<{ enabled: boolean; pendingRevertAtMs: number | null }>('failover.status', { routerId });
    expect(status).toMatchObject({ enabled: false, pendingRevertAtMs: null });
    await call('monitor.stop', { routerId });
  }, 240_000);
});

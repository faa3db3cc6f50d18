// A metered backup standing by under the Cellular saver preset (probeWhen 'needed'), shown as the
// router really has it: failover.status says it stands by exactly when `switchyard-agent status`
// says it is not probed, with the time it last answered; the app's own monitor sends it no echo
// either (counted by nft on the router: a probe a second would spend the data the preset saves);
// when the primary fails the backup wakes and both the router and the monitor probe it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorStatus } from '../../src/shared/api/monitor-schemas.ts';
import type { RouterStatus } from '../../src/shared/failover-schemas.ts';
import { addLabRouter, contractCaller, openLabCore, waitProbedVia, type ContractCall, type LabCore } from '../helpers/lab-router.ts';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { presetDrillPolicy, until } from '../lab/preset-drill.ts';

const labName = 'sbt';
const lab = labFixture({ name: labName, routers: 1, wans: 4 });

interface AgentUplink {
  name: string;
  status: string;
  probing: boolean;
  probeWhen: string;
  targets: Array<{ lastReplyMs: number | null }>;
}

describe.skipIf(lab.skipReason)('a backup standing by (Cellular saver) on the lab router', () => {
  let labCore: LabCore;
  let routerId: string;
  let call: ContractCall;

  const agentUplink = async (name: string): Promise<{ nowMs: number; uplink: AgentUplink | undefined }> => {
    const out = JSON.parse((await labExec(labName, 'r01', ['switchyard-agent', 'status', '0'])).stdout) as { nowMs: number; state: { uplinks: AgentUplink[] } | null };
    return { nowMs: out.nowMs, uplink: out.state?.uplinks.find((u) => u.name === name) };
  };
  const wanStatus = async (wan: string) => (await call<RouterStatus>('failover.status', { routerId })).wans.find((w) => w.wan === wan);
  const monitorUplink = async (wan: string) => (await call<MonitorStatus>('monitor.status', { routerId })).uplinks.find((u) => u.wan === wan);
  /** Echo requests the router itself sends out of `dev` (nft counter; ARP and IPv6 chatter are not probes). */
  const echoesSent = async (dev: string): Promise<number> => {
    const out = (await labExec(labName, 'r01', ['nft', 'list', 'chain', 'inet', 'sy_standby_test', 'o'])).stdout;
    return Number(new RegExp(`oifname "${dev}" icmp type echo-request counter packets (\\d+)`).exec(out)?.[1]);
  };

  beforeAll(async () => {
    labCore = await openLabCore('sy-standby-');
    call = contractCaller(labCore.core).call;
    routerId = await addLabRouter(labCore.core, lab.info().routers[0]!, { siteName: 'Standby shop' });
    const { policy } = presetDrillPolicy(lab.info(), 'cellular-saver');
    expect(policy.wans.map((w) => [w.name, w.tracking.probeWhen])).toEqual([
      ['eth1', undefined],
      ['wwan0', 'needed'],
    ]);
    await call('failover.apply', { routerId, policy, revertInSec: 60 });
    await call('failover.confirm', { routerId });
    await labExec(labName, 'r01', [
      'sh',
      '-c',
      [
        'nft add table inet sy_standby_test',
        `nft 'add chain inet sy_standby_test o { type filter hook output priority 0; }'`,
        'nft add rule inet sy_standby_test o oifname eth1 icmp type echo-request counter',
        'nft add rule inet sy_standby_test o oifname wwan0 icmp type echo-request counter',
      ].join('\n'),
    ]);
  }, 180_000);
  afterAll(async () => {
    await labCore?.close();
  });

  it('says it stands by exactly when the agent does not probe it, with the time it last answered', async () => {
    await waitProbedVia(call, routerId, 'eth1');
    await until(async () => ((await agentUplink('wwan0')).uplink?.probing === false ? true : undefined), 60_000);
    const [agent, status] = [await agentUplink('wwan0'), await wanStatus('wwan0')];
    expect(agent.uplink).toMatchObject({ probeWhen: 'needed', probing: false, status: 'online' });
    expect(status).toMatchObject({ wan: 'wwan0', state: 'online', active: false, probing: false, standby: true });
    // The agent's last reply (router clock) on this computer's clock: the router's clock is this
    // machine's in the lab, so they agree within the read's round trip.
    const lastReplyMs = Math.max(...agent.uplink!.targets.map((t) => t.lastReplyMs ?? 0));
    expect(Math.abs(status!.lastReplyAtMs! - lastReplyMs)).toBeLessThan(2_000);
    expect(await wanStatus('eth1')).toMatchObject({ probing: true, active: true });
    expect((await wanStatus('eth1'))?.standby).toBeUndefined();
  }, 120_000);

  it("the app's monitor does not probe it while it stands by (nft counts no echo), and says why", async () => {
    await call('monitor.start', { routerId });
    const saysWhy = /wwan0 stands by: the router probes it only when needed, so this monitor does not probe it either \(a probe a second would cost ~458\.4 MB a month\)/;
    await until(async () => ((await monitorUplink('eth1'))?.state === 'running' && saysWhy.test((await monitorUplink('wwan0'))?.message ?? '') ? true : undefined), 60_000);
    expect(await monitorUplink('wwan0')).toMatchObject({ state: 'standby', standbyProbe: 'when-needed' });
    const before = { eth1: await echoesSent('eth1'), wwan0: await echoesSent('wwan0') };
    // Watched for a while: the monitor's and the agent's probes of eth1 count, none on wwan0.
    await until(async () => ((await echoesSent('eth1')) - before.eth1 >= 8 ? true : undefined), 60_000);
    expect((await echoesSent('wwan0')) - before.wwan0).toBe(0);
    expect((await agentUplink('wwan0')).uplink?.probing).toBe(false);
  }, 120_000);

  it('"Probe now" sends it a few echoes and it stands by again', async () => {
    const before = await echoesSent('wwan0');
    const after = await call<MonitorStatus>('monitor.probeStandby', { routerId, wan: 'wwan0', probe: 'once' });
    expect(after.uplinks.find((u) => u.wan === 'wwan0')?.standbyProbe).toBe('once');
    await until(async () => ((await monitorUplink('wwan0'))?.state === 'running' ? true : undefined), 30_000);
    await until(async () => ((await monitorUplink('wwan0'))?.state === 'standby' ? true : undefined), 60_000);
    const sent = (await echoesSent('wwan0')) - before;
    expect(sent).toBeGreaterThanOrEqual(3);
    // Five probes, and the one sent while the stream was being stopped over SSH.
    expect(sent).toBeLessThanOrEqual(6);
  }, 120_000);

  it('when the primary fails, the backup wakes: the router and the monitor probe it again; then it stands by again', async () => {
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    try {
      await until(async () => ((await wanStatus('wwan0'))?.probing === true ? true : undefined), 60_000);
      expect((await agentUplink('wwan0')).uplink?.probing).toBe(true);
      expect((await wanStatus('wwan0'))?.standby).toBe(false);
      await until(async () => ((await monitorUplink('wwan0'))?.state === 'running' ? true : undefined), 60_000);
      const before = await echoesSent('wwan0');
      await until(async () => ((await echoesSent('wwan0')) - before >= 3 ? true : undefined), 60_000);
    } finally {
      await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    }
    await waitProbedVia(call, routerId, 'eth1');
    await until(async () => ((await wanStatus('wwan0'))?.standby === true ? true : undefined), 90_000);
    await until(async () => ((await monitorUplink('wwan0'))?.state === 'standby' ? true : undefined), 60_000);
    await call('monitor.stop', { routerId });
  }, 300_000);
});

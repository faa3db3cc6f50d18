// Switchyard's mwan3 connection-clearing hook, the exact text apply installs, run in a lab router
// against the kernel's real conntrack table and the real conntrack tool (issue 16 item 4): flows
// leave through two uplinks, the hook is fired as hotplug-call fires it (a clean environment with
// ACTION, INTERFACE and DEVICE), and only the failed uplink's flows are gone. mwan3 itself does
// not run here (no OpenWrt); what the hook relies on from the router is ip, sed, logger and
// conntrack, all real.
import { describe, expect, it } from 'vitest';
import { conntrackHookText, type HookConfig } from '../../src/main/core/drivers/openwrt-mwan3/mwan3-conntrack-hook.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { labExec } from '../lab/lab.ts';

const NAME = 'owct';
const lab = labFixture({ name: NAME, routers: 1, wans: 2 });

/** One flow entry per line (`conntrack -L`), with its reply destination. */
async function flows(): Promise<{ line: string; replyDst: string }[]> {
  const r = await labExec(NAME, 'r01', ['conntrack', '-L'], { allowFailure: true });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => ({ line, replyDst: [...line.matchAll(/dst=(\S+)/g)][1]?.[1] ?? '' }));
}

describe.skipIf(Boolean(lab.skipReason))('the mwan3 connection-clearing hook on a real conntrack table', () => {
  const wan = (name: string) => lab.info().routers[0]!.wans.find((w) => w.name === name)!;
  // mwan3's interface names differ from the devices, as on OpenWrt: wan is eth1, wanb is wlan0.
  const config = (frs: boolean): HookConfig => ({
    uplinks: [
      { name: 'wan', device: 'eth1', metric: 1 },
      { name: 'wanb', device: 'wlan0', metric: 2 },
    ],
    forcedRefreshStreams: frs,
  });
  const fire = (frs: boolean, action: string, iface: string, device: string) =>
    labExec(NAME, 'r01', ['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `ACTION=${action}`, `INTERFACE=${iface}`, `DEVICE=${device}`, 'sh', '-c', conntrackHookText(config(frs))]);

  /** A LAN client's flows out through each uplink: .10 by the default route (eth1), .11 routed via wlan0. */
  async function startFlows(): Promise<void> {
    const [t1, t2] = lab.info().probeTargets.icmp;
    for (const target of [t1!, t2!]) {
      for (let i = 0; i < 2; i++) await labExec(NAME, 'lan', ['ping', '-c', '1', '-W', '2', target]);
    }
    const now = await flows();
    expect(now.filter((f) => f.replyDst === wan('eth1').routerAddress).length).toBeGreaterThanOrEqual(2);
    expect(now.filter((f) => f.replyDst === wan('wlan0').routerAddress).length).toBeGreaterThanOrEqual(2);
  }

  it('disconnected: clears the failed uplink’s flows and only those, and says how many', async () => {
    const t2 = lab.info().probeTargets.icmp[1]!;
    await labExec(NAME, 'r01', ['ip', 'route', 'replace', `${t2}/32`, 'via', wan('wlan0').gateway, 'dev', 'wlan0']);
    await startFlows();
    const before = await flows();
    const r = await fire(false, 'disconnected', 'wan', 'eth1');
    const after = await flows();
    expect(after.filter((f) => f.replyDst === wan('eth1').routerAddress)).toEqual([]);
    // Every flow of the other uplink is still there, untouched.
    expect(after.filter((f) => f.replyDst === wan('wlan0').routerAddress).length).toBe(before.filter((f) => f.replyDst === wan('wlan0').routerAddress).length);
    const cleared = before.filter((f) => f.replyDst === wan('eth1').routerAddress).length;
    expect(r.stderr).toContain(`mwan3-switchyard: wan disconnected: cleared ${cleared} connections of wan (${wan('eth1').routerAddress})`);
  });

  it('ifdown (no DEVICE, as netifd sends it): uses the address seen at the last event', async () => {
    await startFlows();
    const r = await fire(false, 'ifdown', 'wan', '');
    const after = await flows();
    expect(after.filter((f) => f.replyDst === wan('eth1').routerAddress)).toEqual([]);
    expect(after.filter((f) => f.replyDst === wan('wlan0').routerAddress).length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(new RegExp(`wan ifdown: cleared [1-9]\\d* connections of wan \\(${wan('eth1').routerAddress.replaceAll('.', '\\.')}\\)`));
  });

  it('connected with Forced Refresh Streams on: the backup’s flows are cleared, the primary’s stay; off: nothing is cleared', async () => {
    await startFlows();
    const before = await flows();
    const off = await fire(false, 'connected', 'wan', 'eth1');
    expect(off.stderr).toBe('');
    expect((await flows()).length).toBe(before.length);

    const on = await fire(true, 'connected', 'wan', 'eth1');
    const after = await flows();
    expect(after.filter((f) => f.replyDst === wan('wlan0').routerAddress)).toEqual([]);
    expect(after.filter((f) => f.replyDst === wan('eth1').routerAddress).length).toBe(before.filter((f) => f.replyDst === wan('eth1').routerAddress).length);
    expect(on.stderr).toMatch(/wan connected: cleared [1-9]\d* connections of wanb \(.+\) \(Forced Refresh Streams\)/);
  });

  it('the backup returning clears nothing: no uplink sits below it', async () => {
    await startFlows();
    const before = await flows();
    await fire(true, 'connected', 'wanb', 'wlan0');
    expect((await flows()).length).toBe(before.length);
  });

  it('an interface Switchyard does not manage (the LAN) is left alone', async () => {
    await startFlows();
    const before = await flows();
    const r = await fire(true, 'disconnected', 'lan', 'eth0');
    expect(r.stderr).toBe('');
    expect((await flows()).length).toBe(before.length);
  });
});

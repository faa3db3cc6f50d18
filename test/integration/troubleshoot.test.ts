// Troubleshooting on a real lab router through the contract: on a plain router the backup has no
// route of its own, and that is said rather than probed; the lab's DNS server answers through the
// default uplink and not when that uplink is blackholed; with failover on, a blackholed uplink is
// named with the check that fails and what to do, the healthy one passes, IPv6 on one uplink only
// is flagged; and troubleshooting never changes the router (routes, rules, nft, links, addresses).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import type { TroubleshootReport, UplinkTroubleshoot } from '../../src/shared/api/troubleshoot-schemas.ts';
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs, waitUntil } from '../lab/wait-until.ts';
import { expectRouterStateBack, settledRouterState } from '../helpers/router-state.ts';

const labName = 'tsh';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)('troubleshooting on the lab', () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let dataDir: string;
  let routerId: string;

  const { call } = contractCaller(() => core);
  const router = (...argv: string[]) => labExec(labName, 'r01', argv, { allowFailure: true });
  /** Everything troubleshooting could change on the router and nothing that moves by itself (counters, caches). */
  const routerState = async () => {
    const parts = await Promise.all([
      router('ip', '-4', 'route', 'show', 'table', 'all'),
      router('ip', '-6', 'route', 'show', 'table', 'all'),
      router('ip', '-4', 'rule', 'show'),
      router('nft', 'list', 'ruleset'),
      router('ip', '-o', 'link', 'show'),
      router('ip', '-o', 'addr', 'show'),
      router('cat', '/etc/resolv.conf'),
    ]);
    return parts.map((p) => p.stdout).join('\n@@\n');
  };
  // The agent rewrites its rules now and then and a fresh link's address is tentative for a
  // while: see router-state.ts.
  const settledState = () => settledRouterState(routerState);
  const expectUnchanged = (before: string) => expectRouterStateBack(routerState, before);
  const wlan0State = async () => (await call<{ wans: Array<{ wan: string; state: string }> }>('failover.status', { routerId })).wans.find((w) => w.wan === 'wlan0')?.state;
  const checksOf = (u: UplinkTroubleshoot | undefined) => Object.fromEntries((u?.checks ?? []).map((c) => [c.id, c]));
  const statuses = (u: UplinkTroubleshoot | undefined) => Object.fromEntries((u?.checks ?? []).map((c) => [c.id, c.status]));

  const policy = () => labFailoverPolicy(lab.info());

  beforeAll(async () => {
    labCore = await openLabCore('sy-troubleshoot-');
    ({ core, dataDir } = labCore);
    routerId = await addLabRouter(core, lab.info().routers[0]!, { siteName: 'Troubleshoot shop' });
  }, 60_000);
  afterAll(async () => {
    await labCore?.close();
  });

  it('on a plain router: the default uplink works, the backup has no route of its own and says so; the router is unchanged', async () => {
    const target = lab.info().probeTargets.icmp[0]!;
    const before = await settledState();
    const report = await call<TroubleshootReport>('troubleshoot.run', { routerId, target });
    await expectUnchanged(before);
    const [eth1, wlan0] = report.uplinks;
    expect(report.uplinks.map((u) => u.device)).toEqual(['eth1', 'wlan0']);
    // The router's resolver is the lab's DNS server, reached out eth1 (the router's default path).
    expect(statuses(eth1)).toEqual({ link: 'pass', gateway: 'pass', target: 'pass', dns: 'pass', http: 'pass', ipv6: 'pass' });
    expect(eth1).toMatchObject({ status: 'pass', verdict: 'eth1 works: link, gateway, a target, DNS and HTTP answer through it.' });
    const dnsServer = lab.info().dns!.server;
    expect(checksOf(eth1).dns!.summary).toMatch(new RegExp(`^example\\.com resolves to ${lab.info().dns!.names['example.com']!.replaceAll('.', '\\.')} through eth1 \\(DNS server ${dnsServer.replaceAll('.', '\\.')}, asked from eth1's address`));
    // The router itself agrees: its own resolver answers.
    expect((await router('busybox', 'nslookup', 'example.com')).stdout).toContain(`Address: ${lab.info().dns!.names['example.com']}`);
    expect(statuses(wlan0)).toMatchObject({ link: 'pass', gateway: 'pass', target: 'warn', dns: 'skip', http: 'skip' });
    expect(checksOf(wlan0).target!.summary).toMatch(/no route to 203\.0\.113\.10 through wlan0/);
    // Unknown uplink: a clear refusal naming the ones there are.
    await expect(call('troubleshoot.run', { routerId, uplink: 'wwan0' })).rejects.toMatchObject({ code: 'invalid-input', message: 'troubleshoot.run: r01 has no uplink "wwan0". Its uplinks: eth1, wlan0.' });
    await expect(call('troubleshoot.run', { routerId, target: '1.1.1.1; reboot' })).rejects.toMatchObject({ code: 'bad-request' });
  }, 120_000);

  it('on a plain router with eth1 blackholed beyond its gateway: DNS fails with the target, and the router agrees', async () => {
    const target = lab.info().probeTargets.icmp[0]!;
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    try {
      const report = await call<TroubleshootReport>('troubleshoot.run', { routerId, target, uplink: 'eth1' });
      const eth1 = report.uplinks[0];
      expect(statuses(eth1)).toMatchObject({ link: 'pass', gateway: 'pass', target: 'fail', dns: 'fail', http: 'fail' });
      expect(checksOf(eth1).dns!.summary).toMatch(new RegExp(`^The DNS server ${lab.info().dns!.server.replaceAll('.', '\\.')} did not answer through eth1\\.`));
      expect(checksOf(eth1).dns!.fix).toMatch(/^Nothing gets through eth1 beyond the gateway \(see the target check\): fix that first/);
      expect(eth1!.status).toBe('fail');
      expect(eth1!.verdict).toBe(checksOf(eth1).target!.summary);
      expect((await router('busybox', 'nslookup', 'example.com')).exitCode).not.toBe(0);
    } finally {
      await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    }
    const healed = await call<TroubleshootReport>('troubleshoot.run', { routerId, target, uplink: 'eth1' });
    expect(statuses(healed.uplinks[0])).toMatchObject({ target: 'pass', dns: 'pass', http: 'pass' });
  }, 120_000);

  it('with failover on: a blackholed uplink fails at the target with what to do, the healthy one passes, the router is unchanged', async () => {
    await call('failover.apply', { routerId, policy: policy(), revertInSec: 60 });
    await call('failover.confirm', { routerId });
    await impair(labName, 'r01', 'wlan0', { kind: 'blackhole' });
    // Let the agent see it first, so the snapshot is of a settled router.
    await waitUntil(() => wlan0State(), (s) => s === 'offline', { what: 'the agent to mark wlan0 offline' });
    const before = await settledState();
    const report = await call<TroubleshootReport>('troubleshoot.run', { routerId });
    await expectUnchanged(before);

    const [eth1, wlan0] = report.uplinks;
    expect(statuses(eth1)).toEqual({ link: 'pass', gateway: 'pass', target: 'pass', dns: 'pass', http: 'pass', ipv6: 'pass' });
    expect(checksOf(eth1).target!.summary).toMatch(/^203\.0\.113\.10 answers through eth1: 3 of 3/);
    // Its DNS is asked from wlan0's own address, through the agent's route for it: no answer either.
    expect(statuses(wlan0)).toMatchObject({ link: 'pass', gateway: 'pass', target: 'fail', http: 'fail', dns: 'fail' });
    expect(checksOf(wlan0).target!.summary).toBe('203.0.113.11 does not answer through wlan0, though the gateway does: the line beyond the modem is down, or the ISP drops this target.');
    expect(checksOf(wlan0).target!.evidence).toContainEqual(expect.stringMatching(/^3 packets transmitted, 0 received, 100% packet loss/));
    expect(wlan0!.status).toBe('fail');
    expect(wlan0!.verdict).toBe(checksOf(wlan0).target!.summary);
    expect(checksOf(wlan0).target!.fix).toMatch(/restart the modem, and call the ISP/);

    // The same on one uplink only, and the lab's own view agrees: the gateway answers, the target does not.
    const one = await call<TroubleshootReport>('troubleshoot.run', { routerId, uplink: 'wlan0' });
    expect(one.uplinks.map((u) => u.device)).toEqual(['wlan0']);
    expect((await router('ping', '-n', '-c', '1', '-W', '2', '-I', 'wlan0', '100.65.1.1')).exitCode).toBe(0);
    expect((await router('ping', '-n', '-c', '1', '-W', '2', '-I', 'wlan0', '203.0.113.11')).exitCode).not.toBe(0);

    await impair(labName, 'r01', 'wlan0', { kind: 'clear' });
    await waitUntil(() => wlan0State(), (s) => s === 'online', { what: 'wlan0 back online' });
    const healed = await call<TroubleshootReport>('troubleshoot.run', { routerId, uplink: 'wlan0' });
    expect(statuses(healed.uplinks[0])).toMatchObject({ link: 'pass', gateway: 'pass', target: 'pass', http: 'pass' });
  }, 240_000);

  it('IPv6 on the backup only: both uplinks say IPv6 does not follow the agent’s failover', async () => {
    // An admin's own IPv6 on wlan0 (set up by the test, not by troubleshooting).
    await router('ip', '-6', 'addr', 'add', '2001:db8:65::2/64', 'dev', 'wlan0', 'nodad');
    await router('ip', '-6', 'route', 'add', 'default', 'via', '2001:db8:65::1', 'dev', 'wlan0', 'metric', '1024');
    try {
      const before = await settledState();
      const report = await call<TroubleshootReport>('troubleshoot.run', { routerId });
      await expectUnchanged(before);
      const [eth1, wlan0] = report.uplinks;
      expect(checksOf(wlan0).ipv6).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^wlan0 has an IPv6 default route, but the Switchyard agent moves IPv4 only/) });
      expect(checksOf(eth1).ipv6).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^eth1 has no IPv6 route or address, but wlan0 has/) });
    } finally {
      await router('ip', '-6', 'route', 'del', 'default', 'via', '2001:db8:65::1', 'dev', 'wlan0');
      await router('ip', '-6', 'addr', 'del', '2001:db8:65::2/64', 'dev', 'wlan0');
    }
  }, 120_000);

  it('from a terminal: switchyard troubleshoot names the failing check, its fix and the router’s lines', () => {
    const r = lab.info().routers[0]!;
    const switchyard = (...args: string[]) => {
      const result = spawnSync(resolve(import.meta.dirname, '../../bin/switchyard'), [...args, '--data-dir', join(dataDir, 'cli')], { encoding: 'utf8', env: { ...process.env, SWITCHYARD_NO_KEYRING: '1' }, timeout: 3 * busyDeadlineMs });
      return { code: result.status, out: result.stdout, err: result.stderr };
    };
    const site = JSON.parse(switchyard('sites', 'add', 'Lab', '--json').out) as { id: string };
    expect(switchyard('routers', 'add', site.id, 'shop', r.ssh.host, '--user', 'root', '--key', r.ssh.rootKeyPath).code).toBe(0);
    expect(switchyard('routers', 'trust', 'shop', '--fingerprint', r.ssh.hostKeyFingerprint).code).toBe(0);
    expect(switchyard('routers', 'detect', 'shop').code).toBe(0);
    // A name the lab's DNS server does not know: it answers, but NXDOMAIN.
    const text = switchyard('troubleshoot', 'shop', '--uplink', 'eth1', '--target', lab.info().probeTargets.icmp[0]!, '--dns-name', 'no-such-name.example');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^eth1: WARN — eth1 carries traffic \(203\.0\.113\.10 answers through it\), but names do not resolve: The DNS server \S+ answers through eth1 but says no-such-name\.example does not exist\./);
    expect(text.out).toMatch(/\n {2}ok {3}Link state +eth1 is up with carrier/);
    expect(text.out).toMatch(/\n {2}WARN DNS through this uplink +The DNS server/);
    expect(text.out).toMatch(/\n {9}fix: DNS reaches the server, but it filters or is broken/);
    expect(text.out).toMatch(/\n {9}\| \$ dig \+time=2 \+tries=1 -b 100\.64\.1\.2 @\S+ no-such-name\.example A\n/);
    const json = JSON.parse(switchyard('troubleshoot', 'shop', '--uplink', 'eth1', '--json').out) as TroubleshootReport;
    expect(json.uplinks.map((u) => u.device)).toEqual(['eth1']);
    const wrong = switchyard('troubleshoot', 'shop', '--uplink', 'wwan0');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/shop has no uplink "wwan0"\. Its uplinks: eth1, wlan0\./);
  }, 240_000);
});

// DNS through each uplink on a real lab router with three uplinks: before failover the backups
// have no route for their own address, so their DNS is not asked (a query from wlan0's address
// would leave through eth1 and test eth1); with the agent's per-uplink routes each uplink's DNS
// is asked from its own address (dig -b). DNS broken on one backup only (udp/53 dropped out
// wlan0 on the router) fails exactly that uplink's DNS check, with its target still answering,
// while the others pass; the router's own dig agrees. With BusyBox nslookup only, the backups
// say they can't be tested instead of passing. Troubleshooting changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import type { TroubleshootReport, UplinkTroubleshoot } from '../../src/shared/api/troubleshoot-schemas.ts';
import { addLabRouter, contractCaller, enableFailover, labFailoverPolicy, openLabCore, waitProbed, type LabCore } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { expectRouterStateBack, settledRouterState } from '../helpers/router-state.ts';
import { labFixture } from '../lab/lab-fixture.ts';

const labName = 'tshdns';
const lab = labFixture({ name: labName, routers: 1, wans: 3 });

describe.skipIf(lab.skipReason)('DNS through each uplink on the lab', () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let routerId: string;

  const { call } = contractCaller(() => core);
  const router = (...argv: string[]) => labExec(labName, 'r01', argv, { allowFailure: true });
  const dnsOf = (u: UplinkTroubleshoot | undefined) => u?.checks.find((c) => c.id === 'dns');
  const byDevice = (r: TroubleshootReport) => Object.fromEntries(r.uplinks.map((u) => [u.device, u]));
  const addressOf = (dev: string) => lab.info().routers[0]!.wans.find((w) => w.name === dev)!.routerAddress;
  const routerDig = (dev: string) => router('dig', '+time=2', '+tries=1', '-b', addressOf(dev), `@${lab.info().dns!.server}`, 'example.com', 'A');
  const ruleset = async () => (await router('nft', 'list', 'ruleset')).stdout + (await router('ip', '-4', 'rule', 'show')).stdout;

  beforeAll(async () => {
    labCore = await openLabCore('sy-troubleshoot-dns-');
    core = labCore.core;
    routerId = await addLabRouter(core, lab.info().routers[0]!, { siteName: 'DNS shop' });
  }, 60_000);
  afterAll(async () => {
    await labCore?.close();
  });

  it('on a plain router: the backups’ DNS is not asked, because their queries would leave through eth1; eth1’s is', async () => {
    // The router itself shows why: a query from wlan0's address is routed out eth1.
    expect((await router('ip', '-4', 'route', 'get', lab.info().dns!.server, 'from', addressOf('wlan0'))).stdout).toMatch(/ dev eth1 /);
    const report = await call<TroubleshootReport>('troubleshoot.run', { routerId });
    const u = byDevice(report);
    expect(dnsOf(u.eth1)).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^example\.com resolves to 203\.0\.113\.10 through eth1 \(DNS server 203\.0\.113\.53, asked from eth1's address 100\.64\.1\.2\)\./) });
    for (const dev of ['wlan0', 'usb0']) {
      expect(dnsOf(u[dev])).toMatchObject({ status: 'skip', summary: expect.stringMatching(new RegExp(`^Not asked through ${dev}: a query sent from ${dev}'s address \\S+ to 203\\.0\\.113\\.53 would leave through eth1`)) });
    }
  }, 180_000);

  it('with failover on and udp/53 dropped out wlan0 only: wlan0’s DNS check fails, eth1’s and usb0’s pass, and the router agrees', async () => {
    await enableFailover(core, routerId, labFailoverPolicy(lab.info()));
    // Online on the probes' answers: right after apply the agent says online before any probe did.
    await waitProbed(core, routerId, 'eth1');
    const healthy = byDevice(await call<TroubleshootReport>('troubleshoot.run', { routerId }));
    for (const dev of ['eth1', 'wlan0', 'usb0']) {
      expect(dnsOf(healthy[dev]), dev).toMatchObject({ status: 'pass', summary: expect.stringMatching(new RegExp(`^example\\.com resolves to 203\\.0\\.113\\.10 through ${dev} \\(DNS server 203\\.0\\.113\\.53, asked from ${dev}'s address`)) });
      expect(dnsOf(healthy[dev])!.evidence).toContainEqual(expect.stringMatching(new RegExp(`^203\\.0\\.113\\.53 from \\S+ via \\S+ dev ${dev} `)));
    }

    // DNS broken on the backup wlan0 only: its pings and HTTP still get through.
    await router('nft', 'add', 'table', 'inet', 'sy_test_dns');
    await router('nft', 'add', 'chain', 'inet', 'sy_test_dns', 'out', '{ type filter hook output priority 0; }');
    await router('nft', 'add', 'rule', 'inet', 'sy_test_dns', 'out', 'oifname', 'wlan0', 'udp', 'dport', '53', 'drop');
    try {
      // The agent is running: its 10 s rule rewrite must not pass for a change (router-state.ts).
      const before = await settledRouterState(ruleset);
      const report = await call<TroubleshootReport>('troubleshoot.run', { routerId });
      await expectRouterStateBack(ruleset, before);
      const u = byDevice(report);
      const statuses = (dev: string) => Object.fromEntries((u[dev]?.checks ?? []).map((c) => [c.id, c.status]));
      expect(statuses('wlan0')).toMatchObject({ link: 'pass', gateway: 'pass', target: 'pass', dns: 'fail', http: 'pass' });
      expect(dnsOf(u.wlan0)!.summary).toBe('The DNS server 203.0.113.53 did not answer through wlan0. Neither did the public resolver 1.1.1.1.');
      expect(dnsOf(u.wlan0)!.fix).toMatch(/^Traffic gets through wlan0 \(the target answers\), so DNS is blocked on wlan0/);
      expect(dnsOf(u.wlan0)!.evidence).toContain(';; no servers could be reached');
      // Traffic flows, names do not: Needs attention, not Broken.
      expect(u.wlan0).toMatchObject({ status: 'warn', verdict: expect.stringMatching(/^wlan0 carries traffic \(203\.0\.113\.11 answers through it\), but names do not resolve/) });
      expect(dnsOf(u.eth1)!.status).toBe('pass');
      expect(dnsOf(u.usb0)!.status).toBe('pass');
      // The router itself, asked the same way.
      expect((await routerDig('wlan0')).exitCode).not.toBe(0);
      expect((await routerDig('usb0')).stdout).toMatch(/example\.com\.\s+\d+\s+IN\s+A\s+203\.0\.113\.10/);
    } finally {
      await router('nft', 'delete', 'table', 'inet', 'sy_test_dns');
    }
    const healed = byDevice(await call<TroubleshootReport>('troubleshoot.run', { routerId, uplink: 'wlan0' }));
    expect(dnsOf(healed.wlan0)!.status).toBe('pass');
  }, 300_000);

  it('with BusyBox nslookup only, as stock OpenWrt and GL.iNet: DNS is asked through eth1 (it carries the router’s traffic), and the backups say they can’t be tested', async () => {
    // dig, drill and BIND's nslookup hidden inside the router's own mount namespace (the host keeps them):
    // `command -v` skips a file that is not executable, so the router has BusyBox's nslookup only.
    const hidden = ['/usr/bin/dig', '/usr/bin/drill', '/usr/bin/nslookup'];
    for (const path of hidden) expect((await router('mount', '--bind', '/dev/null', path)).exitCode).toBe(0);
    try {
      expect((await router('sh', '-c', 'command -v dig drill nslookup')).stdout.trim()).toBe('');
      const u = byDevice(await call<TroubleshootReport>('troubleshoot.run', { routerId }));
      expect(dnsOf(u.eth1)).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^example\.com resolves to 203\.0\.113\.10 through eth1 \(DNS server 203\.0\.113\.53\)\./) });
      expect(dnsOf(u.eth1)!.evidence).toContain('$ nslookup example.com 203.0.113.53');
      for (const dev of ['wlan0', 'usb0']) {
        expect(dnsOf(u[dev])).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^Can't test DNS through this uplink on this router: its only DNS tool is nslookup, which cannot choose the uplink/), fix: expect.stringMatching(/opkg install drill/) });
        // Not "works": its checks pass, DNS could not be asked.
        expect(u[dev]!.verdict).toBe(`${dev} works as far as checked; not checked through it: DNS (see below).`);
      }
    } finally {
      for (const path of hidden) await router('umount', path);
    }
  }, 300_000);
});

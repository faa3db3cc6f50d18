// The checks on real lab output (see __fixtures__/README.md): a healthy uplink, a blackholed
// one, one without carrier, a backup with no route of its own, and IPv6 on one uplink only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TroubleshootCheck } from '../../../shared/api/troubleshoot-schemas.ts';
import { planProbes, troubleshootUplink, type UplinkContext } from './troubleshoot-checks.ts';
import { troubleshootFactsCommand, troubleshootProbesCommand, troubleshootSections } from './troubleshoot-commands.ts';
import { parseCurl, parseDigOrDrill, parseNeighbour, parseNslookup, parsePing } from './troubleshoot-parse.ts';

const fixture = (name: string) => troubleshootSections(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'));
const lines = (name: string, dir = '__fixtures__') => readFileSync(join(import.meta.dirname, dir, name), 'utf8').split('\n');

const eth1: UplinkContext = { name: 'eth1', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', target: '203.0.113.10', dnsName: 'example.com', engine: 'the Switchyard agent', ipv6: 'ipv4-only', publicDns: null };
const wlan0: UplinkContext = { ...eth1, name: 'wlan0', device: 'wlan0', kind: 'repeater', gateway: '100.65.1.1' };
const byId = (checks: readonly TroubleshootCheck[]): Partial<Record<string, TroubleshootCheck>> => Object.fromEntries(checks.map((c) => [c.id, c]));

describe('troubleshooting one uplink', () => {
  it('a healthy uplink whose DNS server does not answer: a DNS problem with its fix, not a broken uplink', () => {
    const r = troubleshootUplink(eth1, fixture('lab-eth1-facts-no-agent.txt'), fixture('lab-eth1-probes-healthy.txt'));
    const c = byId(r.checks);
    expect(Object.fromEntries(r.checks.map((x) => [x.id, x.status]))).toEqual({ link: 'pass', gateway: 'pass', target: 'pass', dns: 'fail', http: 'pass', ipv6: 'pass' });
    expect(c.link!.summary).toBe('eth1 is up with carrier; address 100.64.1.2/24.');
    expect(c.gateway!.summary).toMatch(/^The gateway 100\.64\.1\.1 answers ARP \(b2:bd:e6:d1:c4:67\) and ping \(2 of 2, 0\.059 ms\)/);
    expect(c.target!.summary).toBe('203.0.113.10 answers through eth1: 3 of 3, 0.781 ms on average.');
    expect(c.dns!.summary).toBe('The DNS server 10.255.255.53 did not answer through eth1.');
    expect(c.dns!.fix).toMatch(/^Traffic gets through eth1 \(the target answers\), so DNS is blocked on eth1 or the DNS server itself is down/);
    expect(c.http!.summary).toBe('http://203.0.113.10/ answers HTTP 200 through eth1 in 0.01 s.');
    // The evidence is the router's own lines, under the command that printed them.
    expect(c.target!.evidence[0]).toBe('$ ping -n -c 3 -W 2 -I eth1 203.0.113.10');
    expect(c.target!.evidence).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2006ms');
    expect(c.gateway!.evidence).toContain('100.64.1.1 lladdr b2:bd:e6:d1:c4:67 DELAY');
    expect(c.link!.evidence).toContain('    link/ether 1a:e3:62:8c:2c:91 brd ff:ff:ff:ff:ff:ff link-netnsid 1');
    // Traffic flows; names do not: "Needs attention" with the DNS fix, not "Broken".
    expect(r.status).toBe('warn');
    expect(r.verdict).toBe('eth1 carries traffic (203.0.113.10 answers through it), but names do not resolve: The DNS server 10.255.255.53 did not answer through eth1.');
  });

  it('everything answering, the lab DNS server included (recorded): the uplink works', () => {
    const r = troubleshootUplink(eth1, fixture('lab-eth1-facts-lab-dns.txt'), fixture('lab-eth1-probes-lab-dns.txt'));
    expect(r.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(byId(r.checks).dns!.summary).toBe('example.com resolves to 203.0.113.10 through eth1 (DNS server 203.0.113.53).');
    expect(r).toMatchObject({ status: 'pass', verdict: 'eth1 works: link, gateway, a target, DNS and HTTP answer through it.' });
  });

  it('blackholed with a DNS server behind it (recorded): the target fails first, DNS fails too and says to fix the line first', () => {
    const r = troubleshootUplink(eth1, fixture('lab-eth1-facts-lab-dns.txt'), fixture('lab-eth1-probes-lab-dns-blackhole.txt'));
    const c = byId(r.checks);
    expect([c.target!.status, c.dns!.status, c.http!.status]).toEqual(['fail', 'fail', 'fail']);
    expect(c.dns!.summary).toBe('The DNS server 203.0.113.53 did not answer through eth1.');
    expect(c.dns!.fix).toMatch(/^Nothing gets through eth1 beyond the gateway \(see the target check\): fix that first/);
    expect(r.status).toBe('fail');
    expect(r.verdict).toMatch(/^203\.0\.113\.10 does not answer through eth1, though the gateway does/);
  });

  it('blackholed beyond the gateway: the gateway answers, the target and HTTP do not, and it says to check the line', () => {
    const r = troubleshootUplink(eth1, fixture('lab-eth1-facts-no-agent.txt'), fixture('lab-eth1-probes-blackhole.txt'));
    const c = byId(r.checks);
    expect([c.link!.status, c.gateway!.status, c.target!.status, c.http!.status]).toEqual(['pass', 'pass', 'fail', 'fail']);
    expect(c.target!.summary).toMatch(/does not answer through eth1, though the gateway does: the line beyond the modem is down/);
    expect(c.target!.fix).toMatch(/restart the modem, and call the ISP/);
    expect(c.http!.summary).toMatch(/ping does not get through either/);
    expect(c.http!.evidence).toContain('curl: (28) Failed to connect to 203.0.113.10 port 80 after 4000 ms: Timeout was reached');
    expect(r.verdict).toMatch(/^203\.0\.113\.10 does not answer through eth1, though the gateway does/);
  });

  it('no carrier: the link fails with a fix for its kind, nothing is probed, the rest is skipped with the reason', () => {
    const facts = fixture('lab-eth1-facts-down.txt');
    expect(planProbes(eth1, facts).probes).toBeNull();
    const r = troubleshootUplink(eth1, facts, null);
    const c = byId(r.checks);
    expect(c.link).toMatchObject({ status: 'fail', summary: 'eth1 has no carrier: nothing answers at the other end of the cable (state DOWN).' });
    expect(c.link!.fix).toMatch(/^Check the cable at eth1/);
    expect(troubleshootUplink(wlan0, facts, null).checks[0]!.fix).toMatch(/not connected to the Wi-Fi repeater/);
    expect([c.gateway!.status, c.target!.status, c.dns!.status, c.http!.status]).toEqual(['skip', 'skip', 'skip', 'skip']);
    expect(c.gateway!.summary).toMatch(/link is not usable/);
  });

  it('the gateway silent on ARP (captured with the link down): fails and says to restart the modem', () => {
    const r = troubleshootUplink(eth1, fixture('lab-eth1-facts-no-agent.txt'), fixture('lab-eth1-probes-down.txt'));
    expect(byId(r.checks).gateway).toMatchObject({ status: 'fail', summary: 'The gateway 100.64.1.1 does not answer ARP on eth1 (INCOMPLETE): nothing on the link has that address.' });
    expect(byId(r.checks).target).toMatchObject({ status: 'fail', fix: 'Fix the gateway first (see above).' });
  });

  it('a backup with no route of its own: the bound probe would ARP for the target, so it is not sent, and that is said', () => {
    const facts = fixture('lab-wlan0-facts-no-agent.txt');
    const plan = planProbes(wlan0, facts);
    expect(plan.scope).toMatchObject({ scope: 'gateway' });
    expect(plan.probes).toMatchObject({ device: 'wlan0', gateway: '100.65.1.1', target: null, httpUrl: null, dnsServer: null });
    const r = troubleshootUplink(wlan0, facts, { 'gateway.ping': [], 'gateway.neigh': ['100.65.1.1 lladdr c6:00:00:00:00:01 REACHABLE'] });
    const c = byId(r.checks);
    expect(c.target).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^Not checked beyond the gateway: the router has no route to 203\.0\.113\.10 through wlan0/) });
    expect(c.target!.fix).toMatch(/Enable failover with Switchyard/);
    // DNS leaves through eth1 now and BusyBox nslookup cannot be bound: it is not pretended to go through wlan0.
    expect(c.dns).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^Can't test DNS through this uplink on this router: its only DNS tool is nslookup, which cannot choose the uplink/) });
    expect(c.http!.status).toBe('skip');
  });

  it('an uplink whose checks pass but DNS could not be asked through it says so instead of "works" for everything', () => {
    const facts = fixture('lab-wlan0-facts-no-agent.txt');
    const probes = { ...fixture('lab-eth1-probes-healthy.txt'), dns: [] };
    const r = troubleshootUplink({ ...wlan0, gateway: '100.64.1.1' }, { ...facts, route: fixture('lab-eth1-facts-no-agent.txt').route! }, probes);
    expect(byId(r.checks).dns!.status).toBe('skip');
    expect(r).toMatchObject({ status: 'pass', verdict: 'wlan0 works as far as checked; not checked through it: DNS (see below).' });
  });

  it('IPv6 on the backup only, with an engine that moves IPv4 only: both uplinks say IPv6 does not follow the failover', () => {
    const w = byId(troubleshootUplink(wlan0, fixture('lab-wlan0-facts-ipv6-default.txt'), null).checks).ipv6!;
    expect(w).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^wlan0 has an IPv6 default route, but the Switchyard agent moves IPv4 only/) });
    expect(w.evidence).toContain('default via 2001:db8:65::1 dev wlan0 metric 1024 pref medium');
    const e = byId(troubleshootUplink(eth1, fixture('lab-eth1-facts-ipv6-elsewhere.txt'), null).checks).ipv6!;
    expect(e).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^eth1 has no IPv6 route or address, but wlan0 has: IPv6 traffic leaves through wlan0/) });
    expect(byId(troubleshootUplink({ ...wlan0, engine: "GL.iNet's kmwan", ipv6: 'moves-ipv6' }, fixture('lab-wlan0-facts-ipv6-default.txt'), null).checks).ipv6!.status).toBe('pass');
    expect(byId(troubleshootUplink({ ...wlan0, ipv6: 'no-engine' }, fixture('lab-wlan0-facts-ipv6-default.txt'), null).checks).ipv6!.summary).toMatch(/no failover runs on the router yet/);
  });
});

describe('DNS through one uplink (recorded in the lab with dig and drill)', () => {
  const backup: UplinkContext = { ...wlan0, target: '203.0.113.11', publicDns: '1.1.1.1' };
  const withRoute = () => fixture('lab-wlan0-facts-source-route.txt');
  const dnsOf = (facts: ReturnType<typeof fixture>, probes: ReturnType<typeof fixture>) => byId(troubleshootUplink(backup, facts, probes).checks).dns!;

  it('a backup with a route for its own address: dig asks the router’s DNS server and the public resolver from wlan0’s address', () => {
    const plan = planProbes(backup, withRoute());
    expect(plan.probes).toMatchObject({ dnsTool: 'dig', dnsSource: '100.65.1.2', dnsServer: '203.0.113.53', publicDnsServer: '1.1.1.1' });
    const dns = dnsOf(withRoute(), fixture('lab-wlan0-probes-dig.txt'));
    expect(dns).toMatchObject({
      status: 'pass',
      summary: "example.com resolves to 203.0.113.10 through wlan0 (DNS server 203.0.113.53, asked from wlan0's address 100.65.1.2). The public resolver 1.1.1.1 did not answer through wlan0 (timeout).",
    });
    // The evidence shows the route the query took and the tool's own lines.
    expect(dns.evidence).toContain('$ ip -4 route get 203.0.113.53 from 100.65.1.2');
    expect(dns.evidence).toContain('203.0.113.53 from 100.65.1.2 via 100.65.1.1 dev wlan0 table 1001 uid 0');
    expect(dns.evidence).toContain('$ dig +time=2 +tries=1 -b 100.65.1.2 @203.0.113.53 example.com A');
    expect(dns.evidence).toContain('example.com.\t\t0\tIN\tA\t203.0.113.10');
  });

  it('drill where dig is missing, under timeout(1)', () => {
    const facts = { ...withRoute(), tools: withRoute().tools!.filter((t) => !t.endsWith('/dig')) };
    expect(planProbes(backup, facts).probes).toMatchObject({ dnsTool: 'drill', dnsSource: '100.65.1.2' });
    const dns = dnsOf(facts, fixture('lab-wlan0-probes-drill.txt'));
    expect(dns.status).toBe('pass');
    expect(dns.evidence).toContain('$ timeout 5 drill -I 100.65.1.2 example.com @203.0.113.53 A');
  });

  it('udp/53 dropped on wlan0 only: its DNS check fails (dig and drill), with the fix, while its target still answers', () => {
    for (const [tools, probes] of [
      [withRoute().tools!, 'lab-wlan0-probes-dig-dns-dropped.txt'],
      [withRoute().tools!.filter((t) => !t.endsWith('/dig')), 'lab-wlan0-probes-drill-dns-dropped.txt'],
    ] as const) {
      const dns = dnsOf({ ...withRoute(), tools: [...tools] }, fixture(probes));
      expect(dns).toMatchObject({ status: 'fail', summary: 'The DNS server 203.0.113.53 did not answer through wlan0. Neither did the public resolver 1.1.1.1.' });
    }
    // The target's route was on-link only in this capture (no default in main for wlan0), so the
    // fix does not claim that the target answers.
    const r = troubleshootUplink(backup, withRoute(), { ...fixture('lab-wlan0-probes-dig-dns-dropped.txt'), 'gateway.neigh': ['100.65.1.1 lladdr c6:00:00:00:00:01 REACHABLE'] });
    expect(byId(r.checks).dns!.fix).toMatch(/^If addresses answer through wlan0, the DNS server itself is down/);
    expect(r.status).toBe('fail');
  });

  it('the router’s DNS server silent through the backup while the public resolver answers: names stop resolving after a failover', () => {
    // dig's answer from 203.0.113.53 stands in for the public resolver's (the lab has one DNS server).
    const probes = { ...fixture('lab-wlan0-probes-dig-dns-dropped.txt'), 'dns.public': fixture('lab-wlan0-probes-dig.txt').dns! };
    const dns = dnsOf(withRoute(), probes);
    expect(dns).toMatchObject({ status: 'fail', summary: 'The DNS server 203.0.113.53 did not answer through wlan0, but the public resolver 1.1.1.1 does: names stop resolving when wlan0 carries the traffic.' });
    expect(dns.fix).toMatch(/set a DNS server every uplink reaches \(such as 1\.1\.1\.1\) on the router/);
  });

  it('NXDOMAIN and a refusal through the backup', () => {
    const noPublic = { ...backup, dnsName: 'no-such-name.example', publicDns: null };
    expect(byId(troubleshootUplink(noPublic, withRoute(), fixture('lab-wlan0-probes-dig-nxdomain.txt')).checks).dns).toMatchObject({ status: 'warn', summary: 'The DNS server 203.0.113.53 answers through wlan0 but says no-such-name.example does not exist.' });
    expect(byId(troubleshootUplink(noPublic, withRoute(), fixture('lab-wlan0-probes-drill-nxdomain.txt')).checks).dns!.status).toBe('warn');
    const refused = byId(troubleshootUplink({ ...backup, publicDns: null }, withRoute(), fixture('lab-wlan0-probes-dig-refused.txt')).checks).dns!;
    expect(refused.status).toBe('fail');
    expect(refused.summary).toMatch(/refuses queries through wlan0/);
  });

  it('a backup whose address has no route of its own: the query would leave through eth1, so it is not sent, and that is said', () => {
    const facts = fixture('lab-wlan0-facts-no-source-route.txt');
    const plan = planProbes(backup, facts);
    expect(plan.probes).toMatchObject({ dnsServer: null, publicDnsServer: null });
    const dns = byId(troubleshootUplink(backup, facts, { 'gateway.neigh': ['100.65.1.1 lladdr c6:00:00:00:00:01 REACHABLE'] }).checks).dns!;
    expect(dns).toMatchObject({
      status: 'skip',
      summary: "Not asked through wlan0: a query sent from wlan0's address 100.65.1.2 to 203.0.113.53 would leave through eth1, because the router has no route of its own for wlan0's address — it would test eth1, not wlan0.",
    });
    expect(dns.evidence).toContain('203.0.113.53 from 100.65.1.2 via 100.64.1.1 dev eth1 uid 0');
    expect(dns.fix).toMatch(/^Enable failover with Switchyard/);
  });

  it('a router with BusyBox nslookup only (recorded before dig and drill were installed): can’t test through the backup, and says what would', () => {
    const dns = byId(troubleshootUplink(backup, fixture('lab-wlan0-facts-no-agent.txt'), { 'gateway.neigh': [] }).checks).dns!;
    expect(dns.status).toBe('skip');
    expect(dns.summary).toMatch(/^Can't test DNS through this uplink on this router: its only DNS tool is nslookup, which cannot choose the uplink a query leaves by \(no source address option\), and the router's own queries leave through eth1 now\./);
    expect(dns.fix).toMatch(/opkg update && opkg install drill/);
  });

  it('OpenWrt’s per-interface servers (resolv.conf.auto) are the uplink’s own resolver', () => {
    // Synthetic: netifd's layout of /tmp/resolv.conf.d/resolv.conf.auto; no OpenWrt capture has one.
    const resolv = ['search lan', 'nameserver 127.0.0.1', '# Interface wan', 'nameserver 192.0.2.53', '# Interface wwan', 'nameserver 198.51.100.53', 'nameserver 198.51.100.54'];
    const facts = { ...withRoute(), resolv, 'dns.route': ['198.51.100.53 from 100.65.1.2 via 100.65.1.1 dev wlan0 table 1001 uid 0'] };
    const plan = planProbes({ ...backup, name: 'wwan', publicDns: null }, facts);
    expect(plan.dns.queries).toEqual([{ server: '198.51.100.53', role: 'uplink', section: 'dns' }]);
    const dns = byId(troubleshootUplink({ ...backup, name: 'wwan', publicDns: null }, facts, { dns: fixture('lab-wlan0-probes-dig.txt').dns! }).checks).dns!;
    expect(dns.summary).toMatch(/through wlan0 \(wlan0's own DNS server 198\.51\.100\.53, asked from/);
  });
});

describe('troubleshooting parsers', () => {
  it('reads BusyBox ping summaries as well as iputils', () => {
    expect(parsePing(lines('busybox-ping-replies.txt', '../probes/__fixtures__'))).toMatchObject({ transmitted: 5, received: 5, avgRttMs: 0.073 });
    expect(parsePing(lines('busybox-ping-host-unreachable.txt', '../probes/__fixtures__'))).toMatchObject({ transmitted: 4, received: 0, avgRttMs: null });
    expect(parsePing([])).toBeNull();
  });

  it('reads nslookup: an answer (the lab’s DNS server), NXDOMAIN (recorded), a timeout and a refusal (recorded in the lab)', () => {
    expect(parseNslookup(fixture('lab-eth1-probes-lab-dns.txt').dns!)).toEqual({ outcome: 'answered', addresses: ['203.0.113.10'] });
    // The server's own address (Address: … :53) above the answer is not an answer.
    expect(parseNslookup(lines('host-busybox-nslookup-nxdomain.txt'))).toEqual({ outcome: 'nxdomain', addresses: [] });
    expect(parseNslookup(fixture('lab-eth1-probes-healthy.txt').dns!)).toEqual({ outcome: 'timeout', addresses: [] });
    expect(parseNslookup(["nslookup: write to '100.64.1.1': Connection refused"])).toEqual({ outcome: 'refused', addresses: [] });
  });

  it('reads dig and drill: an answer, NXDOMAIN, a refusal, a timeout (recorded in the lab)', () => {
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-dig.txt').dns!)).toEqual({ outcome: 'answered', addresses: ['203.0.113.10'], rcode: 'NOERROR' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-drill.txt').dns!)).toEqual({ outcome: 'answered', addresses: ['203.0.113.10'], rcode: 'NOERROR' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-dig-nxdomain.txt').dns!)).toMatchObject({ outcome: 'nxdomain', rcode: 'NXDOMAIN' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-drill-nxdomain.txt').dns!)).toMatchObject({ outcome: 'nxdomain', rcode: 'NXDOMAIN' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-dig-refused.txt').dns!)).toMatchObject({ outcome: 'refused' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-dig-dns-dropped.txt').dns!)).toMatchObject({ outcome: 'timeout' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-drill.txt')['dns.public']!)).toMatchObject({ outcome: 'timeout' });
    expect(parseDigOrDrill(fixture('lab-wlan0-probes-drill-dns-dropped.txt').dns!)).toMatchObject({ outcome: 'error', addresses: [] });
    expect(parseDigOrDrill([])).toBeNull();
  });

  it('reads curl and the neighbour table', () => {
    expect(parseCurl(fixture('lab-eth1-probes-blackhole.txt').http!)).toEqual({ status: 0, totalSec: 4.000721, exitCode: 28, error: 'curl: (28) Failed to connect to 203.0.113.10 port 80 after 4000 ms: Timeout was reached' });
    expect(parseNeighbour(['100.64.1.1 INCOMPLETE'])).toEqual({ state: 'INCOMPLETE', lladdr: null });
    expect(parseNeighbour([])).toEqual({ state: null, lladdr: null });
  });
});

describe('troubleshooting commands', () => {
  it('passes every value as a quoted argument of a fixed script, and refuses a device name sh could misread', () => {
    const cmd = troubleshootProbesCommand({ device: 'eth1', gateway: '100.64.1.1', target: "1.1.1.1'; reboot; '", dnsServer: null, dnsName: 'example.com', httpUrl: null });
    expect(cmd.text).toMatch(/^sh -c '/);
    expect(cmd.text.endsWith(`sh eth1 100.64.1.1 '1.1.1.1'\\''; reboot; '\\''' '' example.com '' nslookup '' ''`)).toBe(true);
    const dns = troubleshootProbesCommand({ device: 'wlan0', gateway: null, target: null, dnsServer: "1.1.1.1'$(reboot)", dnsName: 'example.com', httpUrl: null, dnsTool: 'dig', dnsSource: '100.65.1.2', publicDnsServer: '9.9.9.9;reboot' });
    expect(dns.text.endsWith(`sh wlan0 '' '' '1.1.1.1'\\''$(reboot)' example.com '' dig 100.65.1.2 '9.9.9.9;reboot'`)).toBe(true);
    expect(troubleshootFactsCommand('wlan0', null, ['1.1.1.1; reboot']).text.endsWith(`sh wlan0 '' '1.1.1.1; reboot'`)).toBe(true);
    expect(() => troubleshootFactsCommand('eth1;reboot', null)).toThrow(/refusing device name/);
    expect(() => troubleshootFactsCommand('-h', null)).toThrow(/refusing device name/);
  });
});

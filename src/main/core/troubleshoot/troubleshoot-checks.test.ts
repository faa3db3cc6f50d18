// The checks on real lab output (see __fixtures__/README.md): a healthy uplink, a blackholed
// one, one without carrier, a backup with no route of its own, and IPv6 on one uplink only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TroubleshootCheck } from '../../../shared/api/troubleshoot-schemas.ts';
import { planProbes, troubleshootUplink, type UplinkContext } from './troubleshoot-checks.ts';
import { troubleshootFactsCommand, troubleshootProbesCommand, troubleshootSections } from './troubleshoot-commands.ts';
import { parseCurl, parseNeighbour, parseNslookup, parsePing } from './troubleshoot-parse.ts';

const fixture = (name: string) => troubleshootSections(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'));
const lines = (name: string, dir = '__fixtures__') => readFileSync(join(import.meta.dirname, dir, name), 'utf8').split('\n');

const eth1: UplinkContext = { name: 'eth1', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', target: '203.0.113.10', dnsName: 'example.com', engine: 'the Switchyard agent', ipv6: 'ipv4-only' };
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
    expect(c.dns!.fix).toMatch(/^Traffic gets through eth1 \(the target answers\), so the DNS server itself is down/);
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
    // DNS leaves through eth1 now; it is not pretended to go through wlan0.
    expect(c.dns).toMatchObject({ status: 'skip', summary: expect.stringMatching(/^Not asked through wlan0: the router's DNS server 10\.255\.255\.53 is reached through eth1 now/) });
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
    expect(cmd.text.endsWith(`sh eth1 100.64.1.1 '1.1.1.1'\\''; reboot; '\\''' '' example.com ''`)).toBe(true);
    expect(() => troubleshootFactsCommand('eth1;reboot', null)).toThrow(/refusing device name/);
    expect(() => troubleshootFactsCommand('-h', null)).toThrow(/refusing device name/);
  });
});

import { describe, expect, it } from 'vitest';
import { fixtureText } from './fixture-helpers.test-util.ts';
import { decideProbeScope, probeScopeCommand, splitProbeScopeOutput } from './probe-scope.ts';

const uplinks = [
  { device: 'eth1', target: '203.0.113.10', gateway: '100.64.1.1' },
  { device: 'wlan0', target: '203.0.113.11', gateway: '100.65.1.1' },
  { device: 'usb0', target: '203.0.113.12', gateway: '100.66.1.1' },
  { device: 'wwan0', target: '203.0.113.13', gateway: '100.67.1.1' },
];
const decide = (fixture: string) => splitProbeScopeOutput(fixtureText(fixture), uplinks.length).map((a, i) => decideProbeScope(uplinks[i]!, a.get, a.link));

describe('probe scope (issue 11: bound probes of non-default uplinks never answered)', () => {
  it('on a plain router probes the path of the default uplink and only the gateway of the others, and says so', () => {
    const d = decide('lab-route-scope-plain.txt');
    expect(d[0]).toEqual({ scope: 'path', target: '203.0.113.10', note: null });
    for (const [i, u] of uplinks.entries()) {
      if (i === 0) continue;
      expect(d[i]).toMatchObject({ scope: 'gateway', target: u.gateway });
      expect(d[i]!.note).toMatch(new RegExp(`^gateway only: the router has no route to ${u.target.replace(/\./g, '\\.')} through ${u.device}`));
    }
  });

  it('with the agent running every uplink has its own route: every probe measures the path', () => {
    expect(decide('lab-route-scope-agent.txt').map((d) => [d.scope, d.target])).toEqual(uplinks.map((u) => ['path', u.target]));
  });

  it('a target inside the uplink\'s own network is really on-link; a target that is the gateway is labelled', () => {
    const wlan = uplinks[1]!;
    const onLink = '100.65.1.0/24 proto kernel src 100.65.1.2 \n';
    expect(decideProbeScope({ ...wlan, target: '100.65.1.7' }, '100.65.1.7 dev wlan0 src 100.65.1.2 uid 0 \n    cache \n', onLink)).toMatchObject({ scope: 'path' });
    expect(decideProbeScope({ ...wlan, target: '100.65.1.1' }, '', onLink)).toMatchObject({ scope: 'gateway', note: expect.stringMatching(/^gateway only/) });
  });

  it('keeps the plain probe when the router gives no usable answer (its own errors then say why)', () => {
    expect(decideProbeScope(uplinks[1]!, 'Error: Device for nexthop is not up.\n', '')).toMatchObject({ scope: 'path', target: '203.0.113.11' });
  });

  it('builds one quoted, read-only command for all uplinks', () => {
    const text = (probeScopeCommand([{ device: 'wl an0', target: '203.0.113.11' }]) as unknown as { text: string }).text;
    expect(text).toContain("ip -4 route get 203.0.113.11 oif 'wl an0'");
    expect(text).not.toMatch(/\b(add|del|replace|flush)\b/);
  });
});

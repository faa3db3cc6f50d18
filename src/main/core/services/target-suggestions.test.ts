// How suggested targets are shared out once the router has answered (the pings themselves are
// tested on the lab in test/integration/target-suggestions.test.ts), and what is read from resolv.conf.
import { describe, expect, it } from 'vitest';
import { assignTargets, candidateTargets, nameserversOf } from './target-suggestions.ts';

const uplinks = ['eth1', 'wlan0', 'usb0', 'wwan0'].map((d) => ({ name: d, device: d }));

describe('target suggestions', () => {
  it('gives every uplink its own answering target once each has a path (failover applied), none shared', () => {
    const targets = ['203.0.113.10', '203.0.113.11', '203.0.113.12', '203.0.113.13'];
    const answered = new Map(uplinks.map((u) => [u.device, new Set(targets)] as const));
    const tested = new Map(uplinks.map((u) => [u.name, 'path' as const]));
    const out = assignTargets(uplinks, tested, answered, targets, new Map());
    expect(out.map((s) => s.targets.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(out.flatMap((s) => s.targets)).size).toBe(4);
    expect(out.every((s) => s.checked === 'through-uplink')).toBe(true);
  });

  it('says an uplink whose gateway is silent should be checked at the cable or modem', () => {
    const out = assignTargets([{ name: 'wan', device: 'eth1', gateway: '100.64.1.1' }], new Map([['wan', 'path' as const]]), new Map(), ['1.1.1.1'], new Map([['wan', false]]));
    expect(out[0]).toMatchObject({ checked: 'none-answered', targets: [] });
    expect(out[0]!.message).toBe("None of 1.1.1.1 answered through eth1 (its gateway 100.64.1.1 does not answer either). Check eth1's cable or modem first.");
  });

  it('reads IPv4 resolvers, not loopback, and tries configured targets first without the gateways', () => {
    expect(nameserversOf('# generated\nnameserver 127.0.0.53\nnameserver 100.64.1.1\nnameserver fe80::1\nnameserver 192.0.2.53\n')).toEqual(['100.64.1.1', '192.0.2.53']);
    expect(candidateTargets(['203.0.113.10', 'not-an-ip'], ['100.64.1.1', '192.0.2.53'], ['100.64.1.1']).slice(0, 3)).toEqual(['203.0.113.10', '192.0.2.53', '1.1.1.1']);
  });
});

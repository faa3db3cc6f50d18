// The first draft orders uplinks the way a technician would and starts from safe defaults.
import { describe, expect, it } from 'vitest';
import { defaultTracking } from './failover-defaults.ts';
import { failoverPolicySchema } from './model.ts';
import type { WanCandidate } from './failover-schemas.ts';
import { initialPolicy } from './initial-policy.ts';

/** Four uplinks as a router reports them, in the router's own (unhelpful) order. */
const candidates: WanCandidate[] = [
  { name: 'wwan', device: 'wwan0', kind: 'cellular', address: '203.0.113.130', prefixLen: 26, gateway: '203.0.113.129', metric: 40, hasDefaultRoute: false },
  { name: 'wlan', device: 'wlan0', kind: 'repeater', address: '198.51.100.2', prefixLen: 24, gateway: '198.51.100.1', metric: 20, hasDefaultRoute: false },
  { name: 'usb', device: 'usb0', kind: 'tethering', address: '203.0.113.2', prefixLen: 26, gateway: '203.0.113.1', metric: 30, hasDefaultRoute: false },
  { name: 'wan', device: 'eth1', kind: 'ethernet', address: '192.0.2.2', prefixLen: 24, gateway: '192.0.2.1', metric: 10, hasDefaultRoute: true },
];

describe('initialPolicy', () => {
  it('puts the default-route uplink first, then ethernet > repeater > tethering > cellular', () => {
    const policy = initialPolicy('linux', candidates);
    expect(policy.wans.map((w) => [w.name, w.priority])).toEqual([
      ['wan', 1],
      ['wlan', 2],
      ['usb', 3],
      ['wwan', 4],
    ]);
  });

  it('prefers the default route over kind order', () => {
    const cellularDefault = candidates.map((c) => ({ ...c, hasDefaultRoute: c.name === 'wwan' }));
    expect(initialPolicy('linux', cellularDefault).wans.map((w) => w.name)).toEqual(['wwan', 'wan', 'wlan', 'usb']);
  });

  it('breaks ties of kind by route metric, then by the router’s order', () => {
    const two = [
      { name: 'wanb', device: 'eth2', kind: 'ethernet' as const, metric: 20, gateway: '198.51.100.1', hasDefaultRoute: false },
      { name: 'wana', device: 'eth1', kind: 'ethernet' as const, metric: 10, gateway: '203.0.113.1', hasDefaultRoute: false },
      { name: 'wanc', device: 'eth3', kind: 'ethernet' as const, gateway: '192.0.2.1', hasDefaultRoute: false },
    ];
    expect(initialPolicy('linux', two).wans.map((w) => w.name)).toEqual(['wana', 'wanb', 'wanc']);
  });

  it('leaves out an Ethernet port with no default route and no gateway: most likely the LAN', () => {
    const withLan = [...candidates, { name: 'eth0', device: 'eth0', kind: 'ethernet' as const, address: '192.0.2.200', prefixLen: 24, hasDefaultRoute: false }];
    expect(initialPolicy('linux', withLan).wans.map((w) => w.name)).not.toContain('eth0');
  });

  it('starts in failover mode with weight 1, the platform’s default tracking, every uplink on', () => {
    const policy = initialPolicy('openwrt-mwan3', candidates);
    expect(policy.mode).toBe('failover');
    expect(policy.forcedRefreshStreams).toBe(false);
    for (const wan of policy.wans) {
      expect(wan.weight).toBe(1);
      expect(wan.enabled).toBe(true);
      expect(wan.tracking).toEqual(defaultTracking('openwrt-mwan3'));
    }
    expect(policy.wans[0]).toMatchObject({ device: 'eth1', kind: 'ethernet', gateway: '192.0.2.1' });
  });

  it('keeps within the router’s uplink limit and leaves out gateways the schema would refuse', () => {
    const odd = [{ ...candidates[3]!, gateway: 'fe80::1' }, ...candidates.slice(0, 3)];
    const policy = initialPolicy('linux', odd, { maxWans: 2 });
    expect(policy.wans).toHaveLength(2);
    expect(policy.wans[0]!.gateway).toBeUndefined();
    // Whatever the router reported, the draft is one the core's schema accepts.
    expect(failoverPolicySchema.safeParse(policy).success).toBe(true);
  });
});

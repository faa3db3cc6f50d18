// Uplink discovery on real output: our router namespace (iproute2 and BusyBox) and the OpenWrt
// 19.07 lab's ubus dump. Synthetic inputs are named so, and only cover shapes no capture has.
import { describe, expect, it } from 'vitest';
import { uplinkCandidateSchema } from '../../../shared/detect-schemas.ts';
import { community, openwrtLab, readDetectFixture } from './detect-test-fixtures.ts';
import { discoverUplinks, type UplinkDiscoveryInput } from './uplink-discovery.ts';

function section(file: string, name: string): string {
  const text = readDetectFixture(file);
  const marker = `\n@@SY:${name}@@\n`;
  if (!text.includes(marker)) return ''; // recorded by an older probe without that section
  const from = text.indexOf(marker) + marker.length;
  return text.slice(from, text.indexOf('\n@@SY:', from));
}

function ipInput(file: string, sessionAddress?: string): UplinkDiscoveryInput {
  return {
    ipAddr: section(file, 'ip-addr'),
    ipRoute: section(file, 'ip-route'),
    ipLink: section(file, 'ip-link'),
    sysNet: section(file, 'sys-net'),
    ubusDump: section(file, 'ubus-network'),
    uciNetwork: section(file, 'uci-network'),
    ipRouteAll: section(file, 'ip-route-all'),
    ipNeigh: section(file, 'ip-neigh'),
    dhcpLeases: section(file, 'dhcp-leases'),
    ...(sessionAddress ? { sessionAddress } : {}),
  };
}

const owrt = (name: string): string => readDetectFixture(`${openwrtLab}/${name}`);

describe('plain Linux (router namespace, recorded)', () => {
  it('one default route: eth1 first with its gateway; other uplinks listed without a gateway', () => {
    const d = discoverUplinks(ipInput('netns-router-one-default.txt', '203.0.113.129'));
    expect(d.uplinks.map((u) => [u.name, u.kind, u.hasDefaultRoute, u.gateway, u.metric, u.address, u.prefixLen])).toEqual([
      ['eth1', 'ethernet', true, '192.0.2.1', 10, '192.0.2.2', 25],
      ['wlan0', 'repeater', false, undefined, undefined, '198.51.100.2', 24],
      ['usb0', 'tethering', false, undefined, undefined, '203.0.113.2', 26],
      ['wwan0', 'cellular', false, undefined, undefined, '203.0.113.66', 26],
    ]);
    expect(d.ignored).toEqual([
      { name: 'lo', reason: 'loopback' },
      { name: 'mgmt0', reason: 'management: the SSH session comes in on 203.0.113.129' },
      { name: 'lan1', reason: 'no IPv4 address and no default route' },
      { name: 'br-lan', reason: 'bridge without a default route (usually the LAN)' },
    ]);
    expect(d.warnings).toEqual([]);
    for (const u of d.uplinks) expect(uplinkCandidateSchema.safeParse(u).success).toBe(true);
  });

  it('the lab router as it starts: eth0 (the LAN, the router is .1 there) is not an uplink; the others get a suggested gateway', () => {
    const d = discoverUplinks(ipInput('lab-router-fresh.txt', '198.51.100.3'));
    expect(d.uplinks.map((u) => [u.name, u.gateway, u.gatewaySource, u.suggestedGateway])).toEqual([
      ['eth1', '100.64.1.1', 'route', undefined],
      ['wlan0', undefined, undefined, '100.65.1.1'],
      ['usb0', undefined, undefined, '100.66.1.1'],
      ['wwan0', undefined, undefined, '100.67.1.1'],
    ]);
    expect(d.ignored.find((i) => i.name === 'eth0')?.reason).toMatch(/^the LAN: this router is 100\.96\.1\.1, the first address of its network/);
    for (const u of d.uplinks) expect(uplinkCandidateSchema.safeParse(u).success).toBe(true);
  });

  it('the lab router with clues: a route in table 100, a neighbour that answered, a DHCP lease each name a gateway', () => {
    const d = discoverUplinks(ipInput('lab-router-clues.txt', '198.51.100.3'));
    expect(d.uplinks.map((u) => [u.name, u.gateway, u.gatewaySource])).toEqual([
      ['eth1', '100.64.1.1', 'route'],
      ['wlan0', '100.65.1.1', 'neighbour'],
      ['usb0', '100.66.1.1', 'route'],
      ['wwan0', '100.67.1.1', 'lease'],
    ]);
    // The LAN client answered on eth0, but eth0 stays the LAN, not an uplink via the client.
    expect(d.uplinks.map((u) => u.name)).not.toContain('eth0');
  });

  it('a /30 or /31 link: the other end is the gateway (synthetic)', () => {
    const d = discoverUplinks({
      ipAddr: '4: wwan0    inet 10.0.0.6/30 scope global wwan0\n5: usb0    inet 10.0.1.1/31 scope global usb0',
      ipRoute: '',
    });
    expect(d.uplinks.map((u) => [u.name, u.gateway, u.gatewaySource])).toEqual([
      ['wwan0', '10.0.0.5', 'peer'],
      ['usb0', '10.0.1.0', 'peer'],
    ]);
  });

  it('systemd-networkd leases are matched to devices by ifindex (synthetic lease line)', () => {
    const d = discoverUplinks({
      ipAddr: '3: eth2    inet 192.168.8.100/24 scope global eth2',
      ipLink: '3: eth2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
      dhcpLeases: 'networkd 3 ROUTER=192.168.8.1',
    });
    expect(d.uplinks.map((u) => [u.name, u.gateway, u.gatewaySource])).toEqual([['eth2', '192.168.8.1', 'lease']]);
  });

  it('mgmt* is ignored by name even without a session address', () => {
    const d = discoverUplinks(ipInput('netns-router-one-default.txt'));
    expect(d.ignored.find((i) => i.name === 'mgmt0')?.reason).toBe('management link (named mgmt*)');
  });

  it('backup and multipath routes: every leg is an uplink with its gateway, ordered by metric', () => {
    const d = discoverUplinks(ipInput('netns-router-backup-and-multipath.txt', '203.0.113.129'));
    expect(d.uplinks.map((u) => [u.name, u.gateway, u.metric, u.up])).toEqual([
      ['eth1', '192.0.2.1', 10, true],
      ['wlan0', '198.51.100.1', 20, true],
      ['usb0', '203.0.113.1', 30, true],
      ['wwan0', '203.0.113.65', 30, false], // its peer has no carrier: linkdown
    ]);
    expect(d.evidence).toContain('default route hops with metric 30: usb0, wwan0 (multipath or equal metrics)');
  });

  it('BusyBox ip hides the multipath legs: those uplinks lose their gateway, and a warning says why', () => {
    const d = discoverUplinks(ipInput('netns-router-busybox-applets.txt', '203.0.113.129'));
    expect(d.uplinks.map((u) => [u.name, u.hasDefaultRoute, u.gateway])).toEqual([
      ['eth1', true, '192.0.2.1'],
      ['wlan0', true, '198.51.100.1'],
      ['usb0', false, undefined],
      ['wwan0', false, undefined],
    ]);
    expect(d.warnings).toEqual([expect.stringContaining('metric 30 does not say which links it uses')]);
  });

  it('the session interface stays an uplink when it carries a default route, with a warning', () => {
    const d = discoverUplinks(ipInput('netns-router-one-default.txt', '192.0.2.2'));
    expect(d.uplinks[0]?.name).toBe('eth1');
    expect(d.warnings).toEqual([expect.stringContaining('reaches the router through eth1 (192.0.2.2)')]);
  });

  it('host capture: ifb helpers and lo ignored, eth0 with the default route', () => {
    const d = discoverUplinks(ipInput('debian12-host-dash.txt'));
    expect(d.uplinks.map((u) => u.name)).toEqual(['eth0']);
    expect(d.uplinks[0]).toMatchObject({ gateway: '192.0.2.1', metric: 0, hasDefaultRoute: true });
    expect(d.ignored.map((i) => i.name)).toEqual(['lo', 'ifb0', 'ifb1']);
  });

  it('tunnels, containers and bridges are ignored even with addresses (synthetic lines)', () => {
    const d = discoverUplinks({
      ipAddr: ['7: wg0    inet 10.9.0.2/24 scope global wg0', '8: docker0    inet 172.17.0.1/16 scope global docker0', '9: br0    inet 192.0.2.1/24 scope global br0'].join('\n'),
      ipRoute: 'default dev wg0 scope link',
    });
    expect(d.uplinks).toEqual([]);
    expect(d.ignored).toEqual([
      { name: 'wg0', reason: 'VPN or tunnel, not a physical uplink (it carries a default route)' },
      { name: 'docker0', reason: 'container or virtual machine network' },
      { name: 'br0', reason: 'bridge without a default route (usually the LAN)' },
    ]);
  });

  it('a PPP default route without `via` takes the peer address as gateway (synthetic lines)', () => {
    const d = discoverUplinks({ ipAddr: '9: ppp0    inet 10.64.64.64 peer 10.64.64.65/32 scope global ppp0', ipRoute: 'default dev ppp0 scope link metric 5' });
    expect(d.uplinks).toEqual([
      expect.objectContaining({ name: 'ppp0', kind: 'cellular', gateway: '10.64.64.65', metric: 5, address: '10.64.64.64', prefixLen: 32 }),
    ]);
  });

  it('nothing at all gives nothing, without throwing', () => {
    expect(discoverUplinks({})).toMatchObject({ uplinks: [], ignored: [], warnings: [] });
  });
});

describe('OpenWrt (ubus dump, real 19.07 capture)', () => {
  const input: UplinkDiscoveryInput = {
    ubusDump: owrt('a_both_online__ubus-call-network.interface-dump.txt'),
    uciNetwork: owrt('a_both_online__uci-show-network.txt'),
    ipRoute: owrt('a_both_online__ip-route-show-table-all.txt'),
  };

  it('offers wan and wanb by logical name with device, gateway and metric; ignores lan and loopback', () => {
    const d = discoverUplinks(input);
    expect(d.uplinks).toEqual([
      {
        name: 'wan',
        device: 'eth1',
        kind: 'ethernet',
        kindReason: "device name eth1 is an Ethernet port's",
        up: true,
        address: '192.0.2.2',
        prefixLen: 24,
        gateway: '192.0.2.1',
        gatewaySource: 'route',
        metric: 10,
        hasDefaultRoute: true,
        proto: 'static',
        source: 'ubus',
      },
      {
        name: 'wanb',
        device: 'eth2',
        kind: 'ethernet',
        kindReason: "device name eth2 is an Ethernet port's",
        up: true,
        address: '198.51.100.2',
        prefixLen: 24,
        gateway: '198.51.100.1',
        gatewaySource: 'route',
        metric: 20,
        hasDefaultRoute: true,
        proto: 'static',
        source: 'ubus',
      },
    ]);
    expect(d.ignored).toEqual([
      { name: 'lan', reason: 'the LAN' },
      { name: 'loopback', reason: 'loopback' },
    ]);
    expect(d.warnings).toEqual([]);
  });

  it('a session on the LAN address is fine (lan is ignored anyway); on a WAN address it warns', () => {
    expect(discoverUplinks({ ...input, sessionAddress: '192.168.1.1' }).warnings).toEqual([]);
    expect(discoverUplinks({ ...input, sessionAddress: '192.0.2.2' }).warnings).toEqual([expect.stringContaining('through wan (192.0.2.2)')]);
  });

  it('duplicate metrics are flagged for mwan3 (the real dump with wanb\'s metric edited to 10)', () => {
    const edited = input.ubusDump!.replace('"metric": 20', '"metric": 10');
    expect(edited).not.toBe(input.ubusDump);
    const d = discoverUplinks({ ...input, ubusDump: edited });
    expect(d.warnings).toEqual([expect.stringContaining('wan and wanb share metric 10')]);
  });

  it('a truncated dump falls back to ip, with a warning (real dump cut in half)', () => {
    const cut = input.ubusDump!.slice(0, 1800);
    const d = discoverUplinks({ ...input, ubusDump: cut });
    expect(d.warnings[0]).toMatch(/ubus network dump could not be read \(not valid JSON/);
    expect(d.uplinks.map((u) => [u.name, u.source, u.gateway])).toEqual([
      ['eth1', 'ip', '192.0.2.1'],
      ['eth2', 'ip', '198.51.100.1'],
    ]);
  });

  it('JSON of the wrong shape is reported, not thrown', () => {
    expect(discoverUplinks({ ubusDump: '{"interfaces": 3}' }).warnings[0]).toContain('without an "interface" array');
    expect(discoverUplinks({ ubusDump: '[1,2,3]' }).warnings[0]).toContain('without an "interface" array');
  });
});

describe('OpenWrt shapes without a real capture (synthetic, see __fixtures__/community/SOURCES.md)', () => {
  it('pppoe and dhcp WANs from the synthetic dump: l3_device pppoe-wanb, gateway from the route', () => {
    const d = discoverUplinks({ ubusDump: readDetectFixture(`${community}/synthetic_ubus-network-interface-dump.json`) });
    expect(d.uplinks.map((u) => [u.name, u.device, u.kind, u.proto, u.gateway, u.metric, u.prefixLen])).toEqual([
      ['wan', 'eth1', 'ethernet', 'dhcp', '192.168.1.1', 10, 24],
      ['wanb', 'pppoe-wanb', 'ethernet', 'pppoe', '100.64.0.1', 20, 32],
    ]);
    expect(d.ignored).toEqual([{ name: 'lan', reason: 'the LAN' }]);
  });

  it('folds a dynamic <name>_4 child into its QMI parent; a down tethering interface is still offered', () => {
    const dump = JSON.stringify({
      interface: [
        { interface: 'wwan', up: true, dynamic: false, proto: 'qmi', device: '/dev/cdc-wdm0', metric: 30, 'ipv4-address': [], route: [] },
        {
          interface: 'wwan_4',
          up: true,
          dynamic: true,
          l3_device: 'wwan0',
          proto: 'dhcp',
          'ipv4-address': [{ address: '100.65.1.2', mask: 30 }],
          route: [{ target: '0.0.0.0', mask: 0, nexthop: '100.65.1.1' }],
        },
        { interface: 'tethering', up: false, dynamic: false, proto: 'dhcp', 'ipv4-address': [], route: [] },
        { interface: 'wan6', up: true, proto: 'dhcpv6', l3_device: 'eth1' },
        { interface: 'vpn', up: true, proto: 'wireguard', l3_device: 'wg0', route: [{ target: '0.0.0.0', mask: 0 }] },
        { interface: 'guest', up: true, proto: 'static', l3_device: 'br-guest', 'ipv4-address': [{ address: '192.168.9.1', mask: 24 }] },
        { nonsense: true },
      ],
    });
    const d = discoverUplinks({ ubusDump: dump, uciNetwork: "network.tethering=interface\nnetwork.tethering.proto='dhcp'\nnetwork.tethering.device='usb0'\nnetwork.tethering.metric='40'" });
    expect(d.uplinks.map((u) => [u.name, u.device, u.kind, u.up, u.gateway, u.metric, u.hasDefaultRoute])).toEqual([
      ['wwan', 'wwan0', 'cellular', true, '100.65.1.1', 30, true],
      ['tethering', 'usb0', 'tethering', false, undefined, 40, false],
    ]);
    expect(d.ignored.map((i) => i.name)).toEqual(['wwan_4', 'wan6', 'vpn', 'guest']);
    expect(d.evidence).toContain('1 ubus interface entr(ies) had an unexpected shape and were skipped');
  });
});

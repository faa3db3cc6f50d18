// ip output parsers against real captures: iproute2 6.1 and BusyBox 1.35 in our router namespace,
// iproute2 5.0 and OpenWrt's BusyBox ip from the OpenWrt 19.07 lab; then edge lines.
import { describe, expect, it } from 'vitest';
import { isMainDefaultRoute, parseIpAddrOneline, parseIpLinkOneline, parseIpRoutes, parseSysNet } from './ip-parse.ts';
import { openwrtLab, readDetectFixture } from './detect-test-fixtures.ts';

/** One section of a recorded probe output. */
function section(file: string, name: string): string {
  const text = readDetectFixture(file);
  const start = text.indexOf(`\n@@SY:${name}@@\n`);
  if (start < 0) throw new Error(`no ${name} in ${file}`);
  const from = start + `\n@@SY:${name}@@\n`.length;
  return text.slice(from, text.indexOf('\n@@SY:', from));
}

describe('parseIpAddrOneline', () => {
  it('reads iproute2 output recorded in the router namespace', () => {
    const { items, skipped } = parseIpAddrOneline(section('netns-router-one-default.txt', 'ip-addr'));
    expect(skipped).toBe(0);
    expect(items.map((a) => `${a.device} ${a.address}/${a.prefixLen} ${a.scope}`)).toEqual([
      'lo 127.0.0.1/8 host',
      'eth1 192.0.2.2/25 global',
      'wlan0 198.51.100.2/24 global',
      'usb0 203.0.113.2/26 global',
      'wwan0 203.0.113.66/26 global',
      'mgmt0 203.0.113.129/30 global',
      'br-lan 192.0.2.129/25 global',
    ]);
  });

  it('reads BusyBox ip output the same way', () => {
    const bb = parseIpAddrOneline(section('netns-router-busybox-applets.txt', 'ip-addr'));
    const full = parseIpAddrOneline(section('netns-router-backup-and-multipath.txt', 'ip-addr'));
    expect(bb).toEqual(full);
  });

  it('reads point-to-point peers, secondaries and labels; skips junk lines', () => {
    const { items, skipped } = parseIpAddrOneline(
      [
        '9: pppoe-wan    inet 100.70.12.34 peer 100.64.0.1/32 scope global pppoe-wan\\       valid_lft forever preferred_lft forever',
        '4: eth0    inet 192.0.2.3/24 brd 192.0.2.255 scope global secondary eth0:1\\       valid_lft forever preferred_lft forever',
        'garbage line',
        '5: eth9    inet 999.1.1.1/24 scope global eth9',
      ].join('\n'),
    );
    expect(items).toEqual([
      { device: 'pppoe-wan', address: '100.70.12.34', prefixLen: 32, peer: '100.64.0.1', scope: 'global', secondary: false },
      { device: 'eth0', address: '192.0.2.3', prefixLen: 24, scope: 'global', secondary: true },
    ]);
    expect(skipped).toBe(2);
  });
});

describe('parseIpRoutes', () => {
  it('reads single, backup and multipath default routes with linkdown (iproute2, recorded)', () => {
    const { items, skipped } = parseIpRoutes(section('netns-router-backup-and-multipath.txt', 'ip-route'));
    expect(skipped).toBe(0);
    const defaults = items.filter(isMainDefaultRoute);
    expect(defaults).toEqual([
      { type: 'unicast', dest: 'default', via: '192.0.2.1', dev: 'eth1', metric: 10, linkdown: false, nexthops: [] },
      { type: 'unicast', dest: 'default', via: '198.51.100.1', dev: 'wlan0', metric: 20, linkdown: false, nexthops: [] },
      {
        type: 'unicast',
        dest: 'default',
        metric: 30,
        linkdown: false,
        nexthops: [
          { via: '203.0.113.1', dev: 'usb0', weight: 1 },
          { via: '203.0.113.65', dev: 'wwan0', weight: 2 },
        ],
      },
    ]);
    expect(items.find((r) => r.dest === '203.0.113.64/26')).toMatchObject({ dev: 'wwan0', linkdown: true, proto: 'kernel', src: '203.0.113.66' });
  });

  it('BusyBox ip prints a multipath route without its legs (recorded)', () => {
    const defaults = parseIpRoutes(section('netns-router-busybox-applets.txt', 'ip-route')).items.filter(isMainDefaultRoute);
    expect(defaults.map((r) => [r.dev, r.via, r.metric, r.nexthops.length])).toEqual([
      ['eth1', '192.0.2.1', 10, 0],
      ['wlan0', '198.51.100.1', 20, 0],
      [undefined, undefined, 30, 0],
    ]);
  });

  it('keeps only main-table IPv4 unicast defaults from OpenWrt `ip route show table all` (real capture)', () => {
    const { items } = parseIpRoutes(readDetectFixture(`${openwrtLab}/a_both_online__ip-route-show-table-all.txt`));
    expect(items.filter((r) => r.dest === 'default')).toHaveLength(4); // tables 1, 2 and main ×2
    expect(items.filter(isMainDefaultRoute).map((r) => `${r.dev} ${r.via} ${r.metric}`)).toEqual(['eth1 192.0.2.1 10', 'eth2 198.51.100.1 20']);
    expect(items.find((r) => r.type === 'unreachable')).toMatchObject({ dest: 'fd00:db8:1::/48', dev: 'lo' });
  });

  it('reads OpenWrt BusyBox `ip route show` (real capture, double spaces)', () => {
    const { items, skipped } = parseIpRoutes(readDetectFixture(`${openwrtLab}/a_both_online__busybox-ip-route-show-OPENWRT-BUSYBOX-IP.txt`));
    expect(skipped).toBe(0);
    expect(items.filter(isMainDefaultRoute).map((r) => `${r.dev} ${r.via} ${r.metric}`)).toEqual(['eth1 192.0.2.1 10', 'eth2 198.51.100.1 20']);
  });

  it('handles `via inet`, 0.0.0.0/0, a stray nexthop line and junk', () => {
    const { items, skipped } = parseIpRoutes(['\tnexthop via 192.0.2.9 dev eth9', '0.0.0.0/0 via inet 192.0.2.1 dev eth1 proto dhcp metric 100', '%%%', 'default dev ppp0 scope link'].join('\n'));
    expect(skipped).toBe(2);
    expect(items.filter(isMainDefaultRoute).map((r) => [r.dev, r.via, r.metric, r.proto])).toEqual([
      ['eth1', '192.0.2.1', 100, 'dhcp'],
      ['ppp0', undefined, undefined, undefined],
    ]);
  });
});

describe('parseIpLinkOneline', () => {
  it('reads state, link type and peer suffix (iproute2, recorded)', () => {
    const { items, skipped } = parseIpLinkOneline(section('netns-router-backup-and-multipath.txt', 'ip-link'));
    expect(skipped).toBe(0);
    expect(items.map((l) => `${l.device} ${l.up ? 'up' : 'down'} ${l.linkType} ${l.parent ?? '-'}`)).toEqual([
      'lo up loopback -',
      'eth1 up ether if2',
      'wlan0 up ether if3',
      'usb0 up ether if4',
      'wwan0 down ether if5',
      'mgmt0 up ether if6',
      'lan1 up ether if7',
      'br-lan up ether -',
    ]);
  });

  it('BusyBox prints no state: NO-CARRIER in the flags still means down (recorded)', () => {
    const { items } = parseIpLinkOneline(section('netns-router-busybox-applets.txt', 'ip-link'));
    const wwan0 = items.find((l) => l.device === 'wwan0');
    expect(wwan0?.up).toBe(false);
    expect(wwan0?.state).toBeUndefined();
    expect(items.find((l) => l.device === 'eth1')).toMatchObject({ up: true, parent: 'eth1' });
  });
});

describe('parseSysNet', () => {
  it('reads the probe lines (recorded), including a bridge devtype and a driver', () => {
    expect(parseSysNet(section('netns-router-one-default.txt', 'sys-net')).items.find((e) => e.device === 'br-lan')).toEqual({
      device: 'br-lan',
      type: 1,
      devtype: 'bridge',
      wireless: false,
    });
    expect(parseSysNet(section('debian12-host-dash.txt', 'sys-net')).items.find((e) => e.device === 'eth0')).toMatchObject({ driver: 'virtio_net' });
  });

  it('refuses odd values instead of passing them on', () => {
    const { items, skipped } = parseSysNet('wwan0 type=65534 devtype=wwan driver=qmi_wwan wireless=0\nbad/name type=1\nwlan0 type=1 devtype=$(x) driver=a;b wireless=1');
    expect(items).toEqual([
      { device: 'wwan0', type: 65534, devtype: 'wwan', driver: 'qmi_wwan', wireless: false },
      { device: 'wlan0', type: 1, wireless: true },
    ]);
    expect(skipped).toBe(1);
  });
});

// One case per rule of guessWanKind, plus the orderings that matter (proto before name,
// pppoe- before ppp, driver before name).
import { describe, expect, it } from 'vitest';
import { guessWanKind, type WanKindHints } from './guess-wan-kind.ts';

const kind = (h: WanKindHints): string => guessWanKind(h).kind;

describe('guessWanKind', () => {
  it.each(['qmi', 'ncm', 'mbim', '3g', 'modemmanager', 'wwan', 'directip', 'QMI'])('proto %s → cellular, even on an eth device', (proto) => {
    expect(kind({ device: 'eth1', proto })).toBe('cellular');
  });

  it.each(['pppoe', 'pppoa'])('proto %s → ethernet', (proto) => {
    expect(kind({ device: 'pppoe-wan', proto })).toBe('ethernet');
    expect(guessWanKind({ proto }).reason).toContain(proto);
  });

  it('kernel devtype wwan → cellular; devtype wlan or a wireless dir → repeater', () => {
    expect(kind({ device: 'eth5', devtype: 'wwan' })).toBe('cellular');
    expect(kind({ device: 'eth5', devtype: 'wlan' })).toBe('repeater');
    expect(kind({ device: 'eth5', wireless: true })).toBe('repeater');
  });

  it.each(['qmi_wwan', 'cdc_mbim', 'huawei_cdc_ncm', 'sierra_net', 'mhi_net', 'option'])('driver %s → cellular', (driver) => {
    expect(kind({ device: 'eth5', driver })).toBe('cellular');
  });

  it.each(['rndis_host', 'ipheth'])('driver %s → tethering, even on an enx device', (driver) => {
    expect(kind({ device: 'enx0a1b2c3d4e5f', driver })).toBe('tethering');
  });

  it('cdc_ether and ordinary NIC drivers decide nothing: the name does', () => {
    expect(kind({ device: 'usb0', driver: 'cdc_ether' })).toBe('tethering');
    expect(kind({ device: 'eth1', driver: 'virtio_net' })).toBe('ethernet');
  });

  it.each(['wwan0', 'wwp0s20f0u6', 'qmi0', '3g-wwan', 'ppp0', 'rmnet_data0', 'mhi_hwip0'])('device %s → cellular', (device) => {
    expect(kind({ device })).toBe('cellular');
  });

  it('pppoe-* is a wired PPPoE session, not a ppp modem', () => {
    expect(kind({ device: 'pppoe-wan' })).toBe('ethernet');
    expect(kind({ device: 'ppp0' })).toBe('cellular');
  });

  it.each(['wlan0', 'wlan0-1', 'wl0', 'wlp2s0', 'wlx00c0ca123456', 'phy0-sta0', 'phy1-sta1', 'apcli0', 'apclix0'])('device %s → repeater', (device) => {
    expect(kind({ device })).toBe('repeater');
  });

  it.each(['usb0', 'usb1', 'rndis0'])('device %s → tethering', (device) => {
    expect(kind({ device })).toBe('tethering');
  });

  it('usb0 with proto dhcp says a phone hands out the address', () => {
    const g = guessWanKind({ device: 'usb0', proto: 'dhcp' });
    expect(g.kind).toBe('tethering');
    expect(g.reason).toContain('DHCP');
  });

  it('enx* (USB NIC named by MAC) → ethernet', () => {
    const g = guessWanKind({ device: 'enx00e04c680001' });
    expect(g).toEqual({ kind: 'ethernet', reason: expect.stringContaining('USB Ethernet') });
  });

  it.each(['eth0', 'eth1.2', 'enp3s0', 'eno1', 'ens18', 'lan1', 'wan'])('device %s → ethernet', (device) => {
    expect(kind({ device })).toBe('ethernet');
  });

  it('logical names decide when there is no device', () => {
    expect(kind({ name: 'tethering' })).toBe('tethering');
    expect(kind({ name: 'usbwan' })).toBe('tethering');
    expect(kind({ name: 'modem_1_1_2' })).toBe('cellular');
    expect(kind({ name: 'lte' })).toBe('cellular');
    expect(kind({ name: 'wwan' })).toBe('repeater');
    expect(kind({ name: 'wanb' })).toBe('ethernet');
  });

  it('a device name beats the logical name (OpenWrt `wwan` on a QMI modem netdev)', () => {
    expect(kind({ name: 'wwan', device: 'wwan0' })).toBe('cellular');
    expect(kind({ name: 'wwan', device: 'apclix0' })).toBe('repeater');
  });

  it('falls back to ethernet and says so', () => {
    expect(guessWanKind({ device: 'xyz0' })).toEqual({ kind: 'ethernet', reason: 'no rule matched; assumed Ethernet' });
    expect(guessWanKind({})).toEqual({ kind: 'ethernet', reason: 'no rule matched; assumed Ethernet' });
  });
});

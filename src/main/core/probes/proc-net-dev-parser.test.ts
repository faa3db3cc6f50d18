import { describe, expect, it } from 'vitest';
import { ThroughputMeter } from '../transport/snmp/counter-rate.ts';
import { netDevSamples, parseProcNetDev, parseProcUptimeMs } from './proc-net-dev-parser.ts';
import { fixtureText } from './fixture-helpers.test-util.ts';

describe('parseProcNetDev', () => {
  it('reads the OpenWrt 19.07 capture', () => {
    const devs = parseProcNetDev(fixtureText('openwrt-19.07-b_wan_offline__cat-proc-net-dev.txt'));
    expect([...devs.keys()]).toEqual(['lo', 'eth1', 'eth2', 'eth0']);
    expect(devs.get('eth1')).toEqual({ rxBytes: 4226n, rxPackets: 47n, txBytes: 5626n, txPackets: 63n });
  });

  it('reads this machine’s /proc/net/dev (kernel 6.18) and a name glued to its first number', () => {
    const devs = parseProcNetDev(fixtureText('proc-net-dev-linux.txt'));
    expect([...devs.keys()]).toEqual(['lo', 'sya0']);
    const glued = parseProcNetDev('wlan0-1:18446744073709551615 1 0 0 0 0 0 0 7 2 0 0 0 0 0 0\n');
    expect(glued.get('wlan0-1')).toEqual({ rxBytes: 2n ** 64n - 1n, rxPackets: 1n, txBytes: 7n, txPackets: 2n });
  });

  it('skips headers and junk, never throws', () => {
    expect(parseProcNetDev('Inter-|   Receive\n face |bytes\nsh: cat: not found\n eth0: 1 2 3\n').size).toBe(0);
  });
});

describe('rates from /proc/uptime + /proc/net/dev', () => {
  it('reads /proc/uptime', () => {
    expect(parseProcUptimeMs('836.12 1282.68\n')).toBe(836_120);
    expect(parseProcUptimeMs('nonsense')).toBeNull();
  });

  it('computes a rate between two recorded snapshots, timed by the router’s uptime', () => {
    const a = netDevSamples(fixtureText('proc-uptime-net-dev-1.txt'), 0);
    const b = netDevSamples(fixtureText('proc-uptime-net-dev-2.txt'), 1000);
    if (a === null || b === null) throw new Error('fixtures lack /proc/uptime');
    const meter = new ThroughputMeter();
    meter.update(a.get('sya0') as never);
    const rate = meter.update(b.get('sya0') as never);
    expect(rate.kind).toBe('rate');
    if (rate.kind !== 'rate') return;
    // 20 pings of 1000 bytes each way went over sya0 between the snapshots.
    const sya0a = a.get('sya0');
    const sya0b = b.get('sya0');
    const seconds = ((sya0b?.uptimeMs ?? 0) - (sya0a?.uptimeMs ?? 0)) / 1000;
    expect(rate.rxBps).toBeCloseTo((Number((sya0b?.rxOctets ?? 0n) - (sya0a?.rxOctets ?? 0n)) * 8) / seconds, 6);
    expect(rate.rxBps).toBeGreaterThan(20 * 1000 * 8 * 0.5);
  });

  it('OpenWrt captures in time order give increasing counters', () => {
    const states = ['a_both_online', 'b_wan_offline', 'c_wan_connecting', 'd_wan_ifdown', 'e_mwan3_stopped'];
    const eth1 = states.map((s) => parseProcNetDev(fixtureText(`openwrt-19.07-${s}__cat-proc-net-dev.txt`)).get('eth1')?.txBytes ?? -1n);
    expect(eth1.every((v, k) => k === 0 || v >= eth1[k - 1])).toBe(true);
    expect(netDevSamples(fixtureText('openwrt-19.07-a_both_online__cat-proc-net-dev.txt'), 0)).toBeNull(); // no uptime line
  });
});

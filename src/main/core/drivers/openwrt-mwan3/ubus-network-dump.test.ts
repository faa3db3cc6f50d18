// Uplink discovery over the real 19.07 `ubus call network.interface dump` captures (every state)
// and the synthetic dump (PPPoE and DHCP shapes), plus metric checks over `uci show network`.
import { describe, expect, it } from 'vitest';
import { community, lab, listFixtures, readFixture } from './test-fixtures.ts';
import { findMetricProblems, findUplinks, parseNetworkInterfaceDump } from './ubus-network-dump.ts';
import { applyUciBatchOps } from './uci/uci-batch.ts';
import { parseUciShow } from './uci/uci-parse.ts';

const dumps = listFixtures(lab, /__ubus-call-network\.interface-dump\.txt$/);

describe('findUplinks (real captures)', () => {
  it('covers every recorded state', () => {
    expect(dumps).toHaveLength(5);
  });

  it.each(dumps)('%s: wan and wanb with their gateways', (file) => {
    const uplinks = findUplinks(parseNetworkInterfaceDump(readFixture(lab, file)));
    expect(uplinks.map((u) => [u.name, u.family, u.device, u.gateway, u.metric, u.up, u.proto])).toEqual([
      ['wan', 'ipv4', 'eth1', '192.0.2.1', 10, true, 'static'],
      ['wanb', 'ipv4', 'eth2', '198.51.100.1', 20, true, 'static'],
    ]);
    expect(uplinks[0]!.addresses).toEqual(['192.0.2.2/24']);
  });

  it('ignores lan and loopback, which have no default route', () => {
    const all = parseNetworkInterfaceDump(readFixture(lab, 'a_both_online__ubus-call-network.interface-dump.txt'));
    expect(all.map((i) => i.interface)).toEqual(['lan', 'loopback', 'wan', 'wanb']);
  });
});

describe('findUplinks (synthetic dump, see SOURCES.md)', () => {
  it('uses l3_device for PPPoE and the nexthop as gateway', () => {
    const uplinks = findUplinks(parseNetworkInterfaceDump(readFixture(community, 'synthetic_ubus-network-interface-dump.json')));
    expect(uplinks).toEqual([
      { name: 'wan', family: 'ipv4', device: 'eth1', baseDevice: 'eth1', proto: 'dhcp', up: true, dynamic: false, addresses: ['192.168.1.100/24'], gateway: '192.168.1.1', metric: 10, uptimeSec: 3910 },
      { name: 'wanb', family: 'ipv4', device: 'pppoe-wanb', baseDevice: 'eth2', proto: 'pppoe', up: true, dynamic: false, addresses: ['100.70.12.34/32'], gateway: '100.64.0.1', metric: 20, uptimeSec: 3905 },
    ]);
  });
});

describe('parseNetworkInterfaceDump errors', () => {
  it.each([
    ['not JSON', 'Command failed: Not found\n', /expected JSON/],
    ['the wrong shape', '{"interfaces": []}', /expected \{"interface":\[/],
    ['a wrong type', '{"interface": [{"interface": "wan", "up": "yes"}]}', /interface\.0\.up/],
  ])('%s gives a command-failed error', (_what, text, message) => {
    expect(() => parseNetworkInterfaceDump(text)).toThrow(message);
  });
});

describe('findMetricProblems (real uci show network)', () => {
  const network = parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network');

  it('accepts distinct metrics 10 and 20', () => {
    expect(findMetricProblems(network, ['wan', 'wanb'])).toEqual([]);
    expect(findMetricProblems(network)).toEqual([]);
  });

  it('reports a duplicate metric and a missing one', () => {
    const edited = applyUciBatchOps(network, [
      { kind: 'set-option', package: 'network', section: 'wanb', option: 'metric', value: '10' },
      { kind: 'set-option', package: 'network', section: 'lan', option: 'metric', value: 'x' },
    ]);
    expect(findMetricProblems(edited, ['wan', 'wanb'])).toEqual([
      { kind: 'duplicate', metric: 10, interfaces: ['wan', 'wanb'], message: 'wan, wanb share metric 10; mwan3 needs a different metric on each uplink. Give them distinct values (e.g. 10, 20).' },
    ]);
    expect(findMetricProblems(edited).map((p) => p.kind)).toEqual(['invalid', 'duplicate']);
    const noMetric = applyUciBatchOps(network, [{ kind: 'delete-option', package: 'network', section: 'wanb', option: 'metric' }]);
    expect(findMetricProblems(noMetric, ['wan', 'wanb'])).toEqual([{ kind: 'missing', interface: 'wanb', message: expect.stringContaining('network.wanb has no metric') }]);
  });
});

// The typed mwan3 view over the real 19.07 export and the stock config (captured from
// openwrt/packages), and the validators' verdicts and messages.
import { describe, expect, it } from 'vitest';
import type { SwitchyardError } from '../../../../shared/errors.ts';
import { community, lab, readFixture } from './test-fixtures.ts';
import { assertValidMwan3Config, mwan3MaxInterfaces, readMwan3Config, validateMwan3Config, validateMwan3Name, type Mwan3Config } from './mwan3-config.ts';
import { applyUciBatchOps } from './uci/uci-batch.ts';
import { parseUciConfigFile, parseUciExport, parseUciShow } from './uci/uci-parse.ts';

const labConfig = () => parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');
const networkNames = parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network')
  .sections.filter((s) => s.type === 'interface')
  .map((s) => s.name!);

describe('readMwan3Config (real capture)', () => {
  const { config, issues } = readMwan3Config(labConfig());

  it('reads interfaces with mwan3 defaults filled in', () => {
    expect(issues).toEqual([]);
    expect(config.interfaces.map((i) => i.name)).toEqual(['wan', 'wanb', 'wan6']);
    expect(config.interfaces[0]).toMatchObject({
      enabled: true, family: 'ipv4', trackIps: ['192.0.2.1', '192.0.2.254'], reliability: 1, count: 1, timeoutSec: 1,
      intervalSec: 1, failureIntervalSec: 1, recoveryIntervalSec: 3, down: 3, up: 20, trackMethod: 'ping', initialState: 'online', checkQuality: false,
    });
    expect(config.interfaces[1]).toMatchObject({ checkQuality: true, failureLatencyMs: 1000, recoveryLossPct: 10 });
    expect(config.interfaces[2]).toMatchObject({ enabled: false, family: 'ipv6' });
  });

  it('reads members, policies and rules, including the anonymous rule', () => {
    expect(config.members).toEqual([
      { name: 'wan_m1_w3', interface: 'wan', metric: 1, weight: 3 },
      { name: 'wanb_m1_w2', interface: 'wanb', metric: 1, weight: 2 },
      { name: 'wanb_m2_w2', interface: 'wanb', metric: 2, weight: 2 },
    ]);
    expect(config.policies).toEqual([
      { name: 'failover', useMembers: ['wan_m1_w3', 'wanb_m2_w2'], lastResort: 'unreachable' },
      { name: 'balanced', useMembers: ['wan_m1_w3', 'wanb_m1_w2'], lastResort: 'unreachable' },
    ]);
    expect(config.rules.map((r) => [r.name, r.ref, r.usePolicy, r.proto])).toEqual([
      ['https', 'https', 'balanced', 'tcp'],
      ['default_rule_v4', 'default_rule_v4', 'failover', 'all'],
      [null, '@rule[2]', 'balanced', 'all'],
    ]);
    expect(config.globals.mmxMask).toBe('0x3F00');
  });

  it('finds nothing wrong apart from the disabled wan6 that has no network interface', () => {
    expect(validateMwan3Config(config, { networkInterfaces: networkNames })).toEqual([
      { severity: 'warning', path: 'mwan3.wan6', message: expect.stringContaining('no interface of the same name in /etc/config/network') },
    ]);
    expect(() => assertValidMwan3Config(config, { networkInterfaces: networkNames })).not.toThrow();
  });

  it('reads a show-parsed config the same way (one-item lists read as options)', () => {
    const fromShow = readMwan3Config(parseUciShow(readFixture(lab, 'uci_edit__uci-show-mwan3.txt'), 'mwan3'));
    expect(fromShow.config).toEqual(config);
  });
});

describe('the stock config (captured from openwrt/packages)', () => {
  it('is valid, with reliability 2 of 4 targets', () => {
    const { config, issues } = readMwan3Config(parseUciConfigFile(readFixture(community, 'mwan3.default.config'), 'mwan3'));
    expect(issues).toEqual([]);
    expect(config.interfaces.find((i) => i.name === 'wan')).toMatchObject({ reliability: 2, trackIps: ['1.0.0.1', '1.1.1.1', '208.67.222.222', '208.67.220.220'] });
    expect(config.rules.find((r) => r.name === 'https')).toMatchObject({ sticky: true, destPort: '443' });
    expect(validateMwan3Config(config).filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe('validateMwan3Name', () => {
  it.each([
    ['policy', 'failover', null],
    ['policy', 'wan_wanb_lte_bal', /16 characters; keep it to 15 or fewer because mwan3 skips policies with longer names/],
    ['rule', 'default_rule_v4x', /16 characters/],
    ['interface', 'wan_fiber_link', /14 characters; keep it to 13 or fewer because the iptables chain/],
    ['interface', 'wan-2', /contains "-"; mwan3 and uci accept only letters, digits and _. Rename it, e.g. "wan_2"/],
    ['member', 'a member', /contains " "/],
    ['member', '', /is empty/],
  ] as const)('%s "%s"', (kind, name, expected) => {
    const result = validateMwan3Name(kind, name);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toMatch(expected);
  });
});

describe('validateMwan3Config on edited configs', () => {
  const edit = (ops: Parameters<typeof applyUciBatchOps>[1]): Mwan3Config => readMwan3Config(applyUciBatchOps(labConfig(), ops)).config;
  const set = (section: string, option: string, value: string) => ({ kind: 'set-option', package: 'mwan3', section, option, value }) as const;

  it.each([
    ['metric above 256', [set('wan_m1_w3', 'metric', '300')], 'mwan3.wan_m1_w3.metric', /ignores metrics above 256/],
    ['weight 0', [set('wanb_m1_w2', 'weight', '0')], 'mwan3.wanb_m1_w2.weight', /between 1 and 1000/],
    ['reliability above the target count', [set('wanb', 'reliability', '3')], 'mwan3.wanb.reliability', /only 2 target\(s\) are tracked/],
    ['unknown track method', [set('wan', 'track_method', 'curl')], 'mwan3.wan.track_method', /use one of ping, arping/],
    ['arping on IPv6', [set('wan6', 'track_method', 'arping')], 'mwan3.wan6.track_method', /only for IPv4/],
    ['a member of a missing interface', [set('wan_m1_w3', 'interface', 'lte')], 'mwan3.wan_m1_w3.interface', /not an mwan3 interface/],
    ['a rule with a missing policy', [set('https', 'use_policy', 'nosuch')], 'mwan3.https.use_policy', /does not exist/],
    ['a bad port list', [set('https', 'dest_port', '443;80')], 'mwan3.https.dest_port', /write ports like/],
    ['recovery latency above failure latency', [set('wanb', 'recovery_latency', '2000')], 'mwan3.wanb.recovery_latency', /above failure_latency/],
    ['an old flush_conntrack value', [{ kind: 'add-list', package: 'mwan3', section: 'wan', option: 'flush_conntrack', value: 'always' }], 'mwan3.wan.flush_conntrack', /pre-2.7/],
  ] as const)('reports %s', (_what, ops, path, message) => {
    const issues = validateMwan3Config(edit(ops as never), { networkInterfaces: [...networkNames, 'wan6'] });
    const errors = issues.filter((i) => i.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe(path);
    expect(errors[0]!.message).toMatch(message);
  });

  it('reports an unreadable number with its default and refuses the config', () => {
    const { config, issues } = readMwan3Config(applyUciBatchOps(labConfig(), [set('wan', 'interval', '5s')]));
    expect(issues).toEqual([{ severity: 'error', path: 'mwan3.wan.interval', message: "mwan3.wan.interval is '5s', which is not a whole number; mwan3 cannot use it. Set a whole number (default 10)." }]);
    expect(config.interfaces[0]!.intervalSec).toBe(10);
    const tooLong = readMwan3Config(applyUciBatchOps(labConfig(), [{ kind: 'rename-section', package: 'mwan3', section: 'failover', newName: 'failover_primary' }])).config;
    try {
      assertValidMwan3Config(tooLong);
      expect.unreachable();
    } catch (e) {
      expect((e as SwitchyardError).code).toBe('invalid-input');
      expect((e as Error).message).toMatch(/"failover_primary" is 16 characters/);
    }
  });

  it('knows how many interfaces the mark mask allows', () => {
    expect(mwan3MaxInterfaces('0x3F00')).toBe(60);
    expect(mwan3MaxInterfaces('0x700')).toBe(4);
    expect(mwan3MaxInterfaces('zz')).toBeNull();
  });
});

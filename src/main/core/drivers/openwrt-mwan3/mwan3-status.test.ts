// mwan3 status in every recorded form: the 19.07 + mwan3 2.12.2 captures (24.10+ text format),
// issue-thread captures of older formats, and the synthetic ubus/text files named in SOURCES.md.
import { describe, expect, it } from 'vitest';
import { community, lab, listFixtures, readFixture } from './test-fixtures.ts';
import {
  isUbusObjectMissing,
  parseMwan3InterfaceLine,
  parseMwan3StatusText,
  parseMwan3TrackerFiles,
  parseUbusMwan3Status,
  type Mwan3StatusReport,
} from './mwan3-status.ts';

const brief = (r: Mwan3StatusReport) => r.interfaces.map((i) => [i.name, i.state, i.tracking, i.missingMask]);

describe('mwan3 text output (real captures, 2.12.2 = 24.10+ format)', () => {
  const textFiles = listFixtures(lab, /__mwan3-(interfaces|status|policies|connected|rules)\.txt$/);

  it.each(textFiles)('%s parses', (file) => {
    expect(() => parseMwan3StatusText(readFixture(lab, file))).not.toThrow();
  });

  it.each([
    ['a_both_online', [['wan', 'online', 'active', null], ['wanb', 'online', 'active', null], ['wan6', 'unknown', 'down', 31]]],
    ['b_wan_offline', [['wan', 'offline', 'active', null], ['wanb', 'online', 'active', null], ['wan6', 'unknown', 'down', 31]]],
    ['c_wan_connecting', [['wan', 'connecting', 'active', null], ['wanb', 'online', 'active', null], ['wan6', 'unknown', 'down', 31]]],
    ['d_wan_ifdown', [['wan', 'disabled', 'paused', 23], ['wanb', 'online', 'active', null], ['wan6', 'unknown', 'down', 31]]],
    ['e_mwan3_stopped', [['wan', 'unknown', 'down', 31], ['wanb', 'unknown', 'down', 31], ['wan6', 'unknown', 'down', 31]]],
  ])('%s: mwan3 interfaces', (state, expected) => {
    expect(brief(parseMwan3StatusText(readFixture(lab, `${state}__mwan3-interfaces.txt`)))).toEqual(expected);
  });

  it('reads times, the full status blocks and the missing-pieces mask', () => {
    const r = parseMwan3StatusText(readFixture(lab, 'a_both_online__mwan3-status.txt'));
    expect(r.interfaces[0]).toMatchObject({ onlineSec: 7, uptimeSec: 10, rawStatus: 'online' });
    expect(r.interfaces[2]!.missing).toEqual({ iifRule: true, fwmarkRule: true, unreachableRule: true, iptablesChain: true, defaultRoute: true });
    expect(r.policies!.ipv4).toEqual([
      { name: 'balanced', members: [{ interface: 'wanb', percent: 40 }, { interface: 'wan', percent: 60 }], lastResort: null },
      { name: 'failover', members: [{ interface: 'wan', percent: 100 }], lastResort: null },
    ]);
    expect(r.policies!.ipv6[0]).toEqual({ name: 'balanced', members: [], lastResort: 'unreachable' });
    expect(r.connected!.ipv4).toContain('198.51.100.0/24');
    expect(r.connected!.ipv6).toEqual(['fe80::/64']);
    expect(r.rules!.ipv4).toEqual([
      { packets: '0', bytes: '0', sticky: false, target: 'balanced', proto: 'tcp', match: '--  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 443' },
      { packets: '0', bytes: '0', sticky: false, target: 'failover', proto: 'all', match: '--  *      *       0.0.0.0/0            0.0.0.0/0' },
    ]);
    expect(parseMwan3StatusText(readFixture(lab, 'f_mwan3_restarted__mwan3-status.txt')).rules!.ipv4).toHaveLength(3);
    const ifdown = parseMwan3StatusText(readFixture(lab, 'd_wan_ifdown__mwan3-status.txt'));
    expect(ifdown.interfaces[0]!.missing).toEqual({ iifRule: true, fwmarkRule: true, unreachableRule: true, iptablesChain: false, defaultRoute: true });
  });

  it('gives null for blocks that were not printed and empty lists for empty blocks', () => {
    const only = parseMwan3StatusText(readFixture(lab, 'a_both_online__mwan3-interfaces.txt'));
    expect(only.policies).toBeNull();
    const stopped = parseMwan3StatusText(readFixture(lab, 'e_mwan3_stopped__mwan3-status.txt'));
    expect(stopped.policies).toEqual({ ipv4: [], ipv6: [] });
    expect(stopped.rules).toEqual({ ipv4: [], ipv6: [] });
  });
});

describe('older mwan3 text formats (captured in GitHub issues)', () => {
  it('2.8-era "is online 00h:02m:12s, uptime … and tracking is active" (#13145)', () => {
    const r = parseMwan3StatusText(readFixture(community, 'mwan3-status_2.8-era_issue13145.txt'));
    expect(r.interfaces.map((i) => [i.name, i.state, i.onlineSec, i.uptimeSec])).toEqual([
      ['wan', 'online', 132, 3567],
      ['wanb', 'online', 129, 2143],
      ['wg1', 'offline', 0, 1908],
      ['l2tp', 'offline', 0, 132],
    ]);
    expect(r.rules!.ipv4.map((x) => [x.sticky, x.target, x.packets, x.bytes])).toContainEqual([true, 'ip_193_254', '436', '22629']);
    expect(r.policies!.ipv4.find((p) => p.name === 'balanced')!.members).toEqual([
      { interface: 'wanb', percent: 47 },
      { interface: 'wan', percent: 52 },
    ]);
  });

  it('2.10-era "tracking is not enabled" and "paused" (#15578)', () => {
    const r = parseMwan3StatusText(readFixture(community, 'mwan3-status_2.10-era_no-tracking_issue15578.txt'));
    expect(brief(r)).toEqual([
      ['wan', 'online', 'not-enabled', null],
      ['wwan', 'offline', 'paused', null],
    ]);
    expect(r.rules!.ipv4[0]).toMatchObject({ packets: '30', bytes: '2792', target: 'wan_wwan' });
    expect(r.rules!.ipv6).toEqual([]);
  });

  it('2.6-era partial output with "(default policies)" and blank lines between policies (#4910)', () => {
    const r = parseMwan3StatusText(readFixture(community, 'mwan3-status_2.6-era_partial_issue4910.txt'));
    expect(brief(r)).toEqual([
      ['wan', 'online', 'active', null],
      ['wan2', 'offline', 'active', null],
    ]);
    expect(r.policies!.ipv4.map((p) => p.name)).toEqual(['balanced', 'wan2_only', 'wan2_wan', 'wan_only', 'wan_wan2']);
    expect(r.policies!.ipv4[1]!.lastResort).toBe('unreachable');
  });

  it('"is error" lines (#5058) read as unknown, keeping the raw word', () => {
    const r = parseMwan3StatusText(readFixture(community, 'mwan3-interfaces_error-state_issue5058.txt'));
    expect(r.interfaces.map((i) => [i.name, i.state, i.rawStatus])).toEqual([
      ['wan', 'unknown', 'error'],
      ['wan2', 'unknown', 'error'],
    ]);
  });

  it('synthetic 2.11.12+ text (built from mwan3.sh, not captured)', () => {
    const r = parseMwan3StatusText(readFixture(community, 'synthetic_mwan3-status_2.11.12-plus.txt'));
    expect(brief(r)).toEqual([
      ['wan', 'online', 'active', null],
      ['wan6', 'unknown', 'down', 31],
      ['wanb', 'offline', 'active', null],
      ['wanb6', 'unknown', 'down', 31],
    ]);
    expect(r.interfaces[0]).toMatchObject({ onlineSec: 3723, uptimeSec: 3910 });
    expect(r.rules!.ipv4[0]).toMatchObject({ sticky: true, target: 'https' });
  });

  it('reads an old-format "error (16)" state word (format per mwan3.md, no capture)', () => {
    expect(parseMwan3InterfaceLine(' interface wan is error (16) and tracking is active')).toMatchObject({ state: 'unknown', rawStatus: 'error', missingMask: 16 });
  });
});

describe('ubus call mwan3 status', () => {
  it('2.8-era shell plugin (captured in #14485, wan only): no tracking field, so running decides', () => {
    const r = parseUbusMwan3Status(readFixture(community, 'ubus-mwan3-status_2.8-era_wan-only_issue14485.json'));
    expect(r.interfaces).toEqual([
      {
        name: 'wan', state: 'online', rawStatus: 'online', tracking: 'active', enabled: true, linkUp: true, uptimeSec: 79206,
        onlineSec: 79205, offlineSec: 0, ageSec: 2, score: 6, lost: 0, turn: 14387, missingMask: null, missing: null,
        targets: [
          { ip: '119.29.29.29', status: 'skipped', latencyMs: 0, lossPct: 0 },
          { ip: '180.76.76.76', status: 'skipped', latencyMs: 0, lossPct: 0 },
          { ip: '223.5.5.5', status: 'up', latencyMs: 0, lossPct: 0 },
          { ip: '223.6.6.6', status: 'up', latencyMs: 0, lossPct: 0 },
        ],
      },
    ]);
    expect(r.policies).toBeNull();
  });

  it('2.12 ucode plugin (synthetic, from the plugin source): tracking field, policies with [] when none online', () => {
    const r = parseUbusMwan3Status(readFixture(community, 'synthetic_ubus-mwan3-status_2.12-ucode.json'));
    expect(brief(r)).toEqual([
      ['wan', 'online', 'active', null],
      ['wanb', 'offline', 'active', null],
    ]);
    expect(r.interfaces[1]!.targets.every((t) => t.status === 'down')).toBe(true);
    expect(r.policies!.ipv4.find((p) => p.name === 'wanb_only')!.members).toEqual([]);
    expect(r.connected!.ipv4).toEqual(['224.0.0.0/3', '192.168.1.0/24', '127.0.0.0/8']);
  });

  it('treats 22.03/23.05 "notracking" as online while netifd has the link up (mwan3.md, no capture)', () => {
    const r = parseUbusMwan3Status('{"interfaces":{"wan":{"status":"notracking","up":true,"enabled":true,"running":false}}}');
    expect(brief(r)).toEqual([['wan', 'online', 'not-enabled', null]]);
  });

  it('recognises the recorded "Command failed: Not found" (no rpcd plugin) so the driver falls back to text', () => {
    expect(isUbusObjectMissing(4, readFixture(lab, 'common__ubus-call-mwan3-status.stderr.txt'))).toBe(true);
    expect(isUbusObjectMissing(0, '')).toBe(false);
  });

  it.each([
    ['empty output', '', /expected JSON/],
    ['an unrelated object', '{"foo": 1}', /none of interfaces, policies, connected/],
    ['a wrong type', '{"interfaces": {"wan": {"status": 1}}}', /interfaces\.wan\.status/],
  ])('rejects %s with a clear error', (_what, text, message) => {
    expect(() => parseUbusMwan3Status(text)).toThrow(message);
  });
});

describe('mwan3 text errors', () => {
  it.each([
    ['unrelated text', 'uci: Entry not found\n', /expected a header such as "Interface status:"/],
    ['an unknown interface line', 'Interface status:\n interface wan is sleeping\n', /line 2: expected " interface <name> is <state>/],
    ['empty output', '', /expected "Interface status:"/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseMwan3StatusText(text)).toThrow(message);
  });
});

describe('tracker state files /var/run/mwan3track/<iface> (real captures)', () => {
  it.each([
    ['a_both_online', 'wanb', { status: 'online', state: 'online', paused: false, score: 6, lost: 0, turn: 1 }, [{ ip: '198.51.100.1', status: 'up', latencyMs: 0, lossPct: 0 }]],
    ['b_wan_offline', 'wan', { status: 'offline', state: 'offline', score: 0, lost: 8, offlineAt: 2627 }, [{ ip: '192.0.2.1', status: 'down', latencyMs: null, lossPct: null }, { ip: '192.0.2.254', status: 'down', latencyMs: null, lossPct: null }]],
    ['c_wan_connecting', 'wan', { status: 'connecting', state: 'connecting', lost: 22, turn: 40 }, [{ ip: '192.0.2.1', status: 'down', latencyMs: null, lossPct: null }, { ip: '192.0.2.254', status: 'up', latencyMs: null, lossPct: null }]],
    ['d_wan_ifdown', 'wan', { status: 'disabled', state: 'disabled', paused: true, score: 23 }, [{ ip: '192.0.2.1', status: 'up', latencyMs: null, lossPct: null }, { ip: '192.0.2.254', status: 'skipped', latencyMs: null, lossPct: null }]],
  ])('%s %s', (state, iface, expected, targets) => {
    const files = parseMwan3TrackerFiles(readFixture(lab, `${state}__for-f-in-var-run-mwan3track-${iface}-cat.txt`), iface)!;
    expect(files).toMatchObject(expected);
    expect(files.targets).toEqual(targets);
  });

  it('returns null when mwan3 is stopped and the directory is gone', () => {
    expect(parseMwan3TrackerFiles(readFixture(lab, 'e_mwan3_stopped__for-f-in-var-run-mwan3track-wan-cat.txt'), 'wan')).toBeNull();
  });

  it.each(listFixtures(lab, /__for-f-in-var-run-mwan3track-wanb?-cat\.txt$/))('%s parses', (file) => {
    const iface = /mwan3track-(wanb?)-cat/.exec(file)![1]!;
    expect(() => parseMwan3TrackerFiles(readFixture(lab, file), iface)).not.toThrow();
  });
});

// Policy ⇄ mwan3 UCI: round trips (property-tested), no-op writes, the user's sections left byte
// for byte, and the batch replayed on the recorded configs (real captures, see the lab README).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';
import { lab, community, readFixture } from './test-fixtures.ts';
import {
  checkPolicyForMwan3,
  mwan3ToPolicy,
  normalizeMwan3Policy,
  policyToMwan3,
  predictPolicyFailover,
  predictPolicyFailoverSec,
  readForcedWan,
  removeSwitchyardSectionsOps,
  switchyardForcedPolicy,
  switchyardMember,
  switchyardPolicy,
  switchyardPrefix,
  switchyardRule,
  type UplinkLookup,
} from './mwan3-policy-map.ts';
import { readMwan3Config, validateMwan3Name } from './mwan3-config.ts';
import { applyUciBatchOps, buildUciBatch } from './uci/uci-batch.ts';
import { findUciSection, type UciPackage } from './uci/uci-model.ts';
import { parseUciConfigFile, parseUciExport } from './uci/uci-parse.ts';
import { serializeUciExport } from './uci/uci-serialize.ts';

const labText = readFixture(lab, 'a_both_online__uci-export-mwan3.txt');
const labPkg = (): UciPackage => parseUciExport(labText, 'mwan3');
const stockPkg = (): UciPackage => parseUciConfigFile(readFixture(community, 'mwan3.default.config'), 'mwan3');

const tracking = (targets: string[], extra: Partial<Wan['tracking']> = {}): Wan['tracking'] => ({
  method: 'ping', targets, reliability: 1, intervalSec: 5, timeoutSec: 2, downCount: 3, upCount: 3, failureIntervalSec: 2, ...extra,
});
const wan = (name: string, device: string, priority: number, extra: Partial<Wan> = {}): Wan => ({
  name, device, kind: 'ethernet', priority, weight: 1, enabled: true, tracking: tracking(['192.0.2.1']), ...extra,
});
const lookupFor = (p: FailoverPolicy): UplinkLookup => (n) => {
  const w = p.wans.find((x) => x.name === n);
  return w ? { device: w.device, kind: w.kind, gateway: w.gateway } : undefined;
};

const failover: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: true,
  wans: [
    wan('wan', 'eth1', 1, { gateway: '192.0.2.1', tracking: tracking(['192.0.2.1', '192.0.2.254']) }),
    wan('wanb', 'eth2', 2, { gateway: '198.51.100.1', tracking: tracking(['198.51.100.1'], { latencyThresholdMs: 300 }) }),
  ],
};

/** Sections the user owns, printed as uci export prints them. */
const userPart = (pkg: UciPackage, wans: readonly string[]): string =>
  serializeUciExport({ ...pkg, sections: pkg.sections.filter((s) => !(s.name?.startsWith(switchyardPrefix) || wans.includes(s.name ?? ''))) });

describe('policyToMwan3 on the recorded 19.07 config', () => {
  it('creates members, a policy and a rule of its own, placed before the user catch-all rule', () => {
    const policy = normalizeMwan3Policy(failover);
    const { ops, after } = policyToMwan3(labPkg(), policy);
    expect(buildUciBatch(ops)).toMatchInlineSnapshot(`
      "set mwan3.wan.timeout='2'
      set mwan3.wan.interval='5'
      set mwan3.wan.failure_interval='2'
      set mwan3.wan.up='3'
      set mwan3.wanb.failure_interval='2'
      set mwan3.wanb.failure_latency='300'
      set mwan3.wanb.recovery_latency='150'
      set mwan3.sy_m_wan='member'
      set mwan3.sy_m_wan.interface='wan'
      set mwan3.sy_m_wanb='member'
      set mwan3.sy_m_wanb.interface='wanb'
      set mwan3.sy_m_wanb.metric='2'
      set mwan3.sy_policy='policy'
      set mwan3.sy_policy.use_member=''
      add_list mwan3.sy_policy.use_member='sy_m_wan'
      add_list mwan3.sy_policy.use_member='sy_m_wanb'
      set mwan3.sy_policy.last_resort='default'
      set mwan3.sy_policy.switchyard_frs='1'
      set mwan3.sy_default='rule'
      set mwan3.sy_default.dest_ip='0.0.0.0/0'
      set mwan3.sy_default.family='ipv4'
      set mwan3.sy_default.use_policy='sy_policy'
      reorder mwan3.sy_default='9'
      "
    `);
    // Above the stock sticky https rule too, so HTTPS follows the user's order (issue 16 item 8).
    expect(after.sections.filter((s) => s.type === 'rule').map((s) => s.name)).toEqual(['sy_default', 'https', 'default_rule_v4']);
  });

  it('leaves every section it does not manage byte for byte, and writes nothing when nothing changed', () => {
    const policy = normalizeMwan3Policy(failover);
    const { after } = policyToMwan3(labPkg(), policy);
    expect(userPart(after, ['wan', 'wanb'])).toBe(userPart(labPkg(), ['wan', 'wanb']));
    const again = policyToMwan3(after, policy);
    expect(again.ops).toEqual([]);
    expect(serializeUciExport(again.after)).toBe(serializeUciExport(after));
  });

  it('reads back the policy it wrote', () => {
    const policy = normalizeMwan3Policy(failover);
    const { after } = policyToMwan3(labPkg(), policy);
    expect(mwan3ToPolicy(after, lookupFor(policy))).toEqual(policy);
  });

  it('writes back the recorded config byte for byte when the policy read from it is written again', () => {
    const policy = normalizeMwan3Policy(failover);
    const managed = policyToMwan3(labPkg(), policy).after;
    const text = serializeUciExport(managed);
    const read = mwan3ToPolicy(parseUciExport(text, 'mwan3'), lookupFor(policy))!;
    const { ops, after } = policyToMwan3(parseUciExport(text, 'mwan3'), read);
    expect(ops).toEqual([]);
    expect(serializeUciExport(after)).toBe(text);
  });

  it('changes the tracked targets to what the real router made of the recorded uci_edit batch', () => {
    // uci_edit ran `add_list mwan3.wanb.track_ip='198.51.100.254'` (plus an anonymous rule) on state a.
    const real = parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');
    const cfg = labPkg();
    const desired = normalizeMwan3Policy({
      mode: 'failover', forcedRefreshStreams: false,
      wans: [
        wan('wan', 'eth1', 1, { tracking: tracking(['192.0.2.1', '192.0.2.254'], { intervalSec: 1, timeoutSec: 1, downCount: 3, upCount: 20, failureIntervalSec: 1 }) }),
        wan('wanb', 'eth2', 2, { tracking: tracking(['198.51.100.1', '198.51.100.254'], { intervalSec: 5, timeoutSec: 2, downCount: 3, upCount: 3, failureIntervalSec: 5, latencyThresholdMs: 1000, lossThresholdPct: 40 }) }),
      ],
    });
    const { ops, after } = policyToMwan3(cfg, desired);
    expect(ops.filter((o) => 'section' in o && (o.section === 'wan' || o.section === 'wanb'))).toEqual([
      { kind: 'add-list', package: 'mwan3', section: 'wanb', option: 'track_ip', value: '198.51.100.254' },
    ]);
    expect(findUciSection(after, 'wanb')).toEqual(findUciSection(real, 'wanb'));
    expect(findUciSection(after, 'wan')).toEqual(findUciSection(real, 'wan'));
  });

  it('forces one uplink through a policy of its own and goes back to automatic', () => {
    const policy = normalizeMwan3Policy(failover);
    const base = policyToMwan3(labPkg(), policy).after;
    const forced = policyToMwan3(base, policy, { forcedWan: 'wanb' });
    expect(buildUciBatch(forced.ops)).toBe(
      "set mwan3.sy_forced='policy'\nset mwan3.sy_forced.use_member=''\nadd_list mwan3.sy_forced.use_member='sy_m_wanb'\nset mwan3.sy_forced.last_resort='default'\nset mwan3.sy_default.use_policy='sy_forced'\n",
    );
    expect(readForcedWan(forced.after)).toBe('wanb');
    expect(policyToMwan3(forced.after, policy).ops).toEqual([]);
    const auto = policyToMwan3(forced.after, policy, { forcedWan: null });
    expect(readForcedWan(auto.after)).toBeNull();
    expect(serializeUciExport(auto.after)).toBe(serializeUciExport(base));
  });

  it('removes its own sections and nothing else', () => {
    const policy = normalizeMwan3Policy(failover);
    const after = policyToMwan3(labPkg(), policy).after;
    const removed = applyUciBatchOps(after, removeSwitchyardSectionsOps(after));
    expect(removed.sections.map((s) => s.name)).toEqual(labPkg().sections.map((s) => s.name));
  });

  it('leaves connection clearing to Switchyard’s per-uplink hook: mwan3’s whole-table flush_conntrack events go from its uplinks, any other value stays; Forced Refresh Streams is kept in sy_policy', () => {
    const pkg = applyUciBatchOps(labPkg(), [{ kind: 'set-list', package: 'mwan3', section: 'wan', option: 'flush_conntrack', values: ['ifup', 'always', 'disconnected'] }]);
    const flush = (p: UciPackage, wan: string) => findUciSection(p, wan)!.options.find((o) => o.name === 'flush_conntrack');
    const frs = (p: UciPackage) => findUciSection(p, 'sy_policy')!.options.find((o) => o.name === 'switchyard_frs');
    const after = policyToMwan3(pkg, normalizeMwan3Policy(failover)).after;
    expect(flush(after, 'wan')).toEqual({ kind: 'list', name: 'flush_conntrack', values: ['always'] });
    expect(flush(after, 'wanb')).toBeUndefined();
    expect(frs(after)).toEqual({ kind: 'option', name: 'switchyard_frs', value: '1' });
    expect(mwan3ToPolicy(after, () => undefined)!.forcedRefreshStreams).toBe(true);
    const off = policyToMwan3(after, normalizeMwan3Policy({ ...failover, forcedRefreshStreams: false })).after;
    expect(frs(off)).toBeUndefined();
    expect(mwan3ToPolicy(off, () => undefined)!.forcedRefreshStreams).toBe(false);
    // Load Balance: no uplink returns over another, so Forced Refresh Streams has nothing to do.
    const balance = policyToMwan3(after, normalizeMwan3Policy({ ...failover, mode: 'balance' })).after;
    expect(frs(balance)).toBeUndefined();
    // A config an older Switchyard wrote (flush_conntrack 'connected') still reads as on; the next apply moves it.
    const legacy = applyUciBatchOps(off, [{ kind: 'set-list', package: 'mwan3', section: 'wan', option: 'flush_conntrack', values: ['disconnected', 'ifdown', 'connected'] }]);
    expect(mwan3ToPolicy(legacy, () => undefined)!.forcedRefreshStreams).toBe(true);
    const moved = policyToMwan3(legacy, normalizeMwan3Policy(failover)).after;
    expect(flush(moved, 'wan')).toBeUndefined();
    expect(frs(moved)!.kind).toBe('option');
  });

  it('maps balance to one metric with weights', () => {
    const balance = normalizeMwan3Policy({ ...failover, mode: 'balance', wans: [failover.wans[0]!, { ...failover.wans[1]!, weight: 3 }] });
    const after = policyToMwan3(labPkg(), balance).after;
    const opts = (n: string) => findUciSection(after, n)!.options;
    expect(opts('sy_m_wan')).toEqual([{ kind: 'option', name: 'interface', value: 'wan' }]);
    expect(opts('sy_m_wanb')).toEqual([{ kind: 'option', name: 'interface', value: 'wanb' }, { kind: 'option', name: 'weight', value: '3' }]);
    expect(mwan3ToPolicy(after, lookupFor(balance))).toEqual(balance);
  });
});

describe('normalizeMwan3Policy', () => {
  it('turns one tier into balance and a single uplink into failover', () => {
    expect(normalizeMwan3Policy({ ...failover, wans: failover.wans.map((w) => ({ ...w, priority: 2 })) })).toMatchObject({ mode: 'balance', forcedRefreshStreams: false, wans: [{ priority: 1 }, { priority: 2 }] });
    expect(normalizeMwan3Policy({ ...failover, mode: 'balance', wans: [failover.wans[0]!] })).toMatchObject({ mode: 'failover' });
  });

  it('makes a quality threshold complete (mwan3 judges both latency and loss) and no targets mean no tracking', () => {
    const p = normalizeMwan3Policy(failover);
    expect(p.wans[1]!.tracking).toMatchObject({ latencyThresholdMs: 300, lossThresholdPct: 40 });
    expect(normalizeMwan3Policy({ ...failover, wans: [{ ...failover.wans[0]!, tracking: tracking([]) }] }).wans[0]!.tracking.method).toBe('none');
  });
});

describe('checkPolicyForMwan3 (bad input)', () => {
  const ctx = { networkInterfaces: ['lan', 'wan', 'wanb'], current: labPkg() };
  const one = (w: Wan): string[] => checkPolicyForMwan3({ mode: 'failover', forcedRefreshStreams: false, wans: [w] }, ctx);
  it('accepts a good policy', () => {
    expect(checkPolicyForMwan3(failover, ctx)).toEqual([]);
  });
  it('refuses names mwan3 rejects, unknown interfaces and clashes', () => {
    expect(one(wan('wan-2', 'eth3', 1))).toEqual([expect.stringContaining('contains "-"'), expect.stringContaining('not an interface in /etc/config/network')]);
    expect(one(wan('averyverylongname', 'eth3', 1))[0]).toMatch(/17 characters; keep it to 13/);
    expect(one(wan('wan_m1_w3', 'eth3', 1))).toContain('Uplink "wan_m1_w3": the mwan3 config already has a member section named "wan_m1_w3"; uci names are unique, so rename that section first.');
    expect(one(wan('sy_x', 'eth3', 1)).join(' ')).toMatch(/reserved/);
  });
  it('refuses values out of range and fractions mwan3 cannot store', () => {
    expect(one(wan('wan', 'eth1', 1, { tracking: tracking(['192.0.2.1'], { intervalSec: 0.5 }) }))).toEqual([expect.stringContaining('the interval is 0.5 s; mwan3 counts whole seconds')]);
    expect(one(wan('wan', 'eth1', 1, { tracking: tracking(['192.0.2.1'], { reliability: 2 }) }))[0]).toMatch(/2 targets must answer but only 1/);
    expect(one(wan('wan', 'eth1', 1, { weight: 0 }))[0]).toMatch(/^wans\.0\.weight/);
    expect(one(wan('wan', 'eth1', 1, { tracking: tracking(['192.0.2.1', '192.0.2.1']) }))[0]).toMatch(/listed twice/);
  });
});

describe('Switchyard section names', () => {
  it('are names mwan3 accepts (policies and rules ≤ 15 characters)', () => {
    expect(validateMwan3Name('policy', switchyardPolicy)).toBeNull();
    expect(validateMwan3Name('policy', switchyardForcedPolicy)).toBeNull();
    expect(validateMwan3Name('rule', switchyardRule)).toBeNull();
    expect(validateMwan3Name('member', switchyardMember('averylongname')!)).toBeNull();
  });
});

describe('predictPolicyFailover', () => {
  it('is the detection time of the preferred uplink plus mwan3’s reaction, with its parts', () => {
    const p = normalizeMwan3Policy(failover);
    // wan: interval 5 + 3 × (2 × 1 × 2) + 2 × 2 = 21 s to detect, then ≤ 1 s for mwan3's hotplug and rules.
    expect(predictPolicyFailoverSec(p)).toBe(22);
    expect(predictPolicyFailover(p).parts.map((x) => x.sec)).toEqual([5, 12, 4, 1]);
    expect(predictPolicyFailover(p).parts[1]!.what).toBe('wan: 3 failing rounds × 2 targets × 2 s timeout');
  });

  it('counts `count` probes per target from the config (the lab capture: count 1, 2 targets, 1 s rounds → 9 s + reaction)', () => {
    const pkg = parseUciExport(readFixture(lab, 'a_both_online__uci-export-mwan3.txt'), 'mwan3');
    const read = mwan3ToPolicy(pkg, () => undefined);
    expect(read).toBeNull();
    const wan = readMwan3Config(pkg).config.interfaces[0]!;
    const p = normalizeMwan3Policy({ ...failover, wans: [{ ...failover.wans[0]!, tracking: { ...failover.wans[0]!.tracking, targets: [...wan.trackIps], intervalSec: wan.intervalSec, failureIntervalSec: wan.failureIntervalSec, timeoutSec: wan.timeoutSec, downCount: wan.down } }, failover.wans[1]!] });
    expect(predictPolicyFailoverSec(p, pkg)).toBe(10);
    const tripled = applyUciBatchOps(pkg, [{ kind: 'set-option', package: 'mwan3', section: 'wan', option: 'count', value: '3' }]);
    expect(predictPolicyFailoverSec(p, tripled)).toBe(1 + 3 * 2 * 3 + 2 + 1);
  });
});

// ---- property tests ----

const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const trackingArb = fc
  .record({
    method: fc.constantFrom('ping', 'httping', 'arping', 'none'),
    targets: fc.uniqueArray(ipv4, { maxLength: 4 }),
    reliability: fc.integer({ min: 1, max: 4 }),
    intervalSec: fc.integer({ min: 1, max: 60 }),
    timeoutSec: fc.integer({ min: 1, max: 10 }),
    downCount: fc.integer({ min: 1, max: 10 }),
    upCount: fc.integer({ min: 1, max: 10 }),
    failureIntervalSec: fc.integer({ min: 1, max: 60 }),
    latencyThresholdMs: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
    lossThresholdPct: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  })
  .map((t) => {
    const { latencyThresholdMs, lossThresholdPct, ...rest } = t;
    return {
      ...rest,
      reliability: Math.min(t.reliability, Math.max(1, t.targets.length)),
      ...(latencyThresholdMs !== undefined ? { latencyThresholdMs } : {}),
      ...(lossThresholdPct !== undefined ? { lossThresholdPct } : {}),
    } as Wan['tracking'];
  });
const policyArb: fc.Arbitrary<FailoverPolicy> = fc
  .record({
    mode: fc.constantFrom('failover', 'balance'),
    forcedRefreshStreams: fc.boolean(),
    names: fc.shuffledSubarray(['wan', 'wanb', 'wwan', 'tethering'], { minLength: 1 }),
    rows: fc.array(fc.record({ priority: fc.integer({ min: 1, max: 4 }), weight: fc.integer({ min: 1, max: 100 }), enabled: fc.boolean(), tracking: trackingArb }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ mode, forcedRefreshStreams, names, rows }) => ({
    mode,
    forcedRefreshStreams,
    wans: names.map((name, i) => ({ name, device: `eth${i + 1}`, kind: 'ethernet' as const, ...rows[i]! })),
  }));

describe('property: policy → mwan3 UCI → policy', () => {
  for (const [label, base] of [['the recorded 19.07 config', labPkg], ['the stock config', stockPkg]] as const) {
    it(`reads back exactly the normalized policy, writes nothing the second time, and keeps the user's sections (${label})`, () => {
      fc.assert(
        fc.property(policyArb, policyArb, (first, second) => {
          const p1 = normalizeMwan3Policy(first);
          expect(normalizeMwan3Policy(p1)).toEqual(p1);
          const one = policyToMwan3(base(), p1);
          expect(mwan3ToPolicy(one.after, lookupFor(p1))).toEqual(p1);
          expect(policyToMwan3(one.after, p1).ops).toEqual([]);
          // Through the text uci prints and reads: the same.
          const reread = parseUciExport(serializeUciExport(one.after), 'mwan3');
          expect(mwan3ToPolicy(reread, lookupFor(p1))).toEqual(p1);
          // A second, different policy on top: still exact, and the user's other sections untouched.
          const p2 = normalizeMwan3Policy(second);
          const two = policyToMwan3(one.after, p2);
          expect(mwan3ToPolicy(two.after, lookupFor(p2))).toEqual(p2);
          const touched = [...p1.wans, ...p2.wans].map((w) => w.name);
          expect(userPart(two.after, touched)).toBe(userPart(base(), touched));
        }),
        { numRuns: 150 },
      );
    });
  }
});

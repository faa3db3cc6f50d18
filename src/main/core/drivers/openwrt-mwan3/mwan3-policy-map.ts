// Maps Switchyard's FailoverPolicy onto /etc/config/mwan3 and back, pure. Writes only what differs,
// only in sections it owns (sy_*) and the managed options of the WANs' interface sections.
import { failoverPolicySchema, type FailoverPolicy, type RouterRuleChoice, type Tracking, type Wan, type WanKind } from '../../../../shared/model.ts';
import { classifyRule, placeSwitchyardRule, ruleKey, type RulePlacement } from './mwan3-rule-placement.ts';
import { readMwan3Config, validateMwan3Name, type Mwan3Interface } from './mwan3-config.ts';
import { mwan3FailoverParts, mwan3ReactionSec, type FailoverTimePart } from '../../../../shared/failover-defaults.ts';
import { applyUciBatchOps, type UciBatchOp } from './uci/uci-batch.ts';
import { findUciOption, findUciSection, findUciSectionIndex, getUciList, type UciPackage, type UciSection } from './uci/uci-model.ts';

/** Sections Switchyard creates carry this prefix; everything else belongs to the user. */
export const switchyardPrefix = 'sy_';
export const switchyardPolicy = 'sy_policy';
/** Exists only while a user forces one uplink (manual failover). */
export const switchyardForcedPolicy = 'sy_forced';
export const switchyardRule = 'sy_default';
export const switchyardMember = (iface: string): string => `sy_m_${iface}`;

/**
 * Connection clearing is Switchyard's own hook (mwan3-conntrack-hook.ts), per uplink: when an
 * uplink fails, only its connections are cleared, so long-lived sessions (a card terminal's)
 * reconnect through the backup instead of hanging on the dead uplink (issue 16 item 4); with
 * Forced Refresh Streams on, the backups' connections move when a preferred uplink returns (issue
 * 12 item 3). mwan3's own flush_conntrack empties the whole table on any listed event (every
 * version, 2.7 to 2.12), which would cut the healthy uplinks' connections too and decide the
 * primary's return regardless of Forced Refresh Streams, so Switchyard's uplinks carry none of
 * its events; Remove puts back what the admin had.
 */
const managedFlushEvents = ['connected', 'disconnected', 'ifdown', 'ifup'];
/** In sy_policy: '1' when Forced Refresh Streams is on (the hook's own copy is in its text). */
export const frsOption = 'switchyard_frs';
const DEFAULT_FAILURE_LATENCY_MS = 1000;
const DEFAULT_FAILURE_LOSS_PCT = 40;

/** What mwan3's config cannot say about an uplink: the driver fills it from netifd. */
export type UplinkInfo = { readonly device: string; readonly kind: WanKind; readonly gateway?: string | undefined };
export type UplinkLookup = (iface: string) => UplinkInfo | undefined;

const byPriority = (wans: readonly Wan[]): Wan[] =>
  wans.map((w, i) => ({ w, i })).sort((a, b) => a.w.priority - b.w.priority || a.i - b.i).map((x) => x.w);

function normalizeTracking(t: Tracking): Tracking {
  const none = t.method === 'none' || t.targets.length === 0;
  const quality = t.latencyThresholdMs !== undefined || t.lossThresholdPct !== undefined;
  const { latencyThresholdMs: _l, lossThresholdPct: _p, ...rest } = t;
  return {
    ...rest,
    method: none ? 'none' : t.method,
    targets: none ? [] : [...t.targets],
    // mwan3's check_quality judges both latency and loss; an unset one takes mwan3's default.
    ...(quality
      ? { latencyThresholdMs: t.latencyThresholdMs ?? DEFAULT_FAILURE_LATENCY_MS, lossThresholdPct: t.lossThresholdPct ?? DEFAULT_FAILURE_LOSS_PCT }
      : {}),
  };
}

/**
 * The form of a policy mwan3 can hold, which is what reading it back gives: WANs in priority
 * order; one tier of several WANs is balance (priorities 1..n then only order the list); a single
 * WAN is failover; tracking without targets is 'none'; Forced Refresh Streams only where one WAN
 * outranks another. The plan shows the normalized policy, so nothing changes silently.
 */
export function normalizeMwan3Policy(policy: FailoverPolicy): FailoverPolicy {
  const sorted = byPriority(policy.wans).map((w) => ({ ...w, tracking: normalizeTracking(w.tracking) }));
  const oneTier = sorted.every((w) => w.priority === sorted[0]!.priority);
  const mode = sorted.length > 1 && (policy.mode === 'balance' || oneTier) ? 'balance' : 'failover';
  const wans = mode === 'balance' ? sorted.map((w, i) => ({ ...w, priority: i + 1 })) : sorted;
  return { mode, wans, forcedRefreshStreams: mode === 'failover' && !oneTier && policy.forcedRefreshStreams, ...(policy.routerRules ? { routerRules: policy.routerRules } : {}) };
}

export type PolicyCheckContext = {
  /** Interface sections of /etc/config/network; a WAN must be one of them. */
  readonly networkInterfaces?: readonly string[];
  /** The current mwan3 package, to find names already taken by another section type. */
  readonly current?: UciPackage;
};

const wholeSeconds = (v: number): boolean => Number.isInteger(v) && v >= 1;

/** Everything mwan3 would reject or mishandle in this policy, as sentences for the user. */
export function checkPolicyForMwan3(policy: FailoverPolicy, ctx: PolicyCheckContext = {}): string[] {
  const problems: string[] = [];
  const parsed = failoverPolicySchema.safeParse(policy);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || 'policy'}: ${issue.message}`);
    return problems;
  }
  const seen = new Set<string>();
  for (const w of policy.wans) {
    const label = `Uplink "${w.name}"`;
    const nameProblem = validateMwan3Name('interface', w.name);
    if (nameProblem) problems.push(nameProblem);
    if (seen.has(w.name)) problems.push(`${label} is listed twice; each uplink can appear once.`);
    seen.add(w.name);
    if (ctx.networkInterfaces && !ctx.networkInterfaces.includes(w.name)) {
      problems.push(`${label} is not an interface in /etc/config/network (known: ${ctx.networkInterfaces.join(', ') || 'none'}); mwan3 matches uplinks by that name.`);
    }
    const clash = ctx.current?.sections.find((s) => s.name === w.name && s.type !== 'interface');
    if (clash) problems.push(`${label}: the mwan3 config already has a ${clash.type} section named "${w.name}"; uci names are unique, so rename that section first.`);
    if (w.name.startsWith(switchyardPrefix)) problems.push(`${label}: names starting with "${switchyardPrefix}" are reserved for the sections Switchyard creates.`);
    const t = w.tracking;
    for (const [what, v] of [['interval', t.intervalSec], ['failure interval', t.failureIntervalSec], ['timeout', t.timeoutSec]] as const) {
      if (!wholeSeconds(v)) problems.push(`${label}: the ${what} is ${v} s; mwan3 counts whole seconds from 1. Use a whole number of seconds.`);
    }
    if (t.latencyThresholdMs !== undefined && !Number.isInteger(t.latencyThresholdMs)) problems.push(`${label}: the latency threshold must be a whole number of milliseconds.`);
    if (t.lossThresholdPct !== undefined && !Number.isInteger(t.lossThresholdPct)) problems.push(`${label}: the loss threshold must be a whole percentage.`);
    if (t.method !== 'none' && t.targets.length > 0 && t.reliability > t.targets.length) {
      problems.push(`${label}: ${t.reliability} targets must answer but only ${t.targets.length} are tracked, so the link could never be up. Lower "must answer" or add targets.`);
    }
    if (new Set(t.targets).size !== t.targets.length) problems.push(`${label}: a tracking target is listed twice.`);
  }
  return problems;
}

// ---- writing ----

type Ops = UciBatchOp[];
const pkgName = 'mwan3';
const truthy = new Set(['1', 'on', 'true', 'yes', 'enabled']);

/** Sets `option` unless its current value (or the default when absent) already means `want`. */
function wantOption(ops: Ops, s: UciSection | undefined, section: string, option: string, want: string, defaultValue: string | null, same: (a: string, b: string) => boolean = (a, b) => a === b): void {
  const cur = s ? findUciOption(s, option) : undefined;
  if (cur?.kind === 'option' && same(cur.value, want)) return;
  if (!cur && defaultValue !== null && same(defaultValue, want)) return;
  ops.push({ kind: 'set-option', package: pkgName, section, option, value: want });
}

const sameInt = (a: string, b: string): boolean => /^\s*-?\d+\s*$/.test(a) && Number(a) === Number(b);
const sameBool = (a: string, b: string): boolean => truthy.has(a) === truthy.has(b);

function wantList(ops: Ops, s: UciSection | undefined, section: string, option: string, want: readonly string[]): void {
  const cur = s && findUciOption(s, option) ? getUciList(s, option) : null;
  if (cur && cur.length === want.length && cur.every((v, i) => v === want[i])) return;
  if (want.length === 0) {
    if (cur) ops.push({ kind: 'delete-option', package: pkgName, section, option });
    return;
  }
  // Appending or dropping items keeps the list where it is in the section (as LuCI and a person
  // with `uci add_list` would); replacing it moves it to the end.
  if (cur && cur.length > 0 && cur.every((v, i) => v === want[i])) {
    for (const value of want.slice(cur.length)) ops.push({ kind: 'add-list', package: pkgName, section, option, value });
    return;
  }
  // del_list removes every equal item, so this is exact only when the list has no duplicates.
  const kept = cur ? cur.filter((v) => want.includes(v)) : [];
  if (cur && new Set(cur).size === cur.length && kept.length === want.length && kept.every((v, i) => v === want[i])) {
    for (const value of cur.filter((v) => !want.includes(v))) ops.push({ kind: 'del-list', package: pkgName, section, option, value });
    return;
  }
  ops.push({ kind: 'set-list', package: pkgName, section, option, values: want });
}

function wantSection(ops: Ops, pkg: UciPackage, name: string, type: string): UciSection | undefined {
  const s = findUciSection(pkg, name);
  if (!s || s.type !== type) ops.push({ kind: 'set-section', package: pkgName, section: name, type });
  return s && s.type === type ? s : undefined;
}

function interfaceOps(ops: Ops, pkg: UciPackage, w: Wan): void {
  const s = wantSection(ops, pkg, w.name, 'interface');
  if (!s) ops.push({ kind: 'set-option', package: pkgName, section: w.name, option: 'family', value: 'ipv4' });
  const t = w.tracking;
  const set = (option: string, want: string, def: string | null, same?: (a: string, b: string) => boolean): void => wantOption(ops, s, w.name, option, want, def, same);
  set('enabled', w.enabled ? '1' : '0', '0', sameBool);
  if (t.method === 'none') {
    wantList(ops, s, w.name, 'track_ip', []);
  } else {
    set('track_method', t.method, 'ping');
    wantList(ops, s, w.name, 'track_ip', t.targets);
  }
  set('reliability', String(t.reliability), '1', sameInt);
  set('timeout', String(t.timeoutSec), '4', sameInt);
  set('interval', String(t.intervalSec), '10', sameInt);
  // failure_interval defaults to interval, so an absent one follows the new interval.
  set('failure_interval', String(t.failureIntervalSec), String(t.intervalSec), sameInt);
  set('down', String(t.downCount), '5', sameInt);
  set('up', String(t.upCount), '5', sameInt);
  const quality = t.latencyThresholdMs !== undefined || t.lossThresholdPct !== undefined;
  set('check_quality', quality ? '1' : '0', '0', sameBool);
  if (quality) {
    const latency = t.latencyThresholdMs ?? DEFAULT_FAILURE_LATENCY_MS;
    const loss = t.lossThresholdPct ?? DEFAULT_FAILURE_LOSS_PCT;
    set('failure_latency', String(latency), String(DEFAULT_FAILURE_LATENCY_MS), sameInt);
    set('failure_loss', String(loss), String(DEFAULT_FAILURE_LOSS_PCT), sameInt);
    // Recovery thresholds are the user's to tune; they change only when they would contradict
    // the failure threshold (mwan3's defaults are half the latency and a quarter of the loss).
    const num = (o: string, d: number): number => {
      const v = s ? findUciOption(s, o) : undefined;
      return v?.kind === 'option' && /^\d+$/.test(v.value) ? Number(v.value) : d;
    };
    if (num('recovery_latency', 500) > latency) ops.push({ kind: 'set-option', package: pkgName, section: w.name, option: 'recovery_latency', value: String(Math.floor(latency / 2)) });
    if (num('recovery_loss', 10) > loss) ops.push({ kind: 'set-option', package: pkgName, section: w.name, option: 'recovery_loss', value: String(Math.floor(loss / 4)) });
  }
  // Any other value (an old always/never) stays the admin's; validation names it.
  const curFlush = s ? getUciList(s, 'flush_conntrack') : [];
  wantList(ops, s, w.name, 'flush_conntrack', curFlush.filter((e) => !managedFlushEvents.includes(e)));
}

/** A rule that sends all IPv4 traffic to one policy, the kind Switchyard's rule must precede. */
function isCatchAllRule(s: UciSection): boolean {
  if (s.type !== 'rule' || s.name === switchyardRule) return false;
  for (const o of s.options) {
    const v = o.kind === 'option' ? o.value : o.values.join(' ');
    switch (o.name) {
      case 'use_policy':
      case 'logging':
      case 'sticky':
      case 'timeout':
        break;
      case 'dest_ip':
      case 'src_ip':
        if (v !== '0.0.0.0/0') return false;
        break;
      case 'proto':
        if (v !== 'all') return false;
        break;
      case 'family':
        if (v !== 'ipv4' && v !== 'any') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export type Mwan3WriteOptions = {
  /** null = automatic; a WAN name = force it; undefined = keep what the router has. */
  readonly forcedWan?: string | null;
};

export type Mwan3WriteResult = { readonly ops: readonly UciBatchOp[]; readonly after: UciPackage; readonly placement: RulePlacement };

/**
 * The uci batch that turns `pkg` into one holding `policy` (normalize it first). Unrelated
 * sections and options are never touched, so an unchanged policy gives no operations at all.
 */
export function policyToMwan3(pkg: UciPackage, policy: FailoverPolicy, opts: Mwan3WriteOptions = {}): Mwan3WriteResult {
  const ops: Ops = [];
  const balance = policy.mode === 'balance';
  for (const w of policy.wans) interfaceOps(ops, pkg, w);

  for (const w of policy.wans) {
    const name = switchyardMember(w.name);
    const s = wantSection(ops, pkg, name, 'member');
    wantOption(ops, s, name, 'interface', w.name, null);
    wantOption(ops, s, name, 'metric', String(balance ? 1 : w.priority), '1', sameInt);
    wantOption(ops, s, name, 'weight', String(w.weight), '1', sameInt);
  }
  const wanted = new Set(policy.wans.map((w) => switchyardMember(w.name)));
  for (const s of pkg.sections) {
    if (s.type === 'member' && s.name?.startsWith(switchyardMember('')) && !wanted.has(s.name)) ops.push({ kind: 'delete-section', package: pkgName, section: s.name });
  }

  const pol = wantSection(ops, pkg, switchyardPolicy, 'policy');
  wantList(ops, pol, switchyardPolicy, 'use_member', policy.wans.map((w) => switchyardMember(w.name)));
  // 'default' falls back to the main routing table when every tracker says offline, so a
  // tracking target that blocks ICMP cannot cut the site off.
  wantOption(ops, pol, switchyardPolicy, 'last_resort', 'default', 'unreachable');
  // In balance the priorities only order the list: no uplink stands in for another, none returns.
  const frs = !balance && new Set(policy.wans.map((w) => w.priority)).size > 1 && policy.forcedRefreshStreams;
  if (frs) wantOption(ops, pol, switchyardPolicy, frsOption, '1', null);
  else if (pol && findUciOption(pol, frsOption)) ops.push({ kind: 'delete-option', package: pkgName, section: switchyardPolicy, option: frsOption });

  const currentForced = readForcedWan(pkg);
  const forced = opts.forcedWan === undefined ? currentForced : opts.forcedWan;
  const forcedWan = forced !== null && policy.wans.some((w) => w.name === forced) ? forced : null;
  if (forcedWan !== null) {
    const fp = wantSection(ops, pkg, switchyardForcedPolicy, 'policy');
    wantList(ops, fp, switchyardForcedPolicy, 'use_member', [switchyardMember(forcedWan)]);
    wantOption(ops, fp, switchyardForcedPolicy, 'last_resort', 'default', 'unreachable');
  } else if (findUciSection(pkg, switchyardForcedPolicy)) {
    ops.push({ kind: 'delete-section', package: pkgName, section: switchyardForcedPolicy });
  }

  const rule = wantSection(ops, pkg, switchyardRule, 'rule');
  wantOption(ops, rule, switchyardRule, 'dest_ip', '0.0.0.0/0', null);
  wantOption(ops, rule, switchyardRule, 'family', 'ipv4', 'any');
  wantOption(ops, rule, switchyardRule, 'proto', 'all', 'all');
  wantOption(ops, rule, switchyardRule, 'use_policy', forcedWan !== null ? switchyardForcedPolicy : switchyardPolicy, null);

  // Rules match top to bottom: ours goes just before the user's first catch-all rule, then above
  // the rules ahead of it that would send traffic elsewhere, as the policy chooses (item 8).
  const staged = applyUciBatchOps(pkg, ops);
  const ruleIndex = findUciSectionIndex(staged, switchyardRule);
  const firstCatchAll = staged.sections.findIndex(isCatchAllRule);
  const base: UciBatchOp[] = firstCatchAll !== -1 && ruleIndex > firstCatchAll ? [{ kind: 'reorder-section', package: pkgName, section: switchyardRule, position: firstCatchAll }] : [];
  const placement = placeSwitchyardRule(applyUciBatchOps(staged, base), switchyardRule, switchyardPrefix, policy.routerRules);
  // A move above a rule ahead replaces the move to the base place (the position is above both).
  const movesOurs = placement.ops[0]?.kind === 'reorder-section' && placement.ops[0].section === switchyardRule;
  ops.push(...(movesOurs ? [] : base), ...placement.ops);
  return { ops, after: applyUciBatchOps(pkg, ops), placement };
}

/**
 * The router's own diverting rules ahead of Switchyard's in a config Switchyard manages: the
 * admin's choice to leave them there (a plan puts every other one below Switchyard's rule), so
 * reading the policy back keeps that choice instead of planning the default over it.
 */
export function readRouterRules(pkg: UciPackage): Record<string, RouterRuleChoice> | undefined {
  const at = findUciSectionIndex(pkg, switchyardRule);
  const left = pkg.sections.flatMap((s, i) => (i < at && s.type === 'rule' && classifyRule(s, switchyardPrefix) === 'diverts' ? [ruleKey(pkg, i)] : []));
  return left.length ? Object.fromEntries(left.map((k) => [k, 'leave' as const])) : undefined;
}

/** The uplink a user forced, or null when mwan3 chooses (the rule uses sy_policy). */
export function readForcedWan(pkg: UciPackage): string | null {
  const rule = findUciSection(pkg, switchyardRule);
  const usePolicy = rule ? findUciOption(rule, 'use_policy') : undefined;
  if (usePolicy?.kind !== 'option' || usePolicy.value !== switchyardForcedPolicy) return null;
  const fp = findUciSection(pkg, switchyardForcedPolicy);
  const member = fp ? getUciList(fp, 'use_member')[0] : undefined;
  const m = member ? findUciSection(pkg, member) : undefined;
  const iface = m ? findUciOption(m, 'interface') : undefined;
  return iface?.kind === 'option' ? iface.value : null;
}

/** Ops that delete every section Switchyard created (used when no original config was kept). */
export function removeSwitchyardSectionsOps(pkg: UciPackage): UciBatchOp[] {
  return pkg.sections
    .filter((s) => !s.anonymous && s.name !== null && s.name.startsWith(switchyardPrefix))
    .map((s) => ({ kind: 'delete-section', package: pkgName, section: s.name! }));
}

// ---- reading ----

const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function trackingOf(i: Mwan3Interface): Tracking {
  const targets = i.trackIps.filter((t) => ipv4.test(t)).slice(0, 8);
  const method = targets.length === 0 ? 'none' : i.trackMethod === 'httping' || i.trackMethod === 'arping' ? i.trackMethod : 'ping';
  return {
    method,
    targets,
    reliability: clamp(i.reliability, 1, 8),
    intervalSec: i.intervalSec,
    timeoutSec: i.timeoutSec,
    downCount: i.down,
    upCount: i.up,
    failureIntervalSec: i.failureIntervalSec,
    ...(i.checkQuality ? { latencyThresholdMs: i.failureLatencyMs, lossThresholdPct: i.failureLossPct } : {}),
  };
}

/**
 * The policy Switchyard manages in this config, or null when there is none (no sy_policy).
 * Members of sy_policy that point nowhere are skipped; the driver's diff then shows the repair.
 */
export function mwan3ToPolicy(pkg: UciPackage, lookup: UplinkLookup): FailoverPolicy | null {
  const pol = findUciSection(pkg, switchyardPolicy);
  if (!pol || pol.type !== 'policy') return null;
  const { config } = readMwan3Config(pkg);
  const rows = getUciList(pol, 'use_member').flatMap((m) => {
    const member = config.members.find((x) => x.name === m);
    const iface = member?.interface ? config.interfaces.find((i) => i.name === member.interface) : undefined;
    return member && iface ? [{ member, iface }] : [];
  });
  if (rows.length === 0) return null;
  const balance = rows.length > 1 && rows.every((r) => r.member.metric === rows[0]!.member.metric);
  const wans: Wan[] = rows.map(({ member, iface }, index) => {
    const info = lookup(iface.name);
    return {
      name: iface.name,
      device: info?.device ?? iface.name,
      kind: info?.kind ?? 'ethernet',
      ...(info?.gateway !== undefined ? { gateway: info.gateway } : {}),
      priority: balance ? index + 1 : clamp(member.metric, 1, 64),
      weight: clamp(member.weight, 1, 100),
      tracking: trackingOf(iface),
      enabled: iface.enabled,
    };
  });
  // An older Switchyard kept it as mwan3's flush_conntrack 'connected'; the next apply moves it.
  const frs = findUciOption(pol, frsOption);
  const forcedRefreshStreams = (frs?.kind === 'option' && frs.value === '1') || rows.some((r) => r.iface.flushConntrack.includes('connected'));
  const routerRules = readRouterRules(pkg);
  return { mode: balance ? 'balance' : 'failover', wans: byPriority(wans), forcedRefreshStreams, ...(routerRules ? { routerRules } : {}) };
}

/**
 * Worst-case seconds until new connections leave through a backup, with its parts: the slowest
 * detection among WANs that have a backup below them (count probes per target from the config),
 * plus mwan3's own reaction after detection (tracker → hotplug → rules). A WAN without tracking
 * is switched only when its link goes down, which netifd reports at once (the reaction only).
 */
export function predictPolicyFailover(policy: FailoverPolicy, pkg?: UciPackage): { readonly sec: number; readonly parts: readonly FailoverTimePart[] } {
  const lowest = Math.max(...policy.wans.map((w) => w.priority));
  const counts = pkg ? readMwan3Config(pkg).config.interfaces : [];
  const reaction: FailoverTimePart = { what: "mwan3's reaction: tracker → hotplug → rules (bound for the router's own CPU)", sec: mwan3ReactionSec };
  let worst: { sec: number; parts: FailoverTimePart[] } = { sec: 0, parts: [] };
  for (const w of policy.wans.filter((x) => x.priority < lowest || policy.mode === 'balance')) {
    const t = w.tracking;
    const count = counts.find((i) => i.name === w.name)?.count ?? 1;
    const parts =
      t.method === 'none' || t.targets.length === 0
        ? [{ what: `${w.name}: no tracking, so only a link that goes down is seen (by netifd, at once)`, sec: 0 }, reaction]
        : (mwan3FailoverParts({ ...t, timeoutSec: t.timeoutSec * count }) ?? []).map((p) => ({ ...p, what: `${w.name}: ${p.what}${count > 1 && p.what.includes('timeout') ? ` (${count} probes each)` : ''}` }));
    const sec = parts.reduce((sum, p) => sum + p.sec, 0);
    if (sec > worst.sec || worst.parts.length === 0) worst = { sec, parts };
  }
  return { sec: Math.round(worst.sec * 10) / 10, parts: worst.parts };
}

export function predictPolicyFailoverSec(policy: FailoverPolicy, pkg?: UciPackage): number {
  return predictPolicyFailover(policy, pkg).sec;
}

// Where Switchyard's catch-all rule goes among the router's own mwan3 rules, and what becomes of
// the rules ahead of it that would send traffic elsewhere (issue 16 item 8). Pure.
//
// mwan3 matches rules top to bottom, first match wins. mwan3 2.8–2.12 have no per-rule `enabled`
// option (mwan3_set_user_iptables_rule reads sticky, timeout, ipset, proto, src/dest ip and port,
// src_iface, use_policy, family, logging; a rule without use_policy is skipped), so "disable for
// Switchyard's traffic" moves the rule below Switchyard's: it then never sees IPv4 (Switchyard's
// rule takes all of it first) and still applies to IPv6, which Switchyard does not manage.
import type { PlanRouterRule } from '../../../../shared/failover-schemas.ts';
import type { RouterRuleChoice } from '../../../../shared/model.ts';
import { applyUciBatchOps, type UciBatchOp } from './uci/uci-batch.ts';
import { findUciSectionIndex, getUciString, type UciPackage, type UciSection } from './uci/uci-model.ts';

const pkgName = 'mwan3';
const truthy = new Set(['1', 'on', 'true', 'yes', 'enabled']);
/** mwan3 skips rules whose names are longer than this (it logs "exceeds max of 15 chars"). */
const maxRuleNameLength = 15;

/**
 * - diverts: matches some IPv4 traffic and sends it to another mwan3 policy, not along the user's order;
 * - protected: matches IPv4 and deliberately blocks it (unreachable, blackhole), routes it by the
 *   main table (default), or already uses Switchyard's own policy: Switchyard never puts its rule
 *   above one, which would unblock or reroute that traffic;
 * - inert: cannot match what Switchyard's rule carries (IPv6 only, no use_policy, a name mwan3 skips).
 */
export type RuleKind = 'diverts' | 'protected' | 'inert';

export function classifyRule(s: UciSection, switchyardPrefix: string): RuleKind {
  const policy = getUciString(s, 'use_policy');
  if (!policy) return 'inert';
  if (!s.anonymous && s.name !== null && s.name.length > maxRuleNameLength) return 'inert';
  if (getUciString(s, 'family') === 'ipv6') return 'inert';
  if ([getUciString(s, 'src_ip'), getUciString(s, 'dest_ip')].some((ip) => ip !== undefined && ip.includes(':'))) return 'inert';
  if (policy === 'default' || policy === 'unreachable' || policy === 'blackhole' || policy.startsWith(switchyardPrefix)) return 'protected';
  return 'diverts';
}

/** `https`, or `@rule[N]` (N counts every rule section) for an unnamed one: the key of the policy's routerRules. */
export function ruleKey(pkg: UciPackage, index: number): string {
  const s = pkg.sections[index]!;
  if (!s.anonymous && s.name !== null) return s.name;
  return `@rule[${pkg.sections.slice(0, index).filter((x) => x.type === 'rule').length}]`;
}

/** "TCP to port 443, sticky → mwan3 policy "balanced"". */
export function describeRule(s: UciSection): string {
  const get = (o: string): string | undefined => getUciString(s, o);
  const proto = get('proto');
  const match = [
    proto && proto !== 'all' ? proto.toUpperCase() : null,
    get('src_iface') ? `from interface ${get('src_iface')}` : null,
    get('src_ip') && get('src_ip') !== '0.0.0.0/0' ? `from ${get('src_ip')}` : null,
    get('src_port') ? `from port ${get('src_port')}` : null,
    get('dest_ip') && get('dest_ip') !== '0.0.0.0/0' ? `to ${get('dest_ip')}` : null,
    get('dest_port') ? `to port ${get('dest_port')}` : null,
    get('ipset') ? `to ipset ${get('ipset')}` : null,
    get('family') && get('family') !== 'any' ? get('family')! : null,
  ].filter((x): x is string => x !== null);
  const policy = get('use_policy') ?? '';
  const where = policy === 'default' ? 'the main routing table' : policy === 'unreachable' || policy === 'blackhole' ? `nowhere (${policy})` : `mwan3 policy "${policy}"`;
  return `${match.length ? match.join(' ') : 'all traffic'}${truthy.has(get('sticky') ?? '') ? ', sticky' : ''} → ${where}`;
}

export type RulePlacement = {
  readonly ops: readonly UciBatchOp[];
  /** The diverting rules that were ahead of Switchyard's, top to bottom, with the choice made. */
  readonly rules: readonly PlanRouterRule[];
  /** Protected rules that stay ahead, and choices for rules no longer ahead, in words. */
  readonly notes: readonly string[];
  readonly problems: readonly string[];
};

const choiceWords: Readonly<Record<RouterRuleChoice, string>> = {
  leave: 'leave it ahead of Switchyard’s rule',
  disable: 'disable it for Switchyard’s traffic',
  first: 'put Switchyard’s rule above it',
};

/**
 * Places `rule` (already in `pkg` at its base place, just before the first catch-all) among the
 * rules ahead of it. Walking up from Switchyard's rule, it can move above every diverting rule that
 * is not left, until a protected or a left rule: that much touches only Switchyard's own section.
 * A rule to disable above that point is moved below Switchyard's rule instead (named rules only:
 * Remove must find it again); putting Switchyard's rule above it there is refused, since it would
 * also pass the rule in between. Absent choices take the default: follow the user's order, by
 * moving Switchyard's rule where it can, else by disabling (an unnamed rule there is left, and said so).
 */
export function placeSwitchyardRule(pkg: UciPackage, rule: string, prefix: string, choices: Readonly<Record<string, RouterRuleChoice>> = {}): RulePlacement {
  const at = findUciSectionIndex(pkg, rule);
  const notes: string[] = [];
  const problems: string[] = [];
  const known = new Set(pkg.sections.flatMap((s, i) => (s.type === 'rule' ? [ruleKey(pkg, i)] : [])));
  for (const key of Object.keys(choices)) {
    if (!known.has(key)) problems.push(`There is no rule "${key}" in /etc/config/mwan3 (its rules: ${[...known].filter((k) => !k.startsWith(prefix)).join(', ') || 'none'}). Correct the name in routerRules, or drop it.`);
  }
  if (at === -1) return { ops: [], rules: [], notes, problems };
  const out: PlanRouterRule[] = [];
  let blockedBy: string | null = null;
  let target = -1;
  const toMove: number[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const s = pkg.sections[i]!;
    if (s.type !== 'rule') continue;
    const kind = classifyRule(s, prefix);
    const key = ruleKey(pkg, i);
    if (kind === 'inert') continue;
    if (kind === 'protected') {
      if (!getUciString(s, 'use_policy')!.startsWith(prefix)) notes.push(`The router's rule "${key}" (${describeRule(s)}) stays ahead of Switchyard's: it blocks that traffic or routes it by the main table on purpose, so Switchyard never places its rule above it.`);
      blockedBy ??= `"${key}" (${describeRule(s)})`;
      continue;
    }
    const named = !s.anonymous && s.name !== null;
    const unavailable: { choice: RouterRuleChoice; why: string }[] = [];
    if (blockedBy !== null) {
      unavailable.push({ choice: 'first', why: `Switchyard's rule would also pass ${blockedBy}, which stays ahead.` });
      if (!named) unavailable.push({ choice: 'disable', why: 'an unnamed rule cannot be moved and found again by Remove; name it in LuCI first.' });
    }
    const allowed = (['leave', 'disable', 'first'] as const).filter((c) => !unavailable.some((u) => u.choice === c));
    const defaultChoice: RouterRuleChoice = blockedBy === null ? 'first' : named ? 'disable' : 'leave';
    const asked = choices[key];
    let choice = asked ?? defaultChoice;
    if (!allowed.includes(choice)) {
      problems.push(`The router's rule "${key}": cannot ${choiceWords[choice]}: ${unavailable.find((u) => u.choice === choice)!.why} Choose ${allowed.map((c) => `"${c}"`).join(' or ')} for it.`);
      choice = defaultChoice;
    }
    if (blockedBy === null && choice !== 'leave') target = i;
    else if (choice === 'disable') toMove.unshift(i);
    if (choice === 'leave') blockedBy ??= `"${key}" (${describeRule(s)})`;
    out.unshift({ rule: key, summary: describeRule(s), choice, defaultChoice, allowed, unavailable });
  }
  // Choices for rules that are already below Switchyard's (an earlier apply put them there).
  for (const [key, choice] of Object.entries(choices)) {
    const i = findUciSectionIndex(pkg, key);
    if (i > at && known.has(key) && choice === 'leave') notes.push(`The router's rule "${key}" already comes after Switchyard's rule, so it does not take Switchyard's traffic. To put it ahead again, remove Switchyard's failover (which puts the rules back as they were) or move it in LuCI.`);
  }
  const ops: UciBatchOp[] = [];
  if (target !== -1) ops.push({ kind: 'reorder-section', package: pkgName, section: rule, position: target });
  // Disabled rules go just below Switchyard's, in their own order.
  toMove.forEach((index, k) => {
    const name = pkg.sections[index]!.name!;
    const now = applyUciBatchOps(pkg, ops);
    const without = now.sections.filter((s) => s.name !== name);
    const below = without.findIndex((s) => s.name === rule) + 1 + k;
    ops.push({ kind: 'reorder-section', package: pkgName, section: name, position: below });
  });
  return { ops, rules: out, notes, problems };
}

/** The order of the named, non-Switchyard rules. */
const ruleOrder = (pkg: UciPackage, prefix: string): string[] => pkg.sections.filter((s) => s.type === 'rule' && !s.anonymous && s.name !== null && !s.name.startsWith(prefix)).map((s) => s.name!);

/** Longest common subsequence of two short lists (rules of one file). */
function lcs(a: readonly string[], b: readonly string[]): Set<string> {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const keep = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      keep.add(a[i]!);
      i++;
      j++;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  }
  return keep;
}

export type RuleOrderRestore = {
  readonly ops: readonly UciBatchOp[];
  readonly changes: readonly string[];
  /** Rules Switchyard moved that someone moved again since: kept where they are unless restoring. */
  readonly movedSince: readonly string[];
};

/**
 * Remove's half of the placement: the rules Switchyard moved below its own (disabled) go back
 * where they were before Switchyard, each before the section that followed it then. `current` is
 * the package with Switchyard's sections already gone; `applied` is what Switchyard last wrote.
 */
export function restoreRuleOrder(current: UciPackage, original: UciPackage, applied: UciPackage, prefix: string, restoreAdminEdits = false): RuleOrderRestore {
  const common = (names: string[], ...others: UciPackage[]): string[] => names.filter((n) => others.every((p) => findUciSectionIndex(p, n) !== -1));
  const orig = common(ruleOrder(original, prefix), applied, current);
  const wrote = common(ruleOrder(applied, prefix), original, current);
  const keep = lcs(orig, wrote);
  const moved = wrote.filter((n) => !keep.has(n));
  if (moved.length === 0) return { ops: [], changes: [], movedSince: [] };
  const now = common(ruleOrder(current, prefix), original, applied);
  const untouched = now.length === wrote.length && now.every((n, i) => n === wrote[i]);
  if (!untouched && !restoreAdminEdits) return { ops: [], changes: [], movedSince: moved };
  const ops: UciBatchOp[] = [];
  const changes: string[] = [];
  // Last first, so the section each one goes before is already back in place.
  for (const name of [...moved].sort((a, b) => findUciSectionIndex(original, b) - findUciSectionIndex(original, a))) {
    const state = applyUciBatchOps(current, ops);
    const without = state.sections.filter((s) => s.name !== name);
    const from = findUciSectionIndex(original, name);
    const next = original.sections.slice(from + 1).find((s) => s.name !== null && without.some((w) => w.name === s.name));
    const position = next ? without.findIndex((w) => w.name === next.name) : without.length;
    ops.push({ kind: 'reorder-section', package: pkgName, section: name, position });
    changes.push(`mwan3.${name}: back ${next ? `before "${next.name}"` : 'at the end'}, where it was before Switchyard`);
  }
  return { ops, changes, movedSince: untouched ? [] : moved };
}

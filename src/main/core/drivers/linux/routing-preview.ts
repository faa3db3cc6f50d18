// What the agent does to a plain Linux router's routing, said before it happens: the apply plan
// of a first enable lists the router's own default routes it takes out (into its snapshot) and
// the routes, tables and rules it adds; a later apply's, the ones it changes; the remove plan
// lists what goes and what comes back from the snapshot. The agent's rules (resources/agent/switchyard-agent, routes_apply and
// snapshot_restore) are mirrored here from the policy and what the router holds now.
import type { PlanChange } from '../../../../shared/failover-schemas.ts';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';

/** The agent's defaults (Switchyard never writes others): its routes' protocol, main-table metric, tables and rules. */
const agentRouteProto = 241;
const agentRouteMetric = 10;
const agentTableBase = 100;
const agentRulePriority = 1000;
/** Where the agent keeps the routes it found at install (snapshot_take). */
export const agentSnapshotPath = '/var/lib/switchyard/snapshot';

/** `ip -4 route show table main default` as one line per route (a multipath route's nexthop lines joined onto it). */
export function defaultRouteLines(text: string): string[] {
  const routes: string[] = [];
  for (const line of text.split('\n')) {
    if (/^default\b/.test(line)) routes.push(line.trim());
    else if (/^\s+\S/.test(line) && routes.length) routes[routes.length - 1] += ` ${line.trim()}`;
  }
  return routes;
}

const ours = (route: string) => new RegExp(` proto ${agentRouteProto}( |$)`).test(route);

/** The agent's index of each uplink: its place in the config, which lists them by name. */
function tableOf(policy: FailoverPolicy): Map<string, number> {
  const names = policy.wans.map((w) => w.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(names.map((name, i) => [name, agentTableBase + i + 1]));
}

const via = (wan: Wan) => (wan.gateway ? `via ${wan.gateway} dev ${wan.device}` : `dev ${wan.device}`);
const list = (items: readonly string[]) => items.join(', ');

/** The routing the agent holds for a policy with every uplink's link up (resources/agent/switchyard-agent, routes_apply). */
interface ExpectedRouting {
  /** The main table's default route for the traffic (a multipath route in load balance). */
  readonly active: string;
  /** One standby default route per enabled uplink, by rank in priority order. */
  readonly standby: readonly { readonly device: string; readonly metric: number; readonly route: string }[];
  /** Tables by number, as "101 eth1". */
  readonly tables: readonly string[];
  /** The rules as `ip rule show` lists them. */
  readonly rules: readonly string[];
}

function expectedRouting(policy: FailoverPolicy, addressOf: (device: string) => string | undefined): ExpectedRouting | null {
  const tables = tableOf(policy);
  const order = policy.wans.filter((w) => w.enabled).sort((a, b) => a.priority - b.priority || tables.get(a.name)! - tables.get(b.name)!);
  if (order.length === 0) return null;
  const carrying = policy.mode === 'balance' ? order.filter((w) => w.weight > 0) : order.slice(0, 1);
  const active =
    carrying.length > 1
      ? `default proto ${agentRouteProto} metric ${agentRouteMetric} ${carrying.map((w) => `nexthop ${via(w)} weight ${w.weight}`).join(' ')}`
      : `default ${via(carrying[0] ?? order[0]!)} proto ${agentRouteProto} metric ${agentRouteMetric}`;
  const standby = order.map((w, rank) => {
    const metric = agentRouteMetric + 101 + rank;
    return { device: w.device, metric, route: `default ${via(w)} proto ${agentRouteProto} metric ${metric}` };
  });
  // Tables and rules by number, as `ip rule show` lists them (an uplink's number is its place by name).
  const byTable = [...order].sort((a, b) => tables.get(a.name)! - tables.get(b.name)!);
  const rules = [`${agentRulePriority}: from all lookup main suppress_prefixlength 0`];
  for (const w of byTable) {
    const address = addressOf(w.device);
    if (address) rules.push(`${agentRulePriority + tables.get(w.name)! - agentTableBase}: from ${address} lookup ${tables.get(w.name)}`);
  }
  return { active, standby, tables: byTable.map((w) => `${tables.get(w.name)} ${w.device}`), rules };
}

const standbyWords = (r: ExpectedRouting) => list(r.standby.map((s) => `${s.device} metric ${s.metric}`));

/**
 * A first enable's changes to the routing, and the main table's default routes now and as
 * expected after it (every uplink's link up, the first in priority order carrying the traffic,
 * or in load balance every one with a ratio).
 */
export function enableRoutingChanges(policy: FailoverPolicy, mainDefaults: string, addressOf: (device: string) => string | undefined): { changes: PlanChange[]; routesDiff: string } {
  const expected = expectedRouting(policy, addressOf);
  if (!expected) return { changes: [], routesDiff: '' };
  const now = defaultRouteLines(mainDefaults);
  const foreign = now.filter((r) => !ours(r));
  const changes: PlanChange[] = [
    ...foreign.map((route): PlanChange => ({ kind: 'remove', subject: "The router's default route (kept in a snapshot: Remove puts it back)", from: route })),
    { kind: 'add', subject: 'Default route for the traffic (moves with failover)', to: expected.active },
    { kind: 'add', subject: 'Standby default route per uplink (probes leave on their own uplink)', to: standbyWords(expected) },
    { kind: 'add', subject: 'Routing table per uplink (replies leave where they came in)', to: list(expected.tables) },
    { kind: 'add', subject: 'Routing rules', to: expected.rules.join('; ') },
  ];
  const after = [...now.filter(ours), expected.active, ...expected.standby.map((s) => s.route)];
  const routesDiff = [
    '--- ip -4 route show table main default (now)',
    '+++ ip -4 route show table main default (expected once applied, every link up)',
    ...foreign.map((r) => `- ${r}`),
    ...after.map((r) => `+ ${r}`),
    '',
    '+++ ip -4 rule show (the rules added; the router\'s own stay)',
    ...expected.rules.map((r) => `+ ${r}`),
  ].join('\n');
  return { changes, routesDiff };
}

/**
 * A later apply's changes to the routing: the agent's routes and rules for the policy it runs and
 * for the new one, both with every link up, so the plan says what the policy changes and stays
 * the same while failover moves traffic. Nothing when the routing stays as it is.
 */
export function changeRoutingChanges(current: FailoverPolicy, desired: FailoverPolicy, addressOf: (device: string) => string | undefined): { changes: PlanChange[]; routesDiff: string } {
  const was = expectedRouting(current, addressOf);
  const will = expectedRouting(desired, addressOf);
  if (!was || !will) return { changes: [], routesDiff: '' };
  const changes: PlanChange[] = [];
  const differ = (a: readonly string[], b: readonly string[]) => a.join('\n') !== b.join('\n');
  if (was.active !== will.active) changes.push({ kind: 'change', subject: 'Default route for the traffic (moves with failover)', from: was.active, to: will.active });
  if (standbyWords(was) !== standbyWords(will)) changes.push({ kind: 'change', subject: 'Standby default route per uplink (probes leave on their own uplink)', from: standbyWords(was), to: standbyWords(will) });
  if (differ(was.tables, will.tables)) changes.push({ kind: 'change', subject: 'Routing table per uplink (replies leave where they came in)', from: list(was.tables), to: list(will.tables) });
  if (differ(was.rules, will.rules)) changes.push({ kind: 'change', subject: 'Routing rules', from: was.rules.join('; '), to: will.rules.join('; ') });
  if (changes.length === 0) return { changes, routesDiff: '' };
  const wasRoutes = [was.active, ...was.standby.map((s) => s.route)];
  const willRoutes = [will.active, ...will.standby.map((s) => s.route)];
  const section = (title: string, before: readonly string[], after: readonly string[]) =>
    differ(before, after) ? [`--- ${title} (now, every link up)`, `+++ ${title} (expected once applied, every link up)`, ...before.filter((r) => !after.includes(r)).map((r) => `- ${r}`), ...after.filter((r) => !before.includes(r)).map((r) => `+ ${r}`)] : [];
  const routesDiff = [...section('ip -4 route show table main default', wasRoutes, willRoutes), ...section('ip -4 rule show', was.rules, will.rules)].join('\n');
  return { changes, routesDiff };
}

/** What the agent's snapshot holds: the main table's default routes and the rules from before failover. */
export function parseSnapshot(text: string): { routes: string[]; rulePrefs: Set<number> } {
  const routes: string[] = [];
  const rulePrefs = new Set<number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('route=')) routes.push(line.slice('route='.length).trim());
    const rule = /^rule=(\d+):/.exec(line);
    if (rule) rulePrefs.add(Number(rule[1]));
  }
  return { routes, rulePrefs };
}

/** The agent's most uplinks (MAX_WANS): its rules and tables are numbered within that range. */
const agentMaxWans = 8;

/** The agent's rules and tables the router holds now, from `ip -4 rule show`: numbers in the agent's ranges. */
export function agentRulesHeld(rulesText: string): { rulePrefs: number[]; tables: number[] } {
  const rulePrefs: number[] = [];
  const tables: number[] = [];
  for (const line of rulesText.split('\n')) {
    const m = /^(\d+):\s.*?(?:lookup (\d+))?\s*$/.exec(line.trim());
    if (!m) continue;
    const pref = Number(m[1]);
    if (pref < agentRulePriority || pref > agentRulePriority + agentMaxWans) continue;
    rulePrefs.push(pref);
    const table = m[2] === undefined ? NaN : Number(m[2]);
    if (table > agentTableBase && table <= agentTableBase + agentMaxWans) tables.push(table);
  }
  return { rulePrefs, tables };
}

/**
 * Remove's changes to the routing, from the snapshot (null: none on the router), the uplinks in
 * the agent's config and the rules the router holds (null: not read): stable while failover
 * moves traffic, so agreeing to the plan is not undone by a failover meanwhile, and complete when
 * the config is gone but the agent's rules are not (a remove that stopped half-way, a hand edit).
 */
export function removeRoutingChanges(snapshotText: string | null, wanCount: number, rulesText: string | null = null): { changes: string[]; routesAfter: string } {
  const held = agentRulesHeld(rulesText ?? '');
  const union = (a: readonly number[], b: readonly number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);
  const tables = union(Array.from({ length: wanCount }, (_, i) => agentTableBase + i + 1), held.tables);
  const snapshot = snapshotText === null ? null : parseSnapshot(snapshotText);
  const rules = union(Array.from({ length: wanCount + 1 }, (_, i) => agentRulePriority + i), held.rulePrefs).filter((pref) => !snapshot?.rulePrefs.has(pref));
  const changes = [`Delete Switchyard's default routes (proto ${agentRouteProto}) from the main table${tables.length ? `, its routing tables ${list(tables.map(String))}` : ''}${rules.length ? ` and its rules ${list(rules.map(String))}` : ''}.`];
  if (!snapshot) {
    changes.push('No snapshot of the routes from before failover is on the router: no default route is put back. Check `ip route` on the router afterwards.');
    return { changes, routesAfter: '' };
  }
  changes.push(...snapshot.routes.map((route) => `Put back the router's default route: ${route}`));
  if (snapshot.routes.length === 0) changes.push('The router had no default route before failover: none is put back.');
  const routesAfter = ['# ip -4 route show table main default after Remove: the routes from before failover (the snapshot)', ...snapshot.routes].join('\n');
  return { changes, routesAfter };
}

// mwan3 needs a distinct `metric` on every uplink in /etc/config/network; this proposes the
// smallest fix (only the uplinks that lack one or share one) as uci operations for the plan.
import type { UciBatchOp } from './uci/uci-batch.ts';
import { findMetricProblems } from './ubus-network-dump.ts';
import { findUciSection, getUciString, type UciPackage } from './uci/uci-model.ts';

export type MetricFix = {
  readonly ops: readonly UciBatchOp[];
  /** One line per uplink whose metric changes, for the plan. */
  readonly changes: readonly { readonly iface: string; readonly from: string | null; readonly to: string }[];
  readonly problems: readonly string[];
};

/**
 * Keeps every metric that is valid and unique (the first holder of a shared metric keeps it, in
 * `wans` order) and gives the others the next free multiple of 10 above the highest one in use.
 */
export function planMetricFix(network: UciPackage, wans: readonly string[]): MetricFix {
  const problems = findMetricProblems(network, wans);
  if (problems.length === 0) return { ops: [], changes: [], problems: [] };
  const used = new Set<number>();
  for (const s of network.sections) {
    const m = s.type === 'interface' ? getUciString(s, 'metric') : undefined;
    if (m !== undefined && /^\d+$/.test(m)) used.add(Number(m));
  }
  const keep = new Set<number>();
  const needs: string[] = [];
  const missing: string[] = [];
  for (const name of wans) {
    const s = findUciSection(network, name);
    if (!s || s.type !== 'interface') {
      missing.push(`"${name}" is not an interface section of /etc/config/network, so its metric cannot be set.`);
      continue;
    }
    const m = getUciString(s, 'metric');
    if (m !== undefined && /^\d+$/.test(m) && !keep.has(Number(m))) keep.add(Number(m));
    else needs.push(name);
  }
  let next = Math.max(0, ...used);
  const ops: UciBatchOp[] = [];
  const changes: { iface: string; from: string | null; to: string }[] = [];
  for (const name of needs) {
    next = (Math.floor(next / 10) + 1) * 10;
    const from = getUciString(findUciSection(network, name)!, 'metric') ?? null;
    ops.push({ kind: 'set-option', package: 'network', section: name, option: 'metric', value: String(next) });
    changes.push({ iface: name, from, to: String(next) });
  }
  return { ops, changes, problems: missing };
}

/** Ops that put back the uplinks' metrics as they were in `original` (for Remove). */
export function restoreMetricOps(current: UciPackage, original: UciPackage, wans: readonly string[]): UciBatchOp[] {
  const ops: UciBatchOp[] = [];
  for (const name of wans) {
    const now = findUciSection(current, name);
    const was = findUciSection(original, name);
    if (!now || now.type !== 'interface' || !was) continue;
    const a = getUciString(now, 'metric');
    const b = getUciString(was, 'metric');
    if (a === b) continue;
    if (b === undefined) ops.push({ kind: 'delete-option', package: 'network', section: name, option: 'metric' });
    else ops.push({ kind: 'set-option', package: 'network', section: name, option: 'metric', value: b });
  }
  return ops;
}

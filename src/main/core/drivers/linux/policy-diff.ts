// The apply preview in two forms: the change in the user's words ("Cellular (wwan0) priority
// 3 → 2"), and the config file's own line diff for the expert view.
import type { PlanChange } from '../../../../shared/failover-schemas.ts';
import { describeDampening, policyDampening } from '../../../../shared/failover-defaults.ts';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';

export function describeChanges(current: FailoverPolicy | null, next: FailoverPolicy): PlanChange[] {
  const changes: PlanChange[] = [];
  if (!current) {
    changes.push({ kind: 'add', subject: 'Switchyard failover', to: `${next.mode} over ${next.wans.filter((w) => w.enabled).map(label).join(', ')}` });
    changes.push({ kind: 'add', subject: 'Flap dampening', to: describeDampening(policyDampening(next)) });
    return changes;
  }
  if (current.mode !== next.mode) changes.push({ kind: 'change', subject: 'Mode', from: current.mode, to: next.mode });
  if (current.forcedRefreshStreams !== next.forcedRefreshStreams) {
    changes.push({ kind: 'change', subject: 'Forced Refresh Streams', from: onOff(current.forcedRefreshStreams), to: onOff(next.forcedRefreshStreams) });
  }
  const dampFrom = describeDampening(policyDampening(current));
  const dampTo = describeDampening(policyDampening(next));
  if (dampFrom !== dampTo) changes.push({ kind: 'change', subject: 'Flap dampening', from: dampFrom, to: dampTo });
  const before = new Map(current.wans.map((w) => [w.name, w]));
  for (const wan of next.wans) {
    const old = before.get(wan.name);
    before.delete(wan.name);
    if (!old) {
      changes.push({ kind: 'add', subject: label(wan), to: `priority ${wan.priority}` });
      continue;
    }
    const fields: Array<[string, string, string]> = [
      ['device', old.device, wan.device],
      ['gateway', old.gateway ?? '—', wan.gateway ?? '—'],
      ['priority', String(old.priority), String(wan.priority)],
      ['ratio', String(old.weight), String(wan.weight)],
      ['enabled', onOff(old.enabled), onOff(wan.enabled)],
      ['tracking', old.tracking.method, wan.tracking.method],
      ['targets', old.tracking.targets.join(', ') || '—', wan.tracking.targets.join(', ') || '—'],
      ['interval', `${old.tracking.intervalSec} s`, `${wan.tracking.intervalSec} s`],
      ['timeout', `${old.tracking.timeoutSec} s`, `${wan.tracking.timeoutSec} s`],
      ['down after', `${old.tracking.downCount} lost`, `${wan.tracking.downCount} lost`],
      ['up after', `${old.tracking.upCount} answered`, `${wan.tracking.upCount} answered`],
      ['probing while failing', `${old.tracking.failureIntervalSec} s`, `${wan.tracking.failureIntervalSec} s`],
      ['targets that must answer', String(old.tracking.reliability), String(wan.tracking.reliability)],
      ['latency limit', ms(old.tracking.latencyThresholdMs), ms(wan.tracking.latencyThresholdMs)],
      ['loss limit', pct(old.tracking.lossThresholdPct), pct(wan.tracking.lossThresholdPct)],
      ['probed', probedWords(old.tracking.probeWhen), probedWords(wan.tracking.probeWhen)],
    ];
    for (const [field, from, to] of fields) if (from !== to) changes.push({ kind: 'change', subject: `${label(wan)} ${field}`, from, to });
  }
  for (const gone of before.values()) changes.push({ kind: 'remove', subject: label(gone) });
  return changes;
}

/** A plain line diff: lines only in the old file with `-`, only in the new with `+`. */
export function lineDiff(oldText: string, newText: string, path: string): string {
  const oldLines = oldText ? oldText.replace(/\n$/, '').split('\n') : [];
  const newLines = newText.replace(/\n$/, '').split('\n');
  const lcs = lcsTable(oldLines, newLines);
  const out: string[] = [`--- ${path}${oldText ? '' : ' (new)'}`, `+++ ${path}`];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && j < newLines.length && oldLines[i] === newLines[j]) {
      out.push(`  ${oldLines[i]}`);
      i++;
      j++;
    } else if (j < newLines.length && (i === oldLines.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+ ${newLines[j++]}`);
    } else {
      out.push(`- ${oldLines[i++]}`);
    }
  }
  return out.join('\n');
}

function lcsTable(a: readonly string[], b: readonly string[]): number[][] {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  return t;
}

const kindNames: Record<Wan['kind'], string> = { ethernet: 'Ethernet', repeater: 'Repeater', tethering: 'Tethering', cellular: 'Cellular' };
const label = (wan: Wan) => `${kindNames[wan.kind]} (${wan.device})`;
const onOff = (v: boolean) => (v ? 'on' : 'off');
const ms = (v: number | undefined) => (v === undefined ? 'none' : `${v} ms`);
const pct = (v: number | undefined) => (v === undefined ? 'none' : `${v} %`);

/** A backup probed only when needed (probeWhen) in the plan's words. */
function probedWords(probeWhen: 'always' | 'needed' | undefined): string {
  return probeWhen === 'needed' ? 'only when needed' : 'always';
}

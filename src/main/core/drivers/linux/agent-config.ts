// Switchyard's policy as the on-router agent's config file (resources/agent/README.md,
// "Config format") and back. Values are written in the agent's own strict patterns, so a file
// this module writes always passes the agent's parser.
import { defaultDampening, policyDampening } from '../../../../shared/failover-defaults.ts';
import type { Dampening, FailoverPolicy, Tracking, Wan } from '../../../../shared/model.ts';

/** Names the agent accepts for uplinks. */
export const agentWanName = /^[A-Za-z0-9_]{1,15}$/;

/** Hysteresis: a failed target counts as good again below these fractions of the threshold. */
const recoveryLatencyFraction = 0.5;
const recoveryLossFraction = 0.25;
/** The agent's largest values, written when only one of the two quality thresholds is set. */
const noLatencyLimitMs = 60_000;
const noLossLimitPct = 100;

export function renderAgentConfig(policy: FailoverPolicy): string {
  const lines = ['# Written by Switchyard; edits by hand are replaced on the next apply.', 'version=1', `mode=${policy.mode}`, `forcedRefreshStreams=${policy.forcedRefreshStreams ? 1 : 0}`];
  if (policy.stayOnBackup) lines.push('stayOnBackup=1');
  // Always written, so the file (and the plan's diff of it) says what the router will do.
  const d = policyDampening(policy);
  lines.push(`dampening=${d.enabled ? 1 : 0}`, `dampenFlaps=${d.flaps}`, `dampenWindowSec=${d.windowSec}`, `dampenHoldSec=${d.holdSec}`);
  // A stable order (by name), not the priority order: an uplink keeps its index (routing table,
  // probe streams and counts on the router) when only the priorities change.
  for (const wan of [...policy.wans].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = (name: string, value: string | number) => lines.push(`wan.${wan.name}.${name}=${value}`);
    key('device', wan.device);
    key('gateway', wan.gateway ?? '');
    key('priority', wan.priority);
    key('weight', wan.weight);
    key('enabled', wan.enabled ? 1 : 0);
    const t = wan.tracking;
    key('trackMethod', t.method);
    if (t.targets.length) key('targets', t.targets.join(','));
    if (t.method !== 'none') {
      key('reliability', t.reliability);
      key('intervalSec', seconds(t.intervalSec));
      key('failureIntervalSec', seconds(t.failureIntervalSec));
      key('timeoutSec', seconds(t.timeoutSec));
      key('downCount', t.downCount);
      key('upCount', t.upCount);
      // Only when asked, so configs without it stay byte for byte what they were.
      if (t.probeWhen === 'needed') key('probeWhen', 'needed');
    }
    if (t.latencyThresholdMs !== undefined || t.lossThresholdPct !== undefined) {
      const latency = t.latencyThresholdMs ?? noLatencyLimitMs;
      const loss = t.lossThresholdPct ?? noLossLimitPct;
      key('checkQuality', 1);
      key('failureLatencyMs', Math.round(latency));
      key('recoveryLatencyMs', Math.max(1, Math.round(latency * recoveryLatencyFraction)));
      key('failureLossPct', Math.round(loss));
      key('recoveryLossPct', Math.round(loss * recoveryLossFraction));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Reads a config the agent holds back into a policy; null when the text is no agent config. */
export function parseAgentConfig(text: string, kindOf: (device: string) => Wan['kind']): FailoverPolicy | null {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (values.get('version') !== '1') return null;
  const names: string[] = [];
  for (const key of values.keys()) {
    const m = /^wan\.([A-Za-z0-9_]+)\./.exec(key);
    if (m && !names.includes(m[1]!)) names.push(m[1]!);
  }
  const num = (key: string, fallback: number) => {
    const v = values.get(key);
    return v === undefined || v === '' ? fallback : Number(v);
  };
  const wans = names.map((name, index): Wan => {
    const k = (key: string) => `wan.${name}.${key}`;
    const interval = num(k('intervalSec'), 0.2);
    const checkQuality = values.get(k('checkQuality')) === '1';
    const latency = num(k('failureLatencyMs'), noLatencyLimitMs);
    const loss = num(k('failureLossPct'), noLossLimitPct);
    const tracking: Tracking = {
      method: (values.get(k('trackMethod')) ?? 'ping') as Tracking['method'],
      targets: (values.get(k('targets')) ?? '').split(',').filter(Boolean),
      reliability: num(k('reliability'), 1),
      intervalSec: interval,
      timeoutSec: num(k('timeoutSec'), 0.4),
      downCount: num(k('downCount'), 10),
      upCount: num(k('upCount'), 10),
      failureIntervalSec: num(k('failureIntervalSec'), interval),
      ...(checkQuality && latency < noLatencyLimitMs && { latencyThresholdMs: latency }),
      ...(checkQuality && loss < noLossLimitPct && { lossThresholdPct: loss }),
      ...(values.get(k('probeWhen')) === 'needed' && { probeWhen: 'needed' as const }),
    };
    const device = values.get(k('device')) ?? '';
    const gateway = values.get(k('gateway')) ?? '';
    return {
      name,
      device,
      kind: kindOf(device),
      ...(gateway && { gateway }),
      priority: num(k('priority'), index + 1),
      weight: num(k('weight'), 1),
      tracking,
      enabled: values.get(k('enabled')) !== '0',
    };
  });
  if (wans.length === 0) return null;
  wans.sort((a, b) => a.priority - b.priority);
  // The agent's own defaults are Switchyard's; a policy naming none means them, so it reads back as none.
  const dampening: Dampening = {
    enabled: values.get('dampening') !== '0',
    flaps: num('dampenFlaps', defaultDampening.flaps),
    windowSec: num('dampenWindowSec', defaultDampening.windowSec),
    holdSec: num('dampenHoldSec', defaultDampening.holdSec),
  };
  const isDefault = (Object.keys(defaultDampening) as Array<keyof Dampening>).every((k) => dampening[k] === defaultDampening[k]);
  return {
    mode: values.get('mode') === 'balance' ? 'balance' : 'failover',
    forcedRefreshStreams: values.get('forcedRefreshStreams') === '1',
    ...(values.get('stayOnBackup') === '1' && { stayOnBackup: true }),
    ...(!isDefault && { dampening }),
    wans,
  };
}

/** At most 3 decimals, no exponent: the agent's pattern for seconds. */
function seconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

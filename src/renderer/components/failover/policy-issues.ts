// Everything that would make a draft policy fail, worded for the person typing: the shared
// zod schema (the same check the core runs) plus what only the UI knows — the router's real
// interfaces and subnets, targets shared between uplinks, what this platform can do.
import { z } from 'zod';
import type { DriverCapabilities, WanCandidate } from '../../../shared/failover-schemas.ts';
import { dampeningSchema, failoverPolicySchema, trackingSchema, wanSchema, type FailoverPolicy, type Tracking, type Wan } from '../../../shared/model.ts';
import { uplinkLabel } from './uplink-label.ts';

/** Field key → why it is wrong. Keys: `policy`, `mode`, `dampening`, or `wan:<name>:<field>`. */
export type PolicyIssues = Readonly<Record<string, string>>;

export type WanField = 'device' | 'gateway' | 'weight' | 'method' | 'targets' | 'reliability' | NumericTrackingField | 'other';
export type NumericTrackingField = 'intervalSec' | 'failureIntervalSec' | 'timeoutSec' | 'downCount' | 'upCount' | 'latencyThresholdMs' | 'lossThresholdPct';

export function wanIssueKey(wanName: string, field: WanField): string {
  return `wan:${wanName}:${field}`;
}

export function wanIssues(issues: PolicyIssues, wanName: string): string[] {
  const prefix = `wan:${wanName}:`;
  return Object.entries(issues)
    .filter(([key]) => key.startsWith(prefix))
    .map(([, message]) => message);
}

export interface PolicyContext {
  candidates: readonly WanCandidate[];
  capabilities: DriverCapabilities;
}

interface NumberRule {
  label: string;
  unit: string;
  min: number;
  max: number;
  whole: boolean;
}

// Bounds come from the shared schema so the UI never disagrees with the core about a range.
function rule(schema: z.ZodNumber, label: string, unit: string, whole: boolean): NumberRule {
  return { label, unit, min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER, whole };
}
const t = trackingSchema.shape;
export const numberRules: Readonly<Record<NumericTrackingField, NumberRule>> = {
  intervalSec: rule(t.intervalSec, 'The interval', 's', false),
  failureIntervalSec: rule(t.failureIntervalSec, 'The interval while failing', 's', false),
  timeoutSec: rule(t.timeoutSec, 'The timeout', 's', false),
  downCount: rule(t.downCount, 'Down after', 'failed checks', true),
  upCount: rule(t.upCount, 'Up after', 'good checks', true),
  latencyThresholdMs: rule(t.latencyThresholdMs.unwrap(), 'The latency threshold', 'ms', false),
  lossThresholdPct: rule(t.lossThresholdPct.unwrap(), 'The loss threshold', '%', false),
};
const weightRule = rule(wanSchema.shape.weight, 'The ratio', '', true);
const reliabilityRule = rule(t.reliability, 'Targets that must answer', '', true);
// Mirrors trackingSchema's targets .max(8); zod arrays do not expose their bound.
const maxTargets = 8;

const ipv4Schema = z.ipv4();
export function isIpv4(value: string): boolean {
  return ipv4Schema.safeParse(value).success;
}

function numberProblem(value: number | undefined, r: NumberRule): string | null {
  if (value === undefined || Number.isNaN(value)) return `${r.label}: enter a number.`;
  const range = `${r.min} to ${r.max}${r.unit ? ` ${r.unit}` : ''}`;
  if (r.whole && !Number.isInteger(value)) return `${r.label} must be a whole number from ${range}.`;
  if (value < r.min || value > r.max) return `${r.label} must be from ${range}.`;
  return null;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** The network a candidate sits in, when the router told us its address and prefix. */
export function candidateNetwork(candidate: WanCandidate | undefined): { base: number; prefixLen: number; text: string } | null {
  if (!candidate?.address || candidate.prefixLen === undefined || !isIpv4(candidate.address)) return null;
  const prefixLen = candidate.prefixLen;
  if (prefixLen < 1 || prefixLen > 32) return null;
  const size = 2 ** (32 - prefixLen);
  const base = Math.floor(ipToInt(candidate.address) / size) * size;
  const text = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.');
  return { base, prefixLen, text: `${text}/${prefixLen}` };
}

function gatewayProblem(wan: Wan, candidate: WanCandidate | undefined): string | null {
  if (wan.gateway === undefined) return null;
  if (!isIpv4(wan.gateway)) return `“${wan.gateway}” is not an IPv4 address (four numbers from 0 to 255, like 192.0.2.1).`;
  if (candidate?.address === wan.gateway) return `${wan.gateway} is the router's own address on ${wan.device}, not the gateway beyond it.`;
  const network = candidateNetwork(candidate);
  // /31 and /32 are point-to-point links (PPP, many cellular modems): their gateway is the
  // peer, which lies outside the router's own prefix by design.
  if (network && network.prefixLen < 31) {
    const size = 2 ** (32 - network.prefixLen);
    if (Math.floor(ipToInt(wan.gateway) / size) * size !== network.base) {
      return `${wan.gateway} is outside ${wan.device}'s network (${network.text}): the router could not reach it through ${wan.device}.`;
    }
  }
  return null;
}

function deviceProblem(wan: Wan, policy: FailoverPolicy, candidates: readonly WanCandidate[]): string | null {
  const device = wan.device.trim();
  if (!device) return 'Enter the interface this uplink leaves through (like eth1).';
  const devices = [...new Set(candidates.map((c) => c.device))];
  if (!devices.includes(wan.device)) {
    const nearly = devices.find((d) => d.toLowerCase() === device.toLowerCase());
    if (nearly) return `“${wan.device}” is not on this router; did you mean ${nearly}? Interface names must match exactly.`;
    return `“${wan.device}” is not an interface on this router. It has: ${devices.join(', ') || 'none found'}.`;
  }
  const other = policy.wans.find((w) => w !== wan && w.device === wan.device);
  if (other) return `${uplinkLabel(other)} already uses ${wan.device}; each uplink needs its own interface.`;
  return null;
}

function trackingProblems(wan: Wan, tracking: Tracking, capabilities: DriverCapabilities, targetOwners: ReadonlyMap<string, readonly Wan[]>): Partial<Record<WanField, string>> {
  const out: Partial<Record<WanField, string>> = {};
  if (!capabilities.trackMethods.includes(tracking.method)) {
    out.method = `This router cannot check links with ${tracking.method}. It can use: ${capabilities.trackMethods.join(', ')}.`;
  }
  if (tracking.method === 'none') return out;

  const targetProblems: string[] = [];
  if (tracking.targets.length === 0) targetProblems.push('Add at least one address to check, or choose “Link state only”.');
  if (tracking.targets.length > maxTargets) targetProblems.push(`At most ${maxTargets} targets.`);
  const seen = new Set<string>();
  for (const target of tracking.targets) {
    if (!isIpv4(target)) targetProblems.push(`“${target}” is not an IPv4 address (like 1.1.1.1).`);
    else if (seen.has(target)) targetProblems.push(`${target} is listed twice.`);
    else {
      const others = (targetOwners.get(target) ?? []).filter((w) => w !== wan);
      if (others.length) {
        targetProblems.push(`${target} is also a target of ${others.map(uplinkLabel).join(', ')}: if that one address stops answering, both links look down at once. Give each uplink its own targets.`);
      }
    }
    seen.add(target);
  }
  if (targetProblems.length) out.targets = targetProblems.join(' ');

  const reliability = numberProblem(tracking.reliability, reliabilityRule);
  if (reliability) out.reliability = reliability;
  else if (tracking.targets.length > 0 && tracking.reliability > tracking.targets.length) {
    out.reliability = `Only ${tracking.targets.length} target${tracking.targets.length === 1 ? ' is' : 's are'} listed, so at most ${tracking.targets.length} can be required to answer.`;
  }

  for (const field of ['intervalSec', 'failureIntervalSec', 'timeoutSec', 'downCount', 'upCount'] as const) {
    const problem = numberProblem(tracking[field], numberRules[field]);
    if (problem) out[field] = problem;
  }
  for (const field of ['latencyThresholdMs', 'lossThresholdPct'] as const) {
    if (tracking[field] === undefined) continue;
    const problem = numberProblem(tracking[field], numberRules[field]);
    if (problem) out[field] = problem;
  }
  return out;
}

export function validatePolicy(policy: FailoverPolicy, context: PolicyContext): PolicyIssues {
  const { candidates, capabilities } = context;
  const issues: Record<string, string> = {};
  const enabled = policy.wans.filter((w) => w.enabled);

  if (policy.wans.length === 0) issues.policy = 'Add at least one uplink.';
  else if (enabled.length === 0) issues.policy = 'Turn on at least one uplink.';
  if (policy.wans.length > capabilities.maxWans) issues.policy = `This router handles at most ${capabilities.maxWans} uplinks; remove ${policy.wans.length - capabilities.maxWans}.`;
  if (policy.mode === 'balance' && !capabilities.supportsLoadBalance) issues.mode = 'This router cannot load-balance; choose Failover.';
  else if (policy.mode === 'balance' && enabled.length < 2) issues.mode = 'Load balance needs at least two uplinks turned on.';
  if (policy.forcedRefreshStreams && !capabilities.supportsForcedRefreshStreams) issues.mode = 'This router cannot force streams back; turn Forced Refresh Streams off.';
  if (policy.stayOnBackup && !capabilities.supportsStayOnBackup) issues.mode = 'This router always goes back to the primary once it passes its checks; turn "Stay on the backup until I switch back" off.';

  if (policy.dampening && !dampeningSchema.safeParse(policy.dampening).success) {
    issues.dampening = 'Flap dampening needs whole numbers: 2–100 failures, within 10–86400 s, held for 5–86400 s.';
  }

  const targetOwners = new Map<string, Wan[]>();
  for (const wan of enabled) {
    if (wan.tracking.method === 'none') continue;
    for (const target of new Set(wan.tracking.targets)) targetOwners.set(target, [...(targetOwners.get(target) ?? []), wan]);
  }

  for (const wan of policy.wans) {
    const candidate = candidates.find((c) => c.device === wan.device);
    const found: Partial<Record<WanField, string>> = {};
    const device = deviceProblem(wan, policy, candidates);
    if (device) found.device = device;
    const gateway = gatewayProblem(wan, candidate);
    if (gateway) found.gateway = gateway;
    if (policy.mode === 'balance') {
      const weight = numberProblem(wan.weight, weightRule);
      if (weight) found.weight = weight;
    }
    // A turned-off uplink still travels to the router, so its fields must still be valid; it
    // just does not take part in the cross-uplink target check.
    Object.assign(found, trackingProblems(wan, wan.tracking, capabilities, wan.enabled ? targetOwners : new Map()));
    for (const [field, message] of Object.entries(found)) issues[wanIssueKey(wan.name, field as WanField)] = message;
  }

  // The core's own schema is the last word: anything it refuses that the checks above missed
  // still blocks Apply, with the schema's message.
  const parsed = failoverPolicySchema.safeParse(policy);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, index, ...rest] = issue.path;
      const wan = top === 'wans' && typeof index === 'number' ? policy.wans[index] : undefined;
      if (wan) {
        const field = String((rest[0] === 'tracking' ? rest[1] : rest[0]) ?? 'other');
        issues[`wan:${wan.name}:${field}`] ??= `${uplinkLabel(wan)}, ${field}: ${issue.message}`;
      } else if (top === 'dampening') {
        issues.dampening ??= `Flap dampening: ${issue.message}`;
      } else if (!issues.policy && !issues.mode) {
        issues.policy = issue.message;
      }
    }
  }
  return issues;
}

/** Each enabled uplink's share of new connections in balance mode, in whole percent. */
export function balanceShares(policy: FailoverPolicy): ReadonlyMap<string, number> {
  const enabled = policy.wans.filter((w) => w.enabled && Number.isFinite(w.weight) && w.weight > 0);
  const total = enabled.reduce((sum, w) => sum + w.weight, 0);
  return new Map(enabled.map((w) => [w.name, total > 0 ? Math.round((w.weight / total) * 1000) / 10 : 0]));
}

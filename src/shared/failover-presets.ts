// Timing presets (issue 14 item 3): Fast, Balanced and Cellular saver as each platform's engine can
// hold them, with the predicted worst-case failover and failback time, the parts of those bounds,
// and what the probes cost in data per uplink and month. Pure, so the editor can show it live.
import { defaultTracking, failbackParts, failoverParts, sumParts, type FailoverTimePart } from './failover-defaults.ts';
import { kmwanDetectionSec, kmwanPollSec } from './kmwan-sensitivity.ts';
import type { FailoverPolicy, PlatformId, Tracking, Wan, WanKind } from './model.ts';

export const presetIds = ['fast', 'balanced', 'cellular-saver'] as const;
export type PresetId = (typeof presetIds)[number];

export const presetLabels: Readonly<Record<PresetId, string>> = { fast: 'Fast', balanced: 'Balanced', 'cellular-saver': 'Cellular saver' };

/** The failover time each preset promises on an engine that can hold it. */
export const presetGoalSec: Readonly<Record<PresetId, number>> = { fast: 1, balanced: 3, 'cellular-saver': 3 };

/** Kinds billed by the byte: a phone's tethering or a cellular modem. */
export function isMetered(kind: WanKind): boolean {
  return kind === 'cellular' || kind === 'tethering';
}

/**
 * One ICMP echo as ping sends it by default (56 data bytes + 8 ICMP + 20 IPv4 header = 84 bytes),
 * once out and once back; mwan3 (`size 56`) and the agent send the same. What a carrier bills.
 */
export const echoRoundTripBytes = 2 * 84;
/** A month as carriers bill it here: 30 days. */
export const monthSec = 30 * 86_400;

/**
 * Bytes a month the probes of one uplink cost while it is online, or null for an unknown method.
 * A backup probed only when needed costs nothing while the primary is healthy (one echo per
 * target at each apply; what a failure costs is probeBytesPerHourWhenNeeded).
 */
export function probeBytesPerMonth(tracking: Tracking): number | null {
  if (tracking.method === 'none') return 0;
  if (tracking.method !== 'ping') return null;
  if (tracking.probeWhen === 'needed') return 0;
  return Math.round((tracking.targets.length * echoRoundTripBytes * monthSec) / tracking.intervalSec);
}

/** What an hour of being needed costs (the primary failing, or traffic on this uplink). */
export function probeBytesPerHourWhenNeeded(tracking: Tracking): number | null {
  if (tracking.method === 'none') return 0;
  if (tracking.method !== 'ping') return null;
  return Math.round((tracking.targets.length * echoRoundTripBytes * 3600) / tracking.intervalSec);
}

export interface PresetUplink {
  readonly name: string;
  readonly role: 'primary' | 'backup';
  readonly metered: boolean;
  readonly tracking: Tracking;
  /** null: httping/arping, whose size Switchyard does not model. */
  readonly probeBytesPerMonth: number | null;
  /** Worst case for this uplink's own failure to be noticed (a dead backup is skipped after it). */
  readonly detectionSec: number | null;
}

export interface PresetTime {
  readonly totalSec: number;
  readonly parts: readonly FailoverTimePart[];
}

export interface PresetPlan {
  readonly preset: PresetId;
  readonly platform: PlatformId;
  readonly goalSec: number;
  /** The primary's failure to traffic on a backup; null when the platform has no model. */
  readonly failover: PresetTime | null;
  /** The primary answering again to new connections back on it. */
  readonly failback: PresetTime | null;
  /** Within the goal on this platform's engine. */
  readonly reachable: boolean;
  /** Why not, and what the engine can do instead, in words; null when reachable. */
  readonly limit: string | null;
  /** Things to know that do not stop it (cost of fast probing on a metered primary, ...). */
  readonly notes: readonly string[];
  readonly uplinks: readonly PresetUplink[];
}

/**
 * Linux agent (resources/agent/README.md): 0.1 s is its floor for intervals and its tick.
 * Fast primary: 10 probes a second, offline after 3 lost in a row with a 0.2 s timeout: a false
 * failover needs every target silent for 0.5 s (≥ 4 echoes lost per target: at 10 % loss 1e-4
 * per target, 1e-8 for two, ~3e-5 in 5 minutes of 3000 slots); worst case 0.7 s. The LAN
 * client's gap adds the route change, the flush and its own 0.1 s ping spacing (measured: bench).
 */
const linuxFastPrimary: Partial<Tracking> = { intervalSec: 0.1, failureIntervalSec: 0.1, timeoutSec: 0.2, downCount: 3, upCount: 10 };
/** Backups under Fast: every 2 s while online (their cost), every 0.2 s once suspect or down. */
const linuxSlowBackup: Partial<Tracking> = { intervalSec: 2, failureIntervalSec: 0.2, timeoutSec: 0.5, downCount: 5, upCount: 10 };
/**
 * Metered backups under Cellular saver: probed only when needed (GL.iNet's Low Data Mode) — not
 * at all while the primary is healthy; from the moment it starts failing, one echo at once, then
 * one a minute per target while online, 0.5 s apart once suspect.
 */
const linuxRareBackup: Partial<Tracking> = { intervalSec: 60, failureIntervalSec: 0.5, timeoutSec: 1, downCount: 4, upCount: 6, probeWhen: 'needed' };
/** mwan3: whole seconds; metered backups once a minute, 1 s rounds once suspect. */
const mwan3RareBackup: Partial<Tracking> = { intervalSec: 60, failureIntervalSec: 1, timeoutSec: 1, downCount: 2, upCount: 3 };

/** The policy's primary: the enabled uplink preferred first (lowest priority number). */
function primaryName(wans: readonly Wan[]): string | undefined {
  return [...wans].filter((w) => w.enabled).sort((a, b) => a.priority - b.priority)[0]?.name;
}

function trackingFor(platform: PlatformId, preset: PresetId, wan: Wan, role: 'primary' | 'backup'): Tracking {
  const base: Tracking = { ...defaultTracking(platform), targets: wan.tracking.targets, reliability: Math.min(wan.tracking.reliability, Math.max(1, wan.tracking.targets.length)) };
  const method = wan.tracking.method === 'none' ? 'none' : 'ping';
  const withBase = (over: Partial<Tracking>): Tracking => ({ ...base, ...over, method });
  const metered = isMetered(wan.kind);
  switch (platform) {
    case 'linux':
      if (preset === 'fast') return withBase(role === 'primary' ? linuxFastPrimary : linuxSlowBackup);
      if (preset === 'cellular-saver' && role === 'backup' && metered) return withBase(linuxRareBackup);
      return withBase({});
    case 'openwrt-mwan3':
      // Fast cannot go below mwan3's whole-second rounds: its fastest safe profile is the default.
      if (preset === 'cellular-saver' && role === 'backup' && metered) return withBase(mwan3RareBackup);
      return withBase({});
    case 'glinet-kmwan':
      // One sensitivity for every uplink: high (1 s) for Fast, GL's medium (3 s) otherwise.
      return withBase(preset === 'fast' ? { timeoutSec: 1 } : {});
    case 'routeros':
    case 'unknown':
      return withBase({});
  }
}

function time(parts: readonly FailoverTimePart[] | null): PresetTime | null {
  return parts ? { totalSec: sumParts(parts), parts } : null;
}

/** Data amounts as a carrier's bill shows them (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

/** What `preset` means for these uplinks on this platform (targets and methods are kept). */
export function planPreset(platform: PlatformId, preset: PresetId, wans: readonly Wan[]): PresetPlan {
  const primary = primaryName(wans);
  const uplinks = wans.map((wan): PresetUplink => {
    const role = wan.name === primary ? 'primary' : 'backup';
    const tracking = trackingFor(platform, preset, wan, role);
    const parts = failoverParts(platform, tracking);
    return { name: wan.name, role, metered: isMetered(wan.kind), tracking, probeBytesPerMonth: probeBytesPerMonth(tracking), detectionSec: parts ? sumParts(parts) : null };
  });
  const main = uplinks.find((u) => u.role === 'primary');
  const failover = main ? time(failoverParts(platform, main.tracking)) : null;
  const failback = main ? time(failbackParts(platform, main.tracking)) : null;
  const goalSec = presetGoalSec[preset];
  const notes: string[] = [];
  let limit: string | null = null;
  if (!main) limit = 'No enabled uplink: there is nothing to time.';
  else if (failover === null) limit = `Switchyard has no timing model for ${platform} routers, so it cannot predict this preset there.`;
  else if (failover.totalSec > goalSec) limit = limitText(platform, preset, failover.totalSec, goalSec);
  if (main && main.metered && preset === 'fast' && main.probeBytesPerMonth !== null) {
    notes.push(`${main.name} is metered: probing it ${1 / main.tracking.intervalSec} times a second costs ${formatBytes(main.probeBytesPerMonth)} a month. Fast is meant for a wired primary.`);
  }
  if (preset !== 'cellular-saver') {
    for (const u of uplinks.filter((x) => x.role === 'backup' && x.metered)) notes.push(...standbyCostNotes(platform, u));
  }
  if (preset === 'cellular-saver') {
    for (const u of uplinks.filter((x) => x.role === 'backup' && x.metered)) notes.push(...saverNotes(platform, u, main?.name));
    if (platform === 'glinet-kmwan') {
      notes.push(
        "kmwan probes every uplink every second whatever the preset; Switchyard cannot slow it, so this preset saves no data on GL.iNet. " +
          "GL's own Low Data Mode does what Cellular saver does on Linux (a real GL-MT6000 on 4.9.1 shows its LTE backup in kmwan's 'passive' track mode with 0 probes sent); Switchyard does not set it: turn it on in GL's admin panel, Multi-WAN.",
      );
    }
  }
  return { preset, platform, goalSec, failover, failback, reachable: limit === null, limit, notes, uplinks };
}

/** A carrier's bill would show this much probe data a month of a backup that carries nothing. */
const standbyCostWarnBytes = 100e6;

/** A metered backup probed while it only stands by: what that costs, and the preset that saves it. */
function standbyCostNotes(platform: PlatformId, u: PresetUplink): string[] {
  if (u.probeBytesPerMonth === null || u.probeBytesPerMonth < standbyCostWarnBytes) return [];
  const cost = `${u.name} is metered and is probed while it only stands by: about ${formatBytes(u.probeBytesPerMonth)} a month of probe data on its bill.`;
  switch (platform) {
    case 'linux':
      return [`${cost} Cellular saver probes it only when the primary starts failing (0 B a month while the primary is healthy).`];
    case 'openwrt-mwan3':
      return [`${cost} Cellular saver probes it once a minute (${formatBytes(probeBytesPerMonth({ ...u.tracking, ...mwan3RareBackup }) ?? 0)} a month).`];
    case 'glinet-kmwan':
      return [`${cost} kmwan probes every uplink every second whatever the preset; GL's own Low Data Mode (GL's admin panel, Multi-WAN) stops it.`];
    case 'routeros':
    case 'unknown':
      return [cost];
  }
}

/** Cellular saver's words for one metered backup: what it costs and what it gives up. */
function saverNotes(platform: PlatformId, u: PresetUplink, primary: string | undefined): string[] {
  const t = u.tracking;
  if (t.probeWhen === 'needed') {
    const hour = probeBytesPerHourWhenNeeded(t);
    const main = primary ?? 'the primary';
    return [
      `${u.name} is probed only when needed. While ${main} is healthy: not at all (0 B a month; one echo per target when the policy is applied). ` +
        `Once ${main} starts failing: at once, so ${u.name} has answered before the switch${hour === null ? '' : ` (${formatBytes(hour)} an hour while it is needed)`}. ` +
        `The cost: if ${u.name} died while idle, nothing notices until then; the switch goes to it, and leaves it again after its own down count (${u.detectionSec} s).`,
    ];
  }
  const words: string[] = [];
  if (u.detectionSec !== null && u.detectionSec > presetGoalSec['cellular-saver']) {
    words.push(`${u.name} is checked every ${t.intervalSec} s: if it dies while idle, Switchyard's engine notices within ${u.detectionSec} s, and a failover in that window waits for it.`);
  }
  if (platform === 'openwrt-mwan3') {
    words.push(`mwan3 cannot leave ${u.name} unprobed while the primary is healthy (it tracks every interface all the time; there is no option for it): probing only when needed is not reachable on mwan3, so a probe a minute is the saving here.`);
  }
  return words;
}

function limitText(platform: PlatformId, preset: PresetId, predictedSec: number, goalSec: number): string {
  const label = presetLabels[preset];
  switch (platform) {
    case 'openwrt-mwan3':
      return `${label} needs ≤ ${goalSec} s; mwan3 counts whole seconds and asks its targets one after the other, so its fastest safe rounds (1 s interval and timeout, 2 strikes) give ${predictedSec} s here. Not reachable on mwan3.`;
    case 'glinet-kmwan':
      return `${label} needs ≤ ${goalSec} s; kmwan polls every ${kmwanPollSec} s and its most sensitive level (high, 1 s) notices an outage within ${kmwanDetectionSec(1000)} s, so this gives ${predictedSec} s. Not reachable on GL.iNet.`;
    default:
      return `${label} needs ≤ ${goalSec} s; these settings give ${predictedSec} s.`;
  }
}

/** The policy with each uplink's tracking from the plan (targets, names and order untouched). */
export function applyPreset(policy: FailoverPolicy, plan: PresetPlan): FailoverPolicy {
  return { ...policy, wans: policy.wans.map((w) => ({ ...w, tracking: plan.uplinks.find((u) => u.name === w.name)?.tracking ?? w.tracking })) };
}

/** Which preset a policy's tracking is, if it is exactly one of them; else null (custom). */
export function matchPreset(platform: PlatformId, policy: FailoverPolicy): PresetId | null {
  const keys = ['method', 'reliability', 'intervalSec', 'timeoutSec', 'downCount', 'upCount', 'failureIntervalSec', 'latencyThresholdMs', 'lossThresholdPct', 'probeWhen'] as const;
  const same = (a: Tracking, b: Tracking) => keys.every((k) => a[k] === b[k]) && a.targets.join() === b.targets.join();
  for (const preset of presetIds) {
    const plan = planPreset(platform, preset, policy.wans);
    if (policy.wans.every((w) => same(w.tracking, plan.uplinks.find((u) => u.name === w.name)!.tracking))) return preset;
  }
  return null;
}

// kmwan's configuration in Switchyard's words (FailoverPolicy), and back: the exact option values
// GL.iNet's own RPC module writes for the same settings (kmwan set_config, set_interface,
// set_sensitivity), so GL's web UI shows afterwards exactly what Switchyard set.
import type { FailoverPolicy, Tracking, Wan, WanKind } from '../../../../shared/model.ts';
import type { UciBatchOp } from '../openwrt-mwan3/uci/uci-batch.ts';
import { findUciOption, findUciSection, getUciList, uciSectionRef, type UciPackage } from '../openwrt-mwan3/uci/uci-model.ts';
import { frsOption, trackingOn, uplinkMembers, type KmwanConfig, type KmwanMember } from './kmwan-config.ts';
import type { KmwanStepFlags } from './kmwan-apply.ts';
import { kmwanLevelFor, kmwanPollSec, sensitivityProblem } from '../../../../shared/kmwan-sensitivity.ts';

export type KmwanUplinkInfo = { readonly device: string; readonly kind: WanKind; readonly gateway?: string | undefined };
export type KmwanLookup = (member: string) => KmwanUplinkInfo | undefined;

const ipv4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/** GL's names say the kind better than a device name does (GL's wwan is the repeater). */
export function kmwanKind(member: string, fromNetifd: WanKind | undefined): WanKind {
  if (member.includes('modem')) return 'cellular';
  if (member === 'wwan') return 'repeater';
  if (member === 'tethering') return 'tethering';
  return fromNetifd ?? 'ethernet';
}

/**
 * kmwan's tracking as Switchyard's model: the kernel probes every poll (1 s), calls a member dead
 * once a probe has gone unanswered for the sensitivity, and brings it back on the first answer.
 */
export function kmwanTracking(config: KmwanConfig, m: KmwanMember): Tracking {
  const on = trackingOn(config, m);
  const targets = on ? m.tracks.filter((t) => t.method === 'ping' && ipv4.test(t.target)).map((t) => t.target).slice(0, 8) : [];
  return {
    method: targets.length > 0 ? 'ping' : 'none',
    targets,
    reliability: 1,
    intervalSec: kmwanPollSec,
    timeoutSec: Math.min(60, Math.max(0.2, config.sensitivityMs / 1000)),
    downCount: 1,
    upCount: 1,
    failureIntervalSec: kmwanPollSec,
  };
}

/** The policy kmwan holds (GL.iNet's failover is always on); null only when it has no IPv4 member. */
export function kmwanToPolicy(config: KmwanConfig, lookup: KmwanLookup): FailoverPolicy | null {
  const members = uplinkMembers(config);
  if (members.length === 0) return null;
  const wans: Wan[] = members.slice(0, 8).map((m, i) => {
    const info = lookup(m.name);
    return {
      name: m.name,
      device: info?.device ?? m.name,
      kind: kmwanKind(m.name, info?.kind),
      ...(info?.gateway ? { gateway: info.gateway } : {}),
      priority: i + 1,
      weight: Math.max(1, m.weight ?? 1),
      // Weight 0 leaves an uplink out of Load Balance; Failover always uses every member in order.
      enabled: !(config.mode === 'balance' && m.weight === 0),
      tracking: kmwanTracking(config, m),
    };
  });
  return { mode: config.mode, wans, forcedRefreshStreams: config.forcedRefreshStreams };
}

export type KmwanPackages = { readonly kmwan: UciPackage; readonly network: UciPackage | null; readonly glmodem: UciPackage | null };

export type KmwanWrite = {
  readonly ops: UciBatchOp[];
  readonly problems: string[];
  /** Mode, metric or weight changed: GL's set_config apply sequence runs. */
  readonly setConfig: boolean;
  /** GL sends `kmwan.status {failover_chg:true}` (failover changes, or a change of mode). */
  readonly statusEvent: boolean;
  /** The new sensitivity, when it changed: pushed to the kernel as set_sensitivity does. */
  readonly sensitivityMs: number | null;
  /** Tracking changed (set_interface): kmwan restarts. */
  readonly restartKmwan: boolean;
  /** Packages touched, for staging. */
  readonly packages: readonly ('kmwan' | 'network' | 'glmodem')[];
};

const trackingTiming = ['intervalSec', 'downCount', 'upCount', 'failureIntervalSec', 'reliability'] as const;

/** Ops that give `desired` on the router, option by option as GL's RPC writes them; problems when kmwan cannot hold it. */
export function planKmwanWrite(pkgs: KmwanPackages, config: KmwanConfig, desired: FailoverPolicy): KmwanWrite {
  const ops: UciBatchOp[] = [];
  const problems: string[] = [];
  const members = uplinkMembers(config);
  const byName = new Map(config.members.map((m) => [m.name, m]));
  const set = (pkgName: 'kmwan' | 'network' | 'glmodem', section: string, option: string, value: string): void => {
    const pkg = pkgs[pkgName];
    const s = pkg ? findUciSection(pkg, section) : undefined;
    // uci's cursor set on a missing section fails silently in GL's Lua; so nothing is written there.
    if (!s) return;
    const cur = findUciOption(s, option);
    if (cur?.kind === 'option' && cur.value === value) return;
    ops.push({ kind: 'set-option', package: pkgName, section, option, value });
  };
  const del = (section: string, option: string): void => {
    const s = findUciSection(pkgs.kmwan, section);
    if (s && findUciOption(s, option)) ops.push({ kind: 'delete-option', package: 'kmwan', section, option });
  };

  for (const w of desired.wans) {
    if (!members.some((m) => m.name === w.name)) {
      problems.push(`"${w.name}" is not one of kmwan's uplinks (${members.map((m) => m.name).join(', ')}); GL.iNet adds an uplink when its interface is set up (Network → Multi-WAN).`);
    }
  }
  const known = desired.wans.filter((w) => members.some((m) => m.name === w.name));

  // Tracking: kmwan has one sensitivity for all uplinks, probes every second and needs one answer.
  const tracked = known.filter((w) => w.tracking.method !== 'none');
  for (const w of known) {
    if (w.tracking.method !== 'none' && w.tracking.method !== 'ping') problems.push(`${w.name}: kmwan's kernel module checks uplinks with ping only; choose ping or no tracking.`);
    if (w.tracking.method === 'ping' && w.tracking.targets.length === 0) problems.push(`${w.name}: give at least one address to ping, or turn tracking off.`);
    if (w.tracking.method === 'none') continue;
    const off = trackingTiming.filter((k) => w.tracking[k] !== 1);
    const extra = (['latencyThresholdMs', 'lossThresholdPct'] as const).filter((k) => w.tracking[k] !== undefined);
    if (off.length + extra.length > 0) {
      problems.push(
        `${w.name}: kmwan probes every second and brings an uplink back on its first answer, so ${[...off, ...extra].join(', ')} cannot be set on GL.iNet ` +
          '(interval, counts and reliability must be 1, without latency or loss thresholds). Choose only the sensitivity, as the timeout: 5 s (low), 3 s (medium), 1 s (high) or whole seconds (custom).',
      );
    }
  }
  const timeouts = [...new Set(tracked.map((w) => w.tracking.timeoutSec))];
  let sensitivityMs: number | null = null;
  if (timeouts.length > 1) problems.push(`GL.iNet has one sensitivity for all uplinks; the timeouts differ (${timeouts.map((t) => `${t} s`).join(', ')}). Give every tracked uplink the same timeout.`);
  else if (timeouts.length === 1) {
    const problem = sensitivityProblem(timeouts[0]!);
    if (problem) problems.push(problem);
    else if (timeouts[0]! * 1000 !== config.sensitivityMs) {
      sensitivityMs = timeouts[0]! * 1000;
      set('kmwan', 'global', 'level', kmwanLevelFor(sensitivityMs));
      set('kmwan', 'global', 'sensitivity', String(sensitivityMs));
    }
  }

  // Mode, order and ratios: kmwan set_config.
  const modeChanged = desired.mode !== config.mode;
  let setConfigOps = 0;
  const before = ops.length;
  set('kmwan', 'global', 'mode', desired.mode);
  if (desired.mode === 'failover') {
    for (const w of known) if (!w.enabled) problems.push(`${w.name}: in Failover, GL.iNet keeps every uplink in its order; to leave one out use Load Balance with its weight at 0, or put it last.`);
    const wanted = [...known].sort((a, b) => a.priority - b.priority).map((w) => w.name);
    const order = [...wanted, ...members.map((m) => m.name).filter((n) => !wanted.includes(n))];
    const orderChanged = order.some((n, i) => members[i]?.name !== n);
    if (orderChanged || modeChanged) {
      // GL's UI sends each uplink's place (its RPC refuses a metric above the number of uplinks).
      order.forEach((name, i) => {
        const metric = String(i + 1);
        const m = byName.get(name)!;
        set('kmwan', name, 'metric', metric);
        if (m.twin) set('kmwan', m.twin, 'metric', metric);
        if (pkgs.network && findUciSection(pkgs.network, name)?.type === 'interface') set('network', name, 'metric', metric);
      });
      // GL's loop writes each modem's metric to every glmodem `network` section; the last modem's stays.
      const lastModem = [...order].reverse().find((n) => byName.get(n)?.isModem);
      if (lastModem && pkgs.glmodem) {
        const metric = String(order.indexOf(lastModem) + 1);
        const glmodem = pkgs.glmodem;
        glmodem.sections.forEach((s, i) => {
          if (s.type === 'network') set('glmodem', s.name ?? uciSectionRef(glmodem, i), 'metric', metric);
        });
      }
    }
  } else {
    for (const w of known) {
      const weight = w.enabled ? w.weight : 0;
      if (weight > 10) {
        problems.push(`${w.name}: GL.iNet's Load Balance ratios are 0 to 10 (0 leaves the uplink out); ${weight} is too big.`);
        continue;
      }
      const m = byName.get(w.name)!;
      set('kmwan', w.name, 'weight', String(weight));
      if (m.twin) set('kmwan', m.twin, 'weight', String(weight));
    }
  }
  setConfigOps = ops.length - before;
  const statusEvent = desired.mode === 'failover' ? setConfigOps > 0 : modeChanged;

  // Status tracking per uplink: kmwan set_interface.
  const beforeTracking = ops.length;
  for (const w of known) {
    const m = byName.get(w.name)!;
    const twin = m.twin ? byName.get(m.twin) : undefined;
    const now = kmwanTracking(config, m);
    const same = now.method === w.tracking.method && now.targets.join(',') === w.tracking.targets.join(',');
    if (same) continue;
    if (w.tracking.method === 'none') {
      set('kmwan', m.name, 'check', '0');
      set('kmwan', m.name, 'disabled', '1');
      if (twin) set('kmwan', twin.name, 'disabled', '1');
      continue;
    }
    set('kmwan', m.name, 'check', '1');
    if (twin) set('kmwan', twin.name, 'track_mode', m.trackMode);
    del(m.name, 'enable_ssl');
    if (twin) del(twin.name, 'enable_ssl');
    set('kmwan', m.name, 'disabled', '0');
    // IPv4 and IPv6 tracking stays both when it was both; otherwise IPv4 only, as GL's track_proto 0.
    if (twin && twin.trackingOff) set('kmwan', twin.name, 'disabled', '1');
    const tracks = w.tracking.targets.map((t) => `ping,${t}`);
    const s = findUciSection(pkgs.kmwan, m.name)!;
    const current = getUciList(s, 'tracks');
    if (current.join('\n') !== tracks.join('\n')) ops.push({ kind: 'set-list', package: 'kmwan', section: m.name, option: 'tracks', values: tracks });
  }
  const restartKmwan = ops.length > beforeTracking;

  // Forced Refresh Streams: Switchyard's own option, read by its hotplug hook.
  if (desired.forcedRefreshStreams) set('kmwan', 'global', frsOption, '1');
  else del('global', frsOption);

  const packages = (['kmwan', 'network', 'glmodem'] as const).filter((p) => p === 'kmwan' || ops.some((o) => o.package === p));
  return { ops, problems, setConfig: setConfigOps > 0, statusEvent, sensitivityMs, restartKmwan, packages };
}

/**
 * Which of GL's steps put `original` back in force over `current` (Remove): set_config's for mode,
 * metrics and ratios (and when network or glmodem metrics are restored), the kernel push for the
 * sensitivity, a kmwan restart only when tracking differs, as GL's own RPC does for each.
 */
export function restoreStepFlags(current: KmwanConfig, original: KmwanConfig, metricsRestored: boolean): KmwanStepFlags {
  const names = new Set([...current.members, ...original.members].map((m) => m.name));
  const differs = (pick: (m: KmwanMember) => unknown): boolean =>
    [...names].some((n) => {
      const a = current.members.find((m) => m.name === n);
      const b = original.members.find((m) => m.name === n);
      return !a || !b || JSON.stringify(pick(a)) !== JSON.stringify(pick(b));
    });
  const setConfig = metricsRestored || current.mode !== original.mode || differs((m) => [m.metric, m.weight]);
  return {
    setConfig,
    statusEvent: setConfig,
    sensitivityChanged: current.sensitivityMs !== original.sensitivityMs,
    restartKmwan: differs((m) => [m.trackMode, m.tracks, m.check, m.trackingOff]),
  };
}

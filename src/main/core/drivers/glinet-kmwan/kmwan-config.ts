// The kmwan UCI package (/etc/config/kmwan) with GL.iNet's meanings, as GL's own RPC module
// (kmwan set_config/set_interface/set_sensitivity/get_config) reads and writes it:
// - global: `mode` failover|balance; `sensitivity` in ms with `level` low/medium/high/custom.
//   Stock firmware has no `enable` (GL's code never reads it): kmwan runs whenever its module does.
// - member: `metric` (lower = preferred), `weight` 0–10 (0 = not used in balance), `track_mode`
//   strict|force|passive, `tracks` (`ping,ADDR`), `check` (status tracking on/off), `disabled`
//   (tracking off for this address family; NOT "uplink off"), `enable_ssl` (httping; unused).
// - IPv6 twins: `<name>6`, or `<name>_6` for modems, mirror the metric and weight.
// Options Switchyard does not manage are kept untouched and listed as notes, never a reason to refuse.
import { findUciSection, getUciList, getUciString, type UciPackage, type UciSection } from '../openwrt-mwan3/uci/uci-model.ts';

export const kmwanModes = ['failover', 'balance'] as const;
export type KmwanMode = (typeof kmwanModes)[number];
export const kmwanTrackModes = ['strict', 'force', 'passive'] as const;
export type KmwanTrackMode = (typeof kmwanTrackModes)[number];

export type KmwanMember = {
  /** The section name, which GL uses as the interface name everywhere (network, ubus, /proc). */
  readonly name: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly metric: number | null;
  /** 0–10; 0 = not used in balance mode. */
  readonly weight: number | null;
  readonly trackMode: KmwanTrackMode;
  readonly tracks: readonly { readonly method: string; readonly target: string }[];
  /** `check`: status tracking on (GL's "enable_check"); null when the option is absent. */
  readonly check: boolean | null;
  /** Tracking off for this address family: GL's get_config counts it on only when `disabled='0'`. Not "uplink disabled". */
  readonly trackingOff: boolean;
  readonly isModem: boolean;
  /** For an IPv4 member: its IPv6 twin's section name, when the twin exists. */
  readonly twin: string | null;
  /** For an IPv6 twin: the IPv4 member it mirrors. */
  readonly twinOf: string | null;
};

export type KmwanConfig = {
  readonly mode: KmwanMode;
  /** Detection time in ms; GL's default when absent is 3000 (medium). */
  readonly sensitivityMs: number;
  readonly level: string | null;
  /** `global.enable` when present (not on stock firmware; GL's code never reads it). */
  readonly enable: string | null;
  /** Switchyard's own option: Forced Refresh Streams (kmwan has none). */
  readonly forcedRefreshStreams: boolean;
  readonly members: readonly KmwanMember[];
  /** Everything present that Switchyard does not manage: kept as it is, shown to the user. */
  readonly notes: readonly string[];
};

export type KmwanAssessment =
  | { readonly kind: 'configurable'; readonly config: KmwanConfig }
  | { readonly kind: 'read-only'; readonly reasons: readonly string[]; readonly config: KmwanConfig | null };

/** Switchyard's option in kmwan.global for Forced Refresh Streams (read by its hotplug hook). */
export const frsOption = 'switchyard_frs';
export const defaultSensitivityMs = 3000;

const managedGlobal = new Set(['mode', 'sensitivity', 'level', frsOption]);
const managedMember = new Set(['interface', 'addr_type', 'metric', 'weight', 'track_mode', 'tracks', 'check', 'disabled', 'enable_ssl']);

export const isModemMember = (name: string): boolean => name.includes('modem');
/** GL's naming of a member's IPv6 twin (set_config/get_config): `wan6`, `modem_1_1_2_6`. */
export const twinName = (name: string): string => (isModemMember(name) ? `${name}_6` : `${name}6`);

const wholeNumber = /^\d+$/;

/** Reads kmwan as GL does and says whether Switchyard can change it (GL's values only). */
export function assessKmwanConfig(pkg: UciPackage): KmwanAssessment {
  const reasons: string[] = [];
  const notes: string[] = [];
  const global = findUciSection(pkg, 'global');
  if (!global || global.type !== 'global') reasons.push("kmwan has no `config global 'global'` section, which GL.iNet's firmware always writes.");
  for (const s of pkg.sections) {
    const managed = s.type === 'global' ? managedGlobal : s.type === 'member' ? managedMember : null;
    const label = `kmwan.${s.name ?? `@${s.type}`}`;
    if (!managed) {
      notes.push(`${label} is a "${s.type}" section; Switchyard keeps it as it is.`);
      continue;
    }
    for (const o of s.options) {
      if (managed.has(o.name)) continue;
      notes.push(`${label}.${o.name}=${o.kind === 'list' ? o.values.join(',') : o.value} is kept as it is (Switchyard does not manage it).`);
    }
  }
  const g = (o: string): string | undefined => (global ? getUciString(global, o) : undefined);
  const modeText = g('mode') ?? 'failover';
  if (!(kmwanModes as readonly string[]).includes(modeText)) reasons.push(`kmwan.global.mode is '${modeText}'; GL.iNet writes failover or balance.`);
  const sens = g('sensitivity');
  if (sens !== undefined && (!wholeNumber.test(sens) || Number(sens) < 1)) reasons.push(`kmwan.global.sensitivity is '${sens}', not a number of milliseconds.`);
  const enable = g('enable') ?? null;
  if (enable !== null) notes.push(`kmwan.global.enable='${enable}' is not one of GL.iNet's options (its firmware never reads it); Switchyard leaves it.`);

  const members: KmwanMember[] = [];
  const sections = pkg.sections.filter((s) => s.type === 'member' && s.name);
  const names = new Set(sections.map((s) => s.name!));
  for (const s of sections) members.push(readMember(s, names, reasons));
  const config: KmwanConfig | null = global
    ? {
        mode: modeText === 'balance' ? 'balance' : 'failover',
        sensitivityMs: sens && wholeNumber.test(sens) ? Number(sens) : defaultSensitivityMs,
        level: g('level') ?? null,
        enable,
        forcedRefreshStreams: g(frsOption) === '1',
        members,
        notes,
      }
    : null;
  if (reasons.length > 0 || !config) return { kind: 'read-only', reasons, config };
  return { kind: 'configurable', config };
}

function readMember(s: UciSection, names: ReadonlySet<string>, reasons: string[]): KmwanMember {
  const name = s.name!;
  const label = `kmwan.${name}`;
  const get = (o: string): string | undefined => getUciString(s, o);
  const addrType = get('addr_type') ?? '4';
  if (addrType !== '4' && addrType !== '6') reasons.push(`${label}.addr_type is '${addrType}', not 4 or 6.`);
  const family = addrType === '6' ? 'ipv6' : 'ipv4';
  const num = (o: string, max: number): number | null => {
    const v = get(o);
    if (v === undefined) return null;
    if (!wholeNumber.test(v) || Number(v) > max) {
      reasons.push(`${label}.${o} is '${v}', not a whole number from 0 to ${max}.`);
      return null;
    }
    return Number(v);
  };
  const metric = num('metric', 65535);
  const weight = num('weight', 10);
  const trackMode = get('track_mode') ?? 'strict';
  if (!(kmwanTrackModes as readonly string[]).includes(trackMode)) reasons.push(`${label}.track_mode is '${trackMode}', not strict, force or passive.`);
  const tracks = getUciList(s, 'tracks').map((t) => {
    const m = /^(ping|httping),(\S+)$/.exec(t);
    if (!m) reasons.push(`${label}.tracks has '${t}', not "ping,<address>".`);
    return { method: m?.[1] ?? '', target: m?.[2] ?? t };
  });
  const check = get('check');
  const twinOf = family === 'ipv6' ? ([...names].find((n) => twinName(n) === name) ?? null) : null;
  return {
    name,
    family,
    metric,
    weight,
    trackMode: (kmwanTrackModes as readonly string[]).includes(trackMode) ? (trackMode as KmwanTrackMode) : 'strict',
    tracks,
    check: check === undefined ? null : check === '1',
    trackingOff: get('disabled') !== '0',
    isModem: isModemMember(name),
    twin: family === 'ipv4' && names.has(twinName(name)) ? twinName(name) : null,
    twinOf,
  };
}

/** The IPv4 members (what GL's UI lists as uplinks), most preferred first. */
export function uplinkMembers(config: KmwanConfig): KmwanMember[] {
  return config.members
    .filter((m) => m.family === 'ipv4')
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.metric ?? Number.MAX_SAFE_INTEGER) - (b.m.metric ?? Number.MAX_SAFE_INTEGER) || a.i - b.i)
    .map(({ m }) => m);
}

/** Status tracking is on for a member as GL's get_config computes it (IPv4 or its twin). */
export function trackingOn(config: KmwanConfig, m: KmwanMember): boolean {
  const twin = m.twin ? config.members.find((x) => x.name === m.twin) : undefined;
  return !m.trackingOff || (twin !== undefined && !twin.trackingOff);
}

/** Where the member's IPv4 traffic goes in netifd: itself, or `<name>_4` for modems (inferred from GL's scripts). */
export function netifdCandidates(member: string): string[] {
  return isModemMember(member) ? [member, `${member}_4`] : [member];
}

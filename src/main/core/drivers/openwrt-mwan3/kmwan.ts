// GL.iNet firmware 4.x runs kmwan, not mwan3. Reads /proc/gl-kmwan/{status,config} and the kmwan
// UCI package, and decides whether Switchyard may configure it: only when everything matches
// the shape in mwan3.md §8 (itself unverified on a device); anything else is read-only.
import type { LinkState } from '../../../../shared/model.ts';
import { RouterOutputError } from './errors.ts';
import { findUciOption, getUciList, getUciString, type UciPackage } from './uci/uci-model.ts';

export type KmwanKernelState = 'ACTIVE' | 'DEAD' | 'IDEL' | 'UNSTABLE';

export type KmwanInterfaceStatus = {
  readonly name: string;
  readonly device: string;
  readonly ifindex: number;
  /** The kernel's word; `IDEL` is GL's spelling. */
  readonly kernelState: string;
  readonly state: LinkState;
  readonly trackMode: string;
  readonly txPackets: number;
  readonly rxPackets: number;
  readonly targets: readonly { readonly method: string; readonly ip: string }[];
  readonly online: boolean | null;
  readonly probeEnabled: boolean | null;
  readonly forceDead: boolean | null;
};

const statusColumns = ['Interface', 'Netdev', 'Ifindex', 'State', 'TrackMode', 'TX packets', 'TX stamp', 'RX packets', 'RX stamp'];
const source = '/proc/gl-kmwan/status';

function linkState(kernelState: string, online: boolean | null): LinkState {
  switch (kernelState) {
    case 'ACTIVE':
      return 'online';
    case 'DEAD':
      return 'offline';
    case 'UNSTABLE':
      return 'degraded';
    default:
      // IDEL (idle) and anything new: what it means is unverified, so trust only the online flag.
      return online === true ? 'online' : online === false ? 'offline' : 'unknown';
  }
}

/** `cat /proc/gl-kmwan/status` (fixed-width table, each row followed by its targets and flags). */
export function parseKmwanStatus(stdout: string): KmwanInterfaceStatus[] {
  const lines = stdout.split('\n');
  const header = lines[0]?.trim().split(/\s{2,}/) ?? [];
  if (statusColumns.some((c, i) => header[i] !== c)) {
    throw new RouterOutputError(source, `expected the columns ${statusColumns.join(', ')}, got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const out: KmwanInterfaceStatus[] = [];
  type Mut = { -readonly [K in keyof KmwanInterfaceStatus]: KmwanInterfaceStatus[K] } & { targets: { method: string; ip: string }[] };
  let current: Mut | null = null;
  const flush = (): void => {
    if (current) out.push({ ...current, state: linkState(current.kernelState, current.online) });
    current = null;
  };
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    const fail = (what: string): never => {
      throw new RouterOutputError(source, `line ${n + 1}: ${what}: ${JSON.stringify(line)}`, { line: n + 1 });
    };
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (!current) {
      const f = line.trim().split(/\s+/);
      if (f.length !== 9 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[5]!) || !/^\d+$/.test(f[7]!)) fail('expected an interface row with 9 columns');
      current = {
        name: f[0]!, device: f[1]!, ifindex: Number(f[2]), kernelState: f[3]!, state: 'unknown', trackMode: f[4]!,
        txPackets: Number(f[5]), rxPackets: Number(f[7]), targets: [], online: null, probeEnabled: null, forceDead: null,
      };
      continue;
    }
    const cur: Mut = current;
    if (/^Track method\s+ip Info$/.test(line)) continue;
    const flags = [...line.matchAll(/(\w+):(\S+)/g)];
    if (flags.length > 0 && flags.every((m) => ['online', 'state_sync', 'probe_enable', 'force_dead'].includes(m[1]!))) {
      for (const [, key, value] of flags) {
        if (key === 'state_sync') continue;
        if (value !== 'true' && value !== 'false') fail(`expected ${key}:true or ${key}:false`);
        const b = value === 'true';
        if (key === 'online') cur.online = b;
        else if (key === 'probe_enable') cur.probeEnabled = b;
        else cur.forceDead = b;
      }
      continue;
    }
    const t = /^(\S+)\s+(\S+)$/.exec(line.trim());
    if (!t) fail('expected "<method> <ip>", online:/probe_enable:/force_dead: flags or a blank line');
    cur.targets.push({ method: t![1]!, ip: t![2]! });
  }
  flush();
  return out;
}

/** `cat /proc/gl-kmwan/config`: one `iface:online|offline` line per interface. */
export function parseKmwanProcConfig(stdout: string): { readonly name: string; readonly online: boolean }[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const m = /^([A-Za-z0-9_.-]+):(online|offline)$/.exec(line.trim());
      if (!m) throw new RouterOutputError('/proc/gl-kmwan/config', `line ${i + 1}: expected "<interface>:online|offline", got ${JSON.stringify(line)}`);
      return { name: m[1]!, online: m[2] === 'online' };
    });
}

export type KmwanMember = {
  readonly name: string;
  readonly interface: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly metric: number;
  readonly weight: number;
  readonly disabled: boolean;
  readonly trackMode: string;
  readonly tracks: readonly { readonly method: string; readonly target: string }[];
};

export type KmwanConfig = {
  readonly enabled: boolean;
  readonly mode: 'failover' | 'balancing';
  readonly sensitivityMs: number | null;
  readonly members: readonly KmwanMember[];
};

export type KmwanAssessment =
  | { readonly kind: 'configurable'; readonly config: KmwanConfig }
  | { readonly kind: 'read-only'; readonly reasons: readonly string[]; readonly config: KmwanConfig | null };

const knownGlobal = new Set(['enable', 'mode', 'sensitivity']);
const knownMember = new Set(['interface', 'addr_type', 'metric', 'weight', 'disabled', 'track_mode', 'tracks']);

/**
 * The kmwan UCI package (`uci export kmwan`). Configurable only when every section and option
 * is one the reference knows, with values in the documented ranges; otherwise GL's firmware is
 * doing something we do not understand and Switchyard only watches.
 */
export function assessKmwanConfig(pkg: UciPackage): KmwanAssessment {
  const reasons: string[] = [];
  const global = pkg.sections.find((s) => s.type === 'global' && s.name === 'global');
  if (!global) reasons.push("kmwan has no `config global 'global'` section.");
  for (const s of pkg.sections) {
    const known = s.type === 'global' ? knownGlobal : s.type === 'member' ? knownMember : null;
    const label = `kmwan.${s.name ?? `@${s.type}`}`;
    if (!known) {
      reasons.push(`${label} is a "${s.type}" section, which Switchyard does not know.`);
      continue;
    }
    for (const o of s.options) if (!known.has(o.name)) reasons.push(`${label}.${o.name} is an option Switchyard does not know.`);
  }
  const enable = global ? getUciString(global, 'enable') : undefined;
  if (enable !== undefined && enable !== '0' && enable !== '1') reasons.push(`kmwan.global.enable is '${enable}', not 0 or 1.`);
  const mode = global ? (getUciString(global, 'mode') ?? 'failover') : 'failover';
  if (mode !== 'failover' && mode !== 'balancing') reasons.push(`kmwan.global.mode is '${mode}', not failover or balancing.`);
  const sens = global ? getUciString(global, 'sensitivity') : undefined;
  if (sens !== undefined && !/^\d+$/.test(sens)) reasons.push(`kmwan.global.sensitivity is '${sens}', not a number of milliseconds.`);

  const members: KmwanMember[] = [];
  for (const s of pkg.sections.filter((x) => x.type === 'member')) {
    const label = `kmwan.${s.name ?? '@member'}`;
    const get = (o: string): string | undefined => getUciString(s, o);
    const iface = get('interface') ?? s.name;
    const metric = get('metric') ?? '1';
    const weight = get('weight') ?? '1';
    const addrType = get('addr_type') ?? '4';
    const trackMode = get('track_mode') ?? 'strict';
    if (!iface) reasons.push(`${label} has no interface.`);
    if (!/^\d+$/.test(metric) || Number(metric) < 1 || Number(metric) > 255) reasons.push(`${label}.metric is '${metric}', not 1–255.`);
    if (!/^\d+$/.test(weight)) reasons.push(`${label}.weight is '${weight}', not a whole number.`);
    if (addrType !== '4' && addrType !== '6') reasons.push(`${label}.addr_type is '${addrType}', not 4 or 6.`);
    if (!['strict', 'force', 'passive'].includes(trackMode)) reasons.push(`${label}.track_mode is '${trackMode}', not strict, force or passive.`);
    const tracksOpt = findUciOption(s, 'tracks');
    const tracks = getUciList(s, 'tracks').map((t) => {
      const m = /^(ping|httping),(\S+)$/.exec(t);
      if (!m) reasons.push(`${label}.tracks has '${t}', not "ping,<ip>" or "httping,<url>".`);
      return { method: m?.[1] ?? '', target: m?.[2] ?? t };
    });
    if (tracksOpt?.kind === 'option') reasons.push(`${label}.tracks is a single option; the known shape is a list.`);
    members.push({
      name: s.name ?? '',
      interface: iface ?? '',
      family: addrType === '6' ? 'ipv6' : 'ipv4',
      metric: Number(metric),
      weight: Number(weight),
      disabled: get('disabled') === '1',
      trackMode,
      tracks,
    });
  }
  const config: KmwanConfig | null = global
    ? { enabled: enable === '1', mode: mode === 'balancing' ? 'balancing' : 'failover', sensitivityMs: sens && /^\d+$/.test(sens) ? Number(sens) : null, members }
    : null;
  if (reasons.length > 0 || !config) return { kind: 'read-only', reasons, config };
  return { kind: 'configurable', config };
}

// Typed, read-only view of /etc/config/mwan3 (globals, interfaces, members, policies, rules)
// with mwan3's defaults applied, plus validators that say what is wrong and what to do (mwan3.md).
import { InvalidConfigError } from './errors.ts';
import { findUciOption, getUciList, uciSectionRef, type UciPackage, type UciSection } from './uci/uci-model.ts';

export type Mwan3Issue = { readonly severity: 'error' | 'warning'; readonly path: string; readonly message: string };

export const mwan3TrackMethods = ['ping', 'arping', 'httping', 'nping-tcp', 'nping-udp', 'nping-icmp', 'nping-arp', 'nslookup'] as const;
export const mwan3LastResorts = ['unreachable', 'blackhole', 'default'] as const;
export const mwan3FlushEvents = ['ifup', 'ifdown', 'connected', 'disconnected'] as const;
export const mwan3LogLevels = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'] as const;

export type Mwan3Globals = {
  readonly mmxMask: string;
  readonly logging: boolean;
  readonly loglevel: string;
  readonly rtTableLookup: readonly string[];
  readonly sourceRouting: boolean;
};

export type Mwan3Interface = {
  readonly name: string;
  readonly enabled: boolean;
  readonly family: string;
  readonly trackIps: readonly string[];
  readonly trackMethod: string;
  readonly httpingSsl: boolean;
  readonly reliability: number;
  readonly count: number;
  readonly timeoutSec: number;
  readonly size: number;
  readonly maxTtl: number;
  readonly intervalSec: number;
  readonly failureIntervalSec: number;
  readonly keepFailureInterval: boolean;
  readonly recoveryIntervalSec: number;
  readonly down: number;
  readonly up: number;
  readonly checkQuality: boolean;
  readonly failureLatencyMs: number;
  readonly recoveryLatencyMs: number;
  readonly failureLossPct: number;
  readonly recoveryLossPct: number;
  readonly initialState: string;
  readonly flushConntrack: readonly string[];
};

export type Mwan3Member = { readonly name: string; readonly interface: string | null; readonly metric: number; readonly weight: number };

export type Mwan3Policy = { readonly name: string; readonly useMembers: readonly string[]; readonly lastResort: string };

export type Mwan3Rule = {
  /** null for an anonymous rule; `ref` is then its `@rule[N]` address. */
  readonly name: string | null;
  readonly ref: string;
  readonly usePolicy: string | null;
  readonly proto: string;
  readonly srcIp: string | null;
  readonly destIp: string | null;
  readonly srcPort: string | null;
  readonly destPort: string | null;
  readonly srcIface: string | null;
  readonly ipset: string | null;
  readonly sticky: boolean;
  readonly timeoutSec: number;
  readonly family: string;
  readonly logging: boolean;
};

export type Mwan3Config = {
  readonly globals: Mwan3Globals;
  readonly interfaces: readonly Mwan3Interface[];
  readonly members: readonly Mwan3Member[];
  readonly policies: readonly Mwan3Policy[];
  readonly rules: readonly Mwan3Rule[];
};

class Reader {
  readonly issues: Mwan3Issue[] = [];
  readonly pkg: UciPackage;
  readonly section: UciSection;
  readonly ref: string;
  constructor(pkg: UciPackage, section: UciSection, ref: string) {
    this.pkg = pkg;
    this.section = section;
    this.ref = ref;
  }
  path(opt: string): string {
    return `${this.pkg.name}.${this.ref}.${opt}`;
  }
  str(opt: string): string | null {
    const o = findUciOption(this.section, opt);
    if (!o) return null;
    if (o.kind === 'list') {
      this.issues.push({ severity: 'warning', path: this.path(opt), message: `${this.path(opt)} is a list but mwan3 reads one value; only the first is shown.` });
      return o.values[0] ?? null;
    }
    return o.value;
  }
  int(opt: string, fallback: number): number {
    const v = this.str(opt);
    if (v === null) return fallback;
    if (/^-?\d+$/.test(v.trim())) return Number(v.trim());
    this.issues.push({
      severity: 'error',
      path: this.path(opt),
      message: `${this.path(opt)} is '${v}', which is not a whole number; mwan3 cannot use it. Set a whole number (default ${fallback}).`,
    });
    return fallback;
  }
  bool(opt: string, fallback: boolean): boolean {
    const v = this.str(opt);
    if (v === null) return fallback;
    // OpenWrt's config_get_bool accepts these spellings.
    if (['1', 'on', 'true', 'yes', 'enabled'].includes(v)) return true;
    if (['0', 'off', 'false', 'no', 'disabled'].includes(v)) return false;
    this.issues.push({ severity: 'error', path: this.path(opt), message: `${this.path(opt)} is '${v}'; use 1 or 0.` });
    return fallback;
  }
  list(opt: string): readonly string[] {
    return getUciList(this.section, opt);
  }
}

/** Reads the typed view. Values that cannot be read come back as mwan3's default plus an issue. */
export function readMwan3Config(pkg: UciPackage): { readonly config: Mwan3Config; readonly issues: readonly Mwan3Issue[] } {
  const issues: Mwan3Issue[] = [];
  const reader = (type: string) =>
    pkg.sections.flatMap((section, index) => (section.type === type ? [new Reader(pkg, section, uciSectionRef(pkg, index))] : []));
  const done = <T>(r: Reader, value: T): T => {
    issues.push(...r.issues);
    return value;
  };

  const g = reader('globals')[0];
  const globals: Mwan3Globals = g
    ? done(g, {
        mmxMask: g.str('mmx_mask') ?? '0x3F00',
        logging: g.bool('logging', false),
        loglevel: g.str('loglevel') ?? 'notice',
        rtTableLookup: g.list('rt_table_lookup'),
        sourceRouting: g.bool('source_routing', false),
      })
    : { mmxMask: '0x3F00', logging: false, loglevel: 'notice', rtTableLookup: [], sourceRouting: false };

  const interfaces = reader('interface').map((r): Mwan3Interface => {
    const interval = r.int('interval', 10);
    return done(r, {
      name: r.section.name ?? r.ref,
      enabled: r.bool('enabled', false),
      family: r.str('family') ?? 'ipv4',
      trackIps: r.list('track_ip'),
      trackMethod: r.str('track_method') ?? 'ping',
      httpingSsl: r.bool('httping_ssl', false),
      reliability: r.int('reliability', 1),
      count: r.int('count', 1),
      timeoutSec: r.int('timeout', 4),
      size: r.int('size', 56),
      maxTtl: r.int('max_ttl', 60),
      intervalSec: interval,
      failureIntervalSec: r.int('failure_interval', interval),
      keepFailureInterval: r.bool('keep_failure_interval', false),
      recoveryIntervalSec: r.int('recovery_interval', interval),
      down: r.int('down', 5),
      up: r.int('up', 5),
      checkQuality: r.bool('check_quality', false),
      failureLatencyMs: r.int('failure_latency', 1000),
      recoveryLatencyMs: r.int('recovery_latency', 500),
      failureLossPct: r.int('failure_loss', 40),
      recoveryLossPct: r.int('recovery_loss', 10),
      initialState: r.str('initial_state') ?? 'online',
      flushConntrack: r.list('flush_conntrack'),
    });
  });

  const members = reader('member').map((r) =>
    done(r, { name: r.section.name ?? r.ref, interface: r.str('interface'), metric: r.int('metric', 1), weight: r.int('weight', 1) }),
  );

  const policies = reader('policy').map((r) =>
    done(r, { name: r.section.name ?? r.ref, useMembers: r.list('use_member'), lastResort: r.str('last_resort') ?? 'unreachable' }),
  );

  const rules = reader('rule').map((r) =>
    done(r, {
      name: r.section.anonymous ? null : r.section.name,
      ref: r.ref,
      usePolicy: r.str('use_policy'),
      proto: r.str('proto') ?? 'all',
      srcIp: r.str('src_ip'),
      destIp: r.str('dest_ip'),
      srcPort: r.str('src_port'),
      destPort: r.str('dest_port'),
      srcIface: r.str('src_iface'),
      ipset: r.str('ipset'),
      sticky: r.bool('sticky', false),
      timeoutSec: r.int('timeout', 600),
      family: r.str('family') ?? 'any',
      logging: r.bool('logging', false),
    }),
  );

  return { config: { globals, interfaces, members, policies, rules }, issues };
}

export type Mwan3NameKind = 'interface' | 'member' | 'policy' | 'rule';

/** Longest names mwan3 accepts: policies/rules are skipped above 15; interfaces overflow iptables chain names above 13. */
export const mwan3NameMaxLength: Readonly<Record<Mwan3NameKind, number | null>> = { interface: 13, member: null, policy: 15, rule: 15 };

/** Why mwan3 would reject or mishandle `name` for a section of `kind`, or null when it is fine. */
export function validateMwan3Name(kind: Mwan3NameKind, name: string): string | null {
  if (name.length === 0) return `The ${kind} name is empty; give it a name of letters, digits and _.`;
  const bad = [...new Set(name.replace(/[A-Za-z0-9_]/g, ''))];
  if (bad.length > 0) {
    return `The ${kind} name "${name}" contains ${bad.map((c) => `"${c}"`).join(', ')}; mwan3 and uci accept only letters, digits and _. Rename it, e.g. "${name.replace(/[^A-Za-z0-9_]/g, '_')}".`;
  }
  const max = mwan3NameMaxLength[kind];
  if (max !== null && name.length > max) {
    const why =
      kind === 'interface'
        ? 'the iptables chain mwan3_iface_in_<name> would exceed 28 characters'
        : `mwan3 skips ${kind === 'policy' ? 'policies' : 'rules'} with longer names (with only a log warning)`;
    return `The ${kind} name "${name}" is ${name.length} characters; keep it to ${max} or fewer because ${why}. Use a shorter name.`;
  }
  return null;
}

const portPattern = /^\d{1,5}(?:[:-]\d{1,5})?(?:,\d{1,5}(?:[:-]\d{1,5})?)*$/;

/** Bits set in the mmx_mask; mwan3 supports 2^bits − 4 interfaces. */
export function mwan3MaxInterfaces(mmxMask: string): number | null {
  if (!/^0x[0-9a-fA-F]+$/.test(mmxMask)) return null;
  const bits = [...BigInt(mmxMask).toString(2)].filter((b) => b === '1').length;
  return 2 ** bits - 4;
}

export type ValidateMwan3Options = {
  /** Interface names in /etc/config/network; an mwan3 interface must be one of them. */
  readonly networkInterfaces?: readonly string[];
};

/** Every problem mwan3 would have with this config: errors break or skip something, warnings surprise. */
export function validateMwan3Config(config: Mwan3Config, opts: ValidateMwan3Options = {}): Mwan3Issue[] {
  const out: Mwan3Issue[] = [];
  const error = (path: string, message: string): void => {
    out.push({ severity: 'error', path, message });
  };
  const warn = (path: string, message: string): void => {
    out.push({ severity: 'warning', path, message });
  };
  const range = (path: string, value: number, min: number, max: number, unit: string): void => {
    if (value < min || value > max) error(path, `${path} is ${value}; it must be between ${min} and ${max}${unit}.`);
  };

  const g = config.globals;
  const maxIfaces = mwan3MaxInterfaces(g.mmxMask);
  if (maxIfaces === null) error('mwan3.globals.mmx_mask', `mwan3.globals.mmx_mask is '${g.mmxMask}'; it must be a hex mask such as 0x3F00.`);
  else if (config.interfaces.length > maxIfaces) {
    error('mwan3.globals.mmx_mask', `mmx_mask ${g.mmxMask} allows ${maxIfaces} interfaces but ${config.interfaces.length} are configured; widen the mask.`);
  }
  if (!(mwan3LogLevels as readonly string[]).includes(g.loglevel)) {
    error('mwan3.globals.loglevel', `mwan3.globals.loglevel is '${g.loglevel}'; use one of ${mwan3LogLevels.join(', ')}.`);
  }

  const ifaceNames = new Set(config.interfaces.map((i) => i.name));
  for (const i of config.interfaces) {
    const p = (o: string): string => `mwan3.${i.name}.${o}`;
    const nameProblem = validateMwan3Name('interface', i.name);
    if (nameProblem) error(`mwan3.${i.name}`, nameProblem);
    if (opts.networkInterfaces && !opts.networkInterfaces.includes(i.name)) {
      (i.enabled ? error : warn)(
        `mwan3.${i.name}`,
        `mwan3 interface "${i.name}" has no interface of the same name in /etc/config/network; mwan3 matches them by name. Rename it to the network interface it should watch.`,
      );
    }
    if (i.family !== 'ipv4' && i.family !== 'ipv6') error(p('family'), `${p('family')} is '${i.family}'; use ipv4 or ipv6 (one family per interface section).`);
    if (!(mwan3TrackMethods as readonly string[]).includes(i.trackMethod)) {
      error(p('track_method'), `${p('track_method')} is '${i.trackMethod}'; use one of ${mwan3TrackMethods.join(', ')}.`);
    }
    if (i.trackMethod === 'arping' && i.family === 'ipv6') error(p('track_method'), `${p('track_method')} is arping, which works only for IPv4; use ping.`);
    if (i.enabled && i.trackIps.length === 0) {
      warn(p('track_ip'), `mwan3.${i.name} has no track_ip, so it is never checked: it counts as up whenever the link is up. Add one or more targets.`);
    }
    if (i.trackIps.length > 0 && i.reliability > i.trackIps.length) {
      error(p('reliability'), `${p('reliability')} is ${i.reliability} but only ${i.trackIps.length} target(s) are tracked, so no round can pass. Lower it or add targets.`);
    }
    range(p('reliability'), i.reliability, 1, 1000, '');
    range(p('count'), i.count, 1, 100, '');
    range(p('timeout'), i.timeoutSec, 1, 60, ' seconds');
    range(p('interval'), i.intervalSec, 1, 3600, ' seconds');
    range(p('failure_interval'), i.failureIntervalSec, 1, 3600, ' seconds');
    range(p('recovery_interval'), i.recoveryIntervalSec, 1, 3600, ' seconds');
    range(p('down'), i.down, 1, 100, '');
    range(p('up'), i.up, 1, 100, '');
    range(p('size'), i.size, 0, 65507, ' bytes');
    range(p('max_ttl'), i.maxTtl, 1, 255, '');
    range(p('failure_latency'), i.failureLatencyMs, 1, 60000, ' ms');
    range(p('recovery_latency'), i.recoveryLatencyMs, 1, 60000, ' ms');
    range(p('failure_loss'), i.failureLossPct, 0, 100, ' %');
    range(p('recovery_loss'), i.recoveryLossPct, 0, 100, ' %');
    if (i.checkQuality && i.recoveryLatencyMs > i.failureLatencyMs) {
      error(p('recovery_latency'), `${p('recovery_latency')} (${i.recoveryLatencyMs} ms) is above failure_latency (${i.failureLatencyMs} ms); a target could be up and down at once. Make it lower.`);
    }
    if (i.checkQuality && i.recoveryLossPct > i.failureLossPct) {
      error(p('recovery_loss'), `${p('recovery_loss')} (${i.recoveryLossPct} %) is above failure_loss (${i.failureLossPct} %); make it lower.`);
    }
    if (i.initialState !== 'online' && i.initialState !== 'offline') error(p('initial_state'), `${p('initial_state')} is '${i.initialState}'; use online or offline.`);
    for (const f of i.flushConntrack) {
      if (!(mwan3FlushEvents as readonly string[]).includes(f)) {
        error(p('flush_conntrack'), `${p('flush_conntrack')} contains '${f}'; use ${mwan3FlushEvents.join(', ')} (always/never are pre-2.7 values).`);
      }
    }
  }

  const memberNames = new Set(config.members.map((m) => m.name));
  for (const m of config.members) {
    const p = (o: string): string => `mwan3.${m.name}.${o}`;
    const nameProblem = validateMwan3Name('member', m.name);
    if (nameProblem) error(`mwan3.${m.name}`, nameProblem);
    if (m.interface === null) error(p('interface'), `Member "${m.name}" has no interface; set it to one of the mwan3 interfaces.`);
    else if (!ifaceNames.has(m.interface)) error(p('interface'), `Member "${m.name}" uses interface "${m.interface}", which is not an mwan3 interface section.`);
    if (m.metric > 256) error(p('metric'), `${p('metric')} is ${m.metric}; mwan3 ignores metrics above 256. Use 1–256 (lower is preferred).`);
    else range(p('metric'), m.metric, 1, 256, '');
    range(p('weight'), m.weight, 1, 1000, '');
  }

  const policyNames = new Set(config.policies.map((pol) => pol.name));
  for (const pol of config.policies) {
    const nameProblem = validateMwan3Name('policy', pol.name);
    if (nameProblem) error(`mwan3.${pol.name}`, nameProblem);
    for (const m of pol.useMembers) {
      if (!memberNames.has(m)) error(`mwan3.${pol.name}.use_member`, `Policy "${pol.name}" uses member "${m}", which does not exist; remove it or create the member.`);
    }
    if (!(mwan3LastResorts as readonly string[]).includes(pol.lastResort)) {
      error(`mwan3.${pol.name}.last_resort`, `mwan3.${pol.name}.last_resort is '${pol.lastResort}'; use unreachable, blackhole or default.`);
    }
  }

  for (const r of config.rules) {
    const label = r.name ?? r.ref;
    const p = (o: string): string => `mwan3.${label}.${o}`;
    if (r.name !== null) {
      const nameProblem = validateMwan3Name('rule', r.name);
      if (nameProblem) error(`mwan3.${r.name}`, nameProblem);
    }
    if (r.usePolicy === null) error(p('use_policy'), `Rule ${label} has no use_policy; mwan3 skips it. Choose a policy.`);
    else if (!policyNames.has(r.usePolicy) && !(mwan3LastResorts as readonly string[]).includes(r.usePolicy)) {
      error(p('use_policy'), `Rule ${label} uses policy "${r.usePolicy}", which does not exist.`);
    }
    if (!/^(all|tcp|udp|icmp|esp|\d{1,3})$/.test(r.proto)) warn(p('proto'), `${p('proto')} is '${r.proto}'; mwan3 documents all, tcp, udp, icmp, esp or a protocol number.`);
    for (const [opt, v] of [['src_port', r.srcPort], ['dest_port', r.destPort]] as const) {
      if (v === null) continue;
      if (!portPattern.test(v) || v.split(/[,:-]/).some((x) => Number(x) > 65535)) {
        error(p(opt), `${p(opt)} is '${v}'; write ports like 22, 80,443 or 1024:2048.`);
      } else if (r.proto !== 'tcp' && r.proto !== 'udp') {
        warn(p(opt), `${p(opt)} is ignored because proto is ${r.proto}; set proto to tcp or udp.`);
      }
    }
    range(p('timeout'), r.timeoutSec, 1, 1000000, ' seconds');
    if (r.family !== 'any' && r.family !== 'ipv4' && r.family !== 'ipv6') error(p('family'), `${p('family')} is '${r.family}'; use ipv4, ipv6 or any.`);
    for (const [opt, v] of [['src_ip', r.srcIp], ['dest_ip', r.destIp]] as const) {
      if (v === null || r.family === 'any') continue;
      if ((r.family === 'ipv6') !== v.includes(':')) warn(p(opt), `${p(opt)} '${v}' does not match family ${r.family}; mwan3 skips the rule.`);
    }
  }
  return out;
}

/** Throws an invalid-input error listing every error (warnings do not block). */
export function assertValidMwan3Config(config: Mwan3Config, opts: ValidateMwan3Options = {}): void {
  const errors = validateMwan3Config(config, opts).filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new InvalidConfigError(errors);
}


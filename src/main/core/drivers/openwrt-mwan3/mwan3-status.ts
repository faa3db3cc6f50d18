// Live mwan3 status in one typed shape, whichever way the router can report it: `ubus call
// mwan3 status` (2.8 shell plugin … 2.12 ucode), or `mwan3 status|interfaces` text (both formats).
import { z } from 'zod';
import type { LinkState } from '../../../../shared/model.ts';
import { RouterOutputError } from './errors.ts';

export type Mwan3TrackingState = 'active' | 'paused' | 'down' | 'disabled' | 'not-enabled' | 'unknown';

export type Mwan3TargetStatus = {
  readonly ip: string;
  readonly status: 'up' | 'down' | 'skipped' | 'unknown';
  /** Filled by mwan3 only with check_quality=1; otherwise ubus reports 0. */
  readonly latencyMs: number | null;
  readonly lossPct: number | null;
};

/** The 24.10+ `(N)` bitmask: pieces of an interface's routing that are NOT installed. */
export type Mwan3MissingPieces = {
  readonly iifRule: boolean;
  readonly fwmarkRule: boolean;
  readonly unreachableRule: boolean;
  readonly iptablesChain: boolean;
  readonly defaultRoute: boolean;
};

export type Mwan3InterfaceStatus = {
  readonly name: string;
  readonly state: LinkState;
  /** mwan3's own word: online, offline, connecting, disconnecting, disabled, unknown, error, notracking. */
  readonly rawStatus: string;
  readonly tracking: Mwan3TrackingState;
  readonly enabled: boolean | null;
  /** netifd has the interface up. */
  readonly linkUp: boolean | null;
  readonly uptimeSec: number | null;
  /** Seconds since mwan3 last declared it online (0 / null when it is not online). */
  readonly onlineSec: number | null;
  readonly offlineSec: number | null;
  /** Seconds since the tracker's last round. */
  readonly ageSec: number | null;
  readonly score: number | null;
  readonly lost: number | null;
  readonly turn: number | null;
  readonly missingMask: number | null;
  readonly missing: Mwan3MissingPieces | null;
  readonly targets: readonly Mwan3TargetStatus[];
};

export type Mwan3PolicyStatus = {
  readonly name: string;
  /** Members in use right now with their traffic share; empty when the last resort applies. */
  readonly members: readonly { readonly interface: string; readonly percent: number }[];
  /** unreachable / blackhole / default when no member is online (text output only). */
  readonly lastResort: string | null;
};

export type Mwan3ActiveRule = {
  readonly packets: string;
  readonly bytes: string;
  readonly sticky: boolean;
  readonly target: string;
  readonly proto: string;
  readonly match: string;
};

type PerFamily<T> = { readonly ipv4: readonly T[]; readonly ipv6: readonly T[] };

export type Mwan3StatusReport = {
  readonly interfaces: readonly Mwan3InterfaceStatus[];
  readonly policies: PerFamily<Mwan3PolicyStatus> | null;
  readonly connected: PerFamily<string> | null;
  readonly rules: PerFamily<Mwan3ActiveRule> | null;
};

function stateOf(status: string, linkUp: boolean | null): LinkState {
  switch (status) {
    case 'online':
    case 'offline':
    case 'connecting':
    case 'disconnecting':
    case 'disabled':
    case 'unknown':
      return status;
    case 'notracking':
      // 22.03/23.05: no track_ip, so mwan3 treats the link as up whenever netifd does.
      return linkUp === true ? 'online' : linkUp === false ? 'offline' : 'unknown';
    default:
      // `error`: some of the interface's rules or routes are missing; not a state we can trust.
      return 'unknown';
  }
}

export function missingPieces(mask: number): Mwan3MissingPieces {
  return { iifRule: (mask & 1) !== 0, fwmarkRule: (mask & 2) !== 0, unreachableRule: (mask & 4) !== 0, iptablesChain: (mask & 8) !== 0, defaultRoute: (mask & 16) !== 0 };
}

const targetStatus = (s: string): Mwan3TargetStatus['status'] =>
  s === 'up' || s === 'down' || s === 'skipped' ? s : s === 'ignored' ? 'skipped' : 'unknown';

const trackingOf = (s: string): Mwan3TrackingState =>
  s === 'active' || s === 'paused' || s === 'down' || s === 'disabled' ? s : s === 'not enabled' ? 'not-enabled' : 'unknown';

// ---- ubus ----

const ubusTarget = z.looseObject({ ip: z.string(), status: z.string(), latency: z.number().optional(), packetloss: z.number().optional() });
const ubusInterface = z.looseObject({
  age: z.number().optional(),
  online: z.number().optional(),
  offline: z.number().optional(),
  uptime: z.number().optional(),
  score: z.number().optional(),
  lost: z.number().optional(),
  turn: z.number().optional(),
  status: z.string(),
  enabled: z.boolean().optional(),
  running: z.boolean().optional(),
  tracking: z.string().optional(),
  up: z.boolean().optional(),
  track_ip: z.array(ubusTarget).optional(),
});
const ubusPolicy = z.array(z.looseObject({ interface: z.string(), percent: z.number() }));
const ubusStatus = z.looseObject({
  interfaces: z.record(z.string(), ubusInterface).optional(),
  connected: z.looseObject({ ipv4: z.array(z.string()).optional(), ipv6: z.array(z.string()).optional() }).optional(),
  policies: z.looseObject({ ipv4: z.record(z.string(), ubusPolicy).optional(), ipv6: z.record(z.string(), ubusPolicy).optional() }).optional(),
});

/**
 * `ubus call mwan3 status [{"section":…}]`. Older plugins have no `tracking` field; it is then
 * derived from `running` (tracker process alive) and the 22.03/23.05 `notracking` status.
 */
export function parseUbusMwan3Status(stdout: string): Mwan3StatusReport {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new RouterOutputError('ubus call mwan3 status', `expected JSON, got ${JSON.stringify(stdout.slice(0, 60))}`);
  }
  const parsed = ubusStatus.safeParse(json);
  if (!parsed.success || (!parsed.data.interfaces && !parsed.data.policies && !parsed.data.connected)) {
    const why = parsed.success ? 'none of interfaces, policies, connected is present' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new RouterOutputError('ubus call mwan3 status', `expected {"interfaces":{"wan":{"status":…}}}: ${why}`);
  }
  const d = parsed.data;
  const interfaces = Object.entries(d.interfaces ?? {}).map(([name, i]): Mwan3InterfaceStatus => {
    const linkUp = i.up ?? null;
    const tracking: Mwan3TrackingState = i.tracking
      ? trackingOf(i.tracking)
      : i.status === 'notracking'
        ? 'not-enabled'
        : i.running === true
          ? 'active'
          : i.running === false
            ? 'down'
            : 'unknown';
    return {
      name,
      state: stateOf(i.status, linkUp),
      rawStatus: i.status,
      tracking,
      enabled: i.enabled ?? null,
      linkUp,
      uptimeSec: i.uptime ?? null,
      onlineSec: i.online ?? null,
      offlineSec: i.offline ?? null,
      ageSec: i.age ?? null,
      score: i.score ?? null,
      lost: i.lost ?? null,
      turn: i.turn ?? null,
      missingMask: null,
      missing: null,
      targets: (i.track_ip ?? []).map((t) => ({ ip: t.ip, status: targetStatus(t.status), latencyMs: t.latency ?? null, lossPct: t.packetloss ?? null })),
    };
  });
  const policies = (fam: Record<string, z.infer<typeof ubusPolicy>> | undefined): Mwan3PolicyStatus[] =>
    Object.entries(fam ?? {}).map(([name, members]) => ({ name, members: members.map((m) => ({ interface: m.interface, percent: m.percent })), lastResort: null }));
  return {
    interfaces,
    policies: d.policies ? { ipv4: policies(d.policies.ipv4), ipv6: policies(d.policies.ipv6) } : null,
    connected: d.connected ? { ipv4: d.connected.ipv4 ?? [], ipv6: d.connected.ipv6 ?? [] } : null,
    rules: null,
  };
}

/** ubus has no `mwan3` object (no luci-app-mwan3 / rpcd plugin): fall back to the text commands. */
export function isUbusObjectMissing(exitCode: number, stderr: string): boolean {
  return exitCode === 4 || /Command failed: Not found/.test(stderr);
}

// ---- text ----

const durationSec = (s: string): number => {
  const m = /^(\d+)h:(\d+)m:(\d+)s$/.exec(s)!;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
};

const DUR = String.raw`\d+h:\d+m:\d+s`;
const ifaceLine = new RegExp(
  String.raw`^ interface (\S+) is (online|offline|connecting|disconnecting|disabled|unknown|error)` +
    String.raw`(?: \((\d+)\))?(?: (${DUR}), uptime (${DUR}))?` +
    String.raw` and tracking is (active|paused|down|disabled|not enabled)` +
    String.raw`(?: \((?:(\d+)|online (${DUR}), uptime (${DUR}))\))?$`,
);
// A per-target line some newer builds print under the interface (source-derived, not captured).
const trackLine = /^ {3}track (\S+): (\S+)(?: \((-|[\d.]+)ms, ([\d.]+)% loss\))?$/;

/**
 * One interface line, either format:
 * - ≤ 2.11.11: ` interface wan is online 00h:02m:12s, uptime 00h:59m:27s and tracking is active`
 * - ≥ 2.11.12: ` interface wan is online and tracking is active (online 01h:02m:03s, uptime 01h:05m:10s)`,
 *   ` interface wan6 is unknown and tracking is down (31)` (bitmask of missing pieces).
 */
export function parseMwan3InterfaceLine(line: string): Mwan3InterfaceStatus | null {
  const m = ifaceLine.exec(line);
  if (!m) return null;
  const [, name, status, errCode, oldOnline, oldUptime, tracking, mask, newOnline, newUptime] = m;
  const online = oldOnline ?? newOnline;
  const uptime = oldUptime ?? newUptime;
  const maskValue = mask !== undefined ? Number(mask) : errCode !== undefined ? Number(errCode) : null;
  return {
    name: name!,
    state: stateOf(status!, null),
    rawStatus: status!,
    tracking: trackingOf(tracking!),
    enabled: status === 'disabled' && maskValue === null ? false : null,
    linkUp: null,
    uptimeSec: uptime ? durationSec(uptime) : null,
    onlineSec: online ? durationSec(online) : null,
    offlineSec: null,
    ageSec: null,
    score: null,
    lost: null,
    turn: null,
    missingMask: maskValue,
    missing: maskValue === null ? null : missingPieces(maskValue),
    targets: [],
  };
}

type Block = 'interfaces' | 'policies4' | 'policies6' | 'connected4' | 'connected6' | 'rules4' | 'rules6';

const headers: readonly [RegExp, Block][] = [
  [/^Interface status:$/, 'interfaces'],
  [/^Current ipv4 policies:/, 'policies4'],
  [/^Current ipv6 policies:/, 'policies6'],
  [/^Directly connected ipv4 networks:$/, 'connected4'],
  [/^Directly connected ipv6 networks:$/, 'connected6'],
  [/^Active ipv4 user rules:$/, 'rules4'],
  [/^Active ipv6 user rules:$/, 'rules6'],
];

const ruleLine = /^\s*(\d+[KMGT]?)\s+(\d+[KMGT]?)\s+([S-])\s+(\S+)\s+(\S+)\s*(.*?)\s*$/;

/**
 * `mwan3 status`, or any one of its parts (`mwan3 interfaces`, `policies`, `connected`, `rules`).
 * Blocks that were not printed come back as null. Lines we do not recognise inside a known block
 * are an error, so a new output format is noticed rather than silently misread.
 */
export function parseMwan3StatusText(stdout: string): Mwan3StatusReport {
  const interfaces: Mwan3InterfaceStatus[] = [];
  const seen = new Set<Block>();
  const pol: Record<'policies4' | 'policies6', { name: string; members: { interface: string; percent: number }[]; lastResort: string | null }[]> = {
    policies4: [],
    policies6: [],
  };
  const connected: Record<'connected4' | 'connected6', string[]> = { connected4: [], connected6: [] };
  const rules: Record<'rules4' | 'rules6', Mwan3ActiveRule[]> = { rules4: [], rules6: [] };
  let block: Block | null = null;
  const lines = stdout.split('\n');
  lines.forEach((line, index) => {
    const fail = (what: string): never => {
      throw new RouterOutputError('mwan3 status', `line ${index + 1}: ${what}: ${JSON.stringify(line)}`, { line: index + 1 });
    };
    const header = headers.find(([re]) => re.test(line));
    if (header) {
      block = header[1];
      seen.add(block);
      return;
    }
    if (line.trim() === '') return;
    switch (block) {
      case null:
        fail('expected a header such as "Interface status:"');
        break;
      case 'interfaces': {
        const parsed = parseMwan3InterfaceLine(line);
        if (parsed) {
          interfaces.push(parsed);
          break;
        }
        const t = trackLine.exec(line);
        const last = interfaces.at(-1);
        if (!t || !last) fail('expected " interface <name> is <state> and tracking is <state>"');
        interfaces[interfaces.length - 1] = {
          ...last!,
          targets: [
            ...last!.targets,
            { ip: t![1]!, status: targetStatus(t![2]!), latencyMs: t![3] && t![3] !== '-' ? Number(t![3]) : null, lossPct: t![4] ? Number(t![4]) : null },
          ],
        };
        break;
      }
      case 'policies4':
      case 'policies6': {
        const list = pol[block];
        const name = /^(\S+):$/.exec(line);
        if (name) {
          list.push({ name: name[1]!, members: [], lastResort: null });
          break;
        }
        const current = list.at(-1);
        if (!current) fail('expected "<policy>:" before its members');
        const member = /^ (\S+) \((\d+(?:\.\d+)?)%\)$/.exec(line);
        if (member) current!.members.push({ interface: member[1]!, percent: Number(member[2]) });
        else if (/^ (unreachable|blackhole|default)$/.test(line)) current!.lastResort = line.trim();
        else fail('expected " <interface> (NN%)" or a last resort');
        break;
      }
      case 'connected4':
      case 'connected6':
        if (!/^[0-9a-fA-F:.]+(?:\/\d+)?$/.test(line.trim())) fail('expected a network address');
        connected[block].push(line.trim());
        break;
      case 'rules4':
      case 'rules6': {
        const r = ruleLine.exec(line);
        if (!r) fail('expected an iptables rule line');
        rules[block].push({ packets: r![1]!, bytes: r![2]!, sticky: r![3] === 'S', target: r![4]!, proto: r![5]!, match: r![6]! });
        break;
      }
    }
  });
  if (seen.size === 0) throw new RouterOutputError('mwan3 status', `expected "Interface status:" or another mwan3 status header, got ${JSON.stringify(stdout.slice(0, 60))}`);
  const both = <T>(a: Block, b: Block, va: T[], vb: T[]): PerFamily<T> | null => (seen.has(a) || seen.has(b) ? { ipv4: va, ipv6: vb } : null);
  return {
    interfaces,
    policies: both('policies4', 'policies6', pol.policies4, pol.policies6),
    connected: both('connected4', 'connected6', connected.connected4, connected.connected6),
    rules: both('rules4', 'rules6', rules.rules4, rules.rules6),
  };
}

// ---- tracker state files ----

export type Mwan3TrackerFiles = {
  readonly name: string;
  readonly status: string | null;
  readonly state: LinkState;
  /** STARTED=0 means the tracker is paused (e.g. after `mwan3 ifdown`). */
  readonly paused: boolean | null;
  readonly score: number | null;
  readonly lost: number | null;
  readonly turn: number | null;
  /** /proc/uptime seconds of the last round and of the last online/offline change (0 = never). */
  readonly lastRoundAt: number | null;
  readonly onlineAt: number | null;
  readonly offlineAt: number | null;
  readonly targets: readonly Mwan3TargetStatus[];
};

/**
 * Output of `for f in /var/run/mwan3track/<iface>/*; do echo "$f=$(cat $f)"; done`. Returns null
 * when the directory does not exist (mwan3 stopped): the glob then stays literal (`…/*=`).
 */
export function parseMwan3TrackerFiles(stdout: string, iface: string): Mwan3TrackerFiles | null {
  const prefix = `/var/run/mwan3track/${iface}/`;
  const files = new Map<string, string>();
  let current: string | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(prefix) && line.includes('=')) {
      const eq = line.indexOf('=');
      current = line.slice(prefix.length, eq);
      files.set(current, line.slice(eq + 1));
    } else if (current !== null) {
      // TRACK_OUTPUT holds whole ping transcripts; its extra lines belong to it.
      files.set(current, `${files.get(current)}\n${line}`);
    } else if (line.trim() !== '') {
      throw new RouterOutputError(`the files in ${prefix}`, `expected "${prefix}<FILE>=<value>" lines, got ${JSON.stringify(line)}`);
    }
  }
  if (files.size === 0 || files.has('*')) return null;
  const num = (k: string): number | null => {
    const v = files.get(k)?.trim();
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  };
  const status = files.get('STATUS')?.trim() ?? null;
  const targets = [...files.entries()]
    .filter(([k]) => k.startsWith('TRACK_') && k !== 'TRACK_OUTPUT')
    .map(([k, v]): Mwan3TargetStatus => {
      const ip = k.slice('TRACK_'.length);
      const lat = files.get(`LATENCY_${ip}`)?.trim();
      const loss = files.get(`LOSS_${ip}`)?.trim();
      return { ip, status: targetStatus(v.trim()), latencyMs: lat && /^[\d.]+$/.test(lat) ? Number(lat) : null, lossPct: loss && /^[\d.]+$/.test(loss) ? Number(loss) : null };
    });
  const started = num('STARTED');
  return {
    name: iface,
    status,
    state: status === null ? 'unknown' : stateOf(status, null),
    paused: started === null ? null : started === 0,
    score: num('SCORE'),
    lost: num('LOST'),
    turn: num('TURN'),
    lastRoundAt: num('TIME'),
    onlineAt: num('ONLINE'),
    offlineAt: num('OFFLINE'),
    targets,
  };
}

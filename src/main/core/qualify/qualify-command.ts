// The one command that probes every proposed target through every uplink, from the router. A
// device-bound ping alone cannot leave through a backup that has no route of its own (the kernel
// then ARPs for the target on-link, see probes/probe-scope.ts), so for the few seconds of the test
// each uplink gets a route in a table of its own and a rule that only the test's echoes match: no
// other packet on the router is routed differently, and a trap removes both on exit, hang-up or
// kill. Tables already holding someone else's routes are refused, never flushed.
//
// Two pings exist on routers. iputils (Debian, Ubuntu, Alpine with iputils) marks its echoes
// (-m), and the rule matches that mark. BusyBox (OpenWrt, GL.iNet, RutOS) cannot mark: its echoes
// leave from the uplink's own address (-I ADDRESS) and the rule matches that source on packets
// the router itself sends (`from ADDRESS iif lo`), which only the router's own traffic from that
// address can match. BusyBox ping prints no "Time to live exceeded", so the hops come from
// BusyBox's traceroute (UDP, from the same address) when it has one. A short pre-flight command
// (qualifyPreflightCommand) tells which ping the router has and each uplink's address.
import { sh, shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';

export interface QualifyUplink {
  readonly device: string;
  /** Absent for a point-to-point device (the route then names only the device). */
  readonly gateway?: string;
  /** The uplink's IPv4 address on the router: BusyBox's echoes leave from it (its rule matches it). */
  readonly source?: string;
  readonly targets: readonly string[];
}

/** What the router's ping can do, from the pre-flight. */
export type PingTool =
  | { readonly kind: 'iputils' }
  /** fractionalInterval: -i 0.5 accepted (BusyBox ≥ 1.29 with FLOAT_DURATION); traceroute: BusyBox has the applet. */
  | { readonly kind: 'busybox'; readonly fractionalInterval: boolean; readonly traceroute: boolean };

/** Tables 25101…25108, rule priorities 901…908 (ahead of the agent's 1000+), routes proto 243. */
export const qualifyTableBase = 25100;
export const qualifyRuleBase = 900;
export const qualifyRouteProto = '243';
/** fwmark 0x53590000 + index ("SY"), matched with a mask that leaves mwan3's 0x3f00 bits alone. */
const markBase = 0x53590000;
const markMask = '0xffff00ff';

export const slowProbe = { count: 5, intervalSec: 0.5 };
export const fastProbe = { count: 20, intervalSec: 0.1 };
export const maxHops = 3;
export const sectionMark = '@@qualify';
/** The fast probe's section when the router's ping takes whole seconds only. */
export const fastNotRun = 'not run: this ping takes whole-second intervals only';

const mark = (i: number) => markBase + i;
/**
 * BusyBox traceroute tells its answers apart only by the UDP port they were sent to (it cannot
 * check its source port), so traceroutes running side by side take the others' answers for their
 * own (seen on the lab: wlan0's trace showed eth1's gateway): the k-th probe gets ports of its own.
 */
export const traceroutePort = (k: number) => 33434 + k * maxHops;
const table = (i: number) => String(qualifyTableBase + i);
const pref = (i: number) => String(qualifyRuleBase + i);

/** The section name of one probe's output: `<uplink index>.<target index>.<slow|fast|hops>`. */
export const sectionName = (i: number, j: number, kind: 'slow' | 'fast' | 'hops') => `${i}.${j}.${kind}`;

/**
 * Which ping the router has, whether BusyBox's takes fractions of a second and has traceroute,
 * and each device's first IPv4 address: `@@qualify-ping iputils|busybox|other`,
 * `@@qualify-fraction yes|no`, `@@qualify-traceroute yes|no`, `@@qualify-addr INDEX [ADDRESS]`.
 * Read-only; the fraction test pings the router's own loopback once.
 */
export function qualifyPreflightCommand(devices: readonly string[], asRoot: (argv: readonly string[]) => ShellCommand = shellCommand): ShellCommand {
  const fraction = asRoot(['ping', '-q', '-c', '1', '-i', '0.2', '-W', '1', '127.0.0.1']);
  const addrs = devices.map(
    (device, k) => sh.script`echo ${`${sectionMark}-addr ${k + 1}`} $(ip -4 -o addr show dev ${device} 2>/dev/null | awk '$3 == "inet" { print $4; exit }' | cut -d/ -f1)`,
  );
  return sh.script`if ping -V 2>&1 | grep -q iputils; then echo ${`${sectionMark}-ping iputils`}
elif { ping -V 2>&1; readlink -f "$(command -v ping)"; } | grep -qi busybox; then
  echo ${`${sectionMark}-ping busybox`}
  if ${fraction} 2>&1 | grep -qi 'invalid'; then echo ${`${sectionMark}-fraction no`}; else echo ${`${sectionMark}-fraction yes`}; fi
  if busybox --list 2>/dev/null | grep -qx traceroute; then echo ${`${sectionMark}-traceroute yes`}; else echo ${`${sectionMark}-traceroute no`}; fi
else echo ${`${sectionMark}-ping other`}; fi
${sh.seq(...addrs)}`;
}

/** Reads the pre-flight: the ping (null when neither iputils nor BusyBox) and each device's address. */
export function parsePreflight(stdout: string, deviceCount: number): { tool: PingTool | null; sources: Array<string | null> } {
  const marks = stdout.split('\n').filter((l) => l.startsWith(`${sectionMark}-`)).map((l) => l.slice(sectionMark.length + 1).trim().split(/\s+/));
  const value = (key: string) => marks.find((m) => m[0] === key)?.[1];
  const ping = value('ping');
  const tool: PingTool | null = ping === 'iputils' ? { kind: 'iputils' } : ping === 'busybox' ? { kind: 'busybox', fractionalInterval: value('fraction') !== 'no', traceroute: value('traceroute') === 'yes' } : null;
  const sources = Array.from({ length: deviceCount }, (_, k) => {
    const address = marks.find((m) => m[0] === 'addr' && m[1] === String(k + 1))?.[2];
    return address && /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? address : null;
  });
  return { tool, sources };
}

export function qualifyCommand(uplinks: readonly QualifyUplink[], asRoot: (argv: readonly string[]) => ShellCommand = shellCommand, tool: PingTool = { kind: 'iputils' }): ShellCommand {
  const indexed = uplinks.map((u, k) => ({ ...u, i: k + 1 }));
  const busybox = tool.kind === 'busybox';
  const sourceOf = (u: (typeof indexed)[number]) => {
    if (!u.source) throw new Error(`qualifyCommand: BusyBox ping needs ${u.device}'s address`);
    return u.source;
  };
  const ruleArgs = (u: (typeof indexed)[number]) =>
    busybox ? ['pref', pref(u.i), 'from', sourceOf(u), 'iif', 'lo', 'lookup', table(u.i)] : ['pref', pref(u.i), 'fwmark', `0x${mark(u.i).toString(16)}/${markMask}`, 'lookup', table(u.i)];
  const cleanup = sh.seq(
    ...indexed.flatMap((u) => [
      sh.redirect(asRoot(['ip', '-4', 'rule', 'del', ...ruleArgs(u)]), { stderr: '/dev/null' }),
      sh.redirect(asRoot(['ip', '-4', 'route', 'flush', 'table', table(u.i), 'proto', qualifyRouteProto]), { stderr: '/dev/null' }),
    ]),
  );
  const busyChecks = indexed.map(
    (u) => sh.script`if ${asRoot(['ip', '-4', 'route', 'show', 'table', table(u.i)])} 2>/dev/null | grep -v ${`proto ${qualifyRouteProto}`} | grep -q .; then echo ${`${sectionMark}-busy ${table(u.i)}`}; exit 3; fi`,
  );
  const setup = indexed.map((u) =>
    sh.and(
      asRoot(['ip', '-4', 'route', 'replace', 'default', ...(u.gateway ? ['via', u.gateway] : []), 'dev', u.device, 'table', table(u.i), 'proto', qualifyRouteProto]),
      asRoot(['ip', '-4', 'rule', 'add', ...ruleArgs(u)]),
    ),
  );
  // iputils: marked and bound to the device; BusyBox: from the uplink's address (it has no -m).
  const ping = (u: (typeof indexed)[number], target: string, extra: readonly string[]) =>
    asRoot(busybox ? ['ping', ...extra, '-I', sourceOf(u), target] : ['ping', '-n', '-m', String(mark(u.i)), '-I', u.device, ...extra, target]);
  const wholeSeconds = tool.kind === 'busybox' && !tool.fractionalInterval;
  let probeIndex = 0;
  const probes = indexed.flatMap((u) =>
    u.targets.map((target, k) => {
      const j = k + 1;
      const port = traceroutePort(probeIndex++);
      const slow = ping(u, target, ['-q', '-c', String(slowProbe.count), '-i', wholeSeconds ? '1' : String(slowProbe.intervalSec), '-W', '1']);
      const fast = wholeSeconds ? sh.script`echo ${fastNotRun}` : ping(u, target, ['-q', '-c', String(fastProbe.count), '-i', String(fastProbe.intervalSec), '-W', '1']);
      const hops =
        tool.kind === 'iputils'
          ? sh.seq(...Array.from({ length: maxHops }, (_, h) => ping(u, target, ['-c', '1', '-W', '1', '-t', String(h + 1)])))
          : tool.traceroute
            ? asRoot(['busybox', 'traceroute', '-n', '-m', String(maxHops), '-q', '1', '-w', '1', '-p', String(port), '-s', sourceOf(u), target])
            : sh.script`:`;
      return sh.script`{ ${slow} >"$d"/${sectionName(u.i, j, 'slow')} 2>&1; ${fast} >"$d"/${sectionName(u.i, j, 'fast')} 2>&1; } & { ${hops}; } >"$d"/${sectionName(u.i, j, 'hops')} 2>&1 & :`;
    }),
  );
  const check = busybox
    ? sh.script`if ! { ping -V 2>&1; readlink -f "$(command -v ping)"; } | grep -qi busybox; then echo ${`${sectionMark}-unsupported`}; exit 4; fi`
    : sh.script`if ! ping -V 2>&1 | grep -q iputils; then echo ${`${sectionMark}-unsupported`}; exit 4; fi`;
  return sh.script`${check}
${sh.seq(...busyChecks)}
stale() { ${cleanup}; }
stale
d=$(mktemp -d /tmp/switchyard-qualify.XXXXXX) || exit 1
trap 'stale; rm -rf "$d"' EXIT
trap 'exit 129' HUP INT TERM PIPE
${sh.and(...setup)} || { echo ${`${sectionMark}-setup-failed`}; exit 5; }
${sh.seq(...probes)}
wait
for f in "$d"/*; do [ -e "$f" ] || continue; echo ${sectionMark} "\${f##*/}"; cat "$f"; done`;
}

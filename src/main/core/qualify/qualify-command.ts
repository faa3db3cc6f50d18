// The one command that probes every proposed target through every uplink, from the router. A
// device-bound ping alone cannot leave through a backup that has no route of its own (the kernel
// then ARPs for the target on-link, see probes/probe-scope.ts), so for the few seconds of the test
// each uplink gets a route in a table of its own and a rule that only the test's marked echoes
// match: no other packet on the router is routed differently, and a trap removes both on exit,
// hang-up or kill. Tables already holding someone else's routes are refused, never flushed.
import { sh, shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';

export interface QualifyUplink {
  readonly device: string;
  /** Absent for a point-to-point device (the route then names only the device). */
  readonly gateway?: string;
  readonly targets: readonly string[];
}

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

const mark = (i: number) => markBase + i;
const table = (i: number) => String(qualifyTableBase + i);
const pref = (i: number) => String(qualifyRuleBase + i);

/** The section name of one probe's output: `<uplink index>.<target index>.<slow|fast|hops>`. */
export const sectionName = (i: number, j: number, kind: 'slow' | 'fast' | 'hops') => `${i}.${j}.${kind}`;

export function qualifyCommand(uplinks: readonly QualifyUplink[], asRoot: (argv: readonly string[]) => ShellCommand = shellCommand): ShellCommand {
  const indexed = uplinks.map((u, k) => ({ ...u, i: k + 1 }));
  const ruleArgs = (i: number) => ['pref', pref(i), 'fwmark', `0x${mark(i).toString(16)}/${markMask}`, 'lookup', table(i)];
  const cleanup = sh.seq(
    ...indexed.flatMap((u) => [
      sh.redirect(asRoot(['ip', '-4', 'rule', 'del', ...ruleArgs(u.i)]), { stderr: '/dev/null' }),
      sh.redirect(asRoot(['ip', '-4', 'route', 'flush', 'table', table(u.i), 'proto', qualifyRouteProto]), { stderr: '/dev/null' }),
    ]),
  );
  const busyChecks = indexed.map(
    (u) => sh.script`if ${asRoot(['ip', '-4', 'route', 'show', 'table', table(u.i)])} 2>/dev/null | grep -v ${`proto ${qualifyRouteProto}`} | grep -q .; then echo ${`${sectionMark}-busy ${table(u.i)}`}; exit 3; fi`,
  );
  const setup = indexed.map((u) =>
    sh.and(
      asRoot(['ip', '-4', 'route', 'replace', 'default', ...(u.gateway ? ['via', u.gateway] : []), 'dev', u.device, 'table', table(u.i), 'proto', qualifyRouteProto]),
      asRoot(['ip', '-4', 'rule', 'add', ...ruleArgs(u.i)]),
    ),
  );
  const ping = (i: number, device: string, target: string, extra: readonly string[]) => asRoot(['ping', '-n', '-m', String(mark(i)), '-I', device, ...extra, target]);
  const probes = indexed.flatMap((u) =>
    u.targets.map((target, k) => {
      const j = k + 1;
      const slow = ping(u.i, u.device, target, ['-q', '-c', String(slowProbe.count), '-i', String(slowProbe.intervalSec), '-W', '1']);
      const fast = ping(u.i, u.device, target, ['-q', '-c', String(fastProbe.count), '-i', String(fastProbe.intervalSec), '-W', '1']);
      const hops = Array.from({ length: maxHops }, (_, h) => ping(u.i, u.device, target, ['-c', '1', '-W', '1', '-t', String(h + 1)]));
      return sh.script`{ ${slow} >"$d"/${sectionName(u.i, j, 'slow')} 2>&1; ${fast} >"$d"/${sectionName(u.i, j, 'fast')} 2>&1; } & { ${sh.seq(...hops)}; } >"$d"/${sectionName(u.i, j, 'hops')} 2>&1 & :`;
    }),
  );
  return sh.script`if ! ping -V 2>&1 | grep -q iputils; then echo ${`${sectionMark}-unsupported`}; exit 4; fi
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

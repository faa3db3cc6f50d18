// The drill's commands on a plain Linux router. Each is one fixed sh script (code, written
// here) run as `sh -c SCRIPT sh ARG…`, its values passed as quoted positional arguments through
// the one quoting function: nothing from the user or the router is spliced into shell text.
//
// The failure: nft rules in their own table (`inet switchyard_drill`, so removing them is one
// exact `nft delete table`) drop everything the uplink would send or receive, forwarded and
// local, while the link stays up — as when the line beyond the modem dies. A detached timer on
// the router deletes the table at the deadline by itself, so a laptop that goes away never
// leaves the router failed. The probe is iputils `ping -D -O -i 0.1` along the router's
// default path, bounded by `-w` so it cannot outlive the drill either.
import { shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';

export const drillTable = 'switchyard_drill';
/** The agent reads `<this>/<id>/active` too: failures during a drill are not counted as flaps. */
export const drillRunDir = '/run/switchyard-drill';
export const agentEventLog = '/var/lib/switchyard/events.log';
/** Same rule as the agent's device names: nothing nft or sh could read as syntax. */
export const deviceNamePattern = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/;

const nowMsFunction = `now_ms() { t=$(date +%s%3N 2>/dev/null); case $t in ""|*[!0-9]*) echo $(( $(date +%s) * 1000 ));; *) echo "$t";; esac; }`;

/**
 * Stops the timer: its whole process group (setsid made the timer's shell its leader), as killing
 * the shell alone left its `sleep` running until the deadline, after the drill and after Remove.
 */
const stopTimer = `t=$(cat "$dir/timer.pid" 2>/dev/null); [ -n "$t" ] && kill -- "-$t" "$t" 2>/dev/null`;

// $1 dir, $2 device, $3 probe target, $4 deadline in s, $5 pre-roll in s.
const startScript = `
set -u
dir=$1 dev=$2 target=$3 max=$4 pre=$5
case $dev in ''|-*|*[!A-Za-z0-9_.-]*) echo "switchyard-drill: refusing device name" >&2; exit 2;; esac
${nowMsFunction}
for tool in nft ping setsid; do command -v $tool >/dev/null 2>&1 || { echo "switchyard-drill: $tool is not installed on the router" >&2; exit 3; }; done
if nft list table inet ${drillTable} >/dev/null 2>&1; then echo "switchyard-drill: another drill is running on this router (nft table inet ${drillTable} exists)" >&2; exit 4; fi
rm -rf "$dir" && mkdir -p "$dir" || exit 1
setsid ping -n -D -O -i 0.1 -w "$((max + pre + 30))" "$target" >"$dir/probe.log" 2>&1 </dev/null &
echo $! >"$dir/probe.pid"
sleep "$pre"
conntrack -L -p tcp >"$dir/flows.before" 2>/dev/null
printf 'table inet ${drillTable} {\\n chain output {\\n  type filter hook output priority -10;\\n  oifname "%s" counter drop\\n }\\n chain input {\\n  type filter hook input priority -10;\\n  iifname "%s" counter drop\\n }\\n chain forward {\\n  type filter hook forward priority -10;\\n  oifname "%s" counter drop\\n  iifname "%s" counter drop\\n }\\n}\\n' "$dev" "$dev" "$dev" "$dev" >"$dir/rules.nft"
: >"$dir/active"
# The timer goes first, so the rules never exist without something on the router to remove them.
# It acts only while this drill's marker exists: a finished drill's timer cannot end a later one.
setsid sh -c '${nowMsFunction}; sleep "$1"; if [ -e "$2/active" ]; then rm -f "$2/active"; nft delete table inet ${drillTable} 2>/dev/null; echo "$(now_ms)" >"$2/ended-by-timer"; fi' sh "$max" "$dir" </dev/null >/dev/null 2>&1 &
echo $! >"$dir/timer.pid"
if ! nft -f "$dir/rules.nft"; then rm -f "$dir/active"; ${stopTimer}; kill "$(cat "$dir/probe.pid")" 2>/dev/null; exit 5; fi
echo "startMs=$(now_ms)"
`;

// $1 dir: remove the rules (unless the timer did), stop the timer, say who ended it and when.
const endScript = `
dir=$1
${nowMsFunction}
if [ -e "$dir/active" ]; then
  rm -f "$dir/active"
  nft delete table inet ${drillTable} 2>/dev/null
  echo "endMs=$(now_ms)"; echo "endedBy=app"
elif [ -e "$dir/ended-by-timer" ]; then
  echo "endMs=$(cat "$dir/ended-by-timer")"; echo "endedBy=router-timer"
else
  nft delete table inet ${drillTable} 2>/dev/null
  echo "endMs=$(now_ms)"; echo "endedBy=unknown"
fi
${stopTimer}
exit 0
`;

// $1 dir, $2 engine log: what the laptop follows while the drill runs.
const pollScript = `
echo "@@probe"; cat "$1/probe.log" 2>/dev/null
echo "@@events"; tail -n 200 "$2" 2>/dev/null
exit 0
`;

// $1 dir: the TCP table after the failover, while the backup carries the traffic.
const flowsAfterScript = `conntrack -L -p tcp >"$1/flows.after" 2>/dev/null; exit 0`;

// $1 dir, $2 engine log: stop the probe, hand over everything recorded, leave nothing behind.
const collectScript = `
dir=$1
kill "$(cat "$dir/probe.pid" 2>/dev/null)" 2>/dev/null
sleep 0.2
echo "@@probe"; cat "$dir/probe.log" 2>/dev/null
echo "@@flows.before"; cat "$dir/flows.before" 2>/dev/null
echo "@@flows.after"; cat "$dir/flows.after" 2>/dev/null
echo "@@events"; tail -n 400 "$2" 2>/dev/null
rm -rf "$dir"
exit 0
`;

export interface DrillCommands {
  start(args: { dir: string; device: string; probeTarget: string; maxSec: number; preRollSec: number }): ShellCommand;
  end(dir: string): ShellCommand;
  poll(dir: string): ShellCommand;
  flowsAfter(dir: string): ShellCommand;
  collect(dir: string): ShellCommand;
}

/** `asRoot` wraps argv for a non-root login (sudo -n), as the platform's driver does. */
export function drillCommands(asRoot: (argv: readonly string[]) => ShellCommand = shellCommand): DrillCommands {
  const script = (text: string, ...args: string[]) => asRoot(['sh', '-c', text, 'sh', ...args]);
  return {
    start: ({ dir, device, probeTarget, maxSec, preRollSec }) => {
      if (!deviceNamePattern.test(device)) throw new Error(`refusing device name ${JSON.stringify(device)}`);
      return script(startScript, dir, device, probeTarget, String(Math.ceil(maxSec)), String(preRollSec));
    },
    end: (dir) => script(endScript, dir),
    poll: (dir) => script(pollScript, dir, agentEventLog),
    flowsAfter: (dir) => script(flowsAfterScript, dir),
    collect: (dir) => script(collectScript, dir, agentEventLog),
  };
}

/** Splits `@@name` sections of the poll and collect output. */
export function sections(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  let name: string | null = null;
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^@@([a-z.]+)$/.exec(line);
    if (m) {
      if (name) out[name] = lines.join('\n');
      name = m[1]!;
      lines = [];
    } else if (name) lines.push(line);
  }
  if (name) out[name] = lines.join('\n');
  return out;
}

/** `key=value` lines of the start and end scripts. */
export function keyValues(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').flatMap((l) => (/^[a-zA-Z]+=/.test(l) ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]] : [])));
}

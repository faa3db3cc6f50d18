// Switchyard's connection clearing for mwan3 (issue 16 item 4). mwan3's own per-interface
// flush_conntrack (every version from 2.7 to 2.12: values ifup, ifdown, connected, disconnected)
// does `echo f > /proc/net/nf_conntrack`, which empties the WHOLE table whichever uplink the event
// was for. This hook, in mwan3's hotplug class, clears only the failed uplink's connections, and
// with Forced Refresh Streams on moves the backups' connections when a preferred uplink returns.
//
// Which connections are an uplink's, IPv4 and IPv6 alike:
// - the ones NATed to one of its addresses (conntrack's reply destination; also the router's own,
//   whose reply goes to that address) or addressed to it (original destination: port forwards,
//   the router's services);
// - the routed ones (no NAT: a LAN client's global IPv6 address, a routed IPv4 subnet), which name
//   no address of the router: mwan3 marks every connection with its interface's mark (CONNMARK
//   --save-mark under mmx_mask) and routes the mark by an fwmark rule (2000+id) to the interface's
//   table, whose iif rule (1000+id) names the device. The hook reads those rules from the kernel
//   (`ip -4 rule`, `ip -6 rule`), so the mark and mask are mwan3's own of the moment, also for an
//   IPv6 twin (wan6) on the same device, and never a position Switchyard guessed from the config.
//   At ifdown mwan3 has already deleted the interface's rules (15-mwan3 runs first), so the marks
//   seen at its last event are kept in RAM beside its addresses.
import { quoteArg, sh, shellCommand, type ShellCommand } from '../../transport/ssh/shell-quote.ts';

/** After 15-mwan3 (which moves the routing) and 16-mwan3-user, so flows reconnect on the new path. */
export const conntrackHookPath = '/etc/hotplug.d/iface/19-switchyard-conntrack';
/** The address each uplink had when last seen up (RAM): at ifdown netifd has already removed it. */
export const conntrackHookStateDir = '/var/run/switchyard-conntrack';
/** `logread -e mwan3` returns these lines with mwan3's own (mwan3-events.ts reads them). */
export const conntrackHookLogTag = 'mwan3-switchyard';
/** The hook's own action (not a hotplug one): keep every uplink's addresses and marks now. */
export const conntrackHookSeedAction = 'switchyard-seed';
/** Runs the installed hook's seed; never fails the command it ends (an apply already done). */
export const conntrackHookSeedCommand = (hookPath = conntrackHookPath): ShellCommand =>
  sh.or(shellCommand(['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `ACTION=${conntrackHookSeedAction}`, 'sh', hookPath]), shellCommand(['true']));
export const installConntrackHint = 'opkg update && opkg install conntrack';

/**
 * Reads `ip rule show` (one family) with the device in awk's d and prints mwan3's mark/mask for
 * each interface on that device: mwan3 adds per interface id an iif rule at 1000+id naming the
 * device and an fwmark rule at 2000+id (mark/mask) looking up table id (mwan3.sh, seen in the real
 * capture test/fixtures/openwrt/openwrt-19.07-mwan3-2.12/*__ip-rule.txt); its 3000+id unreachable
 * rules and the 2061/2062 blackhole and unreachable marks are no interface's.
 */
export const mwan3MarksAwk = `{ p = $1; sub(":", "", p); p += 0 }
$4 == "iif" && $5 == d && $6 == "lookup" && p > 1000 && p < 2000 { want[p + 1000] = 1 }
$4 == "fwmark" && $6 == "lookup" { mark[p] = $5 }
END { for (p in want) if (p in mark) print mark[p] }`;

export type HookUplink = {
  /** mwan3's (= netifd's) interface name. */
  readonly name: string;
  /** The device netifd gave it when the plan was made; the event's own DEVICE wins at run time. */
  readonly device: string;
  /** Switchyard's member metric: lower is preferred. */
  readonly metric: number;
};

export type HookConfig = {
  readonly uplinks: readonly HookUplink[];
  /** Failover mode with Forced Refresh Streams on. */
  readonly forcedRefreshStreams: boolean;
};

/**
 * The hook's text for one policy. Interface and device names come from the router, so each
 * table line is built by the one quoting function; everything else is fixed text. hotplug-call
 * sources each script in a subshell with ACTION, INTERFACE and DEVICE set (DEVICE is empty at
 * ifdown); mwan3track raises connected/disconnected through the same class.
 */
export function conntrackHookText(c: HookConfig): string {
  const table = c.uplinks.map((u) => `  ${shellCommand(['u', u.name, u.device, String(u.metric)]).text}`);
  return `#!/bin/sh
# Installed by Switchyard; deleted by Switchyard's "remove". When mwan3 takes an uplink offline,
# clears only that uplink's connections, IPv4 and IPv6, NATed or routed (mwan3's own
# flush_conntrack empties the whole table), so they reconnect through the uplink now in use.
case "$ACTION" in ifup|ifdown|connected|disconnected) [ -n "$INTERFACE" ] || exit 0 ;; ${conntrackHookSeedAction}) ;; *) exit 0 ;; esac
# Forced Refresh Streams: when an uplink returns, the connections on the uplinks below it move too.
frs=${c.forcedRefreshStreams ? 1 : 0}
# Switchyard's uplinks: interface, device, metric (lower is preferred).
uplinks() {
${table.join('\n')}
}
state=${conntrackHookStateDir}
say() { logger -t ${conntrackHookLogTag} "$*"; echo "${conntrackHookLogTag}: $*" >&2; }
# The device's global addresses, IPv4 and IPv6, one a line.
addrs_of() { ip addr show dev "$1" scope global 2>/dev/null | sed -n 's/^ *inet6* \\([0-9a-fA-F.:]*\\)\\/.*/\\1/p'; }
# mwan3's connection marks (mark/mask) for the device: the fwmark rule (2000+id) of each table
# whose iif rule (1000+id) names it, in both families (an IPv6 twin has an id of its own).
marks_of() {
  for v in -4 -6; do
    ip "$v" rule show 2>/dev/null | awk -v d="$1" ${quoteArg(mwan3MarksAwk)}
  done
}
# What uplink $1 (device $2) has now, into $state/$1.now and $state/$1.marks.now; with $3 =
# remember (every event but ifdown) also kept as the last known. A down uplink's are the
# kept ones too: at ifdown netifd has removed the addresses and mwan3 the rules. Only what was
# seen last is kept, never a union over time: an old DHCP lease may be another uplink's address now.
known() {
  addrs_of "$2" > "$state/$1.now"
  marks_of "$2" > "$state/$1.marks.now"
  [ "$3" = remember ] || return 0
  if [ -s "$state/$1.now" ]; then cp "$state/$1.now" "$state/$1"; fi
  if [ -s "$state/$1.marks.now" ]; then cp "$state/$1.marks.now" "$state/$1.marks"; fi
}
# Anything known of uplink $1: an address or a mark, now or kept.
knows() { cat "$state/$1.now" "$state/$1" "$state/$1.marks.now" "$state/$1.marks" 2>/dev/null | grep -q .; }
# Run by Switchyard's apply right after mwan3's reload: every uplink's addresses and marks are kept
# now, so an uplink whose first event is its ifdown (its rules already gone) is still known.
if [ "$ACTION" = ${conntrackHookSeedAction} ]; then
  mkdir -p "$state"
  u() { known "$1" "$2" remember; }
  uplinks
  exit 0
fi
me=
u() { [ "$1" != "$INTERFACE" ] || { me=$1; my_dev=$2; my_metric=$3; }; }
uplinks
[ -n "$me" ] || exit 0
mkdir -p "$state"
have_conntrack() { command -v conntrack >/dev/null 2>&1; }
# Deletes the entries one conntrack filter selects; prints how many.
del() {
  k=$(conntrack -D "$@" 2>&1 >/dev/null | sed -n 's/.* \\([0-9][0-9]*\\) flow entries have been deleted.*/\\1/p')
  echo "\${k:-0}"
}
# Deletes uplink $1's connections from the lists known() wrote: by address (reply destination:
# NATed to it; original destination: addressed to it) and by mwan3's mark in both families.
# Sets n (how many) and what (the addresses and marks, for the log).
clear_uplink() {
  n=0
  what=
  for a in $(cat "$state/$1.now" "$state/$1" 2>/dev/null | sort -u); do
    case "$a" in *:*) f=ipv6 ;; *) f=ipv4 ;; esac
    for sel in -q -d; do n=$((n + $(del -f "$f" "$sel" "$a"))); done
    what="\${what:+$what, }$a"
  done
  for m in $(cat "$state/$1.marks.now" "$state/$1.marks" 2>/dev/null | sort -u); do
    for f in ipv4 ipv6; do n=$((n + $(del -f "$f" -m "$m"))); done
    what="\${what:+$what, }mark $m"
  done
}
# Without the conntrack tool: the whole table, as mwan3's flush_conntrack does (OpenWrt's kernel).
clear_all() { [ -w /proc/net/nf_conntrack ] && echo f > /proc/net/nf_conntrack; }
case "$ACTION" in
ifdown|disconnected)
  # At disconnected (mwan3track) the uplink still has its addresses and rules: kept for its ifdown.
  r=
  [ "$ACTION" = ifdown ] || r=remember
  known "$me" "\${DEVICE:-$my_dev}" $r
  if ! knows "$me"; then say "$me $ACTION: no address or mwan3 mark known for $me, connections left as they are"; exit 0; fi
  if have_conntrack; then clear_uplink "$me"; say "$me $ACTION: cleared $n connections of $me ($what)"
  elif clear_all; then say "$me $ACTION: cleared every connection (no conntrack tool: ${installConntrackHint})"; fi
  ;;
*)
  known "$me" "\${DEVICE:-$my_dev}" remember
  [ "$frs" = 1 ] || exit 0
  # At ifup mwan3 uses the uplink at once only if its own state says online.
  [ "$ACTION" = connected ] || [ "$(cat "/var/run/mwan3/iface_state/$me" 2>/dev/null)" = online ] || exit 0
  if ! have_conntrack; then
    clear_all && say "$me $ACTION: cleared every connection (Forced Refresh Streams; no conntrack tool: ${installConntrackHint})"
    exit 0
  fi
  u() {
    [ "$1" != "$me" ] && [ "$3" -gt "$my_metric" ] || return 0
    known "$1" "$2" remember
    knows "$1" || return 0
    clear_uplink "$1"
    say "$me $ACTION: cleared $n connections of $1 ($what) (Forced Refresh Streams)"
  }
  uplinks
  ;;
esac
exit 0
`;
}

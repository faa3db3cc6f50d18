// Switchyard's connection clearing for mwan3 (issue 16 item 4). mwan3's own per-interface
// flush_conntrack (every version from 2.7 to 2.12: values ifup, ifdown, connected, disconnected)
// does `echo f > /proc/net/nf_conntrack`, which empties the WHOLE table whichever uplink the event
// was for. This hook, in mwan3's hotplug class, clears only the failed uplink's connections, and
// with Forced Refresh Streams on moves the backups' connections when a preferred uplink returns.
//
// Which connections are an uplink's: the ones NATed to its address (conntrack's reply
// destination; also the router's own, whose reply goes to that address) and the ones addressed to
// it (original destination: port forwards, the router's services). mwan3 also marks each
// connection with its interface's id under mmx_mask, but that id is the interface's position
// among the `config interface` sections (it moves when sections are reordered) and the mask is
// cached in /var/run/mwan3 until mwan3 stops; the address is what the kernel itself NATed the flow
// to, the same thing kmwan's hook keys on.
import { shellCommand } from '../../transport/ssh/shell-quote.ts';

/** After 15-mwan3 (which moves the routing) and 16-mwan3-user, so flows reconnect on the new path. */
export const conntrackHookPath = '/etc/hotplug.d/iface/19-switchyard-conntrack';
/** The address each uplink had when last seen up (RAM): at ifdown netifd has already removed it. */
export const conntrackHookStateDir = '/var/run/switchyard-conntrack';
/** `logread -e mwan3` returns these lines with mwan3's own (mwan3-events.ts reads them). */
export const conntrackHookLogTag = 'mwan3-switchyard';
export const installConntrackHint = 'opkg update && opkg install conntrack';

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
# clears only that uplink's connections (mwan3's own flush_conntrack empties the whole table), so
# they reconnect through the uplink now in use.
[ -n "$INTERFACE" ] || exit 0
case "$ACTION" in ifup|ifdown|connected|disconnected) ;; *) exit 0 ;; esac
# Forced Refresh Streams: when an uplink returns, the connections on the uplinks below it move too.
frs=${c.forcedRefreshStreams ? 1 : 0}
# Switchyard's uplinks: interface, device, metric (lower is preferred).
uplinks() {
${table.join('\n')}
}
state=${conntrackHookStateDir}
say() { logger -t ${conntrackHookLogTag} "$*"; echo "${conntrackHookLogTag}: $*" >&2; }
addr_of() { ip -4 addr show dev "$1" 2>/dev/null | sed -n 's/^ *inet \\([0-9.]*\\).*/\\1/p' | head -n 1; }
me=
u() { [ "$1" != "$INTERFACE" ] || { me=$1; my_dev=$2; my_metric=$3; }; }
uplinks
[ -n "$me" ] || exit 0
mkdir -p "$state"
addr=
[ "$ACTION" = ifdown ] || addr=$(addr_of "\${DEVICE:-$my_dev}")
if [ -n "$addr" ]; then echo "$addr" > "$state/$me"; else addr=$(cat "$state/$me" 2>/dev/null); fi
have_conntrack() { command -v conntrack >/dev/null 2>&1; }
# Deletes the connections NATed to address $1 (reply destination) or addressed to it (original
# destination); prints how many.
clear_addr() {
  n=0
  for sel in -q -d; do
    c=$(conntrack -D "$sel" "$1" 2>&1 >/dev/null | sed -n 's/.* \\([0-9][0-9]*\\) flow entries have been deleted.*/\\1/p')
    n=$((n + \${c:-0}))
  done
  echo "$n"
}
# Without the conntrack tool: the whole table, as mwan3's flush_conntrack does (OpenWrt's kernel).
clear_all() { [ -w /proc/net/nf_conntrack ] && echo f > /proc/net/nf_conntrack; }
case "$ACTION" in
ifdown|disconnected)
  if [ -z "$addr" ]; then say "$me $ACTION: no address known for $me, connections left as they are"; exit 0; fi
  if have_conntrack; then say "$me $ACTION: cleared $(clear_addr "$addr") connections of $me ($addr)"
  elif clear_all; then say "$me $ACTION: cleared every connection (no conntrack tool: ${installConntrackHint})"; fi
  ;;
*)
  [ "$frs" = 1 ] || exit 0
  # At ifup mwan3 uses the uplink at once only if its own state says online.
  [ "$ACTION" = connected ] || [ "$(cat "/var/run/mwan3/iface_state/$me" 2>/dev/null)" = online ] || exit 0
  if ! have_conntrack; then
    clear_all && say "$me $ACTION: cleared every connection (Forced Refresh Streams; no conntrack tool: ${installConntrackHint})"
    exit 0
  fi
  u() {
    [ "$1" != "$me" ] && [ "$3" -gt "$my_metric" ] || return 0
    a=$(addr_of "$2")
    [ -n "$a" ] || a=$(cat "$state/$1" 2>/dev/null)
    [ -n "$a" ] || return 0
    say "$me $ACTION: cleared $(clear_addr "$a") connections of $1 ($a) (Forced Refresh Streams)"
  }
  uplinks
  ;;
esac
exit 0
`;
}

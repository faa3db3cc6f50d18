// How a kmwan change takes effect, step by step as GL.iNet's own RPC module does it:
// - set_config (mode, metric, weight): a `kmwan.status {failover_chg:true}` event, commit,
//   `ubus call network reload`, `. /lib/functions/kmwan.sh; sync_route_netcell`,
//   `/usr/bin/gen_weight_route` when present, `atp interface_changed`. kmwan is NOT restarted.
// - set_interface (tracking): commit, `/etc/init.d/kmwan restart`, `atp interface_changed`.
// - set_sensitivity: commit, then the new value written to the kernel through /proc/gl-kmwan/config.
// Manual failover uses kmwan.sh's force_dead / restore_detect. Forced Refresh Streams, which kmwan
// has no option for, is a hook in kmwan's hotplug class (/etc/hotplug.d/kmwan).
import { sh, shellCommand, type ShellCommand } from '../../transport/ssh/shell-quote.ts';
import type { ServiceAction } from '../openwrt-mwan3/mwan3-apply-script.ts';
import { defaultSensitivityMs } from './kmwan-config.ts';
import type { KmwanWrite } from './kmwan-policy.ts';

export const kmwanLib = '/lib/functions/kmwan.sh';
export const kmwanEngine = 'kmwan';

const atp: ServiceAction = { service: 'atp', command: sh.script`[ ! -x /usr/bin/atp ] || /usr/bin/atp interface_changed` };

/**
 * GL's set_sensitivity pushes `{"op":0,"data":{"sensitivity":MS,"mode":MODE,"rtmode":0|1}}` to
 * /proc/gl-kmwan/config (rtmode 1 in passthrough). The values are read from uci when the step
 * runs, each checked to be digits or one of GL's words first, so the same step also pushes the
 * restored value when the revert job or Remove puts the old config back.
 */
export function pushSensitivityCommand(): ShellCommand {
  const json = '{"op":0,"data":{"sensitivity":%s,"mode":"%s","rtmode":%s}}';
  return sh.script`s=$(uci -q get kmwan.global.sensitivity); case "$s" in ''|*[!0-9]*) s=${String(defaultSensitivityMs)} ;; esac; m=$(uci -q get kmwan.global.mode); [ "$m" = balance ] || m=failover; rt=0; [ "$(uci -q get glconfig.general.mode)" != passthrough ] || rt=1; printf ${json} "$s" "$m" "$rt" > /proc/gl-kmwan/config`;
}

/** What a change touched, which decides GL's steps. */
export type KmwanStepFlags = Pick<KmwanWrite, 'setConfig' | 'statusEvent' | 'restartKmwan'> & { readonly sensitivityChanged: boolean };

/**
 * The steps after the files are in place, in GL's order. None is named after the engine, so the
 * revert job runs the same steps after it puts the old files back (the change is undone the way
 * it was made).
 */
export function kmwanApplySteps(w: KmwanStepFlags): ServiceAction[] {
  const steps: ServiceAction[] = [];
  if (w.statusEvent) steps.push({ service: 'kmwan.status', command: shellCommand(['ubus', 'send', 'kmwan.status', JSON.stringify({ failover_chg: true })]) });
  if (w.setConfig) {
    steps.push(
      { service: 'network', command: shellCommand(['ubus', 'call', 'network', 'reload']) },
      { service: 'kmwan-routes', command: sh.script`. ${kmwanLib} && sync_route_netcell` },
      { service: 'gen_weight_route', command: sh.script`[ ! -x /usr/bin/gen_weight_route ] || /usr/bin/gen_weight_route` },
      atp,
    );
  }
  if (w.sensitivityChanged) steps.push({ service: 'kmwan-sensitivity', command: pushSensitivityCommand() });
  if (w.restartKmwan) steps.push({ service: 'kmwan-restart', command: shellCommand(['/etc/init.d/kmwan', 'restart']) }, ...(w.setConfig ? [] : [atp]));
  return steps;
}

/** The flags of a planned write. */
export const writeFlags = (w: KmwanWrite): KmwanStepFlags => ({ setConfig: w.setConfig, statusEvent: w.statusEvent, restartKmwan: w.restartKmwan, sensitivityChanged: w.sensitivityMs !== null });

/** `force_dead IFACE` for each, from kmwan.sh (op 7 to the kernel): traffic leaves those members. */
export function forceDeadCommand(members: readonly string[]): ShellCommand {
  return sh.and(sh.script`. ${kmwanLib}`, ...members.map((m) => sh.script`force_dead ${m}`));
}

/** `restore_detect IFACE` for each (op 8): the kernel judges them by their probes again. */
export function restoreDetectCommand(members: readonly string[]): ShellCommand {
  return sh.and(sh.script`. ${kmwanLib}`, ...members.map((m) => sh.script`restore_detect ${m}`));
}

export const frsHookPath = '/etc/hotplug.d/kmwan/90-switchyard';
/** kmwan's verdicts as the hook saw them: `<epoch s> <member> online|offline` and `<epoch s> <member> frs <backup> <address>` (RAM; kept to the last 500 lines). */
export const kmwanEventsPath = '/tmp/switchyard-kmwan-events';

/**
 * The hook kmwan's hotplug class runs on every verdict (the kernel's uevent carries INTERFACE and
 * STATUS). It logs the verdict for Switchyard's event history, and with Forced Refresh Streams on
 * (kmwan.global.switchyard_frs=1, Failover mode) moves the connections still running on lower-
 * priority uplinks when a member comes back: their conntrack entries (NATed to the backup's address)
 * are deleted, so each flow starts again on the preferred uplink. Without the conntrack tool it
 * flushes the table as mwan3 does. Reads everything from uci at run time; nothing is spliced in.
 */
export const frsHookText = `#!/bin/sh
# Installed by Switchyard; removed by Switchyard's "remove". Forced Refresh Streams for kmwan.
[ -n "$INTERFACE" ] || exit 0
logger -t switchyard "kmwan $INTERFACE $STATUS"
ev=${kmwanEventsPath}
echo "$(date +%s) $INTERFACE $STATUS" >> "$ev"
[ "$(wc -l < "$ev")" -le 1000 ] || { tail -n 500 "$ev" > "$ev.new" && mv "$ev.new" "$ev"; }
[ "$STATUS" = online ] || exit 0
[ "$(uci -q get kmwan.global.switchyard_frs)" = 1 ] || exit 0
mode=$(uci -q get kmwan.global.mode)
[ "\${mode:-failover}" = failover ] || exit 0
# The member's section; a modem's kernel node may carry netifd's _4 name (inferred).
me=$INTERFACE
uci -q get "kmwan.$me" >/dev/null || me=\${INTERFACE%_4}
# An IPv6 twin coming back says nothing about IPv4 traffic.
[ "$(uci -q get "kmwan.$me.addr_type")" != 6 ] || exit 0
up=$(uci -q get "kmwan.$me.metric")
case "$up" in ''|*[!0-9]*) exit 0 ;; esac
flushed=
for m in $(uci -q show kmwan | sed -n 's/^kmwan\\.\\([A-Za-z0-9_]*\\)=member$/\\1/p'); do
  [ "$m" != "$me" ] || continue
  [ "$(uci -q get "kmwan.$m.addr_type")" != 6 ] || continue
  metric=$(uci -q get "kmwan.$m.metric")
  case "$metric" in ''|*[!0-9]*) continue ;; esac
  [ "$metric" -gt "$up" ] || continue
  addr=
  for i in "$m" "\${m}_4"; do
    [ -n "$addr" ] || addr=$(ifstatus "$i" 2>/dev/null | jsonfilter -e '@["ipv4-address"][0].address' 2>/dev/null)
  done
  [ -n "$addr" ] || continue
  if command -v conntrack >/dev/null 2>&1; then
    conntrack -D -q "$addr" >/dev/null 2>&1
    echo "$(date +%s) $INTERFACE frs $m $addr" >> "$ev"
    logger -t switchyard "kmwan $INTERFACE is back: moved the connections on $m ($addr) (Forced Refresh Streams)"
  elif [ -z "$flushed" ] && [ -w /proc/net/nf_conntrack ]; then
    echo f > /proc/net/nf_conntrack
    flushed=1
    echo "$(date +%s) $INTERFACE frs all" >> "$ev"
    logger -t switchyard "kmwan $INTERFACE is back: flushed all connections (Forced Refresh Streams; no conntrack tool)"
  fi
done
exit 0
`;

/** Puts the hook in place (atomically, by rename); the same text every time. */
export function installHookCommand(): ShellCommand {
  const tmp = `${frsHookPath}.new`;
  return sh.and(
    shellCommand(['mkdir', '-p', '/etc/hotplug.d/kmwan']),
    sh.redirect(shellCommand(['printf', '%s', frsHookText]), { stdout: tmp }),
    shellCommand(['chmod', '755', tmp]),
    shellCommand(['mv', tmp, frsHookPath]),
  );
}

export function removeHookCommand(): ShellCommand {
  // The event log only the hook writes goes with it: nothing of Switchyard's is left.
  return shellCommand(['rm', '-f', frsHookPath, `${frsHookPath}.new`, kmwanEventsPath, `${kmwanEventsPath}.new`]);
}

/** The router's clock, then the hook's event lines (none before Switchyard's first commit put the hook in). */
export function readEventsCommand(): ShellCommand {
  return sh.script`date +%s; cat ${kmwanEventsPath} 2>/dev/null; true`;
}

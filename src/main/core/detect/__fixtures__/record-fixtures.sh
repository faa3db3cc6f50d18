#!/bin/sh
# Re-records the REAL probe captures in this folder: the detection probe (detect-probe.ts) run on
# this Debian 12 host and inside a throw-away "router" network namespace with uplink-named veths.
# Needs root, iproute2, busybox, dash, bash, setpriv. Addresses: documentation ranges only.
# Usage: sudo sh record-fixtures.sh   (writes next to this script; removes its namespaces at exit)
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$OUT/../../../../.." && pwd)
NODE="$REPO/node_modules/.bin/node"
R=sy-detect-r; P=sy-detect-p
BB=
cleanup() {
  ip netns del $R 2>/dev/null || true
  ip netns del $P 2>/dev/null || true
  [ -n "$BB" ] && rm -rf "$BB" || true
}
trap cleanup EXIT INT TERM
cleanup

PROBE=$("$NODE" --input-type=module -e "import { createDetectProbe } from '$REPO/src/main/core/detect/detect-probe.ts'; process.stdout.write(createDetectProbe('').script);")

INDEX="$OUT/index.tsv"
printf 'file\trc\tbytes\thow the probe was run (PROBE = createDetectProbe('').script, stdin /dev/null)\n' > "$INDEX"
# rec NAME HOW CMD...: runs CMD with the probe as its last argument, stdout to NAME.txt.
rec() {
  name=$1; how=$2; shift 2
  set +e
  "$@" "$PROBE" > "$OUT/$name.txt" 2> "$OUT/$name.stderr.txt" < /dev/null
  rc=$?
  set -e
  [ -s "$OUT/$name.stderr.txt" ] || rm -f "$OUT/$name.stderr.txt"
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$(wc -c < "$OUT/$name.txt")" "$how" >> "$INDEX"
  echo "recorded $name rc=$rc bytes=$(wc -c < "$OUT/$name.txt")"
}

# --- this host (Debian 12 VM; PID 1 is a sandbox agent, not systemd) ---------------------------
rec debian12-host-dash 'dash -c PROBE' dash -c
rec debian12-host-bash 'bash -c PROBE' bash -c
rec debian12-host-busybox-sh 'busybox sh -c PROBE' busybox sh -c
rec debian12-host-nobody-dash 'setpriv --reuid=65534 --regid=65534 --clear-groups env PATH=/usr/local/bin:/usr/bin:/bin dash -c PROBE' \
  setpriv --reuid=65534 --regid=65534 --clear-groups env PATH=/usr/local/bin:/usr/bin:/bin dash -c

# --- a router namespace: uplinks eth1 wlan0 usb0 wwan0, management mgmt0, LAN bridge br-lan ---------
ip netns add $R; ip netns add $P
ip -n $R link set lo up; ip -n $P link set lo up
for pair in eth1:192.0.2.2/25:192.0.2.1/25 wlan0:198.51.100.2/24:198.51.100.1/24 usb0:203.0.113.2/26:203.0.113.1/26 \
            wwan0:203.0.113.66/26:203.0.113.65/26 mgmt0:203.0.113.129/30:203.0.113.130/30 lan1::; do
  dev=${pair%%:*}; rest=${pair#*:}; mine=${rest%%:*}; peer=${rest#*:}
  ip link add "$dev" netns $R type veth peer name "p-$dev" netns $P
  [ -n "$mine" ] && ip -n $R addr add "$mine" dev "$dev"
  [ -n "$peer" ] && ip -n $P addr add "$peer" dev "p-$dev"
  ip -n $R link set "$dev" up; ip -n $P link set "p-$dev" up
done
ip -n $R link add br-lan type bridge
ip -n $R link set lan1 master br-lan
ip -n $R addr add 192.0.2.129/25 dev br-lan
ip -n $R link set br-lan up
ip -n $R route add default via 192.0.2.1 dev eth1 metric 10
sleep 1
rec netns-router-one-default 'ip netns exec sy-detect-r dash -c PROBE (default via eth1 only)' ip netns exec $R dash -c

ip -n $R route add default via 198.51.100.1 dev wlan0 metric 20
ip -n $R route add default metric 30 nexthop via 203.0.113.1 dev usb0 weight 1 nexthop via 203.0.113.65 dev wwan0 weight 2
ip -n $P link set p-wwan0 down   # wwan0 loses carrier: a down uplink
sleep 1
rec netns-router-backup-and-multipath 'ip netns exec sy-detect-r dash -c PROBE (+ default via wlan0 metric 20, multipath usb0/wwan0 metric 30, wwan0 without carrier)' ip netns exec $R dash -c

# Same namespace, every tool a BusyBox applet (what a busybox-only router has): PATH starts with
# a directory of applet symlinks, so `ip`, `head`, `awk`, `sed`, `ls` are BusyBox's.
BB=$(mktemp -d)
for a in $(busybox --list); do ln -s "$(command -v busybox)" "$BB/$a"; done
rec netns-router-busybox-applets "ip netns exec sy-detect-r env PATH=<busybox applet dir>:/usr/bin:/bin busybox sh -c PROBE (same routes)" \
  ip netns exec $R env PATH="$BB:/usr/bin:/bin" busybox sh -c

#!/bin/sh
# Re-records the probe fixtures in this folder from REAL tools on the host (iputils ping,
# BusyBox ping, httping), inside two throw-away network namespaces joined by a veth pair.
# Needs root, iproute2, nft, busybox (ping + httpd), httping. Addresses: 192.0.2.0/24 only.
# Usage: sudo sh record-fixtures.sh [iputils perm busybox httping shell netdev]   (default: all;
# writes next to this script; index.tsv gets one line per recorded file, appended)
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
A=sy-probe-a; B=sy-probe-b
WWW=
cleanup() {
  [ -n "${HTTPD_PID:-}" ] && kill "$HTTPD_PID" 2>/dev/null || true
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
  [ -n "$WWW" ] && rm -rf "$WWW" || true
}
trap cleanup EXIT INT TERM
cleanup
WWW=$(mktemp -d)
ip netns add $A; ip netns add $B
ip link add sya0 netns $A type veth peer name syb0 netns $B
ip -n $A addr add 192.0.2.10/24 dev sya0
ip -n $B addr add 192.0.2.20/24 dev syb0
ip -n $A link set lo up; ip -n $B link set lo up
ip -n $A link set sya0 up; ip -n $B link set syb0 up
echo ok > "$WWW/index.html"
ip netns exec $B busybox httpd -f -p 192.0.2.20:80 -h "$WWW" & HTTPD_PID=$!
sleep 0.5

INDEX="$OUT/index.tsv"
[ -f "$INDEX" ] || printf 'file\trc\tcommand (run as: ip netns exec %s sh -c COMMAND, stdin /dev/null)\n' $A > "$INDEX"
# rec NAME COMMAND: stdout to NAME.txt, stderr to NAME.stderr.txt (kept only if non-empty).
rec() {
  name=$1; cmd=$2
  set +e
  ip netns exec $A sh -c "$cmd" > "$OUT/$name.txt" 2> "$OUT/$name.stderr.txt" < /dev/null
  rc=$?
  set -e
  [ -s "$OUT/$name.stderr.txt" ] || rm -f "$OUT/$name.stderr.txt"
  grep -v "^$name	" "$INDEX" > "$INDEX.tmp" || true; mv "$INDEX.tmp" "$INDEX"
  printf '%s\t%s\t%s\n' "$name" "$rc" "$cmd" >> "$INDEX"
  echo "recorded $name rc=$rc"
}
loss() { # loss PCT MATCH: drop PCT % of matching packets arriving at the target
  noloss
  ip netns exec $B nft add table inet syloss
  ip netns exec $B nft add chain inet syloss in '{ type filter hook input priority 0; }'
  ip netns exec $B nft add rule inet syloss in $2 numgen random mod 100 '<' $1 drop
}
noloss() { ip netns exec $B nft delete table inet syloss 2>/dev/null || true; }

# --- iputils ping ---------------------------------------------------------------------------
sec_iputils() {
rec iputils-ping-replies 'ping -n -I sya0 -i 1 -c 5 192.0.2.20'
rec iputils-ping-O-D-replies 'ping -n -O -D -I sya0 -i 1 -c 5 192.0.2.20'
loss 30 'icmp type echo-request'
rec iputils-ping-loss30 'ping -n -I sya0 -i 0.2 -c 40 192.0.2.20'
rec iputils-ping-O-loss30 'ping -n -O -I sya0 -i 0.2 -c 40 192.0.2.20'
rec iputils-ping-O-D-loss30 'ping -n -O -D -I sya0 -i 0.2 -c 40 192.0.2.20'
noloss
rec iputils-ping-O-host-unreachable 'ping -n -O -I sya0 -i 1 -c 6 192.0.2.99'
rec iputils-ping-O-no-route 'ping -n -O -I sya0 -i 1 -c 3 203.0.113.1'
rec iputils-ping-O-link-down-midstream 'ping -n -O -I sya0 -i 0.5 -c 14 192.0.2.20 & sleep 2.2; ip link set sya0 down; sleep 2.5; ip link set sya0 up; wait'
rec iputils-ping-host-unreachable-unbound 'ping -n -i 1 -c 6 192.0.2.99'
rec iputils-ping-no-route-unbound 'ping -n -i 1 -c 2 203.0.113.1'
rec iputils-ping-O-link-down-midstream-unbound 'ping -n -O -i 0.5 -c 14 192.0.2.20 & sleep 2.2; ip link set sya0 down; sleep 2.5; ip link set sya0 up; wait'
noloss
ip netns exec $B nft add table inet syloss
ip netns exec $B nft add chain inet syloss in '{ type filter hook input priority 0; }'
ip netns exec $B nft add rule inet syloss in icmp type echo-request reject with icmp type host-unreachable
rec iputils-ping-O-icmp-host-unreachable 'ping -n -O -I sya0 -i 0.5 -c 4 192.0.2.20'
rec busybox-ping-icmp-host-unreachable 'busybox ping -I sya0 -i 0.5 -c 4 192.0.2.20'
noloss
rec iputils-ping-no-such-device 'ping -n -I eth9 -i 1 -c 2 192.0.2.20'
}

sec_perm() {
ip netns exec $A sysctl -q net.ipv4.ping_group_range='1 0'
# A copy of ping has no file capability, like a ping without setuid/cap_net_raw on a router.
mkdir -p "$WWW/nocap"; cp /usr/bin/ping "$WWW/nocap/ping"; chmod 755 "$WWW" "$WWW/nocap" "$WWW/nocap/ping"
rec iputils-ping-not-permitted "setpriv --reuid=65534 --regid=65534 --clear-groups $WWW/nocap/ping -n -c 1 192.0.2.20"
}

# --- BusyBox ping (no -O: loss only visible as a sequence gap or a silent timer) -------------
sec_busybox() {
rec busybox-ping-replies 'busybox ping -I sya0 -i 1 -c 5 192.0.2.20'
loss 30 'icmp type echo-request'
rec busybox-ping-loss30 'busybox ping -I sya0 -i 0.2 -c 40 192.0.2.20'
noloss
rec busybox-ping-host-unreachable 'busybox ping -I sya0 -i 1 -c 4 192.0.2.99'
rec busybox-ping-link-down-midstream 'busybox ping -I sya0 -i 0.5 -c 14 192.0.2.20 & sleep 2.2; ip link set sya0 down; sleep 2.5; ip link set sya0 up; wait'
}

# --- httping ----------------------------------------------------------------------------------
sec_httping() {
rec httping-replies 'httping -i 1 -c 5 -t 2 -g http://192.0.2.20/'
rec httping-replies-colors 'httping -Y -i 1 -c 3 -t 2 -g http://192.0.2.20/'
rec httping-not-found-404 'httping -i 1 -c 3 -t 2 -g http://192.0.2.20/no-such-page'
rec httping-status-codes-404 'httping -s -i 1 -c 3 -t 2 -g http://192.0.2.20/no-such-page'
rec httping-status-codes-200 'httping -s -i 1 -c 3 -t 2 -g http://192.0.2.20/'
rec httping-connection-refused 'httping -i 1 -c 3 -t 2 -g http://192.0.2.20:8081/'
rec httping-timeout-no-host 'httping -i 1 -c 3 -t 1 -g http://192.0.2.99/'
loss 30 'tcp dport 80'
rec httping-loss30 'httping -i 0.5 -c 20 -t 1 -g http://192.0.2.20/'
noloss
}

# --- tool missing / not runnable ------------------------------------------------------------
sec_shell() {
rec shell-dash-httping-missing 'PATH=/nonexistent; httping -i 1 -c 1 -g http://192.0.2.20/'
rec shell-busybox-ash-httping-missing 'exec busybox sh -c "PATH=/nonexistent; httping -i 1 -c 1 -g http://192.0.2.20/"'
rec shell-bash-httping-missing 'exec bash -c "PATH=/nonexistent; httping -i 1 -c 1 -g http://192.0.2.20/"'
}

# --- /proc/net/dev ----------------------------------------------------------------------------
sec_netdev() {
rec proc-net-dev-linux 'cat /proc/net/dev'
rec proc-uptime-net-dev-1 'cat /proc/uptime /proc/net/dev'
ip netns exec $A ping -n -q -c 20 -i 0.05 -s 1000 192.0.2.20 > /dev/null
rec proc-uptime-net-dev-2 'cat /proc/uptime /proc/net/dev'
}

for sec in ${*:-iputils perm busybox httping shell netdev}; do "sec_$sec"; done
echo done

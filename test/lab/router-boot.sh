#!/bin/sh
# Boots one lab router: runs as PID 1 of the router's own PID, mount and UTS namespaces (inside
# its network namespace), gives it private filesystem views, starts snmpd and sshd, then reaps.
# Usage: router-boot.sh STATE_DIR FS_DIR HOSTNAME USER [DNS_SERVER]
# STATE_DIR (configs, keys, pid files) stays visible at the same path inside the router; FS_DIR
# holds the overlay upper layers and is not visible inside.
set -eu
state=$1
fs=$2
host=$3
user=$4
dns=${5:-}

# Writable private copies of the places software gets installed or configured: the agent and
# anything else installed over SSH land in the overlay's upper layer under the lab dir.
for dir in etc home root usr/local opt var; do
  layer=$(printf '%s' "$dir" | tr / -)
  mkdir -p "$fs/$layer.up" "$fs/$layer.work"
  mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$fs/$layer.up,workdir=$fs/$layer.work" "/$dir"
done

# Fresh /tmp and /run; the state dir lives under /run on the host, so it is carried across the
# new /run by a bind mount staged on the new /tmp.
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir /tmp/.lab-stage
mount --bind "$state" /tmp/.lab-stage
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/sshd /run/lock "$state"
mount --move /tmp/.lab-stage "$state"
rmdir /tmp/.lab-stage
mkdir -p /var/lib/switchyard /etc/switchyard

# A router's root has a plain shell: the host's own ~/.bashrc (which Debian's bash sources for
# every SSH command) may set up developer tools that take seconds to load (pyenv: 5 s per
# command on a busy machine), which no router does.
printf '# root on a lab router: no shell setup\n' > /root/.bashrc

hostname "$host"
printf '%s\n' "$host" > /etc/hostname
printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$host" > /etc/hosts
# The router's resolver is the lab's DNS server, reached through whichever uplink carries the
# router's own traffic (the host's resolver is not reachable from the lab). A symlink (systemd's
# stub) is replaced, not followed: its target would be under the router's empty /run.
if [ -n "$dns" ]; then
  rm -f /etc/resolv.conf
  printf 'nameserver %s\n' "$dns" > /etc/resolv.conf
fi

# The non-root login exists only in this router's /etc overlay.
if ! id "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh "$user"
fi
chpasswd < "$state/chpasswd.in"
rm -f "$state/chpasswd.in"

SNMP_PERSISTENT_DIR="$state/snmp" MIBS= /usr/sbin/snmpd -C -c "$state/snmpd.conf" -Lf "$state/snmpd.log" -p "$state/snmpd.pid"
/usr/sbin/sshd -f "$state/sshd_config" -E "$state/sshd.log"

# sshd writes its pid file once it listens; snmpd once it has bound its socket.
tries=0
while [ ! -s "$state/sshd.pid" ] || [ ! -s "$state/snmpd.pid" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ]; then
    echo "router-boot: sshd or snmpd did not start" >&2
    exit 1
  fi
  sleep 0.05
done
: > "$state/ready"

# PID 1 must reap orphans (daemons, the agent's children) or they pile up as zombies.
exec perl -e '$SIG{TERM} = sub { exit 0 }; while (1) { sleep 1 if wait() == -1 }' "$state"

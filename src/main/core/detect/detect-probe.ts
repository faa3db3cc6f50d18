// The platform probe: one POSIX sh script, sent once per detection, whose sectioned output
// `parseDetection` reads. Read-only, no user-supplied values, never fails as a whole. Its section
// markers carry a random nonce made for each run, so text the login shell prints before the probe
// starts (rc files, banners) or a router-controlled string inside a section cannot pose as a
// section of its own.
import { randomBytes } from 'node:crypto';
import { detectToolNames } from '../../../shared/detect-schemas.ts';

/** Bumped when a section's meaning changes, so old recordings can be told apart. */
export const DETECT_PROBE_VERSION = 1;

/** Section names in the order the probe prints them. The parser ignores names it does not know. */
export const detectSectionNames = [
  'begin',
  'uname',
  'hostname',
  'id',
  'os-release',
  'openwrt-release',
  'glversion',
  'init',
  'init-d',
  'tools',
  'mwan3-pkg',
  'kmwan',
  'kmwan-config',
  'ip-addr',
  'ip-route',
  'ip-link',
  'sys-net',
  'ubus-network',
  'uci-network',
  'ip-route-all',
  'ip-neigh',
  'dhcp-leases',
  'end',
] as const;
export type DetectSectionName = (typeof detectSectionNames)[number];

/**
 * `@@SY:<name>@@<nonce>` on a line of its own; the probe prints a newline before every marker.
 * Recordings made before the nonce (the fixtures) have an empty one.
 */
export const DETECT_MARKER_PREFIX = '@@SY:';

/** The run's nonce: hex, so it goes into the script as it is. */
const noncePattern = /^(?:[0-9a-f]{16,64})?$/;

/**
 * Upper bound of the probe's output (sum of the per-section `head -c` caps plus markers,
 * rounded up): the SSH runner may stop the command beyond this and call it too large.
 */
export const DETECT_PROBE_MAX_OUTPUT_BYTES = 384 * 1024;


// Written for busybox ash (OpenWrt), dash (Debian /bin/sh) and bash alike:
// - no `set -e`; every command's stderr goes to /dev/null and a failure only empties its section;
// - `b N` caps a section at N bytes (busybox without FANCY_HEAD lacks `head -c`: fall back to lines);
// - the system's directories come first in PATH: non-root logins on Debian lack the sbin ones,
//   where `ip`, `nft`, `conntrack` live, and a PATH set by the login's rc files must not put its
//   own `ip` or `id` before the system's; the user's PATH follows, for tools only it has;
// - the uid is the shell's own, read with builtins from /proc/self/status (no command that a
//   PATH or an exported function could replace), `id -u` only where /proc is missing;
// - `ubus -t 5` so a stuck ubusd cannot hold the whole probe;
// - mwan3's version comes from the package databases (opkg status file, apk installed db): mwan3
//   itself has no version command, and running `mwan3 status` would call iptables repeatedly.
const probeLines = (nonce: string): string[] => [
  '# Switchyard platform probe (read-only)',
  'PATH="/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"; export PATH; LC_ALL=C; export LC_ALL',
  'b() { head -c "$1" 2>/dev/null || head -n 300 2>/dev/null || true; }',
  `s() { printf '\\n@@SY:%s@@${nonce}\\n' "$1"; }`,
  `s begin; echo "switchyard-probe ${DETECT_PROBE_VERSION}"`,
  's uname; uname -a 2>/dev/null | b 1024',
  's hostname; cat /proc/sys/kernel/hostname 2>/dev/null | b 256',
  "s id; { u=; while read -r k r e _; do [ \"$k\" = 'Uid:' ] && u=$e && break; done </proc/self/status; [ -n \"$u\" ] || u=$(id -u); echo \"$u\"; } 2>/dev/null | b 64",
  's os-release; { cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; } | b 4096',
  's openwrt-release; cat /etc/openwrt_release 2>/dev/null | b 4096',
  's glversion; cat /etc/glversion 2>/dev/null | b 256',
  's init; {',
  '  echo "comm=$(cat /proc/1/comm 2>/dev/null)"',
  '  echo "sbin-init=$(readlink /sbin/init 2>/dev/null)"',
  '  for f in /run/systemd/system /sbin/openrc /run/openrc /sbin/procd /etc/inittab /etc/init.d; do',
  '    [ -e "$f" ] && echo "exists=$f"',
  '  done',
  '} 2>/dev/null | b 2048',
  's init-d; ls /etc/init.d 2>/dev/null | b 4096',
  's tools; for t in ' + detectToolNames.join(' ') + '; do',
  '  echo "$t=$(command -v "$t" 2>/dev/null)"',
  'done 2>/dev/null | b 4096',
  's mwan3-pkg; {',
  "  awk '/^Package: mwan3$/{f=1;next} /^$/{f=0} f&&/^(Version|Status):/{print \"opkg-\" $0}' /usr/lib/opkg/status",
  "  awk '/^P:mwan3$/{f=1;next} /^$/{f=0} f&&/^V:/{print \"apk-\" $0}' /lib/apk/db/installed",
  '  [ -e /etc/config/mwan3 ] && echo "config=/etc/config/mwan3"',
  '} 2>/dev/null | b 1024',
  's kmwan; {',
  '  [ -d /proc/gl-kmwan ] && echo "proc=/proc/gl-kmwan"',
  '  [ -e /etc/config/kmwan ] && echo "config=/etc/config/kmwan"',
  '  [ -e /etc/init.d/kmwan ] && echo "init=/etc/init.d/kmwan"',
  '} 2>/dev/null | b 256',
  's kmwan-config; cat /proc/gl-kmwan/config 2>/dev/null | b 4096',
  's ip-addr; ip -4 -o addr show 2>/dev/null | b 32768',
  's ip-route; ip -4 route show table main 2>/dev/null | b 32768',
  's ip-link; ip -o link show 2>/dev/null | b 32768',
  's sys-net; for d in /sys/class/net/*; do',
  '  [ -e "$d" ] || continue',
  '  w=0; [ -d "$d/wireless" ] && w=1',
  '  dr=$(readlink "$d/device/driver" 2>/dev/null)',
  '  echo "${d##*/} type=$(cat "$d/type" 2>/dev/null) devtype=$(sed -n "s/^DEVTYPE=//p" "$d/uevent" 2>/dev/null) driver=${dr##*/} wireless=$w"',
  'done 2>/dev/null | b 8192',
  's ubus-network; command -v ubus >/dev/null 2>&1 && ubus -t 5 call network.interface dump 2>/dev/null | b 131072',
  's uci-network; command -v uci >/dev/null 2>&1 && uci -q show network 2>/dev/null | b 32768',
  // Where an uplink's gateway hides when no main-table default route names it: routes of other
  // tables (policy routing, an earlier failover setup), the neighbours that answered on each
  // link, and the DHCP leases of dhclient and systemd-networkd.
  's ip-route-all; ip -4 route show table all 2>/dev/null | b 32768',
  's ip-neigh; ip -4 neigh show 2>/dev/null | b 16384',
  's dhcp-leases; {',
  '  for f in /var/lib/dhcp/dhclient*.leases /var/lib/dhclient/*.lease* /var/lib/NetworkManager/*.lease; do',
  '    [ -f "$f" ] && grep -E "^[[:space:]]*(lease |interface |option routers )" "$f"',
  '  done',
  '  for f in /run/systemd/netif/leases/*; do',
  '    [ -f "$f" ] && echo "networkd ${f##*/} $(grep "^ROUTER=" "$f")"',
  '  done',
  '} 2>/dev/null | b 8192',
  's end',
  'exit 0',
];

export interface DetectProbe {
  /** Send it as the exec command (the login shell runs it: ash, dash or bash). */
  readonly script: string;
  /** Give it to parseDetection: only markers carrying it count. */
  readonly nonce: string;
}

/** The sections that tell the router's uplinks, their addresses and gateways: all a plan checks a policy against. */
export const interfaceSectionNames = ['ip-addr', 'ip-route', 'ip-link', 'sys-net', 'ubus-network', 'uci-network', 'ip-route-all', 'ip-neigh', 'dhcp-leases'] as const satisfies readonly DetectSectionName[];

/**
 * A probe with a fresh nonce; `nonce` is for tests and recordings ('' = the recorded format).
 * `only`: just these sections (with begin and end), the same lines as the full probe prints them.
 */
export function createDetectProbe(nonce: string = randomBytes(12).toString('hex'), only?: readonly DetectSectionName[]): DetectProbe {
  if (!noncePattern.test(nonce)) throw new Error(`A probe nonce is 16 to 64 hex digits, not "${nonce}"`);
  const lines = only ? keepSections(probeLines(nonce), new Set<string>(['begin', 'end', ...only])) : probeLines(nonce);
  return { script: lines.join('\n') + '\n', nonce };
}

/** The lines before the first section, then each kept section's lines (a section runs from its `s NAME;` line to the next). */
function keepSections(lines: readonly string[], keep: ReadonlySet<string>): string[] {
  let current: string | null = null;
  return lines.filter((line) => {
    const start = /^s ([a-z0-9-]+)(?:;|$)/.exec(line);
    if (start) current = start[1]!;
    return current === null || keep.has(current) || line === 'exit 0';
  });
}

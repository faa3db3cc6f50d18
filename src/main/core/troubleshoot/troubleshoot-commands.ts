// The read-only commands troubleshooting runs on a router. Each is one fixed sh script (code,
// written here) run as `sh -c SCRIPT sh ARG…`, its values passed as quoted positional arguments
// through the one quoting function: nothing from the user or the router is spliced into shell
// text. Nothing here changes the router: it reads links, addresses and routes, and sends pings,
// one DNS query and one HTTP request. Output comes back in `@@name` sections.
import { shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';

/** Same rule as the agent's device names: nothing sh could read as an option or syntax. */
const deviceNamePattern = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/;

// $1 device, $2 target (may be empty). What the router knows about the uplink, without sending
// anything through it: the probes' form is decided from this (see probes/probe-scope.ts).
const factsScript = `
dev=$1 target=$2
echo @@link; ip -o link show dev "$dev" 2>&1
echo @@addr; ip -4 -o addr show dev "$dev" 2>&1
echo @@route; [ -n "$target" ] && ip -4 route get "$target" oif "$dev" 2>&1
echo @@default.route; [ -n "$target" ] && ip -4 route get "$target" 2>&1
echo @@connected; ip -4 -o route show table main dev "$dev" scope link 2>&1
echo @@six.addr; ip -6 -o addr show dev "$dev" scope global 2>&1
echo @@six.default; ip -6 route show default 2>&1
echo @@resolv; cat /etc/resolv.conf /tmp/resolv.conf.d/resolv.conf.auto /tmp/resolv.conf.auto 2>/dev/null
echo @@resolver.route
for ns in $(sed -n 's/^nameserver[[:space:]]*\\([0-9.]*\\).*$/\\1/p' /etc/resolv.conf /tmp/resolv.conf.d/resolv.conf.auto /tmp/resolv.conf.auto 2>/dev/null); do
  ip -4 route get "$ns" 2>&1
done
echo @@tools; for tool in curl nslookup busybox; do command -v "$tool"; done
exit 0
`;

// $1 device, $2 gateway, $3 target, $4 DNS server, $5 name, $6 URL; an empty one is not probed.
// Bound to the device (ping -I, curl --interface) only when the caller found a route through it.
const probesScript = `
dev=$1 gw=$2 target=$3 dns=$4 name=$5 url=$6
echo @@gateway.ping; [ -n "$gw" ] && ping -n -c 2 -W 1 -I "$dev" "$gw" 2>&1
echo @@gateway.neigh; [ -n "$gw" ] && ip neigh show "$gw" dev "$dev" 2>&1
echo @@target.ping; [ -n "$target" ] && ping -n -c 3 -W 2 -I "$dev" "$target" 2>&1
echo @@dns
if [ -n "$dns" ]; then
  if command -v nslookup >/dev/null 2>&1; then nslookup "$name" "$dns" 2>&1; else busybox nslookup "$name" "$dns" 2>&1; fi
  echo "exit=$?"
fi
echo @@http
if [ -n "$url" ] && command -v curl >/dev/null 2>&1; then
  curl -sS -o /dev/null --interface "$dev" --connect-timeout 4 --max-time 6 -w 'http_code=%{http_code} time_total=%{time_total}\\n' "$url" 2>&1
  echo "exit=$?"
fi
exit 0
`;

export interface ProbeArgs {
  readonly device: string;
  readonly gateway: string | null;
  readonly target: string | null;
  readonly dnsServer: string | null;
  readonly dnsName: string;
  readonly httpUrl: string | null;
}

function checkedDevice(device: string): string {
  if (!deviceNamePattern.test(device)) throw new Error(`refusing device name ${JSON.stringify(device)}`);
  return device;
}

export function troubleshootFactsCommand(device: string, target: string | null): ShellCommand {
  return shellCommand(['sh', '-c', factsScript, 'sh', checkedDevice(device), target ?? '']);
}

export function troubleshootProbesCommand(a: ProbeArgs): ShellCommand {
  return shellCommand(['sh', '-c', probesScript, 'sh', checkedDevice(a.device), a.gateway ?? '', a.target ?? '', a.dnsServer ?? '', a.dnsName, a.httpUrl ?? '']);
}

/** Splits `@@name` sections; each keeps its lines (without the marker). */
export function troubleshootSections(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let current: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const m = /^@@([a-z.]+)$/.exec(line);
    if (m) out[m[1]!] = current = [];
    else if (current && line.trim() !== '') current.push(line.replace(/\s+$/, ''));
  }
  return out;
}

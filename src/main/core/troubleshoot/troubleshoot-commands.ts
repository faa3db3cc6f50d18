// The read-only commands troubleshooting runs on a router. Each is one fixed sh script (code,
// written here) run as `sh -c SCRIPT sh ARG…`, its values passed as quoted positional arguments
// through the one quoting function: nothing from the user or the router is spliced into shell
// text. Nothing here changes the router: it reads links, addresses and routes, and sends pings,
// DNS queries and one HTTP request. Output comes back in `@@name` sections.
import { shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';

/** Same rule as the agent's device names: nothing sh could read as an option or syntax. */
const deviceNamePattern = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/;

// $1 device, $2 target (may be empty), then public DNS servers. What the router knows about the
// uplink, without sending anything through it: the probes' form is decided from this (see
// probes/probe-scope.ts). A DNS query bound to the uplink is sent from its address, so the route
// that matters is the one for that source (`dns.route`): the Switchyard agent's per-uplink rules
// pick the uplink by source address; a router without such a rule would send it another way.
const factsScript = `
dev=$1 target=$2
shift 2
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
echo @@dns.source
src=$(ip -4 -o addr show dev "$dev" 2>/dev/null | sed -n 's/^.* inet \\([0-9.]*\\)\\/.*$/\\1/p' | head -n 1)
echo "$src"
echo @@dns.route
if [ -n "$src" ]; then
  for ns in $(sed -n 's/^nameserver[[:space:]]*\\([0-9.]*\\).*$/\\1/p' /etc/resolv.conf /tmp/resolv.conf.d/resolv.conf.auto /tmp/resolv.conf.auto 2>/dev/null) "$@"; do
    ip -4 route get "$ns" from "$src" 2>&1
  done
fi
echo @@tools; for tool in curl dig drill timeout nslookup busybox; do command -v "$tool"; done
exit 0
`;

// $1 device, $2 gateway, $3 target, $4 DNS server, $5 name, $6 URL, $7 DNS tool, $8 source
// address, $9 a second (public) DNS server; an empty one is not probed. Bound to the device (ping
// -I, curl --interface) or its address (dig -b, drill -I) only when the caller found a route
// through it; nslookup is never bound (BusyBox's cannot be): the caller uses it only for the
// uplink that carries the router's own traffic. drill has no timeout of its own (20 s measured to
// an unreachable server), so it runs under timeout(1) where the router has it.
const probesScript = `
dev=$1 gw=$2 target=$3 dns=$4 name=$5 url=$6 tool=$7 src=$8 dns2=$9
lookup() {
  case $tool in
    dig) dig +time=2 +tries=1 -b "$src" @"$1" "$name" A 2>&1 ;;
    drill) if command -v timeout >/dev/null 2>&1; then timeout 5 drill -I "$src" "$name" @"$1" A 2>&1; else drill -I "$src" "$name" @"$1" A 2>&1; fi ;;
    *) if command -v nslookup >/dev/null 2>&1; then nslookup "$name" "$1" 2>&1; else busybox nslookup "$name" "$1" 2>&1; fi ;;
  esac
  echo "exit=$?"
}
echo @@gateway.ping; [ -n "$gw" ] && ping -n -c 2 -W 1 -I "$dev" "$gw" 2>&1
echo @@gateway.neigh; [ -n "$gw" ] && ip neigh show "$gw" dev "$dev" 2>&1
echo @@target.ping; [ -n "$target" ] && ping -n -c 3 -W 2 -I "$dev" "$target" 2>&1
echo @@dns; [ -n "$dns" ] && lookup "$dns"
echo @@dns.public; [ -n "$dns2" ] && lookup "$dns2"
echo @@http
if [ -n "$url" ] && command -v curl >/dev/null 2>&1; then
  curl -sS -o /dev/null --interface "$dev" --connect-timeout 4 --max-time 6 -w 'http_code=%{http_code} time_total=%{time_total}\\n' "$url" 2>&1
  echo "exit=$?"
fi
exit 0
`;

/** How a DNS query is sent: bound to the uplink's address (dig, drill) or along the router's default path (nslookup). */
export type DnsTool = 'dig' | 'drill' | 'nslookup';

export interface ProbeArgs {
  readonly device: string;
  readonly gateway: string | null;
  readonly target: string | null;
  readonly dnsServer: string | null;
  readonly dnsName: string;
  readonly httpUrl: string | null;
  /** Default nslookup (unbound). */
  readonly dnsTool?: DnsTool;
  /** The uplink's address the bound query is sent from (dig, drill). */
  readonly dnsSource?: string | null;
  /** A public resolver asked the same way after the uplink's or router's own. */
  readonly publicDnsServer?: string | null;
}

function checkedDevice(device: string): string {
  if (!deviceNamePattern.test(device)) throw new Error(`refusing device name ${JSON.stringify(device)}`);
  return device;
}

export function troubleshootFactsCommand(device: string, target: string | null, publicDnsServers: readonly string[] = []): ShellCommand {
  return shellCommand(['sh', '-c', factsScript, 'sh', checkedDevice(device), target ?? '', ...publicDnsServers]);
}

export function troubleshootProbesCommand(a: ProbeArgs): ShellCommand {
  return shellCommand([
    'sh',
    '-c',
    probesScript,
    'sh',
    checkedDevice(a.device),
    a.gateway ?? '',
    a.target ?? '',
    a.dnsServer ?? '',
    a.dnsName,
    a.httpUrl ?? '',
    a.dnsTool ?? 'nslookup',
    a.dnsSource ?? '',
    a.publicDnsServer ?? '',
  ]);
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

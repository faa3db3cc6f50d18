// Parsers for the router's own answers to troubleshooting: `ip link/addr/route/neigh`, iputils
// and BusyBox ping summaries, nslookup (BusyBox and BIND), dig and drill, curl's -w line. Each returns what it
// understood and never guesses: a line it does not know leaves the value null.

export interface LinkFacts {
  /** False when the router says the device does not exist. */
  readonly exists: boolean;
  /** Flags inside <…>: UP (switched on), LOWER_UP (carrier), NO-CARRIER. */
  readonly flags: readonly string[];
  /** operstate: UP, DOWN, UNKNOWN (tunnels, PPP), DORMANT, … */
  readonly state: string | null;
}

export function parseLink(lines: readonly string[]): LinkFacts {
  const line = lines.find((l) => /^\d+:\s/.test(l));
  if (!line) return { exists: false, flags: [], state: null };
  const flags = /<([^>]*)>/.exec(line)?.[1]?.split(',').filter(Boolean) ?? [];
  const state = /\sstate\s(\S+)/.exec(line)?.[1] ?? null;
  return { exists: true, flags, state };
}

/** `ip -o addr` lines → the addresses with their prefix (`100.64.1.2/24`, `2001:db8::2/64`). */
export function parseAddresses(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const m = /\sinet6?\s(\S+)/.exec(l);
    return m ? [m[1]!] : [];
  });
}

export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  readonly avgRttMs: number | null;
  /** Lines that say why nothing went out ("Network is unreachable", "Destination Host Unreachable"). */
  readonly errors: readonly string[];
}

/** iputils ("2 packets transmitted, 2 received") and BusyBox ("2 packets transmitted, 2 packets received"). */
export function parsePing(lines: readonly string[]): PingSummary | null {
  const errors = lines.filter((l) => /unreachable|ping: |bad address|unknown host/i.test(l));
  const counts = lines.map((l) => /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(l)).find(Boolean);
  if (!counts) return errors.length ? { transmitted: 0, received: 0, avgRttMs: null, errors } : null;
  const rtt = lines.map((l) => /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = [\d.]+\/([\d.]+)\//.exec(l)).find(Boolean);
  return { transmitted: Number(counts[1]), received: Number(counts[2]), avgRttMs: rtt ? Number(rtt[1]) : null, errors };
}

/** The neighbour (ARP) entry after the gateway ping: REACHABLE, STALE, DELAY, PROBE, PERMANENT mean it answered ARP. */
export interface NeighbourFacts {
  readonly state: string | null;
  readonly lladdr: string | null;
}

export function parseNeighbour(lines: readonly string[]): NeighbourFacts {
  const line = lines.find((l) => /^\S+\s/.test(l.trim()));
  if (!line) return { state: null, lladdr: null };
  const words = line.trim().split(/\s+/);
  const lladdr = /\slladdr\s(\S+)/.exec(line)?.[1] ?? null;
  const state = words.at(-1)?.match(/^[A-Z_]+$/) ? words.at(-1)! : null;
  return { state, lladdr };
}

export const answeredArpStates: ReadonlySet<string> = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT']);

/** `ip route get`: the device and gateway the router would use. */
export interface RouteAnswer {
  readonly destination: string;
  readonly via: string | null;
  readonly dev: string | null;
  readonly error: string | null;
}

export function parseRouteGet(lines: readonly string[]): RouteAnswer[] {
  return lines.flatMap((l): RouteAnswer[] => {
    const line = l.trim();
    if (line === 'cache' || line.startsWith('cache ')) return [];
    const m = /^(\d+\.\d+\.\d+\.\d+)\s/.exec(line);
    if (!m) return /unreachable|error|invalid/i.test(line) ? [{ destination: '', via: null, dev: null, error: line }] : [];
    return [{ destination: m[1]!, via: /\svia\s(\S+)/.exec(line)?.[1] ?? null, dev: /\sdev\s(\S+)/.exec(line)?.[1] ?? null, error: null }];
  });
}

/** IPv4 name servers of resolv.conf files, in order, each once. */
export function parseNameservers(lines: readonly string[]): string[] {
  const out = lines.flatMap((l) => {
    const m = /^nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(l.trim());
    return m ? [m[1]!] : [];
  });
  return [...new Set(out)];
}

/**
 * The name servers one interface brought (OpenWrt and GL.iNet: netifd writes each interface's
 * DHCP/PPP servers under a `# Interface NAME` line of resolv.conf.auto). Empty when the router
 * keeps no per-interface list.
 */
export function parseInterfaceNameservers(lines: readonly string[], iface: string): string[] {
  let current: string | null = null;
  const out: string[] = [];
  for (const l of lines) {
    const header = /^#\s*Interface\s+(\S+)\s*$/.exec(l.trim());
    if (header) current = header[1]!;
    const m = /^nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(l.trim());
    if (m && current === iface && !out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

export type DnsOutcome = 'answered' | 'nxdomain' | 'timeout' | 'refused' | 'error';

export interface DnsAnswer {
  readonly outcome: DnsOutcome;
  readonly addresses: readonly string[];
  /** The answer's response code (NOERROR, NXDOMAIN, SERVFAIL, …) where the tool prints it (dig, drill). */
  readonly rcode?: string | null;
}

/** BusyBox and BIND nslookup. "answered" needs an address after the Name: line. */
export function parseNslookup(lines: readonly string[]): DnsAnswer | null {
  if (lines.length === 0) return null;
  const text = lines.join('\n');
  const nameAt = lines.findIndex((l) => /^Name:\s/.test(l.trim()));
  const addresses =
    nameAt < 0
      ? []
      : lines.slice(nameAt + 1).flatMap((l) => {
          const m = /^Address(?:\s\d+)?:\s*(\S+)/.exec(l.trim());
          return m ? [m[1]!] : [];
        });
  if (addresses.length) return { outcome: 'answered', addresses };
  if (/NXDOMAIN|can't find|can not find/i.test(text)) return { outcome: 'nxdomain', addresses: [] };
  if (/timed out|no servers could be reached|no response/i.test(text)) return { outcome: 'timeout', addresses: [] };
  if (/refused/i.test(text)) return { outcome: 'refused', addresses: [] };
  return { outcome: 'error', addresses: [] };
}

/**
 * dig (BIND 9) and drill (ldns): the header's status (dig) or rcode (drill), then the A records of
 * the answer section. No header means no answer: dig says "timed out" or "connection refused" on
 * its communications-error line; drill says only "error sending query", and a `timeout` wrapper
 * around it exits 124.
 */
export function parseDigOrDrill(lines: readonly string[]): DnsAnswer | null {
  if (lines.length === 0) return null;
  const rcode = lines.map((l) => /->>HEADER<<-.*\b(?:status|rcode): ([A-Z]+)/.exec(l)).find(Boolean)?.[1] ?? null;
  const answerAt = lines.findIndex((l) => /^;; ANSWER SECTION:/.test(l.trim()));
  const addresses =
    answerAt < 0
      ? []
      : lines.slice(answerAt + 1).flatMap((l) => {
          const m = /^\S+\s+\d+\s+IN\s+A\s+(\d+\.\d+\.\d+\.\d+)$/.exec(l.trim());
          return m ? [m[1]!] : [];
        });
  const text = lines.join('\n');
  if (rcode === 'NOERROR' && addresses.length) return { outcome: 'answered', addresses, rcode };
  if (rcode === 'NXDOMAIN') return { outcome: 'nxdomain', addresses: [], rcode };
  if (rcode === 'REFUSED') return { outcome: 'refused', addresses: [], rcode };
  if (rcode) return { outcome: 'error', addresses: [], rcode };
  if (/connection refused/i.test(text)) return { outcome: 'refused', addresses: [], rcode };
  if (/timed out|no servers could be reached|^exit=124$/im.test(text)) return { outcome: 'timeout', addresses: [], rcode };
  return { outcome: 'error', addresses: [], rcode };
}

export interface HttpAnswer {
  /** 0 when no response came (curl prints 000). */
  readonly status: number;
  readonly totalSec: number | null;
  readonly exitCode: number | null;
  readonly error: string | null;
}

/** curl -w 'http_code=%{http_code} time_total=%{time_total}' plus the script's exit= line. */
export function parseCurl(lines: readonly string[]): HttpAnswer | null {
  const w = lines.map((l) => /http_code=(\d+) time_total=([\d.]+)/.exec(l)).find(Boolean);
  const exit = lines.map((l) => /^exit=(\d+)$/.exec(l.trim())).find(Boolean);
  if (!w && !exit) return null;
  return {
    status: w ? Number(w[1]) : 0,
    totalSec: w ? Number(w[2]) : null,
    exitCode: exit ? Number(exit[1]) : null,
    error: lines.find((l) => l.startsWith('curl: ')) ?? null,
  };
}

/** `ip -6 route show default`: each default route's device. */
export function parseIpv6Defaults(lines: readonly string[]): Array<{ dev: string; via: string | null; line: string }> {
  // A multipath default continues on indented `nexthop via … dev …` lines.
  let inDefault = false;
  return lines.flatMap((l) => {
    if (!/^\s/.test(l)) inDefault = l.startsWith('default');
    const dev = /\sdev\s(\S+)/.exec(l)?.[1];
    return inDefault && dev ? [{ dev, via: /\svia\s(\S+)/.exec(l)?.[1] ?? null, line: l.trim() }] : [];
  });
}

// Parsers for iproute2 and BusyBox `ip` text (addr -o, route, link -o) and the probe's sys-net
// lines. Lenient by design: a line that does not match is skipped and counted, never thrown.

export interface IpAddress {
  readonly device: string;
  readonly address: string;
  readonly prefixLen: number;
  /** Point-to-point peer (`inet A peer P/32`, PPP links): the natural gateway. */
  readonly peer?: string;
  readonly scope?: string;
  readonly secondary: boolean;
}

export interface IpNexthop {
  readonly via?: string;
  readonly dev?: string;
  readonly weight?: number;
}

export interface IpRoute {
  /** unicast (printed without a type word), local, broadcast, unreachable, blackhole, … */
  readonly type: string;
  /** `default` or a prefix (`192.0.2.0/24`) or a host. */
  readonly dest: string;
  readonly via?: string;
  readonly dev?: string;
  readonly metric?: number;
  /** Absent means main (that is how `ip route` prints the main table). */
  readonly table?: string;
  readonly proto?: string;
  readonly scope?: string;
  readonly src?: string;
  readonly linkdown: boolean;
  /** Multipath routes: one entry per `nexthop` line. */
  readonly nexthops: readonly IpNexthop[];
}

export interface IpLink {
  readonly device: string;
  /** `@if5` / `@eth0` suffix: the peer index or the lower device (VLANs, veths). */
  readonly parent?: string;
  readonly flags: readonly string[];
  readonly state?: string;
  /** `ether`, `none` (raw-IP modems, tunnels), `ppp`, `loopback`, … */
  readonly linkType?: string;
  /** Administratively up and carrier present. */
  readonly up: boolean;
}

export interface SysNetEntry {
  readonly device: string;
  /** ARPHRD number from /sys/class/net/X/type: 1 ether, 512 ppp, 772 loopback, 65534 none. */
  readonly type?: number;
  readonly devtype?: string;
  readonly driver?: string;
  readonly wireless: boolean;
}

export interface Parsed<T> {
  readonly items: readonly T[];
  /** Non-empty lines that matched nothing; reported as evidence, not an error. */
  readonly skipped: number;
}

const ipv4Pattern = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
export const isIpv4 = (s: string | undefined): s is string => s !== undefined && ipv4Pattern.test(s);

/** Linux allows up to 15 bytes, no whitespace, `/` or `:`; we also refuse control characters. */
const devicePattern = /^[A-Za-z0-9_.@+-]{1,32}$/;
export const isDeviceName = (s: string | undefined): s is string => s !== undefined && devicePattern.test(s);

function toInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return undefined;
  return Number(s);
}

function nonEmptyLines(textIn: string): string[] {
  return textIn.split('\n').filter((l) => l.trim() !== '');
}

/** `ip -4 -o addr show`: `4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ...` */
export function parseIpAddrOneline(textIn: string): Parsed<IpAddress> {
  const items: IpAddress[] = [];
  let skipped = 0;
  for (const line of nonEmptyLines(textIn)) {
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+inet\s+(\S+?)(?:\/(\d{1,2}))?(?:\s+peer\s+(\S+?)(?:\/\d{1,2})?)?(\s.*)?$/.exec(line);
    const device = m?.[1];
    const address = m?.[2];
    if (!m || !isDeviceName(device) || !isIpv4(address)) {
      skipped++;
      continue;
    }
    const rest = m[5] ?? '';
    const prefixLen = m[3] !== undefined ? Number(m[3]) : 32;
    if (prefixLen > 32) {
      skipped++;
      continue;
    }
    const peer = isIpv4(m[4]) ? m[4] : undefined;
    const scope = /\bscope\s+(\S+)/.exec(rest)?.[1];
    items.push({
      device,
      address,
      prefixLen,
      ...(peer ? { peer } : {}),
      ...(scope ? { scope } : {}),
      secondary: /\bsecondary\b/.test(rest),
    });
  }
  return { items, skipped };
}

const routeTypes = new Set(['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'unreachable', 'blackhole', 'prohibit', 'throw', 'nat']);
const valueKeys = new Set(['via', 'dev', 'metric', 'table', 'proto', 'scope', 'src', 'weight', 'pref', 'mtu', 'expires', 'realms', 'from', 'tos', 'error', 'advmss', 'hoplimit', 'initcwnd', 'initrwnd', 'features', 'quickack', 'rto_min', 'nhid']);

/** Reads `key value` pairs; `via inet 1.2.3.4` (iproute2 ≥ 5.x for some routes) skips the family word. */
function readPairs(tokens: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const key = tokens[i]!;
    if (!valueKeys.has(key)) {
      pairs.set(key, '');
      continue;
    }
    let value = tokens[i + 1];
    if (key === 'via' && (value === 'inet' || value === 'inet6')) {
      i++;
      value = tokens[i + 1];
    }
    if (value !== undefined && !pairs.has(key)) pairs.set(key, value);
    i++;
  }
  return pairs;
}

/**
 * `ip -4 route show table main` (also accepts `table all` and BusyBox output). Multipath
 * routes continue on lines that start with whitespace and `nexthop`.
 */
export function parseIpRoutes(textIn: string): Parsed<IpRoute> {
  const items: IpRoute[] = [];
  let skipped = 0;
  let current: { route: Omit<IpRoute, 'nexthops'>; nexthops: IpNexthop[] } | null = null;
  const flush = (): void => {
    if (current) items.push({ ...current.route, nexthops: current.nexthops });
    current = null;
  };
  for (const line of nonEmptyLines(textIn)) {
    const tokens = line.trim().split(/\s+/);
    if (/^\s/.test(line) && tokens[0] === 'nexthop') {
      if (!current) {
        skipped++;
        continue;
      }
      const p = readPairs(tokens.slice(1));
      const via = p.get('via');
      const dev = p.get('dev');
      const weight = toInt(p.get('weight'));
      (current as { nexthops: IpNexthop[] }).nexthops.push({
        ...(isIpv4(via) ? { via } : {}),
        ...(isDeviceName(dev) ? { dev } : {}),
        ...(weight !== undefined ? { weight } : {}),
      });
      continue;
    }
    flush();
    let i = 0;
    let type = 'unicast';
    if (routeTypes.has(tokens[0]!)) {
      type = tokens[0]!;
      i = 1;
    }
    const dest = tokens[i];
    if (dest === undefined || !(dest === 'default' || /^[0-9a-fA-F.:]+(?:\/\d{1,3})?$/.test(dest))) {
      skipped++;
      continue;
    }
    const p = readPairs(tokens.slice(i + 1));
    const via = p.get('via');
    const dev = p.get('dev');
    const metric = toInt(p.get('metric'));
    const table = p.get('table');
    const proto = p.get('proto');
    const scope = p.get('scope');
    const src = p.get('src');
    current = {
      route: {
        type,
        dest,
        ...(isIpv4(via) ? { via } : {}),
        ...(isDeviceName(dev) ? { dev } : {}),
        ...(metric !== undefined ? { metric } : {}),
        ...(table ? { table } : {}),
        ...(proto ? { proto } : {}),
        ...(scope ? { scope } : {}),
        ...(isIpv4(src) ? { src } : {}),
        linkdown: p.has('linkdown'),
      },
      nexthops: [],
    };
  }
  flush();
  return { items, skipped };
}

/** True for an IPv4 unicast default route of the main table. */
export function isMainDefaultRoute(r: IpRoute): boolean {
  return r.type === 'unicast' && (r.dest === 'default' || r.dest === '0.0.0.0/0') && (r.table === undefined || r.table === 'main' || r.table === '254');
}

/** `ip -o link show`: `27: eth1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ...\    link/ether ...` */
export function parseIpLinkOneline(textIn: string): Parsed<IpLink> {
  const items: IpLink[] = [];
  let skipped = 0;
  for (const line of nonEmptyLines(textIn)) {
    const m = /^\d+:\s+([^\s:@]+)(?:@([^\s:]+))?:\s+<([^>]*)>(.*)$/.exec(line);
    const device = m?.[1];
    if (!m || !isDeviceName(device)) {
      skipped++;
      continue;
    }
    const flags = m[3]!.split(',').filter((f) => f !== '');
    const rest = m[4] ?? '';
    const state = /\bstate\s+(\S+)/.exec(rest)?.[1];
    const linkType = /\blink\/(\S+)/.exec(rest)?.[1];
    // BusyBox prints no `state`; then the flags alone decide.
    const up = flags.includes('UP') && (flags.includes('LOWER_UP') || state === 'UP' || state === 'UNKNOWN') && state !== 'DOWN';
    items.push({
      device,
      ...(m[2] ? { parent: m[2] } : {}),
      flags,
      ...(state ? { state } : {}),
      ...(linkType ? { linkType } : {}),
      up,
    });
  }
  return { items, skipped };
}

/** The probe's sys-net lines: `eth0 type=1 devtype= driver=virtio_net wireless=0`. */
export function parseSysNet(textIn: string): Parsed<SysNetEntry> {
  const items: SysNetEntry[] = [];
  let skipped = 0;
  for (const line of nonEmptyLines(textIn)) {
    const [device, ...fields] = line.trim().split(/\s+/);
    if (!isDeviceName(device)) {
      skipped++;
      continue;
    }
    const f = new Map(fields.map((kv) => [kv.slice(0, Math.max(0, kv.indexOf('='))), kv.slice(kv.indexOf('=') + 1)] as const));
    const type = toInt(f.get('type'));
    const devtype = f.get('devtype');
    const driver = f.get('driver');
    items.push({
      device,
      ...(type !== undefined ? { type } : {}),
      ...(devtype && /^[\w-]{1,32}$/.test(devtype) ? { devtype } : {}),
      ...(driver && /^[\w.-]{1,64}$/.test(driver) ? { driver } : {}),
      wireless: f.get('wireless') === '1',
    });
  }
  return { items, skipped };
}

export interface IpNeighbour {
  readonly address: string;
  readonly device: string;
  /** REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP, FAILED, INCOMPLETE (upper case). */
  readonly state: string;
}

/** `ip -4 neigh show` (iproute2 and BusyBox): `A dev D [lladdr M] [router] STATE`. */
export function parseIpNeigh(textIn: string): Parsed<IpNeighbour> {
  const items: IpNeighbour[] = [];
  let skipped = 0;
  for (const line of nonEmptyLines(textIn)) {
    const tokens = line.trim().split(/\s+/);
    const address = tokens[0];
    const dev = readPairs(tokens.slice(1)).get('dev');
    const state = tokens[tokens.length - 1]!.toUpperCase();
    if (!isIpv4(address) || !isDeviceName(dev)) {
      skipped++;
      continue;
    }
    items.push({ address, device: dev, state });
  }
  return { items, skipped };
}

/** A neighbour entry that proves a host answered there (not a failed or pending lookup). */
export const isLiveNeighbour = (n: IpNeighbour): boolean => !['FAILED', 'INCOMPLETE', 'NONE'].includes(n.state);

/**
 * The probe's dhcp-leases section: dhclient lease lines (`interface "eth1";`, `option routers
 * A, B;`, the last lease in a file being the newest) and systemd-networkd lines
 * (`networkd IFINDEX ROUTER=A B`). Returns the newest router per device or ifindex.
 */
export function parseDhcpLeaseRouters(textIn: string): { byDevice: Map<string, string>; byIfindex: Map<number, string> } {
  const byDevice = new Map<string, string>();
  const byIfindex = new Map<number, string>();
  let device: string | undefined;
  for (const raw of nonEmptyLines(textIn)) {
    const line = raw.trim();
    if (line.startsWith('lease')) device = undefined;
    const iface = /^interface\s+"([^"]+)";/.exec(line);
    if (iface && isDeviceName(iface[1])) device = iface[1];
    const routers = /^option\s+routers\s+([0-9.]+)/.exec(line);
    if (routers && device !== undefined && isIpv4(routers[1])) byDevice.set(device, routers[1]);
    const networkd = /^networkd\s+(\d{1,10})\s+ROUTER=([0-9.]+)/.exec(line);
    if (networkd && isIpv4(networkd[2])) byIfindex.set(Number(networkd[1]), networkd[2]);
  }
  return { byDevice, byIfindex };
}

/** `N: dev[@peer]: …` lines of `ip -o link show` → ifindex per device. */
export function ifindexByDevice(ipLink: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of nonEmptyLines(ipLink)) {
    const m = /^(\d{1,10}):\s+([^:@\s]+)/.exec(line);
    if (m && isDeviceName(m[2])) out.set(Number(m[1]), m[2]);
  }
  return out;
}

/** IPv4 dotted quad ↔ 32-bit unsigned integer, for subnet arithmetic. */
export const ipv4ToInt = (a: string): number => a.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
export const intToIpv4 = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** True when `other` lies in the subnet `address/prefixLen`. */
export function inSubnet(address: string, prefixLen: number, other: string): boolean {
  const size = 2 ** (32 - prefixLen);
  return Math.floor(ipv4ToInt(address) / size) === Math.floor(ipv4ToInt(other) / size);
}

/** The first and last usable hosts of `address/prefixLen` (/31: both addresses; /32: none). */
export function subnetHosts(address: string, prefixLen: number): { first: string; last: string } | undefined {
  if (prefixLen >= 32 || prefixLen < 8) return undefined;
  const size = 2 ** (32 - prefixLen);
  const base = Math.floor(ipv4ToInt(address) / size) * size;
  if (prefixLen === 31) return { first: intToIpv4(base), last: intToIpv4(base + 1) };
  return { first: intToIpv4(base + 1), last: intToIpv4(base + size - 2) };
}

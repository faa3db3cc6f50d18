// Finds the router's uplink candidates: netifd's interfaces on OpenWrt (logical names), else the
// kernel's devices from `ip`, with default routes, gateways, metrics and a guessed kind.
import type { IgnoredInterface, UplinkCandidate } from '../../../shared/detect-schemas.ts';
import { guessWanKind } from './guess-wan-kind.ts';
import {
  ifindexByDevice,
  inSubnet,
  isDeviceName,
  isLiveNeighbour,
  isIpv4,
  isMainDefaultRoute,
  parseIpAddrOneline,
  parseIpLinkOneline,
  parseDhcpLeaseRouters,
  parseIpNeigh,
  parseIpRoutes,
  parseSysNet,
  subnetHosts,
  type IpAddress,
  type IpLink,
  type SysNetEntry,
} from './ip-parse.ts';
import { parseUbusInterfaceDump, parseUciNetworkInterfaces, type UbusInterface, type UciNetworkInterface } from './openwrt-network-parse.ts';

export interface UplinkDiscoveryInput {
  /** `ip -4 -o addr show` */
  readonly ipAddr?: string | undefined;
  /** `ip -4 route show table main` */
  readonly ipRoute?: string | undefined;
  /** `ip -o link show` */
  readonly ipLink?: string | undefined;
  /** The probe's sys-net section. */
  readonly sysNet?: string | undefined;
  /** `ubus call network.interface dump`: when readable, OpenWrt's logical interfaces are used. */
  readonly ubusDump?: string | undefined;
  /** `uci -q show network`: configured metric and device of interfaces that are down. */
  readonly uciNetwork?: string | undefined;
  /** The router address the SSH session came in on: that interface is management, not an uplink. */
  readonly sessionAddress?: string | undefined;
  /** `ip -4 route show table all`: gateways named by routes outside the main table. */
  readonly ipRouteAll?: string | undefined;
  /** `ip -4 neigh show`: who answered on each link. */
  readonly ipNeigh?: string | undefined;
  /** The probe's dhcp-leases section (dhclient and systemd-networkd). */
  readonly dhcpLeases?: string | undefined;
}

export interface UplinkDiscovery {
  /** Default-route uplinks first (lowest metric first), then the others in the router's order. */
  readonly uplinks: readonly UplinkCandidate[];
  readonly ignored: readonly IgnoredInterface[];
  readonly warnings: readonly string[];
  readonly evidence: readonly string[];
}

interface DefaultHop {
  readonly dev: string;
  readonly via?: string;
  readonly metric: number;
}

/** Every (device, gateway, metric) a main-table default route offers; multipath gives several. */
function defaultHops(ipRoute: string | undefined): { hops: DefaultHop[]; skipped: number; hidden: number[] } {
  const parsed = parseIpRoutes(ipRoute ?? '');
  const hops: DefaultHop[] = [];
  const hidden: number[] = [];
  for (const r of parsed.items.filter(isMainDefaultRoute)) {
    const metric = r.metric ?? 0;
    // BusyBox `ip route` prints a multipath route as `default  metric 30`, without its legs.
    if (r.dev === undefined && r.nexthops.length === 0) hidden.push(metric);
    const legs = r.nexthops.length > 0 ? r.nexthops : [{ via: r.via, dev: r.dev }];
    for (const leg of legs) {
      if (leg.dev === undefined) continue;
      hops.push({ dev: leg.dev, metric, ...(leg.via !== undefined ? { via: leg.via } : {}) });
    }
  }
  return { hops, skipped: parsed.skipped, hidden };
}

function hiddenWarnings(hidden: readonly number[]): string[] {
  return hidden.map(
    (metric) =>
      `A default route with metric ${metric} does not say which links it uses (BusyBox ip hides multipath legs); ` +
      'install the full ip (iproute2, or ip-full on OpenWrt) to see them.',
  );
}

function bestHop(hops: readonly DefaultHop[], dev: string | undefined): DefaultHop | undefined {
  if (dev === undefined) return undefined;
  return hops.filter((h) => h.dev === dev).sort((a, b) => a.metric - b.metric)[0];
}

type GatewaySource = NonNullable<UplinkCandidate['gatewaySource']>;
type GatewayFinding = { gateway: string; source: GatewaySource } | { suggested?: string; lanReason?: string };

/** Every source of gateways except the main table's default routes, read once. */
interface GatewayClues {
  /** `via` of any route (every table, multipath legs too) per device, default routes first. */
  readonly routeVia: Map<string, string[]>;
  readonly leaseRouter: Map<string, string>;
  readonly liveNeighbours: Map<string, string[]>;
}

function gatewayClues(input: UplinkDiscoveryInput): GatewayClues {
  const routeVia = new Map<string, string[]>();
  const routes = parseIpRoutes(input.ipRouteAll ?? '').items.filter((r) => r.type === 'unicast');
  // Default routes (any table) name the gateway outright; other routes via a next hop come after.
  const ordered = [...routes.filter((r) => r.dest === 'default' || r.dest === '0.0.0.0/0'), ...routes.filter((r) => r.dest !== 'default' && r.dest !== '0.0.0.0/0')];
  for (const r of ordered) {
    const legs = r.nexthops.length > 0 ? r.nexthops : [{ via: r.via, dev: r.dev }];
    for (const leg of legs) {
      if (leg.dev === undefined || leg.via === undefined) continue;
      routeVia.set(leg.dev, [...(routeVia.get(leg.dev) ?? []), leg.via]);
    }
  }
  const leases = parseDhcpLeaseRouters(input.dhcpLeases ?? '');
  const leaseRouter = new Map(leases.byDevice);
  const ifindex = ifindexByDevice(input.ipLink ?? '');
  for (const [index, router] of leases.byIfindex) {
    const dev = ifindex.get(index);
    if (dev !== undefined && !leaseRouter.has(dev)) leaseRouter.set(dev, router);
  }
  const liveNeighbours = new Map<string, string[]>();
  for (const n of parseIpNeigh(input.ipNeigh ?? '').items.filter(isLiveNeighbour)) {
    liveNeighbours.set(n.device, [...new Set([...(liveNeighbours.get(n.device) ?? []), n.address])]);
  }
  return { routeVia, leaseRouter, liveNeighbours };
}

/**
 * An uplink's gateway from what the router says, strongest first: its main default route, a
 * route of any table, a DHCP lease, the link's point-to-point peer or the other end of a /30 or
 * /31, the one neighbour that answered on the link. When none says it: a link on which this
 * router holds the first address and no route leads out is the LAN (the router is the gateway
 * there); otherwise the link's first host is suggested, for the user to confirm.
 */
function findGateway(dev: string, hop: DefaultHop | undefined, addr: IpAddress | undefined, clues: GatewayClues): GatewayFinding {
  const onLink = (g: string | undefined): g is string => g !== undefined && g !== addr?.address && (addr === undefined || addr.peer !== undefined || inSubnet(addr.address, addr.prefixLen, g));
  if (hop?.via) return { gateway: hop.via, source: 'route' };
  const routed = (clues.routeVia.get(dev) ?? []).find(onLink);
  if (routed) return { gateway: routed, source: 'route' };
  const leased = clues.leaseRouter.get(dev);
  if (onLink(leased)) return { gateway: leased, source: 'lease' };
  if (addr?.peer !== undefined && addr.peer !== addr.address) return { gateway: addr.peer, source: 'peer' };
  if (addr === undefined) return {};
  const hosts = subnetHosts(addr.address, addr.prefixLen);
  if (hosts && addr.prefixLen >= 30) return { gateway: hosts.first === addr.address ? hosts.last : hosts.first, source: 'peer' };
  if (hosts && hosts.first === addr.address && hop === undefined) {
    return { lanReason: `the LAN: this router is ${addr.address}, the first address of its network, so it is the gateway for the devices behind it, and no route leads out through it` };
  }
  const neighbours = (clues.liveNeighbours.get(dev) ?? []).filter(onLink);
  if (neighbours.length === 1) return { gateway: neighbours[0]!, source: 'neighbour' };
  if (hosts && hosts.first !== addr.address) return { suggested: hosts.first };
  return {};
}

const notUplinkPatterns: readonly (readonly [RegExp, string])[] = [
  [/^mgmt/, 'management link (named mgmt*)'],
  [/^(docker|veth|virbr|lxcbr|lxdbr|cni|flannel|podman)/, 'container or virtual machine network'],
  [/^(wg|tun|tap|tailscale|zt|ipsec|gre|sit|ip6tnl|vti|ip6gre)/, 'VPN or tunnel, not a physical uplink'],
  [/^(ifb|dummy|nlmon|erspan|teql)/, 'virtual helper device'],
];

const sortCandidates = (list: UplinkCandidate[]): UplinkCandidate[] =>
  list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => {
      if (a.c.hasDefaultRoute !== b.c.hasDefaultRoute) return a.c.hasDefaultRoute ? -1 : 1;
      if (a.c.hasDefaultRoute) return (a.c.metric ?? 0) - (b.c.metric ?? 0) || a.i - b.i;
      return a.i - b.i;
    })
    .map((x) => x.c);

function primaryAddress(list: readonly IpAddress[]): IpAddress | undefined {
  return list.find((a) => !a.secondary && a.scope !== 'host') ?? list.find((a) => a.scope !== 'host');
}

/** Plain Linux (and OpenWrt when ubus is unreadable): one candidate per device. */
function fromIp(input: UplinkDiscoveryInput, session: string | undefined): UplinkDiscovery {
  const addrs = parseIpAddrOneline(input.ipAddr ?? '');
  const links = parseIpLinkOneline(input.ipLink ?? '');
  const sys = parseSysNet(input.sysNet ?? '');
  const { hops, skipped: routeSkipped, hidden } = defaultHops(input.ipRoute);
  const clues = gatewayClues(input);
  const warnings: string[] = hiddenWarnings(hidden);
  const evidence: string[] = [
    `uplinks read from ip: ${links.items.length} links, ${addrs.items.length} IPv4 addresses, ${hops.length} default route hop(s)`,
  ];
  const skipped = addrs.skipped + links.skipped + routeSkipped + sys.skipped;
  if (skipped > 0) evidence.push(`${skipped} line(s) of ip/sys output were not understood and skipped`);

  const linkBy = new Map<string, IpLink>(links.items.map((l) => [l.device, l]));
  const sysBy = new Map<string, SysNetEntry>(sys.items.map((s) => [s.device, s]));
  const addrBy = new Map<string, IpAddress[]>();
  for (const a of addrs.items) addrBy.set(a.device, [...(addrBy.get(a.device) ?? []), a]);
  // The router's own order (ifindex), then devices only the address or route output named.
  const devices = [...new Set([...links.items.map((l) => l.device), ...addrs.items.map((a) => a.device), ...hops.map((h) => h.dev)])];

  const uplinks: UplinkCandidate[] = [];
  const ignored: IgnoredInterface[] = [];
  for (const dev of devices) {
    const link = linkBy.get(dev);
    const s = sysBy.get(dev);
    const own = addrBy.get(dev) ?? [];
    const addr = primaryAddress(own);
    const hop = bestHop(hops, dev);
    const ignore = (reason: string): void => {
      ignored.push({ name: dev, reason });
    };
    if (dev === 'lo' || link?.linkType === 'loopback' || s?.type === 772) {
      ignore('loopback');
      continue;
    }
    if (session !== undefined && own.some((a) => a.address === session)) {
      if (!hop) {
        ignore(`management: the SSH session comes in on ${session}`);
        continue;
      }
      warnings.push(`Switchyard reaches the router through ${dev} (${session}), which is also an uplink: a failover test on it may cut the session.`);
    }
    const pattern = notUplinkPatterns.find(([re]) => re.test(dev));
    if (pattern) {
      ignore(hop ? `${pattern[1]} (it carries a default route)` : pattern[1]);
      continue;
    }
    if ((s?.devtype === 'bridge' || /^br/.test(dev)) && !hop) {
      ignore('bridge without a default route (usually the LAN)');
      continue;
    }
    if (!addr && !hop) {
      ignore('no IPv4 address and no default route');
      continue;
    }
    const found = findGateway(dev, hop, addr, clues);
    if ('lanReason' in found && found.lanReason !== undefined) {
      ignore(found.lanReason);
      continue;
    }
    const guess = guessWanKind({ device: dev, devtype: s?.devtype, driver: s?.driver, wireless: s?.wireless });
    uplinks.push({
      name: dev,
      device: dev,
      kind: guess.kind,
      kindReason: guess.reason,
      up: link ? link.up : true,
      ...(addr ? { address: addr.address, prefixLen: addr.prefixLen } : {}),
      ...('gateway' in found ? { gateway: found.gateway, gatewaySource: found.source } : {}),
      ...('suggested' in found && found.suggested !== undefined ? { suggestedGateway: found.suggested } : {}),
      ...(hop ? { metric: hop.metric } : {}),
      hasDefaultRoute: hop !== undefined,
      source: 'ip',
    });
  }

  const byMetric = new Map<number, string[]>();
  for (const h of hops) byMetric.set(h.metric, [...new Set([...(byMetric.get(h.metric) ?? []), h.dev])]);
  for (const [metric, devs] of byMetric) {
    if (devs.length > 1) {
      evidence.push(`default route hops with metric ${metric}: ${devs.join(', ')} (multipath or equal metrics)`);
    }
  }
  return { uplinks: sortCandidates(uplinks), ignored, warnings, evidence };
}

const uplinkProtos = new Set(['dhcp', 'pppoe', 'pppoa', 'qmi', 'ncm', 'mbim', '3g', 'modemmanager', 'wwan', 'directip', 'uqmi']);
const ipv6Protos = new Set(['dhcpv6', '6in4', '6to4', '6rd', 'dslite', 'map', '464xlat']);
const tunnelProtos = new Set(['wireguard', 'openvpn', 'l2tp', 'pptp', 'gre', 'gretap', 'vxlan', 'ipip', 'vti', 'xfrm', 'zerotier', 'tailscale', 'relay', 'ncm-tunnel']);

/** Folds netifd's dynamic `<name>_4` child (QMI, ModemManager, …) into its parent. */
function foldDynamicChildren(list: readonly UbusInterface[]): { merged: UbusInterface[]; dropped: IgnoredInterface[] } {
  const byName = new Map(list.map((i) => [i.name, i]));
  const folded = new Set<string>();
  const merged: UbusInterface[] = [];
  for (const i of list) {
    const child = byName.get(`${i.name}_4`);
    if (child && child.dynamic) {
      folded.add(child.name);
      merged.push({
        ...i,
        up: i.up || child.up,
        ipv4: i.ipv4.length > 0 ? i.ipv4 : child.ipv4,
        defaultRoutes: [...i.defaultRoutes, ...child.defaultRoutes],
        ...(i.l3Device === undefined && child.l3Device !== undefined ? { l3Device: child.l3Device } : {}),
        ...(i.metric === undefined && child.metric !== undefined ? { metric: child.metric } : {}),
      });
    } else {
      merged.push(i);
    }
  }
  const dropped: IgnoredInterface[] = [];
  const result = merged.filter((i) => {
    if (folded.has(i.name)) {
      dropped.push({ name: i.name, reason: `IPv4 part of ${i.name.slice(0, -2)}, shown under that name` });
      return false;
    }
    return true;
  });
  return { merged: result, dropped };
}

/** OpenWrt: one candidate per netifd interface that has (or can get) a default route. */
function fromUbus(input: UplinkDiscoveryInput, list: readonly UbusInterface[], skippedEntries: number, session: string | undefined): UplinkDiscovery {
  const { hops, hidden } = defaultHops(input.ipRoute);
  const sys = new Map(parseSysNet(input.sysNet ?? '').items.map((s) => [s.device, s]));
  const uci = new Map<string, UciNetworkInterface>(parseUciNetworkInterfaces(input.uciNetwork ?? '').map((u) => [u.name, u]));
  const { merged, dropped } = foldDynamicChildren(list);
  const uplinks: UplinkCandidate[] = [];
  const ignored: IgnoredInterface[] = [...dropped];
  const warnings: string[] = hiddenWarnings(hidden);
  const evidence: string[] = [`uplinks read from ubus network.interface dump: ${list.length} interfaces`];
  if (skippedEntries > 0) evidence.push(`${skippedEntries} ubus interface entr(ies) had an unexpected shape and were skipped`);
  if (uci.size > 0) evidence.push(`uci show network: ${uci.size} interface sections`);

  let badNames = 0;
  for (const i of merged) {
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(i.name)) {
      badNames++;
      continue;
    }
    const conf = uci.get(i.name);
    const deviceRaw = i.l3Device ?? i.device ?? conf?.device;
    const device = isDeviceName(deviceRaw) ? deviceRaw : undefined;
    const protoRaw = i.proto ?? conf?.proto;
    const proto = protoRaw !== undefined && /^[\w-]{1,32}$/.test(protoRaw) ? protoRaw : undefined;
    const ignore = (reason: string): void => {
      ignored.push({ name: i.name, reason });
    };
    const active = i.defaultRoutes.find((r) => r.active) ?? i.defaultRoutes[0];
    const hop = bestHop(hops, device);
    const hasDefaultRoute = i.defaultRoutes.some((r) => r.active) || hop !== undefined;
    const addr = i.ipv4.find((a) => isIpv4(a.address));

    if (i.name === 'loopback' || device === 'lo') {
      ignore('loopback');
      continue;
    }
    if (proto !== undefined && ipv6Protos.has(proto)) {
      ignore(`IPv6-only (protocol ${proto}); Switchyard handles IPv4 uplinks`);
      continue;
    }
    if (proto !== undefined && tunnelProtos.has(proto)) {
      ignore(`VPN or tunnel (protocol ${proto}), not a physical uplink`);
      continue;
    }
    if (session !== undefined && addr?.address === session && !hasDefaultRoute) {
      ignore(`management: the SSH session comes in on ${session}`);
      continue;
    }
    const looksLikeUplink = hasDefaultRoute || active !== undefined || (proto !== undefined && uplinkProtos.has(proto));
    if (!looksLikeUplink || i.name === 'lan' || device === 'br-lan') {
      if (i.name === 'lan' || device === 'br-lan') ignore('the LAN');
      else if (proto === 'static') ignore('static address without a gateway (a LAN-side network)');
      else ignore(`no default route and protocol ${proto ?? 'unknown'} is not an uplink protocol`);
      continue;
    }
    if (session !== undefined && addr?.address === session) {
      warnings.push(`Switchyard reaches the router through ${i.name} (${session}), which is also an uplink: a failover test on it may cut the session.`);
    }
    const s = device ? sys.get(device) : undefined;
    const guess = guessWanKind({ device, name: i.name, proto, devtype: s?.devtype, driver: s?.driver, wireless: s?.wireless });
    const nexthop = [active?.nexthop, addr?.ptpaddress, hop?.via, conf?.gateway].find((g) => isIpv4(g) && g !== '0.0.0.0');
    const metric = i.metric ?? conf?.metric;
    uplinks.push({
      name: i.name,
      ...(device ? { device } : {}),
      kind: guess.kind,
      kindReason: guess.reason,
      up: i.up,
      ...(addr ? { address: addr.address, ...(addr.mask !== undefined && addr.mask >= 0 && addr.mask <= 32 ? { prefixLen: addr.mask } : {}) } : {}),
      ...(nexthop ? { gateway: nexthop, gatewaySource: nexthop === hop?.via ? ('route' as const) : ('netifd' as const) } : {}),
      ...(metric !== undefined && Number.isInteger(metric) && metric >= 0 ? { metric } : {}),
      hasDefaultRoute,
      ...(proto ? { proto } : {}),
      source: 'ubus',
    });
  }

  if (badNames > 0) evidence.push(`${badNames} ubus interface name(s) were not valid names and were skipped`);
  // mwan3 needs one metric per interface (LuCI warns too); netifd's default is 0.
  const byMetric = new Map<number, string[]>();
  for (const u of uplinks) byMetric.set(u.metric ?? 0, [...(byMetric.get(u.metric ?? 0) ?? []), u.name]);
  for (const [metric, names] of byMetric) {
    if (names.length > 1) {
      warnings.push(
        `${names.join(' and ')} share metric ${metric}: mwan3 needs a different metric on each uplink ` +
          `(set network.<name>.metric in /etc/config/network, e.g. 10, 20, 30).`,
      );
    }
  }
  return { uplinks: sortCandidates(uplinks), ignored, warnings, evidence };
}

/** Candidates from whatever the probe gathered; never throws on router output. */
export function discoverUplinks(input: UplinkDiscoveryInput): UplinkDiscovery {
  const session = isIpv4(input.sessionAddress) ? input.sessionAddress : undefined;
  if (input.ubusDump !== undefined && input.ubusDump.trim() !== '') {
    const dump = parseUbusInterfaceDump(input.ubusDump);
    if (dump.ok) return fromUbus(input, dump.interfaces, dump.skipped, session);
    const viaIp = fromIp(input, session);
    return {
      ...viaIp,
      warnings: [`The router's ubus network dump could not be read (${dump.problem}); uplinks were read from ip instead, by device name.`, ...viaIp.warnings],
    };
  }
  return fromIp(input, session);
}

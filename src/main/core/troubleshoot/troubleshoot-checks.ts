// From the router's answers to checks a technician can act on: for one uplink, what its facts
// allow probing (a bound probe only where the router has a route through that uplink, as the
// monitor decides it), then each check's outcome, the router's own lines as evidence, and the
// fix in plain words. Pure: the service runs the commands, this reads them.
import type { TroubleshootCheck, UplinkTroubleshoot } from '../../../shared/api/troubleshoot-schemas.ts';
import type { WanKind } from '../../../shared/model.ts';
import { decideProbeScope, type ProbeScopeDecision } from '../probes/probe-scope.ts';
import type { ProbeArgs } from './troubleshoot-commands.ts';
import { dnsCheck, planDns, type DnsPlan, type DnsQuery } from './troubleshoot-dns.ts';
import {
  answeredArpStates,
  parseAddresses,
  parseCurl,
  parseIpv6Defaults,
  parseLink,
  parseNeighbour,
  parsePing,
  parseRouteGet,
} from './troubleshoot-parse.ts';

/** Who moves IPv6 when an uplink fails: the engine, only IPv4 (the Switchyard agent), it depends on the engine's own config (mwan3), or nothing runs yet. */
export type Ipv6Handling = 'moves-ipv6' | 'ipv4-only' | 'if-configured' | 'no-engine';

export interface UplinkContext {
  readonly name: string;
  readonly device: string;
  readonly kind: WanKind;
  readonly gateway: string | null;
  readonly target: string | null;
  readonly dnsName: string;
  readonly engine: string;
  readonly ipv6: Ipv6Handling;
  /** A public resolver also asked through the uplink; null: only the uplink's or router's own. */
  readonly publicDns: string | null;
}

type Sections = Record<string, string[]>;

export interface ProbePlan {
  readonly linkUsable: boolean;
  readonly scope: ProbeScopeDecision | null;
  readonly dns: DnsPlan;
  /** The device the router's own traffic (and so an unbound DNS query) leaves through now. */
  readonly defaultDevice: string | null;
  readonly hasCurl: boolean;
  readonly probes: ProbeArgs | null;
}

/** Decides, from the facts alone, which probes go out and how. */
export function planProbes(ctx: UplinkContext, facts: Sections): ProbePlan {
  const link = parseLink(facts.link ?? []);
  const addresses = parseAddresses(facts.addr ?? []);
  const linkUsable = link.exists && link.flags.includes('UP') && link.flags.includes('LOWER_UP') && addresses.length > 0;
  const scope = ctx.target ? decideProbeScope({ device: ctx.device, target: ctx.target, ...(ctx.gateway && { gateway: ctx.gateway }) }, (facts.route ?? []).join('\n'), (facts.connected ?? []).join('\n')) : null;
  const defaultDevice = parseRouteGet(facts['default.route'] ?? [])[0]?.dev ?? null;
  const dns = planDns(ctx, facts, defaultDevice);
  const hasCurl = (facts.tools ?? []).some((l) => l.endsWith('/curl'));
  const pathTarget = scope?.scope === 'path' ? scope.target : null;
  const server = (section: DnsQuery['section']) => dns.queries.find((q) => q.section === section)?.server ?? null;
  const probes: ProbeArgs | null = linkUsable
    ? {
        device: ctx.device,
        gateway: ctx.gateway,
        target: pathTarget,
        dnsServer: server('dns'),
        dnsName: ctx.dnsName,
        httpUrl: pathTarget && hasCurl ? `http://${pathTarget}/` : null,
        dnsTool: dns.tool ?? 'nslookup',
        dnsSource: dns.source,
        publicDnsServer: server('dns.public'),
      }
    : null;
  return { linkUsable, scope, dns, defaultDevice, hasCurl, probes };
}

const statusRank = { pass: 0, skip: 1, warn: 2, fail: 3 } as const;
const checkWords: Record<TroubleshootCheck['id'], string> = { link: 'the link', gateway: 'the gateway', target: 'a target', dns: 'DNS', http: 'HTTP', ipv6: 'IPv6' };

/** Every check of one uplink from its facts and (when the link was usable) its probes. */
export function troubleshootUplink(ctx: UplinkContext, facts: Sections, probes: Sections | null): UplinkTroubleshoot {
  const plan = planProbes(ctx, facts);
  const link = linkCheck(ctx, facts);
  const checks: TroubleshootCheck[] = [link];
  if (!plan.linkUsable || !probes) {
    const why = `not checked: ${ctx.device}'s link is not usable (see the first check)`;
    for (const [id, title] of [
      ['gateway', 'Gateway answers (ARP)'],
      ['target', 'A target through this uplink'],
      ['dns', 'DNS through this uplink'],
      ['http', 'HTTP through this uplink'],
    ] as const) {
      checks.push({ id, title, status: 'skip', summary: why, evidence: [], fix: null });
    }
  } else {
    const gateway = gatewayCheck(ctx, probes);
    const target = targetCheck(ctx, plan, probes, gateway.status === 'fail');
    const answered = plan.scope?.scope !== 'path' || target.status === 'skip' ? null : target.status === 'fail' ? 'silent' : 'answers';
    checks.push(gateway, target, dnsCheck(ctx, plan.dns, facts, probes, answered), httpCheck(ctx, plan, probes, target.status));
  }
  checks.push(ipv6Check(ctx, facts));
  // DNS failing while a target answers through the uplink is a DNS problem, not a dead uplink:
  // traffic to addresses flows (card payments to a fixed address work), names do not resolve.
  // The uplink reads "Needs attention" with the DNS fix, not "Broken"; the DNS check stays failed.
  const carries = checks.some((c) => c.id === 'target' && c.status === 'pass');
  const weight = (c: TroubleshootCheck) => (c.id === 'dns' && c.status === 'fail' && carries ? 'warn' : c.status);
  const worst = checks.reduce((a, c) => (statusRank[weight(c)] > statusRank[a] ? weight(c) : a), weight(checks[0]!));
  const firstBad = checks.find((c) => weight(c) === 'fail') ?? checks.find((c) => c.status === 'fail') ?? checks.find((c) => c.status === 'warn');
  // The headline names the first thing to fix; what to do stays with its check (no repetition).
  const skipped = checks.filter((c) => c.status === 'skip').map((c) => checkWords[c.id]);
  const verdict = firstBad
    ? firstBad.id === 'dns' && carries
      ? `${ctx.device} carries traffic (${ctx.target} answers through it), but names do not resolve: ${firstBad.summary}`
      : firstBad.summary
    : skipped.length
      ? `${ctx.device} works as far as checked; not checked through it: ${skipped.join(', ')} (see below).`
      : `${ctx.device} works: link, gateway, a target, DNS and HTTP answer through it.`;
  return { name: ctx.name, device: ctx.device, status: worst === 'skip' ? 'pass' : worst, verdict, checks };
}

/** `ip -o` joins a record's lines with a backslash: show them as the router prints them without -o. */
function evidence(command: string, lines: readonly string[]): string[] {
  return [`$ ${command}`, ...lines.flatMap((l) => l.split('\\').map((p) => p.trimEnd())).filter((l) => l.trim() !== '')];
}

const carrierFix: Record<WanKind, string> = {
  ethernet: 'Check the cable at DEV and that the modem is powered on; try another cable or port on the modem.',
  repeater: 'DEV is not connected to the Wi-Fi repeater: check that the repeater is powered on and in range, and that its network name and password have not changed.',
  tethering: 'No phone is tethering on DEV: plug the phone in, unlock it and turn on USB tethering.',
  cellular: 'The cellular modem on DEV has no connection: check its SIM, signal and data plan (its own status page or LEDs).',
};

function linkCheck(ctx: UplinkContext, facts: Sections): TroubleshootCheck {
  const title = 'Link state';
  const dev = ctx.device;
  const link = parseLink(facts.link ?? []);
  const addresses = parseAddresses(facts.addr ?? []);
  const ev = [...evidence(`ip -o link show dev ${dev}`, facts.link ?? []), ...evidence(`ip -4 -o addr show dev ${dev}`, facts.addr ?? [])];
  if (!link.exists) {
    return { id: 'link', title, status: 'fail', summary: `The router has no device ${dev}.`, evidence: ev, fix: `The uplink's device is gone (a USB modem unplugged, a renamed interface). Plug it back in, or run detection again so Switchyard knows the router's devices.` };
  }
  if (!link.flags.includes('UP')) {
    return { id: 'link', title, status: 'fail', summary: `${dev} is switched off on the router (administratively down).`, evidence: ev, fix: `Switch the interface on in the router's network settings (on plain Linux: ip link set ${dev} up, and make it permanent in its network configuration).` };
  }
  if (link.flags.includes('NO-CARRIER') || !link.flags.includes('LOWER_UP')) {
    return { id: 'link', title, status: 'fail', summary: `${dev} has no carrier: nothing answers at the other end of the ${ctx.kind === 'ethernet' ? 'cable' : 'link'} (state ${link.state ?? 'unknown'}).`, evidence: ev, fix: carrierFix[ctx.kind].replaceAll('DEV', dev) };
  }
  if (addresses.length === 0) {
    return { id: 'link', title, status: 'fail', summary: `${dev} is up but has no IPv4 address.`, evidence: ev, fix: `The modem gave no address (DHCP): restart the modem; if it is in bridge mode, the router needs to log in itself (PPPoE) — check the uplink's settings.` };
  }
  return { id: 'link', title, status: 'pass', summary: `${dev} is up with carrier; address ${addresses.join(', ')}.`, evidence: ev, fix: null };
}

function gatewayCheck(ctx: UplinkContext, probes: Sections): TroubleshootCheck {
  const title = 'Gateway answers (ARP)';
  const { device: dev, gateway: gw } = ctx;
  if (!gw) {
    return { id: 'gateway', title, status: 'warn', summary: `Switchyard knows no gateway for ${dev}, so it cannot ask it.`, evidence: [], fix: `Run detection again, or set the gateway (the modem's own address) in the uplink's settings.` };
  }
  const ping = parsePing(probes['gateway.ping'] ?? []);
  const neigh = parseNeighbour(probes['gateway.neigh'] ?? []);
  const ev = [...evidence(`ping -n -c 2 -W 1 -I ${dev} ${gw}`, probes['gateway.ping'] ?? []), ...evidence(`ip neigh show ${gw} dev ${dev}`, probes['gateway.neigh'] ?? [])];
  const arpOk = neigh.state !== null && answeredArpStates.has(neigh.state);
  if (arpOk && ping && ping.received > 0) {
    return { id: 'gateway', title, status: 'pass', summary: `The gateway ${gw} answers ARP (${neigh.lladdr ?? 'its hardware address'}) and ping (${ping.received} of ${ping.transmitted}${ping.avgRttMs !== null ? `, ${ping.avgRttMs} ms` : ''}).`, evidence: ev, fix: null };
  }
  if (arpOk) {
    return { id: 'gateway', title, status: 'pass', summary: `The gateway ${gw} answers ARP (${neigh.lladdr ?? 'its hardware address'}) but not ping; some modems ignore ping, which is harmless.`, evidence: ev, fix: null };
  }
  return {
    id: 'gateway',
    title,
    status: 'fail',
    summary: `The gateway ${gw} does not answer ARP on ${dev} (${neigh.state ?? 'no entry'}): nothing on the link has that address.`,
    evidence: ev,
    fix: `Restart the modem. If it was replaced or reconfigured, its address may have changed: run detection again and check the uplink's gateway.`,
  };
}

function targetCheck(ctx: UplinkContext, plan: ProbePlan, probes: Sections, gatewayFailed: boolean): TroubleshootCheck {
  const title = 'A target through this uplink';
  const dev = ctx.device;
  if (!ctx.target || !plan.scope) {
    return { id: 'target', title, status: 'skip', summary: 'No target to test: the uplink has no tracking target yet.', evidence: [], fix: 'Give one (switchyard troubleshoot ROUTER --target 1.1.1.1), or enable failover with tracking targets.' };
  }
  if (plan.scope.scope === 'gateway') {
    return {
      id: 'target',
      title,
      status: 'warn',
      summary: `Not checked beyond the gateway: the router has no route to ${ctx.target} through ${dev} (it sends that traffic another way), so a probe bound to ${dev} would only ask for ${ctx.target} on the local link.`,
      evidence: [],
      fix: `Until ${dev} has a route of its own, nothing but its gateway is reachable through it and a failover to it carries nothing. Enable failover with Switchyard (it gives each uplink its own route), or give ${dev} a default route with a higher metric.`,
    };
  }
  const lines = probes['target.ping'] ?? [];
  const ping = parsePing(lines);
  const ev = evidence(`ping -n -c 3 -W 2 -I ${dev} ${ctx.target}`, lines);
  if (ping && ping.received > 0 && ping.received === ping.transmitted) {
    return { id: 'target', title, status: 'pass', summary: `${ctx.target} answers through ${dev}: ${ping.received} of ${ping.transmitted}${ping.avgRttMs !== null ? `, ${ping.avgRttMs} ms on average` : ''}.`, evidence: ev, fix: null };
  }
  if (ping && ping.received > 0) {
    return { id: 'target', title, status: 'warn', summary: `${ctx.target} answers through ${dev}, but ${ping.transmitted - ping.received} of ${ping.transmitted} pings were lost.`, evidence: ev, fix: `The line loses packets: check the modem's signal or line quality; if it persists, call the ISP.` };
  }
  if (gatewayFailed) {
    return { id: 'target', title, status: 'fail', summary: `${ctx.target} does not answer through ${dev}; neither does the gateway.`, evidence: ev, fix: 'Fix the gateway first (see above).' };
  }
  return {
    id: 'target',
    title,
    status: 'fail',
    summary: `${ctx.target} does not answer through ${dev}, though the gateway does: the line beyond the modem is down, or the ISP drops this target.`,
    evidence: ev,
    fix: `Check the modem's own status (DSL or fibre sync, mobile signal, the ISP's outage page), restart the modem, and call the ISP if it stays down. If other addresses answer through ${dev}, choose another tracking target.`,
  };
}

function httpCheck(ctx: UplinkContext, plan: ProbePlan, probes: Sections, targetStatus: TroubleshootCheck['status']): TroubleshootCheck {
  const title = 'HTTP through this uplink';
  const dev = ctx.device;
  const url = plan.probes?.httpUrl;
  if (!url) {
    const why = !plan.hasCurl ? 'the router has no curl, which can bind a web request to one uplink' : `no target reachable through ${dev} to ask (see the target check)`;
    return { id: 'http', title, status: 'skip', summary: `Not checked: ${why}.`, evidence: [], fix: null };
  }
  const lines = probes.http ?? [];
  const http = parseCurl(lines);
  const ev = evidence(`curl -sS -o /dev/null --interface ${dev} --connect-timeout 4 --max-time 6 ${url}`, lines);
  if (http && http.status > 0) {
    return { id: 'http', title, status: 'pass', summary: `${url} answers HTTP ${http.status} through ${dev}${http.totalSec !== null ? ` in ${http.totalSec.toFixed(2)} s` : ''}.`, evidence: ev, fix: null };
  }
  if (targetStatus === 'pass' || targetStatus === 'warn') {
    return {
      id: 'http',
      title,
      status: 'fail',
      summary: `${url} gets no web answer through ${dev}, though it answers ping: web traffic is blocked on this uplink.`,
      evidence: ev,
      fix: `A hotspot or repeater may be waiting for a login page: open a web page through ${dev} and log in. Otherwise the ISP or an upstream firewall blocks web traffic.`,
    };
  }
  return { id: 'http', title, status: 'fail', summary: `${url} gets no web answer through ${dev}; ping does not get through either.`, evidence: ev, fix: 'Fix what the target check says first.' };
}

function ipv6Check(ctx: UplinkContext, facts: Sections): TroubleshootCheck {
  const title = 'IPv6 fails over too';
  const dev = ctx.device;
  const defaults = parseIpv6Defaults(facts['six.default'] ?? []);
  const addresses = parseAddresses(facts['six.addr'] ?? []);
  const ev = [...evidence(`ip -6 -o addr show dev ${dev} scope global`, facts['six.addr'] ?? []), ...evidence('ip -6 route show default', facts['six.default'] ?? [])];
  const mine = defaults.filter((d) => d.dev === dev);
  const others = [...new Set(defaults.filter((d) => d.dev !== dev).map((d) => d.dev))];
  if (mine.length === 0 && others.length === 0) {
    return { id: 'ipv6', title, status: 'pass', summary: 'The router has no IPv6 default route: the site runs on IPv4 only, so there is no IPv6 to fail over.', evidence: ev, fix: null };
  }
  if (mine.length === 0) {
    return {
      id: 'ipv6',
      title,
      status: 'warn',
      summary: `${dev} has no IPv6 route${addresses.length ? '' : ' or address'}, but ${others.join(', ')} ${others.length === 1 ? 'has' : 'have'}: IPv6 traffic leaves through ${others.join(', ')} whichever uplink carries IPv4, so it does not follow a failover to or from ${dev}.`,
      evidence: ev,
      fix: `Usually harmless: devices fall back to IPv4 (with a short delay on each new connection). To avoid it, get IPv6 on ${dev} too, or turn IPv6 off on the LAN so every device uses IPv4, which fails over.`,
    };
  }
  switch (ctx.ipv6) {
    case 'moves-ipv6':
      return { id: 'ipv6', title, status: 'pass', summary: `${dev} has an IPv6 default route and ${ctx.engine} moves IPv6 with IPv4.`, evidence: ev, fix: null };
    case 'ipv4-only':
      return {
        id: 'ipv6',
        title,
        status: 'warn',
        summary: `${dev} has an IPv6 default route, but ${ctx.engine} moves IPv4 only: when ${dev}'s line fails with its link up, IPv6 traffic keeps going to it and stops.`,
        evidence: ev,
        fix: `Turn IPv6 off on ${dev} (or on the LAN) so devices use IPv4, which fails over; they fall back to IPv4 by themselves only after a delay on every new connection.`,
      };
    case 'if-configured':
      return {
        id: 'ipv6',
        title,
        status: 'warn',
        summary: `${dev} has an IPv6 default route; ${ctx.engine} moves IPv6 only for its own IPv6 interfaces (such as wan6) in a policy, which Switchyard's policy does not list.`,
        evidence: ev,
        fix: `Add the uplinks' IPv6 interfaces to mwan3 with tracking of their own, or turn IPv6 off on the LAN so devices use IPv4, which fails over.`,
      };
    case 'no-engine':
      return { id: 'ipv6', title, status: 'warn', summary: `${dev} has an IPv6 default route, and no failover runs on the router yet: neither IPv4 nor IPv6 fails over.`, evidence: ev, fix: 'Enable failover (WAN Failover tab), then troubleshoot again.' };
  }
}

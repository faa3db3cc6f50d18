// The DNS check of one uplink: whether names resolve through THAT uplink, not along whichever
// path the router's own traffic takes now. A query is bound to the uplink by its source address
// (dig -b, drill -I) and sent only when the router's route for that source leaves through the
// uplink (the Switchyard agent's per-uplink rules); it asks the uplink's own DNS server (OpenWrt
// keeps one list per interface), else the router's, and a public resolver. BusyBox nslookup (all
// OpenWrt and GL.iNet have by default) cannot choose its source: there the check runs only for
// the uplink that carries the router's traffic, and for the others says it cannot test, and what
// would let it, rather than reporting the default path's answer as the backup's.
import type { TroubleshootCheck } from '../../../shared/api/troubleshoot-schemas.ts';
import type { DnsTool } from './troubleshoot-commands.ts';
import { parseDigOrDrill, parseInterfaceNameservers, parseNameservers, parseNslookup, parseRouteGet, type DnsAnswer } from './troubleshoot-parse.ts';

type Sections = Record<string, string[]>;

/** Whose DNS server: the uplink's own (DHCP/PPP), the router's configured one, or the public resolver. */
export type DnsRole = 'uplink' | 'router' | 'public';

export interface DnsQuery {
  readonly server: string;
  readonly role: DnsRole;
  /** The probes' output section with its answer. */
  readonly section: 'dns' | 'dns.public';
}

export interface DnsPlan {
  readonly tool: DnsTool | null;
  /** The uplink's address a bound query is sent from; null for nslookup. */
  readonly source: string | null;
  /** What is asked; empty when nothing can be asked through this uplink (then `unavailable` says why). */
  readonly queries: readonly DnsQuery[];
  readonly unavailable: Omit<TroubleshootCheck, 'id' | 'title'> | null;
  /** The router's own `ip route get … from SOURCE` lines, shown as evidence of the path. */
  readonly routeEvidence: readonly string[];
}

export interface DnsContext {
  readonly name: string;
  readonly device: string;
  readonly dnsName: string;
  readonly publicDns: string | null;
}

const title = 'DNS through this uplink';
const ipv4 = /^\d+\.\d+\.\d+\.\d+$/;
const isLoopback = (address: string) => address.startsWith('127.');
const resolvCommand = 'cat /etc/resolv.conf /tmp/resolv.conf.d/resolv.conf.auto /tmp/resolv.conf.auto';
const installFix =
  'Install a DNS tool that can send from one uplink: drill (OpenWrt and GL.iNet: opkg update && opkg install drill; Debian: apt install ldnsutils) or dig (OpenWrt: bind-dig; Debian: bind9-dnsutils), then check again.';

function evidence(command: string, lines: readonly string[]): string[] {
  return [`$ ${command}`, ...lines.filter((l) => l.trim() !== '')];
}

function toolsOf(facts: Sections): Set<string> {
  return new Set((facts.tools ?? []).map((l) => l.trim().split('/').at(-1)!).filter(Boolean));
}

/** Decides, from the facts alone, which DNS servers are asked through the uplink and how. */
export function planDns(ctx: DnsContext, facts: Sections, defaultDevice: string | null): DnsPlan {
  const dev = ctx.device;
  const resolv = facts.resolv ?? [];
  const configured = parseNameservers(resolv);
  const own = [...new Set([...parseInterfaceNameservers(resolv, ctx.name), ...parseInterfaceNameservers(resolv, dev)])];
  const upstream = own.length ? own : configured.filter((s) => !isLoopback(s));
  const resolver = upstream[0] ? { server: upstream[0], role: (own.length ? 'uplink' : 'router') as DnsRole } : null;
  const publicServer = ctx.publicDns && ctx.publicDns !== resolver?.server ? ctx.publicDns : null;
  const resolvEv = evidence(resolvCommand, resolv.filter((l) => /^\s*(nameserver\s|#\s*Interface\s)/.test(l)));
  const none = (status: TroubleshootCheck['status'], summary: string, fix: string | null, extra: readonly string[] = []): DnsPlan => ({
    tool: null,
    source: null,
    queries: [],
    routeEvidence: [],
    unavailable: { status, summary, evidence: [...resolvEv, ...extra], fix },
  });
  if (configured.length === 0) {
    return none('fail', 'The router has no DNS server configured.', `Set a DNS server on the router (the ISP's, or a public one such as 1.1.1.1 or 9.9.9.9).`);
  }
  const tools = toolsOf(facts);
  const bindTool: DnsTool | null = tools.has('dig') ? 'dig' : tools.has('drill') ? 'drill' : null;
  const source = (facts['dns.source'] ?? []).map((l) => l.trim()).find((l) => ipv4.test(l)) ?? null;

  if (bindTool && source) {
    const routes = parseRouteGet(facts['dns.route'] ?? []);
    const routeLines = (server: string) => (facts['dns.route'] ?? []).filter((l) => l.trim().startsWith(`${server} `));
    const wanted = [...(resolver ? [{ ...resolver, section: 'dns' as const }] : []), ...(publicServer ? [{ server: publicServer, role: 'public' as const, section: 'dns.public' as const }] : [])];
    const viaOf = (server: string) => routes.find((r) => r.destination === server)?.dev ?? null;
    const routeEvidence = wanted.flatMap((q) => evidence(`ip -4 route get ${q.server} from ${source}`, routeLines(q.server)));
    const queries = wanted.filter((q) => viaOf(q.server) === dev);
    if (queries.length === 0) {
      const first = wanted[0];
      const via = first ? viaOf(first.server) : null;
      return {
        ...none(
          'skip',
          `Not asked through ${dev}: a query sent from ${dev}'s address ${source}${first ? ` to ${first.server}` : ''} would leave through ${via ?? 'another uplink'}, because the router has no route of its own for ${dev}'s address — it would test ${via ?? 'the default path'}, not ${dev}.`,
          `Enable failover with Switchyard (it gives each uplink a route of its own), then check again.`,
          routeEvidence,
        ),
        tool: bindTool,
        source,
      };
    }
    return { tool: bindTool, source, queries, unavailable: null, routeEvidence };
  }

  // No tool can choose the uplink: a plain query follows the router's default path, which is
  // this uplink's only when it carries the router's own traffic now.
  const resolverRoutes = parseRouteGet(facts['resolver.route'] ?? []);
  const unbound = configured.find((s) => resolverRoutes.find((r) => r.destination === s)?.dev === dev) ?? configured.find((s) => isLoopback(s) && defaultDevice === dev) ?? null;
  const hasNslookup = tools.has('nslookup') || tools.has('busybox');
  if (unbound && hasNslookup) {
    const queries: DnsQuery[] = [{ server: unbound, role: 'router', section: 'dns' }];
    if (publicServer && defaultDevice === dev) queries.push({ server: publicServer, role: 'public', section: 'dns.public' });
    return { tool: 'nslookup', source: null, queries, unavailable: null, routeEvidence: [] };
  }
  const carrier = resolverRoutes.find((r) => r.dev)?.dev ?? defaultDevice ?? 'another uplink';
  const why = !hasNslookup
    ? 'the router has no DNS tool (nslookup, dig or drill)'
    : `its only DNS tool is nslookup, which cannot choose the uplink a query leaves by (no source address option), and the router's own queries leave through ${carrier} now`;
  return none(
    'skip',
    `Can't test DNS through this uplink on this router: ${why}. Names resolve through ${dev} only as far as the other checks show; this is checked through ${dev} when ${dev} carries the router's traffic.`,
    installFix,
    evidence(`ip -4 route get ${configured[0]}`, facts['resolver.route'] ?? []),
  );
}

function queryCommand(plan: DnsPlan, facts: Sections, dnsName: string, server: string): string {
  switch (plan.tool) {
    case 'dig':
      return `dig +time=2 +tries=1 -b ${plan.source} @${server} ${dnsName} A`;
    case 'drill':
      return `${toolsOf(facts).has('timeout') ? 'timeout 5 ' : ''}drill -I ${plan.source} ${dnsName} @${server} A`;
    default:
      return `nslookup ${dnsName} ${server}`;
  }
}

function answerOf(plan: DnsPlan, lines: readonly string[]): DnsAnswer | null {
  if (plan.tool === 'nslookup') return parseNslookup(lines.filter((l) => !/^exit=\d+$/.test(l.trim())));
  return parseDigOrDrill(lines);
}

const serverWords = (q: DnsQuery, dev: string) => (q.role === 'uplink' ? `${dev}'s own DNS server ${q.server}` : q.role === 'public' ? `the public resolver ${q.server}` : `the DNS server ${q.server}`);
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The DNS check from the plan and the probes' answers; `target`: whether a target answered through the uplink (null: not asked). */
export function dnsCheck(ctx: DnsContext, plan: DnsPlan, facts: Sections, probes: Sections, target: 'answers' | 'silent' | null): TroubleshootCheck {
  const dev = ctx.device;
  if (plan.unavailable) return { id: 'dns', title, ...plan.unavailable };
  const resolv = facts.resolv ?? [];
  const asked = plan.queries.map((q) => ({ q, lines: probes[q.section] ?? [], answer: answerOf(plan, probes[q.section] ?? []) }));
  const ev = [
    ...evidence(resolvCommand, resolv.filter((l) => /^\s*(nameserver\s|#\s*Interface\s)/.test(l))),
    ...plan.routeEvidence,
    ...asked.flatMap((a) => evidence(queryCommand(plan, facts, ctx.dnsName, a.q.server), a.lines)),
  ];
  const from = plan.source ? `, asked from ${dev}'s address ${plan.source}` : '';
  const main = asked.find((a) => a.q.role !== 'public') ?? asked[0]!;
  const pub = asked.find((a) => a.q.role === 'public' && a !== main) ?? null;
  const mainWho = serverWords(main.q, dev);
  const pubNote = pub
    ? pub.answer?.outcome === 'answered'
      ? ` ${capital(serverWords(pub.q, dev))} answers through ${dev} too.`
      : ` ${capital(serverWords(pub.q, dev))} did not answer through ${dev} (${pub.answer?.rcode ?? pub.answer?.outcome ?? 'no output'}).`
    : '';
  const answer = main.answer;
  switch (answer?.outcome) {
    case 'answered':
      return { id: 'dns', title, status: 'pass', summary: `${ctx.dnsName} resolves to ${answer.addresses.join(', ')} through ${dev} (${main.q.role === 'router' ? `DNS server ${main.q.server}` : mainWho}${from}).${pubNote}`, evidence: ev, fix: null };
    case 'nxdomain':
      return { id: 'dns', title, status: 'warn', summary: `${capital(mainWho)} answers through ${dev} but says ${ctx.dnsName} does not exist.${pubNote}`, evidence: ev, fix: `DNS reaches the server, but it filters or is broken: set another DNS server on the router (the ISP's, or 1.1.1.1 or 9.9.9.9).` };
    case 'refused':
      return { id: 'dns', title, status: 'fail', summary: `${capital(mainWho)} refuses queries through ${dev}.${pubNote}`, evidence: ev, fix: `That address is not a DNS server for this router: set the ISP's DNS server or a public one (1.1.1.1, 9.9.9.9).` };
    default: {
      const failed = answer?.outcome === 'error' && answer.rcode ? `answers through ${dev} but fails the lookup (${answer.rcode})` : `did not answer through ${dev}`;
      if (pub?.answer?.outcome === 'answered' && main !== pub) {
        return {
          id: 'dns',
          title,
          status: 'fail',
          summary: `${capital(mainWho)} ${failed}, but ${serverWords(pub.q, dev)} does: names stop resolving when ${dev} carries the traffic.`,
          evidence: ev,
          fix: `${main.q.server} serves only another uplink's customers (ISPs' resolvers often do) or is down: set a DNS server every uplink reaches (such as ${pub.q.server}) on the router, so names still resolve after a failover.`,
        };
      }
      return {
        id: 'dns',
        title,
        status: 'fail',
        summary: `${capital(mainWho)} ${failed}.${pub ? ` Neither did ${serverWords(pub.q, dev)}.` : ''}`,
        evidence: ev,
        fix:
          target === 'answers'
            ? `Traffic gets through ${dev} (the target answers), so DNS is blocked on ${dev} or the DNS server itself is down or answers only its own ISP's customers: set a DNS server every uplink reaches (1.1.1.1 or 9.9.9.9) on the router, so names still resolve after a failover; if that fails too, the ISP or an upstream firewall blocks DNS on ${dev}.`
            : target === 'silent'
              ? `Nothing gets through ${dev} beyond the gateway (see the target check): fix that first; DNS needs the line too.`
              : `If addresses answer through ${dev}, the DNS server itself is down or answers only its own ISP's customers: set a DNS server every uplink reaches (1.1.1.1 or 9.9.9.9), so names still resolve after a failover.`,
      };
    }
  }
}

// Tracking targets that answer from where the router is. The candidates come from configuration
// (the core's `trackTargets`, e.g. a site's own servers or a lab's), the router's own resolvers,
// and public anycast resolvers last; each is pinged on the router through each uplink that has a
// path of its own. Nothing on the router is changed: an uplink with no route of its own (a
// backup before failover is applied) is not tested through, and the user is told so.
import type { TargetSuggestion } from '../../../shared/failover-schemas.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { decideProbeScope, probeScopeCommand, splitProbeScopeOutput } from '../probes/probe-scope.ts';
import { sh, shellCommand } from '../transport/ssh/shell-quote.ts';

/** Public resolvers, in pairs from different operators; used when nothing closer answers. */
export const publicTargets: readonly string[] = ['1.1.1.1', '8.8.8.8', '1.0.0.1', '8.8.4.4', '9.9.9.9', '208.67.222.222', '149.112.112.112', '208.67.220.220'];

export interface UplinkToCheck {
  readonly name: string;
  readonly device: string;
  readonly gateway?: string;
}

const maxCandidates = 12;
const perUplink = 2;
const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** IPv4 nameservers of resolv.conf text (OpenWrt keeps the upstream ones in resolv.conf.auto). */
export function nameserversOf(resolvConf: string): string[] {
  const out: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && ipv4.test(m[1]!) && !m[1]!.startsWith('127.') && !m[1]!.startsWith('0.') && !out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/** Configured first, then the router's resolvers, then public ones; no duplicates, no gateways. */
export function candidateTargets(configured: readonly string[], routerResolvers: readonly string[], gateways: readonly string[]): string[] {
  const seen = new Set(gateways);
  const out: string[] = [];
  for (const t of [...configured, ...routerResolvers, ...publicTargets]) {
    if (!ipv4.test(t) || seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out.slice(0, maxCandidates);
}

/** `ok DEV TARGET` / `no DEV TARGET` lines → the targets that answered, per device. */
export function parsePingAnswers(stdout: string): Map<string, Set<string>> {
  const answered = new Map<string, Set<string>>();
  for (const line of stdout.split('\n')) {
    const m = /^ok (\S+) (\S+)$/.exec(line.trim());
    if (!m) continue;
    answered.set(m[1]!, (answered.get(m[1]!) ?? new Set()).add(m[2]!));
  }
  return answered;
}

/**
 * Picks targets per uplink: those that answered through it, never one another uplink already has
 * (one dead target must not take two uplinks down), then, for an uplink that cannot be tested
 * through, targets that answered through another uplink, said as such.
 */
export function assignTargets(
  uplinks: readonly UplinkToCheck[],
  tested: ReadonlyMap<string, 'path' | 'gateway'>,
  answered: ReadonlyMap<string, ReadonlySet<string>>,
  candidates: readonly string[],
  gatewayAnswers: ReadonlyMap<string, boolean>,
): TargetSuggestion[] {
  const taken = new Set<string>();
  const share = (wanted: number, from: readonly string[]) => {
    const picked = from.filter((t) => !taken.has(t)).slice(0, wanted);
    for (const t of picked) taken.add(t);
    return picked;
  };
  const anywhere = candidates.filter((t) => [...answered.values()].some((set) => set.has(t)));
  // Uplinks that can be tested first, so they get their own answering targets; the spare ones
  // are spread over the others, at least one each.
  const testable = uplinks.filter((u) => tested.get(u.name) === 'path');
  const untestable = uplinks.filter((u) => tested.get(u.name) !== 'path');
  const fair = Math.max(1, Math.min(perUplink, Math.floor(anywhere.length / Math.max(1, uplinks.length))));
  const out = new Map<string, TargetSuggestion>();
  for (const u of testable) {
    const own = candidates.filter((t) => answered.get(u.device)?.has(t));
    const targets = share(fair, own);
    const tried = candidates.join(', ');
    out.set(
      u.name,
      targets.length > 0
        ? { wan: u.name, targets, checked: 'through-uplink', message: `${targets.join(' and ')} answered through ${u.device}.` }
        : {
            wan: u.name,
            targets: [],
            checked: 'none-answered',
            message:
              `None of ${tried} answered through ${u.device}${gatewayWords(u, gatewayAnswers)}. ` +
              (gatewayAnswers.get(u.name) === false
                ? `Check ${u.device}'s cable or modem first.`
                : `${u.device}'s provider may block these: type a target it answers (its DNS server, or a server of yours) in the uplink's settings.`),
          },
    );
  }
  for (const u of untestable) {
    const targets = share(fair, anywhere);
    out.set(
      u.name,
      targets.length > 0
        ? {
            wan: u.name,
            targets,
            checked: 'through-other-uplink',
            message: `${targets.join(' and ')} answered through another uplink; ${u.device} has no route of its own until failover is applied, so it could not be tested through it${gatewayWords(u, gatewayAnswers)}.`,
          }
        : {
            wan: u.name,
            targets: [],
            checked: 'none-answered',
            message: `No target answered through any uplink, and ${u.device} cannot be tested through until failover is applied${gatewayWords(u, gatewayAnswers)}. Type a target its provider answers in the uplink's settings.`,
          },
    );
  }
  return uplinks.map((u) => out.get(u.name)!);
}

function gatewayWords(u: UplinkToCheck, gatewayAnswers: ReadonlyMap<string, boolean>): string {
  const answers = gatewayAnswers.get(u.name);
  if (!u.gateway || answers === undefined) return '';
  return answers ? ` (its gateway ${u.gateway} answers)` : ` (its gateway ${u.gateway} does not answer either)`;
}

/** Reads, pings and assigns, in three round trips; read-only on the router. */
export async function suggestTargets(shell: RouterShell, uplinks: readonly UplinkToCheck[], configured: readonly string[]): Promise<{ tried: string[]; wans: TargetSuggestion[] }> {
  const resolv = await shell.run(sh.redirect(shellCommand(['cat', '/etc/resolv.conf', '/tmp/resolv.conf.d/resolv.conf.auto', '/tmp/resolv.conf.auto']), { stderr: '/dev/null' }), {
    expectExit: 'any',
    timeoutMs: 15_000,
    maxOutputBytes: 64 * 1024,
  });
  const gateways = uplinks.flatMap((u) => (u.gateway ? [u.gateway] : []));
  const candidates = candidateTargets(configured, nameserversOf(resolv.stdout), gateways);

  // Which uplinks have a path of their own (the same reading the monitor's probes use).
  const scopeInputs = uplinks.map((u) => ({ device: u.device, target: candidates[0] ?? publicTargets[0]!, ...(u.gateway && { gateway: u.gateway }) }));
  const scopeRun = await shell.run(probeScopeCommand(scopeInputs), { expectExit: 'any', timeoutMs: 20_000, maxOutputBytes: 64 * 1024 });
  const scopes = splitProbeScopeOutput(scopeRun.stdout, scopeInputs.length);
  const tested = new Map(uplinks.map((u, i) => [u.name, decideProbeScope(scopeInputs[i]!, scopes[i]!.get, scopes[i]!.link).scope] as const));

  const pairs = [
    ...uplinks.filter((u) => tested.get(u.name) === 'path').flatMap((u) => candidates.map((t) => `${u.device}/${t}`)),
    ...uplinks.flatMap((u) => (u.gateway ? [`${u.device}/${u.gateway}`] : [])),
  ];
  const pinged =
    pairs.length === 0
      ? { stdout: '' }
      : await shell.run(
          sh.script`for p in ${pairs}; do ( d=\${p%%/*}; t=\${p#*/}; if ping -c 2 -W 2 -I "$d" "$t" >/dev/null 2>&1; then echo "ok $d $t"; else echo "no $d $t"; fi ) & done; wait`,
          { expectExit: 'any', timeoutMs: 30_000, maxOutputBytes: 256 * 1024 },
        );
  const answered = parsePingAnswers(pinged.stdout);
  const gatewayAnswers = new Map(uplinks.flatMap((u) => (u.gateway ? [[u.name, answered.get(u.device)?.has(u.gateway) ?? false] as const] : [])));
  // A gateway answering is not the internet answering: it never counts as a target.
  for (const u of uplinks) if (u.gateway) answered.get(u.device)?.delete(u.gateway);
  return { tried: candidates, wans: assignTargets(uplinks, tested, answered, candidates, gatewayAnswers) };
}

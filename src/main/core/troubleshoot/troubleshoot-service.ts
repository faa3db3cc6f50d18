// Troubleshooting one router, uplink by uplink: which uplinks (the failover policy's, else what
// detection found), what to probe each with (its tracking target unless one is given), then the
// facts and probes on the router, all uplinks at once over one SSH connection. Read-only: nothing
// on the router is configured, so running it during an outage can only help.
import type { TroubleshootReport } from '../../../shared/api/troubleshoot-schemas.ts';
import { detectionResultSchema } from '../../../shared/detect-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { FailoverPolicy, PlatformId, WanKind } from '../../../shared/model.ts';
import type { RouterDriver, RouterShell, WanCandidate } from '../drivers/driver.ts';
import { planProbes, troubleshootUplink, type Ipv6Handling, type UplinkContext } from './troubleshoot-checks.ts';
import { troubleshootFactsCommand, troubleshootProbesCommand, troubleshootSections } from './troubleshoot-commands.ts';

export interface TroubleshootRequest {
  readonly routerId: string;
  readonly uplink?: string | undefined;
  readonly target?: string | undefined;
  readonly dnsName: string;
}

export interface TroubleshootDeps {
  readonly router: (routerId: string) => { name: string; platform: string | null; facts: unknown };
  /** The router's driver; rejects when the platform has none (detection not run, unsupported). */
  readonly driver: (routerId: string) => Promise<RouterDriver>;
  readonly shell: (routerId: string) => Promise<RouterShell>;
  /** The public resolver asked through every uplink beside the router's own; none when empty. Default 1.1.1.1. */
  readonly publicDnsServers?: readonly string[];
  readonly nowMs?: () => number;
}

interface Uplink {
  readonly name: string;
  readonly device: string;
  readonly kind: WanKind;
  readonly gateway: string | null;
  readonly targets: readonly string[];
}

const engines: Partial<Record<PlatformId, { name: string; ipv6: Ipv6Handling }>> = {
  linux: { name: 'the Switchyard agent', ipv6: 'ipv4-only' },
  'openwrt-mwan3': { name: 'mwan3', ipv6: 'if-configured' },
  'glinet-kmwan': { name: "GL.iNet's kmwan", ipv6: 'moves-ipv6' },
};

const factsTimeoutMs = 20_000;
// Gateway ping 2 s, target ping ~4 s, two DNS queries up to ~10 s each (BusyBox nslookup; dig 2 s,
// drill under timeout 5 s), curl 6 s, on a busy router.
const probesTimeoutMs = 60_000;
const defaultPublicDns: readonly string[] = ['1.1.1.1'];

export class TroubleshootService {
  readonly #deps: TroubleshootDeps;

  constructor(deps: TroubleshootDeps) {
    this.#deps = deps;
  }

  async run(request: TroubleshootRequest): Promise<TroubleshootReport> {
    const record = this.#deps.router(request.routerId);
    const driver = await this.#deps.driver(request.routerId).catch(() => null);
    const policy = driver ? await driver.readPolicy().catch(() => null) : null;
    const candidates = driver ? await driver.readWans().catch(() => [] as WanCandidate[]) : [];
    const all = uplinksOf(record.facts, policy, candidates);
    if (all.length === 0) throw new SwitchyardError('conflict', `Switchyard knows no uplinks on ${record.name} yet. Run detection first (Overview → Detect again).`);
    const chosen = request.uplink ? all.filter((u) => u.name === request.uplink || u.device === request.uplink) : all;
    if (chosen.length === 0) throw new SwitchyardError('invalid-input', `${record.name} has no uplink "${request.uplink}". Its uplinks: ${all.map((u) => (u.name === u.device ? u.name : `${u.name} (${u.device})`)).join(', ')}.`);

    const engine = policy && record.platform ? engines[record.platform as PlatformId] : undefined;
    const shell = await this.#deps.shell(request.routerId);
    // Passed to the router as a quoted argument; still only an IPv4 address is used.
    const publicDns = (this.#deps.publicDnsServers ?? defaultPublicDns).find((s) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s)) ?? null;
    const targetOf = (u: Uplink) => request.target ?? u.targets.find((t) => t !== u.gateway) ?? null;
    const uplinks = await Promise.all(
      chosen.map(async (u) => {
        const ctx: UplinkContext = {
          name: u.name,
          device: u.device,
          kind: u.kind,
          gateway: u.gateway,
          target: targetOf(u),
          dnsName: request.dnsName,
          engine: engine?.name ?? 'no failover engine',
          ipv6: engine?.ipv6 ?? 'no-engine',
          publicDns,
        };
        const facts = troubleshootSections((await shell.run(troubleshootFactsCommand(u.device, ctx.target, publicDns ? [publicDns] : []), { expectExit: 'any', timeoutMs: factsTimeoutMs })).stdout);
        const plan = planProbes(ctx, facts);
        const probes = plan.probes ? troubleshootSections((await shell.run(troubleshootProbesCommand(plan.probes), { expectExit: 'any', timeoutMs: probesTimeoutMs })).stdout) : null;
        return troubleshootUplink(ctx, facts, probes);
      }),
    );
    const targets = [...new Set(chosen.map(targetOf))];
    return { routerId: request.routerId, checkedMs: (this.#deps.nowMs ?? Date.now)(), target: targets.length === 1 ? (targets[0] ?? null) : null, dnsName: request.dnsName, uplinks };
  }
}

/** The policy's enabled uplinks (with their targets), else what detection found; gateways as the router reports them now. */
function uplinksOf(facts: unknown, policy: FailoverPolicy | null, candidates: readonly WanCandidate[]): Uplink[] {
  const live = (device: string) => candidates.find((c) => c.device === device);
  if (policy) {
    return policy.wans
      .filter((w) => w.enabled)
      .map((w) => ({ name: w.name, device: w.device, kind: w.kind, gateway: w.gateway ?? live(w.device)?.gateway ?? null, targets: w.tracking.targets }));
  }
  if (candidates.length) return candidates.map((c) => ({ name: c.name, device: c.device, kind: c.kind, gateway: c.gateway ?? null, targets: [] }));
  const detection = facts ? detectionResultSchema.safeParse(facts) : null;
  return (detection?.success ? detection.data.uplinks : []).flatMap((u) => (u.device ? [{ name: u.name, device: u.device, kind: u.kind, gateway: u.gateway ?? null, targets: [] }] : []));
}

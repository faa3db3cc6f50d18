// The draft a user starts from when failover is not enabled yet: every uplink the router has,
// the one carrying the default route first, then the steadier kinds before the metered ones.
// An Ethernet port with neither a default route nor a gateway is most likely the LAN: it is
// left out of the draft (the tab still offers to add it).
import type { FailoverPolicy, PlatformId, Wan, WanKind } from './model.ts';
import { wanSchema } from './model.ts';
import type { DriverCapabilities, WanCandidate } from './failover-schemas.ts';
import { defaultDampening, defaultTracking } from './failover-defaults.ts';

/** Cable before Wi-Fi before a phone before metered cellular: cost and stability, in that order. */
export const kindOrder: Readonly<Record<WanKind, number>> = { ethernet: 0, repeater: 1, tethering: 2, cellular: 3 };

const maxPolicyWans = 8;

export function initialPolicy(platform: PlatformId, candidates: readonly WanCandidate[], capabilities?: Pick<DriverCapabilities, 'maxWans'>): FailoverPolicy {
  const ordered = candidates
    .filter((c) => c.hasDefaultRoute || c.gateway !== undefined || c.kind !== 'ethernet')
    .map((candidate, index) => ({ candidate, index }))
    .sort(
      (a, b) =>
        Number(b.candidate.hasDefaultRoute) - Number(a.candidate.hasDefaultRoute) ||
        kindOrder[a.candidate.kind] - kindOrder[b.candidate.kind] ||
        (a.candidate.metric ?? Number.MAX_SAFE_INTEGER) - (b.candidate.metric ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index,
    )
    .slice(0, Math.min(capabilities?.maxWans ?? maxPolicyWans, maxPolicyWans));
  const wans = ordered.map(({ candidate }, i): Wan => {
    // A gateway the router reported in a form the schema refuses would block Apply for a
    // reason the user did not cause; leaving it empty lets the router keep learning it.
    const gateway = candidate.gateway && wanSchema.shape.gateway.safeParse(candidate.gateway).success ? candidate.gateway : undefined;
    return {
      name: candidate.name,
      device: candidate.device,
      kind: candidate.kind,
      ...(gateway && { gateway }),
      priority: i + 1,
      weight: 1,
      tracking: defaultTracking(platform),
      enabled: true,
    };
  });
  return { mode: 'failover', wans, forcedRefreshStreams: false, dampening: defaultDampening };
}

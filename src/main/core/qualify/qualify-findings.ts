// What the probes of a target qualification mean for the draft policy: each finding with its
// evidence in words and, where one exists, the one change to the draft that resolves it. Pure.
import type { TargetFinding, TargetFix, TargetProbe } from '../../../shared/api/qualify-schemas.ts';
import type { FailoverPolicy, Wan } from '../../../shared/model.ts';

/** Loss through the uplink at the slow rate above which a target makes tracking flap. */
export const lossyPct = 20;
/** Rate limiting: at the Fast rate this many points more loss than at the slow rate. */
export const rateLimitPoints = 25;

/** Uplinks whose targets are ICMP targets (ping tracking), enabled. */
export function pingedWans(policy: FailoverPolicy): Wan[] {
  return policy.wans.filter((w) => w.enabled && w.tracking.method === 'ping');
}

const fraction = (s: TargetProbe['slow']) => `${s.received} of ${s.sent}`;
const net24 = (ip: string) => ip.split('.').slice(0, 3).join('.');
const answersWell = (p: TargetProbe) => p.slow.sent > 0 && p.slow.lossPct === 0 && p.fast.lossPct <= 10;

export function qualifyFindings(policy: FailoverPolicy, probes: readonly TargetProbe[]): TargetFinding[] {
  const wans = pingedWans(policy);
  const used = new Set(wans.flatMap((w) => w.tracking.targets));
  const findings: TargetFinding[] = [];
  const probe = (wan: string, target: string) => probes.find((p) => p.wan === wan && p.target === target);
  /** An address that answered every echo through `wan` and is no uplink's target yet. */
  const spare = (wan: string, avoid: (p: TargetProbe) => boolean = () => false): string | null => {
    const p = probes.find((x) => x.wan === wan && !used.has(x.target) && answersWell(x) && !avoid(x));
    return p ? p.target : null;
  };
  /** A spare that answers instead of `target`; else, when `orRemove`, dropping it (if others answer). */
  const fixFor = (wan: Wan, target: string, avoid?: (p: TargetProbe) => boolean, orRemove = true): TargetFix | null => {
    const to = spare(wan.name, avoid);
    if (to) {
      used.add(to);
      return { kind: 'replace-target', wan: wan.name, from: target, to };
    }
    if (!orRemove) return null;
    const others = wan.tracking.targets.filter((t) => t !== target && probe(wan.name, t) && answersWell(probe(wan.name, t)!));
    return others.length > 0 ? { kind: 'remove-target', wan: wan.name, target } : null;
  };

  // The same target on two uplinks: its own outage takes both down at once (and the agent refuses it).
  const owners = new Map<string, string[]>();
  for (const w of wans) for (const t of w.tracking.targets) owners.set(t, [...(owners.get(t) ?? []), w.name]);
  for (const [target, names] of owners) {
    if (names.length < 2) continue;
    const later = wans.filter((w) => names.includes(w.name)).sort((a, b) => a.priority - b.priority).at(-1)!;
    findings.push({
      kind: 'shared-target',
      severity: 'problem',
      wan: later.name,
      target,
      text: `${target} is a target of ${names.join(' and ')}. If it stops answering, every one of those uplinks looks down at the same moment, and the Linux agent refuses a target on two uplinks. Give ${later.name} a target of its own.`,
      fix: fixFor(later, target) ?? (later.tracking.targets.length > 1 ? { kind: 'remove-target', wan: later.name, target } : null),
    });
  }

  for (const w of wans) {
    const targets = w.tracking.targets;
    if (targets.length === 0) {
      const to = spare(w.name);
      findings.push({ kind: 'no-targets', severity: 'problem', wan: w.name, target: null, text: `${w.name} tracks by ping but has no target, so its failure cannot be seen. Add one that answers through ${w.name}.`, fix: to ? { kind: 'add-target', wan: w.name, target: to } : null });
      continue;
    }
    for (const t of targets) {
      const p = probe(w.name, t);
      if (!p) continue;
      const elsewhere = probes.filter((x) => x.target === t && x.wan !== w.name && x.slow.received > 0).map((x) => `${x.wan} (${fraction(x.slow)})`);
      if (p.slow.received === 0 && p.fast.received === 0) {
        findings.push({
          kind: 'no-answer',
          severity: 'problem',
          wan: w.name,
          target: t,
          text:
            `${t} did not answer through ${w.name}: ${fraction(p.slow)} echoes${p.fast.sent > 0 ? ` and ${fraction(p.fast)} at 10 a second` : ''}.` +
            (elsewhere.length > 0 ? ` It answers through ${elsewhere.join(', ')}, so something on ${w.name}'s path blocks it.` : ' It answers through no uplink.') +
            ` With it, ${w.name} would look down while it works. Use a target that answers through ${w.name}.`,
          fix: fixFor(w, t),
        });
        continue;
      }
      if (p.slow.lossPct >= lossyPct) {
        findings.push({
          kind: 'lossy',
          severity: 'problem',
          wan: w.name,
          target: t,
          text: `${t} lost ${p.slow.lossPct} % of its echoes through ${w.name} (${fraction(p.slow)} answered). Loss like this makes ${w.name} flap between up and down. Use a steadier target.`,
          fix: fixFor(w, t),
        });
        continue;
      }
      if (p.fast.lossPct - p.slow.lossPct >= rateLimitPoints) {
        const fix = fixFor(w, t);
        findings.push({
          kind: 'rate-limited',
          severity: 'warning',
          wan: w.name,
          target: t,
          text: `${t} answers ICMP only at a limited rate, as public DNS resolvers do: ${fraction(p.slow)} echoes half a second apart, but only ${fraction(p.fast)} at 10 a second. Probed fast (the Fast preset), its silence looks like loss. Use another target, or keep Balanced's slower probing.`,
          fix: fix ?? { kind: 'use-preset', preset: 'balanced' },
        });
      }
      if (p.rttMs && p.rttMs.avg > (w.tracking.timeoutSec * 1000) / 2) {
        findings.push({
          kind: 'slow',
          severity: 'warning',
          wan: w.name,
          target: t,
          text: `${t} answers through ${w.name} in ${Math.round(p.rttMs.avg)} ms on average (up to ${Math.round(p.rttMs.max)} ms), more than half of the ${w.tracking.timeoutSec} s timeout: a slow moment will count as loss. Use a nearer target or a longer timeout.`,
          fix: fixFor(w, t, (x) => (x.rttMs?.avg ?? Infinity) > (w.tracking.timeoutSec * 1000) / 4, false),
        });
      }
    }
    if (targets.length === 1) {
      const to = spare(w.name, (x) => net24(x.target) === net24(targets[0]!));
      findings.push({
        kind: 'single-target',
        severity: 'warning',
        wan: w.name,
        target: targets[0]!,
        text: `${w.name} has one target: when ${targets[0]} itself is down or slow, ${w.name} looks down too. Add a second target on another network.`,
        fix: to ? (used.add(to), { kind: 'add-target', wan: w.name, target: to }) : null,
      });
      continue;
    }
    const nets = new Set(targets.map(net24));
    if (nets.size === 1) {
      const net = `${[...nets][0]}.0/24`;
      findings.push({
        kind: 'one-network',
        severity: 'warning',
        wan: w.name,
        target: null,
        text: `All of ${w.name}'s targets (${targets.join(', ')}) are in ${net}: most likely one network behind one upstream. If it fails, ${w.name} looks down while it works. Use targets run by different providers.`,
        // Removing a target would not put the rest on another network: only a replacement fixes it.
        fix: fixFor(w, targets.at(-1)!, (x) => net24(x.target) === net24(targets[0]!), false),
      });
      continue;
    }
    // Every target reached through one router beyond the uplink's first hop: one upstream.
    const paths = targets.map((t) => probe(w.name, t)?.hops ?? []);
    const beyondFirst = (hops: ReadonlyArray<string | null>) => hops.slice(1).filter((h): h is string => h !== null && !targets.includes(h));
    const common = beyondFirst(paths[0] ?? []).find((h) => paths.every((hs) => beyondFirst(hs).includes(h)));
    if (common) {
      findings.push({
        kind: 'shared-upstream',
        severity: 'warning',
        wan: w.name,
        target: null,
        text: `Every target of ${w.name} is reached through ${common}: if that router fails, all of them go silent together and ${w.name} looks down. Add a target reached another way.`,
        fix: fixFor(w, targets.at(-1)!, (x) => x.hops.includes(common), false),
      });
    }
  }
  return findings;
}

// Reads the output of qualifyCommand (sections named `i.j.kind`) into one probe record per uplink
// and target: iputils ping ("5 received", rtt min/avg/max/mdev, "Time to live exceeded" per TTL)
// or BusyBox ping ("5 packets received", round-trip min/avg/max) with BusyBox traceroute's hops.
import type { TargetProbe } from '../../../shared/api/qualify-schemas.ts';
import { fastNotRun, sectionMark } from './qualify-command.ts';

export interface ProbeSlot {
  readonly wan: string;
  readonly target: string;
  readonly role: TargetProbe['role'];
}

/** Sections by name; the special lines (`@@qualify-busy TABLE`, `-unsupported`, `-setup-failed`) as `marks`. */
export function qualifySections(stdout: string): { sections: Map<string, string>; marks: string[] } {
  const sections = new Map<string, string>();
  const marks: string[] = [];
  let current: string | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${sectionMark}-`)) {
      marks.push(line.slice(sectionMark.length + 1).trim());
      continue;
    }
    const m = new RegExp(`^${sectionMark} (\\d+\\.\\d+\\.(?:slow|fast|hops))$`).exec(line.trim());
    if (m) {
      current = m[1]!;
      sections.set(current, '');
      continue;
    }
    if (current) sections.set(current, `${sections.get(current)}${line}\n`);
  }
  return { sections, marks };
}

function summary(text: string | undefined): TargetProbe['slow'] & { rtt: TargetProbe['rttMs'] } {
  // Not run (a ping with whole-second intervals only): nothing sent, and nothing lost either.
  if (text?.trim() === fastNotRun) return { sent: 0, received: 0, lossPct: 0, rtt: null };
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text ?? '');
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(text ?? '');
  const sent = counts ? Number(counts[1]) : 0;
  const received = counts ? Number(counts[2]) : 0;
  return {
    sent,
    received,
    lossPct: sent === 0 ? 100 : Math.round((1000 * (sent - received)) / sent) / 10,
    rtt: rtt ? { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) } : null,
  };
}

/** Who answered each TTL: "From X … Time to live exceeded", the target's own reply, or nobody. */
function hops(text: string | undefined, target: string): Array<string | null> {
  if (/^traceroute to /m.test(text ?? '')) return tracerouteHops(text!, target);
  const out: Array<string | null> = [];
  for (const run of (text ?? '').split(/^PING /m).slice(1)) {
    const exceeded = /^From (\d+\.\d+\.\d+\.\d+)[: ].*Time to live exceeded/m.exec(run);
    const reached = /^\d+ bytes from (\d+\.\d+\.\d+\.\d+)/m.exec(run);
    if (reached) {
      out.push(reached[1] === target ? target : reached[1]!);
      break;
    }
    out.push(exceeded ? exceeded[1]! : null);
  }
  return out;
}

/** BusyBox traceroute -n -q 1: ` 1  100.64.1.1  0.010 ms`, ` 2  *`; stops at the target. */
function tracerouteHops(text: string, target: string): Array<string | null> {
  const out: Array<string | null> = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+\s+(\*|\d+\.\d+\.\d+\.\d+)/.exec(line);
    if (!m) continue;
    const who = m[1] === '*' ? null : m[1]!;
    out.push(who);
    if (who === target) break;
  }
  return out;
}

/** slots[i-1][j-1] is the uplink and target the command probed as `i.j`. */
export function parseQualify(stdout: string, slots: ReadonlyArray<ReadonlyArray<ProbeSlot>>): TargetProbe[] {
  const { sections } = qualifySections(stdout);
  return slots.flatMap((row, i) =>
    row.map((slot, j): TargetProbe => {
      const key = `${i + 1}.${j + 1}`;
      const slow = summary(sections.get(`${key}.slow`));
      const fast = summary(sections.get(`${key}.fast`));
      const rtt = slow.rtt ?? fast.rtt;
      return {
        wan: slot.wan,
        target: slot.target,
        role: slot.role,
        slow: { sent: slow.sent, received: slow.received, lossPct: slow.lossPct },
        fast: { sent: fast.sent, received: fast.received, lossPct: fast.lossPct },
        rttMs: rtt,
        hops: hops(sections.get(`${key}.hops`), slot.target),
      };
    }),
  );
}

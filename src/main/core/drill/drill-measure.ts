// Turns what the router recorded during a drill into numbers: the 10 Hz probe's log
// (iputils `ping -D -O`), the failover engine's own event log and conntrack's TCP table.
// Pure, so the same maths serves the drill, the benchmark's LAN-side ping and the tests.
import { parseProbeLine } from '../probes/ping-line-parser.ts';

export interface ProbeRecord {
  readonly seq: number;
  /** When it was sent, on the clock of the host that ran ping (epoch ms). */
  readonly sentMs: number;
  readonly rttMs: number | null;
}

/**
 * Every probe with an outcome, by sequence number. A reply's send time is its `-D` timestamp
 * minus its round trip; iputils prints `no answer yet for icmp_seq=N` as it sends N+1, so a
 * lost probe was sent one interval before that line. A late reply wins over its no-answer line.
 */
export function probeRecords(pingOutput: string, intervalMs = 100): ProbeRecord[] {
  const bySeq = new Map<number, ProbeRecord>();
  for (const raw of pingOutput.split('\n')) {
    const line = parseProbeLine(raw);
    if (line.kind === 'reply' && line.routerAtMs !== undefined) {
      bySeq.set(line.seq, { seq: line.seq, sentMs: line.routerAtMs - line.rttMs, rttMs: line.rttMs });
    } else if (line.kind === 'no-answer' && line.routerAtMs !== undefined && !bySeq.has(line.seq)) {
      bySeq.set(line.seq, { seq: line.seq, sentMs: line.routerAtMs - intervalMs, rttMs: null });
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export interface Outage {
  /** First lost probe at or after the failure (minus what was in flight). */
  readonly firstLostSentMs: number;
  /** Arrival of the first reply after that loss: traffic flows again. */
  readonly firstReplyAfterMs: number | null;
  readonly lost: number;
}

/** Probes already on their way when the failure began can be lost too. */
const inFlightMs = 500;

/** The outage that a failure at `startMs` caused in a probe series, or null when none was lost. */
export function outageAfter(records: readonly ProbeRecord[], startMs: number): Outage | null {
  const firstLost = records.findIndex((r) => r.rttMs === null && r.sentMs >= startMs - inFlightMs);
  if (firstLost < 0) return null;
  let lost = 0;
  for (let i = firstLost; i < records.length; i++) {
    const r = records[i]!;
    if (r.rttMs === null) lost++;
    else return { firstLostSentMs: records[firstLost]!.sentMs, firstReplyAfterMs: r.sentMs + r.rttMs, lost };
  }
  return { firstLostSentMs: records[firstLost]!.sentMs, firstReplyAfterMs: null, lost };
}

/** Probes lost among those sent in [fromMs, toMs). */
export function lostBetween(records: readonly ProbeRecord[], fromMs: number, toMs: number): number {
  return records.filter((r) => r.rttMs === null && r.sentMs >= fromMs && r.sentMs < toMs).length;
}

export interface EngineEvent {
  readonly tMs: number;
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly line: string;
}

const eventLineRe = /^(\d{10,16}) ([a-z][a-z0-9-]*) (\{.*\})\s*$/;

/** The Switchyard agent's event log (`<epoch-ms> <kind> <json>` per line); other lines are skipped. */
export function agentEventLines(text: string): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (const line of text.split('\n')) {
    const m = eventLineRe.exec(line.trim());
    if (!m) continue;
    let data: unknown;
    try {
      data = JSON.parse(m[3]!);
    } catch {
      continue;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) continue;
    events.push({ tMs: Number(m[1]), kind: m[2]!, data: data as Record<string, unknown>, line: line.trim() });
  }
  return events;
}

const listHas = (value: unknown, wan: string) => Array.isArray(value) && value.includes(wan);

/** The engine declared `wan` down: the agent's `status` event to offline. */
export function detectionEvent(events: readonly EngineEvent[], wan: string, fromMs: number): EngineEvent | null {
  return events.find((e) => e.tMs >= fromMs && e.kind === 'status' && e.data.wan === wan && e.data.to === 'offline') ?? null;
}

/** Default traffic left `wan` (failover) at or after `fromMs`. */
export function switchAwayEvent(events: readonly EngineEvent[], wan: string, fromMs: number): EngineEvent | null {
  return events.find((e) => e.tMs >= fromMs && e.kind === 'switch' && listHas(e.data.from, wan) && !listHas(e.data.to, wan)) ?? null;
}

/** Default traffic came back to `wan` at or after `fromMs`. */
export function switchBackEvent(events: readonly EngineEvent[], wan: string, fromMs: number): EngineEvent | null {
  return events.find((e) => e.tMs >= fromMs && e.kind === 'switch' && listHas(e.data.to, wan)) ?? null;
}

export interface TcpFlow {
  /** The original direction's addresses and ports: the flow's identity across snapshots. */
  readonly key: string;
  readonly state: string;
  /** Where replies go: after masquerade, the address of the uplink the flow uses. */
  readonly replyDst: string;
}

/** `conntrack -L -p tcp` lines: `tcp 6 431999 ESTABLISHED src=… dst=… sport=… dport=… src=… dst=… …`. */
export function tcpFlows(text: string): TcpFlow[] {
  const flows: TcpFlow[] = [];
  for (const line of text.split('\n')) {
    const m = /^tcp\s+\d+\s+\d+\s+([A-Z_]+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const src = [...m[2]!.matchAll(/\bsrc=(\S+)/g)].map((x) => x[1]!);
    const dst = [...m[2]!.matchAll(/\bdst=(\S+)/g)].map((x) => x[1]!);
    const sport = /\bsport=(\d+)/.exec(m[2]!)?.[1];
    const dport = /\bdport=(\d+)/.exec(m[2]!)?.[1];
    if (src.length < 2 || dst.length < 2 || !sport || !dport) continue;
    flows.push({ key: `${src[0]}:${sport}>${dst[0]}:${dport}`, state: m[1]!, replyDst: dst[1]! });
  }
  return flows;
}

/** Established flows through the uplink with `address` before, and how many of them were no longer established after. */
export function flowsCut(before: readonly TcpFlow[], after: readonly TcpFlow[], address: string): { before: number; cut: number } {
  const through = before.filter((f) => f.state === 'ESTABLISHED' && f.replyDst === address);
  const alive = new Set(after.filter((f) => f.state === 'ESTABLISHED').map((f) => f.key));
  return { before: through.length, cut: through.filter((f) => !alive.has(f.key)).length };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function stat(values: readonly (number | null)[]): { medianSec: number; worstSec: number; count: number } | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return { medianSec: round3(median(known)), worstSec: round3(Math.max(...known)), count: known.length };
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

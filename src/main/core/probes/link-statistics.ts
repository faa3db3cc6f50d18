// Link quality per uplink over rolling 1 s and 1 min windows: latency median/p95/min/max, jitter
// (RFC 3550 estimator and mean absolute successive difference) and loss. No data gives null.
import type { ProbeOutcome } from './probe-tracker.ts';

/** The p-th percentile (0–100), linear between closest ranks (Hyndman & Fan type 7, as numpy). */
export function percentile(values: readonly number[], pct: number): number | null {
  if (values.length === 0) return null;
  if (!(pct >= 0 && pct <= 100)) throw new RangeError(`percentile ${pct} is not within 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (pct / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/**
 * RFC 3550 §6.4.1 interarrival jitter, J += (|D| - J) / 16, where D is the difference between
 * successive transit times; for RTT samples, successive RTT differences. Starts from `initialMs`
 * (the RFC starts at 0), so a caller can carry the estimator across windows. Null below 2 samples.
 */
export function rfc3550Jitter(rttsMs: readonly number[], initialMs = 0): number | null {
  if (rttsMs.length < 2) return null;
  let j = initialMs;
  for (let i = 1; i < rttsMs.length; i++) j += (Math.abs(rttsMs[i] - rttsMs[i - 1]) - j) / 16;
  return j;
}

/** Mean absolute successive difference of RTTs (what most ping tools call jitter). */
export function meanAbsSuccessiveDiff(rttsMs: readonly number[]): number | null {
  if (rttsMs.length < 2) return null;
  let sum = 0;
  for (let i = 1; i < rttsMs.length; i++) sum += Math.abs(rttsMs[i] - rttsMs[i - 1]);
  return sum / (rttsMs.length - 1);
}

export function lossPct(sent: number, lost: number): number | null {
  return sent === 0 ? null : (lost / sent) * 100;
}

export interface LinkWindowStats {
  readonly windowSec: number;
  /** Start of the window, epoch ms, aligned to a multiple of windowSec. */
  readonly startMs: number;
  /** Probes with an outcome in this window (replies + lost). */
  readonly probes: number;
  readonly replies: number;
  readonly lost: number;
  readonly lossPct: number | null;
  readonly latencyMedianMs: number | null;
  readonly latencyP95Ms: number | null;
  readonly latencyMinMs: number | null;
  readonly latencyMaxMs: number | null;
  /** RFC 3550 estimator as it stood after this window's last reply (it runs across windows). */
  readonly jitterRfc3550Ms: number | null;
  /** Mean of |RTT difference| for the reply pairs whose later reply falls in this window. */
  readonly jitterMasdMs: number | null;
}

export interface LinkStatisticsOptions {
  /** Window lengths in seconds; each must divide a minute or be a whole number of minutes. */
  readonly windowsSec?: readonly number[];
  /**
   * Two replies further apart than this (an outage) are not a jitter pair: the difference
   * would describe the outage, not the link.
   */
  readonly jitterPairMaxGapMs?: number;
  /** After a long silence, at most this many empty windows per size are returned by one flush. */
  readonly maxEmptyWindows?: number;
}

interface OpenWindow {
  readonly windowSec: number;
  startMs: number;
  rttsMs: number[];
  diffsMs: number[];
  lost: number;
  jitterMs: number | null;
}

const maxSamplesPerWindow = 100_000;

export class LinkStatistics {
  readonly #windows: OpenWindow[];
  readonly #pairMaxGapMs: number;
  readonly #maxEmpty: number;
  /** Windows closed by add() (an outcome from a later window arrived) awaiting flush(). */
  #done: LinkWindowStats[] = [];
  #prevReply: { rttMs: number; atMs: number } | undefined;
  #jitterMs = 0;
  #jitterPairs = 0;

  constructor(opts: LinkStatisticsOptions = {}) {
    const sizes = opts.windowsSec ?? [1, 60];
    this.#windows = sizes.map((windowSec) => {
      if (!(windowSec > 0)) throw new RangeError(`window of ${windowSec} s`);
      return { windowSec, startMs: Number.NaN, rttsMs: [], diffsMs: [], lost: 0, jitterMs: null };
    });
    this.#pairMaxGapMs = opts.jitterPairMaxGapMs ?? 10_000;
    this.#maxEmpty = opts.maxEmptyWindows ?? 3600;
  }

  /** Counts a probe outcome. Late replies and duplicates are ignored: the probe was counted once. */
  add(outcome: ProbeOutcome): void {
    if (outcome.kind === 'late' || outcome.kind === 'duplicate') return;
    let diffMs: number | undefined;
    if (outcome.kind === 'reply') {
      const prev = this.#prevReply;
      if (prev !== undefined && outcome.atMs - prev.atMs <= this.#pairMaxGapMs) {
        diffMs = Math.abs(outcome.rttMs - prev.rttMs);
        this.#jitterMs += (diffMs - this.#jitterMs) / 16;
        this.#jitterPairs++;
      }
      this.#prevReply = { rttMs: outcome.rttMs, atMs: outcome.atMs };
    }
    for (const w of this.#windows) {
      const start = alignMs(outcome.atMs, w.windowSec);
      if (Number.isNaN(w.startMs)) w.startMs = start;
      // An outcome older than the open window (clock stepped back) counts in the open one
      // rather than vanish; a newer one closes the open window first.
      else if (start > w.startMs) this.#done.push(...this.#close(w, start));
      if (outcome.kind === 'reply') {
        if (w.rttsMs.length < maxSamplesPerWindow) w.rttsMs.push(outcome.rttMs);
        if (diffMs !== undefined && w.diffsMs.length < maxSamplesPerWindow) w.diffsMs.push(diffMs);
        if (this.#jitterPairs > 0) w.jitterMs = this.#jitterMs;
      } else {
        w.lost++;
      }
    }
  }

  /**
   * Returns every window that ended at or before `nowMs`, oldest first, empty ones included with
   * nulls (a gap is a gap). Call it about once per smallest window.
   */
  flush(nowMs: number): LinkWindowStats[] {
    const out = this.#done;
    this.#done = [];
    for (const w of this.#windows) {
      if (Number.isNaN(w.startMs)) {
        w.startMs = alignMs(nowMs, w.windowSec);
        continue;
      }
      const current = alignMs(nowMs, w.windowSec);
      if (current > w.startMs) out.push(...this.#close(w, current));
    }
    return out.sort((a, b) => a.startMs - b.startMs || a.windowSec - b.windowSec);
  }

  /** Summarises the open window and the empty ones after it, then opens the one at `nextStartMs`. */
  #close(w: OpenWindow, nextStartMs: number): LinkWindowStats[] {
    const lenMs = w.windowSec * 1000;
    const out = [summarize(w)];
    // After a long silence (suspended laptop) keep only the most recent empty windows.
    const firstEmpty = Math.max(w.startMs + lenMs, nextStartMs - this.#maxEmpty * lenMs);
    for (let t = firstEmpty; t < nextStartMs; t += lenMs) {
      out.push({ ...emptyStats, windowSec: w.windowSec, startMs: t });
    }
    w.startMs = nextStartMs;
    w.rttsMs = [];
    w.diffsMs = [];
    w.lost = 0;
    w.jitterMs = null;
    return out;
  }
}

const emptyStats = {
  probes: 0,
  replies: 0,
  lost: 0,
  lossPct: null,
  latencyMedianMs: null,
  latencyP95Ms: null,
  latencyMinMs: null,
  latencyMaxMs: null,
  jitterRfc3550Ms: null,
  jitterMasdMs: null,
} as const;

function alignMs(atMs: number, windowSec: number): number {
  const lenMs = windowSec * 1000;
  return Math.floor(atMs / lenMs) * lenMs;
}

function summarize(w: OpenWindow): LinkWindowStats {
  const replies = w.rttsMs.length;
  const probes = replies + w.lost;
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (const r of w.rttsMs) {
    if (r < minMs) minMs = r;
    if (r > maxMs) maxMs = r;
  }
  return {
    windowSec: w.windowSec,
    startMs: w.startMs,
    probes,
    replies,
    lost: w.lost,
    lossPct: lossPct(probes, w.lost),
    latencyMedianMs: median(w.rttsMs),
    latencyP95Ms: percentile(w.rttsMs, 95),
    latencyMinMs: replies === 0 ? null : minMs,
    latencyMaxMs: replies === 0 ? null : maxMs,
    jitterRfc3550Ms: w.jitterMs,
    jitterMasdMs: meanAbsDiffs(w.diffsMs),
  };
}

function meanAbsDiffs(diffsMs: readonly number[]): number | null {
  if (diffsMs.length === 0) return null;
  let sum = 0;
  for (const d of diffsMs) sum += d;
  return sum / diffsMs.length;
}

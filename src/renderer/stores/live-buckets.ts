// The newest points of a monitoring window, built second by second: each live second goes into
// its bucket exactly once (by its atMs), in O(1), whatever the bucket's width (1 s … 2 min).
// The monitoring store seeds these buckets with the stored raw seconds of the window's newest
// buckets, so a bucket the history query answered half-way keeps taking the live seconds after it.
import type { HistoryPoint, MonitorSample } from '../../shared/api/monitor-schemas.ts';

/** What one second contributes to a bucket: a live sample, or a stored 1 s history row. */
export type BucketSecond = Pick<
  MonitorSample,
  'atMs' | 'latencyMs' | 'latencyMinMs' | 'latencyMaxMs' | 'latencyP95Ms' | 'jitterMs' | 'lossPct' | 'rxBps' | 'txBps' | 'sent' | 'received'
>;

/**
 * A stored second as the history store answers it at 1 s resolution: one row, so its
 * lossMaxPct is that second's own lossPct (lossPct there is recomputed from sent/received).
 */
export function secondOfPoint(p: HistoryPoint): BucketSecond {
  return {
    atMs: p.atMs,
    latencyMs: p.latencyMs,
    latencyMinMs: p.latencyMinMs,
    latencyMaxMs: p.latencyMaxMs,
    latencyP95Ms: p.latencyP95Ms,
    jitterMs: p.jitterMs,
    lossPct: p.lossMaxPct,
    rxBps: p.rxBps,
    txBps: p.txBps,
    sent: p.sent,
    received: p.received,
  };
}

const minOf = (a: number | null, b: number | null) => (b === null ? a : a === null ? b : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (b === null ? a : a === null ? b : Math.max(a, b));

/**
 * One bucket's running aggregate, the way the history store aggregates its rows: means over the
 * non-null values, extremes, loss weighted by probes. Adding a second is O(1).
 */
export class BucketAggregate {
  readonly atMs: number;
  readonly #seen = new Set<number>();
  #latencySum = 0;
  #latencyN = 0;
  #jitterSum = 0;
  #jitterN = 0;
  #rxSum = 0;
  #rxN = 0;
  #txSum = 0;
  #txN = 0;
  #latencyMin: number | null = null;
  #latencyMax: number | null = null;
  #p95Max: number | null = null;
  #lossMax: number | null = null;
  #rxMin: number | null = null;
  #rxMax: number | null = null;
  #txMin: number | null = null;
  #txMax: number | null = null;
  #sent = 0;
  #received = 0;

  constructor(atMs: number) {
    this.atMs = atMs;
  }

  has(secondAtMs: number): boolean {
    return this.#seen.has(secondAtMs);
  }

  /** Counts `s` unless a second with its atMs is counted already; true when it was added. */
  add(s: BucketSecond): boolean {
    if (this.#seen.has(s.atMs)) return false;
    this.#seen.add(s.atMs);
    if (s.latencyMs !== null) {
      this.#latencySum += s.latencyMs;
      this.#latencyN++;
    }
    if (s.jitterMs !== null) {
      this.#jitterSum += s.jitterMs;
      this.#jitterN++;
    }
    if (s.rxBps !== null) {
      this.#rxSum += s.rxBps;
      this.#rxN++;
    }
    if (s.txBps !== null) {
      this.#txSum += s.txBps;
      this.#txN++;
    }
    this.#latencyMin = minOf(this.#latencyMin, s.latencyMinMs);
    this.#latencyMax = maxOf(this.#latencyMax, s.latencyMaxMs);
    this.#p95Max = maxOf(this.#p95Max, s.latencyP95Ms);
    this.#lossMax = maxOf(this.#lossMax, s.lossPct);
    this.#rxMin = minOf(this.#rxMin, s.rxBps);
    this.#rxMax = maxOf(this.#rxMax, s.rxBps);
    this.#txMin = minOf(this.#txMin, s.txBps);
    this.#txMax = maxOf(this.#txMax, s.txBps);
    this.#sent += s.sent;
    this.#received += s.received;
    return true;
  }

  point(): HistoryPoint {
    const sent = this.#sent;
    return {
      atMs: this.atMs,
      latencyMs: this.#latencyN ? this.#latencySum / this.#latencyN : null,
      latencyMinMs: this.#latencyMin,
      latencyMaxMs: this.#latencyMax,
      latencyP95Ms: this.#p95Max,
      jitterMs: this.#jitterN ? this.#jitterSum / this.#jitterN : null,
      lossPct: sent > 0 ? (100 * (sent - this.#received)) / sent : null,
      lossMaxPct: this.#lossMax,
      rxBps: this.#rxN ? this.#rxSum / this.#rxN : null,
      rxMinBps: this.#rxMin,
      rxMaxBps: this.#rxMax,
      txBps: this.#txN ? this.#txSum / this.#txN : null,
      txMinBps: this.#txMin,
      txMaxBps: this.#txMax,
      sent,
      received: this.#received,
    };
  }
}

/**
 * One uplink's newest buckets. Seconds before `floorMs` are counted in the points the history
 * query answered (the core stores a second before it sends it, and a second arrives at most
 * `keepMs` late), so they are dropped; every later second goes into its bucket once. Buckets that
 * ended more than `keepMs` before the newest second are let go (the floor moves up past them), so
 * an uplink keeps a few aggregates, not the window's.
 */
export class LiveBuckets {
  readonly #stepMs: number;
  readonly #keepMs: number;
  #floorMs: number;
  /** By bucket start, oldest first (buckets are created in time order, except a late one). */
  readonly #open = new Map<number, BucketAggregate>();

  constructor(stepMs: number, floorMs: number, keepMs: number) {
    this.#stepMs = stepMs;
    this.#floorMs = floorMs;
    this.#keepMs = keepMs;
  }

  /** False when `s` is counted already (in the query's answer or an earlier batch). */
  takes(s: BucketSecond): boolean {
    if (s.atMs < this.#floorMs) return false;
    return !this.#open.get(this.#bucketOf(s.atMs))?.has(s.atMs);
  }

  /**
   * Counts `s` into its bucket in `points` (the caller's own copy, oldest first): the bucket's
   * point is replaced, or inserted where it belongs. Call only when takes(s).
   */
  add(s: BucketSecond, points: HistoryPoint[]): void {
    const bucketMs = this.#bucketOf(s.atMs);
    let bucket = this.#open.get(bucketMs);
    if (!bucket) {
      bucket = new BucketAggregate(bucketMs);
      this.#open.set(bucketMs, bucket);
      this.#forgetBefore(s.atMs - this.#keepMs);
    }
    bucket.add(s);
    // The bucket is one of the newest points: look from the end.
    let i = points.length - 1;
    while (i >= 0 && points[i]!.atMs > bucketMs) i--;
    if (i >= 0 && points[i]!.atMs === bucketMs) points[i] = bucket.point();
    else points.splice(i + 1, 0, bucket.point());
  }

  #bucketOf(atMs: number): number {
    return Math.floor(atMs / this.#stepMs) * this.#stepMs;
  }

  #forgetBefore(cutoffMs: number): void {
    // Oldest first: stop at the first bucket still kept (a late bucket's turn comes later).
    for (const [atMs] of this.#open) {
      if (atMs + this.#stepMs > cutoffMs) break;
      this.#open.delete(atMs);
      this.#floorMs = Math.max(this.#floorMs, atMs + this.#stepMs);
    }
  }
}

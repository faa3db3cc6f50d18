// Turns parsed probe lines plus a clock into one outcome per probe: a reply with its RTT, or
// lost. Loss is decided by a timer (BusyBox and httping print nothing for a lost probe).
import type { ProbeLine } from './ping-line-parser.ts';

/** Injected so tests drive time by hand; production uses `systemProbeClock`. */
export interface ProbeClock {
  nowMs(): number;
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

// Monotonic (immune to the laptop's clock being set) yet close to epoch ms, so outcomes can be
// bucketed into wall-clock seconds.
export const systemProbeClock: ProbeClock = {
  nowMs: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type LossReason =
  | 'timeout' // no line at all within send + timeout (+ slack)
  | 'no-answer' // iputils -O said so and the deadline has passed
  | 'gap' // a later sequence number answered first
  | 'error' // an ICMP error for this probe, or an httping failure line
  | 'http-status'; // httping -s answered with a status that is not OK

export type ProbeOutcome =
  | { readonly kind: 'reply'; readonly seq: number; readonly rttMs: number; readonly atMs: number }
  | { readonly kind: 'lost'; readonly seq: number; readonly atMs: number; readonly reason: LossReason; readonly text?: string }
  /** A reply for a probe already counted as lost: reported, never counted twice. */
  | { readonly kind: 'late'; readonly seq: number; readonly rttMs: number; readonly atMs: number }
  | { readonly kind: 'duplicate'; readonly seq: number; readonly atMs: number };

export type ProbeFlavor = 'iputils' | 'busybox' | 'httping';

export interface ProbeTrackerOptions {
  readonly intervalSec: number;
  readonly timeoutSec: number;
  /** Sequence number of the first probe: iputils 1, BusyBox 0, httping 0. */
  readonly firstSeq: number;
  /** ping's sequence is 16 bits and wraps after about 18 h at 1 Hz; httping's does not (null). */
  readonly seqModulo: number | null;
  /**
   * 'fixed': ping sends every interval whatever happens. 'after-completion': httping waits for
   * each attempt to finish (answer or timeout) and then sleeps the interval.
   */
  readonly schedule: 'fixed' | 'after-completion';
  /** httping prints one failure line per attempt without a seq; ping's stderr errors do not map to probes. */
  readonly errorsConsumeSeq: boolean;
  /** Allowance for the SSH path between the router printing a line and us reading it. */
  readonly slackMs?: number;
  /** Sequence jumps larger than this mean the tool restarted: resynchronise, count nothing. */
  readonly maxGap?: number;
  /** After a stall (suspended laptop), at most this many probes are declared lost at once; the rest is a gap. */
  readonly maxCatchUp?: number;
  readonly isHttpStatusOk?: (status: number) => boolean;
  readonly clock?: ProbeClock;
  readonly onOutcome: (outcome: ProbeOutcome) => void;
}

export function probeTrackerDefaults(flavor: ProbeFlavor): Pick<ProbeTrackerOptions, 'firstSeq' | 'seqModulo' | 'schedule' | 'errorsConsumeSeq'> {
  switch (flavor) {
    case 'iputils':
      return { firstSeq: 1, seqModulo: 65536, schedule: 'fixed', errorsConsumeSeq: false };
    case 'busybox':
      return { firstSeq: 0, seqModulo: 65536, schedule: 'fixed', errorsConsumeSeq: false };
    case 'httping':
      return { firstSeq: 0, seqModulo: null, schedule: 'after-completion', errorsConsumeSeq: true };
  }
}

type Resolution = 'reply' | 'lost' | 'late';
const keepResolved = 4096;
// A stream error (ping: sendmsg: Network is unreachable) explains the losses that follow it for
// this long; after that it is stale.
const streamErrorTtlMultiplier = 3;

export class ProbeTracker {
  readonly #opts: ProbeTrackerOptions;
  readonly #clock: ProbeClock;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #slackMs: number;
  readonly #maxGap: number;
  readonly #maxCatchUp: number;
  readonly #resolved = new Map<number, Resolution>();
  readonly #noAnswerSeen = new Set<number>();
  /** httping attempts the timer declared lost whose own failure line has not arrived yet. */
  #timerLostAwaitingLine: number[] = [];
  #nextSeq = 0;
  #nextSendMs = 0;
  #timer: unknown = undefined;
  #running = false;
  #lastStreamError: { text: string; atMs: number } | undefined;

  constructor(opts: ProbeTrackerOptions) {
    if (!(opts.intervalSec > 0) || !(opts.timeoutSec > 0)) throw new RangeError('intervalSec and timeoutSec must be > 0');
    this.#opts = opts;
    this.#clock = opts.clock ?? systemProbeClock;
    this.#intervalMs = opts.intervalSec * 1000;
    this.#timeoutMs = opts.timeoutSec * 1000;
    this.#slackMs = opts.slackMs ?? 500;
    this.#maxGap = opts.maxGap ?? 600;
    this.#maxCatchUp = opts.maxCatchUp ?? 120;
  }

  /** Call when the probe command starts (the first probe goes out now). */
  start(): void {
    this.#running = true;
    this.#nextSeq = this.#opts.firstSeq;
    this.#nextSendMs = this.#clock.nowMs();
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The sequence number of the oldest probe without an outcome yet. */
  get pendingSeq(): number {
    return this.#nextSeq;
  }

  push(line: ProbeLine): void {
    if (!this.#running) return;
    const now = this.#clock.nowMs();
    switch (line.kind) {
      case 'reply': {
        const seq = this.#unwrap(line.seq);
        const status = line.httpStatus;
        if (status !== undefined && !(this.#opts.isHttpStatusOk ?? defaultHttpOk)(status)) {
          this.#resolveAt(seq, now, { kind: 'lost', seq, atMs: now, reason: 'http-status', text: `${status} ${line.httpReason ?? ''}`.trim() });
        } else {
          this.#resolveAt(seq, now, { kind: 'reply', seq, rttMs: line.rttMs, atMs: now }, line.rttMs);
        }
        break;
      }
      case 'no-answer': {
        const seq = this.#unwrap(line.seq);
        if (seq < this.#nextSeq || this.#resolved.has(seq)) break;
        this.#noAnswerSeen.add(seq);
        // iputils prints this when it sends the following probe, one interval after this one.
        if (this.#opts.schedule === 'fixed' && seq === this.#nextSeq) this.#nextSendMs = now - this.#intervalMs;
        this.#expire(now);
        this.#arm();
        break;
      }
      case 'error': {
        if (line.seq !== undefined) {
          const seq = this.#unwrap(line.seq);
          this.#resolveAt(seq, now, { kind: 'lost', seq, atMs: now, reason: 'error', text: line.text });
        } else if (this.#opts.errorsConsumeSeq) {
          const awaited = this.#timerLostAwaitingLine.shift();
          if (awaited === undefined) {
            const seq = this.#nextSeq;
            this.#resolveAt(seq, now, { kind: 'lost', seq, atMs: now, reason: 'error', text: line.text });
          } else {
            this.#nextSendMs = now + this.#intervalMs;
            this.#arm();
          }
        } else {
          this.#lastStreamError = { text: line.text, atMs: now };
        }
        break;
      }
      case 'summary':
      case 'rtt-summary':
      case 'header':
      case 'statistics-start':
      case 'blank':
      case 'unknown':
        break;
    }
  }

  #unwrap(raw: number): number {
    const mod = this.#opts.seqModulo;
    if (mod === null) return raw;
    let d = (((raw - this.#nextSeq) % mod) + mod) % mod;
    if (d >= mod / 2) d -= mod;
    return this.#nextSeq + d;
  }

  #emit(outcome: ProbeOutcome): void {
    this.#opts.onOutcome(outcome);
  }

  /** Resolves probe `seq` with `outcome`; probes before it without an answer become gaps. */
  #resolveAt(seq: number, now: number, outcome: ProbeOutcome, rttMs?: number): void {
    if (seq < this.#nextSeq - this.#maxGap || seq > this.#nextSeq + this.#maxGap) {
      // The tool restarted or we attached mid-stream: nothing before this line is knowable.
      this.#resolved.clear();
      this.#noAnswerSeen.clear();
      this.#timerLostAwaitingLine = [];
      this.#nextSeq = seq;
    }
    if (seq < this.#nextSeq || this.#resolved.has(seq)) {
      const previous = this.#resolved.get(seq);
      this.#timerLostAwaitingLine = this.#timerLostAwaitingLine.filter((s) => s !== seq);
      if (previous === 'lost' && outcome.kind === 'reply') {
        this.#resolved.set(seq, 'late');
        this.#emit({ kind: 'late', seq, rttMs: outcome.rttMs, atMs: now });
        // A reply within its timeout that we had already called lost means our schedule runs
        // ahead of the tool's (it started later than we thought: a slow SSH exec on a busy
        // router). Follow the tool, or every later probe is declared lost before it can answer.
        if (this.#opts.schedule === 'fixed' && rttMs !== undefined && rttMs <= this.#timeoutMs) {
          const followed = now - rttMs + (this.#nextSeq - seq) * this.#intervalMs;
          if (followed > this.#nextSendMs) {
            this.#nextSendMs = followed;
            this.#arm();
          }
        }
      } else if (outcome.kind === 'reply' || previous === 'reply' || previous === 'late') {
        // A second answer for the same probe (ping prints DUP!, or an error after a reply).
        if (outcome.kind === 'reply') this.#emit({ kind: 'duplicate', seq, atMs: now });
      }
      return;
    }
    for (let s = this.#nextSeq; s < seq; s++) {
      if (this.#resolved.has(s)) continue;
      this.#resolved.set(s, 'lost');
      this.#emit({ kind: 'lost', seq: s, atMs: now, reason: this.#noAnswerSeen.has(s) ? 'no-answer' : 'gap' });
    }
    // Everything before this probe has an outcome now; a line for them can only be late.
    this.#timerLostAwaitingLine = this.#timerLostAwaitingLine.filter((s) => s > seq);
    this.#resolved.set(seq, outcome.kind === 'reply' ? 'reply' : 'lost');
    this.#emit(outcome);
    const before = this.#nextSeq;
    this.#advancePast(seq);
    if (this.#opts.schedule === 'fixed') {
      // A reply tells when its probe left (now - rtt); anything else only moves the schedule on.
      if (rttMs !== undefined) this.#nextSendMs = now - rttMs + (this.#nextSeq - seq) * this.#intervalMs;
      else this.#nextSendMs += (this.#nextSeq - before) * this.#intervalMs;
    } else {
      this.#nextSendMs = now + this.#intervalMs;
    }
    this.#arm();
  }

  #advancePast(seq: number): void {
    if (seq >= this.#nextSeq) this.#nextSeq = seq + 1;
    while (this.#resolved.has(this.#nextSeq)) this.#nextSeq++;
    for (const s of this.#noAnswerSeen) if (s < this.#nextSeq) this.#noAnswerSeen.delete(s);
    if (this.#resolved.size > keepResolved) {
      for (const s of this.#resolved.keys()) if (s < this.#nextSeq - keepResolved) this.#resolved.delete(s);
    }
  }

  #deadlineMs(): number {
    return this.#nextSendMs + this.#timeoutMs + this.#slackMs;
  }

  #stepMs(): number {
    // httping only starts the next attempt after this one timed out and the interval passed.
    return this.#opts.schedule === 'fixed' ? this.#intervalMs : this.#timeoutMs + this.#intervalMs;
  }

  /** Declares every probe whose deadline has passed lost (bounded after a stall). */
  #expire(now: number): void {
    let declared = 0;
    while (this.#deadlineMs() <= now) {
      const seq = this.#nextSeq;
      if (declared < this.#maxCatchUp) {
        const err = this.#lastStreamError;
        const fresh = err !== undefined && now - err.atMs <= streamErrorTtlMultiplier * (this.#intervalMs + this.#timeoutMs);
        const reason: LossReason = this.#noAnswerSeen.has(seq) ? 'no-answer' : 'timeout';
        this.#resolved.set(seq, 'lost');
        if (this.#opts.errorsConsumeSeq) this.#timerLostAwaitingLine.push(seq);
        this.#emit({ kind: 'lost', seq, atMs: now, reason, ...(fresh ? { text: err.text } : {}) });
        declared++;
        this.#advancePast(seq);
      } else {
        // Too far behind to be honest about each probe: skip ahead and leave a gap (no data).
        const behind = Math.floor((now - this.#deadlineMs()) / this.#stepMs()) + 1;
        this.#nextSeq += behind;
        this.#nextSendMs += behind * this.#stepMs();
        this.#timerLostAwaitingLine = [];
        break;
      }
      this.#nextSendMs += this.#stepMs();
    }
    if (this.#timerLostAwaitingLine.length > 64) this.#timerLostAwaitingLine.splice(0, this.#timerLostAwaitingLine.length - 64);
  }

  #arm(): void {
    if (!this.#running) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    const delayMs = Math.max(0, this.#deadlineMs() - this.#clock.nowMs());
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.#expire(this.#clock.nowMs());
      this.#arm();
    }, delayMs);
  }
}

function defaultHttpOk(status: number): boolean {
  return status >= 200 && status < 400;
}

// Interface counters to bits per second, shared by the SNMP poller and /proc/net/dev: Counter64
// decoding, wrap-safe deltas, reboot and counter-reset detection. Never invents a rate.

const two32 = 1n << 32n;
const two64 = 1n << 64n;

export type CounterBits = 32 | 64;

/** net-snmp hands Counter64 over as a big-endian Buffer of 0–8 bytes (Counter32 as a number). */
export function decodeCounter(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value >= 0n ? value : null;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
  if (value instanceof Uint8Array) {
    if (value.length > 9) return null;
    let n = 0n;
    for (const byte of value) n = (n << 8n) | BigInt(byte);
    return n < two64 ? n : null;
  }
  return null;
}

export type CounterDelta =
  | { readonly kind: 'ok'; readonly delta: bigint; readonly wrapped: boolean }
  /** The counter went back by more than a plausible wrap: reset, agent restart, or a bad value. */
  | { readonly kind: 'backwards' };

/**
 * Delta of a free-running counter modulo 2^bits. A modular delta of half the range or more is not
 * a wrap but a counter that went backwards (the usual rule: at a 1 s poll, 2^31 bytes is 17 Gbit/s).
 * Some Linux drivers keep 32-bit counters that /proc/net/dev prints as 64-bit values, so a 64-bit
 * counter below 2^32 that drops is also tried as a 32-bit wrap.
 */
export function counterDelta(prev: bigint, cur: bigint, bits: CounterBits): CounterDelta {
  if (cur >= prev) return { kind: 'ok', delta: cur - prev, wrapped: false };
  const range = bits === 64 ? two64 : two32;
  const wrappedDelta = cur + range - prev;
  if (wrappedDelta < range / 2n) return { kind: 'ok', delta: wrappedDelta, wrapped: true };
  if (bits === 64 && prev < two32) {
    const d32 = cur + two32 - prev;
    if (d32 < two32 / 2n) return { kind: 'ok', delta: d32, wrapped: true };
  }
  return { kind: 'backwards' };
}

export type UptimeDelta =
  | { readonly kind: 'ok'; readonly deltaCs: number }
  | { readonly kind: 'reboot' }
  | { readonly kind: 'stalled' };

/**
 * sysUpTime is TimeTicks (centiseconds, 32 bits: wraps after 497 days). Going backwards is a
 * reboot (or an agent restart) unless the wrapped delta agrees with the time we saw pass locally.
 */
export function uptimeDelta(prevCs: number, curCs: number, localElapsedMs: number): UptimeDelta {
  if (curCs > prevCs) return { kind: 'ok', deltaCs: curCs - prevCs };
  if (curCs === prevCs) return { kind: 'stalled' };
  const wrappedCs = curCs + 2 ** 32 - prevCs;
  const localCs = localElapsedMs / 10;
  if (localCs > 0 && wrappedCs < 2 * localCs + 500) return { kind: 'ok', deltaCs: wrappedCs };
  return { kind: 'reboot' };
}

export interface CounterSample {
  /** Router-side monotonic time in ms (sysUpTime × 10, or /proc/uptime × 1000): immune to clock jumps. */
  readonly uptimeMs: number;
  /** Our own monotonic time when the sample arrived; used only to sanity-check the router's. */
  readonly localMs: number;
  readonly rxOctets: bigint;
  readonly txOctets: bigint;
  readonly bits: CounterBits;
}

export type GapReason =
  | 'first-sample' // nothing to compare with yet
  | 'reboot' // router uptime went back: counters restarted from zero
  | 'counter-backwards' // counters went back without a reboot (driver reset, interface re-created)
  | 'counter-width-changed' // switched between 64- and 32-bit counters
  | 'uptime-stalled' // router time did not advance: cannot divide by zero
  | 'time-mismatch' // router time and local time disagree wildly (a stall, or a bad agent)
  | 'interface-changed' // the interface vanished or got a new index: counters are not comparable
  | 'no-data'; // the agent or the router did not report this interface this time

export type ThroughputResult =
  | { readonly kind: 'rate'; readonly rxBps: number; readonly txBps: number; readonly intervalSec: number; readonly wrapped: boolean }
  | { readonly kind: 'gap'; readonly reason: GapReason };

/** Rate between two samples of one interface, or why there is none for this interval. */
export function throughputBetween(prev: CounterSample, cur: CounterSample): ThroughputResult {
  if (prev.bits !== cur.bits) return { kind: 'gap', reason: 'counter-width-changed' };
  const localElapsedMs = cur.localMs - prev.localMs;
  if (cur.uptimeMs < prev.uptimeMs) return { kind: 'gap', reason: 'reboot' };
  if (cur.uptimeMs === prev.uptimeMs) return { kind: 'gap', reason: 'uptime-stalled' };
  const intervalMs = cur.uptimeMs - prev.uptimeMs;
  // Both clocks measure the same interval; if they disagree by more than 2× (plus network
  // jitter) one of them is wrong, and a rate over it would be invented.
  if (localElapsedMs > 0 && (intervalMs > 2 * localElapsedMs + 2000 || localElapsedMs > 2 * intervalMs + 2000)) {
    return { kind: 'gap', reason: 'time-mismatch' };
  }
  const rx = counterDelta(prev.rxOctets, cur.rxOctets, cur.bits);
  const tx = counterDelta(prev.txOctets, cur.txOctets, cur.bits);
  if (rx.kind === 'backwards' || tx.kind === 'backwards') return { kind: 'gap', reason: 'counter-backwards' };
  const intervalSec = intervalMs / 1000;
  return {
    kind: 'rate',
    rxBps: Number(rx.delta * 8n) / intervalSec,
    txBps: Number(tx.delta * 8n) / intervalSec,
    intervalSec,
    wrapped: rx.wrapped || tx.wrapped,
  };
}

export interface ThroughputMeterOptions {
  /**
   * Rate over at least this much router time, against an older sample. net-snmp's snmpd caches
   * interface counters for a few seconds (measured), so 1 s rates from it read 0, 0, 0, spike;
   * a span of a few seconds gives honest, smoother numbers. 0 (default): every interval alone.
   */
  readonly minSpanMs?: number;
}

/** Keeps recent samples of one interface and turns each new one into a rate or a gap. */
export class ThroughputMeter {
  readonly #minSpanMs: number;
  #history: CounterSample[] = [];

  constructor(opts: ThroughputMeterOptions = {}) {
    this.#minSpanMs = opts.minSpanMs ?? 0;
  }

  update(sample: CounterSample): ThroughputResult {
    const last = this.#history.at(-1);
    if (last === undefined) {
      this.#history = [sample];
      return { kind: 'gap', reason: 'first-sample' };
    }
    // Every step is checked on its own, so a reboot or reset inside a span is never averaged over.
    const step = throughputBetween(last, sample);
    if (step.kind === 'gap') {
      // A sample taken at the same router instant adds nothing: keep the baseline so the next
      // rate spans both intervals instead of leaving a hole.
      if (step.reason !== 'uptime-stalled') this.#history = [sample];
      return step;
    }
    let base = this.#history[0];
    for (const s of this.#history) if (sample.uptimeMs - s.uptimeMs >= this.#minSpanMs) base = s;
    this.#history.push(sample);
    const keepFrom = this.#history.indexOf(base);
    if (keepFrom > 0) this.#history = this.#history.slice(keepFrom);
    if (this.#history.length > 600) this.#history = this.#history.slice(-600);
    return base === last ? step : throughputBetween(base, sample);
  }

  /** Forget the baseline (interface re-discovered with a new index, session re-created). */
  reset(): void {
    this.#history = [];
  }
}

// Holds a router's contract events to at most one per interval: the first goes out at once (so a
// failover is shown without delay), a burst queues behind it. The history store gets every event
// at once regardless; this only paces what crosses the contract.
import type { ProbeClock } from '../probes/probe-tracker.ts';

export class EventPacer<T> {
  readonly #send: (item: T) => void;
  readonly #clock: ProbeClock;
  readonly #intervalMs: number;
  readonly #maxQueued: number;
  readonly #queue: T[] = [];
  #lastSentMs = -Infinity;
  #timer: unknown;

  constructor(send: (item: T) => void, clock: ProbeClock, intervalMs = 1000, maxQueued = 256) {
    this.#send = send;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#maxQueued = maxQueued;
  }

  push(item: T): void {
    // A flapping link must not grow memory: the oldest queued events are in history anyway.
    if (this.#queue.length >= this.#maxQueued) this.#queue.shift();
    this.#queue.push(item);
    this.#pump();
  }

  /** Sends what is queued now, ignoring the pace (the monitor is stopping). */
  flush(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0) this.#send(this.#queue.shift() as T);
  }

  dispose(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
  }

  #pump(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const waitMs = this.#lastSentMs + this.#intervalMs - this.#clock.nowMs();
    if (waitMs <= 0) {
      this.#lastSentMs = this.#clock.nowMs();
      this.#send(this.#queue.shift() as T);
      if (this.#queue.length > 0) this.#pump();
      return;
    }
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, waitMs);
  }
}

// A hand-driven clock for tracker tests: time moves only when the test says so.
import type { ProbeClock } from './probe-tracker.ts';

export class FakeProbeClock implements ProbeClock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, { atMs: number; fn: () => void }>();

  constructor(startMs = 1_800_000_000_000) {
    this.#now = startMs;
  }

  nowMs(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { atMs: this.#now + Math.max(0, delayMs), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time to `targetMs`, firing due timers in order (a fired timer may arm another). */
  advanceTo(targetMs: number): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      let due: [number, { atMs: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].atMs <= targetMs && (due === undefined || entry[1].atMs < due[1].atMs)) due = entry;
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].atMs);
      due[1].fn();
    }
    this.#now = Math.max(this.#now, targetMs);
  }

  /** Sets the time first, then fires whatever is due: timers ran late (a suspended machine). */
  jump(ms: number): void {
    this.#now += ms;
    this.advanceTo(this.#now);
  }

  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }
}

// The revert deadline as the user sees it. The router's clock decides when it restores the
// previous settings; Switchyard translates that deadline into this computer's clock with a
// measured offset, rounded so it never promises more time than the router gives.

/** Confirm is refused when fewer seconds than this are left: a confirmation sent then could
 * reach the router after it has begun restoring the previous settings. */
export const confirmCutoffSec = 3;

/** Whole seconds left, rounded down (2.9 s left shows as 2 s, never as 3 s). */
export function revertSecondsLeft(revertAtMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((revertAtMs - nowMs) / 1000));
}

/** True when a confirmation should no longer be sent. */
export function tooLateToConfirm(revertAtMs: number, nowMs: number): boolean {
  return revertAtMs - nowMs < confirmCutoffSec * 1000;
}

/**
 * One reading of the router's clock over a round trip: the router said `routerNowMs` at some
 * local moment between `sentMs` and `receivedMs`. The offset is taken from the middle and is
 * wrong by at most half the round trip.
 */
export interface ClockReading {
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  readonly measuredAtMs: number;
}

export function readClock(routerNowMs: number, sentMs: number, receivedMs: number): ClockReading {
  const rttMs = Math.max(0, receivedMs - sentMs);
  return { offsetMs: routerNowMs - (sentMs + rttMs / 2), uncertaintyMs: rttMs / 2, measuredAtMs: receivedMs };
}

/** A router time as the earliest local time it can correspond to (for deadlines). */
export function routerDeadlineToLocal(routerMs: number, clock: ClockReading): number {
  return Math.floor(routerMs - clock.offsetMs - clock.uncertaintyMs);
}

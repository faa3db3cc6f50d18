import { describe, expect, it } from 'vitest';
import { readClock, revertSecondsLeft, routerDeadlineToLocal, tooLateToConfirm } from './revert-clock.ts';

describe('the revert clock', () => {
  it('translates a router deadline to the earliest local moment it can be', () => {
    // Router 5 s ahead; the reading took 200 ms, so the router's "now" was somewhere in it.
    const clock = readClock(1_005_100, 1_000_000, 1_000_200);
    expect(clock.offsetMs).toBe(5_000);
    expect(clock.uncertaintyMs).toBe(100);
    // Router deadline 1_065_100 is local 1_060_100 ± 100: never later than the earliest.
    expect(routerDeadlineToLocal(1_065_100, clock)).toBe(1_060_000);
  });

  it('rounds seconds down and refuses confirm in the last 3 s', () => {
    expect(revertSecondsLeft(10_950, 1_000)).toBe(9);
    expect(revertSecondsLeft(500, 1_000)).toBe(0);
    expect(tooLateToConfirm(4_000, 1_000)).toBe(false);
    expect(tooLateToConfirm(3_999, 1_000)).toBe(true);
  });
});

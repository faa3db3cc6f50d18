import { describe, expect, it } from 'vitest';
import { LinkStatistics, lossPct, meanAbsSuccessiveDiff, median, percentile, rfc3550Jitter } from './link-statistics.ts';
import type { ProbeOutcome } from './probe-tracker.ts';

const T0 = 1_800_000_000_000; // a whole minute
const reply = (atMs: number, rttMs: number, seq = 0): ProbeOutcome => ({ kind: 'reply', seq, rttMs, atMs });
const lost = (atMs: number, seq = 0): ProbeOutcome => ({ kind: 'lost', seq, atMs, reason: 'timeout' });

describe('pure statistics', () => {
  it('median and p95 (linear between ranks), null without data', () => {
    expect(median([])).toBeNull();
    expect(percentile([], 95)).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([5], 95)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, k) => k + 1);
    expect(percentile(hundred, 95)).toBeCloseTo(95.05, 10);
    expect(percentile([10, 20], 95)).toBeCloseTo(19.5, 10);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('RFC 3550 jitter: J += (|D| - J)/16 over successive differences', () => {
    expect(rfc3550Jitter([10])).toBeNull();
    expect(rfc3550Jitter([10, 26])).toBe(1); // |D| = 16 → J = 16/16
    expect(rfc3550Jitter([10, 26, 10])).toBeCloseTo(1 + (16 - 1) / 16, 12);
    // A constant |D| drives J towards it.
    const alternating = Array.from({ length: 400 }, (_, k) => (k % 2 === 0 ? 10 : 14));
    expect(rfc3550Jitter(alternating)).toBeCloseTo(4, 6);
    expect(rfc3550Jitter([1, 1], 8)).toBeCloseTo(7.5, 12);
  });

  it('MASD and loss', () => {
    expect(meanAbsSuccessiveDiff([5])).toBeNull();
    expect(meanAbsSuccessiveDiff([10, 14, 10, 11])).toBe(3);
    expect(lossPct(0, 0)).toBeNull();
    expect(lossPct(10, 3)).toBe(30);
  });
});

describe('LinkStatistics', () => {
  it('summarises each second and the minute', () => {
    const stats = new LinkStatistics();
    const rtts = [10, 12, 11, 30, 10];
    rtts.forEach((r, k) => stats.add(reply(T0 + k * 1000 + 100, r, k)));
    stats.add(lost(T0 + 5000 + 100, 5));
    const out = stats.flush(T0 + 60_000);
    const seconds = out.filter((w) => w.windowSec === 1);
    expect(seconds).toHaveLength(60);
    expect(seconds[0]).toMatchObject({ startMs: T0, probes: 1, replies: 1, lossPct: 0, latencyMedianMs: 10, latencyP95Ms: 10, jitterMasdMs: null, jitterRfc3550Ms: null });
    // The second second has one pair (10 → 12): MASD 2, RFC 3550 2/16.
    expect(seconds[1]).toMatchObject({ latencyMedianMs: 12, jitterMasdMs: 2, jitterRfc3550Ms: 2 / 16 });
    expect(seconds[5]).toMatchObject({ probes: 1, lost: 1, lossPct: 100, latencyMedianMs: null, jitterMasdMs: null });
    // Nothing happened in seconds 6..59: no invented numbers, just empty windows.
    expect(seconds[6]).toMatchObject({ probes: 0, lossPct: null, latencyMedianMs: null, latencyP95Ms: null, jitterRfc3550Ms: null });
    const minute = out.find((w) => w.windowSec === 60);
    expect(minute).toMatchObject({ startMs: T0, probes: 6, replies: 5, lost: 1, latencyMinMs: 10, latencyMaxMs: 30, latencyMedianMs: 11 });
    expect(minute?.lossPct).toBeCloseTo(100 / 6, 10);
    expect(minute?.latencyP95Ms).toBeCloseTo(30 - 0.2 * 18, 10);
    expect(minute?.jitterMasdMs).toBe((2 + 1 + 19 + 20) / 4);
    expect(minute?.jitterRfc3550Ms).toBeCloseTo(rfc3550Jitter(rtts) as number, 12);
  });

  it('carries the RFC 3550 estimator across windows but not across an outage', () => {
    const stats = new LinkStatistics({ windowsSec: [1], jitterPairMaxGapMs: 5000 });
    stats.add(reply(T0 + 100, 10));
    stats.add(reply(T0 + 1100, 26));
    stats.add(reply(T0 + 30_100, 100)); // 29 s later: not a pair
    const out = stats.flush(T0 + 31_000).filter((w) => w.replies > 0);
    expect(out.map((w) => w.jitterRfc3550Ms)).toEqual([null, 1, 1]);
    expect(out.map((w) => w.jitterMasdMs)).toEqual([null, 16, null]);
  });

  it('ignores late replies and duplicates (the probe was already counted)', () => {
    const stats = new LinkStatistics({ windowsSec: [1] });
    stats.add(lost(T0 + 100, 1));
    stats.add({ kind: 'late', seq: 1, rttMs: 900, atMs: T0 + 200 });
    stats.add({ kind: 'duplicate', seq: 1, atMs: T0 + 300 });
    expect(stats.flush(T0 + 1000)).toEqual([expect.objectContaining({ probes: 1, lost: 1, replies: 0, latencyMedianMs: null })]);
  });

  it('closes a window when a later outcome arrives before flush, losing nothing', () => {
    const stats = new LinkStatistics({ windowsSec: [1] });
    stats.add(reply(T0 + 100, 5));
    stats.add(reply(T0 + 2100, 7));
    const out = stats.flush(T0 + 3000);
    expect(out.map((w) => [w.startMs - T0, w.replies])).toEqual([
      [0, 1],
      [1000, 0],
      [2000, 1],
    ]);
  });

  it('bounds the empty windows returned after a long silence', () => {
    const stats = new LinkStatistics({ windowsSec: [1], maxEmptyWindows: 5 });
    stats.add(reply(T0 + 100, 5));
    const out = stats.flush(T0 + 3_600_000);
    expect(out).toHaveLength(6);
    expect(out.at(-1)?.startMs).toBe(T0 + 3_599_000);
  });
});

// The newest points built second by second: each second once, in its own point, late seconds
// included while their point is kept; older ones are taken as counted in the history answer.
import { describe, expect, it } from 'vitest';
import type { HistoryPoint } from '../../shared/api/monitor-schemas.ts';
import { LiveBuckets, type BucketSecond } from './live-buckets.ts';

const S = 1_800_000_000_000; // a whole 4 s point
const second = (atMs: number, latencyMs: number | null = 10): BucketSecond => ({
  atMs,
  latencyMs,
  latencyMinMs: latencyMs,
  latencyMaxMs: latencyMs,
  latencyP95Ms: latencyMs,
  jitterMs: 1,
  lossPct: latencyMs === null ? 100 : 0,
  rxBps: 1000,
  txBps: 100,
  sent: 1,
  received: latencyMs === null ? 0 : 1,
});

function feed(live: LiveBuckets, points: HistoryPoint[], seconds: BucketSecond[]): number {
  let taken = 0;
  for (const s of seconds) {
    if (!live.takes(s)) continue;
    live.add(s, points);
    taken++;
  }
  return taken;
}

describe('LiveBuckets', () => {
  it('counts each second once, in its own point, a late one in the point before', () => {
    const live = new LiveBuckets(4000, S, 30_000);
    const points: HistoryPoint[] = [];
    expect(feed(live, points, [second(S), second(S + 1000, 30), second(S + 4000, null), second(S + 1000, 99), second(S + 2000, 20)])).toBe(4);
    expect(points).toMatchObject([
      { atMs: S, sent: 3, latencyMs: 20, latencyMinMs: 10, latencyMaxMs: 30 },
      { atMs: S + 4000, sent: 1, received: 0, latencyMs: null, lossPct: 100 },
    ]);
  });

  it('takes nothing before its floor (the history answer counted it)', () => {
    const live = new LiveBuckets(4000, S, 30_000);
    expect(live.takes(second(S - 1000))).toBe(false);
    expect(live.takes(second(S))).toBe(true);
  });

  it('lets go of points that ended keepMs before the newest second, and then takes no more seconds for them', () => {
    const live = new LiveBuckets(4000, S, 10_000);
    const points: HistoryPoint[] = [];
    feed(live, points, [second(S), second(S + 4000), second(S + 16_000)]);
    // S's point ended 12 s before S + 16 s: let go. S + 4 s's ended 8 s before: kept.
    expect(live.takes(second(S + 1000))).toBe(false);
    expect(live.takes(second(S + 5000))).toBe(true);
    expect(points.map((p) => p.atMs)).toEqual([S, S + 4000, S + 16_000]);
  });

  it('puts a late second of a point with no seconds yet where it belongs', () => {
    const live = new LiveBuckets(4000, S, 30_000);
    const points: HistoryPoint[] = [];
    feed(live, points, [second(S), second(S + 8000), second(S + 5000)]);
    expect(points.map((p) => p.atMs)).toEqual([S, S + 4000, S + 8000]);
  });
});

// The charts' rows and axis maxima are updated from what changed each second, not rebuilt from
// every point of the window: streamed the way the monitoring store changes its points (the
// newest revised, a new one appended, old ones dropped off the left, a gap, a spike that becomes
// the maximum and later leaves the window, a coarser window), they must equal a fresh
// conversion at every step, and read only the rows that changed while the maximum stays.
import { describe, expect, it } from 'vitest';
import type { HistoryPoint } from '../../../shared/api/monitor-schemas.ts';
import { maxOf, nextMaxOf, type MaxMemo } from './chart-geometry.ts';
import { chartRows, nextChartRows, type ChartRow, type RowsMemo } from './chart-rows.ts';
import { point } from './monitoring-fixtures.test-util.ts';

const stepMs = 4000;
const windowMs = 60 * stepMs;
const t0 = 1_700_000_000_000;

/** A lively value per second; a spike of 400 ms at seconds 300–303. */
function latencyAt(k: number): number {
  return k >= 300 && k < 304 ? 400 : 20 + ((k * 7919) % 13);
}

interface Step {
  k: number;
  points: readonly HistoryPoint[];
  stepMs: number;
}

/** The store's points second by second: revise the open bucket or append, trim to the window. */
function* stream(seconds: number): Generator<Step> {
  let step = stepMs;
  let points: HistoryPoint[] = [];
  for (let t = t0 - windowMs; t < t0; t += step) points.push(point(t, { latencyMs: latencyAt(-1), latencyMaxMs: 30 }));
  for (let k = 0; k < seconds; k++) {
    const atMs = t0 + k * 1000;
    if (k === 500) {
      // Another window: coarser points (a new history answer).
      step *= 2;
      points = points.filter((p) => p.atMs % step === 0).map((p) => ({ ...p }));
    }
    // 30 s with nothing stored: a gap.
    if (k < 200 || k >= 230) {
      const bucketMs = Math.floor(atMs / step) * step;
      const value = { latencyMs: latencyAt(k), latencyMaxMs: latencyAt(k) + 5, rxBps: 1e6 + k };
      if (points.at(-1)?.atMs === bucketMs) points = [...points.slice(0, -1), point(bucketMs, value)];
      else points = [...points, point(bucketMs, value)];
    }
    const fromMs = atMs + 1000 - windowMs;
    points = points.filter((p) => p.atMs + step > fromMs);
    yield { k, points, stepMs: step };
  }
}

const high = (r: ChartRow) => r.band?.[1] ?? null;
const median = (r: ChartRow) => r.med;

describe('rows and maxima from what changed', () => {
  it('nextChartRows equals chartRows at every second, and keeps the row objects of points that stayed', () => {
    let memo: RowsMemo | null = null;
    let mostReused = 0;
    for (const { points, stepMs: step } of stream(700)) {
      const rows = nextChartRows(memo, points, step);
      expect(rows).toEqual(chartRows(points, step));
      // All but the newest row or two (revised, appended, a gap row after a gap) are last second's.
      if (memo && rows.filter((r) => memo!.rows.includes(r)).length >= rows.length - 2) mostReused++;
      memo = { points, stepMs: step, rows };
    }
    // Not at the first second, nor when the window changed its point width.
    expect(mostReused).toBe(700 - 2);
  });

  it('nextMaxOf equals maxOf at every second, through the spike, its leaving the window and a gap', () => {
    let rowsMemo: RowsMemo | null = null;
    let maxMemo: MaxMemo | null = null;
    const maxima = new Set<number>();
    for (const { points, stepMs: step } of stream(700)) {
      const rows = nextChartRows(rowsMemo, points, step);
      rowsMemo = { points, stepMs: step, rows };
      maxMemo = nextMaxOf(maxMemo, rows, high, median);
      expect(maxMemo.max).toBe(maxOf(rows, high, median));
      maxima.add(maxMemo.max);
    }
    // The spike raised the maximum, and it came down again once the spike left the window.
    expect(maxima.has(405)).toBe(true);
    expect(maxMemo!.max).toBeLessThan(405);
  });

  it('reads only the new and revised rows while the maximum stays in the window', () => {
    let rowsMemo: RowsMemo | null = null;
    let maxMemo: MaxMemo | null = null;
    let reads = 0;
    const counted = (r: ChartRow) => {
      reads++;
      return r.med;
    };
    const perSecond: number[] = [];
    for (const { k, points, stepMs: step } of stream(150)) {
      const rows = nextChartRows(rowsMemo, points, step);
      rowsMemo = { points, stepMs: step, rows };
      reads = 0;
      maxMemo = nextMaxOf(maxMemo, rows, counted);
      if (k > 0) perSecond.push(reads);
    }
    // A full scan reads the 60 rows of the window every second; the maximum of this stream is
    // an early row that leaves the window now and then, so a few seconds read them all.
    expect(perSecond.filter((n) => n <= 2).length).toBeGreaterThan(perSecond.length * 0.8);
  });
});

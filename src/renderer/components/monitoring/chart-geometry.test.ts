// The series' shapes in pixels, as the canvas paints them: lines and bands break at gaps (no line
// bridges a time nothing was measured), the median takes each point's loss colour without
// coming apart, and loss is held for its point's width from the floor up.
import { describe, expect, it } from 'vitest';
import { bandPolygons, linePolylines, niceMax, scaleOf, stepRects, pixelSlideMs } from './chart-geometry.ts';
import { chartRows, lossBucketIndex, lossBuckets, type ChartRow } from './chart-rows.ts';
import { point } from './monitoring-fixtures.test-util.ts';

const fromMs = 1_000_000;
const toMs = fromMs + 100_000;
// 1000 px for 100 s: 10 px per second; 100 px for 0–100 ms, y pointing down.
const scale = scaleOf({ width: 1000, height: 100 }, fromMs, toMs, { min: 0, max: 100 });
const median = (r: ChartRow) => r.med;
const lossColor = (r: ChartRow) => lossBuckets[lossBucketIndex(r.loss)].color;

describe('linePolylines', () => {
  it('breaks the line where the history has a gap, and only there', () => {
    // Points every 4 s, a lone one at 10 s, then three from 40 s: two runs.
    const rows = chartRows([point(fromMs + 10_000), point(fromMs + 40_000), point(fromMs + 44_000), point(fromMs + 48_000)], 4000);
    const lines = linePolylines(rows, median, scale, 'green');
    expect(lines.map((l) => l.points.map(([x]) => x))).toEqual([[100], [400, 440, 480]]);
    expect(lines[1]!.points.map(([, y]) => y)).toEqual([80, 80, 80]);
  });

  it('colours the segment that ends at a point by that point’s loss, and the coloured stretches join', () => {
    const rows = chartRows([point(fromMs), point(fromMs + 4000, { lossPct: 10 }), point(fromMs + 8000), point(fromMs + 12_000)], 4000);
    const lines = linePolylines(rows, median, scale, 'unused', lossColor);
    expect(lines.map((l) => [l.color, l.points.map(([x]) => x)])).toEqual([
      [lossBuckets[0].color, [0]],
      [lossBuckets[2].color, [0, 40]],
      [lossBuckets[0].color, [40, 80, 120]],
    ]);
  });
});

describe('bandPolygons', () => {
  it('outlines min to max per run, apart at the gap, with a sliver for a lone point', () => {
    const rows = chartRows([point(fromMs + 10_000, { latencyMinMs: 10, latencyMaxMs: 30 }), point(fromMs + 40_000, { latencyMinMs: 10, latencyMaxMs: 30 }), point(fromMs + 44_000, { latencyMinMs: 20, latencyMaxMs: 50 })], 4000);
    const polygons = bandPolygons(rows, (r) => r.band?.[0] ?? null, (r) => r.band?.[1] ?? null, scale);
    expect(polygons).toEqual([
      [
        [100, 70],
        [101.5, 70],
        [101.5, 90],
        [100, 90],
      ],
      [
        [400, 70],
        [440, 50],
        [440, 80],
        [400, 90],
      ],
    ]);
  });
});

describe('stepRects', () => {
  it('holds each loss for its point’s width from the floor, and draws nothing for 0 % or no answer', () => {
    const rows = chartRows([point(fromMs, { lossPct: 0 }), point(fromMs + 4000, { lossPct: 40 }), point(fromMs + 8000, { lossPct: null })], 4000);
    expect(stepRects(rows, (r) => r.loss, 4000, scale)).toEqual([{ x: 40, y: 60, width: 40, height: 40 }]);
  });
});

describe('scaleOf', () => {
  it('holds far outliers a few heights above the plot instead of at huge coordinates', () => {
    expect(scale.yOf(1e9)).toBe(100 - 400);
    expect(scale.baseY).toBe(100);
  });
});

describe('niceMax', () => {
  it('rounds an axis maximum up to 1, 2, 2.5 or 5 × 10^k', () => {
    expect([niceMax(0.3), niceMax(13), niceMax(2.1), niceMax(4100), niceMax(0, 5)]).toEqual([1, 20, 2.5, 5000, 5]);
  });
});

describe('pixelSlideMs', () => {
  it('slides about the nominal step, by a whole number of the plot’s device pixels', () => {
    // 1 h over 1,000 px: 60 s is 16.7 px, so 17 px = 61.2 s.
    expect(pixelSlideMs(3_600_000, 60_000, 1000)).toBeCloseTo(61_200, 6);
    for (const [windowMs, nominalMs, widthPx] of [[300_000, 5000, 1050], [3_600_000, 60_000, 1151], [86_400_000, 600_000, 1800]] as const) {
      const slideMs = pixelSlideMs(windowMs, nominalMs, widthPx);
      const px = (slideMs / windowMs) * widthPx;
      expect(Math.abs(px - Math.round(px))).toBeLessThan(1e-9);
      expect(Math.abs(slideMs - nominalMs) / nominalMs).toBeLessThan(0.05);
    }
  });

  it('keeps the nominal step before the plot has a width, and moves at least a pixel', () => {
    expect(pixelSlideMs(3_600_000, 60_000, 0)).toBe(60_000);
    expect(pixelSlideMs(86_400_000, 1000, 500)).toBeCloseTo(86_400_000 / 500, 6);
  });
});

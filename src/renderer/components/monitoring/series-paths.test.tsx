// @vitest-environment happy-dom
// The series are drawn in slices of time so that a new second touches only the newest slice:
// the DOM of every older slice is left exactly as it was (no new path string to parse and paint).
import { MantineProvider } from '@mantine/core';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { theme } from '../../theme.ts';
import { chartRows, timeTicks, type ChartRow } from './chart-rows.ts';
import { LatencyChart } from './latency-chart.tsx';
import { point } from './monitoring-fixtures.test-util.ts';
import { sliceRows } from './series-paths.tsx';

afterEach(cleanup);

const row = (t: number): ChartRow => ({ t, band: null, med: null, loss: null, jitter: null, rx: null, tx: null });

describe('sliceRows', () => {
  it('cuts rows at multiples of the slice width, aligned to time zero, with no row lost', () => {
    const rows = [row(1000), row(4000), row(9000), row(10_000), row(12_000), row(31_000)];
    expect(sliceRows(rows, 10_000)).toEqual([
      { id: 0, start: 0, end: 3 },
      { id: 1, start: 3, end: 5 },
      { id: 3, start: 5, end: 6 },
    ]);
    expect(sliceRows([], 10_000)).toEqual([]);
  });
});

describe('a new second on the latency chart', () => {
  it('rewrites only the newest slice of each series and keeps the older slices untouched', () => {
    // 5 min window, 1 s points: 12.5 s slices, 24 per window.
    // A window aligned to 5 min, so the new second falls in the same slice as the one before.
    const toMs = Math.ceil(Date.now() / 300_000) * 300_000;
    const fromMs = toMs - 300_000;
    const window = { fromMs, toMs, ticks: timeTicks(fromMs, toMs, 300_000) };
    const points = Array.from({ length: 200 }, (_, i) => point(fromMs + 40_000 + i * 1000, { latencyMs: 20 + (i % 7), latencyMinMs: 15, latencyMaxMs: 40 }));
    const chart = (pts: typeof points) => (
      <MantineProvider theme={theme}>
        <LatencyChart wan="wan" rows={chartRows(pts, 1000)} events={[]} window={window} width={800} />
      </MantineProvider>
    );
    const { container, rerender } = render(chart(points));
    const snapshot = (layer: string) => [...container.querySelectorAll(`g.${layer} path`)].map((p) => ({ node: p, d: p.getAttribute('d') }));
    const bandBefore = snapshot('latency-band');
    const medianBefore = snapshot('latency-median');
    expect(bandBefore.length).toBeGreaterThan(10);

    const next = [...points, point(points.at(-1)!.atMs + 1000, { latencyMs: 25, latencyMinMs: 15, latencyMaxMs: 40 })];
    rerender(chart(next));
    for (const [layer, before] of [
      ['latency-band', bandBefore],
      ['latency-median', medianBefore],
    ] as const) {
      const after = snapshot(layer);
      expect(after).toHaveLength(before.length);
      // Every slice but the newest: the same element with the same path.
      for (let i = 0; i < before.length - 1; i++) {
        expect(after[i]!.node).toBe(before[i]!.node);
        expect(after[i]!.d).toBe(before[i]!.d);
      }
      // The newest slice now reaches the new second.
      expect(after.at(-1)!.d).not.toBe(before.at(-1)!.d);
    }
  });
});

// What each monitoring chart paints, as layers for series-painter.ts: kept apart from the React
// components so the painter can be checked in Chromium with the very layers the app uses.
import { lossBucketIndex, lossBuckets, type ChartRow } from './chart-rows.ts';
import type { SeriesLayer } from './series-painter.ts';

export const latencyLow = (r: ChartRow) => r.band?.[0] ?? null;
export const latencyHigh = (r: ChartRow) => r.band?.[1] ?? null;
export const latencyMedian = (r: ChartRow) => r.med;
const lossColor = (r: ChartRow) => lossBuckets[lossBucketIndex(r.loss)].color;

/** Latency, Smokeping style: the min–max band, and the median coloured by that point's loss. */
export const latencyLayers: readonly SeriesLayer[] = [
  { kind: 'band', low: latencyLow, high: latencyHigh, fill: 'var(--mantine-color-gray-5)', opacity: 0.5 },
  { kind: 'line', value: latencyMedian, stroke: lossBuckets[0].color, width: 1.6, colorOf: lossColor },
];

export const loss = (r: ChartRow) => r.loss;
export const jitter = (r: ChartRow) => r.jitter;

/** Loss as red steps a point wide (left axis), jitter as a line (right axis). */
export function lossJitterLayers(stepMs: number): readonly SeriesLayer[] {
  return [
    { kind: 'steps', value: loss, stepMs, fill: 'var(--mantine-color-red-6)', stroke: 'var(--mantine-color-red-7)', opacity: 0.45 },
    { kind: 'line', value: jitter, stroke: 'var(--mantine-color-blue-6)', width: 1.2 },
  ];
}

export const rx = (r: ChartRow) => r.rx;
export const tx = (r: ChartRow) => r.tx;

/** Received and sent bits per second. */
export const throughputLayers: readonly SeriesLayer[] = [
  { kind: 'line', value: rx, stroke: 'var(--mantine-color-teal-6)', width: 1.2 },
  { kind: 'line', value: tx, stroke: 'var(--mantine-color-grape-6)', width: 1.2 },
];

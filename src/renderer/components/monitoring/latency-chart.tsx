// One uplink's latency, Smokeping style: the grey band spans each point's minimum to maximum
// (its width is the jitter), the median line is coloured by that point's loss, and the
// window's link events are dashed vertical lines.
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import type { TimeWindow } from './chart-axes.tsx';
import { maxOf, niceMax } from './chart-geometry.ts';
import { lossBucketIndex, lossBuckets, type ChartRow } from './chart-rows.ts';
import type { SeriesLayer } from './series-canvas.tsx';
import { SeriesChart } from './series-chart.tsx';

// A no-break space: tick text must not wrap.
const msTick = (v: number) => `${v}\u00a0ms`;
const low = (r: ChartRow) => r.band?.[0] ?? null;
const high = (r: ChartRow) => r.band?.[1] ?? null;
const median = (r: ChartRow) => r.med;
const lossColor = (r: ChartRow) => lossBuckets[lossBucketIndex(r.loss)].color;
const layers: readonly SeriesLayer[] = [
  { kind: 'band', low, high, fill: 'var(--mantine-color-gray-5)', opacity: 0.5 },
  { kind: 'line', value: median, stroke: lossBuckets[0].color, width: 1.6, colorOf: lossColor },
];

export const LatencyChart = memo(function LatencyChart(props: { wan: string; rows: readonly ChartRow[]; events: readonly LinkEvent[]; window: TimeWindow; width: number; height?: number }) {
  const top = useMemo(() => niceMax(maxOf(props.rows, high, median), 5), [props.rows]);
  const left = useMemo(() => ({ max: top, format: msTick }), [top]);
  return (
    <SeriesChart
      testId="latency-chart"
      label={`Latency of ${props.wan}: minimum to maximum band, median coloured by loss`}
      wan={props.wan}
      rows={props.rows}
      events={props.events}
      window={props.window}
      width={props.width}
      height={props.height ?? 170}
      timeLabels
      grid
      markerLabels
      left={left}
      layers={layers}
    />
  );
});

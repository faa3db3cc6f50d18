// One uplink's latency, Smokeping style: the grey band spans each point's minimum to maximum
// (its width is the jitter), the median line is coloured by that point's loss, and the
// window's link events are dashed vertical lines.
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import type { TimeWindow } from './chart-axes.tsx';
import { latencyHigh, latencyLayers, latencyMedian } from './chart-layers.ts';
import { axisTop, useRowFeed, type RowFeed } from './row-feed.ts';
import { SeriesChart } from './series-chart.tsx';

// A no-break space: tick text must not wrap.
const msTick = (v: number) => `${v}\u00a0ms`;
const topOf = axisTop(5, latencyHigh, latencyMedian);

export const LatencyChart = memo(function LatencyChart(props: { wan: string; feed: RowFeed; events: readonly LinkEvent[]; window: TimeWindow; width: number; height?: number }) {
  const top = useRowFeed(props.feed, topOf);
  const left = useMemo(() => ({ max: top, format: msTick }), [top]);
  return (
    <SeriesChart
      testId="latency-chart"
      label={`Latency of ${props.wan}: minimum to maximum band, median coloured by loss`}
      wan={props.wan}
      feed={props.feed}
      events={props.events}
      window={props.window}
      width={props.width}
      height={props.height ?? 170}
      timeLabels
      grid
      markerLabels
      left={left}
      layers={latencyLayers}
    />
  );
});

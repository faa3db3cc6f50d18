// One uplink's throughput: received and sent bits per second (k/M/G units).
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import type { TimeWindow } from './chart-axes.tsx';
import { rx, throughputLayers, tx } from './chart-layers.ts';
import { formatBpsTick } from './chart-rows.ts';
import { axisTop, useRowFeed, type RowFeed } from './row-feed.ts';
import { SeriesChart } from './series-chart.tsx';

const topOf = axisTop(1000, rx, tx);

export const ThroughputChart = memo(function ThroughputChart(props: { wan: string; feed: RowFeed; events: readonly LinkEvent[]; window: TimeWindow; width: number }) {
  const top = useRowFeed(props.feed, topOf);
  const left = useMemo(() => ({ max: top, format: formatBpsTick, unit: 'bit/s' }), [top]);
  return (
    <SeriesChart
      testId="throughput-chart"
      label={`Throughput of ${props.wan}, received and sent`}
      wan={props.wan}
      feed={props.feed}
      events={props.events}
      window={props.window}
      width={props.width}
      height={90}
      timeLabels
      left={left}
      layers={throughputLayers}
    />
  );
});

// One uplink's packet loss (red steps, left axis, 0–100 %) and jitter (line, right axis, ms).
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import type { TimeWindow } from './chart-axes.tsx';
import { jitter, lossJitterLayers } from './chart-layers.ts';
import { axisTop, useRowFeed, type RowFeed } from './row-feed.ts';
import { SeriesChart } from './series-chart.tsx';

// A no-break space: tick text must not wrap.
const pctTick = (v: number) => `${v}\u00a0%`;
const msTick = (v: number) => `${v}\u00a0ms`;
const lossAxis = { max: 100, format: pctTick };
const onRight = [false, true];
const jitterTopOf = axisTop(1, jitter);

export const LossJitterChart = memo(function LossJitterChart(props: { wan: string; feed: RowFeed; stepMs: number; events: readonly LinkEvent[]; window: TimeWindow; width: number }) {
  const jitterTop = useRowFeed(props.feed, jitterTopOf);
  const jitterAxis = useMemo(() => ({ max: jitterTop, format: msTick }), [jitterTop]);
  const layers = useMemo(() => lossJitterLayers(props.stepMs), [props.stepMs]);
  return (
    <SeriesChart
      testId="loss-jitter-chart"
      label={`Packet loss and jitter of ${props.wan}`}
      wan={props.wan}
      feed={props.feed}
      events={props.events}
      window={props.window}
      width={props.width}
      height={90}
      timeLabels={false}
      left={lossAxis}
      right={jitterAxis}
      layers={layers}
      onRight={onRight}
    />
  );
});

// One uplink's packet loss (red steps, left axis, 0–100 %) and jitter (line, right axis, ms).
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import type { TimeWindow } from './chart-axes.tsx';
import { maxOf, niceMax } from './chart-geometry.ts';
import type { ChartRow } from './chart-rows.ts';
import type { SeriesLayer } from './series-canvas.tsx';
import { SeriesChart } from './series-chart.tsx';

// A no-break space: tick text must not wrap.
const pctTick = (v: number) => `${v}\u00a0%`;
const msTick = (v: number) => `${v}\u00a0ms`;
const loss = (r: ChartRow) => r.loss;
const jitter = (r: ChartRow) => r.jitter;
const lossAxis = { max: 100, format: pctTick };
const onRight = [false, true];

export const LossJitterChart = memo(function LossJitterChart(props: { wan: string; rows: readonly ChartRow[]; stepMs: number; events: readonly LinkEvent[]; window: TimeWindow; width: number }) {
  const jitterTop = useMemo(() => niceMax(maxOf(props.rows, jitter), 1), [props.rows]);
  const jitterAxis = useMemo(() => ({ max: jitterTop, format: msTick }), [jitterTop]);
  const layers = useMemo<SeriesLayer[]>(
    () => [
      { kind: 'steps', value: loss, stepMs: props.stepMs, fill: 'var(--mantine-color-red-6)', stroke: 'var(--mantine-color-red-7)', opacity: 0.45 },
      { kind: 'line', value: jitter, stroke: 'var(--mantine-color-blue-6)', width: 1.2 },
    ],
    [props.stepMs],
  );
  return (
    <SeriesChart
      testId="loss-jitter-chart"
      label={`Packet loss and jitter of ${props.wan}`}
      wan={props.wan}
      rows={props.rows}
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

// One uplink's packet loss (red steps, left axis, 0–100 %) and jitter (line, right axis, ms).
import { memo, useMemo } from 'react';
import { ComposedChart } from 'recharts';
import type { LinkEvent } from '../../../shared/model.ts';
import type { ChartRow } from './chart-rows.ts';
import { eventMarkers } from './event-markers.tsx';
import { ChartRowsContext, maxOf, niceMax, SeriesPaths, type SeriesLayer } from './series-paths.tsx';
import { dualAxisMargin, timeAxis, valueAxis, type TimeWindow } from './time-axis.tsx';

// A no-break space: recharts wraps tick text at spaces.
const pctTick = (v: number) => `${v}\u00a0%`;
const msTick = (v: number) => `${v}\u00a0ms`;
const loss = (r: ChartRow) => r.loss;
const jitter = (r: ChartRow) => r.jitter;

export const LossJitterChart = memo(function LossJitterChart(props: { wan: string; rows: readonly ChartRow[]; stepMs: number; events: readonly LinkEvent[]; window: TimeWindow; width: number }) {
  const { rows, window } = props;
  const jitterTop = useMemo(() => niceMax(maxOf(rows, jitter), 1), [rows]);
  const layers = useMemo<SeriesLayer[]>(
    () => [
      { kind: 'steps', value: loss, stepMs: props.stepMs, fill: 'var(--mantine-color-red-6)', stroke: 'var(--mantine-color-red-7)', opacity: 0.45, className: 'loss-steps' },
      { kind: 'line', value: jitter, stroke: 'var(--mantine-color-blue-6)', width: 1.2, className: 'jitter-line' },
    ],
    [props.stepMs],
  );
  const xAxis = useMemo(() => timeAxis(window, true), [window]);
  const lossAxis = useMemo(() => valueAxis({ id: 'loss', format: pctTick, max: 100 }), []);
  const jitterAxis = useMemo(() => valueAxis({ id: 'jitter', orientation: 'right', format: msTick, max: jitterTop }), [jitterTop]);
  const markers = useMemo(() => eventMarkers(props.events, 'loss'), [props.events]);
  const chart = useMemo(
    () => (
      <ComposedChart width={props.width} height={90} margin={dualAxisMargin}>
        {xAxis}
        {lossAxis}
        {jitterAxis}
        <SeriesPaths fromMs={window.fromMs} toMs={window.toMs} domains={[{ min: 0, max: 100 }, { min: 0, max: jitterTop }]} layers={layers} />
        {markers}
      </ComposedChart>
    ),
    [props.width, xAxis, lossAxis, jitterAxis, markers, window.fromMs, window.toMs, jitterTop, layers],
  );
  return (
    <div data-testid="loss-jitter-chart" data-wan={props.wan} role="img" aria-label={`Packet loss and jitter of ${props.wan}`}>
      <ChartRowsContext.Provider value={rows}>{chart}</ChartRowsContext.Provider>
    </div>
  );
});

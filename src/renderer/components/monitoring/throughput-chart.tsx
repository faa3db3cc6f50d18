// One uplink's throughput: received and sent bits per second (k/M/G units).
import { memo, useMemo } from 'react';
import { ComposedChart } from 'recharts';
import type { LinkEvent } from '../../../shared/model.ts';
import { formatBpsTick, type ChartRow } from './chart-rows.ts';
import { eventMarkers } from './event-markers.tsx';
import { ChartRowsContext, maxOf, niceMax, SeriesPaths, type SeriesLayer } from './series-paths.tsx';
import { chartMargin, timeAxis, valueAxis, type TimeWindow } from './time-axis.tsx';

const rx = (r: ChartRow) => r.rx;
const tx = (r: ChartRow) => r.tx;
const layers: SeriesLayer[] = [
  { kind: 'line', value: rx, stroke: 'var(--mantine-color-teal-6)', width: 1.2, className: 'rx-line' },
  { kind: 'line', value: tx, stroke: 'var(--mantine-color-grape-6)', width: 1.2, className: 'tx-line' },
];

export const ThroughputChart = memo(function ThroughputChart(props: { wan: string; rows: readonly ChartRow[]; events: readonly LinkEvent[]; window: TimeWindow; width: number }) {
  const { rows, window } = props;
  const top = useMemo(() => niceMax(maxOf(rows, rx, tx), 1000), [rows]);
  const xAxis = useMemo(() => timeAxis(window), [window]);
  const yAxis = useMemo(() => valueAxis({ format: formatBpsTick, max: top }), [top]);
  const markers = useMemo(() => eventMarkers(props.events), [props.events]);
  const chart = useMemo(
    () => (
      <ComposedChart width={props.width} height={90} margin={chartMargin}>
        {xAxis}
        {yAxis}
        <SeriesPaths fromMs={window.fromMs} toMs={window.toMs} domains={[{ min: 0, max: top }]} layers={layers} />
        {markers}
      </ComposedChart>
    ),
    [props.width, xAxis, yAxis, markers, window.fromMs, window.toMs, top],
  );
  return (
    <div data-testid="throughput-chart" data-wan={props.wan} role="img" aria-label={`Throughput of ${props.wan}, received and sent`}>
      <ChartRowsContext.Provider value={rows}>{chart}</ChartRowsContext.Provider>
    </div>
  );
});

// One uplink's throughput: received and sent bits per second (k/M/G units).
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import type { TimeWindow } from './chart-axes.tsx';
import { maxOf, niceMax } from './chart-geometry.ts';
import { formatBpsTick, type ChartRow } from './chart-rows.ts';
import type { SeriesLayer } from './series-canvas.tsx';
import { SeriesChart } from './series-chart.tsx';

const rx = (r: ChartRow) => r.rx;
const tx = (r: ChartRow) => r.tx;
const layers: readonly SeriesLayer[] = [
  { kind: 'line', value: rx, stroke: 'var(--mantine-color-teal-6)', width: 1.2 },
  { kind: 'line', value: tx, stroke: 'var(--mantine-color-grape-6)', width: 1.2 },
];

export const ThroughputChart = memo(function ThroughputChart(props: { wan: string; rows: readonly ChartRow[]; events: readonly LinkEvent[]; window: TimeWindow; width: number }) {
  const top = useMemo(() => niceMax(maxOf(props.rows, rx, tx), 1000), [props.rows]);
  const left = useMemo(() => ({ max: top, format: formatBpsTick, unit: 'bit/s' }), [top]);
  return (
    <SeriesChart
      testId="throughput-chart"
      label={`Throughput of ${props.wan}, received and sent`}
      wan={props.wan}
      rows={props.rows}
      events={props.events}
      window={props.window}
      width={props.width}
      height={90}
      timeLabels
      left={left}
      layers={layers}
    />
  );
});

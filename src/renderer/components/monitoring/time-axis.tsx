// The axes every monitoring chart shares: a numeric time axis over the fixed window [from, to]
// with ticks at round clock times (charts line up, and recharts never takes its slow category
// path), and value axes of one width from zero to a round maximum the chart computed itself.
import { XAxis, YAxis } from 'recharts';
import { formatTick } from './chart-rows.ts';

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly ticks: readonly number[];
}

/** Width of a value axis: plots of one uplink line up, and the hover maths knows the inset. */
export const valueAxisWidth = 52;
/** Charts with one value axis keep the room of the second one empty, so every plot of an
 * uplink spans the same pixels and an event's markers line up from chart to chart. */
export const chartMargin = { top: 6, right: 8 + valueAxisWidth, bottom: 0, left: 0 };
export const dualAxisMargin = { top: 6, right: 8, bottom: 0, left: 0 };

const axisTick = { fontSize: 11, fill: 'var(--mantine-color-dimmed)' };
const axisLine = { stroke: 'var(--mantine-color-default-border)' };

export function timeAxis(window: TimeWindow, hide = false) {
  return (
    <XAxis
      dataKey="t"
      type="number"
      domain={[window.fromMs, window.toMs]}
      allowDataOverflow
      ticks={window.ticks as number[]}
      tickFormatter={formatTick}
      tick={hide ? false : axisTick}
      axisLine={axisLine}
      tickLine={false}
      height={hide ? 4 : 20}
    />
  );
}

export function valueAxis(props: { id?: string; orientation?: 'left' | 'right'; format: (v: number) => string; max: number }) {
  return (
    <YAxis
      yAxisId={props.id ?? 0}
      orientation={props.orientation ?? 'left'}
      type="number"
      width={valueAxisWidth}
      tick={axisTick}
      axisLine={false}
      tickLine={false}
      tickFormatter={props.format}
      domain={[0, props.max]}
      allowDataOverflow
      ticks={[0, props.max / 2, props.max]}
    />
  );
}

export const gridStroke = 'var(--mantine-color-default-border)';

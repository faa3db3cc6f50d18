// The frame every monitoring chart shares, as a small static SVG under the series canvas: a time
// axis over the fixed window [from, to] with ticks at round clock times, value axes from zero to a
// round maximum with three ticks, and dashed grid lines. It changes only when the window slides or
// an axis maximum changes, never because a second arrived.
import { memo } from 'react';
import { formatTick } from './chart-rows.ts';
import type { PlotArea } from './chart-geometry.ts';

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly ticks: readonly number[];
}

/** Width of a value axis: plots of one uplink line up, and the hover maths knows the inset. */
export const valueAxisWidth = 52;
/** Every chart keeps room for a value axis on both sides (one may stay empty), so every plot
 * of an uplink spans the same pixels and an event's markers line up from chart to chart. */
export const chartMargin = { top: 6, right: 8 + valueAxisWidth, bottom: 0, left: 0 };
/** Under the plot: the time labels, or just a sliver when a chart below shows them. */
const timeAxisHeight = { labels: 20, none: 10 };

/** The plot area of a chart `width` × `height` pixels. */
export function plotAreaOf(width: number, height: number, timeLabels: boolean): PlotArea {
  const x = chartMargin.left + valueAxisWidth;
  const y = chartMargin.top;
  return { x, y, width: Math.max(0, width - x - chartMargin.right), height: Math.max(0, height - y - chartMargin.bottom - timeAxisHeight[timeLabels ? 'labels' : 'none']) };
}

export interface ValueAxis {
  readonly max: number;
  readonly format: (v: number) => string;
  /** Written at the top of the axis when the ticks do not carry it ("bit/s" over "20k"). */
  readonly unit?: string;
}

const tickFont = { fontSize: 11, fill: 'var(--mantine-color-dimmed)' } as const;
export const gridStroke = 'var(--mantine-color-default-border)';
const axisStroke = 'var(--mantine-color-default-border)';

interface Props {
  width: number;
  height: number;
  plot: PlotArea;
  window: TimeWindow;
  timeLabels: boolean;
  left: ValueAxis;
  right?: ValueAxis;
  /** Dashed lines across the plot at the left axis's ticks. */
  grid?: boolean;
}

/**
 * A window slide moves the time labels only: the value axes and grid are a child memoised on
 * their own props, so a slide re-renders the time labels of the charts that show them and
 * nothing else of the axes.
 */
export const ChartAxes = memo(function ChartAxes({ width, height, plot, window, timeLabels, left, right, grid }: Props) {
  return (
    <svg width={width} height={height} style={{ position: 'absolute', left: 0, top: 0, overflow: 'visible' }} aria-hidden="true">
      <ValueAxes plot={plot} left={left} right={right} grid={grid} />
      {timeLabels && <TimeLabels plot={plot} window={window} />}
    </svg>
  );
});

const ValueAxes = memo(function ValueAxes({ plot, left, right, grid }: Pick<Props, 'plot' | 'left' | 'right' | 'grid'>) {
  const bottom = plot.y + plot.height;
  const valueTicks = (axis: ValueAxis) => [0, axis.max / 2, axis.max].map((v) => ({ v, y: bottom - (v / (axis.max || 1)) * plot.height }));
  return (
    <>
      {grid && (
        <g stroke={gridStroke} strokeDasharray="2 4">
          {valueTicks(left).map(({ v, y }) => (
            <line key={v} x1={plot.x} x2={plot.x + plot.width} y1={y} y2={y} />
          ))}
        </g>
      )}
      <line x1={plot.x} x2={plot.x + plot.width} y1={bottom} y2={bottom} stroke={axisStroke} />
      {left.unit && (
        <text {...tickFont} x={plot.x + 4} y={plot.y + 10} textAnchor="start" data-testid="axis-unit">
          {left.unit}
        </text>
      )}
      <g {...tickFont} textAnchor="end" data-axis="left">
        {valueTicks(left).map(({ v, y }) => (
          <text key={v} x={plot.x - 8} y={y} dy="0.355em">
            {left.format(v)}
          </text>
        ))}
      </g>
      {right && (
        <g {...tickFont} textAnchor="start" data-axis="right">
          {valueTicks(right).map(({ v, y }) => (
            <text key={v} x={plot.x + plot.width + 8} y={y} dy="0.355em">
              {right.format(v)}
            </text>
          ))}
        </g>
      )}
    </>
  );
});

const TimeLabels = memo(function TimeLabels({ plot, window }: Pick<Props, 'plot' | 'window'>) {
  const span = window.toMs - window.fromMs || 1;
  const xOf = (t: number) => plot.x + ((t - window.fromMs) / span) * plot.width;
  const bottom = plot.y + plot.height;
  return (
    <g {...tickFont} textAnchor="middle" data-axis="time">
      {window.ticks.map((t) => (
        <text key={t} x={xOf(t)} y={bottom + 14}>
          {formatTick(t)}
        </text>
      ))}
    </g>
  );
});

// One uplink's latency, Smokeping style: the grey band spans each point's minimum to maximum
// (its width is the jitter), the median line is coloured by that point's loss, and the
// window's link events are dashed vertical lines.
import { memo, useContext, useId, useMemo } from 'react';
import { CartesianGrid, ComposedChart, usePlotArea } from 'recharts';
import type { LinkEvent } from '../../../shared/model.ts';
import { lossStops, type ChartRow } from './chart-rows.ts';
import { eventMarkers } from './event-markers.tsx';
import { ChartRowsContext, maxOf, niceMax, SeriesPaths, type SeriesLayer } from './series-paths.tsx';
import { chartMargin, gridStroke, timeAxis, valueAxis, type TimeWindow } from './time-axis.tsx';

// A no-break space: recharts wraps tick text at spaces.
const msTick = (v: number) => `${v}\u00a0ms`;
const grid = <CartesianGrid vertical={false} stroke={gridStroke} strokeDasharray="2 4" />;
const low = (r: ChartRow) => r.band?.[0] ?? null;
const high = (r: ChartRow) => r.band?.[1] ?? null;
const median = (r: ChartRow) => r.med;

export const LatencyChart = memo(function LatencyChart(props: { wan: string; rows: readonly ChartRow[]; events: readonly LinkEvent[]; window: TimeWindow; width: number; height?: number }) {
  const { rows, window } = props;
  const gradientId = `loss-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const top = useMemo(() => niceMax(maxOf(rows, high, median), 5), [rows]);
  const layers = useMemo<SeriesLayer[]>(
    () => [
      { kind: 'band', low, high, fill: 'var(--mantine-color-gray-5)', opacity: 0.5, className: 'latency-band' },
      { kind: 'line', value: median, stroke: `url(#${gradientId})`, width: 1.6, className: 'latency-median' },
    ],
    [gradientId],
  );
  // Same elements while the window and events stand still: React then skips them, and recharts
  // recomputes no axis, which is most of its cost per update.
  const xAxis = useMemo(() => timeAxis(window), [window]);
  const yAxis = useMemo(() => valueAxis({ format: msTick, max: top }), [top]);
  const markers = useMemo(() => eventMarkers(props.events), [props.events]);
  const chart = useMemo(
    () => (
      <ComposedChart width={props.width} height={props.height ?? 170} margin={chartMargin}>
        {grid}
        {xAxis}
        {yAxis}
        <LossGradient id={gradientId} fromMs={window.fromMs} toMs={window.toMs} />
        <SeriesPaths fromMs={window.fromMs} toMs={window.toMs} domains={[{ min: 0, max: top }]} layers={layers} />
        {markers}
      </ComposedChart>
    ),
    [props.width, props.height, xAxis, yAxis, markers, gradientId, window.fromMs, window.toMs, top, layers],
  );
  return (
    <div data-testid="latency-chart" data-wan={props.wan} role="img" aria-label={`Latency of ${props.wan}: minimum to maximum band, median coloured by loss`}>
      <ChartRowsContext.Provider value={rows}>{chart}</ChartRowsContext.Provider>
    </div>
  );
});

/** The median's stroke: stops in pixels across the plot area, so offsets are time fractions. */
function LossGradient({ id, fromMs, toMs }: { id: string; fromMs: number; toMs: number }) {
  const rows = useContext(ChartRowsContext);
  const stops = useMemo(() => lossStops(rows, fromMs, toMs), [rows, fromMs, toMs]);
  const plot = usePlotArea();
  if (!plot) return null;
  return (
    <defs>
      <linearGradient id={id} gradientUnits="userSpaceOnUse" x1={plot.x} x2={plot.x + plot.width} y1={0} y2={0}>
        {stops.map((s, i) => (
          <stop key={i} offset={s.offset} stopColor={s.color} />
        ))}
      </linearGradient>
    </defs>
  );
}

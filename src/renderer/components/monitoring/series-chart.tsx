// One monitoring chart: the static axes (SVG), the series (canvas) and the event markers (SVG),
// stacked over the same pixels. A new second re-renders nothing here: the canvas paints from its
// row feed; the axes and markers change with the window, the axis maxima and the events.
import { memo, useMemo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import { ChartAxes, plotAreaOf, type TimeWindow, type ValueAxis } from './chart-axes.tsx';
import { EventMarkers } from './event-markers.tsx';
import type { RowFeed } from './row-feed.ts';
import { SeriesCanvas, type SeriesLayer } from './series-canvas.tsx';

interface Props {
  testId: string;
  label: string;
  wan: string;
  feed: RowFeed;
  events: readonly LinkEvent[];
  window: TimeWindow;
  width: number;
  height: number;
  timeLabels: boolean;
  left: ValueAxis;
  right?: ValueAxis;
  grid?: boolean;
  /** Drawn in order; each against the left axis, or the right one when `onRight[i]`. */
  layers: readonly SeriesLayer[];
  onRight?: readonly boolean[];
  /** Write the event markers' kinds (one chart per uplink does, so they are read once). */
  markerLabels?: boolean;
}

export const SeriesChart = memo(function SeriesChart(props: Props) {
  const { width, height, window, left, right, onRight } = props;
  const plot = useMemo(() => plotAreaOf(width, height, props.timeLabels), [width, height, props.timeLabels]);
  const domains = useMemo(() => props.layers.map((_, i) => ({ min: 0, max: (onRight?.[i] && right ? right : left).max })), [props.layers, onRight, left, right]);
  return (
    <div data-testid={props.testId} data-wan={props.wan} role="img" aria-label={props.label} style={{ position: 'relative', width, height }}>
      <ChartAxes width={width} height={height} plot={plot} window={window} timeLabels={props.timeLabels} left={left} right={right} grid={props.grid} />
      <SeriesCanvas feed={props.feed} fromMs={window.fromMs} toMs={window.toMs} plot={plot} domains={domains} layers={props.layers} />
      <EventMarkers width={width} height={height} plot={plot} fromMs={window.fromMs} toMs={window.toMs} events={props.events} labels={props.markerLabels} />
    </div>
  );
});

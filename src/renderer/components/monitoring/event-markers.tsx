// Link events as dashed vertical lines over a chart's plot, coloured by kind, each with its
// message on hover. An SVG over the series canvas: only the lines take the pointer.
import { memo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import { eventKindCssColor } from '../events/event-kind.ts';
import type { PlotArea } from './chart-geometry.ts';

interface Props {
  width: number;
  height: number;
  plot: PlotArea;
  fromMs: number;
  toMs: number;
  events: readonly LinkEvent[];
}

export const EventMarkers = memo(function EventMarkers({ width, height, plot, fromMs, toMs, events }: Props) {
  const span = toMs - fromMs || 1;
  const shown = events.filter((e) => e.atMs >= fromMs && e.atMs <= toMs);
  if (!shown.length) return null;
  return (
    <svg width={width} height={height} style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }}>
      {shown.map((e) => {
        const x = plot.x + ((e.atMs - fromMs) / span) * plot.width;
        return (
          <g key={e.id} data-testid="event-marker" data-kind={e.kind} style={{ pointerEvents: 'visibleStroke' }}>
            <title>{e.message}</title>
            <line x1={x} x2={x} y1={plot.y} y2={plot.y + plot.height} stroke={eventKindCssColor(e.kind)} strokeWidth={1.5} strokeDasharray="4 3" />
          </g>
        );
      })}
    </svg>
  );
});

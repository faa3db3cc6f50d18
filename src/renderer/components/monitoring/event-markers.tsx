// Link events as dashed vertical lines over a chart's plot, coloured by kind, each with its
// message on hover and, on the chart that asks for it, its kind written at the top (where two
// would overlap only the first is written). An SVG over the series canvas: only the lines take
// the pointer.
import { memo } from 'react';
import type { LinkEvent } from '../../../shared/model.ts';
import { eventKindCssColor, eventKindLabel } from '../events/event-kind.ts';
import type { PlotArea } from './chart-geometry.ts';

interface Props {
  width: number;
  height: number;
  plot: PlotArea;
  fromMs: number;
  toMs: number;
  events: readonly LinkEvent[];
  /** Write each marker's kind ("Offline", "Traffic moved") at the top of its line. */
  labels?: boolean;
}

/** A marker's few words: where the state or the traffic went when the event says, else its kind. */
export function markerLabel(e: Pick<LinkEvent, 'kind' | 'wan' | 'to'>): string {
  if ((e.kind === 'switch' || e.kind === 'active') && e.to) return `Traffic → ${e.to}`;
  if ((e.kind === 'state' || e.kind === 'monitor') && e.to) return `${e.wan ? `${e.wan} ` : ''}${e.to}`;
  return eventKindLabel(e.kind);
}

/** Pixels a label may take before the next one is left out. */
const labelGapPx = 96;

export const EventMarkers = memo(function EventMarkers({ width, height, plot, fromMs, toMs, events, labels }: Props) {
  const span = toMs - fromMs || 1;
  const shown = events.filter((e) => e.atMs >= fromMs && e.atMs <= toMs);
  if (!shown.length) return null;
  let lastLabelX = Number.NEGATIVE_INFINITY;
  const placed = shown.map((e) => {
    const x = plot.x + ((e.atMs - fromMs) / span) * plot.width;
    const labelled = !!labels && x - lastLabelX >= labelGapPx;
    if (labelled) lastLabelX = x;
    return { e, x, labelled };
  });
  // The labels after every line, each on a halo of the page's colour: a marker a moment later
  // (a few px right) drew over the start of the one before's label ("Router log" read "outer log").
  return (
    <svg width={width} height={height} style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }}>
      {placed.map(({ e, x }) => (
        <g key={e.id} data-testid="event-marker" data-kind={e.kind} style={{ pointerEvents: 'visibleStroke' }}>
          <title>{e.message}</title>
          <line x1={x} x2={x} y1={plot.y} y2={plot.y + plot.height} stroke={eventKindCssColor(e.kind)} strokeWidth={1.5} strokeDasharray="4 3" />
        </g>
      ))}
      {placed.map(({ e, x, labelled }) => {
        if (!labelled) return null;
        // Near the right edge the label reads leftwards, so it stays inside the plot.
        const leftwards = x > plot.x + plot.width - labelGapPx;
        return (
          <text key={e.id} x={leftwards ? x - 3 : x + 3} y={plot.y + 10} fontSize={10} fill={eventKindCssColor(e.kind)} textAnchor={leftwards ? 'end' : 'start'} stroke="var(--mantine-color-body)" strokeWidth={3} paintOrder="stroke" data-testid="event-marker-label">
            {markerLabel(e)}
          </text>
        );
      })}
    </svg>
  );
});

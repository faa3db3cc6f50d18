// Link events as vertical lines on a chart, coloured by kind, each with its message on hover.
import { ReferenceLine } from 'recharts';
import type { LinkEvent } from '../../../shared/model.ts';
import { eventKindCssColor } from '../events/event-kind.ts';

interface LineCoordinates {
  x1?: number;
  x2?: number;
  y1?: number;
  y2?: number;
}

function marker(event: LinkEvent, at: LineCoordinates) {
  return (
    <g data-testid="event-marker" data-kind={event.kind}>
      <title>{event.message}</title>
      <line x1={at.x1} x2={at.x2} y1={at.y1} y2={at.y2} stroke={eventKindCssColor(event.kind)} strokeWidth={1.5} strokeDasharray="4 3" />
    </g>
  );
}

export function eventMarkers(events: readonly LinkEvent[], yAxisId: string | number = 0) {
  return events.map((e) => <ReferenceLine key={e.id} x={e.atMs} yAxisId={yAxisId} ifOverflow="hidden" shape={(at: LineCoordinates) => marker(e, at)} />);
}

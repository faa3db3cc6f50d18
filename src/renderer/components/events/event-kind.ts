// How each kind of link event reads and which colour marks it, in the timeline and on charts.
import type { LinkEvent } from '../../../shared/model.ts';
import { linkEventKinds } from '../../../shared/model.ts';

export type LinkEventKind = LinkEvent['kind'];

const kindInfo: Readonly<Record<LinkEventKind, { label: string; color: string }>> = {
  state: { label: 'Link state', color: 'blue' },
  active: { label: 'Active uplink', color: 'violet' },
  apply: { label: 'Apply', color: 'cyan' },
  confirm: { label: 'Confirm', color: 'teal' },
  rollback: { label: 'Rollback', color: 'orange' },
  'manual-failover': { label: 'Manual failover', color: 'pink' },
  drill: { label: 'Drill', color: 'indigo' },
  monitor: { label: 'Monitor', color: 'red' },
  offline: { label: 'Offline', color: 'red' },
  online: { label: 'Online', color: 'green' },
  switch: { label: 'Traffic moved', color: 'violet' },
  revert: { label: 'Revert', color: 'orange' },
  force: { label: 'Forced', color: 'pink' },
  auto: { label: 'Automatic', color: 'grape' },
  remove: { label: 'Remove', color: 'gray' },
  dampening: { label: 'Dampening', color: 'yellow' },
  router: { label: 'Router log', color: 'gray' },
};

export const eventKinds: readonly LinkEventKind[] = linkEventKinds;

export function eventKindLabel(kind: LinkEventKind): string {
  return kindInfo[kind].label;
}

/** A Mantine colour name (for badges). */
export function eventKindColor(kind: LinkEventKind): string {
  return kindInfo[kind].color;
}

/**
 * A row's badge colour: the kind's, except that the monitor hearing an uplink again is a recovery
 * (green), not an alarm like its silence (red).
 */
export function eventColor(event: Pick<LinkEvent, 'kind' | 'to'>): string {
  return event.kind === 'monitor' && event.to === 'answering' ? 'green' : eventKindColor(event.kind);
}

/** The same colour as a CSS value that follows the light or dark theme (for SVG). */
export function eventKindCssColor(kind: LinkEventKind): string {
  return `var(--mantine-color-${kindInfo[kind].color}-6)`;
}

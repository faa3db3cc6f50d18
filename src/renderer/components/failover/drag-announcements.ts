// What a screen reader hears while an uplink is moved in the priority list, in place of the
// drag library's generic "draggable item 3" wording.
import type { Wan } from '../../../shared/model.ts';
import { uplinkLabel } from './uplink-label.ts';

type Named = Pick<Wan, 'kind' | 'name'>;

export const dragHandleUsageInstructions =
  'Press Space to lift the uplink, the up and down arrow keys to change its priority, Space again to drop it, or Escape to cancel. Priority 1 carries the traffic first.';

export function liftedMessage(wan: Named, index: number, total: number): string {
  return `${uplinkLabel(wan)} lifted, at priority ${index + 1} of ${total}.`;
}

export function movedMessage(wan: Named, index: number, total: number): string {
  return `${uplinkLabel(wan)} moved to priority ${index + 1} of ${total}.`;
}

export function droppedMessage(wan: Named, from: number, to: number | null, total: number): string {
  if (to === null) return `Move cancelled. ${uplinkLabel(wan)} stays at priority ${from + 1} of ${total}.`;
  if (to === from) return `${uplinkLabel(wan)} dropped; it stays at priority ${from + 1} of ${total}.`;
  return `${uplinkLabel(wan)} dropped at priority ${to + 1} of ${total}. Click Review and apply to send the new order to the router.`;
}

// The words of the desktop notification a failover raises: which router, where the traffic is
// now, where it came from and why. Plain data, so the Electron adapter only shows it and the
// words are tested without Electron.
import type { LinkEvent } from '../../../shared/model.ts';

export interface DesktopNotice {
  readonly title: string;
  readonly body: string;
  /** One notification per router on screen: a newer one replaces the older. */
  readonly tag: string;
}

const maxBodyChars = 240;

export function failoverNotification(routerName: string, event: Pick<LinkEvent, 'routerId' | 'kind' | 'from' | 'to' | 'wan' | 'message'>): DesktopNotice {
  const name = routerName.trim() || 'A router';
  const to = event.to ?? event.wan;
  const title = to ? `${name}: traffic moved to ${to}` : `${name}: failover`;
  const because = event.message.trim();
  const moved = event.from && to ? `Traffic moved from ${event.from} to ${to}.` : '';
  // The engine's own message usually says the move already; repeat it only when it adds the why.
  const repeats = because.toLowerCase().startsWith(moved.replace(/\.$/, '').toLowerCase());
  const text = !moved || repeats ? because || moved : `${moved} ${because}`;
  const body = text.charAt(0).toUpperCase() + text.slice(1);
  return { title, body: body.length > maxBodyChars ? `${body.slice(0, maxBodyChars - 1)}…` : body, tag: `switchyard-failover-${event.routerId}` };
}

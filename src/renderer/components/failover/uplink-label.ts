// How an uplink and its state read in the UI: one short label per uplink ("Cellular (wwan)"),
// state words and dot colours matching GL.iNet's (green online, gray offline, amber degraded).
import type { LinkState, Wan, WanKind } from '../../../shared/model.ts';

const kindWords: Readonly<Record<WanKind, string>> = { ethernet: 'Ethernet', repeater: 'Repeater', tethering: 'Tethering', cellular: 'Cellular' };

export function uplinkLabel(wan: Pick<Wan, 'kind' | 'name'>): string {
  return `${kindWords[wan.kind]} (${wan.name})`;
}

const stateWords: Readonly<Record<LinkState, string>> = {
  online: 'Online',
  degraded: 'Degraded',
  offline: 'Offline',
  connecting: 'Connecting',
  disconnecting: 'Disconnecting',
  disabled: 'Turned off',
  unknown: 'Unknown',
};

export function stateLabel(state: LinkState): string {
  return stateWords[state];
}

export function stateColor(state: LinkState): string {
  switch (state) {
    case 'online':
      return 'green';
    case 'degraded':
    case 'connecting':
    case 'disconnecting':
      return 'yellow';
    case 'offline':
    case 'disabled':
    case 'unknown':
      return 'gray';
  }
}

/** Local wall-clock time as HH:MM:SS: the moment the router reverts, read off any clock. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function formatSeconds(sec: number): string {
  if (sec < 60) return `${Math.round(sec * 10) / 10} s`;
  const whole = Math.round(sec);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

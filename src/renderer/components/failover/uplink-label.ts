// How an uplink and its state read in the UI: one short label per uplink ("Cellular (wwan)"),
// state words and dot colours: green online, amber degraded, red offline; grey only when the state
// is not known (or the uplink is turned off), so an outage never looks like missing data.
import type { WanCandidate } from '../../../shared/failover-schemas.ts';
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
      return 'red';
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

/** The gateway as a technician should read it: the one set, the one found, or a likely one to confirm. */
export function gatewayText(gateway: string | undefined, candidate: Pick<WanCandidate, 'gateway' | 'suggestedGateway'> | undefined): string {
  if (gateway !== undefined) return `gateway ${gateway}`;
  if (candidate?.gateway !== undefined) return `gateway ${candidate.gateway} (found on the router)`;
  if (candidate?.suggestedGateway !== undefined) return `gateway not found: probably ${candidate.suggestedGateway}, confirm it in the settings (gear)`;
  return 'gateway not found on the router';
}

export function formatSeconds(sec: number): string {
  if (sec < 60) return `${Math.round(sec * 10) / 10} s`;
  const whole = Math.round(sec);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

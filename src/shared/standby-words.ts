// A backup probed only when needed (the Cellular saver preset's probeWhen 'needed') in the same
// words on every screen and in the CLI: standing by while the router does not probe it, with
// what that saves and when it last answered; probed again while it is needed.
import type { WanStatus } from './failover-schemas.ts';
import { formatBytes, probeBytesPerMonth } from './failover-presets.ts';
import type { Tracking } from './model.ts';

/** How long ago, in the words a technician reads at a glance ("40 s", "3 min", "2 h"). */
export function agoWords(ms: number): string {
  const sec = Math.max(0, Math.round(ms / 1000));
  if (sec < 90) return `${sec} s`;
  if (sec < 90 * 60) return `${Math.round(sec / 60)} min`;
  if (sec < 36 * 3600) return `${Math.round(sec / 3600)} h`;
  return `${Math.round(sec / 86_400)} days`;
}

/** What the router's probes of this uplink would cost a month if it were probed always. */
export function standbySavingBytes(tracking: Tracking): number | null {
  return probeBytesPerMonth({ ...tracking, probeWhen: 'always' });
}

/**
 * One line about a backup probed only when needed, or null for any other uplink. `tracking` (the
 * policy's) gives the saving; without it the line leaves it out rather than guess.
 */
export function standbyLine(status: Pick<WanStatus, 'standby' | 'probing' | 'lastReplyAtMs'> | undefined, tracking: Tracking | undefined, nowMs: number): string | null {
  if (status?.standby === undefined) return null;
  if (status.standby) {
    const bytes = tracking ? standbySavingBytes(tracking) : null;
    const saves = bytes ? ` (saves ~${formatBytes(bytes)}/month)` : '';
    const last = status.lastReplyAtMs !== undefined ? `; last answered ${agoWords(nowMs - status.lastReplyAtMs)} ago` : '';
    return `Standing by — probed only when needed${saves}${last}`;
  }
  return status.probing ? 'Probed now: it is needed (the primary is failing, or it carries traffic)' : null;
}

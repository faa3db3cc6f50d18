// An uplink whose tracking just (re)started has no probe result yet: the engine's state is then
// only its initial assumption (the agent starts a changed uplink online, as mwan3's
// initial_state). Every screen and the CLI say "checking" for it instead of that assumption.
import type { WanStatus } from './failover-schemas.ts';

/** True while the engine says it has no probe result for the uplink yet. */
export function awaitingFirstProbe(status: Pick<WanStatus, 'probed'> | undefined): boolean {
  return status?.probed === false;
}

/** The uplink's state in the CLI's words: the engine's, or "checking" before its first probe result. */
export function wanStateText(status: Pick<WanStatus, 'state' | 'probed'>): string {
  return awaitingFirstProbe(status) ? 'checking (no probe result yet)' : status.state;
}

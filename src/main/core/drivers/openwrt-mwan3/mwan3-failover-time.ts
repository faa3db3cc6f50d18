// Predicts how long mwan3track takes to declare an uplink offline, from its tracking settings,
// so the apply preview can say "the router switches within about N s" before anything changes.

/** The mwan3track settings that decide detection time (defaults from mwan3.md §1). */
export type Mwan3TrackTiming = {
  readonly targets: number;
  readonly intervalSec?: number;
  readonly failureIntervalSec?: number;
  readonly timeoutSec?: number;
  readonly count?: number;
  readonly down?: number;
};

export type Mwan3FailoverEstimate = {
  /** Every probe waits its full timeout (targets silently drop packets): the worst case. */
  readonly worstSec: number;
  /** Probes fail at once (cable unplugged, "Network unreachable"): only the pauses count. */
  readonly immediateSec: number;
};

/**
 * mwan3track scoring (mwan3.md §1): the score starts at down+up and each failed round takes 1
 * off; the uplink goes offline after `down` failed rounds. A round probes every target in turn
 * (a dead target costs count × timeout) and rounds are separated by `interval` while healthy and
 * by `failure_interval` once the first round failed. The failure can start just after a good
 * round, so the worst case is
 *
 *   interval + down × (targets × count × timeout) + (down − 1) × failure_interval
 *
 * With mwan3's defaults (interval 10, failure_interval = interval, timeout 4, count 1, down 5)
 * that is 50 s of pauses plus 20 s per dead target: 130 s with 4 targets (the reference's
 * figure), about 50 s when probes fail at once. Reload time and hotplug work are not included.
 */
export function predictMwan3FailoverSec(t: Mwan3TrackTiming): Mwan3FailoverEstimate {
  const interval = t.intervalSec ?? 10;
  const failureInterval = t.failureIntervalSec ?? interval;
  const timeout = t.timeoutSec ?? 4;
  const count = t.count ?? 1;
  const down = t.down ?? 5;
  const pausesSec = interval + (down - 1) * failureInterval;
  return { worstSec: pausesSec + down * t.targets * count * timeout, immediateSec: pausesSec };
}

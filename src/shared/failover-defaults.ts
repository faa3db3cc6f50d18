// The tracking profile Switchyard proposes per platform, and the predicted worst-case time
// from a link failing to traffic moving, as each platform's engine counts. Pure, so the UI
// can update the prediction live as the user types.
import type { PlatformId, Tracking } from './model.ts';

/**
 * Linux agent: every target is probed every 0.2 s; an uplink goes down after 10 consecutive
 * lost probes on (all but reliability−1 of) its targets. At 10 % random loss a false failover
 * needs 10 losses in a row on every target (1e-10 per window per target), while a dead link is
 * detected in about 2.4 s.
 */
const linuxTracking: Tracking = {
  method: 'ping',
  targets: [],
  reliability: 1,
  intervalSec: 0.2,
  timeoutSec: 0.4,
  downCount: 10,
  upCount: 10,
  failureIntervalSec: 0.2,
};

/** mwan3 counts whole seconds; 1 s rounds with 3 strikes fail over in seconds, not mwan3's ~50 s. */
const mwan3Tracking: Tracking = {
  method: 'ping',
  targets: [],
  reliability: 1,
  intervalSec: 1,
  timeoutSec: 1,
  downCount: 3,
  upCount: 3,
  failureIntervalSec: 1,
};

/**
 * GL.iNet kmwan: the kernel probes every second, calls an uplink dead once a probe has gone
 * unanswered for the sensitivity (the timeout) and brings it back on the first answer; nothing
 * else can be set. GL's default sensitivity is medium, 3 s.
 */
const kmwanTracking: Tracking = {
  method: 'ping',
  targets: [],
  reliability: 1,
  intervalSec: 1,
  timeoutSec: 3,
  downCount: 1,
  upCount: 1,
  failureIntervalSec: 1,
};

export function defaultTracking(platform: PlatformId): Tracking {
  return platform === 'linux' ? linuxTracking : platform === 'glinet-kmwan' ? kmwanTracking : mwan3Tracking;
}

/** The agent's main loop decides every tick (resources/agent/README.md). */
const agentTickSec = 0.1;
/** With no probes, carrier loss is seen within one agent tick. */
const linkStateSec = agentTickSec;

/**
 * Worst case from the moment a link stops passing traffic to traffic on another uplink, or
 * null when the platform has no model of its engine.
 *
 * - linux (Switchyard agent, resources/agent/README.md "Default profile"): a probe is lost
 *   timeoutSec after it was due; the first loss comes at most one interval after the failure,
 *   then the uplink is suspect and probes every failureIntervalSec. A reply is seen up to one
 *   tick late and the check runs once per tick:
 *   failureInterval ≥ interval: interval + timeout + (down−1)·failureInterval + 2·tick;
 *   failureInterval < interval: interval + 2·timeout + (down−2)·failureInterval + 3·tick.
 * - openwrt-mwan3 (mwan3track): rounds probe the targets one after the other,
 *   each waiting `timeout` when dead (count = 1): interval + down·targets·timeout +
 *   (down−1)·failure_interval (mwan3.md, "Tracker scoring"). mwan3's own defaults (10 s, 5
 *   strikes, 4 s timeout) give 70 s with one target and 130 s with four.
 */
export function predictFailoverSec(platform: PlatformId, tracking: Tracking): number | null {
  const targets = Math.max(1, tracking.targets.length);
  switch (platform) {
    case 'linux':
      if (tracking.method === 'none') return linkStateSec;
      return round(linuxDetectionSec(tracking));
    case 'glinet-kmwan':
      // kmwan's kernel module polls every intervalSec (1 s) and calls a member dead once a probe
      // has gone unanswered for the sensitivity (timeoutSec): sensitivity + one poll.
      if (tracking.method === 'none' || tracking.targets.length === 0) return null;
      return round(tracking.timeoutSec + tracking.intervalSec);
    case 'openwrt-mwan3':
      if (tracking.method === 'none' || tracking.targets.length === 0) return null;
      return round(tracking.intervalSec + tracking.downCount * targets * tracking.timeoutSec + (tracking.downCount - 1) * tracking.failureIntervalSec);
    case 'routeros':
    case 'unknown':
      return null;
  }
}

function linuxDetectionSec({ intervalSec, failureIntervalSec, timeoutSec, downCount }: Tracking): number {
  if (failureIntervalSec >= intervalSec) return intervalSec + timeoutSec + (downCount - 1) * failureIntervalSec + 2 * agentTickSec;
  return intervalSec + 2 * timeoutSec + Math.max(0, downCount - 2) * failureIntervalSec + 3 * agentTickSec;
}

function round(sec: number): number {
  return Math.round(sec * 10) / 10;
}

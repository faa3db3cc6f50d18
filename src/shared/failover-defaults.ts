// The tracking profile Switchyard proposes per platform, and the predicted worst-case time
// from a link failing to traffic moving, as each platform's engine counts. Pure, so the UI
// can update the prediction live as the user types.
import type { Dampening, FailoverPolicy, PlatformId, Tracking } from './model.ts';

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

/** mwan3track's counting in 1 s rounds with 3 strikes (the OpenWrt profile below starts from it). */
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

/**
 * OpenWrt mwan3: the fastest whole-second rounds (interval, failure_interval and timeout 1 s,
 * one probe each) and 2 failed rounds to go offline, 3 good ones to come back. mwan3track asks
 * the targets one after the other, so each dead target adds its timeout to a round; 2 strikes
 * instead of 3 take a round (targets × timeout + 1 s) off the gap. What it costs: a false
 * failover needs every target to lose a probe in 2 rounds running, at 10 % random loss with 2
 * targets (0.1² per round, twice) about once in 10⁴ rounds (~3 h); at 2 % loss about once in
 * 2 months. Issue 16 item 5.
 */
const openwrtMwan3Tracking: Tracking = { ...mwan3Tracking, downCount: 2 };

export function defaultTracking(platform: PlatformId): Tracking {
  return platform === 'linux' ? linuxTracking : platform === 'glinet-kmwan' ? kmwanTracking : openwrtMwan3Tracking;
}

/**
 * mwan3's own reaction after its tracker decides (mwan3track → hotplug-call → 15-mwan3 rebuilds
 * the policy rules, iptables/nft): a bound for a router's own CPU, from the 22.03.4 run (gap
 * 9.04–9.74 s against 9 s of detection). It can only be confirmed on the device: under CPU
 * emulation the 19.07.7 router took 2 s to start the hotplug and 8 s to run it (s5-logread).
 */
export const mwan3ReactionSec = 1;

/** One part of a failover-time bound, in the words the plan shows. */
export type FailoverTimePart = { readonly what: string; readonly sec: number };

/**
 * The worst case from the moment an uplink stops answering to new connections leaving through
 * the backup on OpenWrt mwan3, with its parts: the failure can start just after a good round
 * (one `interval` until the next), `down` failing rounds each probing every target in turn for
 * `timeout` (count = 1), `failure_interval` between them, then mwan3's reaction. mwan3's own
 * defaults (10 s, 5 strikes, 4 s timeout) give 70 s of detection with one target, 130 s with four.
 */
export function mwan3FailoverParts(tracking: Tracking): FailoverTimePart[] | null {
  if (tracking.method === 'none' || tracking.targets.length === 0) return null;
  const t = tracking.targets.length;
  return [
    { what: 'until the next tracking round (interval)', sec: tracking.intervalSec },
    { what: `${tracking.downCount} failing rounds × ${t} target${t === 1 ? '' : 's'} × ${tracking.timeoutSec} s timeout`, sec: tracking.downCount * t * tracking.timeoutSec },
    { what: `${tracking.downCount - 1} pause${tracking.downCount === 2 ? '' : 's'} between failing rounds (failure interval)`, sec: (tracking.downCount - 1) * tracking.failureIntervalSec },
    { what: "mwan3's reaction: tracker → hotplug → rules (bound for the router's own CPU)", sec: mwan3ReactionSec },
  ];
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
 * - openwrt-mwan3: mwan3FailoverParts (detection as mwan3.md "Tracker scoring" counts it, then
 *   mwan3's own reaction).
 */
export function predictFailoverSec(platform: PlatformId, tracking: Tracking): number | null {
  switch (platform) {
    case 'linux':
      if (tracking.method === 'none') return linkStateSec;
      return round(linuxDetectionSec(tracking));
    case 'glinet-kmwan':
      // kmwan's kernel module polls every intervalSec (1 s) and calls a member dead once a probe
      // has gone unanswered for the sensitivity (timeoutSec): sensitivity + one poll.
      if (tracking.method === 'none' || tracking.targets.length === 0) return null;
      return round(tracking.timeoutSec + tracking.intervalSec);
    case 'openwrt-mwan3': {
      const parts = mwan3FailoverParts(tracking);
      return parts ? round(parts.reduce((sum, p) => sum + p.sec, 0)) : null;
    }
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

/**
 * Flap dampening, on by default: an uplink that fails 3 times within 2 minutes is left unused
 * for 60 s after its latest failure, so traffic stays on the backup. Two failures in 2 minutes
 * are still followed back at once (a real outage and its repair, or one hiccup); the third says
 * the link is unstable. 60 s is long enough to outlast a link toggling every few seconds and
 * short enough that a repaired primary is back within about a minute.
 */
export const defaultDampening: Dampening = { enabled: true, flaps: 3, windowSec: 120, holdSec: 60 };

/** The dampening a policy asks for (its own, or the default when it names none). */
export function policyDampening(policy: Pick<FailoverPolicy, 'dampening'>): Dampening {
  return policy.dampening ?? defaultDampening;
}

/** The dampening rule in the plan's plain words. */
export function describeDampening(d: Dampening): string {
  if (!d.enabled) return 'off (traffic follows every recovery at once)';
  return `after ${d.flaps} failures of an uplink within ${durationWords(d.windowSec)}, keep traffic off it for ${durationWords(d.holdSec)}`;
}

/** What the dampening does, in plain words for the plan's notes (an engine that holds uplinks down). */
export function explainDampening(d: Dampening): string {
  if (!d.enabled) return 'Flap dampening is off: traffic returns to a recovered uplink every time, however often it fails (each return moves connections).';
  return (
    `Flap dampening: an uplink that fails ${d.flaps} times within ${durationWords(d.windowSec)} is held — traffic stays on the backup until ${durationWords(d.holdSec)} have passed since its latest failure, ` +
    `instead of switching back (and cutting connections) at every flap; the router logs when it starts and ends. ` +
    `The first ${d.flaps - 1} failure${d.flaps === 2 ? ' is' : 's are'} followed back at once, and failing over is never slowed: only the return to a flapping uplink waits.`
  );
}

/**
 * The plan's note on an engine with no hold-down (mwan3, kmwan): the dampening asked for cannot
 * be set there, and what the engine does with a flapping uplink instead. `returns` lists each
 * uplink's return as the engine will count it ("wan after 3 good rounds 1 s apart, ≈ 3 s").
 * Null when dampening is off (nothing asked, nothing missing).
 */
export function dampeningUnreachable(engine: string, d: Dampening, returns: readonly string[], instead: string): string | null {
  if (!d.enabled) return null;
  return (
    `Flap dampening (${describeDampening(d)}) cannot be set on ${engine}: it has no hold-down, so a flapping uplink is taken back at every recovery` +
    (returns.length ? ` (${returns.join('; ')})` : '') +
    `. ${instead}`
  );
}

/** "2 min" for whole minutes from 2 up, else "60 s"; "? s" for what is not a number. */
export function durationWords(value: unknown): string {
  const sec = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(sec)) return '? s';
  if (sec >= 120 && sec % 60 === 0) return `${sec / 60} min`;
  return `${sec} s`;
}

/**
 * The parts of predictFailoverSec, in the words a preset shows; they add up to the prediction
 * (rounded to 0.1 s). null where predictFailoverSec is null.
 */
export function failoverParts(platform: PlatformId, tracking: Tracking): FailoverTimePart[] | null {
  switch (platform) {
    case 'linux': {
      if (tracking.method === 'none') return [{ what: 'carrier loss seen at the next agent tick', sec: linkStateSec }];
      const { intervalSec, failureIntervalSec, timeoutSec, downCount } = tracking;
      if (failureIntervalSec >= intervalSec) {
        return [
          { what: `a probe counts as lost ${timeoutSec} s after it was due (timeout)`, sec: timeoutSec },
          { what: `${downCount} lost probe${downCount === 1 ? '' : 's'} in a row: ${intervalSec} s, then ${downCount - 1} × ${failureIntervalSec} s`, sec: intervalSec + (downCount - 1) * failureIntervalSec },
          { what: `the agent's ${agentTickSec} s tick: a reply seen one tick late, the check once per tick`, sec: 2 * agentTickSec },
        ];
      }
      return [
        { what: `the first lost probe: up to ${intervalSec} s until it is due, then its ${timeoutSec} s timeout`, sec: intervalSec + timeoutSec },
        { what: `probing speeds up to every ${failureIntervalSec} s: the first fast probe's timeout`, sec: timeoutSec },
        { what: `${Math.max(0, downCount - 2)} more lost probe${downCount - 2 === 1 ? '' : 's'} × ${failureIntervalSec} s`, sec: Math.max(0, downCount - 2) * failureIntervalSec },
        { what: `the agent's ${agentTickSec} s tick, three times (reply seen late, check, restart of the probes)`, sec: 3 * agentTickSec },
      ];
    }
    case 'glinet-kmwan':
      if (tracking.method === 'none' || tracking.targets.length === 0) return null;
      return [
        { what: `sensitivity: a probe unanswered for ${tracking.timeoutSec} s`, sec: tracking.timeoutSec },
        { what: `kmwan's kernel poll (every ${tracking.intervalSec} s)`, sec: tracking.intervalSec },
      ];
    case 'openwrt-mwan3':
      return mwan3FailoverParts(tracking);
    case 'routeros':
    case 'unknown':
      return null;
  }
}

/**
 * Worst case from the failed uplink answering again to new connections going back to it, with
 * its parts, or null where the engine has no model here. The agent counts upCount answers in a
 * row, probing every failureIntervalSec while the uplink is not online; kmwan returns a member
 * on its first answer; mwan3 may be inside a failing round (every target its timeout), then
 * needs `up` good rounds failure_interval apart, then rebuilds its rules.
 */
export function failbackParts(platform: PlatformId, tracking: Tracking): FailoverTimePart[] | null {
  if (tracking.method === 'none') return platform === 'linux' ? [{ what: 'carrier back, seen at the next agent tick', sec: linkStateSec }] : null;
  const { failureIntervalSec, timeoutSec, upCount } = tracking;
  switch (platform) {
    case 'linux':
      return [
        { what: `the next probe (every ${failureIntervalSec} s while down) and its answer (≤ ${timeoutSec} s timeout)`, sec: failureIntervalSec + timeoutSec },
        { what: `${upCount - 1} more answer${upCount - 1 === 1 ? '' : 's'} in a row × ${failureIntervalSec} s (up count ${upCount})`, sec: (upCount - 1) * failureIntervalSec },
        { what: `the agent's ${agentTickSec} s tick: a reply seen one tick late, the check once per tick`, sec: 2 * agentTickSec },
      ];
    case 'glinet-kmwan':
      if (tracking.targets.length === 0) return null;
      return [{ what: `kmwan's next poll (every ${tracking.intervalSec} s): the first answer brings the uplink back`, sec: tracking.intervalSec }];
    case 'openwrt-mwan3': {
      const t = tracking.targets.length;
      if (t === 0) return null;
      return [
        { what: `a round already running when the uplink returns: ${t} target${t === 1 ? '' : 's'} × ${timeoutSec} s timeout`, sec: t * timeoutSec },
        { what: `${upCount} good round${upCount === 1 ? '' : 's'}, ${failureIntervalSec} s apart`, sec: upCount * failureIntervalSec },
        { what: "mwan3's reaction: tracker → hotplug → rules (bound for the router's own CPU)", sec: mwan3ReactionSec },
      ];
    }
    case 'routeros':
    case 'unknown':
      return null;
  }
}

/** A list of parts as one number, rounded as the predictions are. */
export function sumParts(parts: readonly FailoverTimePart[]): number {
  return round(parts.reduce((sum, p) => sum + p.sec, 0));
}

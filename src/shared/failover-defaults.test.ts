// The failover-time model reproduces the reference figures, and the default profiles keep
// their promise: seconds, not the ~50 s of mwan3's own defaults.
import { describe, expect, it } from 'vitest';
import { defaultTracking, mwan3FailoverParts, mwan3ReactionSec, predictFailoverSec } from './failover-defaults.ts';
import type { Tracking } from './model.ts';

const target = (n: number) => Array.from({ length: n }, (_, i) => `203.0.113.${10 + i}`);

describe('predictFailoverSec', () => {
  it('gives mwan3 defaults the 70 s (one target) and 130 s (four) the reference derives', () => {
    const mwan3Defaults: Tracking = { method: 'ping', targets: target(1), reliability: 1, intervalSec: 10, timeoutSec: 4, downCount: 5, upCount: 5, failureIntervalSec: 10 };
    // Detection as the reference derives it, plus mwan3's own reaction after detection.
    expect(predictFailoverSec('openwrt-mwan3', mwan3Defaults)).toBe(70 + mwan3ReactionSec);
    expect(predictFailoverSec('openwrt-mwan3', { ...mwan3Defaults, targets: target(4) })).toBe(130 + mwan3ReactionSec);
  });

  it('keeps the Linux default profile under the 3 s target', () => {
    const predicted = predictFailoverSec('linux', { ...defaultTracking('linux'), targets: target(2) })!;
    expect(predicted).toBeLessThanOrEqual(3);
    expect(predicted).toBe(2.6);
  });

  it('bounds the OpenWrt default profile with its parts: 7 s with two targets, 5 s with one (issue 16 item 5)', () => {
    const two = { ...defaultTracking('openwrt-mwan3'), targets: target(2) };
    expect(mwan3FailoverParts(two)!.map((p) => p.sec)).toEqual([1, 4, 1, mwan3ReactionSec]);
    expect(predictFailoverSec('openwrt-mwan3', two)).toBe(7);
    expect(predictFailoverSec('openwrt-mwan3', { ...two, targets: target(1) })).toBe(5);
    // The old default (3 strikes) left out the reaction: 9 s predicted against 9.04–9.74 s measured natively.
    expect(predictFailoverSec('openwrt-mwan3', { ...two, downCount: 3 })).toBe(10);
  });

  it('matches the agent README for a low-data profile (2 s rounds, 0.2 s once suspect)', () => {
    const lowData = { ...defaultTracking('linux'), targets: target(1), intervalSec: 2, failureIntervalSec: 0.2, timeoutSec: 0.5 };
    expect(predictFailoverSec('linux', lowData)).toBe(4.9);
  });

  it('grows with every setting that slows detection', () => {
    const base = { ...defaultTracking('linux'), targets: target(2) };
    const t0 = predictFailoverSec('linux', base)!;
    for (const slower of [{ intervalSec: 1 }, { timeoutSec: 2 }, { downCount: 20 }, { failureIntervalSec: 1 }]) {
      expect(predictFailoverSec('linux', { ...base, ...slower })!).toBeGreaterThan(t0);
    }
  });

  it('has no estimate where the engine is unknown, or mwan3 without targets', () => {
    expect(predictFailoverSec('routeros', defaultTracking('linux'))).toBeNull();
    expect(predictFailoverSec('openwrt-mwan3', defaultTracking('openwrt-mwan3'))).toBeNull();
    expect(predictFailoverSec('linux', { ...defaultTracking('linux'), method: 'none' })).toBe(0.1);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultTracking } from './failover-defaults.ts';
import { agoWords, standbyLine } from './standby-words.ts';

describe('standby words', () => {
  // The Cellular saver preset on the lab's cellular backup: two targets, a probe a minute.
  const tracking = { ...defaultTracking('linux'), targets: ['203.0.113.12', '203.0.113.13'], intervalSec: 60, probeWhen: 'needed' as const };

  it('says a standing-by backup stands by, what the router saves by it, and when it last answered', () => {
    // 2 targets × 168 bytes × 43,200 probes a month = 14.5 MB.
    expect(standbyLine({ standby: true, probing: false, lastReplyAtMs: 1_000 }, tracking, 181_000)).toBe('Standing by — probed only when needed (saves ~14.5 MB/month); last answered 3 min ago');
    expect(standbyLine({ standby: true, probing: false }, undefined, 0)).toBe('Standing by — probed only when needed');
  });

  it('says a woken backup is probed, and nothing for an uplink probed always', () => {
    expect(standbyLine({ standby: false, probing: true }, tracking, 0)).toMatch(/^Probed now: it is needed/);
    expect(standbyLine({ probing: true }, undefined, 0)).toBeNull();
    expect(standbyLine(undefined, undefined, 0)).toBeNull();
  });

  it('words how long ago', () => {
    expect([agoWords(40_000), agoWords(180_000), agoWords(2 * 3600_000), agoWords(3 * 86_400_000)]).toEqual(['40 s', '3 min', '2 h', '3 days']);
  });
});

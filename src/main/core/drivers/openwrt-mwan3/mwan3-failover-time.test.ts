// The failover-time formula against the reference's figures and the real capture's timing.
import { describe, expect, it } from 'vitest';
import { predictMwan3FailoverSec } from './mwan3-failover-time.ts';
import { readMwan3Config } from './mwan3-config.ts';
import { lab, readFixture } from './test-fixtures.ts';
import { parseUciExport } from './uci/uci-parse.ts';

describe('predictMwan3FailoverSec', () => {
  it('gives the reference figures for mwan3 defaults: 130 s with 4 silent targets, about 50 s when probes fail at once', () => {
    expect(predictMwan3FailoverSec({ targets: 4 })).toEqual({ worstSec: 130, immediateSec: 50 });
    expect(predictMwan3FailoverSec({ targets: 1 })).toEqual({ worstSec: 70, immediateSec: 50 });
  });

  it('matches the lab capture, where wan went offline "about 10 s" after its targets stopped answering', () => {
    const wan = readMwan3Config(parseUciExport(readFixture(lab, 'a_both_online__uci-export-mwan3.txt'), 'mwan3')).config.interfaces[0]!;
    // interval 1 + down 3 × (2 targets × 1 × timeout 1) + 2 × failure_interval 1 = 9 s
    const t = predictMwan3FailoverSec({ targets: wan.trackIps.length, intervalSec: wan.intervalSec, failureIntervalSec: wan.failureIntervalSec, timeoutSec: wan.timeoutSec, count: wan.count, down: wan.down });
    expect(t.worstSec).toBe(9);
  });

  it('uses failure_interval between failing rounds and count probes per target', () => {
    expect(predictMwan3FailoverSec({ targets: 2, intervalSec: 5, failureIntervalSec: 2, timeoutSec: 1, count: 3, down: 3 })).toEqual({ worstSec: 5 + 3 * 6 + 2 * 2, immediateSec: 9 });
  });
});

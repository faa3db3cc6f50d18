import { describe, expect, it } from 'vitest';
import type { DrillTrial } from '../../../shared/api/drill-schemas.ts';
import { summarize, verdict } from './drill-verdict.ts';

const base: DrillTrial = {
  index: 1, failedWan: 'eth1', backupWan: 'wlan0', startMs: 0, endMs: 6000, endedBy: 'app', detectionSec: 2.3, switchSec: 2.4, firstBackupReplySec: 2.5,
  probesLost: 24, backToPrimarySec: 2.1, failbackProbesLost: 0, flowsBefore: 2, flowsCut: 2, probes: [], log: [], problems: [],
};

describe('drill verdict', () => {
  it('says payments stay up with the worst and median gap, against the prediction', () => {
    const trials = [base, { ...base, index: 2, firstBackupReplySec: 2.7 }, { ...base, index: 3, firstBackupReplySec: 2.6 }];
    const v = verdict(trials, summarize(trials), 2.6);
    expect(v.ok).toBe(true);
    expect(v.text).toMatch(/^Card payments stay up: wlan0 carried traffic 2\.7 s after eth1 failed \(worst of 3 drills, median 2\.6 s\)\. Predicted worst case: 2\.6 s\./);
    expect(v.text).toContain('6 of 6 open connections through eth1 were cut');
  });

  it('says payments stop when a trial had no backup traffic', () => {
    const trials = [base, { ...base, index: 2, firstBackupReplySec: null, backupWan: null }];
    expect(verdict(trials, summarize(trials), 2.6)).toMatchObject({ ok: false, text: expect.stringMatching(/^Card payments stop: in 1 of 2 drills/) });
  });

  it('flags a failover slower than predicted', () => {
    const trials = [{ ...base, firstBackupReplySec: 4.2 }];
    expect(verdict(trials, summarize(trials), 2.6)).toMatchObject({ ok: false, text: expect.stringContaining('slower than the predicted worst case of 2.6 s') });
  });
});

import { describe, expect, it } from 'vitest';
import type { DrillReport, DrillTrial } from './api/drill-schemas.ts';
import { drillReportCsv, drillReportHtml, timelineSvg } from './drill-report-html.ts';

const trial: DrillTrial = {
  index: 1,
  failedWan: 'eth1',
  backupWan: 'wlan0',
  startMs: 1_000_000,
  endMs: 1_006_000,
  endedBy: 'app',
  detectionSec: 2.4,
  switchSec: 2.5,
  firstBackupReplySec: 2.55,
  probesLost: 24,
  backToPrimarySec: 2.1,
  failbackProbesLost: 0,
  flowsBefore: 1,
  flowsCut: 1,
  probes: [
    { tMs: -500, rttMs: 0.3 },
    { tMs: 100, rttMs: null },
    { tMs: 2600, rttMs: 0.4 },
  ],
  log: [{ tMs: 2400, kind: 'status', text: '1002400 status {"wan":"<script>alert(1)</script>"}' }],
  problems: [],
};

const sampleReport: DrillReport = {
  id: 'r1',
  routerId: 'x1',
  createdMs: 1_796_450_000_000,
  site: { id: 's1', name: 'Café <Nord> & Co' },
  router: { name: 'r01', host: '198.51.100.9', platform: 'linux' },
  settings: { trials: 1, holdSec: 3, maxSec: 36, probeTarget: '203.0.113.11', mode: 'failover', forcedRefreshStreams: true, wans: [{ name: 'eth1', device: 'eth1', priority: 1, method: 'ping', targets: ['203.0.113.10'], intervalSec: 0.2, timeoutSec: 0.4, downCount: 10, upCount: 10, failureIntervalSec: 0.2 }] },
  predictedFailoverSec: 2.6,
  summary: { detection: { medianSec: 2.4, worstSec: 2.4, count: 1 }, switch: { medianSec: 2.5, worstSec: 2.5, count: 1 }, firstBackupReply: { medianSec: 2.55, worstSec: 2.55, count: 1 }, backToPrimary: { medianSec: 2.1, worstSec: 2.1, count: 1 }, flowsCut: 1, flowsBefore: 1 },
  verdict: { ok: true, text: 'Card payments stay up: wlan0 carried traffic 2.6 s after eth1 failed.' },
  trials: [trial],
  method: 'test',
};

describe('the drill report', () => {
  it('escapes every router- and user-supplied string', () => {
    const html = drillReportHtml(sampleReport);
    expect(html).toContain('Café &lt;Nord&gt; &amp; Co');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Card payments stay up');
  });

  it('says why the return was not measured without forced refresh, and does not claim traffic stays on the backup', () => {
    const html = drillReportHtml({ ...sampleReport, settings: { ...sampleReport.settings, forcedRefreshStreams: false } });
    expect(html).toContain('new connections go back to the primary');
    expect(html).not.toMatch(/keeps traffic on the backup/);
  });

  it('draws the probes, the losses and the moments of the drill', () => {
    const svg = timelineSvg(trial);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('stroke="#e03131"');
    for (const label of ['failure', 'down', 'backup', 'end', 'back']) expect(svg).toContain(`>${label}</text>`);
  });

  it('exports one CSV row per trial, with formula-looking text defused', () => {
    const csv = drillReportCsv({ ...sampleReport, trials: [{ ...trial, problems: ['=HYPERLINK("x")'] }] });
    const [header, row] = csv.trim().split('\n');
    expect(header!.split(',')).toHaveLength(16);
    expect(row).toMatch(/^1,eth1,wlan0,1000000,1006000,app,2.4,2.5,2.55,24,2.1,0,1,1,2.6,/);
    expect(row).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

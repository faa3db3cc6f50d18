// A drill report as one self-contained HTML document (inline CSS, an inline SVG timeline per
// trial, no script, no remote resource) for the screen, the PDF printer and a download; and as
// CSV, one row per trial. Pure: every router- or user-supplied string goes through `esc`.
import type { DrillReport, DrillTrial } from './api/drill-schemas.ts';

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const sec = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} s`);
const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

export function drillReportHtml(report: DrillReport): string {
  const s = report.summary;
  const row = (label: string, predicted: string, st: DrillReport['summary']['detection'], note = '') =>
    `<tr><th>${label}</th><td>${predicted}</td><td>${st ? sec(st.medianSec) : '—'}</td><td>${st ? sec(st.worstSec) : '—'}</td><td>${esc(note)}</td></tr>`;
  // Without Forced Refresh Streams the drill's own probe (a connection opened on the backup) stays
  // there by design, so it cannot see the return; new connections do go back to the primary.
  const failback = report.settings.forcedRefreshStreams ? '' : 'not measured: with forced refresh off, connections opened on the backup (as this probe) stay there until they end; new connections go back to the primary';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Failover drill — ${esc(report.router.name)}</title>
<style>
 body { font: 13px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1a1b1e; margin: 24px; }
 h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 20px 0 6px; }
 .muted { color: #5c5f66; } .verdict { padding: 10px 12px; border-radius: 6px; font-size: 15px; margin: 12px 0; }
 .ok { background: #ebfbee; border: 1px solid #8ce99a; } .bad { background: #fff5f5; border: 1px solid #ffa8a8; }
 table { border-collapse: collapse; margin: 4px 0; } th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #e9ecef; vertical-align: top; }
 pre { font: 11px/1.35 ui-monospace, Menlo, Consolas, monospace; background: #f8f9fa; padding: 8px; white-space: pre-wrap; word-break: break-all; }
 svg { display: block; margin: 6px 0 2px; } .problems { color: #c92a2a; }
 @media print { body { margin: 0; } h2 { break-after: avoid; } svg, table { break-inside: avoid; } }
</style></head><body>
<h1>Failover drill: ${esc(report.router.name)}</h1>
<div class="muted">Site ${esc(report.site.name)} · router ${esc(report.router.host)} (${esc(report.router.platform)}) · ${when(report.createdMs)} · ${report.trials.length} ${report.trials.length === 1 ? 'trial' : 'trials'}</div>
<div class="verdict ${report.verdict.ok ? 'ok' : 'bad'}" data-testid="drill-verdict">${esc(report.verdict.text)}</div>
<h2>Predicted and measured</h2>
<table><tr><th></th><th>predicted (worst)</th><th>median</th><th>worst</th><th></th></tr>
${row('Router declares the uplink down', '', s.detection)}
${row('Router moves the traffic', '', s.switch)}
${row('First packet through the backup', report.predictedFailoverSec === null ? '—' : sec(report.predictedFailoverSec), s.firstBackupReply, 'seen by the 10 Hz probe')}
${row('Back to the primary after the drill', '', s.backToPrimary, failback)}
<tr><th>Open connections cut</th><td></td><td colspan="3">${s.flowsCut} of ${s.flowsBefore} established TCP connections through the failed uplink</td></tr>
</table>
${report.trials.map(trialSection).join('\n')}
<h2>Settings</h2>
<table><tr><th>uplink</th><th>device</th><th>priority</th><th>tracking</th></tr>
${report.settings.wans
  .map(
    (w) =>
      `<tr><td>${esc(w.name)}</td><td>${esc(w.device)}</td><td>${w.priority}</td><td>${esc(w.method)} ${esc(w.targets.join(', '))} every ${w.intervalSec} s, timeout ${w.timeoutSec} s, down after ${w.downCount}, up after ${w.upCount}${w.failureIntervalSec !== w.intervalSec ? `, ${w.failureIntervalSec} s while failing` : ''}</td></tr>`,
  )
  .join('\n')}
</table>
<div class="muted">Mode ${esc(report.settings.mode)}; forced refresh ${report.settings.forcedRefreshStreams ? 'on' : 'off'}; probe target ${esc(report.settings.probeTarget)}; failure held ${report.settings.holdSec} s; router timer ${report.settings.maxSec} s.</div>
<h2>How this was measured</h2>
<p class="muted">${esc(report.method)}</p>
</body></html>
`;
}

function trialSection(t: DrillTrial): string {
  return `<h2>Trial ${t.index}: ${esc(t.failedWan)} failed${t.backupWan ? `, ${esc(t.backupWan)} took over` : ''}</h2>
${timelineSvg(t)}
<div class="muted">down declared ${sec(t.detectionSec)} · traffic moved ${sec(t.switchSec)} · first reply via backup ${sec(t.firstBackupReplySec)} (${t.probesLost} probes lost) · back to ${esc(t.failedWan)} ${sec(t.backToPrimarySec)} after the end (${t.failbackProbesLost} lost) · ended by ${t.endedBy === 'app' ? 'the app' : t.endedBy === 'router-timer' ? 'the router’s timer' : 'unknown'}</div>
${t.problems.length ? `<ul class="problems">${t.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
<pre>${t.log.map((l) => esc(l.text)).join('\n') || '(the router logged nothing in this window)'}</pre>`;
}

/** Probe round trips (dots) and losses (red ticks) against time, with the drill's moments marked. */
export function timelineSvg(t: DrillTrial): string {
  const width = 720;
  const height = 170;
  const left = 44;
  const right = 10;
  const top = 26;
  const bottom = 28;
  const times = t.probes.map((p) => p.tMs);
  const endRel = t.endMs !== null ? t.endMs - t.startMs : null;
  const fromMs = Math.min(-1000, ...times);
  const toMs = Math.max(1000, ...times, endRel ?? 0);
  const x = (ms: number) => left + ((ms - fromMs) / (toMs - fromMs)) * (width - left - right);
  const rtts = t.probes.flatMap((p) => (p.rttMs === null ? [] : [p.rttMs]));
  const maxRtt = Math.max(1, ...rtts) * 1.15;
  const y = (rtt: number) => top + (1 - rtt / maxRtt) * (height - top - bottom);
  const marks: Array<[number | null, string, string]> = [
    [0, 'failure', '#c92a2a'],
    [t.detectionSec === null ? null : t.detectionSec * 1000, 'down', '#e67700'],
    [t.firstBackupReplySec === null ? null : t.firstBackupReplySec * 1000, 'backup', '#2b8a3e'],
    [endRel, 'end', '#1971c2'],
    [endRel !== null && t.backToPrimarySec !== null ? endRel + t.backToPrimarySec * 1000 : null, 'back', '#5f3dc4'],
  ];
  const ticks: string[] = [];
  const stepMs = Math.max(1000, Math.ceil((toMs - fromMs) / 10 / 1000) * 1000);
  for (let ms = Math.ceil(fromMs / stepMs) * stepMs; ms <= toMs; ms += stepMs) {
    ticks.push(`<line x1="${x(ms).toFixed(1)}" y1="${height - bottom}" x2="${x(ms).toFixed(1)}" y2="${height - bottom + 4}" stroke="#868e96"/><text x="${x(ms).toFixed(1)}" y="${height - bottom + 15}" font-size="10" text-anchor="middle" fill="#495057">${ms / 1000} s</text>`);
  }
  const dots = t.probes
    .map((p) =>
      p.rttMs === null
        ? `<line x1="${x(p.tMs).toFixed(1)}" y1="${height - bottom - 10}" x2="${x(p.tMs).toFixed(1)}" y2="${height - bottom}" stroke="#e03131" stroke-width="1.5"/>`
        : `<circle cx="${x(p.tMs).toFixed(1)}" cy="${y(p.rttMs).toFixed(1)}" r="1.8" fill="#1c7ed6"/>`,
    )
    .join('');
  const lines = marks
    .filter((m): m is [number, string, string] => m[0] !== null)
    .map(([ms, label, color], i) => `<line x1="${x(ms).toFixed(1)}" y1="${top - 4}" x2="${x(ms).toFixed(1)}" y2="${height - bottom}" stroke="${color}" stroke-dasharray="3 2"/><text x="${(x(ms) + 2).toFixed(1)}" y="${top - 8 - (i % 2) * 9}" font-size="10" fill="${color}">${label}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of trial ${t.index}: probe round trips, losses and the drill's moments">
<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="#fff" stroke="#dee2e6"/>
<text x="4" y="${top + 8}" font-size="10" fill="#495057">${maxRtt.toFixed(0)} ms</text><text x="4" y="${height - bottom}" font-size="10" fill="#495057">0</text>
${ticks.join('')}${dots}${lines}
</svg>`;
}

const csvColumns = ['trial', 'failed_wan', 'backup_wan', 'start_ms', 'end_ms', 'ended_by', 'detection_sec', 'switch_sec', 'first_backup_reply_sec', 'probes_lost', 'back_to_primary_sec', 'failback_probes_lost', 'flows_before', 'flows_cut', 'predicted_failover_sec', 'problems'] as const;

export function drillReportCsv(report: DrillReport): string {
  const cell = (v: string | number | null) => {
    const text = v === null ? '' : String(v);
    // Spreadsheets run cells that start with = + - @ as formulas.
    const safe = /^[=+\-@]/.test(text) && typeof v === 'string' ? `'${text}` : text;
    return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const rows = report.trials.map((t) =>
    [t.index, t.failedWan, t.backupWan, t.startMs, t.endMs, t.endedBy, t.detectionSec, t.switchSec, t.firstBackupReplySec, t.probesLost, t.backToPrimarySec, t.failbackProbesLost, t.flowsBefore, t.flowsCut, report.predictedFailoverSec, t.problems.join(' ')].map(cell).join(','),
  );
  return `${[csvColumns.join(','), ...rows].join('\n')}\n`;
}

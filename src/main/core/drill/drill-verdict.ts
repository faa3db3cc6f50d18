// The drill's summary over its trials (median and worst) and its verdict in plain words, as a
// shop owner would ask it: do card payments stay up, and how long is the gap? Pure.
import type { DrillReport, DrillTrial } from '../../../shared/api/drill-schemas.ts';
import { stat } from './drill-measure.ts';

export function summarize(trials: readonly DrillTrial[]): DrillReport['summary'] {
  return {
    detection: stat(trials.map((t) => t.detectionSec)),
    switch: stat(trials.map((t) => t.switchSec)),
    firstBackupReply: stat(trials.map((t) => t.firstBackupReplySec)),
    backToPrimary: stat(trials.map((t) => t.backToPrimarySec)),
    flowsCut: trials.reduce((n, t) => n + t.flowsCut, 0),
    flowsBefore: trials.reduce((n, t) => n + t.flowsBefore, 0),
  };
}

/** Slower than predicted by more than the probe's own resolution and the agent's tick. */
const predictionSlackSec = 0.3;

export function verdict(trials: readonly DrillTrial[], summary: DrillReport['summary'], predictedFailoverSec: number | null): DrillReport['verdict'] {
  const failed = [...new Set(trials.map((t) => t.failedWan))].join(' / ');
  const carried = trials.filter((t) => t.firstBackupReplySec !== null);
  const n = trials.length;
  const drills = n === 1 ? 'the drill' : `${n} drills`;
  if (carried.length < n || !summary.firstBackupReply) {
    const lost = n - carried.length;
    return { ok: false, text: `Card payments stop: in ${lost} of ${n} ${n === 1 ? 'drill' : 'drills'} no backup carried traffic after ${failed} failed. Check that a backup uplink is enabled and passes its tracking.` };
  }
  const worst = summary.firstBackupReply.worstSec;
  const backups = [...new Set(carried.map((t) => t.backupWan).filter(Boolean))].join(' / ') || 'the backup';
  const parts = [`Card payments stay up: ${backups} carried traffic ${fmt(worst)} s after ${failed} failed`];
  parts[0] += n === 1 ? '.' : ` (worst of ${drills}, median ${fmt(summary.firstBackupReply.medianSec)} s).`;
  if (predictedFailoverSec !== null) {
    parts.push(worst > predictedFailoverSec + predictionSlackSec ? `That is slower than the predicted worst case of ${fmt(predictedFailoverSec)} s.` : `Predicted worst case: ${fmt(predictedFailoverSec)} s.`);
  }
  if (summary.flowsBefore > 0) {
    parts.push(`${summary.flowsCut} of ${summary.flowsBefore} open connections through ${failed} were cut and have to reconnect (a connection cannot keep its public address on another uplink).`);
  }
  const slow = predictedFailoverSec !== null && worst > predictedFailoverSec + predictionSlackSec;
  return { ok: !slow, text: parts.join(' ') };
}

function fmt(sec: number): string {
  return sec.toFixed(1);
}

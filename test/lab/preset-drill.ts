// Failover drills under one timing preset on a lab router, for the drill benchmark
// (`npm run bench -- drill --all-presets`) and the lab test that holds a preset to its bound.
// The policy is the lab's wired primary (eth1) and its metered backup (wwan0, cellular) when the
// lab has one, so Cellular saver's "probe only when needed" is what the drill exercises; each
// trial runs one drill through the contract while the LAN client pings at 10 Hz by itself.
import { outageAfter, probeRecords } from '../../src/main/core/drill/drill-measure.ts';
import type { DrillProgress, DrillReport } from '../../src/shared/api/drill-schemas.ts';
import { defaultDampening, defaultTracking } from '../../src/shared/failover-defaults.ts';
import { applyPreset, planPreset, type PresetId, type PresetPlan } from '../../src/shared/failover-presets.ts';
import type { FailoverPolicy } from '../../src/shared/model.ts';
import { waitProbedVia, type ContractCall } from '../helpers/lab-router.ts';
import type { LabInfo } from './lab.ts';
import { startLanPing } from './lan-ping.ts';

export type { ContractCall };

export interface PresetDrillRow {
  /** The engine's switch after the failure (the router's own log): what the preset's bound is for. */
  readonly switchSec: number | null;
  readonly detectionSec: number | null;
  /** The drill's first reply through the backup (its 10 Hz ping on the router). */
  readonly drillSec: number | null;
  /** The LAN client's first reply after the outage, on its own 10 Hz ping. */
  readonly lanSec: number | null;
  readonly backToPrimarySec: number | null;
}

/** The lab's primary and its backup (the cellular one when there is one) under `preset`. */
export function presetDrillPolicy(lab: LabInfo, preset: PresetId): { policy: FailoverPolicy; plan: PresetPlan } {
  const router = lab.routers[0]!;
  const primary = router.wans[0]!;
  const backup = router.wans.find((w) => w.kind === 'cellular') ?? router.wans[1]!;
  const targets = lab.probeTargets.icmp;
  const base: FailoverPolicy = {
    mode: 'failover',
    forcedRefreshStreams: true,
    // Trials fail the primary again and again on purpose: dampening would hold it down after the third.
    dampening: { ...defaultDampening, enabled: false },
    wans: [primary, backup].map((w, i) => ({ name: w.name, device: w.name, kind: w.kind, gateway: w.gateway, priority: i + 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: targets.slice(2 * i, 2 * i + 2) } })),
  };
  const plan = planPreset('linux', preset, base.wans);
  return { policy: applyPreset(base, plan), plan };
}

/**
 * Applies `preset` on the lab router and runs `trials` one-trial drills; `progress` is the list
 * the caller fills from the core's onDidDrillProgress events. `witnessTarget` is pinged by the
 * LAN client (a target of the backup, so it answers once traffic moved).
 */
export async function drillPreset(opts: {
  call: ContractCall;
  progress: readonly DrillProgress[];
  routerId: string;
  lab: LabInfo;
  preset: PresetId;
  trials: number;
  log?: (line: string) => void;
}): Promise<{ plan: PresetPlan; rows: PresetDrillRow[] }> {
  const { call, progress, routerId, lab } = opts;
  const { policy, plan } = presetDrillPolicy(lab, opts.preset);
  await call('failover.apply', { routerId, policy, revertInSec: 60 });
  await call('failover.confirm', { routerId });
  const primary = policy.wans[0]!.name;
  const probeTarget = policy.wans[1]!.tracking.targets.at(-1)!;
  const rows: PresetDrillRow[] = [];
  for (let t = 0; t < opts.trials; t++) {
    const { drillId } = await startWhenSettled(call, routerId, primary, probeTarget);
    // The witness starts as the router is about to fail the primary and runs until the drill is done.
    await until(() => progress.find((p) => p.drillId === drillId && p.phase === 'failing'), 60_000);
    const lanPing = await startLanPing(lab.name, probeTarget);
    const done = await until(() => progress.find((p) => p.drillId === drillId && (p.phase === 'done' || p.phase === 'failed')), 240_000).catch(async (error: unknown) => {
      await lanPing.stop();
      throw error;
    });
    // Done means the failure was held, ended and traffic came back: the witness saw all of it.
    // It stops here, not at a fixed 40 s deadline (that was most of each trial's time).
    const lanStdout = (await lanPing.stop()).stdout;
    if (done.phase !== 'done') throw new Error(`drill ${t + 1} (${opts.preset}) failed: ${done.message}`);
    const trial = (await call<DrillReport>('drill.get', { id: done.reportId })).trials[0]!;
    const lan = outageAfter(probeRecords(lanStdout), trial.startMs);
    const lanSec = lan?.firstReplyAfterMs ? Math.round(lan.firstReplyAfterMs - trial.startMs) / 1000 : null;
    rows.push({ switchSec: trial.switchSec, detectionSec: trial.detectionSec, drillSec: trial.firstBackupReplySec, lanSec, backToPrimarySec: trial.backToPrimarySec });
    opts.log?.(`${opts.preset} trial ${t + 1}: switch ${trial.switchSec} s (detection ${trial.detectionSec} s), drill's first backup reply ${trial.firstBackupReplySec} s, LAN client ${lanSec} s, back ${trial.backToPrimarySec} s`);
  }
  return { plan, rows };
}

/**
 * Starts a one-trial drill once the router has settled. The drill refuses to start while no
 * backup is online (a backup's probe can be late on a busy machine, so it reads `disconnecting`
 * for a moment); a technician waits and clicks again, and so does this, for up to a minute.
 */
async function startWhenSettled(call: ContractCall, routerId: string, primary: string, probeTarget: string): Promise<{ drillId: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await waitProbedVia(call, routerId, primary, 60_000);
    try {
      return await call<{ drillId: string }>('drill.start', { routerId, trials: 1, holdSec: 2, probeTarget });
    } catch (error) {
      if (!/No backup uplink is online/.test(String(error)) || Date.now() > deadline) throw error;
    }
  }
}

export async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

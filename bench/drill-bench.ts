// `npm run bench -- drill`: the failover drill's own measurement against an independent witness,
// and the timing presets' predicted bounds against measured drills. Each trial runs one drill
// through the contract on a lab router while the lab's LAN client pings a target at 10 Hz by
// itself; the drill's "first packet through the backup" must agree with the LAN client's first
// reply after the outage within 0.3 s (the lab's namespaces share the host's clock). Per preset
// (`--profile NAME`, or `--all-presets` for Fast, Balanced and Cellular saver; default Balanced,
// today's default profile) the engine's switch in each trial is held to the preset's predicted
// worst case. The policy is the lab's wired eth1 and its cellular wwan0 (test/lab/preset-drill.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/app-core.ts';
import type { DrillProgress } from '../src/shared/api/drill-schemas.ts';
import { presetIds, presetLabels, type PresetId } from '../src/shared/failover-presets.ts';
import { labDown, labUp } from '../test/lab/lab.ts';
import { drillPreset, type PresetDrillRow } from '../test/lab/preset-drill.ts';
import { addLabRouter, contractCaller } from './bench-lab-router.ts';
import type { Benchmark } from './bench-registry.ts';
import { round, summarize } from './bench-stats.ts';

const labName = 'bdr';
const agreementTargetSec = 0.3;

export const drillBenchmark: Benchmark = {
  name: 'drill',
  summary:
    "The drill's own failover measurement against an independent 10 Hz ping from the LAN client, per trial, and a preset's predicted bound against the measured switches (--trials N per preset, default 5; --profile fast|balanced|cellular-saver, default balanced; --all-presets: all three).",
  options: { trials: { type: 'string' }, profile: { type: 'string' }, 'all-presets': { type: 'boolean' } },
  async run(ctx) {
    const trials = Number(ctx.options.trials ?? 5);
    if (!Number.isInteger(trials) || trials < 1 || trials > 50) throw new Error(`--trials '${String(ctx.options.trials)}' must be a whole number from 1 to 50`);
    const profile = ctx.options.profile as string | undefined;
    if (profile !== undefined && !presetIds.includes(profile as PresetId)) throw new Error(`--profile '${profile}' is not a preset; use ${presetIds.join(', ')}`);
    if (profile !== undefined && ctx.options['all-presets']) throw new Error('--profile and --all-presets exclude each other: give one');
    const presets: readonly PresetId[] = ctx.options['all-presets'] ? presetIds : [(profile ?? 'balanced') as PresetId];
    await labDown(labName);
    // Four uplinks so the policy's backup is the cellular one (wwan0), as Cellular saver means it.
    const lab = await labUp({ name: labName, routers: 1, wans: 4 });
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-dr-'));
    const core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [] });
    const progress: DrillProgress[] = [];
    core.events.on('onDidDrillProgress', (p) => progress.push(p));
    const call = contractCaller(core);
    try {
      const routerId = await addLabRouter(core, call, lab.routers[0]!);
      const results = [];
      const allRows: PresetDrillRow[] = [];
      for (const preset of presets) {
        const { plan, rows } = await drillPreset({ call, progress, routerId, lab, preset, trials, log: ctx.log });
        allRows.push(...rows);
        results.push(presetResult(preset, plan.failover?.totalSec ?? null, plan.failover?.parts ?? [], rows, ctx.log));
      }
      const agreement = agreementOf(allRows);
      ctx.log(`agreement |drill − LAN client|: median ${agreement.median} s, p95 ${agreement.p95} s, max ${agreement.max} s over ${agreement.n} trials (target ≤ ${agreementTargetSec} s): ${agreement.within ? 'within' : 'NOT within'}`);
      return { presets: results, agreementAbsSec: agreement, trialsPerPreset: trials };
    } finally {
      await core.drills.settled();
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
      await labDown(labName);
    }
  },
};

const known = (rows: readonly PresetDrillRow[], k: keyof PresetDrillRow): number[] => rows.flatMap((r) => (r[k] === null ? [] : [r[k]]));

/**
 * One preset's predicted bound beside what the drills measured. The bound is for the engine's
 * switch (detection + route change, the router's own log) after the failure; the first packet
 * through the backup adds the probe's own 0.1 s spacing, reported beside it.
 */
function presetResult(preset: PresetId, predictedSec: number | null, parts: readonly { what: string; sec: number }[], rows: readonly PresetDrillRow[], log: (line: string) => void) {
  const switches = known(rows, 'switchSec');
  const withinBound = predictedSec === null ? null : switches.length === rows.length && switches.every((s) => s <= predictedSec);
  const switchSec = { ...summarize(switches), all: switches.map((s) => round(s, 2)) };
  log(
    `${presetLabels[preset]}: predicted worst case ${predictedSec} s; measured switch median ${switchSec.median} s, p95 ${switchSec.p95} s, max ${switchSec.max} s (n=${switchSec.n}): ` +
      (withinBound ? 'every trial within the bound' : 'NOT within the bound'),
  );
  return {
    preset,
    predicted: { failoverSec: predictedSec, parts },
    withinBound,
    switchSec,
    detectionSec: summarize(known(rows, 'detectionSec')),
    firstBackupReplySec: summarize(known(rows, 'drillSec')),
    lanClientSec: summarize(known(rows, 'lanSec')),
    backToPrimarySec: summarize(known(rows, 'backToPrimarySec')),
    rows,
  };
}

function agreementOf(rows: readonly PresetDrillRow[]) {
  const diffs = rows.flatMap((r) => (r.drillSec !== null && r.lanSec !== null ? [Math.abs(r.drillSec - r.lanSec)] : []));
  return { ...summarize(diffs), targetMaxSec: agreementTargetSec, within: diffs.length === rows.length && diffs.every((d) => d <= agreementTargetSec) };
}

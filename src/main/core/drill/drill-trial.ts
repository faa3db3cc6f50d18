// One drill trial on a plain Linux router running the Switchyard agent: fail the active
// uplink on the router, follow the router's own records until the backup carries traffic,
// hold, end the failure, follow the return, then collect and measure. Times are the router's
// clock throughout (the probe's -D stamps, the agent's log, the scripts' `date`), so the
// laptop's clock and the SSH round trips never enter a measurement.
import { randomBytes } from 'node:crypto';
import type { DrillTrial } from '../../../shared/api/drill-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { drillCommands, drillRunDir, keyValues, sections, type DrillCommands } from './drill-router-commands.ts';
import {
  agentEventLines,
  detectionEvent,
  flowsCut,
  lostBetween,
  outageAfter,
  probeRecords,
  round3,
  switchAwayEvent,
  switchBackEvent,
  tcpFlows,
  type EngineEvent,
} from './drill-measure.ts';

export interface TrialPlan {
  readonly index: number;
  readonly failedWan: string;
  readonly device: string;
  /** The uplink's address on the router: masqueraded flows through it reply to it. */
  readonly address: string | null;
  readonly probeTarget: string;
  readonly holdSec: number;
  /** How long to wait for the failover before calling it failed. */
  readonly failoverWaitSec: number;
  /** How long to wait for traffic to return; 0 when the policy keeps it on the backup. */
  readonly failbackWaitSec: number;
  /** The deadline of the timer on the router. */
  readonly maxSec: number;
}

export interface TrialHooks {
  phase(phase: 'waiting-failover' | 'holding' | 'restoring' | 'waiting-failback' | 'collecting', message: string): void;
  sleep(ms: number): Promise<void>;
  nowMs(): number;
}

const pollMs = 300;
const preRollSec = 1;

export async function runTrial(shell: RouterShell, plan: TrialPlan, hooks: TrialHooks, commands: DrillCommands = drillCommands()): Promise<DrillTrial> {
  const dir = `${drillRunDir}/${randomBytes(6).toString('hex')}`;
  const started = await shell.run(commands.start({ dir, device: plan.device, probeTarget: plan.probeTarget, maxSec: plan.maxSec, preRollSec }), { expectExit: 'any', timeoutMs: 20_000 });
  if (started.exitCode !== 0) {
    const reason = started.stderr.trim().replace(/^switchyard-drill: /, '') || `exit ${started.exitCode}`;
    throw new SwitchyardError(started.exitCode === 4 ? 'conflict' : 'command-failed', `The drill could not start on the router, nothing was changed: ${reason}.`);
  }
  const startMs = Number(keyValues(started.stdout).startMs);
  if (!Number.isFinite(startMs)) throw new SwitchyardError('command-failed', `The drill started but the router did not say when (it printed ${JSON.stringify(started.stdout.slice(0, 120))}); its timer removes the rules within ${plan.maxSec} s.`);

  let ended: { endMs: number | null; endedBy: DrillTrial['endedBy'] } | null = null;
  const end = async () => {
    const out = await shell.run(commands.end(dir), { expectExit: 'any', timeoutMs: 15_000 });
    const kv = keyValues(out.stdout);
    const endMs = Number(kv.endMs);
    return { endMs: Number.isFinite(endMs) ? endMs : null, endedBy: (kv.endedBy === 'app' || kv.endedBy === 'router-timer' ? kv.endedBy : 'unknown') as DrillTrial['endedBy'] };
  };
  try {
    hooks.phase('waiting-failover', `${plan.failedWan} is failing on the router; waiting for the backup to carry traffic.`);
    await waitFor(shell, commands, dir, hooks, plan.failoverWaitSec, (events, probeText) => {
      const away = switchAwayEvent(events, plan.failedWan, startMs);
      const outage = outageAfter(probeRecords(probeText), startMs);
      return Boolean(away && outage?.firstReplyAfterMs);
    });
    hooks.phase('holding', `Holding the failure for ${plan.holdSec} s while the backup carries traffic.`);
    await hooks.sleep(plan.holdSec * 1000);
    await shell.run(commands.flowsAfter(dir), { expectExit: 'any', timeoutMs: 15_000 });
    hooks.phase('restoring', `Ending the failure of ${plan.failedWan}.`);
    ended = await end();
    if (plan.failbackWaitSec > 0) {
      hooks.phase('waiting-failback', `Waiting for the traffic to return to ${plan.failedWan}.`);
      const endMs = ended.endMs ?? startMs;
      await waitFor(shell, commands, dir, hooks, plan.failbackWaitSec, (events) => Boolean(switchBackEvent(events, plan.failedWan, endMs)));
      // A second of probes after the return shows whether it lost any.
      await hooks.sleep(1000);
    }
  } finally {
    // Whatever happened above, the failure ends now; the router's timer is the last resort.
    if (!ended) ended = await end().catch(() => null);
  }
  hooks.phase('collecting', 'Reading what the router recorded.');
  const collected = sections((await shell.run(commands.collect(dir), { expectExit: 'any', timeoutMs: 20_000, maxOutputBytes: 4 * 1024 * 1024 })).stdout);
  return measureTrial(plan, startMs, ended, collected);
}

async function waitFor(
  shell: RouterShell,
  commands: DrillCommands,
  dir: string,
  hooks: TrialHooks,
  waitSec: number,
  done: (events: EngineEvent[], probeText: string) => boolean,
): Promise<boolean> {
  const deadline = hooks.nowMs() + waitSec * 1000;
  for (;;) {
    const polled = sections((await shell.run(commands.poll(dir), { expectExit: 'any', timeoutMs: 15_000, maxOutputBytes: 4 * 1024 * 1024 })).stdout);
    if (done(agentEventLines(polled.events ?? ''), polled.probe ?? '')) return true;
    if (hooks.nowMs() >= deadline) return false;
    await hooks.sleep(pollMs);
  }
}

/** The numbers of one trial from what the router recorded. Pure. */
export function measureTrial(plan: TrialPlan, startMs: number, ended: { endMs: number | null; endedBy: DrillTrial['endedBy'] } | null, collected: Record<string, string>): DrillTrial {
  const problems: string[] = [];
  const probes = probeRecords(collected.probe ?? '');
  const events = agentEventLines(collected.events ?? '');
  const endMs = ended?.endMs ?? null;
  const sec = (tMs: number | null | undefined) => (tMs === null || tMs === undefined ? null : round3((tMs - startMs) / 1000));

  const detection = detectionEvent(events, plan.failedWan, startMs);
  const away = switchAwayEvent(events, plan.failedWan, startMs);
  const outage = outageAfter(probes, startMs);
  if (!outage) problems.push(`The 10 Hz probe to ${plan.probeTarget} lost nothing: its path did not run through ${plan.failedWan}, so this drill did not test the router's default traffic.`);
  else if (outage.firstReplyAfterMs === null) problems.push(`No probe reply came back through a backup within ${plan.failoverWaitSec} s: traffic stopped.`);
  if (!detection) problems.push(`The router's log shows no ${plan.failedWan} → offline within the drill.`);
  if (!away) problems.push(`The router's log shows no traffic moving off ${plan.failedWan}.`);
  if (ended?.endedBy === 'router-timer') problems.push('The timer on the router ended this drill (the app did not reach the router in time).');

  const back = endMs !== null ? switchBackEvent(events, plan.failedWan, endMs) : null;
  if (plan.failbackWaitSec > 0 && endMs !== null && !back) problems.push(`Traffic had not returned to ${plan.failedWan} ${plan.failbackWaitSec} s after the drill ended.`);
  const backupWan = away && Array.isArray(away.data.to) ? (away.data.to.find((w): w is string => typeof w === 'string') ?? null) : null;

  const flows = plan.address ? flowsCut(tcpFlows(collected['flows.before'] ?? ''), tcpFlows(collected['flows.after'] ?? ''), plan.address) : { before: 0, cut: 0 };
  const windowFromMs = startMs - preRollSec * 1000;
  const lastMs = Math.max(startMs, ...probes.map((p) => p.sentMs));
  return {
    index: plan.index,
    failedWan: plan.failedWan,
    backupWan,
    startMs,
    endMs,
    endedBy: ended?.endedBy ?? 'unknown',
    detectionSec: sec(detection?.tMs),
    switchSec: sec(away?.tMs),
    firstBackupReplySec: sec(outage?.firstReplyAfterMs),
    probesLost: outage?.lost ?? 0,
    backToPrimarySec: back && endMs !== null ? round3((back.tMs - endMs) / 1000) : null,
    failbackProbesLost: endMs !== null ? lostBetween(probes, endMs, lastMs - 500) : 0,
    flowsBefore: flows.before,
    flowsCut: flows.cut,
    probes: probes.filter((p) => p.sentMs >= windowFromMs).map((p) => ({ tMs: p.sentMs - startMs, rttMs: p.rttMs })),
    log: events.filter((e) => e.tMs >= windowFromMs && e.tMs <= lastMs + 1000).map((e) => ({ tMs: e.tMs - startMs, kind: e.kind, text: e.line })),
    problems,
  };
}

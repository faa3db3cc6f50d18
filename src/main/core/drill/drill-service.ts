// The failover drill: checks that the router can take it (failover on, a backup online, no
// change pending), runs the trials in the background while announcing progress, keeps the
// report in the router's history and exports it. One drill per router at a time.
import { randomUUID } from 'node:crypto';
import type { DrillProgress, DrillReport, DrillSummary, DrillTrial, drillExportFormats } from '../../../shared/api/drill-schemas.ts';
import { drillReportCsv, drillReportHtml } from '../../../shared/drill-report-html.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import { predictFailoverSec } from '../../../shared/failover-defaults.ts';
import type { FailoverPolicy, LinkEvent, Wan } from '../../../shared/model.ts';
import { parseAgentStatus } from '../drivers/linux/agent-status.ts';
import { agentPath } from '../drivers/linux/linux-driver.ts';
import type { RouterDriver, RouterShell } from '../drivers/driver.ts';
import { shellCommand } from '../transport/ssh/shell-quote.ts';
import { drillCommands } from './drill-router-commands.ts';
import type { DrillStore } from './drill-store.ts';
import { runTrial, type TrialPlan } from './drill-trial.ts';
import { summarize, verdict } from './drill-verdict.ts';

/** Prints an HTML document to PDF: headless Chromium in serve mode, webContents.printToPDF in Electron. */
export type PdfPrinter = (html: string) => Promise<Buffer>;

interface RunningDrill {
  drillId: string;
  phase: DrillProgress['phase'];
  trial: number;
  trials: number;
  message: string;
}

export interface DrillStartRequest {
  readonly routerId: string;
  readonly trials: number;
  readonly holdSec: number;
  readonly probeTarget?: string | undefined;
}

export interface DrillServiceDeps {
  readonly router: (routerId: string) => { name: string; host: string; platform: string | null; siteId: string; facts: Record<string, unknown> | null };
  readonly siteName: (siteId: string) => string;
  readonly driver: (routerId: string) => Promise<RouterDriver>;
  readonly shell: (routerId: string) => Promise<RouterShell>;
  readonly store: DrillStore;
  readonly emit: (progress: DrillProgress) => void;
  readonly record: (event: LinkEvent) => void;
  readonly printPdf?: PdfPrinter;
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const platformNotes: Record<string, string> = {
  'openwrt-mwan3': 'OpenWrt with mwan3 needs the drill rules in fw4 (nft) or fw3 (iptables) form, mwan3track’s log from logread for detection, and a BusyBox-safe timer; not built yet.',
  'glinet-kmwan': 'GL.iNet 4.x needs the drill rules beside GL’s own firewall and kmwan’s hotplug log for detection; not built yet.',
  routeros: 'RouterOS needs a firewall filter rule with a scheduler entry to remove it, and netwatch’s log; not built yet.',
};

export class DrillService {
  readonly #deps: DrillServiceDeps;
  readonly #running = new Map<string, RunningDrill>();
  readonly #lastFailure = new Map<string, { drillId: string; code: string; message: string }>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Background runs, so a test or a shutdown can wait for them. */
  readonly #runs = new Set<Promise<void>>();

  constructor(deps: DrillServiceDeps) {
    this.#deps = deps;
    this.#now = deps.nowMs ?? Date.now;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Checks everything that can be checked before the router is touched, then runs in the background. */
  async start(request: DrillStartRequest): Promise<{ drillId: string }> {
    const { routerId } = request;
    if (this.#running.has(routerId)) throw new SwitchyardError('conflict', 'A drill is already running on this router. Wait for its report.');
    const drillId = randomUUID();
    this.#running.set(routerId, { drillId, phase: 'preparing', trial: 0, trials: request.trials, message: 'Checking the router.' });
    try {
      const driver = await this.#preflightDriver(routerId);
      const policy = await driver.readPolicy();
      await this.#preflight(driver, policy);
      const run = this.#run(drillId, request, driver, policy!).finally(() => {
        this.#running.delete(routerId);
        this.#runs.delete(run);
      });
      this.#runs.add(run);
      return { drillId };
    } catch (error) {
      this.#running.delete(routerId);
      throw error;
    }
  }

  list(routerId: string): { reports: DrillSummary[]; running: RunningDrill | null; lastFailure: { drillId: string; code: string; message: string } | null } {
    const running = this.#running.get(routerId);
    return { reports: this.#deps.store.list(routerId), running: running ? { ...running } : null, lastFailure: this.#lastFailure.get(routerId) ?? null };
  }

  get(id: string): DrillReport {
    return this.#deps.store.get(id);
  }

  async export(id: string, format: (typeof drillExportFormats)[number]): Promise<{ fileName: string; mimeType: string; encoding: 'utf8' | 'base64'; content: string }> {
    const report = this.#deps.store.get(id);
    const base = `drill-${report.router.name.replace(/[^A-Za-z0-9_-]+/g, '_')}-${new Date(report.createdMs).toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
    switch (format) {
      case 'html':
        return { fileName: `${base}.html`, mimeType: 'text/html', encoding: 'utf8', content: drillReportHtml(report) };
      case 'json':
        return { fileName: `${base}.json`, mimeType: 'application/json', encoding: 'utf8', content: `${JSON.stringify(report, null, 2)}\n` };
      case 'csv':
        return { fileName: `${base}.csv`, mimeType: 'text/csv', encoding: 'utf8', content: drillReportCsv(report) };
      case 'pdf': {
        if (!this.#deps.printPdf) throw new SwitchyardError('unsupported', 'This Switchyard cannot print PDF here (no Chromium found). Export HTML and print it from a browser.');
        const pdf = await this.#deps.printPdf(drillReportHtml(report));
        return { fileName: `${base}.pdf`, mimeType: 'application/pdf', encoding: 'base64', content: pdf.toString('base64') };
      }
    }
  }

  /** Resolves when every drill started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#runs]);
  }

  async #preflightDriver(routerId: string): Promise<RouterDriver> {
    const router = this.#deps.router(routerId);
    if (router.platform !== 'linux') {
      const note = platformNotes[router.platform ?? ''] ?? 'Switchyard has not detected what this router runs yet; run detection first.';
      // Said before anything runs on the router: no rule, probe or timer is left half-made there.
      const instead = router.platform ? ' Until then, prove failover by unplugging the primary uplink while the Monitoring tab runs; the Events tab keeps what the router logged.' : '';
      throw new SwitchyardError('unsupported', `The failover drill runs on plain Linux routers with the Switchyard agent for now. ${router.name} (${router.platform ?? 'not detected'}): ${note}${instead}`);
    }
    return this.#deps.driver(routerId);
  }

  /** Refuses a drill that would cut the site off or fight a change in progress. */
  async #preflight(driver: RouterDriver, policy: FailoverPolicy | null): Promise<void> {
    const status = await driver.readStatus();
    if (!policy || !status.enabled) throw new SwitchyardError('conflict', 'Failover is not running on this router, so a drill would only cut it off. Enable failover first (WAN Failover tab).');
    if (status.pendingRevertAtMs !== null) throw new SwitchyardError('conflict', 'A failover change is waiting for confirmation. Confirm or roll it back before a drill.');
    if (status.forced !== 'auto') throw new SwitchyardError('conflict', `Traffic is forced onto ${status.forced}. Switch back to automatic failover before a drill.`);
    if (policy.mode !== 'failover') throw new SwitchyardError('unsupported', 'The drill measures failover mode; this router balances over several uplinks. Switch to failover mode to drill it.');
    const active = status.wans.filter((w) => w.active);
    if (active.length !== 1) throw new SwitchyardError('conflict', `The router reports ${active.length} uplinks carrying traffic; a drill needs exactly one. Wait until it settles.`);
    const backups = status.wans.filter((w) => !w.active && w.state === 'online');
    if (backups.length === 0) throw new SwitchyardError('conflict', `No backup uplink is online, so failing ${active[0]!.wan} would cut the site off. Bring a backup online first.`);
  }

  async #run(drillId: string, request: DrillStartRequest, driver: RouterDriver, policy: FailoverPolicy): Promise<void> {
    const { routerId, trials: trialCount, holdSec } = request;
    const progress = (phase: DrillProgress['phase'], trial: number, message: string, extra: Partial<DrillProgress> = {}) => {
      const running = this.#running.get(routerId);
      if (running) Object.assign(running, { phase, trial, message });
      this.#deps.emit({ drillId, routerId, atMs: this.#now(), phase, trial, trials: trialCount, message, ...extra });
    };
    const trials: DrillTrial[] = [];
    let probeTarget = request.probeTarget ?? '';
    let predictedFailoverSec: number | null = null;
    try {
      const shell = await this.#deps.shell(routerId);
      const facts = this.#deps.router(routerId).facts as { facts?: { isRoot?: boolean | null } } | null;
      const asRoot = (argv: readonly string[]) => shellCommand(facts?.facts?.isRoot === false ? ['sudo', '-n', ...argv] : argv);
      this.#event(routerId, `Failover drill started (${trialCount} ${trialCount === 1 ? 'trial' : 'trials'}).`);
      for (let index = 1; index <= trialCount; index++) {
        progress('preparing', index, `Trial ${index} of ${trialCount}: checking the router.`);
        const uplinks = await this.#uplinks(shell, asRoot);
        const active = uplinks.find((u) => u.active);
        if (!active) throw new SwitchyardError('conflict', 'No uplink carries the traffic right now, so there is nothing to drill.');
        const wan = policy.wans.find((w) => w.name === active.name);
        if (!wan) throw new SwitchyardError('conflict', `${active.name} carries the traffic but is not in the policy Switchyard manages. Re-apply the policy first.`);
        const backup = policy.wans.filter((w) => w.enabled && w.name !== wan.name).sort((a, b) => a.priority - b.priority)[0];
        probeTarget ||= backup?.tracking.targets[0] ?? wan.tracking.targets[0] ?? '';
        if (!probeTarget) throw new SwitchyardError('invalid-input', 'No probe target: give one (an address every uplink reaches), or add tracking targets to the policy.');
        predictedFailoverSec = predictFailoverSec('linux', wan.tracking);
        const plan = trialPlan(index, wan, active.address, probeTarget, holdSec, predictedFailoverSec, policy);
        progress('failing', index, `Trial ${index} of ${trialCount}: failing ${wan.name} on the router (it restores itself within ${plan.maxSec} s if the laptop goes away).`);
        const trial = await runTrial(shell, plan, { phase: (phase, message) => progress(phase, index, `Trial ${index} of ${trialCount}: ${message}`), sleep: this.#sleep, nowMs: this.#now }, drillCommands(asRoot));
        trials.push(trial);
        if (index < trialCount) await this.#settle(driver);
      }
      const report = this.#report(drillId, routerId, request, policy, probeTarget, predictedFailoverSec, trials);
      this.#deps.store.add(report);
      this.#event(routerId, `Failover drill finished: ${report.verdict.text}`);
      progress('done', trialCount, report.verdict.text, { reportId: report.id });
    } catch (error) {
      const e = error instanceof SwitchyardError ? error : new SwitchyardError('internal', `The drill stopped: ${(error as Error).message}`);
      this.#lastFailure.set(routerId, { drillId, code: e.code, message: e.message });
      progress('failed', trials.length, e.message, { error: { code: e.code, message: e.message } });
      // The app may be closing (its database with it): the failure is already announced.
      try {
        this.#event(routerId, `Failover drill stopped: ${e.message}`);
      } catch {
        /* nothing left to record into */
      }
    }
  }

  /** Between trials: every enabled uplink online again, so each trial starts from a healthy router. */
  async #settle(driver: RouterDriver): Promise<void> {
    const deadline = this.#now() + 60_000;
    while (this.#now() < deadline) {
      const status = await driver.readStatus();
      if (status.wans.every((w) => w.state === 'online' || w.state === 'disabled') && status.wans.some((w) => w.active)) return;
      await this.#sleep(500);
    }
    throw new SwitchyardError('timeout', 'The uplinks did not all come back online within 60 s after a trial, so the next one was not started.');
  }

  async #uplinks(shell: RouterShell, asRoot: (argv: readonly string[]) => ReturnType<typeof shellCommand>): Promise<Array<{ name: string; active: boolean; address: string | null }>> {
    const result = await shell.run(asRoot([agentPath, 'status', '0']), { expectExit: 'any', timeoutMs: 10_000 });
    const status = parseAgentStatus(result.stdout);
    return (status.state?.uplinks ?? []).map((u) => ({ name: u.name, active: u.active, address: typeof u.address === 'string' && u.address ? u.address : null }));
  }

  #report(id: string, routerId: string, request: DrillStartRequest, policy: FailoverPolicy, probeTarget: string, predictedFailoverSec: number | null, trials: DrillTrial[]): DrillReport {
    const router = this.#deps.router(routerId);
    const summary = summarize(trials);
    return {
      id,
      routerId,
      createdMs: this.#now(),
      site: { id: router.siteId, name: this.#deps.siteName(router.siteId) },
      router: { name: router.name, host: router.host, platform: router.platform ?? 'unknown' },
      settings: {
        trials: request.trials,
        holdSec: request.holdSec,
        maxSec: trials[0] ? trialPlan(1, policy.wans[0]!, null, probeTarget, request.holdSec, predictedFailoverSec, policy).maxSec : 0,
        probeTarget,
        mode: policy.mode,
        forcedRefreshStreams: policy.forcedRefreshStreams,
        wans: policy.wans.map((w) => ({
          name: w.name,
          device: w.device,
          priority: w.priority,
          method: w.tracking.method,
          targets: [...w.tracking.targets],
          intervalSec: w.tracking.intervalSec,
          timeoutSec: w.tracking.timeoutSec,
          downCount: w.tracking.downCount,
          upCount: w.tracking.upCount,
          failureIntervalSec: w.tracking.failureIntervalSec,
        })),
      },
      predictedFailoverSec,
      summary,
      verdict: verdict(trials, summary, predictedFailoverSec),
      trials,
      method:
        'On the router, nft rules in their own table (inet switchyard_drill) dropped everything the uplink sent or received, forwarded and local, while its link stayed up; a timer on the router removes them by itself at the deadline. ' +
        'A 10 Hz ping (iputils ping -D -O -i 0.1) on the router along its default path measured the gap; detection and the switch come from the Switchyard agent’s own event log; connections from conntrack before and after. All times are the router’s clock.',
    };
  }

  #event(routerId: string, message: string): void {
    this.#deps.record({ id: randomUUID(), routerId, atMs: this.#now(), kind: 'drill', message });
  }
}

/** Waits scale with the prediction, so a slow profile is not called failed too early. */
export function trialPlan(index: number, wan: Wan, address: string | null, probeTarget: string, holdSec: number, predictedFailoverSec: number | null, policy: FailoverPolicy): TrialPlan {
  const failoverWaitSec = Math.ceil(Math.max(10, 3 * (predictedFailoverSec ?? 10) + 5));
  const t = wan.tracking;
  const failbackWaitSec = policy.forcedRefreshStreams ? Math.ceil(Math.max(10, 3 * (t.upCount * t.failureIntervalSec + t.timeoutSec) + 5)) : 0;
  return { index, failedWan: wan.name, device: wan.device, address, probeTarget, holdSec, failoverWaitSec, failbackWaitSec, maxSec: failoverWaitSec + holdSec + 20 };
}

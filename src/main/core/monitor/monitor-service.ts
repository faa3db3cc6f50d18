// Live monitoring of many routers: starts and stops one RouterMonitor per router (when its view
// opens and closes, or the app quits), answers history queries and exports, and prunes history
// past its retention. Everything router-specific arrives through `resolve`.
import { SwitchyardError } from '../../../shared/errors.ts';
import type { LinkEvent } from '../../../shared/model.ts';
import type { RouterShell, RouterStatus } from '../drivers/driver.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { systemProbeClock, type ProbeClock } from '../probes/probe-tracker.ts';
import type { HistoryQuery, HistoryStore } from '../store/history-store.ts';
import type { HistoryQueryResult, MonitorStatus } from '../../../shared/api/monitor-schemas.ts';
import type { LossDetection, MonitorEmit, Notify, RouterMonitorOptions } from './monitor-types.ts';
import { RouterEventBackfill } from './router-event-backfill.ts';
import { RouterMonitor, type StandbyProbe } from './router-monitor.ts';

/** What the core knows about one router, enough to watch it. */
export type MonitorSetup = Pick<
  RouterMonitorOptions,
  'routerName' | 'shell' | 'uplinks' | 'probeCommand' | 'pingFlavor' | 'pingFlavorRead' | 'rememberPingFlavor' | 'platform' | 'snmp' | 'readStatus' | 'readRouterEvents' | 'followRouterEvents'
>;

export interface MonitorServiceDeps {
  /** Builds a router's setup: its shell (see `reconnectingShell`), uplinks, SNMP, driver status. */
  readonly resolve: (routerId: string) => Promise<MonitorSetup>;
  readonly history: HistoryStore;
  readonly emit: MonitorEmit;
  /** Electron's Notification in the desktop app; absent in serve mode and the CLI. */
  readonly notify?: Notify;
  readonly clock?: ProbeClock;
  readonly log?: Logger;
  readonly pruneEveryMs?: number;
  readonly onDidDetect?: (d: LossDetection) => void;
  /** Extra options for every RouterMonitor (tests, benchmarks). */
  readonly tuning?: Pick<RouterMonitorOptions, 'lossEventAfterProbes' | 'statusIntervalMs' | 'slackMs'>;
}

/**
 * A RouterShell that asks for the router's connection on every call, so a connection that gave up
 * reconnecting (a long router reboot) is replaced by the pool instead of failing forever.
 */
export function reconnectingShell(connection: () => Promise<RouterShell>): RouterShell {
  return {
    run: async (command, options) => (await connection()).run(command, options),
    stream: async (command, options) => (await connection()).stream(command, options),
  };
}

export class MonitorService {
  readonly #d: MonitorServiceDeps;
  readonly #log: Logger;
  readonly #monitors = new Map<string, RouterMonitor>();
  readonly #starting = new Map<string, Promise<MonitorStatus>>();
  #pruneTimer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: MonitorServiceDeps) {
    this.#d = deps;
    this.#log = deps.log ?? silentLogger;
    this.#prune();
    this.#pruneTimer = setInterval(() => this.#prune(), deps.pruneEveryMs ?? 10 * 60_000);
    // Pruning must never keep the process alive (the CLI exits when its work is done).
    this.#pruneTimer.unref();
  }

  /**
   * Starts watching a router. Calling it again while it runs returns its status and sends the
   * newest sample batch and router status at once: the new view shows numbers without waiting
   * for the next tick.
   */
  async start(routerId: string): Promise<MonitorStatus> {
    const running = this.#monitors.get(routerId);
    if (running) {
      running.replayLatest();
      return running.status();
    }
    const pending = this.#starting.get(routerId);
    if (pending) return pending;
    const starting = (async () => {
      const setup = await this.#d.resolve(routerId);
      if (setup.uplinks.length === 0) {
        throw new SwitchyardError('invalid-input', `${setup.routerName ?? routerId} has no uplinks to watch yet: detect the router or set up its uplinks first.`);
      }
      const monitor = new RouterMonitor({
        routerId,
        ...setup,
        ...this.#d.tuning,
        history: this.#d.history,
        emit: this.#d.emit,
        ...(this.#d.notify ? { notify: this.#d.notify } : {}),
        ...(this.#d.clock ? { clock: this.#d.clock } : {}),
        ...(this.#d.onDidDetect ? { onDidDetect: this.#d.onDidDetect } : {}),
        log: this.#log,
      });
      await monitor.start();
      this.#monitors.set(routerId, monitor);
      const status = monitor.status();
      this.#d.emit('onDidStartMonitor', status);
      return status;
    })();
    this.#starting.set(routerId, starting);
    try {
      return await starting;
    } finally {
      this.#starting.delete(routerId);
    }
  }

  /**
   * Starts a running monitor again from the router as it is now: its uplinks and targets were
   * read at start, and an apply, rollback or remove changes them (before, it went on probing
   * the gateways it began with after failover was enabled with targets).
   */
  async refresh(routerId: string): Promise<void> {
    await this.#starting.get(routerId)?.catch(() => undefined);
    if (!this.#monitors.has(routerId)) return;
    await this.stop(routerId);
    await this.start(routerId).catch((error: unknown) => this.#log.warn(`monitor of ${routerId} not restarted after a policy change: ${(error as Error).message}`));
  }

  /** Stops a router's monitor; resolves once no probe of it runs on the router any more. */
  async stop(routerId: string): Promise<boolean> {
    await this.#starting.get(routerId)?.catch(() => undefined);
    const monitor = this.#monitors.get(routerId);
    if (!monitor) return false;
    this.#monitors.delete(routerId);
    await monitor.stop();
    return true;
  }

  status(routerId: string): MonitorStatus {
    return (
      this.#monitors.get(routerId)?.status() ?? {
        routerId,
        running: false,
        startedMs: null,
        throughputSource: 'none',
        throughputNotes: [],
        routerStatus: null,
        uplinks: [],
      }
    );
  }

  /** A backup standing by: probe it a few times now, always, or only when needed again. */
  probeStandby(routerId: string, wan: string, probe: StandbyProbe): MonitorStatus {
    const monitor = this.#monitors.get(routerId);
    if (!monitor) throw new SwitchyardError('invalid-input', 'Monitoring is not running for this router: open its Monitoring tab first.');
    monitor.probeStandby(wan, probe);
    return monitor.status();
  }

  /**
   * The router status a running monitor read, if that read was sent at or after `notBeforeMs`
   * (the monitor's clock, see `nowMs`); null otherwise.
   */
  recentRouterStatus(routerId: string, notBeforeMs: number): { status: RouterStatus; readStartedMs: number } | null {
    return this.#monitors.get(routerId)?.recentRouterStatus(notBeforeMs) ?? null;
  }

  /** The monitors' clock: what `recentRouterStatus` times are measured on. */
  nowMs(): number {
    return (this.#d.clock ?? systemProbeClock).nowMs();
  }

  runningRouters(): string[] {
    return [...this.#monitors.keys()];
  }

  query(q: HistoryQuery): HistoryQueryResult {
    return this.#d.history.query(q);
  }

  events(routerId: string, fromMs: number, toMs: number, limit?: number): LinkEvent[] {
    return this.#d.history.events(routerId, fromMs, toMs, limit);
  }

  exportCsv(what: 'samples' | 'minutes' | 'events', q: { routerId: string; fromMs: number; toMs: number; maxRows: number }): { csv: string; rows: number; truncated: boolean } {
    const chunks: string[] = [];
    const { rows, truncated } = this.#d.history.exportCsv(what, q, (c) => chunks.push(c));
    return { csv: chunks.join(''), rows, truncated };
  }

  /**
   * Copies the router's own event log into history now (an export from the CLI, with no monitor
   * running). A running monitor already does this. Best effort within `timeoutMs`: a router out of
   * reach leaves history as it is and says why.
   */
  async backfill(routerId: string, timeoutMs = 20_000): Promise<{ added: number; problem: string | null }> {
    if (this.#monitors.has(routerId)) return { added: 0, problem: null };
    const work = (async () => {
      const setup = await this.#d.resolve(routerId);
      if (!setup.readRouterEvents) return { added: 0, problem: null };
      const backfill = new RouterEventBackfill({ routerId, read: setup.readRouterEvents, history: this.#d.history, nowMs: () => Date.now(), log: this.#log, onNew: (events) => events.slice(-50).forEach((e) => this.#d.emit('onDidLinkEvent', e)) });
      return { added: await backfill.run(), problem: null };
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<{ added: number; problem: string }>((resolve) => {
      timer = setTimeout(() => resolve({ added: 0, problem: `the router did not answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    });
    try {
      return await Promise.race([work.catch((error: unknown) => ({ added: 0, problem: error instanceof Error ? error.message : String(error) })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The app is quitting: stop every monitor (no probe left on any router) and pruning. */
  async stopAll(): Promise<void> {
    clearInterval(this.#pruneTimer);
    this.#pruneTimer = undefined;
    await Promise.allSettled([...this.#starting.values()]);
    await Promise.all([...this.#monitors.keys()].map((id) => this.stop(id)));
  }

  #prune(): void {
    try {
      const r = this.#d.history.prune();
      if (r.samples + r.minutes + r.events > 0) this.#log.info(`history pruned: ${r.samples} samples, ${r.minutes} minutes, ${r.events} events`);
    } catch (error) {
      this.#log.warn(`history prune failed: ${(error as Error).message}`);
    }
  }
}

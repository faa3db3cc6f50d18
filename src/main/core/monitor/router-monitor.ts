// Watches one router: a probe stream per uplink, throughput, the driver's status; once a second
// it writes every uplink's last complete second to history and emits ONE onDidSample batch.
// Loss is decided by the tracker's timer; a run of lost probes becomes a 'monitor' LinkEvent.
import { failoverNotification } from '../notifications/failover-notification.ts';
import { randomUUID } from 'node:crypto';
import type { LinkEvent } from '../../../shared/model.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { LinkStatistics, type LinkWindowStats } from '../probes/link-statistics.ts';
import { probeArgv } from '../probes/probe-command.ts';
import { decideProbeScope, needsRouteAnswer, probeScopeCommand, splitProbeScopeOutput, type ProbeScopeDecision } from '../probes/probe-scope.ts';
import { systemProbeClock, type ProbeClock, type ProbeFlavor, type ProbeOutcome } from '../probes/probe-tracker.ts';
import type { MinuteRollup } from '../store/history-store.ts';
import { EventPacer } from './event-pacer.ts';
import { echoRoundTripBytes, formatBytes, monthSec } from '../../../shared/failover-presets.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import { readPingFlavor } from './ping-flavor-read.ts';
import type { MonitorSample, MonitorStatus, RouterStatusPush, SampleBatch } from '../../../shared/api/monitor-schemas.ts';
import type { MonitorUplink, RouterMonitorOptions } from './monitor-types.ts';
import type { RouterStatus } from '../drivers/driver.ts';
import type { StreamHandle } from '../transport/ssh/ssh-connection.ts';
import { isFailover, RouterEventBackfill } from './router-event-backfill.ts';
import { StatusWatcher, type LinkEventDraft } from './status-watcher.ts';
import { ThroughputSource } from './throughput-source.ts';
import { UplinkProbe, type UplinkProbeState } from './uplink-probe.ts';

/**
 * iputils' `-i 1` sends every ~1024 ms (measured in the lab: its timer rounds up), so a second in
 * ~40 would hold no probe and show a false gap; -i 0.95 (measured 960 ms) gives every second at
 * least one probe. BusyBox (integer -i on older builds) and httping keep 1 s.
 */
const intervalSecOf = (flavor: ProbeFlavor): number => (flavor === 'iputils' ? 0.95 : 1);
/** The per-second tick runs this long after each second starts (the SNMP poll runs on the second). */
const tickPhaseMs = 150;
/** "Probe now" on a backup standing by: this many probes (~840 bytes with ping), then it stands by again. */
const probeOnceCount = 5;

/** What the user asked the monitor to do with a backup while the router lets it stand by. */
export type StandbyProbe = 'when-needed' | 'once' | 'always';

interface MinuteThroughput {
  rxSum: number;
  rxN: number;
  rxMin: number;
  rxMax: number;
  txSum: number;
  txN: number;
  txMin: number;
  txMax: number;
}

interface UplinkRuntime {
  readonly uplink: MonitorUplink;
  readonly target: string | null;
  /** What the probe really measures: the path to the target, or only the gateway (and why). */
  readonly scope: ProbeScopeDecision | null;
  readonly flavor: ProbeFlavor;
  readonly argv: readonly string[] | null;
  readonly timeoutMs: number;
  /** Nominal probe interval, and the one measured from reply send times (what ping really does). */
  readonly nominalIntervalMs: number;
  intervalMs: number;
  /** The first reply of the current run: with the latest one, it measures the real interval. */
  base: { seq: number; sentMs: number } | null;
  readonly stats: LinkStatistics;
  probe: UplinkProbe | null;
  state: UplinkProbeState | 'standby';
  message: string | null;
  /** A probe whose send time we know: from it, every later probe's send time follows. */
  anchor: { seq: number; sentMs: number; fromReply: boolean } | null;
  /** Seconds before the first probe of this monitor are not gaps: nothing was running yet. */
  firstSentMs: number | null;
  consecutiveLost: number;
  firstLostSentMs: number;
  /** A sample of this uplink went out (the quick first one or a tick's). */
  sampled: boolean;
  /** This run's first seq and how many of its probes in a row were answered, for the quick first sample. */
  runFirstSeq: number;
  answeredInRow: number;
  silentSinceMs: number | null;
  readonly minutes: Map<number, MinuteThroughput>;
  /** A probe ran for this uplink at some point: its seconds are sampled from then on (a standing-by
   * second is an empty one, a gap). */
  probed: boolean;
  /** A probe being stopped (standing by again); the monitor's stop waits for it. */
  stopping: Promise<void> | undefined;
  /** probeWhen 'needed': the router's latest word on it (null: no status read yet). */
  routerStandby: boolean | null;
  standbyProbe: StandbyProbe;
  /** 'once': outcomes counted so far, and a timer that ends it even if none come. */
  onceOutcomes: number;
  onceTimer: unknown;
}

export class RouterMonitor {
  readonly #o: RouterMonitorOptions;
  readonly #clock: ProbeClock;
  readonly #log: Logger;
  readonly #uplinks: UplinkRuntime[] = [];
  readonly #lossAfter: number;
  readonly #slackMs: number;
  readonly #events: EventPacer<LinkEvent>;
  readonly #newId: () => string;
  #throughput: ThroughputSource | undefined;
  #status: StatusWatcher | undefined;
  #backfill: RouterEventBackfill | undefined;
  #lastLogKey: string | null = null;
  #follow: { handle: StreamHandle | undefined; loop: Promise<void> | undefined; wake: (() => void) | undefined } = { handle: undefined, loop: undefined, wake: undefined };
  #statusHealth: { ok: boolean; message: string | null; atMs: number | null } | null = null;
  #throughputNotes: readonly string[] = [];
  #tickTimer: unknown;
  /** The newest batch and router status sent, for a viewer that subscribes between ticks. */
  #lastBatch: SampleBatch | null = null;
  #lastStatus: RouterStatusPush | null = null;
  /** The newest status read and when that read was sent (this monitor's clock). */
  #statusRead: { status: RouterStatus; readStartedMs: number } | null = null;
  #running = false;
  #startedMs: number | null = null;

  constructor(options: RouterMonitorOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemProbeClock;
    this.#log = options.log ?? silentLogger;
    this.#lossAfter = options.lossEventAfterProbes ?? 3;
    this.#slackMs = options.slackMs ?? 500;
    this.#newId = options.newId ?? randomUUID;
    this.#events = new EventPacer((e) => options.emit('onDidLinkEvent', e), this.#clock);
  }

  get routerId(): string {
    return this.#o.routerId;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Decides the probe form (one `ping -V` unless already known for this link), then starts everything. */
  async start(): Promise<void> {
    if (this.#running) return;
    const o = this.#o;
    const needsPing = o.uplinks.some((u) => u.method === 'ping');
    let pingFlavor: ProbeFlavor | null = o.pingFlavor ?? null;
    let pingProblem: string | null = null;
    // The read the setup began beside the policy read, else one now; beside the route check:
    // each SSH exec costs seconds on a loaded machine.
    const pingRead = needsPing && pingFlavor === null ? (o.pingFlavorRead ?? Promise.resolve(null)).then((read) => read ?? readPingFlavor(o.shell, o.platform)) : null;
    const [detected, scopes] = await Promise.all([pingRead, this.#decideScopes()]);
    if (detected) ({ flavor: pingFlavor, problem: pingProblem } = detected);
    if (detected?.flavor && pingProblem === null) o.rememberPingFlavor?.(detected.flavor);

    for (const [i, uplink] of o.uplinks.entries()) {
      const scope = scopes[i] ?? null;
      const target = scope?.target ?? uplink.targets[0] ?? null;
      const flavor: ProbeFlavor = uplink.method === 'httping' ? 'httping' : (pingFlavor ?? 'busybox');
      const timeoutMs = Math.round((uplink.timeoutSec ?? 1) * 1000);
      const argv = target === null ? null : this.#argv(uplink, target, flavor, timeoutMs / 1000);
      const rt: UplinkRuntime = {
        uplink,
        target,
        scope,
        flavor,
        argv,
        timeoutMs,
        nominalIntervalMs: intervalSecOf(flavor) * 1000,
        intervalMs: intervalSecOf(flavor) * 1000,
        base: null,
        stats: new LinkStatistics({ windowsSec: [1, 60] }),
        probe: null,
        state: 'starting',
        message: null,
        anchor: null,
        firstSentMs: null,
        consecutiveLost: 0,
        firstLostSentMs: 0,
        sampled: false,
        runFirstSeq: 0,
        answeredInRow: 0,
        silentSinceMs: null,
        minutes: new Map(),
        probed: false,
        stopping: undefined,
        routerStandby: null,
        standbyProbe: 'when-needed',
        onceOutcomes: 0,
        onceTimer: undefined,
      };
      this.#uplinks.push(rt);
      if (argv === null) {
        rt.state = 'failed';
        rt.message = `${uplink.name} has no probe target: add a tracking target to watch it`;
      } else if (uplink.method === 'ping' && pingProblem !== null) {
        rt.state = 'failed';
        rt.message = pingProblem;
      }
    }

    this.#running = true;
    this.#startedMs = this.#clock.nowMs();
    for (const rt of this.#uplinks) {
      if (rt.state === 'failed') {
        this.#linkEvent({ kind: 'monitor', wan: rt.uplink.name, message: `${rt.uplink.name} cannot be probed: ${rt.message ?? ''}` });
        continue;
      }
      // A backup probed only when needed waits for the router's word: probing it now would spend
      // the data its preset saves whenever the router lets it stand by.
      if (this.#respectsStandby(rt)) {
        this.#standBy(rt, `${rt.uplink.name} is probed only when needed: not probed until the router's status says whether it stands by`);
        continue;
      }
      this.#startProbe(rt);
    }


    this.#throughput = new ThroughputSource({
      shell: o.shell,
      devices: [...new Set(o.uplinks.map((u) => u.device))],
      snmp: o.snmp ?? null,
      clock: this.#clock,
      log: this.#log,
      onNotes: (notes) => {
        this.#throughputNotes = notes;
      },
    });
    this.#throughput.start();

    if (o.readRouterEvents && o.history) {
      this.#backfill = new RouterEventBackfill({
        routerId: o.routerId,
        read: o.readRouterEvents,
        history: o.history,
        nowMs: () => Date.now(),
        log: this.#log,
        onNew: (events) => this.#onRouterEvents(events),
      });
      // "While you were away": what the router logged before this window looked.
      void this.#backfill.run();
    }
    if (o.readStatus) {
      this.#status = new StatusWatcher({
        readStatus: o.readStatus,
        // The screen follows the router within a second.
        intervalMs: o.statusIntervalMs ?? 1000,
        engineLog: this.#backfill !== undefined,
        onStatus: (status, atMs, readStartedMs) => {
          this.#statusRead = { status, readStartedMs };
          this.#lastStatus = { routerId: o.routerId, atMs: Math.round(atMs), status };
          o.emit('onDidRouterStatus', this.#lastStatus);
          this.#followStandby(status);
          // The newest line of the router's log changed: copy what is new into history.
          const newest = status.events.at(-1);
          const key = newest ? `${newest.atMs}|${newest.kind}|${newest.message}` : null;
          if (this.#backfill && key !== this.#lastLogKey) {
            this.#lastLogKey = key;
            void this.#backfill.run();
          }
        },
        clock: this.#clock,
        onEvents: (drafts) => {
          for (const d of drafts) this.#linkEvent(d);
        },
        onHealth: (ok, message, atMs) => {
          this.#statusHealth = { ok, message, atMs };
        },
      });
      this.#status.start();
    }
    if (o.followRouterEvents) this.#follow.loop = this.#followLog(o.followRouterEvents);
    this.#scheduleTick();
  }

  /** Stops every probe on the router and waits until each stream has ended. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#lastBatch = null;
    this.#lastStatus = null;
    this.#statusRead = null;
    if (this.#tickTimer !== undefined) this.#clock.clearTimeout(this.#tickTimer);
    this.#follow.wake?.();
    for (const rt of this.#uplinks) if (rt.onceTimer !== undefined) this.#clock.clearTimeout(rt.onceTimer);
    await Promise.all([
      ...this.#uplinks.flatMap((rt) => [rt.probe?.stop(), rt.stopping]),
      this.#throughput?.stop(),
      this.#status?.stop(),
      this.#follow.handle?.stop().catch(() => undefined),
    ]);
    await this.#follow.loop;
    this.#events.flush();
  }

  /**
   * The router's status as this monitor last read it, if that read was sent at or after
   * `notBeforeMs` (this monitor's clock): for failover.status, instead of a second read of the
   * same router state. Null when not running or nothing read since then.
   */
  recentRouterStatus(notBeforeMs: number): { status: RouterStatus; readStartedMs: number } | null {
    const read = this.#statusRead;
    return this.#running && read !== null && read.readStartedMs >= notBeforeMs ? read : null;
  }

  status(): MonitorStatus {
    return {
      routerId: this.#o.routerId,
      running: this.#running,
      startedMs: this.#startedMs,
      throughputSource: this.#throughput?.kind ?? 'none',
      throughputNotes: [...this.#throughputNotes],
      routerStatus: this.#o.readStatus ? (this.#statusHealth ?? { ok: true, message: null, atMs: null }) : null,
      uplinks: this.#uplinks.map((rt) => ({
        wan: rt.uplink.name,
        device: rt.uplink.device,
        target: rt.target,
        method: rt.uplink.method,
        state: rt.state,
        message: rt.message,
        command: rt.argv ? [...rt.argv] : null,
        ...(rt.scope && { scope: rt.scope.scope, scopeNote: rt.scope.note }),
        ...(this.#respectsStandby(rt) && { standbyProbe: rt.standbyProbe }),
      })),
    };
  }

  /**
   * For each device-bound ping (no driver form): asks the router, read-only, whether it has a
   * route to the target through that uplink; where it has none, the gateway is probed and labelled.
   */
  async #decideScopes(): Promise<Array<ProbeScopeDecision | null>> {
    const o = this.#o;
    const inputs = o.uplinks.flatMap((u, i) => (!o.probeCommand && u.method === 'ping' && u.targets[0] !== undefined ? [{ i, input: { device: u.device, target: u.targets[0], ...(u.gateway !== undefined && { gateway: u.gateway }) } }] : []));
    const out: Array<ProbeScopeDecision | null> = o.uplinks.map(() => null);
    // A probe of the uplink's own gateway needs no answer from the router (before failover is
    // set up every target is one): asking anyway cost ~0.7 s of the first numbers on a busy machine.
    for (const a of inputs) if (!needsRouteAnswer(a.input)) out[a.i] = decideProbeScope(a.input, '', '');
    const asked = inputs.filter((a) => needsRouteAnswer(a.input));
    if (asked.length === 0) return out;
    try {
      const r = await o.shell.run(probeScopeCommand(asked.map((a) => a.input)), { expectExit: 'any', timeoutMs: 20_000, maxOutputBytes: 64 * 1024 });
      const answers = splitProbeScopeOutput(r.stdout, asked.length);
      for (const [k, a] of asked.entries()) out[a.i] = decideProbeScope(a.input, answers[k]!.get, answers[k]!.link);
    } catch (error) {
      // Without the router's answer the plain bound probe runs; its own output then says what is wrong.
      this.#log.warn(`could not read the router's routes for the probes: ${(error as Error).message}`);
    }
    return out;
  }

  #argv(uplink: MonitorUplink, target: string, flavor: ProbeFlavor, timeoutSec: number): readonly string[] {
    if (this.#o.probeCommand) return this.#o.probeCommand(uplink, target, uplink.method);
    const argv = probeArgv({ flavor, device: uplink.device, target, intervalSec: intervalSecOf(flavor), timeoutSec });
    // httping cannot bind to a device; its source address selects the uplink where policy
    // routing by source exists (what failover engines set up).
    if (flavor === 'httping' && uplink.address) argv.splice(argv.indexOf('-g'), 0, '-y', uplink.address);
    return argv;
  }

  #startProbe(rt: UplinkRuntime): void {
    const o = this.#o;
    const probe: UplinkProbe = new UplinkProbe({
      shell: o.shell,
      argv: rt.argv as readonly string[],
      flavor: rt.flavor,
      device: rt.uplink.device,
      intervalSec: rt.nominalIntervalMs / 1000,
      timeoutSec: rt.timeoutMs / 1000,
      slackMs: this.#slackMs,
      clock: this.#clock,
      ...(o.platform ? { platform: o.platform } : {}),
      onRun: (startedMs, firstSeq) => {
        rt.anchor = { seq: firstSeq, sentMs: startedMs, fromReply: false };
        rt.base = null;
        rt.consecutiveLost = 0;
        rt.runFirstSeq = firstSeq;
        rt.answeredInRow = 0;
      },
      onOutcome: (outcome) => this.#onOutcome(rt, outcome),
      // A probe stopped for standby still reports its end: the uplink's state is standby by then.
      onState: (state, message) => {
        if (rt.probe === probe) this.#onProbeState(rt, state, message);
      },
    });
    rt.probe = probe;
    rt.probed = true;
    rt.state = 'starting';
    rt.message = null;
    probe.start();
  }

  /** Stops the uplink's probe (if any) and says why it is not probed. */
  #standBy(rt: UplinkRuntime, message: string): void {
    const probe = rt.probe;
    rt.probe = null;
    rt.state = 'standby';
    rt.message = message;
    rt.silentSinceMs = null;
    rt.consecutiveLost = 0;
    if (probe) {
      const previous = rt.stopping;
      rt.stopping = Promise.all([previous, probe.stop()]).then(() => undefined);
    }
  }

  /** A backup probed only when needed, on a router whose status says whether it stands by. */
  #respectsStandby(rt: UplinkRuntime): boolean {
    return rt.uplink.probeWhen === 'needed' && this.#o.readStatus !== undefined;
  }

  /** Each router status: the backups it lets stand by are not probed here either; woken ones are. */
  #followStandby(status: RouterStatusPush['status']): void {
    if (!this.#running) return;
    for (const rt of this.#uplinks) {
      if (!this.#respectsStandby(rt) || rt.argv === null || rt.state === 'failed') continue;
      rt.routerStandby = status.wans.find((w) => w.wan === rt.uplink.name)?.standby === true;
      this.#syncStandby(rt);
    }
  }

  #syncStandby(rt: UplinkRuntime): void {
    if (!this.#running || rt.argv === null) return;
    const probe = rt.routerStandby === false || rt.standbyProbe !== 'when-needed';
    if (probe) {
      if (rt.probe === null) this.#startProbe(rt);
      return;
    }
    // No status yet: the start message stays.
    if (rt.routerStandby === null) return;
    const cost = rt.flavor === 'httping' ? 'a probe a second costs data too' : `a probe a second would cost ~${formatBytes((echoRoundTripBytes * monthSec * 1000) / rt.nominalIntervalMs)} a month`;
    const message = `${rt.uplink.name} stands by: the router probes it only when needed, so this monitor does not probe it either (${cost})`;
    if (rt.probe !== null || rt.message !== message) this.#standBy(rt, message);
  }

  /** The user's choice for a backup standing by; 'once' probes it probeOnceCount times now. */
  probeStandby(wan: string, probe: StandbyProbe): void {
    const rt = this.#uplinks.find((u) => u.uplink.name === wan);
    if (!rt) throw new SwitchyardError('not-found', `${wan} is not watched on this router.`);
    if (!this.#respectsStandby(rt)) throw new SwitchyardError('invalid-input', `${wan} is probed always (not only when needed): there is nothing to change.`);
    if (rt.argv === null || rt.state === 'failed') throw new SwitchyardError('invalid-input', `${wan} cannot be probed: ${rt.message ?? 'no probe target'}`);
    if (rt.onceTimer !== undefined) this.#clock.clearTimeout(rt.onceTimer);
    rt.onceTimer = undefined;
    rt.onceOutcomes = 0;
    rt.standbyProbe = probe;
    // 'once' ends after its probes' outcomes (#onOutcome), or after this long if none come (the
    // SSH exec on a loaded machine, the probes, a timeout each).
    if (probe === 'once') rt.onceTimer = this.#clock.setTimeout(() => this.#endOnce(rt), 30_000 + probeOnceCount * (rt.nominalIntervalMs + rt.timeoutMs));
    this.#syncStandby(rt);
  }

  #endOnce(rt: UplinkRuntime): void {
    if (rt.onceTimer !== undefined) this.#clock.clearTimeout(rt.onceTimer);
    rt.onceTimer = undefined;
    if (rt.standbyProbe === 'once') rt.standbyProbe = 'when-needed';
    this.#syncStandby(rt);
  }

  #onProbeState(rt: UplinkRuntime, state: UplinkProbeState, message: string | null): void {
    rt.state = state;
    rt.message = message;
    if (state === 'failed' && message) this.#linkEvent({ kind: 'monitor', wan: rt.uplink.name, message: `${rt.uplink.name}: ${message}` });
    if (state === 'restarting') rt.anchor = null;
  }

  /**
   * Send time of a probe. ping sends on a fixed schedule, so every probe's time follows from one
   * anchor; each reply (arrival − RTT, which also carries the SSH delivery delay) pulls the anchor
   * down at once but up by at most 1 ms, so delivery jitter never moves a probe into the next
   * second while ping's slow drift is still followed. httping has no fixed schedule.
   */
  #sentMs(rt: UplinkRuntime, outcome: ProbeOutcome): number {
    const anchor = rt.anchor;
    if (outcome.kind === 'reply' || outcome.kind === 'late') {
      const observed = outcome.atMs - outcome.rttMs;
      if (rt.flavor === 'httping' || anchor === null || outcome.kind === 'late') return observed;
      if (!anchor.fromReply || rt.base === null) {
        rt.anchor = { seq: outcome.seq, sentMs: observed, fromReply: true };
        rt.base = { seq: outcome.seq, sentMs: observed };
        return observed;
      }
      const span = outcome.seq - rt.base.seq;
      if (span >= 5) {
        const measured = (observed - rt.base.sentMs) / span;
        rt.intervalMs = Math.min(rt.nominalIntervalMs * 1.2, Math.max(rt.nominalIntervalMs * 0.8, measured));
      }
      const expected = anchor.sentMs + (outcome.seq - anchor.seq) * rt.intervalMs;
      const sentMs = observed < expected ? observed : expected + Math.min(observed - expected, 2);
      rt.anchor = { seq: outcome.seq, sentMs, fromReply: true };
      return sentMs;
    }
    // httping waits for each attempt before the next: a lost one left about a timeout ago.
    if (rt.flavor === 'httping' || anchor === null) return outcome.atMs - rt.timeoutMs;
    return Math.min(outcome.atMs, anchor.sentMs + (outcome.seq - anchor.seq) * rt.intervalMs);
  }

  #onOutcome(rt: UplinkRuntime, outcome: ProbeOutcome): void {
    if (outcome.kind === 'late' || outcome.kind === 'duplicate') return;
    const sentMs = this.#sentMs(rt, outcome);
    // Bucketing by send time puts each probe in exactly one second, whatever its RTT or timeout.
    rt.stats.add({ ...outcome, atMs: sentMs });
    // "Probe now" is over after its probes: their seconds are sampled by the ticks that follow.
    if (rt.standbyProbe === 'once' && ++rt.onceOutcomes >= probeOnceCount) this.#endOnce(rt);
    rt.firstSentMs ??= sentMs;
    const name = rt.uplink.name;
    if (outcome.kind === 'reply') {
      this.#quickFirstSample(rt, outcome.seq, sentMs);
      if (rt.silentSinceMs !== null) {
        const silentSec = Math.round((outcome.atMs - rt.silentSinceMs) / 1000);
        this.#linkEvent({ kind: 'monitor', wan: name, from: 'silent', to: 'answering', message: `${describe(rt.uplink)} answers again after about ${silentSec} s without replies` });
      }
      rt.silentSinceMs = null;
      rt.consecutiveLost = 0;
      return;
    }
    rt.answeredInRow = -1;
    rt.consecutiveLost++;
    if (rt.consecutiveLost === 1) rt.firstLostSentMs = sentMs;
    if (rt.consecutiveLost === this.#lossAfter && rt.silentSinceMs === null) {
      rt.silentSinceMs = rt.firstLostSentMs;
      const event = this.#linkEvent({
        kind: 'monitor',
        wan: name,
        from: 'answering',
        to: 'silent',
        message: `no replies on ${describe(rt.uplink)}${rt.scope?.scope === 'gateway' ? ` from its gateway ${rt.target ?? ''}` : ''} for ${Math.round((this.#lossAfter * rt.intervalMs) / 1000)} s${outcome.text ? ` (${outcome.text})` : ''}`,
      });
      this.#o.onDidDetect?.({
        routerId: this.#o.routerId,
        wan: name,
        detectedAtMs: event.atMs,
        firstLostSentMs: rt.firstLostSentMs,
        ruleMetAtMs: rt.firstLostSentMs + (this.#lossAfter - 1) * rt.intervalMs + rt.timeoutMs,
        event,
      });
    }
  }

  /** Follows the router's log while monitoring runs; a line means: read the status and the log now. */
  async #followLog(follow: NonNullable<RouterMonitorOptions['followRouterEvents']>): Promise<void> {
    let backoffMs = 1000;
    while (this.#running) {
      const startedMs = this.#clock.nowMs();
      try {
        const handle = await follow(() => {
          this.#status?.pollNow();
          void this.#backfill?.run();
        });
        this.#follow.handle = handle;
        if (!this.#running) await handle.stop();
        await handle.done;
      } catch (error) {
        this.#log.warn(`could not follow the router's event log: ${(error as Error).message}`);
      }
      this.#follow.handle = undefined;
      if (!this.#running) return;
      if (this.#clock.nowMs() - startedMs > 30_000) backoffMs = 1000;
      await new Promise<void>((resolve) => {
        const timer = this.#clock.setTimeout(resolve, backoffMs);
        this.#follow.wake = () => {
          this.#clock.clearTimeout(timer);
          resolve();
        };
      });
      backoffMs = Math.min(30_000, backoffMs * 2);
    }
  }

  /** Router events stored for the first time: to the screen at once (a failover is not paced
   * behind the offline that caused it), a notification for a fresh failover. */
  #onRouterEvents(events: readonly LinkEvent[]): void {
    if (!this.#running) return;
    // After a long absence only the latest go out live; the Events tab reads the rest from history.
    for (const e of events.slice(-50)) this.#o.emit('onDidLinkEvent', e);
    const fresh = events.filter((e) => isFailover(e) && Date.now() - e.atMs < 60_000);
    for (const e of fresh) {
      try {
        this.#o.notify?.(failoverNotification(this.#o.routerName ?? this.#o.routerId, e));
      } catch {
        // A notification that cannot be shown must not stop monitoring.
      }
    }
  }

  #linkEvent(draft: LinkEventDraft): LinkEvent {
    const { failover, ...fields } = draft;
    const event: LinkEvent = { id: this.#newId(), routerId: this.#o.routerId, atMs: Math.round(this.#clock.nowMs()), ...fields };
    try {
      this.#o.history?.addEvents([event]);
    } catch (error) {
      this.#log.warn(`could not store a link event: ${(error as Error).message}`);
    }
    this.#events.push(event);
    if (failover) {
      try {
        this.#o.notify?.(failoverNotification(this.#o.routerName ?? this.#o.routerId, event));
      } catch {
        // A notification that cannot be shown must not stop monitoring.
      }
    }
    return event;
  }

  #scheduleTick(): void {
    if (!this.#running) return;
    const now = this.#clock.nowMs();
    const delayMs = ((1000 + tickPhaseMs - (now % 1000)) % 1000) || 1000;
    this.#tickTimer = this.#clock.setTimeout(() => {
      this.#tickTimer = undefined;
      try {
        this.#tick();
      } catch (error) {
        this.#log.error('monitor tick failed', error);
      }
      this.#scheduleTick();
    }, delayMs);
  }

  #tick(): void {
    const now = this.#clock.nowMs();
    const samples: MonitorSample[] = [];
    const minutes: MinuteRollup[] = [];
    for (const rt of this.#uplinks) {
      if (!rt.probed) continue;
      // A second is complete once its last probe has had time to be answered or declared lost.
      this.#collect(rt, now - rt.timeoutMs - this.#slackMs - 100, samples, minutes);
    }
    this.#store(now, samples, minutes);
  }

  /** The windows of `rt` that ended by `cutoffMs`, as samples and minute rollups. */
  #collect(rt: UplinkRuntime, cutoffMs: number, samples: MonitorSample[], minutes: MinuteRollup[]): void {
    const windows = rt.stats.flush(cutoffMs);
    const first = rt.firstSentMs;
    if (first === null) return;
    for (const w of windows) {
      if (w.windowSec === 1 && w.startMs + 1000 > first) {
        samples.push(this.#sample(rt, w));
        rt.sampled = true;
      }
    }
    for (const w of windows) if (w.windowSec === 60 && w.startMs + 60_000 > first) minutes.push(this.#minute(rt, w));
  }

  /**
   * The first numbers on screen without waiting for the tick: the tick holds a second back until
   * its last probe could have timed out (timeout + slack, ~1.6 s, plus up to a second to the next
   * tick). The very first second of an uplink can be closed as soon as it is known whole: every
   * probe of this run so far was answered, and the next one is sent after the second ends (ping
   * sends on its schedule), so no outcome can still fall into it. Then it goes out at once, as a
   * batch of its own; the tick carries on from the next second.
   */
  #quickFirstSample(rt: UplinkRuntime, seq: number, sentMs: number): void {
    if (rt.sampled || rt.flavor === 'httping' || !this.#running) return;
    if (rt.answeredInRow < 0 || seq - rt.runFirstSeq !== rt.answeredInRow) {
      // A probe of this run went unanswered or out of order: the tick decides, as for any second.
      rt.answeredInRow = -1;
      return;
    }
    rt.answeredInRow++;
    const secondEndMs = Math.floor(sentMs / 1000) * 1000 + 1000;
    // 20 ms to spare: the send times are estimates from replies (their SSH delivery varies).
    if (sentMs + rt.intervalMs < secondEndMs + 20) return;
    const samples: MonitorSample[] = [];
    const minutes: MinuteRollup[] = [];
    this.#collect(rt, secondEndMs, samples, minutes);
    this.#store(this.#clock.nowMs(), samples, minutes, true);
  }

  #store(now: number, samples: MonitorSample[], minutes: MinuteRollup[], quick = false): void {
    if (samples.length === 0 && minutes.length === 0) return;
    try {
      this.#o.history?.addSamples(samples, minutes);
    } catch (error) {
      this.#log.warn(`could not store samples: ${(error as Error).message}`);
    }
    if (samples.length === 0) return;
    const batch: SampleBatch = { routerId: this.#o.routerId, atMs: Math.round(now), samples };
    // A view that subscribes before the first tick still gets every uplink sampled so far.
    const kept = quick ? (this.#lastBatch?.samples ?? []).filter((k) => !samples.some((n) => n.wan === k.wan)) : [];
    this.#lastBatch = kept.length ? { ...batch, samples: [...kept, ...samples] } : batch;
    this.#o.emit('onDidSample', batch);
  }

  /**
   * A view subscribed to a monitor that was already running: sends it the newest batch and router
   * status at once instead of leaving it blank until the next tick. Views that already had them
   * receive them again (the renderer counts a second once).
   */
  replayLatest(): void {
    if (!this.#running) return;
    if (this.#lastBatch) this.#o.emit('onDidSample', this.#lastBatch);
    if (this.#lastStatus) this.#o.emit('onDidRouterStatus', this.#lastStatus);
  }

  #sample(rt: UplinkRuntime, w: LinkWindowStats): MonitorSample {
    // The counter reading taken as this second ended describes (about) this second.
    const reading = this.#throughput?.readingNear(rt.uplink.device, w.startMs + 1000, 600);
    const rxBps = reading?.rxBps ?? null;
    const txBps = reading?.txBps ?? null;
    const minuteMs = Math.floor(w.startMs / 60_000) * 60_000;
    let m = rt.minutes.get(minuteMs);
    if (!m) {
      m = { rxSum: 0, rxN: 0, rxMin: Infinity, rxMax: -Infinity, txSum: 0, txN: 0, txMin: Infinity, txMax: -Infinity };
      rt.minutes.set(minuteMs, m);
      // Only the current and previous minute can still be rolled up.
      for (const k of rt.minutes.keys()) if (k < minuteMs - 120_000) rt.minutes.delete(k);
    }
    if (rxBps !== null) {
      m.rxSum += rxBps;
      m.rxN++;
      m.rxMin = Math.min(m.rxMin, rxBps);
      m.rxMax = Math.max(m.rxMax, rxBps);
    }
    if (txBps !== null) {
      m.txSum += txBps;
      m.txN++;
      m.txMin = Math.min(m.txMin, txBps);
      m.txMax = Math.max(m.txMax, txBps);
    }
    return { ...statsFields(this.#o.routerId, rt.uplink.name, w), rxBps, txBps };
  }

  #minute(rt: UplinkRuntime, w: LinkWindowStats): MinuteRollup {
    const m = rt.minutes.get(w.startMs);
    rt.minutes.delete(w.startMs);
    const has = (n: number | undefined) => n !== undefined && n > 0;
    return {
      ...statsFields(this.#o.routerId, rt.uplink.name, w),
      rxBps: m && has(m.rxN) ? m.rxSum / m.rxN : null,
      txBps: m && has(m.txN) ? m.txSum / m.txN : null,
      rxMinBps: m && has(m.rxN) ? m.rxMin : null,
      rxMaxBps: m && has(m.rxN) ? m.rxMax : null,
      txMinBps: m && has(m.txN) ? m.txMin : null,
      txMaxBps: m && has(m.txN) ? m.txMax : null,
    };
  }
}

function statsFields(routerId: string, wan: string, w: LinkWindowStats): Omit<MonitorSample, 'rxBps' | 'txBps'> {
  return {
    routerId,
    wan,
    atMs: w.startMs,
    latencyMs: w.latencyMedianMs,
    latencyMinMs: w.latencyMinMs,
    latencyMaxMs: w.latencyMaxMs,
    latencyP95Ms: w.latencyP95Ms,
    jitterMs: w.jitterRfc3550Ms,
    jitterMasdMs: w.jitterMasdMs,
    lossPct: w.lossPct,
    sent: w.probes,
    received: w.replies,
  };
}

function describe(u: MonitorUplink): string {
  return u.device === u.name ? u.device : `${u.device} (${u.name})`;
}

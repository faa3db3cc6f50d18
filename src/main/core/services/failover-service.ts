// Failover on one router, whatever its platform: picks the router's driver from its detected
// platform and runs the safe-apply sequence — plan, commit with a revert timer on the router,
// verify, and leave confirm or rollback to the user.
import { createHash } from 'node:crypto';
import type { ApplyPlan, RemovePlan, RouterStatus } from '../../../shared/failover-schemas.ts';
import { awaitingFirstProbe } from '../../../shared/probed-words.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { FailoverPolicy, LinkEvent, PlatformId } from '../../../shared/model.ts';
import type { RouterDriver } from '../drivers/driver.ts';
import type { DriverFactory } from '../drivers/driver-registry.ts';
import { revertSecondsLeft, tooLateToConfirm } from '../../../shared/revert-clock.ts';
import { currentDetectedKinds } from '../detect/current-detection.ts';
import type { ConnectionService } from './connection-service.ts';
import type { RoutersService } from './routers-service.ts';

export interface Verification {
  ok: boolean;
  activeWans: string[];
  problems: string[];
  checkedMs: number;
}

const verifyTimeoutMs = 8_000;
const verifyPollMs = 500;
/** How long a revert deadline read from the router counts as current for the confirm check. */
const pendingFreshMs = 10_000;
/**
 * failover.status answers with the status a running monitor read when that read was sent at most
 * this long ago: the monitor reads every second (and at once when the router logs a change), the
 * page polls every second, so such a status is as new as a poll that had just been answered.
 */
export const monitorStatusFreshMs = 1_500;

/** How soon a router's automatic detection is tried again after it failed. */
const autoDetectRetryMs = 60_000;

/** A router status a running monitor read, and when that read was sent (see `FailoverServiceDeps.nowMs`). */
export type RecentRouterStatus = (routerId: string, notBeforeMs: number) => { status: RouterStatus; readStartedMs: number } | null;

export interface FailoverServiceDeps {
  readonly routers: RoutersService;
  readonly connections: ConnectionService;
  readonly drivers: Partial<Record<PlatformId, DriverFactory>>;
  /** Keeps an event in the history and announces it (apply, confirm, manual failover …). */
  readonly record: (event: LinkEvent) => void;
  /** The running monitor's newest status read (MonitorService.recentRouterStatus). */
  readonly recentStatus?: RecentRouterStatus;
  /** The clock `recentStatus` times are on (MonitorService.nowMs). */
  readonly nowMs?: () => number;
  /** After a change of the policy on the router (apply, rollback, remove): a running monitor
   * watches the uplinks and targets now set there (MonitorService.refresh). */
  readonly onPolicyChanged?: (routerId: string) => void;
  /** Detects a router Switchyard has not detected yet (DetectionService.detect), before its first use. */
  readonly detect?: (routerId: string) => Promise<unknown>;
}

export class FailoverService {
  readonly #routers: RoutersService;
  readonly #connections: ConnectionService;
  readonly #drivers: Partial<Record<PlatformId, DriverFactory>>;
  readonly #record: (event: LinkEvent) => void;
  readonly #pending = new Map<string, { revertAtMs: number | null; readAtMs: number }>();
  readonly #recentStatus: RecentRouterStatus | undefined;
  readonly #nowMs: () => number;
  readonly #onPolicyChanged: ((routerId: string) => void) | undefined;
  readonly #detect: ((routerId: string) => Promise<unknown>) | undefined;
  /** Per router: when its automatic detection last failed (see driver()). */
  readonly #autoDetectFailedMs = new Map<string, number>();
  /** Per router: changes being sent now, and when the last one ended (`#nowMs`). A status read
   * sent before then may show the router as it was, so it is never reused. */
  readonly #changes = new Map<string, { running: number; endedMs: number }>();

  constructor(deps: FailoverServiceDeps) {
    this.#routers = deps.routers;
    this.#connections = deps.connections;
    this.#drivers = deps.drivers;
    this.#record = deps.record;
    this.#recentStatus = deps.recentStatus;
    this.#detect = deps.detect;
    this.#nowMs = deps.nowMs ?? (() => performance.timeOrigin + performance.now());
    this.#onPolicyChanged = deps.onPolicyChanged;
  }

  async driver(routerId: string): Promise<RouterDriver> {
    let record = this.#routers.record(routerId);
    // A router saved but never detected (added from the command line or an inventory file, or
    // detection cut short): detect it now, so its health and status read like any other's.
    // A failed one is told to its caller and tried again a minute later at the soonest (a router
    // that was off), not at every status poll; meanwhile callers are asked to run it themselves.
    const failedMs = this.#autoDetectFailedMs.get(routerId);
    if (!record.platform && this.#detect && (failedMs === undefined || Date.now() - failedMs >= autoDetectRetryMs)) {
      try {
        await this.#detect(routerId);
      } catch (error) {
        this.#autoDetectFailedMs.set(routerId, Date.now());
        throw error;
      }
      record = this.#routers.record(routerId);
    }
    if (!record.platform) throw new SwitchyardError('conflict', `Switchyard does not know what ${record.name} runs yet. Run detection first (Overview → Detect again).`);
    const factory = this.#drivers[record.platform];
    if (!factory) {
      throw new SwitchyardError('unsupported', `Failover on ${record.name} (${record.platform}) is not supported by this version of Switchyard yet. Monitoring still works.`);
    }
    return factory(await this.#connections.connection(routerId), { routerId, facts: record.facts, detectedKinds: currentDetectedKinds(record) });
  }

  async get(routerId: string) {
    const driver = await this.driver(routerId);
    const [candidates, policy, status] = await Promise.all([driver.readWans(), driver.readPolicy(), driver.readStatus()]);
    return { platform: driver.platform, capabilities: driver.capabilities, candidates, policy, status };
  }

  async plan(routerId: string, policy: FailoverPolicy): Promise<ApplyPlan> {
    return (await this.driver(routerId)).plan(policy);
  }

  /** Plan, refuse on problems, commit with the revert timer armed, then verify. */
  async apply(routerId: string, policy: FailoverPolicy, revertInSec: number): Promise<{ revertAtMs: number | null; verification: Verification; status: RouterStatus }> {
    const applied = await this.#changing(routerId, () => this.#applyNow(routerId, policy, revertInSec));
    this.#onPolicyChanged?.(routerId);
    return applied;
  }

  async #applyNow(routerId: string, policy: FailoverPolicy, revertInSec: number): Promise<{ revertAtMs: number | null; verification: Verification; status: RouterStatus }> {
    const driver = await this.driver(routerId);
    const plan = await driver.plan(policy);
    if (plan.problems.length) {
      throw new SwitchyardError('invalid-input', `Nothing was changed on the router: ${plan.problems.join(' ')}`, { problems: [...plan.problems] });
    }
    const sentMs = Date.now();
    let committed: { revertAtMs: number | null; status?: RouterStatus };
    try {
      committed = await driver.commit(plan, { revertInSec });
    } catch (error) {
      // The change may have reached the router before the link dropped: say what it then does.
      if (error instanceof SwitchyardError && error.code === 'connection-lost' && revertInSec > 0) throw lostAfterCommit(error, 'maybe', sentMs + revertInSec * 1000, Date.now() + revertInSec * 1000);
      throw error;
    }
    this.#event(routerId, 'apply', `Applied a new failover policy (${policy.mode}); the router reverts by itself unless confirmed.`);
    let verified: { verification: Verification; status: RouterStatus };
    try {
      verified = await this.#verify(driver, policy, committed.status);
    } catch (error) {
      if (error instanceof SwitchyardError && error.code === 'connection-lost' && committed.revertAtMs !== null) throw lostAfterCommit(error, 'yes', committed.revertAtMs, committed.revertAtMs);
      throw error;
    }
    const { verification, status } = verified;
    this.#notePending(routerId, status);
    // The latest reading of the router's own deadline wins (its clock, measured offset).
    const revertAtMs = status.pendingRevertAtMs !== null && committed.revertAtMs !== null ? Math.min(status.pendingRevertAtMs, committed.revertAtMs) : committed.revertAtMs;
    return { revertAtMs, verification, status };
  }

  async confirm(routerId: string): Promise<RouterStatus> {
    return this.#changing(routerId, () => this.#confirmNow(routerId));
  }

  async #confirmNow(routerId: string): Promise<RouterStatus> {
    const driver = await this.driver(routerId);
    // The deadline last read from the router (apply and status polls keep it fresh); read it
    // now only when Switchyard has not heard from the router lately.
    const known = this.#pending.get(routerId);
    const pendingRevertAtMs = known && Date.now() - known.readAtMs < pendingFreshMs ? known.revertAtMs : this.#notePending(routerId, await driver.readStatus()).pendingRevertAtMs;
    if (pendingRevertAtMs !== null && tooLateToConfirm(pendingRevertAtMs, Date.now())) {
      const before = { pendingRevertAtMs };
      const leftSec = revertSecondsLeft(before.pendingRevertAtMs, Date.now());
      throw new SwitchyardError(
        'conflict',
        `Too late to confirm: the router restores the previous settings ${leftSec > 0 ? `in ${leftSec} s` : 'now'} (at ${clockTime(before.pendingRevertAtMs)}), and a confirmation sent now could arrive after that. Nothing was sent. Wait until it has restored them, then apply again if you want the new settings.`,
        { revertAtMs: before.pendingRevertAtMs },
      );
    }
    const after = await driver.confirm();
    this.#event(routerId, 'confirm', 'Confirmed the new failover policy.');
    return this.#notePending(routerId, after ?? (await driver.readStatus()));
  }

  async rollback(routerId: string): Promise<RouterStatus> {
    const status = await this.#changing(routerId, () => this.#rollbackNow(routerId));
    this.#onPolicyChanged?.(routerId);
    return status;
  }

  async #rollbackNow(routerId: string): Promise<RouterStatus> {
    const driver = await this.driver(routerId);
    const after = await driver.rollback();
    this.#event(routerId, 'rollback', 'Rolled back to the previous failover policy.');
    return this.#notePending(routerId, after ?? (await driver.readStatus()));
  }

  /** Remembers the router's revert deadline from a status just read, and passes it on. */
  #notePending(routerId: string, status: RouterStatus, readAtMs = Date.now()): RouterStatus {
    this.#pending.set(routerId, { revertAtMs: status.pendingRevertAtMs, readAtMs });
    return status;
  }

  async force(routerId: string, wan: string): Promise<RouterStatus> {
    return this.#changing(routerId, () => this.#forceNow(routerId, wan));
  }

  async #forceNow(routerId: string, wan: string): Promise<RouterStatus> {
    const driver = await this.driver(routerId);
    await driver.forceFailover(wan);
    this.#event(routerId, 'manual-failover', wan === 'auto' ? 'Back to automatic failover.' : `Manual failover: traffic forced onto ${wan}.`, wan === 'auto' ? undefined : wan);
    return driver.readStatus();
  }

  /**
   * What the router runs now. While its monitor runs, the status the monitor read within the last
   * `monitorStatusFreshMs` (sent after any change made here ended) instead of a second read of
   * the same router state.
   */
  async status(routerId: string): Promise<RouterStatus> {
    const change = this.#changes.get(routerId);
    const nowMs = this.#nowMs();
    const notBeforeMs = Math.max(nowMs - monitorStatusFreshMs, change ? (change.running > 0 ? Infinity : change.endedMs) : -Infinity);
    const recent = notBeforeMs === Infinity ? null : (this.#recentStatus?.(routerId, notBeforeMs) ?? null);
    if (recent) return this.#notePending(routerId, this.#noticeRevert(routerId, recent.status), Date.now() - (nowMs - recent.readStartedMs));
    const driver = await this.driver(routerId);
    const sentMs = this.#nowMs();
    const read = await driver.readStatus();
    // A change made here while this read was on its way ended the pending one, not the router's timer.
    const after = this.#changes.get(routerId);
    const during = after !== undefined && (after.running > 0 || after.endedMs > sentMs);
    return this.#notePending(routerId, during ? read : this.#noticeRevert(routerId, read));
  }

  /**
   * A status the running monitor read (`readStartedMs` on its clock, see `nowMs`). The router's
   * own revert timer runs out with nobody asking: this is how Switchyard notices it while only the
   * Monitoring tab is open. Reads sent before a change made here ended are ignored.
   */
  noticeMonitorStatus(routerId: string, status: RouterStatus, readStartedMs: number): void {
    const change = this.#changes.get(routerId);
    if (change && (change.running > 0 || readStartedMs < change.endedMs)) return;
    this.#notePending(routerId, this.#noticeRevert(routerId, status), Date.now() - (this.#nowMs() - readStartedMs));
  }

  /**
   * The router had a change waiting for confirmation and now has none, though no confirm,
   * rollback or remove made here ended it: its revert timer ran out and it went back to the
   * previous settings. A running monitor then watches those (as after a rollback made here).
   */
  #noticeRevert(routerId: string, status: RouterStatus): RouterStatus {
    const known = this.#pending.get(routerId);
    if (known && known.revertAtMs !== null && status.pendingRevertAtMs === null) this.#onPolicyChanged?.(routerId);
    return status;
  }

  /** Runs a change of the router's settings, noting when it ended (see `status`). */
  async #changing<T>(routerId: string, work: () => Promise<T>): Promise<T> {
    const change = this.#changes.get(routerId) ?? { running: 0, endedMs: -Infinity };
    this.#changes.set(routerId, change);
    change.running++;
    try {
      return await work();
    } finally {
      change.running--;
      change.endedMs = this.#nowMs();
    }
  }

  /** What Remove would change on the router now, with a fingerprint to agree to. */
  async planRemove(routerId: string): Promise<RemovePlan> {
    return removePlanOf(await this.driver(routerId));
  }

  /**
   * Takes Switchyard's failover off the router. With `basedOn` (the plan the user agreed to), the
   * plan is made again first and nothing happens when the router would now change something else.
   */
  async remove(routerId: string, opts: { readonly basedOn?: string; readonly restoreAdminEdits?: boolean } = {}): Promise<boolean> {
    const removed = await this.#changing(routerId, () => this.#removeNow(routerId, opts));
    this.#onPolicyChanged?.(routerId);
    return removed;
  }

  async #removeNow(routerId: string, opts: { readonly basedOn?: string; readonly restoreAdminEdits?: boolean } = {}): Promise<boolean> {
    const driver = await this.driver(routerId);
    if (opts.basedOn !== undefined) {
      const now = await removePlanOf(driver);
      if (now.basedOn !== opts.basedOn) {
        throw new SwitchyardError('conflict', 'The router changed since you looked at what Remove would do, so nothing was removed. Look at the plan again and confirm it.', { plan: now });
      }
    }
    await driver.remove(opts.restoreAdminEdits ? { restoreAdminEdits: true } : undefined);
    this.#event(routerId, 'remove', 'Removed Switchyard failover; the router is back as it was.');
    return true;
  }

  /** Reachable (the status read worked), the intended uplink active, its tracking passing. */
  async #verify(driver: RouterDriver, policy: FailoverPolicy, first?: RouterStatus): Promise<{ verification: Verification; status: RouterStatus }> {
    const started = Date.now();
    const expected = expectedActive(policy);
    let status = first ?? (await driver.readStatus());
    for (;;) {
      const active = status.wans.filter((w) => w.active).map((w) => w.wan);
      const problems = verificationProblems(policy, status, expected);
      if (problems.length === 0 || Date.now() - started > verifyTimeoutMs) {
        return { verification: { ok: problems.length === 0, activeWans: active, problems, checkedMs: Date.now() - started }, status };
      }
      await new Promise((resolve) => setTimeout(resolve, verifyPollMs));
      status = await driver.readStatus();
    }
  }

  #event(routerId: string, kind: 'apply' | 'confirm' | 'rollback' | 'manual-failover' | 'remove', message: string, wan?: string): void {
    this.#record({ id: crypto.randomUUID(), routerId, atMs: Date.now(), kind, message, ...(wan && { wan }) });
  }
}

async function removePlanOf(driver: RouterDriver): Promise<RemovePlan> {
  const preview = driver.planRemove
    ? await driver.planRemove()
    : {
        changes: ["Take Switchyard's failover off the router and put back what it changed."],
        nativeDiff: '',
        adminEdits: [],
        note: 'A line-by-line view of these changes is not available for this platform yet.',
      };
  const basedOn = createHash('sha256').update(JSON.stringify([driver.platform, preview.changes, preview.nativeDiff, preview.adminEdits])).digest('hex').slice(0, 32);
  return { changes: [...preview.changes], nativeDiff: preview.nativeDiff, adminEdits: preview.adminEdits.map((e) => ({ ...e })), ...(preview.note && { note: preview.note }), basedOn };
}

/** HH:MM:SS on this computer's clock, the one the user reads. */
function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

/**
 * The link dropped after the change was sent: the router may hold (or holds) an unconfirmed
 * change, which it undoes by itself. Say so, when, and how to confirm or roll back once back.
 */
export function lostAfterCommit(error: SwitchyardError, reached: 'yes' | 'maybe', earliestRevertMs: number, latestRevertMs: number): SwitchyardError {
  const when = latestRevertMs - earliestRevertMs < 1500 ? `at ${clockTime(earliestRevertMs)}` : `between ${clockTime(earliestRevertMs)} and ${clockTime(latestRevertMs)}`;
  const head =
    reached === 'yes'
      ? `The connection to the router dropped after the change was applied. The router holds the new settings unconfirmed and restores the previous ones by itself ${when}.`
      : `The connection to the router dropped while the change was being sent. If it reached the router, the router holds it unconfirmed and restores the previous settings by itself ${when}.`;
  return new SwitchyardError(
    'connection-lost',
    `${head} If the router answers again before then, you can still confirm (keep the new settings) or roll back (go back now). If the new settings cut this computer off, do nothing: the router undoes them by itself. (${error.message})`,
    { ...error.details, unconfirmedChange: reached, revertAtMs: earliestRevertMs, revertLatestAtMs: latestRevertMs },
  );
}

/** Which uplinks got no answer from which targets, and what to do: not just "nothing passes". */
export function noUplinkPassesProblem(policy: FailoverPolicy, status: RouterStatus): string {
  const silent = policy.wans
    .filter((w) => w.enabled && status.wans.some((s) => s.wan === w.name && s.state !== 'online'))
    .map((w) => (w.tracking.method === 'none' ? `${w.device} (no checks)` : `${w.device} got no answer from ${w.tracking.targets.join(', ') || 'no target'}`));
  return (
    `No uplink passes its tracking checks: ${silent.join('; ') || 'none reports online'}. ` +
    'If the internet works from the router, these targets do not answer from where it is: use “Fill in suggested targets” (it keeps only targets the router reaches) or type targets your providers answer, then apply again.'
  );
}

/** In failover mode the best-priority enabled uplink should carry traffic if it is online. */
function expectedActive(policy: FailoverPolicy): string | null {
  const enabled = policy.wans.filter((w) => w.enabled).sort((a, b) => a.priority - b.priority);
  return policy.mode === 'failover' ? (enabled[0]?.name ?? null) : null;
}

function verificationProblems(policy: FailoverPolicy, status: RouterStatus, expected: string | null): string[] {
  const problems: string[] = [];
  if (!status.enabled) problems.push('The router does not report failover as running.');
  // Online on evidence: an uplink with no probe result yet is only assumed online by the engine.
  const online = status.wans.filter((w) => w.state === 'online' && !awaitingFirstProbe(w)).map((w) => w.wan);
  const checking = status.wans.filter((w) => awaitingFirstProbe(w)).map((w) => w.wan);
  if (online.length === 0 && checking.length > 0) problems.push(`No probe result from the router yet for ${checking.join(', ')}: whether its tracking passes is not known.`);
  else if (online.length === 0) problems.push(noUplinkPassesProblem(policy, status));
  const active = status.wans.filter((w) => w.active).map((w) => w.wan);
  if (policy.mode === 'failover' && expected && online.includes(expected) && !active.includes(expected)) {
    problems.push(`${expected} is online but does not carry the traffic yet.`);
  }
  if (active.length === 0) problems.push('No uplink carries the default route.');
  return problems;
}

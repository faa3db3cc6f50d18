// The one contract every router platform implements, after napalm's lifecycle: read what the
// router has, plan a desired policy into a diff, commit it with a revert timer that runs on
// the router, then confirm or roll back. The failover itself always runs on the router.
import type { ApplyPlan, DriverCapabilities, RemovePlan, RouterStatus, WanCandidate } from '../../../shared/failover-schemas.ts';
import type { FailoverPolicy, PlatformId } from '../../../shared/model.ts';

export type { ApplyPlan, DriverCapabilities, PlanChange, RouterStatus, WanCandidate, WanStatus } from '../../../shared/failover-schemas.ts';
import type { Command, RunOptions, RunResult, StreamHandle, StreamOptions } from '../transport/ssh/ssh-connection.ts';

/** What a driver may do on its router: run a command built through the quoting layer, or
 * stream one. The SSH connection implements it; tests replay recorded device output. */
export interface RouterShell {
  run(command: Command, options?: RunOptions): Promise<RunResult>;
  stream(command: Command, options: StreamOptions): Promise<StreamHandle>;
}

/**
 * What a router's own failover engine logged, in platform-neutral words. The router is the record:
 * these are backfilled into history on every connect and while a router is open, so a failover
 * shows even when no window was watching. `other` is anything the engine logs that has no kind here.
 */
export const routerEventKinds = ['offline', 'online', 'switch', 'revert', 'force', 'auto', 'apply', 'confirm', 'rollback', 'remove', 'dampening', 'other'] as const;
export type RouterEventKind = (typeof routerEventKinds)[number];

export interface RouterEvent {
  /** Stable across reads of the same log (built from the router's own time and line), so a
   * backfill stores each event once however often it reads. Unique per router. */
  readonly key: string;
  /** When it happened in the laptop's clock: the router's time plus the measured clock offset. */
  readonly atMs: number;
  /** The same moment in the router's own clock, as logged. */
  readonly routerAtMs: number;
  readonly kind: RouterEventKind;
  readonly wan?: string;
  readonly from?: string;
  readonly to?: string;
  /** One sentence for the Events tab and its CSV. */
  readonly message: string;
}

/** A remove plan as a driver computes it; the service adds its fingerprint. */
export type RemovePreview = Omit<RemovePlan, 'basedOn'>;

export interface CommitResult {
  readonly revertAtMs: number | null;
  /** The router's status read in the same round trip as the commit, when the driver has it. */
  readonly status?: RouterStatus;
}

export interface RouterDriver {
  readonly platform: PlatformId;
  readonly capabilities: DriverCapabilities;
  readWans(): Promise<WanCandidate[]>;
  /** The policy Switchyard manages on the router, or null when failover is not enabled. */
  readPolicy(): Promise<FailoverPolicy | null>;
  readStatus(): Promise<RouterStatus>;
  plan(desired: FailoverPolicy): Promise<ApplyPlan>;
  commit(plan: ApplyPlan, options: { revertInSec: number }): Promise<CommitResult>;
  /** Resolves with the router's status after the confirm when the driver read it on the way. */
  confirm(): Promise<RouterStatus | void>;
  rollback(): Promise<RouterStatus | void>;
  forceFailover(wan: string | 'auto'): Promise<void>;
  /**
   * What remove() would change now, for the user to see before agreeing. Absent where the
   * platform cannot show it yet (the service then says so in words).
   */
  planRemove?(): Promise<RemovePreview>;
  /**
   * Take out what Switchyard changed. Options someone changed on the router since Switchyard wrote
   * them stay as they are unless `restoreAdminEdits`.
   */
  remove(opts?: { readonly restoreAdminEdits?: boolean }): Promise<void>;
  /**
   * The engine's own event log since `sinceMs` (laptop clock), oldest first. Absent on platforms
   * whose driver cannot read it yet; [] when the engine is not installed or logged nothing since.
   */
  readRouterEvents?(sinceMs: number): Promise<RouterEvent[]>;
  /**
   * Follows the engine's event log as the router writes it (a long-running stream): `onLine` is
   * called for each new line, so the screen can re-read the status at once instead of waiting for
   * the next poll. Absent where the platform cannot follow its log; the status poll still runs.
   */
  followRouterEvents?(onLine: () => void): Promise<StreamHandle>;
  /** The form of a probe that leaves through one uplink, for monitoring. */
  probeCommand(wan: WanCandidate, target: string, method: 'ping' | 'httping'): readonly string[];
}

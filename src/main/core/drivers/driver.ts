// The one contract every router platform implements, after napalm's lifecycle: read what the
// router has, plan a desired policy into a diff, commit it with a revert timer that runs on
// the router, then confirm or roll back. The failover itself always runs on the router.
import type { FailoverPolicy, LinkState, PlatformId, TrackMethod, Wan } from '../../../shared/model.ts';
import type { Command, RunOptions, RunResult, StreamHandle, StreamOptions } from '../transport/ssh/ssh-connection.ts';

/** What a driver may do on its router: run a command built through the quoting layer, or
 * stream one. The SSH connection implements it; tests replay recorded device output. */
export interface RouterShell {
  run(command: Command, options?: RunOptions): Promise<RunResult>;
  stream(command: Command, options: StreamOptions): Promise<StreamHandle>;
}

export interface DriverCapabilities {
  readonly supportsLoadBalance: boolean;
  readonly trackMethods: readonly TrackMethod[];
  /** The router can undo a commit by itself if no confirm arrives. */
  readonly supportsRevertTimer: boolean;
  readonly supportsForcedRefreshStreams: boolean;
  readonly supportsManualFailover: boolean;
  readonly maxWans: number;
  /** Switchyard can only watch this router (e.g. a firmware whose files it does not know). */
  readonly readOnly: boolean;
}

/** An uplink as the router has it, before Switchyard manages it. */
export interface WanCandidate {
  readonly name: string;
  readonly device: string;
  readonly kind: Wan['kind'];
  readonly address?: string;
  readonly prefixLen?: number;
  readonly gateway?: string;
  readonly metric?: number;
  readonly hasDefaultRoute: boolean;
}

export interface WanStatus {
  readonly wan: string;
  readonly state: LinkState;
  readonly active: boolean;
  /** Tracking score or health as the engine counts it, when it has one. */
  readonly score?: number;
  readonly targets?: ReadonlyArray<{ readonly target: string; readonly up: boolean; readonly rttMs?: number }>;
}

export interface RouterStatus {
  readonly enabled: boolean;
  readonly mode: FailoverPolicy['mode'] | null;
  /** 'auto', or the uplink a user forced. */
  readonly forced: string;
  readonly wans: readonly WanStatus[];
  /** A commit is waiting for confirmation; the router reverts at this time. */
  readonly pendingRevertAtMs: number | null;
  readonly events: ReadonlyArray<{ readonly atMs: number; readonly kind: string; readonly wan?: string; readonly message: string }>;
}

export interface PlanChange {
  readonly kind: 'add' | 'change' | 'remove';
  /** What changes, in the user's words: "Cellular (wwan0) priority". */
  readonly subject: string;
  readonly from?: string;
  readonly to?: string;
}

export interface ApplyPlan {
  readonly platform: PlatformId;
  readonly policy: FailoverPolicy;
  readonly changes: readonly PlanChange[];
  /** The platform's own rendering of the change (config text, uci batch), for the expert view. */
  readonly nativeDiff: string;
  readonly predictedFailoverSec: number;
  /** Refusals found while planning; a plan with problems cannot be committed. */
  readonly problems: readonly string[];
}

export interface CommitResult {
  readonly revertAtMs: number | null;
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
  confirm(): Promise<void>;
  rollback(): Promise<void>;
  forceFailover(wan: string | 'auto'): Promise<void>;
  /** Restore the router exactly as it was before Switchyard enabled failover. */
  remove(): Promise<void>;
  /** The form of a probe that leaves through one uplink, for monitoring. */
  probeCommand(wan: WanCandidate, target: string, method: 'ping' | 'httping'): readonly string[];
}

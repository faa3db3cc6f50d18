// The one contract every router platform implements, after napalm's lifecycle: read what the
// router has, plan a desired policy into a diff, commit it with a revert timer that runs on
// the router, then confirm or roll back. The failover itself always runs on the router.
import type { ApplyPlan, DriverCapabilities, RouterStatus, WanCandidate } from '../../../shared/failover-schemas.ts';
import type { FailoverPolicy, PlatformId } from '../../../shared/model.ts';

export type { ApplyPlan, DriverCapabilities, PlanChange, RouterStatus, WanCandidate, WanStatus } from '../../../shared/failover-schemas.ts';
import type { Command, RunOptions, RunResult, StreamHandle, StreamOptions } from '../transport/ssh/ssh-connection.ts';

/** What a driver may do on its router: run a command built through the quoting layer, or
 * stream one. The SSH connection implements it; tests replay recorded device output. */
export interface RouterShell {
  run(command: Command, options?: RunOptions): Promise<RunResult>;
  stream(command: Command, options: StreamOptions): Promise<StreamHandle>;
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

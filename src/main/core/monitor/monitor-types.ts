// What a router's monitor is given and what it reports: the uplinks to watch, the injected
// capabilities (shell, status reader, event sink, notifier) and the detection record benches use.
import type { DesktopNotice } from '../notifications/failover-notification.ts';
import type { LinkEvent, PlatformId } from '../../../shared/model.ts';
import type { RouterShell, RouterStatus } from '../drivers/driver.ts';
import type { Logger } from '../logger.ts';
import type { ProbeClock, ProbeFlavor } from '../probes/probe-tracker.ts';
import type { HistoryStore } from '../store/history-store.ts';
import type { SnmpCredentials } from '../transport/snmp/snmp-poller.ts';
import type { MonitorStatus, RouterStatusPush, SampleBatch } from '../../../shared/api/monitor-schemas.ts';
import type { RouterEvent } from '../drivers/driver.ts';
import type { StreamHandle } from '../transport/ssh/ssh-connection.ts';
import type { PingFlavorRead } from './ping-flavor-read.ts';

export type ProbeMethod = 'ping' | 'httping';

export interface MonitorUplink {
  /** Logical name on the router (what samples and events are keyed by). */
  readonly name: string;
  readonly device: string;
  readonly kind: 'ethernet' | 'repeater' | 'tethering' | 'cellular';
  /** Tracking targets; the monitor streams to the first one. */
  readonly targets: readonly string[];
  readonly method: ProbeMethod;
  /** The uplink's gateway: probed instead of the target ("gateway only") when the router has no
   * route to the target through this uplink. */
  readonly gateway?: string;
  /** The uplink's own address: binds httping (-y) when no driver form is given. */
  readonly address?: string;
  /** Probe timeout; default 1 s. Loss is known this long (plus slack) after a probe left. */
  readonly timeoutSec?: number;
  /** A metered backup the engine probes only when needed (policy tracking.probeWhen): the
   * monitor probes it only while the router's status does not say it stands by. */
  readonly probeWhen?: 'needed';
}

/** The driver's form of a probe bound to one uplink (e.g. `mwan3 use wan ping …`). */
export type ProbeCommandFn = (uplink: MonitorUplink, target: string, method: ProbeMethod) => readonly string[];

export interface SnmpTarget {
  readonly host: string;
  readonly port?: number;
  readonly credentials: SnmpCredentials;
}

/** EventHub.emit, narrowed to what the monitor sends. */
export interface MonitorEmit {
  (event: 'onDidSample', payload: SampleBatch): void;
  (event: 'onDidLinkEvent', payload: LinkEvent): void;
  (event: 'onDidRouterStatus', payload: RouterStatusPush): void;
  (event: 'onDidStartMonitor', payload: MonitorStatus): void;
}

/** Shows a failover on the desktop (Electron); the words come from notifications/failover-notification.ts. */
export type Notify = (notice: DesktopNotice) => void;

/** When the monitor decided an uplink stopped answering, and when a router-side rule could have. */
export interface LossDetection {
  readonly routerId: string;
  readonly wan: string;
  /** Our clock when the N-th consecutive probe was declared lost (the LinkEvent's atMs). */
  readonly detectedAtMs: number;
  /** Estimated send time of the first unanswered probe (from the last reply's send time). */
  readonly firstLostSentMs: number;
  /** firstLostSentMs + (N − 1) × interval + timeout: when the same rule on the router would fire. */
  readonly ruleMetAtMs: number;
  readonly event: LinkEvent;
}

export interface RouterMonitorOptions {
  readonly routerId: string;
  /** For messages and notifications; defaults to the id. */
  readonly routerName?: string;
  readonly shell: RouterShell;
  readonly uplinks: readonly MonitorUplink[];
  readonly probeCommand?: ProbeCommandFn;
  /** From detection facts; without it one `ping -V` on the router decides. */
  readonly pingFlavor?: Extract<ProbeFlavor, 'iputils' | 'busybox'>;
  /** A `ping -V` read the setup already began (beside its policy read); null: read it here. */
  readonly pingFlavorRead?: Promise<PingFlavorRead | null>;
  /** Told the flavour `ping -V` found, so the next start on the same link need not ask again. */
  readonly rememberPingFlavor?: (flavor: Extract<ProbeFlavor, 'iputils' | 'busybox'>) => void;
  readonly platform?: PlatformId;
  /** Null or absent: throughput from /proc/net/dev over SSH. */
  readonly snmp?: SnmpTarget | null;
  /** The driver's status, polled every statusIntervalMs; absent: no router-state events. */
  readonly readStatus?: () => Promise<RouterStatus>;
  /** The engine's own event log (driver.readRouterEvents): backfilled into history on start and
   * whenever the status shows the log grew. Present: router events come only from it. */
  readonly readRouterEvents?: (sinceMs: number) => Promise<RouterEvent[]>;
  /** Follows the engine's log as it is written (driver.followRouterEvents): each new line makes
   * the status be read at once, so the screen follows a failover within a status read. */
  readonly followRouterEvents?: (onLine: () => void) => Promise<StreamHandle>;
  readonly history?: HistoryStore;
  readonly emit: MonitorEmit;
  readonly notify?: Notify;
  readonly clock?: ProbeClock;
  readonly log?: Logger;
  /** Consecutive lost probes before a 'monitor' event says the uplink stopped answering. */
  readonly lossEventAfterProbes?: number;
  readonly statusIntervalMs?: number;
  /** Allowance for the SSH path before a probe counts as lost. */
  readonly slackMs?: number;
  readonly onDidDetect?: (d: LossDetection) => void;
  readonly newId?: () => string;
}

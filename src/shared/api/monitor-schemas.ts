// Live monitoring and history as they cross the contract: request/response schemas for the
// `monitor.*` and `history.*` methods and the `onDidSample` event.
import { z } from 'zod';
import { routerStatusSchema } from '../failover-schemas.ts';
import { linkEventSchema } from '../model.ts';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
const wanName = z.string().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/);
const nullableNumber = z.number().nullable();
const epochMs = z.number().int().min(0);

/** One uplink, one second: what the probe and the counters saw. Null is a gap, never a guess. */
export const monitorSampleSchema = z.object({
  routerId: z.string(),
  wan: z.string(),
  /** Start of the second (epoch ms, a multiple of 1000). */
  atMs: z.number(),
  /** Median RTT of the replies in this second. */
  latencyMs: nullableNumber,
  latencyMinMs: nullableNumber,
  latencyMaxMs: nullableNumber,
  latencyP95Ms: nullableNumber,
  /** RFC 3550 interarrival jitter estimator as it stood after this second. */
  jitterMs: nullableNumber,
  /** Mean absolute successive RTT difference within this second. */
  jitterMasdMs: nullableNumber,
  /** Null when no probe had an outcome in this second. */
  lossPct: nullableNumber,
  rxBps: nullableNumber,
  txBps: nullableNumber,
  /** Probes with an outcome in this second, and how many of them were answered. */
  sent: z.int().min(0),
  received: z.int().min(0),
});
export type MonitorSample = Readonly<z.infer<typeof monitorSampleSchema>>;

/** Per router at most once per second: every uplink's new seconds in one payload. */
export const sampleBatchSchema = z.object({
  routerId: z.string(),
  atMs: z.number(),
  samples: z.array(monitorSampleSchema),
});
export type SampleBatch = Readonly<z.infer<typeof sampleBatchSchema>>;

export const throughputSources = ['snmp', 'proc-net-dev', 'none'] as const;
/** standby: a metered backup the router probes only when needed, standing by: the monitor does not probe it either. */
export const uplinkProbeStates = ['starting', 'running', 'restarting', 'failed', 'stopped', 'standby'] as const;

export const monitorStatusSchema = z.object({
  routerId: z.string(),
  running: z.boolean(),
  startedMs: z.number().nullable(),
  throughputSource: z.enum(throughputSources),
  /** Why throughput comes from where it does: SNMP failed, 32-bit counters, … */
  throughputNotes: z.array(z.string()),
  /** The driver's status poll: null when none was given; a message when it fails. */
  routerStatus: z.object({ ok: z.boolean(), message: z.string().nullable(), atMs: z.number().nullable() }).nullable(),
  uplinks: z.array(
    z.object({
      wan: z.string(),
      device: z.string(),
      target: z.string().nullable(),
      method: z.enum(['ping', 'httping']),
      state: z.enum(uplinkProbeStates),
      /** A clear per-router message: tool missing (with how to install it), no such device, … */
      message: z.string().nullable(),
      /** The argv streamed on the router, for the expert view. */
      command: z.array(z.string()).nullable(),
      /** 'path': the probe travels the uplink to its target; 'gateway': only the uplink's gateway
       * is probed (the router has no route to the target through it). Absent: not decided. */
      scope: z.enum(['path', 'gateway']).optional(),
      /** What is measured instead and why, for the UI and the CLI ("gateway only: …"). */
      scopeNote: z.string().nullable().optional(),
      /** A backup probed only when needed: what the user asked the monitor to do while it stands
       * by ('when-needed', the default: not probe it; 'once': a few probes now; 'always'). */
      standbyProbe: z.enum(['when-needed', 'once', 'always']).optional(),
    }),
  ),
});
export type MonitorStatus = Readonly<z.infer<typeof monitorStatusSchema>>;

export const historyPointSchema = z.object({
  atMs: z.number(),
  latencyMs: nullableNumber,
  latencyMinMs: nullableNumber,
  latencyMaxMs: nullableNumber,
  latencyP95Ms: nullableNumber,
  jitterMs: nullableNumber,
  lossPct: nullableNumber,
  lossMaxPct: nullableNumber,
  rxBps: nullableNumber,
  rxMinBps: nullableNumber,
  rxMaxBps: nullableNumber,
  txBps: nullableNumber,
  txMinBps: nullableNumber,
  txMaxBps: nullableNumber,
  sent: z.int(),
  received: z.int(),
});
export type HistoryPoint = Readonly<z.infer<typeof historyPointSchema>>;

export const maxHistoryPoints = 2000;
/** The longest raw tail a history query answers (before rounding down to its point's start). */
export const maxRawTailMs = 10 * 60_000;

export const historyQueryRequestSchema = z
  .object({
    routerId: id,
    /** Omitted: every uplink with data in the window. */
    wans: z.array(wanName).max(8).optional(),
    fromMs: epochMs,
    toMs: epochMs,
    maxPoints: z.int().min(10).max(maxHistoryPoints).default(maxHistoryPoints),
    /**
     * Also answer the stored raw seconds from the start of the point holding this time to toMs
     * (`rawTail`): the newest points, which a live view keeps adding seconds to, each once.
     */
    rawTailFromMs: epochMs.optional(),
  })
  .strict()
  .refine((q) => q.toMs > q.fromMs, { message: 'toMs must be after fromMs' })
  .refine((q) => q.rawTailFromMs === undefined || (q.rawTailFromMs >= q.fromMs && q.toMs - q.rawTailFromMs <= maxRawTailMs), {
    message: `rawTailFromMs must lie in the window and at most ${maxRawTailMs / 60_000} min before toMs: ask for a shorter raw tail`,
    path: ['rawTailFromMs'],
  });

export const historyQueryResponseSchema = z.object({
  routerId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  resolution: z.enum(['second', 'minute']),
  /** Width of one point; two points further apart than this have a gap between them. */
  stepMs: z.number(),
  series: z.array(z.object({ wan: z.string(), points: z.array(historyPointSchema) })),
  /** Asked for with rawTailFromMs: every stored second (1 s points) of the points from fromMs on. */
  rawTail: z.object({ fromMs: z.number(), series: z.array(z.object({ wan: z.string(), points: z.array(historyPointSchema) })) }).optional(),
});
export type HistoryQueryResult = Readonly<z.infer<typeof historyQueryResponseSchema>>;

export const historyEventsRequestSchema = z
  .object({ routerId: id, fromMs: epochMs, toMs: epochMs, limit: z.int().min(1).max(10_000).default(1000) })
  .strict();

export const historyExportRequestSchema = z
  .object({
    routerId: id,
    what: z.enum(['samples', 'minutes', 'events']),
    fromMs: epochMs,
    toMs: epochMs,
    /** Bounds the answer: the WebSocket transport refuses frames over 8 MiB. */
    maxRows: z.int().min(1).max(200_000).default(50_000),
  })
  .strict();
export const historyExportResponseSchema = z.object({ csv: z.string(), rows: z.int(), truncated: z.boolean() });

/** Methods to merge into `contract` (src/shared/api/contract.ts). */
export const monitorMethods = {
  'monitor.start': { request: z.object({ routerId: id }).strict(), response: monitorStatusSchema },
  'monitor.stop': { request: z.object({ routerId: id }).strict(), response: z.object({ stopped: z.boolean() }) },
  'monitor.status': { request: z.object({ routerId: id }).strict(), response: monitorStatusSchema },
  /** A backup standing by (probed only when needed): probe it a few times now, always, or again only when needed. */
  'monitor.probeStandby': {
    request: z.object({ routerId: id, wan: wanName, probe: z.enum(['when-needed', 'once', 'always']) }).strict(),
    response: monitorStatusSchema,
  },
  'history.query': { request: historyQueryRequestSchema, response: historyQueryResponseSchema },
  'history.events': {
    request: historyEventsRequestSchema,
    response: z.object({ events: z.array(linkEventSchema) }),
  },
  'history.export': { request: historyExportRequestSchema, response: historyExportResponseSchema },
} as const;

/** Events to merge into `events` (onDidLinkEvent already exists there). */
export const monitorEvents = {
  onDidSample: sampleBatchSchema,
  /** The router's failover status, pushed at every poll (≤ 1 s) while its monitor runs, so the
   * screen follows the router without asking. */
  onDidRouterStatus: z.object({ routerId: z.string(), atMs: z.number(), status: routerStatusSchema }),
  /** A router's monitor started (again, after a policy change: other uplinks or targets), with
   * what it now watches: a view that was already open shows that at once, not at its next poll. */
  onDidStartMonitor: monitorStatusSchema,
} as const;
export type RouterStatusPush = z.infer<typeof monitorEvents.onDidRouterStatus>;

// The failover drill as it crosses the contract: start a drill, follow its progress, read the
// reports kept in the router's history and export them (HTML, PDF, JSON, CSV).
import { z } from 'zod';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
const nullableSec = z.number().nullable();

/** One probe of the 10 Hz drill probe: when it was sent (ms after the failure began) and its round trip, null when lost. */
export const drillProbeSchema = z.object({ tMs: z.number(), rttMs: z.number().nullable() });

/** A line of the router's own log, with its time in ms after the failure began. */
export const drillLogLineSchema = z.object({ tMs: z.number(), kind: z.string(), text: z.string() });

export const drillTrialSchema = z.object({
  index: z.int().min(1),
  failedWan: z.string(),
  /** The uplink that carried the traffic during the drill; null when none took over. */
  backupWan: z.string().nullable(),
  /** Router clock (epoch ms): the drill's rules in effect, and removed. */
  startMs: z.number(),
  endMs: z.number().nullable(),
  /** Who removed the drill's rules: the app, or the timer on the router. */
  endedBy: z.enum(['app', 'router-timer', 'unknown']),
  /** The router's engine declared the uplink down (its own log). */
  detectionSec: nullableSec,
  /** The router moved the default traffic to another uplink (its own log). */
  switchSec: nullableSec,
  /** The 10 Hz probe's first reply after the outage began: traffic carried by the backup. */
  firstBackupReplySec: nullableSec,
  probesLost: z.int().min(0),
  /** From the drill's end to the router moving the traffic back to the failed uplink. */
  backToPrimarySec: nullableSec,
  failbackProbesLost: z.int().min(0),
  /** Established TCP flows through the failed uplink before the failure, and how many of them were gone after it. */
  flowsBefore: z.int().min(0),
  flowsCut: z.int().min(0),
  probes: z.array(drillProbeSchema),
  log: z.array(drillLogLineSchema),
  problems: z.array(z.string()),
});
export type DrillTrial = z.infer<typeof drillTrialSchema>;

const statSchema = z.object({ medianSec: z.number(), worstSec: z.number(), count: z.int() }).nullable();

export const drillReportSchema = z.object({
  id,
  routerId: id,
  createdMs: z.number(),
  site: z.object({ id: z.string(), name: z.string() }),
  router: z.object({ name: z.string(), host: z.string(), platform: z.string() }),
  settings: z.object({
    trials: z.int(),
    holdSec: z.number(),
    maxSec: z.number(),
    probeTarget: z.string(),
    mode: z.string(),
    forcedRefreshStreams: z.boolean(),
    wans: z.array(
      z.object({
        name: z.string(),
        device: z.string(),
        priority: z.int(),
        method: z.string(),
        targets: z.array(z.string()),
        intervalSec: z.number(),
        timeoutSec: z.number(),
        downCount: z.int(),
        upCount: z.int(),
        failureIntervalSec: z.number(),
      }),
    ),
  }),
  /** The shared pure model's worst case for the drilled uplink's tracking. */
  predictedFailoverSec: z.number().nullable(),
  summary: z.object({
    detection: statSchema,
    switch: statSchema,
    firstBackupReply: statSchema,
    backToPrimary: statSchema,
    flowsCut: z.int(),
    flowsBefore: z.int(),
  }),
  verdict: z.object({ ok: z.boolean(), text: z.string() }),
  trials: z.array(drillTrialSchema),
  /** How the drill was made and measured on this platform, in plain words. */
  method: z.string(),
});
export type DrillReport = z.infer<typeof drillReportSchema>;

export const drillSummarySchema = z.object({ id, routerId: id, createdMs: z.number(), trials: z.int(), verdict: z.object({ ok: z.boolean(), text: z.string() }) });
export type DrillSummary = z.infer<typeof drillSummarySchema>;

export const drillPhases = ['preparing', 'failing', 'waiting-failover', 'holding', 'restoring', 'waiting-failback', 'collecting', 'done', 'failed'] as const;

export const drillProgressSchema = z.object({
  drillId: id,
  routerId: id,
  atMs: z.number(),
  phase: z.enum(drillPhases),
  trial: z.int().min(0),
  trials: z.int().min(1),
  message: z.string(),
  /** Set when phase is done: the report kept in the history. */
  reportId: id.optional(),
  /** Set when phase is failed: what went wrong and what to do. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type DrillProgress = z.infer<typeof drillProgressSchema>;

export const drillExportFormats = ['html', 'pdf', 'json', 'csv'] as const;

export const drillMethods = {
  'drill.start': {
    request: z
      .object({
        routerId: id,
        trials: z.int().min(1).max(10).default(1),
        /** How long the backup carries the traffic before the drill ends. */
        holdSec: z.number().min(1).max(60).default(3),
        /** The 10 Hz probe's target; default: the backup uplink's first tracking target. */
        probeTarget: z.ipv4().optional(),
      })
      .strict(),
    response: z.object({ drillId: id }),
  },
  'drill.list': {
    request: z.object({ routerId: id }).strict(),
    response: z.object({
      reports: z.array(drillSummarySchema),
      running: z.object({ drillId: id, phase: z.enum(drillPhases), trial: z.int(), trials: z.int(), message: z.string() }).nullable(),
      /** The last drill on this router that stopped without a report, and why. */
      lastFailure: z.object({ drillId: id, code: z.string(), message: z.string() }).nullable(),
    }),
  },
  'drill.get': {
    request: z.object({ id }).strict(),
    response: drillReportSchema,
  },
  'drill.export': {
    request: z.object({ id, format: z.enum(drillExportFormats) }).strict(),
    response: z.object({ fileName: z.string(), mimeType: z.string(), encoding: z.enum(['utf8', 'base64']), content: z.string() }),
  },
} as const;

export const drillEvents = {
  onDidDrillProgress: drillProgressSchema,
} as const;

// The domain model every layer speaks: sites, routers, uplinks (WANs), failover policy, link
// health and events. Plain readonly JSON only; times are epoch milliseconds, units in names.
import { z } from 'zod';

export const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

export const wanKinds = ['ethernet', 'repeater', 'tethering', 'cellular'] as const;
export const wanKindSchema = z.enum(wanKinds);
export type WanKind = z.infer<typeof wanKindSchema>;

export const trackMethods = ['ping', 'httping', 'arping', 'none'] as const;
export const trackMethodSchema = z.enum(trackMethods);
export type TrackMethod = z.infer<typeof trackMethodSchema>;

export const platformIds = ['openwrt-mwan3', 'glinet-kmwan', 'linux', 'routeros', 'unknown'] as const;
export const platformIdSchema = z.enum(platformIds);
export type PlatformId = z.infer<typeof platformIdSchema>;

export const linkStates = ['online', 'degraded', 'offline', 'connecting', 'disconnecting', 'disabled', 'unknown'] as const;
export const linkStateSchema = z.enum(linkStates);
export type LinkState = z.infer<typeof linkStateSchema>;

const ipv4 = z.ipv4();

export const trackingSchema = z.object({
  method: trackMethodSchema,
  targets: z.array(ipv4).max(8),
  /** How many targets must answer for a round to count as up. */
  reliability: z.int().min(1).max(8),
  /** 0.1 s is the Linux agent's floor (the Fast preset); mwan3 and kmwan need whole seconds (their drivers say so). */
  intervalSec: z.number().min(0.1).max(3600),
  timeoutSec: z.number().min(0.1).max(60),
  downCount: z.int().min(1).max(100),
  upCount: z.int().min(1).max(100),
  /** Faster probing while a link is suspect or down. */
  failureIntervalSec: z.number().min(0.1).max(3600),
  latencyThresholdMs: z.number().min(1).max(60_000).optional(),
  lossThresholdPct: z.number().min(1).max(100).optional(),
  /**
   * 'needed': a backup not probed while traffic is on uplinks that are all online, probed again
   * as soon as one of them starts failing (GL.iNet's Low Data Mode). Linux agent only; absent = always.
   */
  probeWhen: z.enum(['always', 'needed']).optional(),
});
export type Tracking = Readonly<z.infer<typeof trackingSchema>>;

export const wanSchema = z.object({
  /** Logical name on the router: `wan`, `wwan`, `tethering`, or the device on plain Linux. */
  name: z.string().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/),
  device: z.string().min(1).max(15).regex(/^[A-Za-z0-9_.@-]+$/),
  kind: wanKindSchema,
  gateway: ipv4.optional(),
  /** 1 is the most preferred. */
  priority: z.int().min(1).max(64),
  /** Load-balance ratio. */
  weight: z.int().min(1).max(100),
  tracking: trackingSchema,
  enabled: z.boolean(),
});
export type Wan = Readonly<z.infer<typeof wanSchema>>;

/**
 * Flap dampening (hold-down): an uplink that fails `flaps` times within `windowSec` is kept out
 * of use for `holdSec` after its latest failure, so traffic stays on the backup instead of
 * switching (and flushing connections) at every flap. The first failovers are not slowed: only
 * the return to a flapping uplink waits.
 */
export const dampeningSchema = z.object({
  enabled: z.boolean(),
  flaps: z.int().min(2).max(100),
  windowSec: z.int().min(10).max(86_400),
  holdSec: z.int().min(5).max(86_400),
});
export type Dampening = Readonly<z.infer<typeof dampeningSchema>>;

/**
 * What to do with one of the router's own rules that would take traffic before Switchyard's and
 * send it elsewhere (mwan3's stock sticky `https` rule on `balanced`, issue 16 item 8): leave it
 * ahead; disable it for Switchyard's traffic (moved below Switchyard's rule); or put Switchyard's
 * rule above it. Keyed by the rule's name (`@rule[N]` for an unnamed one).
 */
export const routerRuleChoices = ['leave', 'disable', 'first'] as const;
export const routerRuleChoiceSchema = z.enum(routerRuleChoices);
export type RouterRuleChoice = z.infer<typeof routerRuleChoiceSchema>;
export const routerRuleKeySchema = z.string().max(40).regex(/^(?:[A-Za-z0-9_]+|@rule\[\d+\])$/, 'a rule name, or @rule[N] for an unnamed rule');

export const failoverModes = ['failover', 'balance'] as const;
export const failoverPolicySchema = z.object({
  mode: z.enum(failoverModes),
  wans: z.array(wanSchema).min(1).max(8),
  /** When the higher-priority link recovers, also move the connections still running on the
   * backup (new connections return to it either way, unless `stayOnBackup`). */
  forcedRefreshStreams: z.boolean(),
  /** Stay on the backup after the higher-priority link recovers, until switched back by hand.
   * Absent or false: new connections return to the higher-priority link once it is up again. */
  stayOnBackup: z.boolean().optional(),
  /** Absent: Switchyard's default dampening (on; `defaultDampening` in failover-defaults.ts). */
  dampening: dampeningSchema.optional(),
  /** The router's rules ahead of Switchyard's, by rule: absent ones take the plan's default (they follow the uplink order). */
  routerRules: z.record(routerRuleKeySchema, routerRuleChoiceSchema).optional(),
});
export type FailoverPolicy = Readonly<z.infer<typeof failoverPolicySchema>>;

export const linkHealthSchema = z.object({
  wan: z.string(),
  state: linkStateSchema,
  /** Carries default traffic right now. */
  active: z.boolean(),
  latencyMs: z.number().nullable(),
  jitterMs: z.number().nullable(),
  lossPct: z.number().nullable(),
  rxBps: z.number().nullable(),
  txBps: z.number().nullable(),
  since: z.number(),
});
export type LinkHealth = Readonly<z.infer<typeof linkHealthSchema>>;

// The second row are the router's own log kinds (RouterEvent in drivers/driver.ts), backfilled.
export const linkEventKinds = [
  'state', 'active', 'apply', 'confirm', 'rollback', 'manual-failover', 'drill', 'monitor',
  'offline', 'online', 'switch', 'revert', 'force', 'auto', 'remove', 'dampening', 'router',
] as const;
export const linkEventSchema = z.object({
  id: z.string(),
  routerId: z.string(),
  atMs: z.number(),
  kind: z.enum(linkEventKinds),
  wan: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  message: z.string(),
});
export type LinkEvent = Readonly<z.infer<typeof linkEventSchema>>;

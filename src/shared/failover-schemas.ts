// What crosses the contract about failover on a router: what the platform can do, the uplinks
// it has, the engine's live status, and a plan (the diff shown before applying).
import { z } from 'zod';
import { failoverModes, failoverPolicySchema, linkStateSchema, platformIdSchema, routerRuleChoiceSchema, routerRuleKeySchema, trackMethodSchema, wanKindSchema } from './model.ts';

export const driverCapabilitiesSchema = z.object({
  supportsLoadBalance: z.boolean(),
  trackMethods: z.array(trackMethodSchema).readonly(),
  /** The router undoes a commit by itself if no confirm arrives. */
  supportsRevertTimer: z.boolean(),
  supportsForcedRefreshStreams: z.boolean(),
  supportsManualFailover: z.boolean(),
  /** The engine can stay on the backup after the primary recovers, until switched back by hand (policy `stayOnBackup`). */
  supportsStayOnBackup: z.boolean().optional(),
  maxWans: z.int().min(1),
  /** Switchyard can only watch this router (e.g. a firmware whose files it does not know). */
  readOnly: z.boolean(),
  /** The engine can hold a flapping uplink down as the policy's `dampening` asks (absent: it cannot; the plan says what it does instead). */
  supportsDampening: z.boolean().optional(),
});
export type DriverCapabilities = Readonly<z.infer<typeof driverCapabilitiesSchema>>;

/** An uplink as the router has it, before Switchyard manages it. */
export const wanCandidateSchema = z.object({
  name: z.string(),
  device: z.string(),
  kind: wanKindSchema,
  address: z.string().optional(),
  prefixLen: z.int().optional(),
  gateway: z.string().optional(),
  /** No gateway found on the router: the likely one, offered to the user to confirm. */
  suggestedGateway: z.string().optional(),
  metric: z.int().optional(),
  hasDefaultRoute: z.boolean(),
});
export type WanCandidate = Readonly<z.infer<typeof wanCandidateSchema>>;

export const wanStatusSchema = z.object({
  wan: z.string(),
  state: linkStateSchema,
  active: z.boolean(),
  /** Tracking score or health as the engine counts it, when it has one. */
  score: z.number().optional(),
  targets: z.array(z.object({ target: z.string(), up: z.boolean(), rttMs: z.number().optional() })).readonly().optional(),
  /** The engine's own account of this state in plain words (why it is offline, a data-saving mode), when it gives one. */
  detail: z.string().max(400).optional(),
  /** The engine probes this uplink now. Absent: the engine does not say. */
  probing: z.boolean().optional(),
  /** A metered backup the engine does not probe while the uplinks carrying traffic are online
   * (probed only when needed); its state is the last one it had. */
  standby: z.boolean().optional(),
  /** When one of its targets last answered the engine, on this computer's clock. */
  lastReplyAtMs: z.number().optional(),
  /** false: no probe result since its tracking (re)started, so `state` is only the engine's
   * initial assumption (the agent starts a changed uplink online, as mwan3's initial_state);
   * shown as "checking". Absent: the engine does not say. */
  probed: z.boolean().optional(),
});
export type WanStatus = Readonly<z.infer<typeof wanStatusSchema>>;

export const routerStatusSchema = z.object({
  enabled: z.boolean(),
  mode: z.enum(failoverModes).nullable(),
  /** 'auto', or the uplink a user forced. */
  forced: z.string(),
  wans: z.array(wanStatusSchema).readonly(),
  /** A commit is waiting for confirmation; the router reverts at this time. */
  pendingRevertAtMs: z.number().nullable(),
  /** The router's clock against this computer's (router − local), measured over a round trip. */
  routerClock: z.object({ offsetMs: z.number(), uncertaintyMs: z.number() }).optional(),
  events: z.array(z.object({ atMs: z.number(), kind: z.string(), wan: z.string().optional(), message: z.string() })).readonly(),
});
export type RouterStatus = Readonly<z.infer<typeof routerStatusSchema>>;

export const planChangeSchema = z.object({
  kind: z.enum(['add', 'change', 'remove']),
  /** What changes, in the user's words: "Cellular (wwan0) priority". */
  subject: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type PlanChange = Readonly<z.infer<typeof planChangeSchema>>;

/** One of the router's rules ahead of Switchyard's that sends traffic elsewhere, with the choice this plan makes for it. */
export const planRouterRuleSchema = z.object({
  /** The key for the policy's `routerRules`: the rule's name, or `@rule[N]`. */
  rule: routerRuleKeySchema,
  /** What it matches and where it sends it, in words: "TCP to port 443, sticky → mwan3 policy \"balanced\"". */
  summary: z.string(),
  /** What this plan does with it. */
  choice: routerRuleChoiceSchema,
  /** What Switchyard does when the policy does not say. */
  defaultChoice: routerRuleChoiceSchema,
  /** The choices possible here; the others with the reason, in words. */
  allowed: z.array(routerRuleChoiceSchema).readonly(),
  unavailable: z.array(z.object({ choice: routerRuleChoiceSchema, why: z.string() })).readonly(),
});
export type PlanRouterRule = Readonly<z.infer<typeof planRouterRuleSchema>>;

export const applyPlanSchema = z.object({
  platform: platformIdSchema,
  policy: failoverPolicySchema,
  changes: z.array(planChangeSchema).readonly(),
  /** The platform's own rendering of the change (config text, uci batch), for the expert view. */
  nativeDiff: z.string(),
  predictedFailoverSec: z.number(),
  /** What the prediction is made of, slowest uplink's, e.g. detection rounds and the engine's reaction (a bound). */
  predictedFailoverParts: z.array(z.object({ what: z.string(), sec: z.number() })).readonly().optional(),
  /** What the user should know that the plan does not change, e.g. the router's own rules that stay ahead of Switchyard's. */
  notes: z.array(z.string()).readonly().optional(),
  /** The router's rules ahead of Switchyard's that send traffic elsewhere, each with its choice (absent: none). */
  routerRules: z.array(planRouterRuleSchema).readonly().optional(),
  /** Refusals found while planning; a plan with problems cannot be committed. */
  problems: z.array(z.string()).readonly(),
  /** Fingerprint of the router's config the plan was made from, to refuse overwriting later edits. */
  basedOn: z.string().optional(),
});
export type ApplyPlan = Readonly<z.infer<typeof applyPlanSchema>>;

/** A tracking-target suggestion for one uplink, tested from the router (failover.suggestTargets). */
export const targetSuggestionSchema = z.object({
  wan: z.string(),
  targets: z.array(z.string()),
  /** through-uplink: answered through this uplink; through-other-uplink: it has no path of its own yet; none-answered: nothing to suggest. */
  checked: z.enum(['through-uplink', 'through-other-uplink', 'none-answered']),
  /** What was found and, when nothing answered, what to do, in words. */
  message: z.string(),
});
export type TargetSuggestion = z.infer<typeof targetSuggestionSchema>;

/** What Remove would change on the router, shown (and agreed to) before it runs. */
export const removePlanSchema = z.object({
  /** One line per change, in the user's words. */
  changes: z.array(z.string()).readonly(),
  /** The router's own files, line by line ('' when the platform cannot show them). */
  nativeDiff: z.string(),
  /** About the plan itself, not a change (e.g. that no line-by-line view exists for the platform). */
  note: z.string().optional(),
  /** Options Switchyard manages that someone changed on the router since Switchyard wrote them: kept unless the user asks to put back the original. */
  adminEdits: z
    .array(z.object({ package: z.string(), section: z.string(), option: z.string(), original: z.string().nullable(), switchyard: z.string().nullable(), now: z.string().nullable() }))
    .readonly(),
  /** Fingerprint of this plan: Remove refuses when the router would now change something else. */
  basedOn: z.string(),
});
export type RemovePlan = Readonly<z.infer<typeof removePlanSchema>>;

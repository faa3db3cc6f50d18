// Target qualification before apply (issue 14 item 4) as it crosses the contract: each proposed
// tracking target probed through each uplink from the router itself, and what Switchyard makes
// of it — findings in words, each with a one-click fix the editor can apply to the draft.
import { z } from 'zod';
import { failoverPolicySchema, idSchema } from '../model.ts';

const ipv4 = z.ipv4();

/** A change to the draft policy that resolves a finding. */
export const targetFixSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('replace-target'), wan: z.string(), from: ipv4, to: ipv4 }),
  z.object({ kind: z.literal('remove-target'), wan: z.string(), target: ipv4 }),
  z.object({ kind: z.literal('add-target'), wan: z.string(), target: ipv4 }),
  z.object({ kind: z.literal('use-preset'), preset: z.enum(['balanced']) }),
]);
export type TargetFix = z.infer<typeof targetFixSchema>;

const pingSummarySchema = z.object({ sent: z.int().min(0), received: z.int().min(0), lossPct: z.number() });

export const targetProbeSchema = z.object({
  wan: z.string(),
  target: ipv4,
  /** 'target': in the draft for this uplink; 'candidate': offered as a replacement. */
  role: z.enum(['target', 'candidate']),
  /** Five echoes half a second apart. */
  slow: pingSummarySchema,
  /** Twenty echoes 0.1 s apart: the Fast preset's rate. */
  fast: pingSummarySchema,
  rttMs: z.object({ min: z.number(), avg: z.number(), max: z.number() }).nullable(),
  /** Who answered at TTL 1, 2, 3 (null: nobody); stops at the target. */
  hops: z.array(ipv4.nullable()),
});
export type TargetProbe = z.infer<typeof targetProbeSchema>;

export const findingKinds = ['no-answer', 'lossy', 'slow', 'rate-limited', 'shared-target', 'one-network', 'shared-upstream', 'single-target', 'no-targets'] as const;

export const targetFindingSchema = z.object({
  kind: z.enum(findingKinds),
  /** 'problem': tracking would be wrong (false failovers or none); 'warning': weaker than it looks. */
  severity: z.enum(['problem', 'warning']),
  wan: z.string().nullable(),
  target: ipv4.nullable(),
  /** What was found, with its evidence, and what to do. */
  text: z.string(),
  fix: targetFixSchema.nullable(),
});
export type TargetFinding = z.infer<typeof targetFindingSchema>;

export const qualifyResultSchema = z.object({
  routerId: idSchema,
  checkedMs: z.number(),
  probes: z.array(targetProbeSchema),
  findings: z.array(targetFindingSchema),
  /** True when no finding is a problem. */
  ok: z.boolean(),
  /** The router's ping the probes ran with. */
  pingTool: z.enum(['iputils', 'busybox']).optional(),
  /** What the router's tools could not test (e.g. a BusyBox ping without fractional intervals). */
  notes: z.array(z.string()).optional(),
});
export type QualifyResult = z.infer<typeof qualifyResultSchema>;

export const qualifyMethods = {
  'failover.qualifyTargets': {
    request: z
      .object({
        routerId: idSchema,
        policy: failoverPolicySchema,
        /** Spare addresses to test too, offered as replacements when a target fails. */
        candidates: z.array(ipv4).max(8).default([]),
      })
      .strict(),
    response: qualifyResultSchema,
  },
} as const;

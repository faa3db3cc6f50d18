// The agent's `status` JSON (resources/agent/README.md, "Status") checked and turned into the
// platform-neutral RouterStatus. Anything the agent prints that does not fit is an error that
// names what was expected, never a crash.
import { z } from 'zod';
import type { RouterStatus } from '../../../../shared/failover-schemas.ts';
import { agentEventSchema, parseAgentJson } from './agent-json.ts';
import { describeAgentEvent, isQuietAgentEvent } from './agent-events.ts';
import { routerDeadlineToLocal, type ClockReading } from '../../../../shared/revert-clock.ts';

const targetSchema = z
  .object({ target: z.string(), status: z.string(), rttMs: z.number().nullable().optional(), latencyMs: z.number().nullable().optional(), lastReplyMs: z.number().nullable().optional() })
  .passthrough();
const uplinkSchema = z
  .object({
    name: z.string(),
    status: z.enum(['online', 'disconnecting', 'offline', 'connecting', 'disabled']),
    active: z.boolean(),
    score: z.number().nullable().optional(),
    priority: z.number().nullable().optional(),
    targets: z.array(targetSchema).optional(),
    probeWhen: z.enum(['always', 'needed']).optional(),
    probing: z.boolean().optional(),
    probed: z.boolean().optional(),
  })
  .passthrough();

export const agentStatusSchema = z
  .object({
    agent: z.literal('switchyard-agent'),
    version: z.string(),
    nowMs: z.number(),
    running: z.boolean(),
    configured: z.boolean(),
    pending: z.object({ token: z.string(), deadlineMs: z.number() }).nullable(),
    state: z
      .object({ mode: z.enum(['failover', 'balance']), forced: z.string().nullable(), active: z.array(z.string()), uplinks: z.array(uplinkSchema) })
      .passthrough()
      .nullable(),
    events: z.array(agentEventSchema),
  })
  .passthrough();
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export function parseAgentStatus(stdout: string): AgentStatus {
  return parseAgentJson(stdout, agentStatusSchema, 'JSON', 'Is the agent on the router older than this Switchyard?');
}

/**
 * The agent's times are the router's clock; the UI counts down on the laptop's. The pending
 * deadline is translated with a measured clock reading (offset ± half the round trip) to the
 * earliest local moment it can be, so the countdown never shows more time than the router gives.
 */
export function toRouterStatus(status: AgentStatus, clock: ClockReading): RouterStatus {
  const state = status.running ? status.state : null;
  return {
    enabled: status.configured && status.running,
    mode: state?.mode ?? null,
    forced: state?.forced ?? 'auto',
    // In priority order (the agent lists them in its config's order, which is by name).
    wans: [...(state?.uplinks ?? [])].sort((a, b) => priorityOf(a) - priorityOf(b)).map((u) => ({
      wan: u.name,
      state: u.status,
      active: u.active,
      ...(typeof u.score === 'number' && { score: u.score }),
      ...standbyFields(u, clock),
      ...(typeof u.probed === 'boolean' && { probed: u.probed }),
      targets: (u.targets ?? []).map((t) => ({ target: t.target, up: t.status === 'up', ...(typeof t.rttMs === 'number' && { rttMs: t.rttMs }) })),
    })),
    pendingRevertAtMs: status.pending ? routerDeadlineToLocal(status.pending.deadlineMs, clock) : null,
    routerClock: { offsetMs: Math.round(clock.offsetMs), uncertaintyMs: Math.ceil(clock.uncertaintyMs) },
    // In the Events tab's words, on this computer's clock; the agent's bookkeeping left out.
    events: status.events
      .filter((e) => !isQuietAgentEvent(e.kind))
      .map((e) => {
        const { kind, wan, message } = describeAgentEvent(e.kind, e.data ?? {});
        return { atMs: Math.round(e.tMs - clock.offsetMs), kind, ...(wan && { wan }), message };
      }),
  };
}

/**
 * Whether the agent probes the uplink, and a backup standing by: probed only when needed, not
 * probed now, online (the agent stands a backup by only while it is online and wakes it in the
 * same pass as anything else happens, so its state is the last one it had). The last reply is
 * the newest of its targets', in this computer's clock.
 */
function standbyFields(u: z.infer<typeof uplinkSchema>, clock: ClockReading): { probing?: boolean; standby?: boolean; lastReplyAtMs?: number } {
  const replies = (u.targets ?? []).map((t) => t.lastReplyMs).filter((ms): ms is number => typeof ms === 'number' && ms > 0);
  return {
    ...(typeof u.probing === 'boolean' && { probing: u.probing }),
    ...(u.probeWhen === 'needed' && { standby: u.probing === false && u.status === 'online' }),
    ...(replies.length > 0 && { lastReplyAtMs: Math.round(Math.max(...replies) - clock.offsetMs) }),
  };
}

function priorityOf(uplink: { priority?: number | null | undefined }): number {
  return typeof uplink.priority === 'number' ? uplink.priority : Number.MAX_SAFE_INTEGER;
}


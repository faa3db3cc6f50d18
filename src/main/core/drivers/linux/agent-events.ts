// The agent's own event log (`events` of `switchyard-agent status N`; resources/agent/README.md,
// "Status") as platform-neutral RouterEvents: what the router did, when the router says it did,
// translated to the laptop's clock with an offset measured on the same read.
import { z } from 'zod';
import { durationWords } from '../../../../shared/failover-defaults.ts';
import type { RouterEvent, RouterEventKind } from '../driver.ts';
import { agentEventSchema, parseAgentJson } from './agent-json.ts';

/** Only what the event log needs: a half-written `state` (another read's business) cannot hide it. */
const agentLogSchema = z
  .object({
    agent: z.literal('switchyard-agent'),
    nowMs: z.number(),
    events: z.array(agentEventSchema),
  })
  .passthrough();
type AgentEvent = z.infer<typeof agentLogSchema>['events'][number];

/** The log part of `switchyard-agent status N` output. */
export function parseAgentLog(stdout: string): z.infer<typeof agentLogSchema> {
  return parseAgentJson(stdout, agentLogSchema, 'an event log');
}

/** Bookkeeping of the agent itself, not something that happened to the failover. */
const quietKinds = new Set(['daemon-start', 'snapshot', 'service-installed', 'config-loaded', 'route-removed']);

/**
 * `offsetMs` = laptop clock − router clock, measured when the status was read (the midpoint of
 * the request against the agent's `nowMs`). Events before `sinceMs` (laptop clock) are left out.
 */
export function agentRouterEvents(events: readonly AgentEvent[], offsetMs: number, sinceMs: number): RouterEvent[] {
  const out: RouterEvent[] = [];
  for (const e of events) {
    if (isQuietAgentEvent(e.kind)) continue;
    const atMs = Math.round(e.tMs + offsetMs);
    if (atMs < sinceMs) continue;
    const data = e.data ?? {};
    out.push({
      // The router's own time and line: the same event read again gets the same key.
      key: `${e.tMs}|${e.kind}|${JSON.stringify(data)}`,
      atMs,
      routerAtMs: e.tMs,
      ...describeAgentEvent(e.kind, data),
    });
  }
  return out.sort((a, b) => a.routerAtMs - b.routerAtMs);
}

/** Whether an agent log entry is the agent's own bookkeeping, not an event for the user. */
export function isQuietAgentEvent(kind: string): boolean {
  return quietKinds.has(kind);
}

/** An agent log entry in the user's words: the Events tab's and the failover tab's "Recent events". */
export function describeAgentEvent(kind: string, data: Record<string, unknown>): Pick<RouterEvent, 'kind' | 'wan' | 'from' | 'to' | 'message'> {
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(' + ') || 'none' : str(v) || 'none');
  const reason = data.reason !== undefined && data.reason !== '' ? ` (${str(data.reason)})` : '';
  switch (kind) {
    case 'status': {
      const wan = str(data.wan);
      const to = str(data.to);
      const k: RouterEventKind = to === 'offline' ? 'offline' : to === 'online' ? 'online' : 'other';
      return { kind: k, wan, from: str(data.from), to, message: `${wan} went ${to}${reason}` };
    }
    case 'switch':
      // The first switch after a start comes from nowhere: "from none" read like a fault.
      return list(data.from) === 'none'
        ? { kind: 'switch', to: list(data.to), message: `Traffic on ${list(data.to)}${reason}` }
        : { kind: 'switch', from: list(data.from), to: list(data.to), message: `Traffic moved from ${list(data.from)} to ${list(data.to)}${reason}` };
    case 'revert':
      // A revert the user asked for is a rollback; the timer's or the deadline's is the router's own.
      return data.reason === 'manual'
        ? { kind: 'rollback', message: 'Rolled back to the previous settings on request' }
        : { kind: 'revert', message: `The router restored the previous settings by itself, unconfirmed${reason}` };
    case 'apply':
      return { kind: 'apply', message: `New settings applied on the router; they revert in ${str(data.revertInSec)} s unless confirmed` };
    case 'confirm':
      return { kind: 'confirm', message: 'The router kept the new settings (confirmed)' };
    case 'force':
      return data.target === 'auto'
        ? { kind: 'auto', message: 'Back to automatic failover' }
        : { kind: 'force', wan: str(data.target), to: str(data.target), message: `Traffic forced onto ${str(data.target)}` };
    case 'flows-moved': {
      // conntrack entries of any protocol NATed through the uplink (a LAN client's ping is one):
      // not the drill report's count, which is of established TCP connections only.
      const cleared = str(data.deleted ?? 0);
      return { kind: 'other', wan: str(data.wan), message: `Cleared ${cleared} tracked connection${cleared === '1' ? '' : 's'} through ${str(data.wan)} (any protocol), so they start again on the new uplink${reason}` };
    }
    case 'dampen': {
      // "eth1 flapped 3 times in 2 min: staying on wlan0 for 60 s"
      const wan = str(data.wan);
      return { kind: 'dampening', wan, to: list(data.on), message: `${wan} flapped ${str(data.flaps)} times in ${durationWords(data.windowSec)}: staying on ${list(data.on)} for ${durationWords(data.holdSec)}` };
    }
    case 'dampen-end': {
      const wan = str(data.wan);
      return data.reason === 'stable'
        ? { kind: 'dampening', wan, message: `${wan} has not failed for ${durationWords(data.holdSec)}: in use again` }
        : { kind: 'dampening', wan, message: `${wan} is no longer held${reason}` };
    }
    case 'probing':
      return { kind: 'other', wan: str(data.wan), message: probingWords(data) };
    case 'install':
      return { kind: 'other', message: data.upgrade === true ? `Switchyard agent ${str(data.version)} installed over an older one` : `Switchyard agent ${str(data.version)} installed` };
    default:
      return { kind: 'other', ...(typeof data.wan === 'string' && { wan: data.wan }), message: `${kind.replace(/-/g, ' ')}${reason}` };
  }
}


/**
 * The agent's `probing` event (a backup probed only when needed): it stops probing the backup
 * while the uplinks carrying traffic are online, and probes it again when one starts failing.
 */
export function probingWords(data: Record<string, unknown>): string {
  const wan = typeof data.wan === 'string' ? data.wan : 'the backup';
  const reason = typeof data.reason === 'string' && data.reason !== '' ? data.reason : null;
  if (data.on === false) return `${wan} stands by: probed only when needed${reason ? ` (${reason.replace(/^not needed: /, '')})` : ''}`;
  return `${wan} is probed again${reason ? `: ${reason}` : ''}`;
}

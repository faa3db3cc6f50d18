// Reading what `switchyard-agent status` prints: JSON checked against a schema, with an error that
// names what was wrong and what to do, never a crash. The status and the event log read the same
// output for different parts, each with its own schema (a half-written part one of them does not
// need must not hide the other).
import { z } from 'zod';
import { SwitchyardError } from '../../../../shared/errors.ts';

/** One line of the agent's event log as `status` prints it (resources/agent/README.md, "Status"). */
export const agentEventSchema = z.object({ tMs: z.number(), kind: z.string(), data: z.record(z.string(), z.unknown()).optional() }).passthrough();

/**
 * `stdout` as JSON of `schema`. `what` names the part being read in the shape error ("JSON",
 * "an event log"); `advice` follows it when the likely cause is known.
 */
export function parseAgentJson<S extends z.ZodType>(stdout: string, schema: S, what: string, advice?: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new SwitchyardError('command-failed', `switchyard-agent status did not print JSON (it printed: ${JSON.stringify(stdout.slice(0, 120))}). Reinstall the agent from the WAN Failover tab.`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SwitchyardError('command-failed', `switchyard-agent status printed ${what} of an unexpected shape (${issue?.path.join('.')}: ${issue?.message}).${advice ? ` ${advice}` : ''}`);
  }
  return parsed.data;
}

// Detection as the app runs it: the read-only probe, then one ping per uplink whose gateway the
// router's tables do not name, to the link's suggested first host. A host that answers there is
// the link's other end (the modem, repeater or phone), so the user is not asked to type it.
import type { DetectionResult, UplinkCandidate } from '../../../shared/detect-schemas.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';
import { createDetectProbe, DETECT_PROBE_MAX_OUTPUT_BYTES, interfaceSectionNames } from './detect-probe.ts';
import { parseDetection, type DetectionOptions } from './detect-parse.ts';

const probeTimeoutMs = 20_000;
const answerTimeoutMs = 10_000;

// Pairs of (device, address) come as positional arguments, never spliced into the script. The
// pings run side by side, so the whole check takes about one second whatever the uplink count.
const answerScript =
  'while [ "$#" -ge 2 ]; do ( ping -n -c 1 -W 1 -I "$1" "$2" >/dev/null 2>&1 && echo "answered $1 $2" ) & shift 2; done; wait';

/** Uplinks whose suggested gateway is worth asking: up, on a known device, no gateway yet. */
function toAsk(uplinks: readonly UplinkCandidate[]): UplinkCandidate[] {
  return uplinks.filter((u) => u.gateway === undefined && u.suggestedGateway !== undefined && u.device !== undefined && u.up);
}

/** The command that pings each suggested gateway through its own device; null when none to ask. */
export function gatewayAnswerCommand(uplinks: readonly UplinkCandidate[]): ShellCommand | null {
  const ask = toAsk(uplinks);
  if (ask.length === 0) return null;
  return shellCommand(['sh', '-c', answerScript, 'sh', ...ask.flatMap((u) => [u.device!, u.suggestedGateway!])]);
}

/** Marks each suggested gateway that answered as the uplink's gateway (source `answered`). */
export function applyGatewayAnswers(uplinks: readonly UplinkCandidate[], stdout: string): UplinkCandidate[] {
  const answered = new Set(stdout.split('\n').filter((l) => l.startsWith('answered ')).map((l) => l.trim().slice('answered '.length)));
  return uplinks.map((u) => {
    if (u.gateway !== undefined || u.suggestedGateway === undefined || !answered.has(`${u.device} ${u.suggestedGateway}`)) return u;
    const { suggestedGateway, ...rest } = u;
    return { ...rest, gateway: suggestedGateway, gatewaySource: 'answered' as const };
  });
}

/** Probe, parse, then confirm suggested gateways by asking them. */
export async function runDetection(shell: Pick<RouterShell, 'run'>, options: Omit<DetectionOptions, 'nonce'> = {}, probe = createDetectProbe()): Promise<DetectionResult> {
  // Through `sh -c` so a csh or fish login shell still runs the POSIX probe.
  const result = await shell.run(shellCommand(['sh', '-c', probe.script]), {
    expectExit: 'any',
    timeoutMs: probeTimeoutMs,
    maxOutputBytes: DETECT_PROBE_MAX_OUTPUT_BYTES * 2,
  });
  const detection = parseDetection(result.stdout, undefined, { ...options, nonce: probe.nonce });
  const command = gatewayAnswerCommand(detection.uplinks);
  if (command === null) return detection;
  const answers = await shell.run(command, { expectExit: 'any', timeoutMs: answerTimeoutMs });
  const uplinks = applyGatewayAnswers(detection.uplinks, answers.stdout);
  const confirmed = uplinks.filter((u) => u.gatewaySource === 'answered').map((u) => `${u.name} via ${u.gateway}`);
  return {
    ...detection,
    uplinks,
    evidence: [...detection.evidence, ...(confirmed.length > 0 ? [`gateways that answered a ping on their own link: ${confirmed.join(', ')}`] : [])],
  };
}

/**
 * The router's uplinks as detection finds them (same sections, same parse), in one round trip:
 * no platform sections and no gateway ping. For checking a policy against the router's
 * interfaces (names, addresses, prefixes), where a full detection would cost a second or more.
 */
export async function readUplinkInterfaces(shell: Pick<RouterShell, 'run'>): Promise<readonly UplinkCandidate[]> {
  const probe = createDetectProbe(undefined, interfaceSectionNames);
  const result = await shell.run(shellCommand(['sh', '-c', probe.script]), { expectExit: 'any', timeoutMs: probeTimeoutMs, maxOutputBytes: DETECT_PROBE_MAX_OUTPUT_BYTES * 2 });
  return parseDetection(result.stdout, undefined, { nonce: probe.nonce }).uplinks;
}

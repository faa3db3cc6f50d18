// Typed errors of platform detection: an answer that is not the probe's output at all, and a
// detected platform a service cannot drive. Both carry plain words the technician can act on.
import { SwitchyardError } from '../../../shared/errors.ts';
import type { DetectionResult } from '../../../shared/detect-schemas.ts';

export const detectionOutputProblems = ['empty', 'binary', 'not-the-probe', 'no-uplinks'] as const;
export type DetectionOutputProblem = (typeof detectionOutputProblems)[number];

/** The router's answer could not be read as the probe's output (garbage, binary, nothing). */
export class DetectionOutputError extends SwitchyardError {
  readonly problem: DetectionOutputProblem;
  /** A short printable excerpt of what the router sent (control characters shown as `.`). */
  readonly excerpt: string;
  readonly bytes: number;
  constructor(problem: DetectionOutputProblem, message: string, excerpt: string, bytes: number) {
    super('command-failed', message, { problem, excerpt, bytes });
    this.problem = problem;
    this.excerpt = excerpt;
    this.bytes = bytes;
  }
}

/** Detection worked, but the router is a platform (or lacks a tool) Switchyard cannot drive yet. */
export class UnsupportedPlatformError extends SwitchyardError {
  readonly platform: DetectionResult['platform'];
  constructor(result: DetectionResult) {
    super('unsupported', result.reason, { platform: result.platform, evidence: [...result.evidence] });
    this.platform = result.platform;
  }
}

/** For services that go on to drive the router: returns the result, or throws why they cannot. */
export function requireSupported(result: DetectionResult): DetectionResult {
  if (!result.supported) throw new UnsupportedPlatformError(result);
  return result;
}

/**
 * For a detection about to replace the saved one: an answer that held no uplink at all (binary
 * or cut-off `ip` output, a router without one) is no result to keep. Throws, so the last good
 * detection stays. RouterOS is the exception: it is recognised without reading any interface.
 */
export function requireUsable(result: DetectionResult): DetectionResult {
  if (result.uplinks.length > 0 || result.platform === 'routeros') return result;
  const why = result.warnings.length ? ` The probe noted: ${result.warnings.join(' ')}` : '';
  throw new DetectionOutputError(
    'no-uplinks',
    `Detection found no uplink on the router (no interface with an IPv4 address or a default route in its answer), so nothing was saved and the last detection stays.${why} Check the router's interfaces (ip -4 addr) and detect again.`,
    '',
    0,
  );
}

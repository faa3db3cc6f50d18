// Turns a probe command that ended (exit code + stderr) into a clear per-router message: tool not
// installed (with how to install it), not permitted, no such device. Null when it just ran.
import { SwitchyardError } from '../../../shared/errors.ts';
import type { PlatformId } from '../../../shared/model.ts';

export type ProbeTool = 'ping' | 'httping';

export type ProbeToolProblem =
  | { readonly kind: 'tool-missing'; readonly tool: ProbeTool; readonly message: string; readonly installHint: string }
  | { readonly kind: 'not-permitted'; readonly tool: ProbeTool; readonly message: string }
  | { readonly kind: 'no-such-device'; readonly tool: ProbeTool; readonly device: string; readonly message: string }
  | { readonly kind: 'bad-target'; readonly tool: ProbeTool; readonly message: string };

export interface ProbeExit {
  readonly tool: ProbeTool;
  /** null when the channel closed without an exit status (signal, dropped connection). */
  readonly exitCode: number | null;
  readonly stderrText: string;
  /** True when the tool printed anything on stdout: proof that it was found and started. */
  readonly sawStdout: boolean;
  readonly device?: string;
  readonly platform?: PlatformId;
}

const installHints: Readonly<Record<ProbeTool, Readonly<Partial<Record<PlatformId, string>>>>> = {
  httping: {
    'openwrt-mwan3': 'opkg update && opkg install httping',
    'glinet-kmwan': 'opkg update && opkg install httping',
    linux: 'apt-get install httping (Debian, Ubuntu, Raspberry Pi OS) or apk add httping (Alpine)',
  },
  ping: {
    'openwrt-mwan3': 'opkg update && opkg install iputils-ping (or enable BusyBox ping)',
    'glinet-kmwan': 'opkg update && opkg install iputils-ping',
    linux: 'apt-get install iputils-ping (Debian, Ubuntu, Raspberry Pi OS) or apk add iputils (Alpine)',
  },
};

export function installHint(tool: ProbeTool, platform?: PlatformId): string {
  const hints = installHints[tool];
  const specific = platform === undefined ? undefined : hints[platform];
  if (specific !== undefined) return specific;
  return `on OpenWrt: ${hints['openwrt-mwan3']}; on Debian/Ubuntu/Alpine: ${hints.linux}`;
}

// Shells say it three ways (all recorded): dash `sh: 1: httping: not found`, BusyBox ash
// `sh: httping: not found`, bash `bash: line 1: httping: command not found`.
function isNotFound(stderr: string, tool: ProbeTool): boolean {
  const name = tool === 'ping' ? 'ping' : 'httping';
  const re = new RegExp(`(^|[\\s/:])${name}: (command )?not found|${name}: No such file or directory`, 'm');
  return re.test(stderr);
}

export function diagnoseProbeExit(exit: ProbeExit): ProbeToolProblem | null {
  const { tool, stderrText: stderr } = exit;
  if (isNotFound(stderr, tool)) {
    const hint = installHint(tool, exit.platform);
    return { kind: 'tool-missing', tool, installHint: hint, message: `${tool} is not installed on this router. Install it with: ${hint}` };
  }
  // httping itself exits 127 when every connect failed (recorded), so 127 alone proves nothing
  // once the tool has printed; it only means "not found" when nothing ran at all.
  if (exit.exitCode === 127 && !exit.sawStdout && stderr.trim() === '') {
    const hint = installHint(tool, exit.platform);
    return { kind: 'tool-missing', tool, installHint: hint, message: `${tool} could not be started on this router (exit 127). Install it with: ${hint}` };
  }
  if (/Operation not permitted|missing cap_net_raw|permission denied/i.test(stderr)) {
    return {
      kind: 'not-permitted',
      tool,
      message: `${tool} is not allowed to send probes for this user (raw sockets need root or cap_net_raw): log in as root, or give ${tool} the capability`,
    };
  }
  // iputils `ping: SO_BINDTODEVICE eth9: No such device`; BusyBox `ping: bad address 'eth9'`
  // when -I names an interface that does not exist (recorded on OpenWrt 19.07).
  const device = exit.device;
  if (device !== undefined && (/No such device/.test(stderr) || stderr.includes(`bad address '${device}'`))) {
    return { kind: 'no-such-device', tool, device, message: `the router has no network device ${device}: check the uplink's device name` };
  }
  const badAddress = /bad address '([^']*)'|Name or service not known|could not resolve/.exec(stderr);
  if (badAddress) return { kind: 'bad-target', tool, message: `${tool} cannot resolve the probe target: ${stderr.trim()}` };
  return null;
}

/** The typed error a monitor throws or reports for a probe that cannot run on a router. */
export class ProbeToolError extends SwitchyardError {
  readonly problem: ProbeToolProblem;
  constructor(problem: ProbeToolProblem) {
    super(problem.kind === 'tool-missing' ? 'unsupported' : 'command-failed', problem.message, { ...problem });
    this.problem = problem;
  }
}

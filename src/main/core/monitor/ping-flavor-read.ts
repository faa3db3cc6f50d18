// Which ping the router has, from one `ping -V`: iputils says "ping from iputils …"; BusyBox
// refuses -V and names itself. Decides the probe form (iputils -O, interval) before probing.
import type { PlatformId } from '../../../shared/model.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { diagnoseProbeExit } from '../probes/probe-tool-diagnosis.ts';
import type { ProbeFlavor } from '../probes/probe-tracker.ts';

/** The flavour, or why ping cannot run at all (then `flavor` is null). */
export interface PingFlavorRead {
  readonly flavor: Extract<ProbeFlavor, 'iputils' | 'busybox'> | null;
  readonly problem: string | null;
}

export async function readPingFlavor(shell: Pick<RouterShell, 'run'>, platform?: PlatformId): Promise<PingFlavorRead> {
  // 30 s: measured over 10 s on a 2-core machine at load 25.
  const r = await shell.run(['ping', '-V'], { expectExit: 'any', timeoutMs: 30_000, maxOutputBytes: 64 * 1024 });
  const text = `${r.stdout}\n${r.stderr}`;
  if (/iputils/i.test(text)) return { flavor: 'iputils', problem: null };
  const problem = diagnoseProbeExit({ tool: 'ping', exitCode: r.exitCode, stderrText: r.stderr, sawStdout: r.stdout.trim() !== '', ...(platform ? { platform } : {}) });
  if (problem?.kind === 'tool-missing') return { flavor: null, problem: problem.message };
  // BusyBox, or an unknown ping: the plain form every ping understands.
  return { flavor: 'busybox', problem: null };
}

// Target qualification (issue 14 item 4): every proposed target and spare address probed through
// every pinged uplink of the draft, from the router, then judged (qualify-findings.ts). Read-only
// for the router apart from the test's own marked route and rule, which its trap removes.
import type { QualifyResult } from '../../../shared/api/qualify-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { shellCommand } from '../transport/ssh/shell-quote.ts';
import { parsePreflight, qualifyCommand, qualifyPreflightCommand } from './qualify-command.ts';
import { pingedWans, qualifyFindings } from './qualify-findings.ts';
import { parseQualify, qualifySections, type ProbeSlot } from './qualify-parse.ts';

export interface QualifyDeps {
  readonly shell: (routerId: string) => Promise<RouterShell>;
  /** false: the login is not root, so the test's route and rule go through `sudo -n`. */
  readonly isRoot: (routerId: string) => boolean | null;
  readonly now?: () => number;
}

export class QualifyService {
  readonly #deps: QualifyDeps;

  constructor(deps: QualifyDeps) {
    this.#deps = deps;
  }

  async qualify(routerId: string, policy: FailoverPolicy, candidates: readonly string[]): Promise<QualifyResult> {
    const wans = pingedWans(policy);
    if (wans.length === 0) throw new SwitchyardError('invalid-input', 'No enabled uplink tracks by ping, so there is no target to test. Choose ping tracking for an uplink first.');
    const addresses = [...new Set([...wans.flatMap((w) => w.tracking.targets), ...candidates])];
    if (addresses.length === 0) throw new SwitchyardError('invalid-input', 'The draft has no tracking targets and no spare addresses to test. Add a target to an uplink.');
    const slots: ProbeSlot[][] = wans.map((w) => addresses.map((target) => ({ wan: w.name, target, role: w.tracking.targets.includes(target) ? 'target' : 'candidate' })));
    const asRoot = (argv: readonly string[]) => shellCommand(this.#deps.isRoot(routerId) === false ? ['sudo', '-n', ...argv] : argv);
    const shell = await this.#deps.shell(routerId);
    // Which ping (iputils or BusyBox) and, for BusyBox, each uplink's address its echoes leave from.
    const preflight = await shell.run(qualifyPreflightCommand(wans.map((w) => w.device), asRoot), { expectExit: 'any', timeoutMs: 20_000, maxOutputBytes: 64 * 1024 });
    const { tool, sources } = parsePreflight(preflight.stdout, wans.length);
    if (!tool) throw new SwitchyardError('unsupported', "Target qualification needs iputils or BusyBox ping on the router; this router's ping is neither. Install iputils-ping, or test targets by hand.");
    if (tool.kind === 'busybox') {
      const missing = wans.filter((_, k) => !sources[k]).map((w) => w.device);
      if (missing.length > 0) {
        throw new SwitchyardError('conflict', `${missing.join(' and ')} ${missing.length === 1 ? 'has' : 'have'} no IPv4 address on the router, and this router's BusyBox ping sends through an uplink only from its address. Nothing was changed. Check ${missing.length === 1 ? 'that uplink' : 'those uplinks'} in the Troubleshoot tab, or disable ${missing.length === 1 ? 'it' : 'them'} in the draft, then test again.`);
      }
    }
    const command = qualifyCommand(
      wans.map((w, k) => ({ device: w.device, ...(w.gateway && { gateway: w.gateway }), ...(sources[k] && { source: sources[k] }), targets: addresses })),
      asRoot,
      tool,
    );
    const result = await shell.run(command, { expectExit: 'any', timeoutMs: 60_000, maxOutputBytes: 4 * 1024 * 1024 });
    const { marks } = qualifySections(result.stdout);
    if (marks.includes('unsupported')) throw new SwitchyardError('unsupported', `The router's ping changed during the test (it was ${tool.kind}). Nothing was left behind. Test again.`);
    const busy = marks.find((m) => m.startsWith('busy '));
    if (busy) throw new SwitchyardError('conflict', `Routing table ${busy.slice(5)} on the router holds routes Switchyard did not make; the test uses tables 25101–25108 for its few seconds. Nothing was changed. Free that table, then test again.`);
    if (marks.includes('setup-failed') || result.exitCode !== 0) {
      throw new SwitchyardError('command-failed', `The router refused the test's temporary route or rule (exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}). It needs root or sudo without a password. Nothing was left behind.`);
    }
    const probes = parseQualify(result.stdout, slots);
    const findings = qualifyFindings(policy, probes);
    const notes = [
      ...(tool.kind === 'busybox' && !tool.fractionalInterval ? ["This router's BusyBox ping takes whole seconds only: echoes went 1 s apart, and the test at 10 a second (rate limiting) was not run."] : []),
      ...(tool.kind === 'busybox' && !tool.traceroute ? ["This router's BusyBox has no traceroute: whether all targets sit behind one upstream router was not checked."] : []),
    ];
    return { routerId, checkedMs: (this.#deps.now ?? Date.now)(), probes, findings, ok: findings.every((f) => f.severity !== 'problem'), pingTool: tool.kind, ...(notes.length > 0 && { notes }) };
  }
}

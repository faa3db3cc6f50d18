// Target qualification (issue 14 item 4): every proposed target and spare address probed through
// every pinged uplink of the draft, from the router, then judged (qualify-findings.ts). Read-only
// for the router apart from the test's own marked route and rule, which its trap removes.
import type { QualifyResult } from '../../../shared/api/qualify-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { shellCommand } from '../transport/ssh/shell-quote.ts';
import { qualifyCommand } from './qualify-command.ts';
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
    const command = qualifyCommand(
      wans.map((w) => ({ device: w.device, ...(w.gateway && { gateway: w.gateway }), targets: addresses })),
      asRoot,
    );
    const shell = await this.#deps.shell(routerId);
    const result = await shell.run(command, { expectExit: 'any', timeoutMs: 60_000, maxOutputBytes: 4 * 1024 * 1024 });
    const { marks } = qualifySections(result.stdout);
    if (marks.includes('unsupported')) throw new SwitchyardError('unsupported', "Target qualification needs iputils ping on the router (it marks its echoes with -m); this router's ping is another one. Install iputils-ping, or test targets by hand.");
    const busy = marks.find((m) => m.startsWith('busy '));
    if (busy) throw new SwitchyardError('conflict', `Routing table ${busy.slice(5)} on the router holds routes Switchyard did not make; the test uses tables 25101–25108 for its few seconds. Nothing was changed. Free that table, then test again.`);
    if (marks.includes('setup-failed') || result.exitCode !== 0) {
      throw new SwitchyardError('command-failed', `The router refused the test's temporary route or rule (exit ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}). It needs root or sudo without a password. Nothing was left behind.`);
    }
    const probes = parseQualify(result.stdout, slots);
    const findings = qualifyFindings(policy, probes);
    return { routerId, checkedMs: (this.#deps.now ?? Date.now)(), probes, findings, ok: findings.every((f) => f.severity !== 'problem') };
  }
}

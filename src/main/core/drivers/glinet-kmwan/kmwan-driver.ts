// The glinet-kmwan driver (GL.iNet firmware 4.x). Status comes from the kernel module's /proc
// files; changes are written with the option values GL.iNet's own RPC module writes and take
// effect the way it applies them (kmwan-apply.ts), inside Switchyard's safe apply: plan → diff →
// commit with a revert timer on the router → verify → confirm.
import { SwitchyardError } from '../../../../shared/errors.ts';
import { dampeningUnreachable, policyDampening } from '../../../../shared/failover-defaults.ts';
import type { PlanChange } from '../../../../shared/failover-schemas.ts';
import type { FailoverPolicy } from '../../../../shared/model.ts';
import { shellCommand, type ShellCommand } from '../../transport/ssh/shell-quote.ts';
import type { ApplyPlan, CommitResult, DriverCapabilities, RemovePreview, RouterDriver, RouterEvent, RouterShell, RouterStatus, WanCandidate, WanStatus } from '../driver.ts';
import { appliedCopy, fileRemoveScript, installExit, md5sumLine, noOriginalExit, routerPaths, type ServiceAction } from '../openwrt-mwan3/mwan3-apply-script.ts';
import { baseTrailerLine, describeChanges, planBases, wanCandidatesFromDump, uplinkLookupFromDump } from '../openwrt-mwan3/openwrt-mwan3-driver.ts';
import { parseNetworkInterfaceDump, type NetifdInterface } from '../openwrt-mwan3/ubus-network-dump.ts';
import { applyUciBatchOps, buildUciBatch } from '../openwrt-mwan3/uci/uci-batch.ts';
import { diffUciPackages, formatUciChange } from '../openwrt-mwan3/uci/uci-diff.ts';
import type { UciPackage } from '../openwrt-mwan3/uci/uci-model.ts';
import { parseUciExport } from '../openwrt-mwan3/uci/uci-parse.ts';
import { conflictError, createSafeApply } from '../openwrt-mwan3/uci-safe-apply.ts';
import { forceDeadCommand, installHookCommand, kmwanApplySteps, writeFlags, kmwanEngine, kmwanEventsPath, readEventsCommand, removeHookCommand, restoreDetectCommand } from './kmwan-apply.ts';
import { assessKmwanConfig, netifdCandidates, uplinkMembers, type KmwanAssessment, type KmwanConfig } from './kmwan-config.ts';
import { kmwanKind, kmwanToPolicy, planKmwanWrite, type KmwanLookup, type KmwanPackages, type KmwanWrite } from './kmwan-policy.ts';
import { describeSensitivity, kmwanDetectionSec } from '../../../../shared/kmwan-sensitivity.ts';
import { parseKmwanEvents } from './kmwan-events.ts';
import { planKmwanRemove } from './kmwan-remove.ts';
import { revertPackageCommand } from './kmwan-revert.ts';
import { missingMemberReason, parseKmwanStatus, untrackedMemberState, type KmwanMemberStatus } from './kmwan-status.ts';

export const kmwanCommands = {
  procStatus: shellCommand(['cat', '/proc/gl-kmwan/status']),
  procConfig: shellCommand(['cat', '/proc/gl-kmwan/config']),
  exportKmwan: shellCommand(['uci', 'export', 'kmwan']),
  exportNetwork: shellCommand(['uci', 'export', 'network']),
  exportGlmodem: shellCommand(['uci', 'export', 'glmodem']),
  networkDump: shellCommand(['ubus', 'call', 'network.interface', 'dump']),
  catKmwan: shellCommand(['cat', '/etc/config/kmwan']),
  catNetwork: shellCommand(['cat', '/etc/config/network']),
  catGlmodem: shellCommand(['cat', '/etc/config/glmodem']),
  readKmwanOriginal: shellCommand(['cat', routerPaths.original('kmwan')]),
  readNetworkOriginal: shellCommand(['cat', routerPaths.original('network')]),
  readGlmodemOriginal: shellCommand(['cat', routerPaths.original('glmodem')]),
  readKmwanApplied: shellCommand(['cat', appliedCopy('kmwan')]),
  readNetworkApplied: shellCommand(['cat', appliedCopy('network')]),
  readGlmodemApplied: shellCommand(['cat', appliedCopy('glmodem')]),
} as const;

export type KmwanDetection = { readonly present: false } | { readonly present: true; readonly assessment: KmwanAssessment };

/** kmwan runs when its kernel module publishes /proc/gl-kmwan; then read how its config looks. */
export async function detectKmwan(shell: RouterShell): Promise<KmwanDetection> {
  const proc = await shell.run(kmwanCommands.procConfig, { expectExit: 'any' });
  if (proc.exitCode !== 0) return { present: false };
  const cfg = await shell.run(kmwanCommands.exportKmwan, { expectExit: 'any' });
  const assessment: KmwanAssessment =
    cfg.exitCode === 0 ? assessKmwanConfig(parseUciExport(cfg.stdout, 'kmwan')) : { kind: 'read-only', reasons: [`uci export kmwan failed: ${cfg.stderr.trim()}`], config: null };
  return { present: true, assessment };
}

/** The sentence the UI shows for a GL.iNet router Switchyard only watches. */
export function kmwanReadOnlyMessage(reasons: readonly string[]): string {
  return (
    "Switchyard only watches this GL.iNet router: its kmwan settings hold values GL.iNet's own firmware does not write, so Switchyard will not change them. " +
    `Use GL.iNet's web interface (Network → Multi-WAN) to change failover. ${reasons.join(' ')}`.trim()
  );
}

/**
 * GL's Low Data Mode, a switch per uplink in its tracking settings (docs4.x interface_guide/
 * multi-wan.md: "track only when there is an interface network error", on by default for cellular
 * only). No option of that name exists in kmwan: the RPC's set_interface has only track_mode
 * (0 passive, 1 force, 2 strict), and the real Flint 2's LTE member is the passive one, so passive
 * is read as Low Data Mode on (inferred, not confirmed on a device).
 */
export const lowDataModeDetail = 'Low Data Mode on (kmwan track mode passive): kmwan sends no probes of its own while traffic flows, to save mobile data; it checks the link only when replies stop';
export const lowDataModeOffDetail = 'Low Data Mode off (kmwan track mode not passive): kmwan probes this cellular uplink every second, which uses mobile data; GL.iNet turns Low Data Mode on for cellular by default';

/** The Low Data Mode words for a tracked member: shown when it is on, and for cellular also when it is off. */
export function lowDataModeNote(trackMode: string, cellular: boolean): string | null {
  if (trackMode === 'passive') return lowDataModeDetail;
  return cellular ? lowDataModeOffDetail : null;
}

export type KmwanDriverOptions = {
  readonly assessment: KmwanAssessment;
  readonly nowMs?: () => number;
  readonly newToken?: () => string;
};

type Packages = { readonly pkgs: KmwanPackages; readonly texts: Record<string, string> };

export function createKmwanDriver(shell: RouterShell, options: KmwanDriverOptions): RouterDriver {
  const readOnly = options.assessment.kind === 'read-only';
  const capabilities: DriverCapabilities = {
    supportsLoadBalance: !readOnly,
    // The kernel module only pings (httping is "not implemented" in GL's RPC).
    trackMethods: ['ping', 'none'],
    supportsRevertTimer: !readOnly,
    supportsForcedRefreshStreams: !readOnly,
    supportsManualFailover: !readOnly,
    maxWans: 8,
    readOnly,
  };
  const timing = { ...(options.nowMs ? { nowMs: options.nowMs } : {}), ...(options.newToken ? { newToken: options.newToken } : {}) };
  // GL's steps are kmwan's whole apply (its RPC never reloads kmwan after set_config), so a revert reloads no engine after them.
  const safeApply = (services: ServiceAction[], originals: readonly string[]) => createSafeApply(shell, { engine: kmwanEngine, serviceFor: () => services, originals, reloadEngine: false, ...timing });
  const base = safeApply([], ['kmwan']);
  const bases = new Map<string, string>();

  async function readConfig(): Promise<{ text: string; pkg: UciPackage; assessment: KmwanAssessment }> {
    const text = (await shell.run(kmwanCommands.exportKmwan)).stdout;
    const pkg = parseUciExport(text, 'kmwan');
    return { text, pkg, assessment: assessKmwanConfig(pkg) };
  }
  async function readPackages(kmwanText: string, pkg: UciPackage, config: KmwanConfig): Promise<Packages> {
    const network = await shell.run(kmwanCommands.exportNetwork);
    const texts: Record<string, string> = { kmwan: kmwanText, network: network.stdout };
    let glmodem: UciPackage | null = null;
    if (config.members.some((m) => m.isModem)) {
      const r = await shell.run(kmwanCommands.exportGlmodem, { expectExit: 'any' });
      if (r.exitCode === 0) {
        glmodem = parseUciExport(r.stdout, 'glmodem');
        texts.glmodem = r.stdout;
      }
    }
    return { pkgs: { kmwan: pkg, network: parseUciExport(network.stdout, 'network'), glmodem }, texts };
  }
  async function readDump() {
    return parseNetworkInterfaceDump((await shell.run(kmwanCommands.networkDump)).stdout);
  }
  const readStatusRows = async (): Promise<KmwanMemberStatus[]> => parseKmwanStatus((await shell.run(kmwanCommands.procStatus)).stdout);
  const rowFor = (rows: readonly KmwanMemberStatus[], member: string): KmwanMemberStatus | undefined => rows.find((r) => netifdCandidates(member).includes(r.name));
  /** Device, kind and gateway from netifd; the device from kmwan's own status when netifd has none. */
  async function lookup(rows?: readonly KmwanMemberStatus[], dump?: readonly NetifdInterface[]): Promise<KmwanLookup> {
    const find = uplinkLookupFromDump(dump ?? (await readDump()));
    const kernel = rows ?? (await readStatusRows());
    return (member) => {
      for (const name of netifdCandidates(member)) {
        const info = find(name);
        if (info) return { device: info.device, kind: kmwanKind(member, info.kind), ...(info.gateway ? { gateway: info.gateway } : {}) };
      }
      const row = rowFor(kernel, member);
      return row ? { device: row.device, kind: kmwanKind(member, undefined) } : undefined;
    };
  }
  const refuseReadOnly = (assessment: KmwanAssessment): SwitchyardError => new SwitchyardError('unsupported', kmwanReadOnlyMessage(assessment.kind === 'read-only' ? assessment.reasons : []));

  function planText(w: KmwanWrite, before: KmwanPackages, after: Record<string, UciPackage>, steps: readonly ServiceAction[], notes: readonly string[], texts: Record<string, string>): string {
    const lines: string[] = [];
    if (w.ops.length === 0) lines.push('# no change');
    else {
      lines.push('# uci batch', buildUciBatch(w.ops).trimEnd(), '', '# resulting changes');
      for (const p of w.packages) lines.push(...diffUciPackages(before[p]!, after[p]!).map(formatUciChange));
      if (steps.length) lines.push('', "# then, as GL.iNet's firmware applies it", ...steps.map((s) => ('command' in s ? s.command.text : `/etc/init.d/${s.service} ${s.verb}`)));
    }
    if (notes.length) lines.push('', '# kept as they are', ...notes.map((n) => `# ${n}`));
    lines.push('', ...Object.entries(texts).map(([p, t]) => baseTrailerLine(p, t)));
    return lines.join('\n');
  }

  /** What Remove would do now: the managed options that still hold Switchyard's values back to their values before Switchyard, in place. */
  async function computeRemove(restoreAdminEdits: boolean) {
    const { assessment } = await readConfig();
    if (readOnly || !assessment.config) throw refuseReadOnly(assessment);
    const read = async (cmd: ShellCommand): Promise<string | null> => {
      const r = await shell.run(cmd, { expectExit: 'any' });
      return r.exitCode === 0 ? r.stdout : null;
    };
    const original = await read(kmwanCommands.readKmwanOriginal);
    if (original === null) throw new SwitchyardError('not-found', 'Switchyard never changed kmwan on this router, so there is nothing to restore.');
    const triple = async (now: ShellCommand, orig: ShellCommand, applied: ShellCommand) => {
      const was = await read(orig);
      const is = was === null ? null : await read(now);
      return was !== null && is !== null ? { now: is, original: was, applied: await read(applied) } : null;
    };
    return planKmwanRemove({
      kmwan: { now: (await shell.run(kmwanCommands.catKmwan)).stdout, original, applied: await read(kmwanCommands.readKmwanApplied) },
      network: await triple(kmwanCommands.catNetwork, kmwanCommands.readNetworkOriginal, kmwanCommands.readNetworkApplied),
      glmodem: await triple(kmwanCommands.catGlmodem, kmwanCommands.readGlmodemOriginal, kmwanCommands.readGlmodemApplied),
      restoreAdminEdits,
    });
  }

  return {
    platform: 'glinet-kmwan',
    capabilities,

    async readWans(): Promise<WanCandidate[]> {
      const { assessment } = await readConfig();
      const dump = await readDump();
      const fromDump = wanCandidatesFromDump(dump);
      if (!assessment.config) return fromDump;
      const find = uplinkLookupFromDump(dump);
      const rows = await readStatusRows();
      return uplinkMembers(assessment.config).map((m) => {
        const name = netifdCandidates(m.name).find((n) => find(n)) ?? m.name;
        const info = find(name);
        const seen = fromDump.find((c) => c.name === name);
        return {
          name: m.name,
          device: info?.device ?? rowFor(rows, m.name)?.device ?? m.name,
          kind: kmwanKind(m.name, info?.kind),
          ...(seen?.address ? { address: seen.address, prefixLen: seen.prefixLen! } : {}),
          ...(info?.gateway ? { gateway: info.gateway } : {}),
          ...(m.metric !== null ? { metric: m.metric } : {}),
          hasDefaultRoute: seen !== undefined,
        };
      });
    },

    async readPolicy(): Promise<FailoverPolicy | null> {
      const { assessment } = await readConfig();
      return assessment.config ? kmwanToPolicy(assessment.config, await lookup()) : null;
    },

    async readStatus(): Promise<RouterStatus> {
      const { assessment } = await readConfig();
      const rows = await readStatusRows();
      const config = assessment.config;
      const pending = readOnly ? null : await base.readPending();
      const dump = await readDump();
      const lk = await lookup(rows, dump);
      const members = config ? uplinkMembers(config) : [];
      const wans: WanStatus[] = members.map((m) => {
        const cellular = kmwanKind(m.name, lk(m.name)?.kind) === 'cellular';
        // GL's get_status asks the kernel only for members whose tracking is on (disabled='0').
        if (m.trackingOff) {
          const link = untrackedMemberState(dump, netifdCandidates(m.name));
          return { wan: m.name, state: link.state, active: false, detail: link.reason };
        }
        const row = rowFor(rows, m.name);
        const detail = [row ? row.reason : missingMemberReason, lowDataModeNote(row?.trackMode ?? m.trackMode, cellular)].filter((x) => x !== null).join('. ');
        return { wan: m.name, state: row?.state ?? 'offline', active: false, ...(row ? { targets: row.targets.map((t) => ({ target: t.ip, up: row.state === 'online' })) } : {}), detail };
      });
      // Rows of interfaces kmwan's config does not list (and that are not IPv6 twins) are shown as they are.
      for (const r of rows) {
        if (config?.members.some((m) => netifdCandidates(m.name).includes(r.name))) continue;
        wans.push({ wan: r.name, state: r.state, active: false, targets: r.targets.map((t) => ({ target: t.ip, up: r.state === 'online' })), detail: r.reason });
      }
      // Failover: the online member first in kmwan's order carries traffic; balance: every online member with a ratio.
      const online = members.filter((m) => wans.find((w) => w.wan === m.name)?.state === 'online');
      const active = new Set(config?.mode === 'balance' ? online.filter((m) => (m.weight ?? 1) > 0).map((m) => m.name) : online.slice(0, 1).map((m) => m.name));
      const forcedDead = members.filter((m) => rowFor(rows, m.name)?.forceDead === true);
      const notForced = members.filter((m) => !forcedDead.includes(m));
      const forced = forcedDead.length > 0 && notForced.length === 1 ? notForced[0]!.name : 'auto';
      return {
        enabled: config !== null,
        mode: config ? config.mode : null,
        forced,
        wans: wans.map((w) => ({ ...w, active: active.has(w.wan) })),
        pendingRevertAtMs: pending?.revertAtMs ?? null,
        events: [],
      };
    },

    async plan(desired: FailoverPolicy): Promise<ApplyPlan> {
      const { text, pkg, assessment } = await readConfig();
      const empty = { platform: 'glinet-kmwan', policy: desired, changes: [], nativeDiff: '', predictedFailoverSec: 0 } as const;
      if (assessment.kind === 'read-only' || !assessment.config) return { ...empty, problems: [kmwanReadOnlyMessage(assessment.kind === 'read-only' ? assessment.reasons : [])] };
      const config = assessment.config;
      const { pkgs, texts } = await readPackages(text, pkg, config);
      const w = planKmwanWrite(pkgs, config, desired);
      const after = Object.fromEntries(w.packages.map((p) => [p, applyUciBatchOps(pkgs[p]!, w.ops.filter((o) => o.package === p))]));
      const afterConfig = assessKmwanConfig(after.kmwan!).config ?? config;
      const lk = await lookup();
      const current = kmwanToPolicy(config, lk);
      const planned = kmwanToPolicy(afterConfig, lk) ?? desired;
      bases.set(text, text);
      const changes: PlanChange[] = w.ops.length ? describeChanges(current, planned).filter((c) => !c.subject.endsWith('probe timeout (s)')) : [];
      if (afterConfig.sensitivityMs !== config.sensitivityMs) changes.push({ kind: 'change', subject: 'Sensitivity (all uplinks)', from: describeSensitivity(config.sensitivityMs), to: describeSensitivity(afterConfig.sensitivityMs) });
      const steps = kmwanApplySteps(writeFlags(w));
      // kmwan takes a member back on its first answered probe and has no setting that waits longer.
      const dampeningNote = dampeningUnreachable(
        "GL.iNet's kmwan",
        policyDampening(desired),
        planned.wans.filter((x) => x.enabled && x.tracking.method !== 'none').map((x) => `${x.name} on its first answered probe`),
        'Nothing in its settings lengthens a return, so Switchyard changes nothing for it; with Forced Refresh Streams on, each return also moves connections.',
      );
      return {
        platform: 'glinet-kmwan',
        policy: planned,
        changes,
        nativeDiff: planText(w, pkgs, after, steps, config.notes, texts),
        predictedFailoverSec: planned.wans.some((x) => x.tracking.method !== 'none') ? kmwanDetectionSec(afterConfig.sensitivityMs) : 0,
        ...(dampeningNote && { notes: [dampeningNote] }),
        problems: w.problems,
      };
    },

    async commit(plan: ApplyPlan, opts: { revertInSec: number }): Promise<CommitResult> {
      if (readOnly || plan.platform !== 'glinet-kmwan') throw new SwitchyardError('unsupported', kmwanReadOnlyMessage([]));
      if (plan.problems.length > 0) throw new SwitchyardError('invalid-input', `The plan has problems and cannot be applied: ${plan.problems.join(' ')}`, { problems: [...plan.problems] });
      const planned = planBases(plan.nativeDiff);
      if (!planned.kmwan) throw new SwitchyardError('invalid-input', 'This plan does not say which router config it was made from; plan again.');
      const { text, pkg, assessment } = await readConfig();
      if (baseTrailerLine('kmwan', text) !== `# switchyard-base kmwan md5=${planned.kmwan}`) throw conflictError('kmwan', [...bases.values()].find((t) => baseTrailerLine('kmwan', t).endsWith(planned.kmwan!)), text);
      if (assessment.kind === 'read-only' || !assessment.config) throw refuseReadOnly(assessment);
      const { pkgs, texts } = await readPackages(text, pkg, assessment.config);
      for (const [p, t] of Object.entries(texts)) {
        if (p !== 'kmwan' && planned[p] && baseTrailerLine(p, t) !== `# switchyard-base ${p} md5=${planned[p]}`) throw conflictError(p, undefined, t);
      }
      if (await base.readPending()) throw new SwitchyardError('conflict', 'Another change is waiting for confirmation on this router; confirm or roll it back before applying a new one.');
      const w = planKmwanWrite(pkgs, assessment.config, plan.policy);
      if (w.problems.length > 0) throw new SwitchyardError('invalid-input', `The router changed since the plan: ${w.problems.join(' ')} Plan again.`);
      if (w.ops.length === 0) return { revertAtMs: null };
      const expected = Object.fromEntries(w.packages.map((p) => [p, applyUciBatchOps(pkgs[p]!, w.ops.filter((o) => o.package === p))]));
      // The hook is inert until kmwan.global.switchyard_frs=1 is committed, so it goes in first.
      await shell.run(installHookCommand());
      const apply = safeApply(kmwanApplySteps(writeFlags(w)), ['kmwan', 'network', ...(pkgs.glmodem ? ['glmodem'] : [])]);
      const revertAtMs = await apply.install({
        ops: w.ops,
        expected,
        baseText: Object.fromEntries(w.packages.map((p) => [p, texts[p]!])),
        revertInSec: opts.revertInSec,
        captureOriginals: true,
        recordApplied: true,
        revertRestore: Object.fromEntries(w.packages.map((p) => [p, revertPackageCommand(p, w.ops, pkgs[p]!, expected[p]!)])),
      });
      return { revertAtMs };
    },

    confirm: () => base.confirm(),
    rollback: () => base.rollback(),

    async forceFailover(wan: string | 'auto'): Promise<void> {
      const { assessment } = await readConfig();
      if (readOnly || !assessment.config) throw refuseReadOnly(assessment);
      const config = assessment.config;
      const rows = await readStatusRows();
      const inKernel = (names: readonly string[]): string[] => names.flatMap((n) => rows.filter((r) => netifdCandidates(n).includes(r.name)).map((r) => r.name));
      const withTwins = (m: { name: string; twin: string | null }): string[] => [m.name, ...(m.twin ? [m.twin] : [])];
      const members = uplinkMembers(config);
      if (wan === 'auto') {
        const forced = inKernel(members.flatMap(withTwins)).filter((n) => rows.find((r) => r.name === n)?.forceDead === true);
        if (forced.length) await shell.run(restoreDetectCommand(forced));
        return;
      }
      const target = members.find((m) => m.name === wan);
      if (!target) throw new SwitchyardError('invalid-input', `"${wan}" is not one of kmwan's uplinks (${members.map((m) => m.name).join(', ')}).`);
      const row = rowFor(rows, target.name);
      if (!row || row.kernelState === 'DEAD' || row.kernelState === 'UNSTABLE') {
        throw new SwitchyardError('invalid-input', `${wan} is offline now (${row ? row.reason : missingMemberReason}); forcing traffic onto it would cut the internet. Choose an uplink that is online.`);
      }
      const others = inKernel(members.filter((m) => m !== target).flatMap(withTwins));
      const own = inKernel(withTwins(target)).filter((n) => rows.find((r) => r.name === n)?.forceDead === true);
      if (own.length) await shell.run(restoreDetectCommand(own));
      if (others.length) await shell.run(forceDeadCommand(others));
      // Verify on the router: every other member now carries force_dead:true.
      const after = await readStatusRows();
      const notForced = others.filter((n) => after.find((r) => r.name === n)?.forceDead !== true);
      if (notForced.length) throw new SwitchyardError('command-failed', `kmwan did not take the manual failover: ${notForced.join(', ')} still ${notForced.length === 1 ? 'has' : 'have'} force_dead:false in /proc/gl-kmwan/status.`);
    },

    async planRemove(): Promise<RemovePreview> {
      const c = await computeRemove(false);
      return { changes: c.changes, nativeDiff: c.diff, adminEdits: c.adminEdits };
    },

    async remove(opts: { readonly restoreAdminEdits?: boolean } = {}): Promise<void> {
      const c = await computeRemove(opts.restoreAdminEdits === true);
      // A manual failover would outlive Switchyard: hand every member back to kmwan's own checks.
      const rows = await readStatusRows();
      const forced = rows.filter((r) => r.forceDead === true).map((r) => r.name);
      if (forced.length) await shell.run(restoreDetectCommand(forced));
      const changed = c.files.filter((f) => f.newText !== f.baseText);
      const md5 = changed.length ? await base.stageFiles(changed) : {};
      const packages = changed.map((f) => ({ name: f.name, baseMd5: md5sumLine(f.baseText), newMd5: md5[f.name]! }));
      const r = await shell.run(fileRemoveScript({ engine: kmwanEngine, originals: ['kmwan', 'network', 'glmodem'], packages, services: kmwanApplySteps(c.flags), reloadEngine: false }), {
        expectExit: [0, noOriginalExit, ...Object.values(installExit)],
        timeoutMs: 120_000,
      });
      if (r.exitCode === noOriginalExit) throw new SwitchyardError('conflict', 'The record of the router before Switchyard disappeared while removing; nothing was changed. Try Remove again.');
      if (r.exitCode !== 0) throw new SwitchyardError(r.exitCode === installExit.stagedMismatch ? 'command-failed' : 'conflict', `Remove stopped and changed nothing: ${r.stderr.trim().replace(/^switchyard: /, '')}. Try Remove again.`, { exitCode: r.exitCode });
      await shell.run(removeHookCommand());
    },

    async readRouterEvents(sinceMs: number): Promise<RouterEvent[]> {
      const r = await shell.run(readEventsCommand());
      return parseKmwanEvents(r.stdout, (options.nowMs ?? Date.now)(), sinceMs);
    },

    followRouterEvents(onLine: () => void) {
      // -F follows the log across the hook's trims (it replaces the file) and its first creation.
      return shell.stream(shellCommand(['tail', '-n', '0', '-F', kmwanEventsPath]), { openTimeoutMs: 10_000, onLine: () => onLine() });
    },

    probeCommand(wan: WanCandidate, target: string, method: 'ping' | 'httping'): readonly string[] {
      return method === 'ping' ? ['ping', '-I', wan.device, target] : ['httping', '-i', '1', '-g', `http://${target}/`, ...(wan.address ? ['-y', wan.address] : [])];
    },
  };
}

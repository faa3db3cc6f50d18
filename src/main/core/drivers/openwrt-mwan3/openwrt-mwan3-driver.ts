// The openwrt-mwan3 driver: reads uplinks from netifd and failover from mwan3, plans a policy into
// a uci batch, and applies it with a revert job on the router (napalm's candidate/commit/confirm).
import { SwitchyardError } from '../../../../shared/errors.ts';
import { dampeningUnreachable, policyDampening } from '../../../../shared/failover-defaults.ts';
import type { PlanRouterRule } from '../../../../shared/failover-schemas.ts';
import type { Dampening, FailoverPolicy, RouterRuleChoice, TrackMethod } from '../../../../shared/model.ts';
import { guessWanKind } from '../../detect/guess-wan-kind.ts';
import { shellCommand, type ShellCommand } from '../../transport/ssh/shell-quote.ts';
import type { RunOptions, RunResult } from '../../transport/ssh/ssh-connection.ts';
import type { ApplyPlan, CommitResult, DriverCapabilities, PlanChange, RemovePreview, RouterDriver, RouterEvent, RouterShell, RouterStatus, WanCandidate, WanStatus } from '../driver.ts';
import { appliedCopy, fileRemoveScript, installExit, md5sumLine, noOriginalExit, routerPaths, type ServiceAction } from './mwan3-apply-script.ts';
import { readMwan3Config, validateMwan3Config, type Mwan3Interface } from './mwan3-config.ts';
import {
  checkPolicyForMwan3,
  mwan3ToPolicy,
  normalizeMwan3Policy,
  policyToMwan3,
  predictPolicyFailover,
  readForcedWan,
  switchyardForcedPolicy,
  switchyardMember,
  switchyardPolicy,
  type UplinkLookup,
} from './mwan3-policy-map.ts';
import { isUbusObjectMissing, parseMwan3StatusText, parseUbusMwan3Status, type Mwan3InterfaceStatus } from './mwan3-status.ts';
import { planMetricFix } from './network-metric-fix.ts';
import { parseMwan3Events, readMwan3EventsCommand } from './mwan3-events.ts';
import { conntrackHookPath, conntrackHookSeedCommand, conntrackHookStateDir, conntrackHookText, installConntrackHint } from './mwan3-conntrack-hook.ts';
import { managedInterfaceOptions, planRemove, type AdminEdit, type RemovePlan } from './mwan3-remove-plan.ts';
import { restoreRuleOrder } from './mwan3-rule-placement.ts';
import { conflictError, createSafeApply } from './uci-safe-apply.ts';
import { findUplinks, parseNetworkInterfaceDump, type NetifdInterface } from './ubus-network-dump.ts';
import type { UciBatchOp } from './uci/uci-batch.ts';
import { diffUciPackages, formatUciChange } from './uci/uci-diff.ts';
import { findUciSection, getUciList, type UciPackage } from './uci/uci-model.ts';
import { parseUciConfigFile, parseUciExport } from './uci/uci-parse.ts';
import { unifiedDiff } from './uci/text-diff.ts';
import { applyUciOpsToText } from './uci/uci-text-edit.ts';

/** The exact commands the driver reads with (the replay tests key their recordings on these). */
export const mwan3Commands = {
  help: shellCommand(['mwan3']),
  whichTools: shellCommand(['which', 'httping', 'arping']),
  /** Separate from whichTools: BusyBox which stops at nothing, but the recordings are per command. */
  whichConntrack: shellCommand(['which', 'conntrack']),
  /** Switchyard's connection-clearing hook as it is on the router (exit 1: not installed). */
  catHook: shellCommand(['cat', conntrackHookPath]),
  exportMwan3: shellCommand(['uci', 'export', 'mwan3']),
  changesMwan3: shellCommand(['uci', 'changes', 'mwan3']),
  /** The files themselves, byte for byte: Switchyard edits them in place. */
  catMwan3: shellCommand(['cat', '/etc/config/mwan3']),
  catNetwork: shellCommand(['cat', '/etc/config/network']),
  networkDump: shellCommand(['ubus', 'call', 'network.interface', 'dump']),
  ubusInterfaces: shellCommand(['ubus', 'call', 'mwan3', 'status', '{"section":"interfaces"}']),
  textInterfaces: shellCommand(['mwan3', 'interfaces']),
  readMwan3Original: shellCommand(['cat', routerPaths.original('mwan3')]),
  readNetworkOriginal: shellCommand(['cat', routerPaths.original('network')]),
  readMwan3Applied: shellCommand(['cat', appliedCopy('mwan3')]),
  readNetworkApplied: shellCommand(['cat', appliedCopy('network')]),
} as const;

export const installMwan3Hint = 'Install it on the router with: opkg update && opkg install mwan3 (and luci-app-mwan3 for the web UI).';

export type OpenwrtMwan3Facts = {
  readonly mwan3Installed: boolean;
  /** `mwan3 use <iface> <cmd>` exists (mwan3 ≥ 2.10), so probes can be bound like mwan3track's. */
  readonly supportsUse: boolean;
  readonly hasHttping: boolean;
  readonly hasArping: boolean;
  /** The conntrack tool (opkg package conntrack): without it the hook can only empty the whole table. Unset: not asked. */
  readonly hasConntrack?: boolean;
};

/** What this router's mwan3 can do, from `mwan3` (its help) and `which httping arping`. */
export async function detectOpenwrtMwan3(shell: RouterShell): Promise<OpenwrtMwan3Facts> {
  const help = await shell.run(mwan3Commands.help, { expectExit: 'any' });
  // A missing command is exit 127 from the shell ("mwan3: not found").
  const installed = help.exitCode === 0 && /^Syntax: mwan3 /m.test(help.stdout);
  const tools = await shell.run(mwan3Commands.whichTools, { expectExit: 'any' });
  const conntrack = await shell.run(mwan3Commands.whichConntrack, { expectExit: 'any' });
  return {
    mwan3Installed: installed,
    supportsUse: installed && /^use <iface> <cmd>/m.test(help.stdout),
    hasHttping: /\/httping$/m.test(tools.stdout),
    hasArping: /\/arping$/m.test(tools.stdout),
    hasConntrack: /\/conntrack$/m.test(conntrack.stdout),
  };
}

export type OpenwrtMwan3DriverOptions = {
  readonly facts: OpenwrtMwan3Facts;
  readonly nowMs?: () => number;
  /** The revert job's token; random by default, fixed in golden tests. */
  readonly newToken?: () => string;
};

const ENGINE = 'mwan3';
/** The trailer in nativeDiff that ties a plan to the config it was computed from. */
const baseTrailer = /^# switchyard-base (\w+) md5=([0-9a-f]{32})$/gm;

const md5Of = (text: string): string => md5sumLine(text).slice(0, 32);

/**
 * A target mwan3 reports `skipped` answers: it was not asked because enough others already did
 * (reliability met), or, with check_quality, its latency/loss sits between the up and down
 * thresholds. Only `down` is a failing target; `unknown` has no result yet.
 */
export const answering = (status: string): boolean => status === 'up' || status === 'skipped';

/** One reload per changed package, network first; nothing for a package whose bytes stay. */
function servicesFor(packages: readonly string[]): ServiceAction[] {
  return [...(packages.includes('network') ? [{ service: 'network', verb: 'reload' } as const] : []), ...(packages.includes(ENGINE) ? [{ service: ENGINE, verb: 'reload' } as const] : [])];
}

/** The connection-clearing hook for a (normalized) policy: each uplink with its member metric. */
export function hookTextFor(policy: FailoverPolicy): string {
  return conntrackHookText({
    uplinks: policy.wans.map((w) => ({ name: w.name, device: w.device, metric: policy.mode === 'balance' ? 1 : w.priority })),
    forcedRefreshStreams: policy.forcedRefreshStreams,
  });
}

/** The plan's words for the hook, and for mwan3's whole-table flush events it takes out. */
function hookChanges(hookNow: string | null, hookText: string, pkg: UciPackage, policy: FailoverPolicy): PlanChange[] {
  const out: PlanChange[] = [];
  // Which connections are an uplink's: mwan3-conntrack-hook.ts (its addresses, and mwan3's mark for it).
  const whose = "IPv4 and IPv6, NATed to its address or routed under the mark mwan3 gives it";
  const what = policy.forcedRefreshStreams
    ? `only a failed uplink's connections are cleared (${whose}), so they reconnect through the backup; when a preferred uplink returns, the backups' connections move to it (Forced Refresh Streams)`
    : `only a failed uplink's connections are cleared (${whose}), so they reconnect through the backup; when the primary returns, connections already on the backup stay there (Forced Refresh Streams off)`;
  if (hookNow === null) out.push({ kind: 'add', subject: `Connection clearing on failover (Switchyard's hook ${conntrackHookPath})`, to: what });
  else if (hookNow !== hookText) out.push({ kind: 'change', subject: `Connection clearing on failover (${conntrackHookPath})`, to: what });
  for (const w of policy.wans) {
    const s = findUciSection(pkg, w.name);
    const events = s ? getUciList(s, 'flush_conntrack').filter((e) => ['connected', 'disconnected', 'ifdown', 'ifup'].includes(e)) : [];
    if (events.length) out.push({ kind: 'remove', subject: `mwan3's flush_conntrack on ${w.name} (${events.join(', ')}): it empties the whole connection table, every uplink's; Switchyard's hook clears only the failed uplink's` });
  }
  return out;
}

const noConntrackNote = `The router has no conntrack tool, so when an uplink fails Switchyard's hook can only clear every connection on the router (as mwan3's flush_conntrack does), the healthy uplinks' too. Install it to clear only the failed uplink's: ${installConntrackHint}.`;

const editFile = (name: string, text: string, ops: readonly UciBatchOp[]): { name: string; baseText: string; newText: string } => ({ name, baseText: text, newText: applyUciOpsToText(text, name, ops) });


type RemoveComputation = {
  readonly hasOriginal: boolean;
  readonly files: { name: string; baseText: string; newText: string }[];
  readonly changes: readonly string[];
  readonly adminEdits: readonly AdminEdit[];
  readonly diff: string;
  /** Switchyard's connection hook as it is now (null: not installed). */
  readonly hookText: string | null;
};


export type OpenwrtMwan3Driver = RouterDriver & {
  /** What Remove would change, and which of the admin's later edits it would keep. */
  planRemove(): Promise<RemovePreview>;
  remove(opts?: { readonly restoreAdminEdits?: boolean }): Promise<void>;
};

export function createOpenwrtMwan3Driver(shell: RouterShell, options: OpenwrtMwan3DriverOptions): OpenwrtMwan3Driver {
  const { facts } = options;
  const apply = createSafeApply(shell, {
    engine: ENGINE,
    serviceFor: servicesFor,
    originals: ['network', ENGINE],
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
    ...(options.newToken ? { newToken: options.newToken } : {}),
  });
  /** Config texts read by plan(), by md5, so a conflict can show what changed. */
  const bases = new Map<string, string>();
  let ubusMissing = false;

  const capabilities: DriverCapabilities = {
    supportsLoadBalance: true,
    trackMethods: ['ping', ...(facts.hasHttping ? (['httping'] as const) : []), ...(facts.hasArping ? (['arping'] as const) : []), 'none'] as TrackMethod[],
    supportsRevertTimer: true,
    supportsForcedRefreshStreams: true,
    supportsManualFailover: true,
    maxWans: 8,
    readOnly: !facts.mwan3Installed,
  };

  const run = (cmd: ShellCommand, opts?: RunOptions): Promise<RunResult> => shell.run(cmd, opts);

  function requireMwan3(): void {
    if (!facts.mwan3Installed) throw new SwitchyardError('unsupported', `This router does not have mwan3, which Switchyard uses for failover on OpenWrt. ${installMwan3Hint}`, { hint: installMwan3Hint });
  }

  async function readMwan3Text(): Promise<string> {
    requireMwan3();
    const r = await run(mwan3Commands.exportMwan3, { expectExit: [0, 1] });
    if (r.exitCode !== 0) {
      throw new SwitchyardError('unsupported', `mwan3 is installed but /etc/config/mwan3 is missing (${r.stderr.trim()}). Reinstall it: opkg install --force-reinstall mwan3.`);
    }
    return r.stdout;
  }

  async function readNetifd(): Promise<NetifdInterface[]> {
    return parseNetworkInterfaceDump((await run(mwan3Commands.networkDump)).stdout);
  }

  const lookupFrom = uplinkLookupFromDump;

  async function readInterfaceStatus(): Promise<Mwan3InterfaceStatus[]> {
    if (!ubusMissing) {
      const r = await run(mwan3Commands.ubusInterfaces, { expectExit: 'any' });
      if (r.exitCode === 0) return [...parseUbusMwan3Status(r.stdout).interfaces];
      if (!isUbusObjectMissing(r.exitCode ?? -1, r.stderr)) throw new SwitchyardError('command-failed', `ubus call mwan3 status failed: ${r.stderr.trim()}`);
      // No rpcd plugin (no luci-app-mwan3): the text report has the same states.
      ubusMissing = true;
    }
    return [...parseMwan3StatusText((await run(mwan3Commands.textInterfaces)).stdout).interfaces];
  }

  /** An /etc/config file's bytes; a missing network file is an empty package, a missing mwan3 file an error. */
  async function readConfigFile(cmd: ShellCommand): Promise<string> {
    if (cmd === mwan3Commands.catMwan3) requireMwan3();
    const r = await run(cmd, { expectExit: [0, 1] });
    if (r.exitCode === 0) return r.stdout;
    if (cmd === mwan3Commands.catMwan3) {
      throw new SwitchyardError('unsupported', `mwan3 is installed but /etc/config/mwan3 is missing (${r.stderr.trim()}). Reinstall it: opkg install --force-reinstall mwan3.`);
    }
    return '';
  }

  async function readOptional(cmd: ShellCommand): Promise<string | null> {
    const r = await run(cmd, { expectExit: 'any' });
    return r.exitCode === 0 ? r.stdout : null;
  }

  /** What Remove would do now, from the files, the originals and Switchyard's last write. */
  async function computeRemove(restoreAdminEdits: boolean): Promise<RemoveComputation> {
    const text = await readConfigFile(mwan3Commands.catMwan3);
    const pkg = parseUciConfigFile(text, ENGINE);
    const origText = await readOptional(mwan3Commands.readMwan3Original);
    const wans = getUciList(findUciSection(pkg, switchyardPolicy) ?? { type: 'policy', name: null, anonymous: true, options: [] }, 'use_member').map((m) => m.replace(/^sy_m_/, ''));
    const appliedText = await readOptional(mwan3Commands.readMwan3Applied);
    const mwan3Plan = planRemove({
      current: pkg,
      original: origText === null ? pkg : parseUciConfigFile(origText, ENGINE),
      ...(origText === null ? {} : { originalText: origText }),
      applied: appliedText === null ? null : parseUciConfigFile(appliedText, ENGINE),
      managed: origText === null ? [] : wans.map((section) => ({ section, options: [...managedInterfaceOptions, 'family'] })),
      ownSections: true,
      restoreAdminEdits,
    });
    // Rules Switchyard moved below its own (disabled for its traffic) go back where they were.
    const withoutOwn = applyUciOpsToText(text, ENGINE, mwan3Plan.ops);
    const order = origText !== null && appliedText !== null
      ? restoreRuleOrder(parseUciConfigFile(withoutOwn, ENGINE), parseUciConfigFile(origText, ENGINE), parseUciConfigFile(appliedText, ENGINE), 'sy_', restoreAdminEdits)
      : { ops: [], changes: [], movedSince: [] };
    const files = [{ name: ENGINE, baseText: text, newText: applyUciOpsToText(withoutOwn, ENGINE, order.ops) }];
    const movedSince: AdminEdit[] = order.movedSince.map((section) => ({ package: ENGINE, section, option: 'place among the rules', original: 'ahead of Switchyard’s rule', switchyard: 'below Switchyard’s rule', now: 'moved again since' }));
    const plans: RemovePlan[] = [{ ...mwan3Plan, changes: [...mwan3Plan.changes, ...order.changes], adminEdits: [...mwan3Plan.adminEdits, ...movedSince] }];
    const netOrig = await readOptional(mwan3Commands.readNetworkOriginal);
    if (netOrig !== null && origText !== null) {
      const networkText = await readConfigFile(mwan3Commands.catNetwork);
      const netApplied = await readOptional(mwan3Commands.readNetworkApplied);
      const netPlan = planRemove({
        current: parseUciConfigFile(networkText, 'network'),
        original: parseUciConfigFile(netOrig, 'network'),
        originalText: netOrig,
        applied: netApplied === null ? null : parseUciConfigFile(netApplied, 'network'),
        managed: wans.map((section) => ({ section, options: ['metric'] })),
        ownSections: false,
        restoreAdminEdits,
      });
      files.push({ name: 'network', baseText: networkText, newText: applyUciOpsToText(networkText, 'network', netPlan.ops) });
      plans.push(netPlan);
    }
    const hookText = await readOptional(mwan3Commands.catHook);
    return {
      hasOriginal: origText !== null,
      files,
      changes: [...plans.flatMap((p) => p.changes), ...(hookText !== null ? [`${conntrackHookPath}: delete Switchyard's connection-clearing hook`] : [])],
      adminEdits: plans.flatMap((p) => p.adminEdits),
      diff: [...files.map((f) => unifiedDiff(`/etc/config/${f.name}`, f.baseText, f.newText)), hookText !== null ? unifiedDiff(conntrackHookPath, hookText, '') : ''].filter((d) => d !== '').join('\n'),
      hookText,
    };
  }

  async function pendingUciChanges(): Promise<string> {
    return (await run(mwan3Commands.changesMwan3)).stdout.trim();
  }

  return {
    platform: 'openwrt-mwan3',
    capabilities,

    async readWans(): Promise<WanCandidate[]> {
      const ifaces = await readNetifd();
      let mwan3Names: string[] = [];
      if (facts.mwan3Installed) {
        const pkg = parseUciExport(await readMwan3Text(), 'mwan3');
        mwan3Names = readMwan3Config(pkg).config.interfaces.filter((i) => i.family === 'ipv4').map((i) => i.name);
      }
      const out = wanCandidatesFromDump(ifaces);
      // Uplinks mwan3 already knows that are down right now (no default route to find them by).
      for (const name of mwan3Names) {
        if (out.some((w) => w.name === name)) continue;
        const i = ifaces.find((x) => x.interface === name);
        if (!i) continue;
        const device = i.l3_device ?? i.device ?? name;
        out.push({ name, device, kind: guessWanKind({ device, name, proto: i.proto }).kind, ...(i.metric !== undefined ? { metric: i.metric } : {}), hasDefaultRoute: false });
      }
      return out;
    },

    async readPolicy(): Promise<FailoverPolicy | null> {
      const pkg = parseUciExport(await readMwan3Text(), 'mwan3');
      if (!findUciSection(pkg, switchyardPolicy)) return null;
      return mwan3ToPolicy(pkg, lookupFrom(await readNetifd()));
    },

    async readStatus(): Promise<RouterStatus> {
      const pkg = parseUciExport(await readMwan3Text(), 'mwan3');
      const { config } = readMwan3Config(pkg);
      const policy = findUciSection(pkg, switchyardPolicy) ? mwan3ToPolicy(pkg, () => undefined) : null;
      const statuses = await readInterfaceStatus();
      const pending = await apply.readPending();
      const forced = readForcedWan(pkg);
      const names = policy ? policy.wans.map((w) => w.name) : config.interfaces.filter((i) => i.enabled).map((i) => i.name);
      const stateOf = (name: string): Mwan3InterfaceStatus | undefined => statuses.find((s) => s.name === name);
      // mwan3 sends traffic to the online members with the lowest metric (mwan3.md §2).
      const active = new Set<string>();
      if (policy) {
        const online = (n: string): boolean => stateOf(n)?.state === 'online';
        if (forced !== null && online(forced)) active.add(forced);
        else if (forced === null) {
          const members = config.members.filter((m) => m.name.startsWith(switchyardMember('')) && m.interface !== null && names.includes(m.interface) && online(m.interface));
          const best = Math.min(...members.map((m) => m.metric));
          for (const m of members) if (m.metric === best) active.add(m.interface!);
        }
      }
      const wans: WanStatus[] = names.map((name) => {
        const s = stateOf(name);
        return {
          wan: name,
          state: s?.state ?? 'unknown',
          active: active.has(name),
          ...(s?.score !== null && s?.score !== undefined ? { score: s.score } : {}),
          targets: (s?.targets ?? []).map((t) => ({ target: t.ip, up: answering(t.status), ...(t.latencyMs ? { rttMs: t.latencyMs } : {}) })),
        };
      });
      return { enabled: policy !== null, mode: policy?.mode ?? null, forced: forced ?? 'auto', wans, pendingRevertAtMs: pending?.revertAtMs ?? null, events: [] };
    },

    async plan(desired: FailoverPolicy): Promise<ApplyPlan> {
      const text = await readConfigFile(mwan3Commands.catMwan3);
      const pkg = parseUciConfigFile(text, 'mwan3');
      const networkText = await readConfigFile(mwan3Commands.catNetwork);
      const network = parseUciConfigFile(networkText, 'network');
      const networkInterfaces = network.sections.filter((s) => s.type === 'interface' && s.name !== null && s.name !== 'loopback').map((s) => s.name!);
      const problems: string[] = [];
      const pendingChanges = await pendingUciChanges();
      if (pendingChanges) {
        problems.push(`mwan3 has uncommitted changes waiting in /tmp/.uci (from LuCI or uci set), which mwan3's scripts already see: ${pendingChanges.split('\n').join(', ')}. Apply or revert them on the router first.`);
      }
      const policyProblems = checkPolicyForMwan3(desired, { networkInterfaces, current: pkg });
      for (const w of desired.wans) {
        const m = w.tracking.method;
        // mwan3 falls back to ping without a word when the tool is missing (mwan3.md §1).
        if ((m === 'httping' && !facts.hasHttping) || (m === 'arping' && !facts.hasArping)) {
          policyProblems.push(`Uplink "${w.name}" tracks with ${m}, which is not installed on the router, so mwan3 would quietly use ping. Install it (opkg update && opkg install ${m}) or choose ping.`);
        }
      }
      if (policyProblems.length > 0) {
        return { platform: 'openwrt-mwan3', policy: desired, changes: [], nativeDiff: '', predictedFailoverSec: 0, problems: [...policyProblems, ...problems] };
      }
      const policy = normalizeMwan3Policy(desired);
      const { ops, after, placement } = policyToMwan3(pkg, policy);
      const metric = planMetricFix(network, policy.wans.map((w) => w.name));
      problems.push(...metric.problems, ...placement.problems);
      const managed = new Set([...policy.wans.map((w) => w.name), switchyardPolicy, switchyardForcedPolicy, ...policy.wans.map((w) => switchyardMember(w.name))]);
      for (const issue of validateMwan3Config(readMwan3Config(after).config, { networkInterfaces })) {
        const section = issue.path.split('.')[1] ?? '';
        if (issue.severity === 'error' && managed.has(section)) problems.push(issue.message);
      }
      bases.set(md5Of(text), text);
      const before = mwan3ToPolicy(pkg, lookupFrom([]));
      const changes = [...describeChanges(before, policy), ...placement.rules.flatMap(ruleChange), ...metric.changes.map((c): PlanChange => ({ kind: 'change', subject: `Routing metric of ${c.iface} in /etc/config/network (mwan3 needs a different one per uplink)`, ...(c.from !== null ? { from: c.from } : {}), to: c.to }))];
      const allOps = [...metric.ops, ...ops];
      const hookNow = await readOptional(mwan3Commands.catHook);
      const hookText = hookTextFor(policy);
      changes.push(...hookChanges(hookNow, hookText, pkg, policy));
      // The files as they will be, edited in place: the diff is exactly what changes on the router.
      const fileDiffs = [
        unifiedDiff('/etc/config/network', networkText, applyUciOpsToText(networkText, 'network', metric.ops)),
        unifiedDiff('/etc/config/mwan3', text, applyUciOpsToText(text, 'mwan3', ops)),
        unifiedDiff(conntrackHookPath, hookNow ?? '', hookText),
      ].filter((d) => d !== '');
      const nativeDiff = [
        ...(allOps.length || hookNow !== hookText ? ['# resulting changes', ...diffUciPackages(pkg, after).map(formatUciChange), ...metric.changes.map((c) => `network.${c.iface}.metric: ${c.from === null ? 'unset' : `'${c.from}'`} → '${c.to}'`), '', '# file changes (everything else in the files stays byte for byte)', ...fileDiffs] : ['# no change']),
        '',
        baseTrailerLine('mwan3', text),
        baseTrailerLine('network', networkText),
      ].join('\n');
      const prediction = predictPolicyFailover(policy, after);
      const ahead = [...placement.rules.filter((r) => r.choice === 'leave').map(leftAheadNote), ...placement.notes];
      const dampening = mwan3DampeningNote(policy, policyDampening(desired), readMwan3Config(after).config.interfaces);
      const notes = [...ahead, ...(dampening ? [dampening] : []), ...(facts.hasConntrack === false ? [noConntrackNote] : [])];
      const ruleLines = placement.rules.map((r) => `# ${r.rule} (${r.summary}): ${routerRuleWords[r.choice]}${r.choice === r.defaultChoice ? ' (default)' : ''}; choices: ${r.allowed.join(', ')}`);
      return {
        platform: 'openwrt-mwan3',
        policy,
        changes,
        ...(placement.rules.length ? { routerRules: placement.rules } : {}),
        nativeDiff: ruleLines.length ? `${nativeDiff}\n\n# the router's rules ahead of Switchyard's that send traffic elsewhere\n${ruleLines.join('\n')}` : nativeDiff,
        predictedFailoverSec: prediction.sec,
        predictedFailoverParts: prediction.parts,
        ...(notes.length ? { notes } : {}),
        problems,
      };
    },

    async commit(plan: ApplyPlan, opts: { revertInSec: number }): Promise<CommitResult> {
      if (plan.platform !== 'openwrt-mwan3') throw new SwitchyardError('invalid-input', `This plan is for ${plan.platform}, not OpenWrt mwan3.`);
      if (plan.problems.length > 0) throw new SwitchyardError('invalid-input', `The plan has problems and cannot be applied: ${plan.problems.join(' ')}`, { problems: [...plan.problems] });
      if (!Number.isInteger(opts.revertInSec) || opts.revertInSec < 10 || opts.revertInSec > 3600) {
        throw new SwitchyardError('invalid-input', `The revert timer must be a whole number of seconds from 10 to 3600, not ${opts.revertInSec}.`);
      }
      const baseMd5 = planBases(plan.nativeDiff);
      if (!baseMd5.mwan3 || !baseMd5.network) throw new SwitchyardError('invalid-input', 'This plan does not say which router config it was made from; plan again.');
      const text = await readConfigFile(mwan3Commands.catMwan3);
      if (md5Of(text) !== baseMd5.mwan3) throw conflictError('mwan3', bases.get(baseMd5.mwan3), text);
      if (await apply.readPending()) throw new SwitchyardError('conflict', 'Another change is waiting for confirmation on this router; confirm or roll it back before applying a new one.');
      const networkText = await readConfigFile(mwan3Commands.catNetwork);
      if (md5Of(networkText) !== baseMd5.network) {
        throw new SwitchyardError('conflict', '/etc/config/network was edited on the router since Switchyard read it; plan again.', { package: 'network' });
      }
      const pkg = parseUciConfigFile(text, 'mwan3');
      const network = parseUciConfigFile(networkText, 'network');
      const policy = normalizeMwan3Policy(plan.policy);
      const { ops } = policyToMwan3(pkg, policy);
      const metric = planMetricFix(network, policy.wans.map((w) => w.name));
      const revertAtMs = await apply.installFiles({
        files: [editFile('network', networkText, metric.ops), editFile('mwan3', text, ops)],
        ownFiles: [{ path: conntrackHookPath, baseText: await readOptional(mwan3Commands.catHook), newText: hookTextFor(policy) }],
        // mwan3 has just made its rules: the hook keeps each uplink's marks before any event.
        afterServices: [conntrackHookSeedCommand()],
        revertInSec: opts.revertInSec,
        captureOriginals: true,
      });
      return { revertAtMs };
    },

    confirm: () => apply.confirm(),
    rollback: () => apply.rollback(),

    async forceFailover(wan: string): Promise<void> {
      const text = await readConfigFile(mwan3Commands.catMwan3);
      const pkg = parseUciConfigFile(text, 'mwan3');
      const policy = mwan3ToPolicy(pkg, () => undefined);
      if (!policy) throw new SwitchyardError('conflict', 'Switchyard does not manage failover on this router yet, so there is nothing to force. Apply a policy first.');
      if (wan !== 'auto' && !policy.wans.some((w) => w.name === wan)) {
        throw new SwitchyardError('invalid-input', `"${wan}" is not one of the uplinks in the failover policy (${policy.wans.map((w) => w.name).join(', ')}).`);
      }
      if (await pendingUciChanges()) throw new SwitchyardError('conflict', 'mwan3 has uncommitted changes waiting in /tmp/.uci; apply or revert them on the router first.');
      const { ops } = policyToMwan3(pkg, policy, { forcedWan: wan === 'auto' ? null : wan });
      await apply.installFiles({ files: [editFile('mwan3', text, ops)], revertInSec: null, captureOriginals: false });
    },

    async planRemove(): Promise<RemovePreview> {
      const c = await computeRemove(false);
      return { changes: c.changes, nativeDiff: c.diff, adminEdits: c.adminEdits };
    },

    async remove(opts: { readonly restoreAdminEdits?: boolean } = {}): Promise<void> {
      const c = await computeRemove(opts.restoreAdminEdits === true);
      if (!c.hasOriginal) {
        // No original kept (enabled by an older Switchyard, or the files were deleted): take out
        // only the sections Switchyard owns and leave the user's as they are.
        await apply.installFiles({ files: c.files.filter((f) => f.name === ENGINE), ownFiles: [{ path: conntrackHookPath, baseText: c.hookText, newText: null }], revertInSec: null, captureOriginals: false, recordApplied: false });
        return;
      }
      const changed = c.files.filter((f) => f.newText !== f.baseText);
      const md5 = changed.length ? await apply.stageFiles(changed) : {};
      const packages = changed.map((f) => ({ name: f.name, baseMd5: md5sumLine(f.baseText), newMd5: md5[f.name]! }));
      const r = await run(fileRemoveScript({ engine: ENGINE, originals: ['network', ENGINE], packages, services: servicesFor(changed.map((f) => f.name)), deletePaths: [conntrackHookPath, conntrackHookStateDir] }), {
        expectExit: [0, noOriginalExit, ...Object.values(installExit)],
        timeoutMs: 120_000,
      });
      if (r.exitCode === noOriginalExit) throw new SwitchyardError('conflict', 'The record of the router before Switchyard disappeared while removing; nothing was changed. Try Remove again.');
      if (r.exitCode !== 0) throw new SwitchyardError(r.exitCode === installExit.stagedMismatch ? 'command-failed' : 'conflict', `Remove stopped and changed nothing: ${r.stderr.trim().replace(/^switchyard: /, '')}. Try Remove again.`, { exitCode: r.exitCode });
    },

    async readRouterEvents(sinceMs: number): Promise<RouterEvent[]> {
      if (!facts.mwan3Installed) return [];
      const r = await run(readMwan3EventsCommand());
      return parseMwan3Events(r.stdout, (options.nowMs ?? Date.now)(), sinceMs);
    },

    probeCommand(wan: WanCandidate, target: string, method: 'ping' | 'httping'): readonly string[] {
      // BusyBox ping: one probe a second by default, prints `seq=`, has no -O.
      const probe = method === 'ping' ? ['ping', target] : ['httping', '-i', '1', '-g', `http://${target}/`];
      if (facts.supportsUse) return ['mwan3', 'use', wan.name, ...probe];
      if (method === 'ping') return ['ping', '-I', wan.device, target];
      return [...probe, ...(wan.address ? ['-y', wan.address] : [])];
    },
  };
}

/** What a plan does with a router rule ahead of Switchyard's, in words (plan, diff, CLI). */
export const routerRuleWords: Readonly<Record<RouterRuleChoice, string>> = {
  leave: "left ahead of Switchyard's rule: that traffic keeps its own policy",
  disable: "moved below Switchyard's rule: disabled for Switchyard's traffic, so it follows your uplink order (IPv6 still uses it)",
  first: "Switchyard's rule placed above it: that traffic follows your uplink order",
};

function ruleChange(r: PlanRouterRule): PlanChange[] {
  if (r.choice === 'leave') return [];
  return [{ kind: 'change', subject: `Router rule "${r.rule}" (${r.summary})`, from: "ahead of Switchyard's rule", to: routerRuleWords[r.choice] }];
}

const leftAheadNote = (r: PlanRouterRule): string =>
  `The router's rule "${r.rule}" (${r.summary}) stays ahead of Switchyard's, as chosen, so that traffic does not follow your uplink order.`;

/** IPv4 uplinks in `ubus call network.interface dump`: interfaces with a default route. */
export function wanCandidatesFromDump(ifaces: readonly NetifdInterface[]): WanCandidate[] {
  return findUplinks(ifaces)
    .filter((u) => u.family === 'ipv4')
    .map((u) => {
      const [address, prefix] = (u.addresses[0] ?? '').split('/');
      const device = u.device ?? u.baseDevice ?? u.name;
      return {
        name: u.name,
        device,
        kind: guessWanKind({ device, name: u.name, proto: u.proto ?? undefined }).kind,
        ...(address ? { address, prefixLen: Number(prefix) } : {}),
        ...(u.gateway ? { gateway: u.gateway } : {}),
        ...(u.metric !== null ? { metric: u.metric } : {}),
        hasDefaultRoute: true,
      };
    });
}

/** Where netifd says each interface's traffic goes: device, a guessed kind, the gateway. */
export function uplinkLookupFromDump(ifaces: readonly NetifdInterface[]): UplinkLookup {
  return (name) => {
    const i = ifaces.find((x) => x.interface === name);
    if (!i) return undefined;
    const device = i.l3_device ?? i.device ?? name;
    const gw = findUplinks([i]).find((u) => u.family === 'ipv4')?.gateway ?? undefined;
    return { device, kind: guessWanKind({ device, name, proto: i.proto }).kind, gateway: gw ?? undefined };
  };
}

/** The md5 trailers plan() writes into nativeDiff, by package. */
export function planBases(nativeDiff: string): Record<string, string> {
  return Object.fromEntries([...nativeDiff.matchAll(baseTrailer)].map((m) => [m[1]!, m[2]!]));
}

export const baseTrailerLine = (pkg: string, text: string): string => `# switchyard-base ${pkg} md5=${md5Of(text)}`;

/** "wan 3/4 (75 %), wanb 1/4 (25 %)": how mwan3 splits new connections by weight. */
export function balanceShares(policy: FailoverPolicy): string {
  const enabled = policy.wans.filter((w) => w.enabled);
  const total = enabled.reduce((sum, w) => sum + w.weight, 0);
  return enabled.map((w) => `${w.name} ${w.weight}/${total} (${Math.round((w.weight / total) * 100)} %)`).join(', ');
}

/** The plan's change list in the user's words, from the policy mwan3 has to the one planned. */
export function describeChanges(before: FailoverPolicy | null, after: FailoverPolicy): PlanChange[] {
  const out: PlanChange[] = [];
  const label = (w: { name: string; device: string }): string => `${w.name} (${w.device})`;
  if (!before) {
    out.push({ kind: 'add', subject: `Failover managed by Switchyard (${after.mode})`, to: after.wans.map((w) => w.name).join(' → ') });
    return out;
  }
  if (before.mode !== after.mode) out.push({ kind: 'change', subject: 'Mode', from: before.mode, to: after.mode });
  if (before.forcedRefreshStreams !== after.forcedRefreshStreams) out.push({ kind: 'change', subject: 'Forced Refresh Streams', from: String(before.forcedRefreshStreams), to: String(after.forcedRefreshStreams) });
  for (const w of after.wans) {
    const old = before.wans.find((x) => x.name === w.name);
    if (!old) {
      out.push({ kind: 'add', subject: `Uplink ${label(w)}`, to: `priority ${w.priority}, weight ${w.weight}` });
      continue;
    }
    const fields: [string, string, string][] = [
      // In Load Balance every uplink shares one metric: the list order is no priority (issue 16 item 7).
      ...(after.mode === 'balance' ? [] : ([['priority', String(old.priority), String(w.priority)]] as [string, string, string][])),
      ['weight', String(old.weight), String(w.weight)],
      ['enabled', String(old.enabled), String(w.enabled)],
      ['tracking method', old.tracking.method, w.tracking.method],
      ['tracking targets', old.tracking.targets.join(', '), w.tracking.targets.join(', ')],
      ['targets that must answer', String(old.tracking.reliability), String(w.tracking.reliability)],
      ['check interval (s)', String(old.tracking.intervalSec), String(w.tracking.intervalSec)],
      ['interval while failing (s)', String(old.tracking.failureIntervalSec), String(w.tracking.failureIntervalSec)],
      ['probe timeout (s)', String(old.tracking.timeoutSec), String(w.tracking.timeoutSec)],
      ['failed checks before offline', String(old.tracking.downCount), String(w.tracking.downCount)],
      ['good checks before online', String(old.tracking.upCount), String(w.tracking.upCount)],
      ['latency threshold (ms)', String(old.tracking.latencyThresholdMs ?? 'off'), String(w.tracking.latencyThresholdMs ?? 'off')],
      ['loss threshold (%)', String(old.tracking.lossThresholdPct ?? 'off'), String(w.tracking.lossThresholdPct ?? 'off')],
    ];
    for (const [what, from, to] of fields) if (from !== to) out.push({ kind: 'change', subject: `${label(w)} ${what}`, from, to });
  }
  for (const w of before.wans) if (!after.wans.some((x) => x.name === w.name)) out.push({ kind: 'remove', subject: `Uplink ${w.name}` });
  const weightsChanged = after.wans.some((w) => before.wans.find((x) => x.name === w.name)?.weight !== w.weight);
  if (after.mode === 'balance' && (before.mode !== 'balance' || weightsChanged)) out.push({ kind: 'change', subject: 'Share of new connections (Load Balance)', ...(before.mode === 'balance' ? { from: balanceShares(before) } : {}), to: balanceShares(after) });
  return out;
}

/**
 * (The dampening asked comes from the user's policy: mwan3's normalised one does not carry it.)
 * mwan3 has no hold-down: an uplink is used again once it passed `up` good rounds, `recovery_interval`
 * apart, every time. Only those two can lengthen a return, and they lengthen every return, not only
 * a flapping link's; the note says so with the numbers this plan leaves on the router.
 */
function mwan3DampeningNote(policy: FailoverPolicy, asked: Dampening, interfaces: readonly Pick<Mwan3Interface, 'name' | 'up' | 'recoveryIntervalSec'>[]): string | null {
  const returns = policy.wans
    .filter((w) => w.enabled && w.tracking.method !== 'none')
    .map((w) => interfaces.find((i) => i.name === w.name))
    .filter((i) => i !== undefined)
    .map((i) => `${i.name} after ${i.up} good round${i.up === 1 ? '' : 's'} ${i.recoveryIntervalSec} s apart, ≈ ${i.up * i.recoveryIntervalSec} s`);
  return dampeningUnreachable(
    'mwan3',
    asked,
    returns,
    "Raising an uplink's 'up after' (mwan3's up) or its recovery_interval makes every return slower, not only a flapping link's, so Switchyard leaves them as set; each return moves connections only with Forced Refresh Streams on.",
  );
}

// The glinet-kmwan driver (GL.iNet firmware 4.x): shows kmwan's status always, and changes mode,
// priority and ratio only when /etc/config/kmwan matches the documented shape; else read-only.
import { SwitchyardError } from '../../../../shared/errors.ts';
import type { FailoverPolicy, Tracking, Wan } from '../../../../shared/model.ts';
import { shellCommand } from '../../transport/ssh/shell-quote.ts';
import type { ApplyPlan, CommitResult, DriverCapabilities, RouterDriver, RouterShell, RouterStatus, WanCandidate } from '../driver.ts';
import { noOriginalExit, removeScript } from './mwan3-apply-script.ts';
import { assessKmwanConfig, parseKmwanStatus, type KmwanAssessment, type KmwanConfig } from './kmwan.ts';
import { baseTrailerLine, describeChanges, planBases, uplinkLookupFromDump, wanCandidatesFromDump } from './openwrt-mwan3-driver.ts';
import type { UplinkLookup } from './mwan3-policy-map.ts';
import { parseNetworkInterfaceDump } from './ubus-network-dump.ts';
import { applyUciBatchOps, buildUciBatch, type UciBatchOp } from './uci/uci-batch.ts';
import { diffUciPackages, formatUciChange } from './uci/uci-diff.ts';
import { findUciOption, findUciSection, type UciPackage } from './uci/uci-model.ts';
import { parseUciExport } from './uci/uci-parse.ts';
import { conflictError, createSafeApply } from './uci-safe-apply.ts';

export const kmwanCommands = {
  procStatus: shellCommand(['cat', '/proc/gl-kmwan/status']),
  procConfig: shellCommand(['cat', '/proc/gl-kmwan/config']),
  exportKmwan: shellCommand(['uci', 'export', 'kmwan']),
  networkDump: shellCommand(['ubus', 'call', 'network.interface', 'dump']),
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
    'This GL.iNet firmware is read-only in Switchyard: its kmwan settings do not match the layout Switchyard knows, so Switchyard shows its status ' +
    `but does not change it. Use GL.iNet's web interface (Network → Multi-WAN) to change failover. ${reasons.join(' ')}`.trim()
  );
}

const ipv4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * kmwan's config in Switchyard's words. Tracking timings other than the interval are not in
 * kmwan's known options, so they carry Switchyard's display defaults (UNVERIFIED semantics).
 */
export function kmwanToPolicy(config: KmwanConfig, lookup: UplinkLookup): FailoverPolicy | null {
  const members = config.members.filter((m) => m.family === 'ipv4');
  if (!config.enabled || members.length === 0) return null;
  const intervalSec = config.sensitivityMs ? Math.max(1, Math.round(config.sensitivityMs / 1000)) : 5;
  const wans: Wan[] = members.map((m) => {
    const info = lookup(m.interface);
    const targets = m.tracks.filter((t) => ipv4.test(t.target)).map((t) => t.target).slice(0, 8);
    return {
      name: m.interface,
      device: info?.device ?? m.interface,
      kind: info?.kind ?? 'ethernet',
      ...(info?.gateway ? { gateway: info.gateway } : {}),
      priority: clamp(m.metric, 1, 64),
      weight: clamp(m.weight, 1, 100),
      enabled: !m.disabled && !(config.mode === 'balancing' && m.weight === 0),
      tracking: {
        method: targets.length === 0 ? 'none' : m.tracks[0]?.method === 'httping' ? 'httping' : 'ping',
        targets,
        reliability: 1,
        intervalSec,
        timeoutSec: 2,
        downCount: 3,
        upCount: 3,
        failureIntervalSec: intervalSec,
      },
    };
  });
  return { mode: config.mode === 'balancing' ? 'balance' : 'failover', wans: [...wans].sort((a, b) => a.priority - b.priority), forcedRefreshStreams: false };
}

/** Ops that set the global switch, mode, priority and ratio only; everything else stays as GL's UI left it. */
export function kmwanOps(pkg: UciPackage, config: KmwanConfig, policy: FailoverPolicy): { ops: UciBatchOp[]; problems: string[] } {
  const ops: UciBatchOp[] = [];
  const problems: string[] = [];
  const set = (section: string, option: string, value: string): void => {
    const s = findUciSection(pkg, section);
    const cur = s ? findUciOption(s, option) : undefined;
    if (cur?.kind === 'option' && cur.value === value) return;
    ops.push({ kind: 'set-option', package: 'kmwan', section, option, value });
  };
  // Enabling failover on kmwan is its global switch.
  if (!config.enabled) set('global', 'enable', '1');
  const mode = policy.mode === 'balance' ? 'balancing' : 'failover';
  if (mode !== config.mode) set('global', 'mode', mode);
  for (const w of policy.wans) {
    const m = config.members.find((x) => x.interface === w.name && x.family === 'ipv4');
    if (!m) {
      problems.push(`"${w.name}" is not one of kmwan's interfaces (${config.members.filter((x) => x.family === 'ipv4').map((x) => x.interface).join(', ')}); add it in GL.iNet's web interface first.`);
      continue;
    }
    if (m.metric !== w.priority) set(m.name, 'metric', String(w.priority));
    if (m.weight !== w.weight) set(m.name, 'weight', String(w.weight));
  }
  return { ops, problems };
}

const trackingKeys = ['method', 'targets', 'reliability', 'intervalSec', 'timeoutSec', 'downCount', 'upCount', 'failureIntervalSec', 'latencyThresholdMs', 'lossThresholdPct'] as const;
const sameTracking = (a: Tracking, b: Tracking): boolean => trackingKeys.every((k) => String(a[k]) === String(b[k]));

export type KmwanDriverOptions = {
  readonly assessment: KmwanAssessment;
  readonly nowMs?: () => number;
  readonly newToken?: () => string;
};

export function createKmwanDriver(shell: RouterShell, options: KmwanDriverOptions): RouterDriver {
  const readOnly = options.assessment.kind === 'read-only';
  const capabilities: DriverCapabilities = {
    supportsLoadBalance: !readOnly,
    trackMethods: ['ping', 'httping', 'none'],
    supportsRevertTimer: !readOnly,
    // GL's "Forced Refresh Streams" exists, but its option name is unknown (mwan3.md §8).
    supportsForcedRefreshStreams: false,
    supportsManualFailover: false,
    maxWans: 8,
    readOnly,
  };
  const apply = createSafeApply(shell, {
    engine: 'kmwan',
    serviceFor: () => [{ service: 'kmwan', verb: 'restart' }],
    originals: ['kmwan'],
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
    ...(options.newToken ? { newToken: options.newToken } : {}),
  });
  const bases = new Map<string, string>();

  async function readConfig(): Promise<{ text: string; pkg: UciPackage; assessment: KmwanAssessment }> {
    const text = (await shell.run(kmwanCommands.exportKmwan)).stdout;
    const pkg = parseUciExport(text, 'kmwan');
    return { text, pkg, assessment: assessKmwanConfig(pkg) };
  }
  const lookup = async (): Promise<UplinkLookup> => uplinkLookupFromDump(parseNetworkInterfaceDump((await shell.run(kmwanCommands.networkDump)).stdout));
  const unsupported = (what: string): SwitchyardError => new SwitchyardError('unsupported', `${what} is not available for GL.iNet kmwan in Switchyard; use GL.iNet's web interface.`);

  return {
    platform: 'glinet-kmwan',
    capabilities,

    async readWans(): Promise<WanCandidate[]> {
      return wanCandidatesFromDump(parseNetworkInterfaceDump((await shell.run(kmwanCommands.networkDump)).stdout));
    },

    async readPolicy(): Promise<FailoverPolicy | null> {
      const { assessment } = await readConfig();
      return assessment.config ? kmwanToPolicy(assessment.config, await lookup()) : null;
    },

    async readStatus(): Promise<RouterStatus> {
      const { assessment } = await readConfig();
      const status = parseKmwanStatus((await shell.run(kmwanCommands.procStatus)).stdout);
      const config = assessment.config;
      const pending = readOnly ? null : await apply.readPending();
      const metric = (name: string): number => config?.members.find((m) => m.interface === name)?.metric ?? Number.MAX_SAFE_INTEGER;
      const online = status.filter((s) => s.state === 'online');
      // Failover: the online member with the lowest metric; balance: every online member with a ratio.
      const best = Math.min(...online.map((s) => metric(s.name)));
      const active = new Set(
        config?.mode === 'balancing'
          ? online.filter((s) => (config.members.find((m) => m.interface === s.name)?.weight ?? 1) > 0).map((s) => s.name)
          : online.filter((s) => metric(s.name) === best).map((s) => s.name),
      );
      return {
        enabled: config?.enabled ?? false,
        mode: config?.enabled ? (config.mode === 'balancing' ? 'balance' : 'failover') : null,
        forced: 'auto',
        wans: status.map((s) => ({ wan: s.name, state: s.state, active: active.has(s.name), targets: s.targets.map((t) => ({ target: t.ip, up: s.online === true })) })),
        pendingRevertAtMs: pending?.revertAtMs ?? null,
        events: [],
      };
    },

    async plan(desired: FailoverPolicy): Promise<ApplyPlan> {
      const { text, pkg, assessment } = await readConfig();
      const empty = { platform: 'glinet-kmwan', policy: desired, changes: [], nativeDiff: '', predictedFailoverSec: 0 } as const;
      if (assessment.kind === 'read-only' || !assessment.config) return { ...empty, problems: [kmwanReadOnlyMessage(assessment.kind === 'read-only' ? assessment.reasons : [])] };
      const config = assessment.config;
      const { ops, problems } = kmwanOps(pkg, config, desired);
      const current = kmwanToPolicy(config, await lookup());
      // Only mode, priority and ratio are written; say so when the user asked for more.
      if (current) {
        for (const w of desired.wans) {
          const now = current.wans.find((x) => x.name === w.name);
          if (now && !sameTracking(now.tracking, w.tracking)) problems.push(`Tracking for ${w.name} is set in GL.iNet's web interface; Switchyard changes only mode, priority and ratio on kmwan.`);
        }
      }
      if (desired.forcedRefreshStreams) problems.push("Forced Refresh Streams on kmwan is set in GL.iNet's web interface (Switchyard does not know its setting).");
      const after = applyUciBatchOps(pkg, ops);
      bases.set(text, text);
      const planned: FailoverPolicy = { ...desired, wans: [...desired.wans].sort((a, b) => a.priority - b.priority) };
      return {
        platform: 'glinet-kmwan',
        policy: planned,
        changes: ops.length ? describeChanges(current, planned) : [],
        nativeDiff: [...(ops.length ? ['# uci batch', buildUciBatch(ops).trimEnd(), '', '# resulting changes', ...diffUciPackages(pkg, after).map(formatUciChange)] : ['# no change']), '', baseTrailerLine('kmwan', text)].join('\n'),
        predictedFailoverSec: config.sensitivityMs ? Math.round(config.sensitivityMs / 1000) : 0,
        problems,
      };
    },

    async commit(plan: ApplyPlan, opts: { revertInSec: number }): Promise<CommitResult> {
      if (readOnly || plan.platform !== 'glinet-kmwan') throw new SwitchyardError('unsupported', kmwanReadOnlyMessage([]));
      if (plan.problems.length > 0) throw new SwitchyardError('invalid-input', `The plan has problems and cannot be applied: ${plan.problems.join(' ')}`, { problems: [...plan.problems] });
      const base = planBases(plan.nativeDiff).kmwan;
      const { text, pkg, assessment } = await readConfig();
      if (!base) throw new SwitchyardError('invalid-input', 'This plan does not say which router config it was made from; plan again.');
      if (baseTrailerLine('kmwan', text) !== `# switchyard-base kmwan md5=${base}`) throw conflictError('kmwan', [...bases.values()].find((t) => baseTrailerLine('kmwan', t).endsWith(base)), text);
      if (assessment.kind === 'read-only' || !assessment.config) throw new SwitchyardError('unsupported', kmwanReadOnlyMessage(assessment.kind === 'read-only' ? assessment.reasons : []));
      if (await apply.readPending()) throw new SwitchyardError('conflict', 'Another change is waiting for confirmation on this router; confirm or roll it back before applying a new one.');
      const { ops } = kmwanOps(pkg, assessment.config, plan.policy);
      if (ops.length === 0) return { revertAtMs: null };
      const revertAtMs = await apply.install({ ops, expected: { kmwan: applyUciBatchOps(pkg, ops) }, baseText: { kmwan: text }, revertInSec: opts.revertInSec, captureOriginals: true });
      return { revertAtMs };
    },

    confirm: () => apply.confirm(),
    rollback: () => apply.rollback(),

    async forceFailover(): Promise<void> {
      throw unsupported('Manual failover');
    },

    async remove(): Promise<void> {
      if (readOnly) throw new SwitchyardError('unsupported', kmwanReadOnlyMessage([]));
      const r = await shell.run(removeScript({ engine: 'kmwan', originals: ['kmwan'], staged: [], services: [{ service: 'kmwan', verb: 'restart' }] }), { expectExit: [0, noOriginalExit], timeoutMs: 120_000 });
      if (r.exitCode === noOriginalExit) throw new SwitchyardError('not-found', 'Switchyard never changed kmwan on this router, so there is nothing to restore.');
    },

    probeCommand(wan: WanCandidate, target: string, method: 'ping' | 'httping'): readonly string[] {
      return method === 'ping' ? ['ping', '-I', wan.device, target] : ['httping', '-i', '1', '-g', `http://${target}/`, ...(wan.address ? ['-y', wan.address] : [])];
    },
  };
}


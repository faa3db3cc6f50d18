// The `linux` platform: plain Linux routers, where Switchyard brings the failover engine — the
// agent in resources/agent — and drives it over SSH. Every remote command is argv through the
// quoting layer; config and the agent itself travel on stdin, never inside a command line.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApplyPlan, RouterStatus, WanCandidate } from '../../../../shared/failover-schemas.ts';
import { SwitchyardError } from '../../../../shared/errors.ts';
import { predictFailoverSec } from '../../../../shared/failover-defaults.ts';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';
import { runDetection } from '../../detect/run-detection.ts';
import { guessWanKind } from '../../detect/guess-wan-kind.ts';
import { probeArgv } from '../../probes/probe-command.ts';
import { sh, shellCommand } from '../../transport/ssh/shell-quote.ts';
import type { RouterDriver, RouterShell } from '../driver.ts';
import { agentWanName, parseAgentConfig, renderAgentConfig } from './agent-config.ts';
import { agentRouterEvents, parseAgentLog } from './agent-events.ts';
import { parseAgentStatus, toRouterStatus } from './agent-status.ts';
import { describeChanges, lineDiff } from './policy-diff.ts';

export const agentPath = '/usr/local/sbin/switchyard-agent';
export const agentConfigPath = '/etc/switchyard/agent.conf';
/** The agent's event log (resources/agent/README.md: `<epoch-ms> <kind> <json>` lines). */
export const agentEventLogPath = '/var/lib/switchyard/events.log';

export interface LinuxDriverOptions {
  /** The agent script shipped with this Switchyard (resources/agent/switchyard-agent). */
  agentScriptPath: string;
  /** Detection facts: run commands through `sudo -n` when the login is not root. */
  facts?: Record<string, unknown> | null;
  nowMs?: () => number;
}

const disabledStatus: RouterStatus = { enabled: false, mode: null, forced: 'auto', wans: [], pendingRevertAtMs: null, events: [] };

export function createLinuxDriver(shell: RouterShell, options: LinuxDriverOptions): RouterDriver {
  const now = options.nowMs ?? Date.now;
  const needsSudo = (options.facts?.facts as { isRoot?: boolean | null } | undefined)?.isRoot === false;
  const asRoot = (argv: readonly string[]) => shellCommand(needsSudo ? ['sudo', '-n', ...argv] : argv);
  const agent = (...args: string[]) => asRoot([agentPath, ...args]);

  async function readConfigText(): Promise<string> {
    const result = await shell.run(asRoot(['cat', agentConfigPath]), { expectExit: 'any', timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout : '';
  }

  async function readWans(): Promise<WanCandidate[]> {
    return (await runDetection(shell)).uplinks.flatMap((u) =>
      u.device
        ? [
            {
              name: u.device,
              device: u.device,
              kind: u.kind,
              hasDefaultRoute: u.hasDefaultRoute,
              ...(u.address !== undefined && { address: u.address }),
              ...(u.prefixLen !== undefined && { prefixLen: u.prefixLen }),
              ...(u.gateway !== undefined && { gateway: u.gateway }),
              ...(u.suggestedGateway !== undefined && { suggestedGateway: u.suggestedGateway }),
              ...(u.metric !== undefined && { metric: u.metric }),
            },
          ]
        : [],
    );
  }

  /** Installs the agent when it is missing, differs from the one this Switchyard ships, or its
   * service is not running (install is idempotent: it upgrades or restarts in place). */
  async function ensureAgent(): Promise<void> {
    const script = readFileSync(options.agentScriptPath);
    const sha256 = createHash('sha256').update(script).digest('hex');
    const current = await shell.run(asRoot(['sha256sum', agentPath]), { expectExit: 'any', timeoutMs: 10_000 });
    if (current.exitCode === 0 && current.stdout.startsWith(sha256) && (await agentRunning())) return;
    const upload = `/tmp/switchyard-agent.${randomBytes(6).toString('hex')}`;
    await shell.run(sh.redirect(shellCommand(['cat']), { stdout: upload }), { stdin: script, timeoutMs: 30_000 });
    try {
      // The agent checks its own checksum before installing: a damaged upload is refused.
      await shell.run(asRoot(['sh', upload, 'install', '--sha256', sha256]), { timeoutMs: 30_000 });
    } finally {
      await shell.run(shellCommand(['rm', '-f', upload]), { expectExit: 'any', timeoutMs: 10_000 });
    }
  }

  /** A late confirm must not look like success when the router already reverted by itself. */
  async function requirePending(verb: string): Promise<void> {
    if ((await driver.readStatus()).pendingRevertAtMs !== null) return;
    throw new SwitchyardError('not-found', `Nothing is waiting for confirmation, so there is nothing to ${verb}: the router may already have restored the previous settings by itself. Check the current settings.`);
  }

  async function agentRunning(): Promise<boolean> {
    const result = await shell.run(agent('status', '0'), { expectExit: 'any', timeoutMs: 10_000 });
    return result.exitCode === 0 && /"running":true/.test(result.stdout);
  }

  async function agentInstalled(): Promise<boolean> {
    return (await shell.run(asRoot(['test', '-x', agentPath]), { expectExit: 'any', timeoutMs: 10_000 })).exitCode === 0;
  }

  const driver: RouterDriver = {
    platform: 'linux',
    capabilities: {
      supportsLoadBalance: true,
      trackMethods: ['ping', 'httping', 'arping', 'none'],
      supportsRevertTimer: true,
      supportsForcedRefreshStreams: true,
      supportsManualFailover: true,
      maxWans: 8,
      readOnly: false,
    },

    readWans,

    async readPolicy() {
      const text = await readConfigText();
      if (!text) return null;
      const wans = await readWans();
      const kinds = new Map(wans.map((w) => [w.device, w.kind]));
      return parseAgentConfig(text, (device) => kinds.get(device) ?? guessWanKind({ device }).kind);
    },

    async readStatus() {
      // 30 s: on a 2-core machine at load 19 one status read was measured above 10 s.
      const result = await shell.run(agent('status', '50'), { expectExit: 'any', timeoutMs: 30_000 });
      if (result.exitCode === 127 || /not found|No such file/.test(result.stderr)) return disabledStatus;
      if (result.exitCode !== 0) throw new SwitchyardError('command-failed', `switchyard-agent status failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
      return toRouterStatus(parseAgentStatus(result.stdout), now());
    },

    async readRouterEvents(sinceMs) {
      const sentMs = now();
      // The whole log (the agent trims it at 2 × eventLogLines, default 1000 lines).
      const result = await shell.run(agent('status', '1000'), { expectExit: 'any', timeoutMs: 20_000, maxOutputBytes: 4 * 1024 * 1024 });
      const receivedMs = now();
      if (result.exitCode === 127 || /not found|No such file/.test(result.stderr)) return [];
      if (result.exitCode !== 0) throw new SwitchyardError('command-failed', `switchyard-agent status failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
      const log = parseAgentLog(result.stdout);
      // The router's clock against ours, measured on this very read (error ≤ half its round trip).
      return agentRouterEvents(log.events, (sentMs + receivedMs) / 2 - log.nowMs, sinceMs);
    },

    followRouterEvents(onLine) {
      // -F follows the log across the agent's trims (it replaces the file) and its first creation.
      return shell.stream(asRoot(['tail', '-n', '0', '-F', agentEventLogPath]), { openTimeoutMs: 10_000, onLine: () => onLine() });
    },

    async plan(desired) {
      const [currentText, candidates] = await Promise.all([readConfigText(), readWans()]);
      const problems = policyProblems(desired, candidates);
      const nextText = renderAgentConfig(desired);
      const current = currentText ? parseAgentConfig(currentText, (device) => guessWanKind({ device }).kind) : null;
      const enabled = desired.wans.filter((w) => w.enabled);
      const predictions = enabled.map((w) => predictFailoverSec('linux', w.tracking) ?? 0);
      return {
        platform: 'linux',
        policy: desired,
        changes: describeChanges(current, desired),
        nativeDiff: lineDiff(currentText, nextText, agentConfigPath),
        predictedFailoverSec: predictions.length ? Math.max(...predictions) : 0,
        problems,
        basedOn: sha256(currentText),
      } satisfies ApplyPlan;
    },

    async commit(plan, { revertInSec }) {
      const currentText = await readConfigText();
      if (plan.basedOn !== undefined && sha256(currentText) !== plan.basedOn) {
        throw new SwitchyardError('conflict', `The failover settings on the router changed since this plan was made (edited by hand, or by another Switchyard). Nothing was applied. Review the new plan.\n${lineDiff(currentText, renderAgentConfig(plan.policy), agentConfigPath)}`);
      }
      await ensureAgent();
      const file = `/tmp/switchyard-conf.${randomBytes(6).toString('hex')}`;
      await shell.run(sh.redirect(shellCommand(['cat']), { stdout: file }), { stdin: renderAgentConfig(plan.policy), timeoutMs: 10_000 });
      try {
        const result = await shell.run(agent('apply', file, '--revert-in', String(revertInSec)), { expectExit: 'any', timeoutMs: 20_000 });
        if (result.exitCode === 2) {
          const reasons = result.stderr.split('\n').filter((l) => l.startsWith('error:')).map((l) => l.replace(/^error:\s*/, ''));
          throw new SwitchyardError('invalid-input', `The router refused the settings, nothing changed: ${reasons.join('; ')}`, { reasons });
        }
        if (result.exitCode !== 0) throw new SwitchyardError('command-failed', `switchyard-agent apply failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
      } finally {
        await shell.run(shellCommand(['rm', '-f', file]), { expectExit: 'any', timeoutMs: 10_000 });
      }
      return { revertAtMs: revertInSec > 0 ? now() + revertInSec * 1000 : null };
    },

    async confirm() {
      await requirePending('confirm');
      await shell.run(agent('confirm'), { timeoutMs: 10_000 });
    },

    async rollback() {
      await requirePending('roll back');
      await shell.run(agent('rollback'), { timeoutMs: 20_000 });
    },

    async forceFailover(wan) {
      if (wan !== 'auto' && !agentWanName.test(wan)) throw new SwitchyardError('invalid-input', `There is no uplink named ${JSON.stringify(wan)}.`);
      const result = await shell.run(agent('force', wan), { expectExit: 'any', timeoutMs: 10_000 });
      if (result.exitCode !== 0) throw new SwitchyardError('invalid-input', `The router refused to force ${wan}: ${result.stderr.trim()}`);
      // The daemon takes it within a tick; wait until its status says so, so the caller sees it.
      const deadline = now() + forceSettleMs;
      while (now() < deadline && (await driver.readStatus()).forced !== wan) await sleep(100);
    },

    async remove() {
      if (!(await agentInstalled())) return;
      const result = await shell.run(agent('remove'), { timeoutMs: 30_000 });
      if (/"routesRestored":false/.test(result.stdout)) {
        throw new SwitchyardError('command-failed', 'The agent was removed, but the routes differ from the snapshot taken before Switchyard enabled failover. Check `ip route` on the router.');
      }
    },

    probeCommand(wan, target, method) {
      return probeArgv({ flavor: method === 'httping' ? 'httping' : 'iputils', device: wan.device, target, intervalSec: 1, timeoutSec: 1 });
    },
  };
  return driver;
}

const forceSettleMs = 2_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Refusals before anything is sent, each saying what is wrong and what to do. */
export function policyProblems(policy: FailoverPolicy, candidates: readonly WanCandidate[]): string[] {
  const problems: string[] = [];
  const devices = new Map(candidates.map((c) => [c.device, c]));
  const seenDevices = new Set<string>();
  const targetOwner = new Map<string, string>();
  const priorities = new Map<number, string>();
  for (const wan of policy.wans) {
    if (!agentWanName.test(wan.name)) problems.push(`Uplink name "${wan.name}": use 1–15 letters, digits or _.`);
    const candidate = devices.get(wan.device);
    if (!candidate) problems.push(`${wan.name}: the router has no interface ${wan.device} (it has ${[...devices.keys()].join(', ') || 'none'}).`);
    if (seenDevices.has(wan.device)) problems.push(`${wan.device} is used by two uplinks.`);
    seenDevices.add(wan.device);
    if (wan.enabled) {
      const other = priorities.get(wan.priority);
      if (other) problems.push(`${wan.name} and ${other} have the same priority ${wan.priority}.`);
      priorities.set(wan.priority, wan.name);
    }
    problems.push(...gatewayProblems(wan, candidate));
    const t = wan.tracking;
    if ((t.method === 'ping' || t.method === 'httping') && t.targets.length === 0) problems.push(`${wan.name}: ${t.method} tracking needs at least one target address.`);
    if (t.method !== 'none' && t.reliability > Math.max(1, t.targets.length) && t.method !== 'arping') {
      problems.push(`${wan.name}: ${t.reliability} targets must answer, but only ${t.targets.length} are listed.`);
    }
    for (const target of t.targets) {
      const owner = targetOwner.get(target);
      if (owner && owner !== wan.name) problems.push(`${target} is a target of both ${owner} and ${wan.name}: give each uplink its own targets, or a failure of one path looks like a failure of both.`);
      targetOwner.set(target, wan.name);
    }
  }
  return problems;
}

function gatewayProblems(wan: Wan, candidate: WanCandidate | undefined): string[] {
  if (!wan.gateway) return candidate?.prefixLen !== undefined && candidate.prefixLen >= 31 ? [] : [`${wan.name}: enter the gateway of ${wan.device} (the address of the modem or upstream router on that link).`];
  if (!candidate?.address || candidate.prefixLen === undefined) return [];
  if (wan.gateway === candidate.address) return [`${wan.name}: ${wan.gateway} is the router's own address on ${wan.device}, not its gateway.`];
  const mask = candidate.prefixLen === 0 ? 0 : (~0 << (32 - candidate.prefixLen)) >>> 0;
  if ((toInt(wan.gateway) & mask) !== (toInt(candidate.address) & mask)) {
    return [`${wan.name}: the gateway ${wan.gateway} is outside ${wan.device}'s network ${candidate.address}/${candidate.prefixLen}.`];
  }
  return [];
}

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

// The `linux` platform: plain Linux routers, where Switchyard brings the failover engine — the
// agent in resources/agent — and drives it over SSH. Every remote command is argv through the
// quoting layer; config and the agent itself travel on stdin, never inside a command line.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { z } from 'zod';
import type { ApplyPlan, RouterStatus, WanCandidate } from '../../../../shared/failover-schemas.ts';
import type { UplinkCandidate } from '../../../../shared/detect-schemas.ts';
import { SwitchyardError } from '../../../../shared/errors.ts';
import { readClock, routerDeadlineToLocal, type ClockReading } from '../../../../shared/revert-clock.ts';
import { explainDampening, policyDampening, predictFailoverSec } from '../../../../shared/failover-defaults.ts';
import type { FailoverPolicy, Wan, WanKind } from '../../../../shared/model.ts';
import { readUplinkInterfaces, runDetection } from '../../detect/run-detection.ts';
import { guessWanKind } from '../../detect/guess-wan-kind.ts';
import { probeArgv } from '../../probes/probe-command.ts';
import { shellCommand } from '../../transport/ssh/shell-quote.ts';
import type { RouterDriver, RouterShell } from '../driver.ts';
import { agentWanName, parseAgentConfig, renderAgentConfig } from './agent-config.ts';
import { agentRouterEvents, parseAgentLog } from './agent-events.ts';
import { parseAgentStatus, toRouterStatus } from './agent-status.ts';
import { describeChanges, lineDiff } from './policy-diff.ts';
import { agentSnapshotPath, changeRoutingChanges, enableRoutingChanges, removeRoutingChanges } from './routing-preview.ts';
import { commitScript } from './commit-script.ts';
import { routerTempTemplates, sweepStaleTempScript } from './router-temp-files.ts';

export const agentPath = '/usr/local/sbin/switchyard-agent';
export const agentConfigPath = '/etc/switchyard/agent.conf';
/** The agent's event log (resources/agent/README.md: `<epoch-ms> <kind> <json>` lines). */
export const agentEventLogPath = '/var/lib/switchyard/events.log';

export interface LinuxDriverOptions {
  /** The agent script shipped with this Switchyard (resources/agent/switchyard-agent). */
  agentScriptPath: string;
  /** Detection facts: run commands through `sudo -n` when the login is not root. */
  facts?: Record<string, unknown> | null;
  /** The uplink kinds of a saved detection still current for this router: reading the policy
   * then needs no detection on the router (a second or more of the monitor's start). */
  detectedKinds?: ReadonlyMap<string, WanKind> | null;
  nowMs?: () => number;
}

const disabledStatus: RouterStatus = { enabled: false, mode: null, forced: 'auto', wans: [], pendingRevertAtMs: null, events: [] };

/** Connections whose router was already swept of stale temp files (a driver is made per use). */
const sweptShells = new WeakSet<RouterShell>();

export function createLinuxDriver(shell: RouterShell, options: LinuxDriverOptions): RouterDriver {
  const now = options.nowMs ?? Date.now;
  const needsSudo = (options.facts?.facts as { isRoot?: boolean | null } | undefined)?.isRoot === false;
  const asRoot = (argv: readonly string[]) => shellCommand(needsSudo ? ['sudo', '-n', ...argv] : argv);
  const agent = (...args: string[]) => asRoot([agentPath, ...args]);

  // On a new connection: remove the temp files an earlier session could not (killed, link lost).
  // Not awaited: nothing the user waits for depends on it, and it never fails a command.
  if (!sweptShells.has(shell)) {
    sweptShells.add(shell);
    shell.run(asRoot(['sh', '-c', sweepStaleTempScript]), { expectExit: 'any', timeoutMs: 30_000 }).catch(() => undefined);
  }

  /**
   * The agent's config ('' when none), and what the routing preview needs with it in the same
   * round trip: the main table's default routes, or Remove's snapshot. Sections follow markers
   * only this read knows, so a file's own lines cannot end one early.
   */
  async function readRoutingState(extra: 'routes' | 'snapshot'): Promise<{ installed: boolean; configText: string; extraText: string | null; rulesText: string | null }> {
    const nonce = randomBytes(8).toString('hex');
    const result = await shell.run(asRoot(['sh', '-c', routingStateScript, 'sh', agentPath, agentConfigPath, agentSnapshotPath, nonce, extra]), { expectExit: 'any', timeoutMs: 10_000 });
    const parts = markedSections(result.stdout, nonce);
    if (result.exitCode !== 0 || !parts.has('config')) throw new SwitchyardError('command-failed', `Reading the failover settings on the router failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    return { installed: parts.has('installed'), configText: parts.get('config') ?? '', extraText: parts.get(extra) ?? null, rulesText: parts.get('rules') ?? null };
  }

  async function readConfigText(): Promise<string> {
    const result = await shell.run(asRoot(['cat', agentConfigPath]), { expectExit: 'any', timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout : '';
  }

  async function readWans(): Promise<WanCandidate[]> {
    return toCandidates((await runDetection(shell)).uplinks);
  }

  function toCandidates(uplinks: readonly UplinkCandidate[]): WanCandidate[] {
    return uplinks.flatMap((u) =>
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

  /** Uploads and installs (or upgrades in place) the agent this Switchyard ships, in one round
   * trip whose upload a trap removes however the script ends. The agent checks its own checksum
   * before installing: a damaged or cut-off upload is refused. */
  async function installAgent(): Promise<void> {
    const script = readFileSync(options.agentScriptPath);
    await shell.run(asRoot(['sh', '-c', installScript, 'sh', routerTempTemplates.agentUpload, shippedAgentSha256()]), { stdin: script, timeoutMs: 60_000 });
  }

  function shippedAgentSha256(): string {
    return createHash('sha256').update(readFileSync(options.agentScriptPath)).digest('hex');
  }

  function nothingPending(verb: string): SwitchyardError {
    return new SwitchyardError('not-found', `Nothing is waiting for confirmation, so there is nothing to ${verb}: the router may already have restored the previous settings by itself. Check the current settings.`);
  }

  /** An agent command and then its status, in one round trip. */
  async function agentThenStatus(args: readonly string[], timeoutMs: number): Promise<{ result: { exitCode: number; stdout: string; stderr: string }; status: RouterStatus | undefined }> {
    const nonce = randomBytes(8).toString('hex');
    const sentMs = now();
    const result = await shell.run(asRoot(['sh', '-c', thenStatusScript, 'sh', agentPath, nonce, ...args]), { expectExit: 'any', timeoutMs });
    const receivedMs = now();
    const out = splitMarked(result.stdout, nonce);
    let status: RouterStatus | undefined;
    if (out.marker === 'status') {
      try {
        const parsed = parseAgentStatus(out.after);
        status = toRouterStatus(parsed, noteClock(readClock(parsed.nowMs, sentMs, receivedMs)));
      } catch {
        status = undefined;
      }
    }
    return { result: { exitCode: result.exitCode ?? -1, stdout: out.before, stderr: result.stderr }, status };
  }

  // The best recent reading of the router's clock: the one with the shortest round trip in the
  // last minute (a status read on a busy link can take seconds; a quick one is exact to ms).
  let clock: ClockReading | null = null;
  function noteClock(reading: ClockReading): ClockReading {
    if (!clock || reading.uncertaintyMs <= clock.uncertaintyMs || reading.measuredAtMs - clock.measuredAtMs > clockReadingMaxAgeMs) clock = reading;
    return clock;
  }

  /** The deadline apply reports in the router's clock, as the earliest local moment it can be.
   * Without a clock reading the apply's own round trip bounds it (it started no earlier than
   * `sentMs`); an older agent that prints no deadline gets `sentMs + revertInSec`. */
  function applyDeadline(stdout: string, sentMs: number, receivedMs: number, revertInSec: number): number {
    const lastLine = stdout.trim().split('\n').at(-1) ?? '';
    const parsed = agentApplySchema.safeParse(safeJson(lastLine));
    if (!parsed.success || parsed.data.deadlineMs === null || parsed.data.deadlineMs === undefined) return sentMs + revertInSec * 1000;
    const { nowMs, deadlineMs } = parsed.data;
    const own = readClock(nowMs, sentMs, receivedMs);
    const reading = clock && receivedMs - clock.measuredAtMs <= clockReadingMaxAgeMs && clock.uncertaintyMs < own.uncertaintyMs ? clock : own;
    return routerDeadlineToLocal(deadlineMs, reading);
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
      supportsStayOnBackup: true,
      supportsDampening: true,
      maxWans: 8,
      readOnly: false,
    },

    readWans,

    async readPolicy() {
      const text = await readConfigText();
      if (!text) return null;
      // The config names the devices; only their kinds come from detection. A device the saved
      // detection does not know (added on the router since) sends us to the router after all.
      const saved = options.detectedKinds;
      if (saved) {
        let unknownDevice = false;
        const policy = parseAgentConfig(text, (device) => saved.get(device) ?? ((unknownDevice = true), 'ethernet'));
        if (!unknownDevice) return policy;
      }
      const wans = await readWans();
      const kinds = new Map(wans.map((w) => [w.device, w.kind]));
      return parseAgentConfig(text, (device) => kinds.get(device) ?? guessWanKind({ device }).kind);
    },

    async readStatus() {
      const sentMs = now();
      // 30 s: on a 2-core machine at load 19 one status read was measured above 10 s.
      const result = await shell.run(agent('status', '50'), { expectExit: 'any', timeoutMs: 30_000 });
      const receivedMs = now();
      if (result.exitCode === 127 || /not found|No such file/.test(result.stderr)) return disabledStatus;
      if (result.exitCode !== 0) throw new SwitchyardError('command-failed', `switchyard-agent status failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
      const status = parseAgentStatus(result.stdout);
      return toRouterStatus(status, noteClock(readClock(status.nowMs, sentMs, receivedMs)));
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
      // The check needs each interface's name, address and prefix: the interface sections
      // alone, not a full detection with its gateway pings (most of a plan's time).
      const [{ configText: currentText, extraText: mainDefaults }, candidates] = await Promise.all([readRoutingState('routes'), readUplinkInterfaces(shell).then(toCandidates)]);
      const problems = policyProblems(desired, candidates);
      const nextText = renderAgentConfig(desired);
      const current = currentText ? parseAgentConfig(currentText, (device) => guessWanKind({ device }).kind) : null;
      const enabled = desired.wans.filter((w) => w.enabled);
      const predictions = enabled.map((w) => predictFailoverSec('linux', w.tracking) ?? 0);
      // The routing changes too (all of it at a first enable; priorities, mode and uplinks later):
      // said here, as the agent will do it.
      const addressOf = (device: string) => candidates.find((c) => c.device === device)?.address;
      const routing = current ? changeRoutingChanges(current, desired, addressOf) : enableRoutingChanges(desired, mainDefaults ?? '', addressOf);
      return {
        platform: 'linux',
        policy: desired,
        changes: [...describeChanges(current, desired), ...routing.changes],
        // The routes first: what a technician checks, ahead of the agent's long config file.
        nativeDiff: [routing.routesDiff, lineDiff(currentText, nextText, agentConfigPath)].filter(Boolean).join('\n\n'),
        predictedFailoverSec: predictions.length ? Math.max(...predictions) : 0,
        notes: [explainDampening(policyDampening(desired))],
        problems,
        basedOn: sha256(currentText),
      } satisfies ApplyPlan;
    },

    async commit(plan, { revertInSec }) {
      const config = renderAgentConfig(plan.policy);
      const agentSha256 = shippedAgentSha256();
      for (let attempt = 0; ; attempt++) {
        // One round trip: agent current and running, config unchanged since the plan, the new
        // config into a temp file (removed by a trap whatever happens), apply, then status.
        const nonce = randomBytes(8).toString('hex');
        const sentMs = now();
        const result = await shell.run(asRoot(['sh', '-c', commitScript, 'sh', agentPath, agentSha256, String(revertInSec), plan.basedOn ?? '-', agentConfigPath, nonce, sha256(config)]), {
          stdin: config,
          expectExit: 'any',
          timeoutMs: 30_000,
        });
        const receivedMs = now();
        const out = splitMarked(result.stdout, nonce);
        if (out.marker === 'needs-install') {
          if (attempt > 0) throw new SwitchyardError('command-failed', 'The agent was installed but does not run on the router. Check `switchyard-agent status` there, or remove failover and enable it again.');
          await installAgent();
          continue;
        }
        if (out.marker === 'incomplete') {
          throw new SwitchyardError('connection-lost', 'The new settings reached the router incomplete (the connection faltered during the upload). Nothing was changed on the router. Apply again.');
        }
        if (out.marker === 'conflict') {
          throw new SwitchyardError('conflict', `The failover settings on the router changed since this plan was made (edited by hand, or by another Switchyard). Nothing was applied. Review the new plan.\n${lineDiff(out.after, config, agentConfigPath)}`);
        }
        if (result.exitCode === 2) {
          const reasons = result.stderr.split('\n').filter((l) => l.startsWith('error:')).map((l) => l.replace(/^error:\s*/, ''));
          throw new SwitchyardError('invalid-input', `The router refused the settings, nothing changed: ${reasons.join('; ')}`, { reasons });
        }
        if (result.exitCode !== 0 || out.marker !== 'status') throw new SwitchyardError('command-failed', `switchyard-agent apply failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
        const revertAtMs = revertInSec > 0 ? applyDeadline(out.before, sentMs, receivedMs, revertInSec) : null;
        let status: RouterStatus | undefined;
        try {
          const parsed = parseAgentStatus(out.after);
          status = toRouterStatus(parsed, noteClock(readClock(parsed.nowMs, sentMs, receivedMs)));
        } catch {
          status = undefined; // verification reads it again
        }
        return { revertAtMs, ...(status && { status }) };
      }
    },

    async confirm() {
      const { result, status } = await agentThenStatus(['confirm'], 15_000);
      if (result.exitCode === agentMissingExit) throw nothingPending('confirm');
      if (result.exitCode !== 0) throw new SwitchyardError('conflict', `The router did not keep the new settings: ${result.stderr.replace(/^switchyard-agent: /, '').trim() || `exit ${result.exitCode}`}. Check the current settings.`);
      // A late confirm must not look like success when the router already reverted by itself.
      if (/"confirmed":null/.test(result.stdout)) throw nothingPending('confirm');
      return status;
    },

    async rollback() {
      const { result, status } = await agentThenStatus(['rollback'], 25_000);
      if (result.exitCode === agentMissingExit) throw nothingPending('roll back');
      if (result.exitCode !== 0) throw new SwitchyardError('command-failed', `switchyard-agent rollback failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
      if (/"reverted":false/.test(result.stdout)) throw nothingPending('roll back');
      return status;
    },

    async forceFailover(wan) {
      if (wan !== 'auto' && !agentWanName.test(wan)) throw new SwitchyardError('invalid-input', `There is no uplink named ${JSON.stringify(wan)}.`);
      const result = await shell.run(agent('force', wan), { expectExit: 'any', timeoutMs: 10_000 });
      if (result.exitCode !== 0) throw new SwitchyardError('invalid-input', `The router refused to force ${wan}: ${result.stderr.trim()}`);
      // The daemon takes it within a tick; wait until its status says so, so the caller sees it.
      // On a busy router (or laptop) a tick plus a status read can take seconds: wait on the
      // condition with a generous deadline, and say so if the daemon never took it.
      const deadline = now() + forceSettleMs;
      while ((await driver.readStatus()).forced !== wan) {
        if (now() >= deadline) {
          throw new SwitchyardError('command-failed', `The router accepted "force ${wan}", but its failover daemon had not taken it after ${forceSettleMs / 1000} s. Check that switchyard-agent is running (switchyard-agent status on the router), then try again.`);
        }
        await sleep(200);
      }
    },

    async planRemove() {
      const { installed, configText, extraText, rulesText } = await readRoutingState('snapshot');
      // Rules alone are no sign of Switchyard (an admin may use the same numbers), and Remove
      // runs the agent's own remove: without the agent there is nothing it could do.
      if (!installed && !configText && extraText === null) return { changes: [], nativeDiff: '', adminEdits: [] };
      const wanCount = new Set([...configText.matchAll(/^wan\.(\w+)\.device=/gm)].map((m) => m[1])).size;
      const routing = removeRoutingChanges(extraText, wanCount, rulesText);
      return {
        changes: [`Stop and delete Switchyard's agent (${agentPath}, ${posix.dirname(agentConfigPath)}, ${posix.dirname(agentSnapshotPath)}).`, ...routing.changes],
        nativeDiff: routing.routesAfter,
        adminEdits: [],
      };
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

const forceSettleMs = 20_000;

/**
 * $1 the agent, $2 its config, $3 its snapshot, $4 the nonce of the section markers, $5 what
 * else to read: `routes` (the main table's default routes) or `snapshot`. A missing file is
 * no section; the config section is always there (empty without a config).
 */
const routingStateScript = `nonce=$4
mark() { printf '\\n@@SY:%s:%s@@\\n' "$nonce" "$1"; }
[ -e "$1" ] && mark installed
mark config
cat "$2" 2>/dev/null
if [ "$5" = routes ]; then
  mark routes
  ip -4 route show table main default || exit 1
else
  if [ -f "$3" ]; then
    mark snapshot
    cat "$3" || exit 1
  fi
  mark rules
  ip -4 rule show || exit 1
fi
mark end
`;

/** stdout of a script that printed markedSections' markers: each section's text by name. */
function markedSections(stdout: string, nonce: string): Map<string, string> {
  const re = new RegExp(`\\n@@SY:${nonce}:([a-z-]+)@@\\n`, 'g');
  const out = new Map<string, string>();
  let name: string | null = null;
  let from = 0;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    if (name !== null) out.set(name, stdout.slice(from, m.index));
    name = m[1]!;
    from = m.index + m[0].length;
  }
  return out;
}

/** $1 mktemp template of the upload, $2 the sha256 the agent must have; the agent on stdin. */
const installScript = `f=$(mktemp "$1") || exit 1
trap 'rm -f "$f"' EXIT
trap 'exit 129' HUP INT TERM PIPE
cat > "$f" || exit 1
sh "$f" install --sha256 "$2"
`;

/** $1 agent path, $2 nonce, the rest the agent command; then the status after a marker. */
/** The shell's exit code for a command it cannot find: here, no agent installed, so nothing pending. */
const agentMissingExit = 127;
const thenStatusScript = `a=$1; n=$2; shift 2
"$a" "$@"; rc=$?
echo "@@SY:$n:status@@"
"$a" status 50
exit $rc
`;

/** stdout split at the last marker line with this nonce: what came before, the marker, what after. */
function splitMarked(stdout: string, nonce: string): { before: string; marker: string | null; after: string } {
  const re = new RegExp(`^@@SY:${nonce}:([a-z-]+)@@$`, 'gm');
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) last = m;
  if (!last) return { before: stdout, marker: null, after: '' };
  return { before: stdout.slice(0, last.index), marker: last[1] ?? null, after: stdout.slice(last.index + last[0].length + 1) };
}
const clockReadingMaxAgeMs = 60_000;

const agentApplySchema = z.object({ ok: z.literal(true), token: z.string(), nowMs: z.number(), deadlineMs: z.number().nullable().optional() }).passthrough();

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

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

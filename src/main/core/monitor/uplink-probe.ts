// One uplink's long-lived probe: streams the bound probe on the router, parses each line, and
// turns it into outcomes through the timer-based tracker. Restarts with backoff when the stream
// ends; gives up with a clear message when the tool is missing or not permitted.
import type { PlatformId } from '../../../shared/model.ts';
import type { RouterShell } from '../drivers/driver.ts';
import { parseProbeLine } from '../probes/ping-line-parser.ts';
import { diagnoseProbeExit } from '../probes/probe-tool-diagnosis.ts';
import { ProbeTracker, probeTrackerDefaults, type ProbeClock, type ProbeFlavor, type ProbeOutcome } from '../probes/probe-tracker.ts';
import type { StreamHandle } from '../transport/ssh/ssh-connection.ts';

export type UplinkProbeState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

export interface UplinkProbeOptions {
  readonly shell: Pick<RouterShell, 'stream'>;
  readonly argv: readonly string[];
  readonly flavor: ProbeFlavor;
  readonly device: string;
  readonly intervalSec: number;
  readonly timeoutSec: number;
  readonly slackMs: number;
  readonly clock: ProbeClock;
  readonly platform?: PlatformId;
  /** A new run of the tool began (sequence numbers restart). */
  readonly onRun: (startedMs: number, firstSeq: number) => void;
  readonly onOutcome: (outcome: ProbeOutcome) => void;
  readonly onState: (state: UplinkProbeState, message: string | null) => void;
}

const maxBackoffMs = 30_000;
/** A run this long proves the tool works: the next failure starts backing off from 1 s again. */
const healthyRunMs = 30_000;
/** Longest wait for the tool's first line before its probes are judged anyway: on a loaded
 * 2-core machine the exec over SSH was measured to take up to 7 s. */
const toolStartGraceMs = 20_000;

export class UplinkProbe {
  readonly #o: UplinkProbeOptions;
  #state: UplinkProbeState = 'starting';
  #message: string | null = null;
  #stopped = false;
  #handle: StreamHandle | undefined;
  #tracker: ProbeTracker | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: UplinkProbeOptions) {
    this.#o = options;
  }

  get state(): UplinkProbeState {
    return this.#state;
  }
  get message(): string | null {
    return this.#message;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the remote probe (its process group is killed, the pty hung up) and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#tracker?.stop();
    this.#wake?.();
    await this.#handle?.stop().catch(() => undefined);
    await this.#loop;
    this.#set('stopped', null);
  }

  #set(state: UplinkProbeState, message: string | null): void {
    if (state === this.#state && message === this.#message) return;
    this.#state = state;
    this.#message = message;
    this.#o.onState(state, message);
  }

  async #run(): Promise<void> {
    const o = this.#o;
    const tool = o.flavor === 'httping' ? 'httping' : 'ping';
    let backoffMs = 1000;
    while (!this.#stopped) {
      const defaults = probeTrackerDefaults(o.flavor);
      const tracker = new ProbeTracker({
        ...defaults,
        intervalSec: o.intervalSec,
        timeoutSec: o.timeoutSec,
        slackMs: o.slackMs,
        clock: o.clock,
        onOutcome: (outcome) => o.onOutcome(outcome),
      });
      this.#tracker = tracker;
      let sawProbeOutput = false;
      const otherLines: string[] = [];
      let startedMs = o.clock.nowMs();
      let trackerStarted = false;
      let fallbackTimer: unknown;
      // The tool's first probe leaves when it prints its header, which on a busy router comes
      // seconds after the SSH channel opened (measured: 1.8 s). A schedule anchored on the channel
      // would declare every probe lost just before its reply arrives.
      const startTracker = (): void => {
        if (trackerStarted || this.#stopped) return;
        trackerStarted = true;
        if (fallbackTimer !== undefined) o.clock.clearTimeout(fallbackTimer);
        startedMs = o.clock.nowMs();
        o.onRun(startedMs, defaults.firstSeq);
        tracker.start();
      };
      try {
        const handle = await o.shell.stream(o.argv, {
          openTimeoutMs: 10_000,
          onLine: (raw) => {
            const line = parseProbeLine(raw);
            if (line.kind === 'reply' || line.kind === 'header' || line.kind === 'no-answer' || line.kind === 'summary') {
              sawProbeOutput = true;
              startTracker();
            } else if (line.kind === 'unknown' || line.kind === 'error') {
              otherLines.push(raw);
              if (otherLines.length > 20) otherLines.shift();
            }
            if (sawProbeOutput && this.#state !== 'running') this.#set('running', null);
            tracker.push(line);
          },
        });
        this.#handle = handle;
        if (this.#stopped) {
          await handle.stop();
          break;
        }
        // A tool that prints nothing at all still gets its probes judged, from a late start.
        if (!trackerStarted) fallbackTimer = o.clock.setTimeout(startTracker, toolStartGraceMs);
        const exit = await handle.done;
        if (fallbackTimer !== undefined) o.clock.clearTimeout(fallbackTimer);
        tracker.stop();
        if (this.#stopped) break;
        const problem = diagnoseProbeExit({
          tool,
          exitCode: exit.exitCode,
          stderrText: otherLines.join('\n'),
          sawStdout: sawProbeOutput,
          device: o.device,
          ...(o.platform ? { platform: o.platform } : {}),
        });
        if (problem && problem.kind !== 'no-such-device') {
          // Retrying cannot install a tool or grant a capability: say so once and stay down.
          this.#set('failed', problem.message);
          return;
        }
        const why =
          problem?.message ??
          (exit.reason === 'connection-lost'
            ? 'the connection to the router dropped; probing resumes when it is back'
            : `${tool} on ${o.device} ended (exit ${exit.exitCode ?? exit.signal ?? 'unknown'})${otherLines.length ? `: ${otherLines.at(-1)}` : ''}; restarting`);
        this.#set('restarting', why);
      } catch (error) {
        if (fallbackTimer !== undefined) o.clock.clearTimeout(fallbackTimer);
        tracker.stop();
        if (this.#stopped) break;
        this.#set('restarting', `could not start ${tool} on ${o.device}: ${(error as Error).message}`);
      }
      if (o.clock.nowMs() - startedMs > healthyRunMs) backoffMs = 1000;
      await this.#sleep(backoffMs);
      backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimeout(done, ms);
      const wake = (): void => {
        this.#o.clock.clearTimeout(timer);
        done();
      };
      this.#wake = wake;
      function done(): void {
        resolve();
      }
    });
  }
}

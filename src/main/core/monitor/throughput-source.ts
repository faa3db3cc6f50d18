// Per-uplink rx/tx bits per second: SNMP (IF-MIB, v2c or v3) polled each second when configured,
// else — or once SNMP fails — one long-lived shell loop printing /proc/uptime and /proc/net/dev
// each second over the SSH connection already open (one channel, no per-second login).
import type { RouterShell } from '../drivers/driver.ts';
import type { Logger } from '../logger.ts';
import { netDevSamples } from '../probes/proc-net-dev-parser.ts';
import type { ProbeClock } from '../probes/probe-tracker.ts';
import { ThroughputMeter, type ThroughputResult } from '../transport/snmp/counter-rate.ts';
import { SnmpPoller } from '../transport/snmp/snmp-poller.ts';
import { sh } from '../transport/ssh/shell-quote.ts';
import type { StreamHandle } from '../transport/ssh/ssh-connection.ts';
import type { SnmpTarget } from './monitor-types.ts';

export type ThroughputSourceKind = 'snmp' | 'proc-net-dev' | 'none';

export interface ThroughputReading {
  /** Our clock when the counters were read; the rate covers about the second before it. */
  readonly atMs: number;
  /** Null: no honest rate for this interval (first sample, reboot, counters backwards, …). */
  readonly rxBps: number | null;
  readonly txBps: number | null;
  readonly gapReason?: string;
}

export interface ThroughputSourceOptions {
  readonly shell: Pick<RouterShell, 'stream'>;
  readonly devices: readonly string[];
  readonly snmp?: SnmpTarget | null;
  readonly clock: ProbeClock;
  readonly log?: Logger;
  /** Consecutive failed polls after which SNMP is given up for /proc/net/dev (the first poll failing is enough). */
  readonly snmpFailuresBeforeFallback?: number;
  readonly onNotes?: (notes: readonly string[]) => void;
}

const endMarker = 'switchyard-net-dev-end';
const keepReadings = 8;

export class ThroughputSource {
  readonly #o: ThroughputSourceOptions;
  readonly #readings = new Map<string, ThroughputReading[]>();
  #kind: ThroughputSourceKind = 'none';
  #notes: string[] = [];
  #poller: SnmpPoller | undefined;
  #snmpOk = false;
  #snmpFailures = 0;
  #polling = false;
  #timer: unknown;
  #wakeNetDev: (() => void) | undefined;
  #stream: StreamHandle | undefined;
  #streamLoop: Promise<void> | undefined;
  #stopped = false;

  constructor(options: ThroughputSourceOptions) {
    this.#o = options;
  }

  get kind(): ThroughputSourceKind {
    return this.#kind;
  }
  get notes(): readonly string[] {
    return this.#notes;
  }

  start(): void {
    if (this.#o.devices.length === 0) return;
    const snmp = this.#o.snmp;
    if (snmp) {
      this.#kind = 'snmp';
      this.#poller = new SnmpPoller({
        host: snmp.host,
        ...(snmp.port === undefined ? {} : { port: snmp.port }),
        credentials: snmp.credentials,
        interfaces: this.#o.devices,
        // Two tries inside one second, so a wrong community is known within ~1.6 s.
        timeoutMs: 800,
        retries: 1,
        // snmpd caches interface counters for a few seconds: 1 s rates would read 0, 0, spike.
        rateMinSpanMs: 3000,
        nowMs: () => this.#o.clock.nowMs(),
      });
      this.#scheduleSnmp();
    } else {
      this.#startNetDev();
    }
  }

  /** The reading whose time is closest to `atMs`, if one is within `withinMs`. */
  readingNear(device: string, atMs: number, withinMs = 1000): ThroughputReading | undefined {
    let best: ThroughputReading | undefined;
    for (const r of this.#readings.get(device) ?? []) {
      const d = Math.abs(r.atMs - atMs);
      if (d <= withinMs && (best === undefined || d < Math.abs(best.atMs - atMs))) best = r;
    }
    return best;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#poller?.close();
    this.#wakeNetDev?.();
    await this.#stream?.stop().catch(() => undefined);
    await this.#streamLoop;
  }

  #record(device: string, atMs: number, result: ThroughputResult): void {
    const reading: ThroughputReading =
      result.kind === 'rate' ? { atMs, rxBps: result.rxBps, txBps: result.txBps } : { atMs, rxBps: null, txBps: null, gapReason: result.reason };
    const list = this.#readings.get(device) ?? [];
    list.push(reading);
    if (list.length > keepReadings) list.shift();
    this.#readings.set(device, list);
  }

  #setNotes(notes: readonly string[]): void {
    if (notes.length === this.#notes.length && notes.every((n, i) => n === this.#notes[i])) return;
    this.#notes = [...notes];
    this.#o.onNotes?.(this.#notes);
  }

  #scheduleSnmp(): void {
    if (this.#stopped || this.#kind !== 'snmp') return;
    const now = this.#o.clock.nowMs();
    // On the second: the rate then covers the second the probes just described.
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#pollSnmp();
      this.#scheduleSnmp();
    }, 1000 - (now % 1000));
  }

  #pollSnmp(): void {
    const poller = this.#poller;
    // A slow agent must not pile up requests: skip this second instead.
    if (!poller || this.#polling) return;
    this.#polling = true;
    poller
      .poll()
      .then((result) => {
        if (this.#stopped) return;
        const atMs = this.#o.clock.nowMs();
        this.#snmpOk = true;
        this.#snmpFailures = 0;
        for (const i of result.interfaces) this.#record(i.name, atMs, i.throughput);
        this.#setNotes(result.notes);
      })
      .catch((error: unknown) => {
        if (this.#stopped) return;
        this.#snmpFailures++;
        const limit = this.#o.snmpFailuresBeforeFallback ?? 3;
        if (!this.#snmpOk || this.#snmpFailures >= limit) {
          const message = error instanceof Error ? error.message : String(error);
          this.#o.log?.warn(`SNMP failed, falling back to /proc/net/dev: ${message}`);
          this.#poller?.close();
          this.#poller = undefined;
          this.#startNetDev(`SNMP failed (${message}); throughput comes from /proc/net/dev over SSH instead`);
        }
      })
      .finally(() => {
        this.#polling = false;
      });
  }

  #startNetDev(note?: string): void {
    this.#kind = 'proc-net-dev';
    this.#setNotes(note ? [note] : []);
    this.#streamLoop = this.#runNetDev();
  }

  async #runNetDev(): Promise<void> {
    const meters = new Map(this.#o.devices.map((d) => [d, new ThroughputMeter()]));
    // A fixed script (no interpolated values): one shell sleeping on the router, a cat a second.
    const script = sh.script`while :; do cat /proc/uptime /proc/net/dev; echo ${endMarker}; sleep 1; done`;
    let backoffMs = 1000;
    while (!this.#stopped) {
      let block: string[] = [];
      try {
        const handle = await this.#o.shell.stream(script, {
          openTimeoutMs: 10_000,
          onLine: (line) => {
            if (line.trim() !== endMarker) {
              if (block.length < 200) block.push(line);
              return;
            }
            const atMs = this.#o.clock.nowMs();
            const samples = netDevSamples(block.join('\n'), atMs);
            block = [];
            for (const [device, meter] of meters) {
              const sample = samples?.get(device);
              this.#record(device, atMs, sample ? meter.update(sample) : { kind: 'gap', reason: 'no-data' });
              if (!sample) meter.reset();
            }
          },
        });
        this.#stream = handle;
        if (this.#stopped) {
          await handle.stop();
          return;
        }
        backoffMs = 1000;
        await handle.done;
      } catch (error) {
        this.#o.log?.warn(`/proc/net/dev stream could not start: ${(error as Error).message}`);
      }
      if (this.#stopped) return;
      for (const meter of meters.values()) meter.reset();
      await new Promise<void>((resolve) => {
        const timer = this.#o.clock.setTimeout(resolve, backoffMs);
        this.#wakeNetDev = () => {
          this.#o.clock.clearTimeout(timer);
          resolve();
        };
      });
      backoffMs = Math.min(30_000, backoffMs * 2);
    }
  }
}

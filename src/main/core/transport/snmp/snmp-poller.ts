// Polls one router's IF-MIB once per call over SNMP v2c or v3 (authPriv): sysUpTime, in/out
// octets and ifOperStatus of the uplinks, turned into rx/tx bits per second (or an honest gap).
import snmp from 'net-snmp';
import type { Session, Varbind } from 'net-snmp';
import { ThroughputMeter, uptimeDelta } from './counter-rate.ts';
import type { CounterBits, ThroughputResult } from './counter-rate.ts';
import { decodeCounter } from './counter-rate.ts';
import { SnmpAuthError, SnmpError, SnmpResponseError, SnmpTimeoutError } from './snmp-errors.ts';

export const oids = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInOctets: '1.3.6.1.2.1.2.2.1.10',
  ifOutOctets: '1.3.6.1.2.1.2.2.1.16',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
} as const;

export type SnmpCredentials =
  | { readonly version: '2c'; readonly community: string }
  | {
      readonly version: '3';
      readonly user: string;
      readonly authProtocol: 'sha' | 'sha256' | 'sha512' | 'md5';
      readonly authKey: string;
      /** DES is left out on purpose: Node ≥17 needs --openssl-legacy-provider for it. */
      readonly privProtocol: 'aes' | 'aes256b' | 'aes256r';
      readonly privKey: string;
    };

export interface SnmpPollerOptions {
  readonly host: string;
  readonly port?: number;
  readonly credentials: SnmpCredentials;
  /** Interface names as the router knows them (ifName, e.g. `eth1`, `wwan0`). */
  readonly interfaces: readonly string[];
  /** Per attempt; the whole request waits timeoutMs × (retries + 1). Keep it under the poll period. */
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** See ThroughputMeterOptions.minSpanMs. */
  readonly rateMinSpanMs?: number;
  /** Local monotonic ms; injected by tests. */
  readonly nowMs?: () => number;
}

export const ifOperStatuses = ['up', 'down', 'testing', 'unknown', 'dormant', 'notPresent', 'lowerLayerDown'] as const;
export type IfOperStatus = (typeof ifOperStatuses)[number];

export interface SnmpInterfaceReading {
  readonly name: string;
  readonly ifIndex: number | null;
  readonly operStatus: IfOperStatus | null;
  readonly counterBits: CounterBits | null;
  readonly throughput: ThroughputResult;
}

export interface SnmpPollResult {
  /** Local time of the answer (the nowMs clock). */
  readonly atMs: number;
  readonly uptimeCs: number;
  readonly interfaces: readonly SnmpInterfaceReading[];
  /** Things the user should know about this agent, e.g. the 32-bit counter fallback. */
  readonly notes: readonly string[];
}

export type SnmpPollerStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'ok'; readonly notes: readonly string[] }
  | { readonly kind: 'failed'; readonly error: SnmpError };

interface IfState {
  ifIndex: number | null;
  bits: CounterBits;
  meter: ThroughputMeter;
}

const noHcNote = (names: string) =>
  `the agent has no 64-bit IF-MIB counters (ifHCInOctets) for ${names}: using 32-bit ifInOctets/ifOutOctets, which wrap every 34 s at 1 Gbit/s`;

export class SnmpPoller {
  readonly #opts: SnmpPollerOptions;
  readonly #target: string;
  readonly #nowMs: () => number;
  readonly #ifs = new Map<string, IfState>();
  #session: Session | undefined;
  #discovered = false;
  #notes = new Set<string>();
  #prevUptime: { cs: number; localMs: number } | undefined;
  /** sysUpTime unwrapped past its 497-day wrap, in ms. */
  #uptimeMs = 0;
  #status: SnmpPollerStatus = { kind: 'idle' };

  constructor(opts: SnmpPollerOptions) {
    this.#opts = opts;
    this.#target = `${opts.host}:${opts.port ?? 161}`;
    this.#nowMs = opts.nowMs ?? (() => performance.now());
    for (const name of opts.interfaces) {
      this.#ifs.set(name, { ifIndex: null, bits: 64, meter: new ThroughputMeter({ minSpanMs: opts.rateMinSpanMs ?? 0 }) });
    }
  }

  get status(): SnmpPollerStatus {
    return this.#status;
  }

  /** ifName → ifIndex for the whole agent (falls back to ifDescr where there is no ifXTable). */
  async discover(): Promise<ReadonlyMap<string, number>> {
    return this.#track(async () => {
      let byName = await this.#walkNames(oids.ifName);
      if (byName.size === 0) {
        byName = await this.#walkNames(oids.ifDescr);
        if (byName.size > 0) this.#notes.add('the agent has no ifXTable (ifName): interfaces were matched by ifDescr');
      }
      for (const [name, st] of this.#ifs) {
        const ifIndex = byName.get(name) ?? null;
        if (ifIndex !== st.ifIndex) st.meter.reset();
        st.ifIndex = ifIndex;
      }
      this.#discovered = true;
      return byName;
    });
  }

  /** One GET of sysUpTime plus counters and status of every wanted interface. */
  async poll(): Promise<SnmpPollResult> {
    if (!this.#discovered) await this.discover();
    return this.#track(async () => {
      let result = await this.#pollOnce();
      if (result.rediscover) {
        // An interface vanished or HC counters were missing: retry once with fresh knowledge,
        // so the caller gets a baseline now instead of one poll later.
        await this.discover();
        result = await this.#pollOnce();
      }
      return result.value;
    });
  }

  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  async #track<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const value = await fn();
      this.#status = { kind: 'ok', notes: [...this.#notes] };
      return value;
    } catch (err) {
      const error = err instanceof SnmpError ? err : new SnmpResponseError(this.#target, String(err));
      this.#status = { kind: 'failed', error };
      throw error;
    }
  }

  async #pollOnce(): Promise<{ value: SnmpPollResult; rediscover: boolean }> {
    const wanted = [...this.#ifs.entries()].filter(([, st]) => st.ifIndex !== null);
    const request: string[] = [oids.sysUpTime];
    for (const [, st] of wanted) {
      const i = st.ifIndex as number;
      if (st.bits === 64) request.push(`${oids.ifHCInOctets}.${i}`, `${oids.ifHCOutOctets}.${i}`, `${oids.ifOperStatus}.${i}`);
      else request.push(`${oids.ifInOctets}.${i}`, `${oids.ifOutOctets}.${i}`, `${oids.ifOperStatus}.${i}`);
    }
    const vbs = await this.#get(request);
    const localMs = this.#nowMs();
    const up = vbs[0];
    if (up === undefined || snmp.isVarbindError(up) || typeof up.value !== 'number') {
      throw new SnmpResponseError(this.#target, 'no sysUpTime.0 in the answer');
    }
    const uptimeCs = up.value;
    let rebooted = false;
    const prev = this.#prevUptime;
    if (prev === undefined) {
      this.#uptimeMs = uptimeCs * 10;
    } else {
      const d = uptimeDelta(prev.cs, uptimeCs, localMs - prev.localMs);
      if (d.kind === 'ok') this.#uptimeMs += d.deltaCs * 10;
      else if (d.kind === 'reboot') {
        rebooted = true;
        this.#uptimeMs = uptimeCs * 10;
      }
    }
    this.#prevUptime = { cs: uptimeCs, localMs };

    let rediscover = false;
    const readings = new Map<string, SnmpInterfaceReading>();
    wanted.forEach(([name, st], k) => {
      const [inVb, outVb, operVb] = vbs.slice(1 + 3 * k, 4 + 3 * k);
      const operStatus = operVb !== undefined && !snmp.isVarbindError(operVb) ? operStatusName(operVb.value) : null;
      const countersMissing = isMissing(inVb) || isMissing(outVb);
      if (countersMissing) {
        if (operStatus === null) {
          // The index is gone (ppp/usb/wwan devices get a new one when they come back).
          rediscover = true;
          st.meter.reset();
          readings.set(name, { name, ifIndex: st.ifIndex, operStatus, counterBits: null, throughput: { kind: 'gap', reason: 'interface-changed' } });
        } else if (st.bits === 64) {
          st.bits = 32;
          st.meter.reset();
          this.#notes.add(noHcNote(name));
          rediscover = true;
          readings.set(name, { name, ifIndex: st.ifIndex, operStatus, counterBits: null, throughput: { kind: 'gap', reason: 'no-data' } });
        } else {
          readings.set(name, { name, ifIndex: st.ifIndex, operStatus, counterBits: null, throughput: { kind: 'gap', reason: 'no-data' } });
        }
        return;
      }
      const rx = decodeCounter(inVb?.value);
      const tx = decodeCounter(outVb?.value);
      if (rx === null || tx === null) {
        readings.set(name, { name, ifIndex: st.ifIndex, operStatus, counterBits: st.bits, throughput: { kind: 'gap', reason: 'no-data' } });
        return;
      }
      if (rebooted) st.meter.reset();
      const sample = { uptimeMs: this.#uptimeMs, localMs, rxOctets: rx, txOctets: tx, bits: st.bits };
      let throughput = st.meter.update(sample);
      if (rebooted) throughput = { kind: 'gap', reason: 'reboot' };
      readings.set(name, { name, ifIndex: st.ifIndex, operStatus, counterBits: st.bits, throughput });
    });
    const interfaces = [...this.#ifs.entries()].map(
      ([name, st]): SnmpInterfaceReading =>
        readings.get(name) ?? { name, ifIndex: st.ifIndex, operStatus: null, counterBits: null, throughput: { kind: 'gap', reason: 'no-data' } },
    );
    const missing = interfaces.filter((r) => r.ifIndex === null).map((r) => r.name);
    const notes = [...this.#notes];
    if (missing.length > 0) notes.push(`the agent reports no interface named ${missing.join(', ')}`);
    return { value: { atMs: localMs, uptimeCs, interfaces, notes }, rediscover };
  }

  #sessionFor(): Session {
    if (this.#session !== undefined) return this.#session;
    const { host, credentials } = this.#opts;
    const common = { port: this.#opts.port ?? 161, timeout: this.#opts.timeoutMs ?? 1500, retries: this.#opts.retries ?? 1, backoff: 1, transport: 'udp4' as const };
    const session =
      credentials.version === '2c'
        ? snmp.createSession(host, credentials.community, { ...common, version: snmp.Version2c })
        : snmp.createV3Session(
            host,
            {
              name: credentials.user,
              level: snmp.SecurityLevel.authPriv,
              authProtocol: snmp.AuthProtocols[credentials.authProtocol],
              authKey: credentials.authKey,
              privProtocol: snmp.PrivProtocols[credentials.privProtocol],
              privKey: credentials.privKey,
            },
            common,
          );
    // A socket error must not crash the app; the next request reports it.
    session.on('error', () => {
      this.close();
    });
    this.#session = session;
    return session;
  }

  #waitedMs(): number {
    return (this.#opts.timeoutMs ?? 1500) * ((this.#opts.retries ?? 1) + 1);
  }

  #mapError(err: Error): SnmpError {
    const { credentials } = this.#opts;
    if (err.name === 'RequestTimedOutError') return new SnmpTimeoutError(this.#target, credentials.version, this.#waitedMs());
    if (err.name === 'ResponseInvalidError' && (err as { code?: number }).code === snmp.ResponseInvalidCode.EAuthFailure) {
      return new SnmpAuthError(this.#target, credentials.version === '3' ? credentials.user : '(community)', err.message);
    }
    return new SnmpResponseError(this.#target, `${err.name}: ${err.message}`);
  }

  #get(request: readonly string[]): Promise<Varbind[]> {
    return new Promise((resolve, reject) => {
      try {
        this.#sessionFor().get([...request], (err, varbinds) => {
          if (err) reject(this.#mapError(err));
          else resolve(varbinds ?? []);
        });
      } catch (err) {
        reject(this.#mapError(err as Error));
      }
    });
  }

  #walkNames(columnOid: string): Promise<Map<string, number>> {
    return new Promise((resolve, reject) => {
      const byName = new Map<string, number>();
      try {
        this.#sessionFor().subtree(
          columnOid,
          20,
          (varbinds: Varbind[]) => {
            for (const vb of varbinds) {
              if (snmp.isVarbindError(vb)) continue;
              const ifIndex = Number(vb.oid.slice(columnOid.length + 1));
              const name = Buffer.isBuffer(vb.value) ? vb.value.toString('utf8') : String(vb.value);
              if (Number.isSafeInteger(ifIndex) && !byName.has(name)) byName.set(name, ifIndex);
            }
          },
          (err: Error | null) => {
            if (err) reject(this.#mapError(err));
            else resolve(byName);
          },
        );
      } catch (err) {
        reject(this.#mapError(err as Error));
      }
    });
  }
}

function isMissing(vb: Varbind | undefined): boolean {
  return vb === undefined || snmp.isVarbindError(vb);
}

function operStatusName(value: unknown): IfOperStatus | null {
  return typeof value === 'number' && value >= 1 && value <= 7 ? ifOperStatuses[value - 1] : null;
}

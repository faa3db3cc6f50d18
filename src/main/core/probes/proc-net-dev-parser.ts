// Parses Linux /proc/net/dev (and /proc/uptime), the throughput source when SNMP is not configured
// or fails: one `cat /proc/uptime /proc/net/dev` over the SSH connection already open.
import type { CounterSample } from '../transport/snmp/counter-rate.ts';

export interface NetDevCounters {
  readonly rxBytes: bigint;
  readonly rxPackets: bigint;
  readonly txBytes: bigint;
  readonly txPackets: bigint;
}

/**
 * Interface name → counters. Lines that do not have the 16 numeric columns are skipped (the two
 * header lines, and anything else a shell printed). Counters are 64-bit on every kernel since
 * 2.6.36, so they are BigInt.
 */
export function parseProcNetDev(text: string): Map<string, NetDevCounters> {
  const out = new Map<string, NetDevCounters>();
  for (const line of text.split('\n')) {
    // The name may run into the first number when it is long: `  eth0:1234 ...`.
    const m = /^\s*([^\s:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const fields = m[2].trim().split(/\s+/);
    if (fields.length < 16 || !fields.every((f) => /^\d+$/.test(f))) continue;
    out.set(m[1], {
      rxBytes: BigInt(fields[0]),
      rxPackets: BigInt(fields[1]),
      txBytes: BigInt(fields[8]),
      txPackets: BigInt(fields[9]),
    });
  }
  return out;
}

/** `/proc/uptime` is `12345.67 23456.78` (seconds since boot, idle); null if not that shape. */
export function parseProcUptimeMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*$/m.exec(text);
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

/**
 * Output of `cat /proc/uptime /proc/net/dev` → one counter sample per interface. The router's
 * uptime (not its wall clock, not ours) times the interval, so a router clock jump changes nothing
 * and a reboot shows as uptime going back. Null when the uptime line is missing.
 */
export function netDevSamples(text: string, localMs: number): Map<string, CounterSample> | null {
  const uptimeMs = parseProcUptimeMs(text.split('\n', 1)[0] ?? '');
  if (uptimeMs === null) return null;
  const out = new Map<string, CounterSample>();
  for (const [name, c] of parseProcNetDev(text)) {
    out.set(name, { uptimeMs, localMs, rxOctets: c.rxBytes, txOctets: c.txBytes, bits: 64 });
  }
  return out;
}

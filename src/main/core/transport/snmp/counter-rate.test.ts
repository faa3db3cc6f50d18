import { describe, expect, it } from 'vitest';
import { counterDelta, decodeCounter, throughputBetween, ThroughputMeter, uptimeDelta } from './counter-rate.ts';
import type { CounterSample } from './counter-rate.ts';

const sample = (uptimeMs: number, rx: bigint, tx: bigint, bits: 32 | 64 = 64, localMs = uptimeMs): CounterSample => ({
  uptimeMs,
  localMs,
  rxOctets: rx,
  txOctets: tx,
  bits,
});

describe('decodeCounter', () => {
  it('decodes net-snmp’s variable-length Counter64 buffers', () => {
    expect(decodeCounter(Buffer.from([]))).toBe(0n);
    expect(decodeCounter(Buffer.from([0x00, 0xa4, 0x67, 0xd9]))).toBe(0xa467d9n); // as seen from snmpd
    expect(decodeCounter(Buffer.from('ffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    expect(decodeCounter(Buffer.from('00ffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    expect(decodeCounter(Buffer.from('010000000000000000', 'hex'))).toBeNull();
    expect(decodeCounter(10774489)).toBe(10774489n);
    expect(decodeCounter(-1)).toBeNull();
    expect(decodeCounter(null)).toBeNull();
    expect(decodeCounter('12')).toBeNull();
  });
});

describe('counterDelta', () => {
  it('wraps modulo 2^64 and 2^32', () => {
    expect(counterDelta(10n, 25n, 64)).toEqual({ kind: 'ok', delta: 15n, wrapped: false });
    expect(counterDelta(2n ** 64n - 10n, 5n, 64)).toEqual({ kind: 'ok', delta: 15n, wrapped: true });
    expect(counterDelta(2n ** 32n - 100n, 50n, 32)).toEqual({ kind: 'ok', delta: 150n, wrapped: true });
  });

  it('calls a drop that is no plausible wrap "backwards"', () => {
    expect(counterDelta(1_000_000_000_000n, 5n, 64)).toEqual({ kind: 'backwards' });
    expect(counterDelta(100n, 99n, 64)).toEqual({ kind: 'backwards' });
    expect(counterDelta(1_000_000_000n, 5n, 32)).toEqual({ kind: 'backwards' });
  });

  it('accepts a 32-bit wrap inside a 64-bit field (drivers that keep 32-bit counters)', () => {
    expect(counterDelta(2n ** 32n - 100n, 50n, 64)).toEqual({ kind: 'ok', delta: 150n, wrapped: true });
  });
});

describe('uptimeDelta', () => {
  it('tells a reboot from the 497-day TimeTicks wrap', () => {
    expect(uptimeDelta(1000, 1100, 1000)).toEqual({ kind: 'ok', deltaCs: 100 });
    expect(uptimeDelta(2 ** 32 - 50, 50, 1000)).toEqual({ kind: 'ok', deltaCs: 100 });
    expect(uptimeDelta(500_000, 120, 1000)).toEqual({ kind: 'reboot' });
    expect(uptimeDelta(500, 500, 1000)).toEqual({ kind: 'stalled' });
  });
});

describe('throughputBetween and ThroughputMeter', () => {
  it('computes bits per second over router time', () => {
    expect(throughputBetween(sample(10_000, 0n, 0n), sample(12_000, 250_000n, 125_000n))).toEqual({
      kind: 'rate',
      rxBps: 1_000_000,
      txBps: 500_000,
      intervalSec: 2,
      wrapped: false,
    });
  });

  it('is immune to a router wall-clock jump (only uptime counts) but not to absurd timing', () => {
    // Local time says 1 s passed, router uptime says 1.01 s: fine.
    expect(throughputBetween(sample(0, 0n, 0n, 64, 0), sample(1010, 1010n, 0n, 64, 1000)).kind).toBe('rate');
    // Router uptime says 1 h passed in 1 s of ours: no rate.
    expect(throughputBetween(sample(0, 0n, 0n, 64, 0), sample(3_600_000, 10n, 0n, 64, 1000))).toEqual({ kind: 'gap', reason: 'time-mismatch' });
  });

  it('leaves a gap for a reboot, counters going back, stalled uptime and width changes', () => {
    const m = new ThroughputMeter();
    expect(m.update(sample(100_000, 1000n, 1000n))).toEqual({ kind: 'gap', reason: 'first-sample' });
    expect(m.update(sample(101_000, 2000n, 2000n))).toMatchObject({ kind: 'rate', rxBps: 8000 });
    expect(m.update(sample(1_000, 10n, 10n, 64, 102_000))).toEqual({ kind: 'gap', reason: 'reboot' });
    expect(m.update(sample(2_000, 1010n, 10n, 64, 103_000))).toMatchObject({ kind: 'rate', rxBps: 8000, txBps: 0 });
    expect(m.update(sample(3_000, 5n, 10n, 64, 104_000))).toEqual({ kind: 'gap', reason: 'counter-backwards' });
    expect(m.update(sample(4_000, 1005n, 10n, 64, 105_000))).toMatchObject({ kind: 'rate', rxBps: 8000 });
    expect(m.update(sample(4_000, 1005n, 10n, 64, 105_100))).toEqual({ kind: 'gap', reason: 'uptime-stalled' });
    // The stalled sample did not replace the baseline: this rate spans 4 s → 5 s.
    expect(m.update(sample(5_000, 2005n, 10n, 64, 106_000))).toMatchObject({ kind: 'rate', rxBps: 8000, intervalSec: 1 });
    expect(m.update(sample(6_000, 3005n, 10n, 32, 107_000))).toEqual({ kind: 'gap', reason: 'counter-width-changed' });
  });

  it('with minSpanMs rates over a longer span (smooths a caching agent’s 0, 0, spike pattern)', () => {
    const m = new ThroughputMeter({ minSpanMs: 3000 });
    const rx = [0n, 0n, 0n, 3000n, 3000n, 3000n, 6000n];
    const out = rx.map((r, k) => m.update(sample(k * 1000, r, 0n)));
    expect(out.map((o) => (o.kind === 'rate' ? o.rxBps : o.reason))).toEqual(['first-sample', 0, 0, 8000, 8000, 8000, 8000]);
  });
});

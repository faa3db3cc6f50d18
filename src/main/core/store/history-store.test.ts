import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorSample } from '../../../shared/api/monitor-schemas.ts';
import { ensureHistorySchema, HistoryStore, type MinuteRollup } from './history-store.ts';

const T0 = 1_800_000_000_000; // a whole minute
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function memoryStore(): HistoryStore {
  const db = new DatabaseSync(':memory:');
  ensureHistorySchema(db);
  return new HistoryStore(db);
}

function sample(wan: string, atMs: number, latencyMs: number | null, rxBps: number | null = 1000): MonitorSample {
  return {
    routerId: 'r1',
    wan,
    atMs,
    latencyMs,
    latencyMinMs: latencyMs,
    latencyMaxMs: latencyMs,
    latencyP95Ms: latencyMs,
    jitterMs: latencyMs === null ? null : 0.5,
    jitterMasdMs: latencyMs === null ? null : 0.5,
    lossPct: latencyMs === null ? 100 : 0,
    rxBps,
    txBps: rxBps === null ? null : rxBps / 10,
    sent: 1,
    received: latencyMs === null ? 0 : 1,
  };
}

function minuteOf(samples: readonly MonitorSample[], atMs: number): MinuteRollup {
  const inMinute = samples.filter((s) => s.atMs >= atMs && s.atMs < atMs + 60_000);
  const lat = inMinute.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
  const rx = inMinute.flatMap((s) => (s.rxBps === null ? [] : [s.rxBps]));
  const sent = inMinute.reduce((a, s) => a + s.sent, 0);
  const received = inMinute.reduce((a, s) => a + s.received, 0);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    ...sample(inMinute[0]?.wan ?? 'eth1', atMs, mean(lat)),
    latencyMinMs: lat.length ? Math.min(...lat) : null,
    latencyMaxMs: lat.length ? Math.max(...lat) : null,
    lossPct: sent ? (100 * (sent - received)) / sent : null,
    rxBps: mean(rx),
    txBps: null,
    rxMinBps: rx.length ? Math.min(...rx) : null,
    rxMaxBps: rx.length ? Math.max(...rx) : null,
    txMinBps: null,
    txMaxBps: null,
    sent,
    received,
  };
}

describe('HistoryStore queries', () => {
  it('returns at most maxPoints per series and keeps every minimum and maximum (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0.1, max: 5000, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 10, max: 2000 }),
        (latencies, maxPoints) => {
          const store = memoryStore();
          const samples = latencies.map((l, k) => sample('eth1', T0 + k * 1000, l, l === null ? null : l * 100));
          store.addSamples(samples);
          const r = store.query({ routerId: 'r1', fromMs: T0, toMs: T0 + latencies.length * 1000, maxPoints }, T0 + 3_600_000);
          const points = r.series[0]?.points ?? [];
          expect(points.length).toBeLessThanOrEqual(maxPoints);
          const values = latencies.filter((l): l is number => l !== null);
          const mins = points.flatMap((p) => (p.latencyMinMs === null ? [] : [p.latencyMinMs]));
          const maxs = points.flatMap((p) => (p.latencyMaxMs === null ? [] : [p.latencyMaxMs]));
          if (values.length === 0) {
            expect(mins).toEqual([]);
          } else {
            expect(Math.min(...mins)).toBe(Math.min(...values));
            expect(Math.max(...maxs)).toBe(Math.max(...values));
            expect(Math.max(...points.flatMap((p) => (p.rxMaxBps === null ? [] : [p.rxMaxBps])))).toBe(Math.max(...values) * 100);
          }
          // Probes are never invented or lost by downsampling.
          expect(points.reduce((a, p) => a + p.sent, 0)).toBe(latencies.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps a gap a gap: null latency where nothing answered, no point where nothing ran', () => {
    const store = memoryStore();
    store.addSamples([sample('eth1', T0, 10), sample('eth1', T0 + 1000, null), sample('eth1', T0 + 5000, 12)]);
    const r = store.query({ routerId: 'r1', fromMs: T0, toMs: T0 + 10_000 }, T0 + 10_000);
    expect(r.resolution).toBe('second');
    expect(r.stepMs).toBe(1000);
    expect(r.series[0]?.points.map((p) => [p.atMs - T0, p.latencyMs, p.lossPct])).toEqual([
      [0, 10, 0],
      [1000, null, 100],
      [5000, 12, 0],
    ]);
  });

  it('answers long windows from the minute roll-ups, with the seconds not rolled up yet as the tail', () => {
    const store = memoryStore();
    const seconds: MonitorSample[] = [];
    for (let k = 0; k < 3 * 3600; k++) seconds.push(sample('eth1', T0 + k * 1000, 10 + (k % 60), 1000 + k));
    const rolled = [];
    // The last minute is still "open": only its seconds exist.
    for (let m = 0; m < 179; m++) rolled.push(minuteOf(seconds, T0 + m * 60_000));
    store.addSamples(seconds, rolled);
    const now = T0 + 3 * 3600_000;
    const r = store.query({ routerId: 'r1', fromMs: T0 - 24 * 3600_000 + 3 * 3600_000, toMs: now }, now);
    expect(r.resolution).toBe('minute');
    const points = r.series[0]?.points ?? [];
    expect(points.length).toBeLessThanOrEqual(2000);
    expect(points.at(-1)?.atMs).toBe(T0 + 179 * 60_000);
    expect(Math.min(...points.map((p) => p.latencyMinMs ?? Infinity))).toBe(10);
    expect(Math.max(...points.map((p) => p.latencyMaxMs ?? -Infinity))).toBe(69);
    expect(Math.max(...points.map((p) => p.rxMaxBps ?? -Infinity))).toBe(1000 + 3 * 3600 - 1);
    expect(points.reduce((a, p) => a + p.sent, 0)).toBe(3 * 3600);
  });

  it('weighs a bucket\'s rolled-up minute and its newer seconds by what each stands for', () => {
    const store = memoryStore();
    // A 2-minute bucket: one minute rolled up (10 ms, 1,000 bit/s), then 20 seconds not rolled
    // up yet (40 ms, 4,000 bit/s). Its mean is over the 80 seconds, not the two parts.
    const first = Array.from({ length: 60 }, (_, k) => sample('eth1', T0 + k * 1000, 10, 1000));
    const newer = Array.from({ length: 20 }, (_, k) => sample('eth1', T0 + 60_000 + k * 1000, 40, 4000));
    store.addSamples([...first, ...newer], [minuteOf(first, T0)]);
    const nowMs = T0 + 80_000;
    const r = store.query({ routerId: 'r1', fromMs: nowMs + 2000 - 86_400_000, toMs: nowMs + 2000, maxPoints: 721 }, nowMs);
    expect(r.stepMs).toBe(120_000);
    const last = r.series[0]!.points.at(-1)!;
    expect(last.atMs).toBe(T0);
    expect(last).toMatchObject({ sent: 80, received: 80, lossPct: 0, latencyMinMs: 10, latencyMaxMs: 40 });
    expect(last.latencyMs).toBeCloseTo((10 * 60 + 40 * 20) / 80, 9);
    expect(last.rxBps).toBeCloseTo((1000 * 60 + 4000 * 20) / 80, 9);
    expect(last.jitterMs).toBeCloseTo(0.5, 9);
  });

  it('answers the raw seconds of the newest points when asked (rawTailFromMs), from the start of the point holding it', () => {
    const store = memoryStore();
    // 24 h of minutes would be slow to write: 10 minutes of seconds with their roll-ups, and the
    // current minute's seconds not rolled up yet, as the monitor leaves them.
    const nowMs = T0 + 10 * 60_000 + 45_000;
    const seconds = Array.from({ length: (nowMs - T0) / 1000 }, (_, k) => sample('eth1', T0 + k * 1000, 10 + (k % 7)));
    const minutes = Array.from({ length: 10 }, (_, m) => minuteOf(seconds, T0 + m * 60_000));
    store.addSamples(seconds, minutes);
    const toMs = nowMs + 2000;
    const r = store.query({ routerId: 'r1', fromMs: toMs - 86_400_000, toMs, maxPoints: 721, rawTailFromMs: nowMs - 30_000 }, nowMs);
    expect(r.stepMs).toBe(120_000);
    const tailFromMs = Math.floor((nowMs - 30_000) / 120_000) * 120_000;
    expect(r.rawTail!.fromMs).toBe(tailFromMs);
    const tail = r.rawTail!.series.find((x) => x.wan === 'eth1')!.points;
    // Every stored second from the point's start on, one point each, with its own values.
    expect(tail.map((p) => p.atMs)).toEqual(seconds.filter((x) => x.atMs >= tailFromMs).map((x) => x.atMs));
    const k = (tail[5]!.atMs - T0) / 1000;
    expect(tail[5]).toMatchObject({ latencyMs: 10 + (k % 7), latencyMinMs: 10 + (k % 7), sent: 1, received: 1, lossMaxPct: 0 });
    // Without it the answer is as before.
    expect(store.query({ routerId: 'r1', fromMs: toMs - 86_400_000, toMs, maxPoints: 721 }, nowMs).rawTail).toBeUndefined();
  });

  it('lists every uplink with history, or only those asked for', () => {
    const store = memoryStore();
    store.addSamples([sample('eth1', T0, 1), sample('wwan0', T0, 50)]);
    expect(store.wans('r1')).toEqual(['eth1', 'wwan0']);
    const r = store.query({ routerId: 'r1', wans: ['wwan0'], fromMs: T0, toMs: T0 + 1000 }, T0);
    expect(r.series.map((s) => s.wan)).toEqual(['wwan0']);
  });
});

describe('HistoryStore retention and persistence', () => {
  it('prunes seconds after 48 h, minutes after 90 days, events after a year', () => {
    const store = memoryStore();
    const now = T0 + 400 * 86_400_000;
    const day = 86_400_000;
    store.addSamples(
      [sample('eth1', now - 49 * 3600_000, 1), sample('eth1', now - 47 * 3600_000, 2)],
      [minuteOf([sample('eth1', now - 91 * day, 1)], now - 91 * day), minuteOf([sample('eth1', now - 89 * day, 1)], now - 89 * day)],
    );
    store.addEvents([
      { id: 'old', routerId: 'r1', atMs: now - 366 * day, kind: 'monitor', message: 'old' },
      { id: 'new', routerId: 'r1', atMs: now - 364 * day, kind: 'monitor', message: 'new' },
    ]);
    expect(store.prune(now)).toEqual({ samples: 1, minutes: 1, events: 1 });
    expect(store.events('r1', 0, now).map((e) => e.id)).toEqual(['new']);
    expect(store.prune(now)).toEqual({ samples: 0, minutes: 0, events: 0 });
  });

  it('survives closing and reopening the database file (an app restart)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    dirs.push(dir);
    const file = join(dir, 'switchyard.db');
    let db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL');
    ensureHistorySchema(db);
    new HistoryStore(db).addSamples([sample('eth1', T0, 7), sample('eth1', T0 + 1000, null)]);
    new HistoryStore(db).addEvents([{ id: 'e1', routerId: 'r1', atMs: T0, kind: 'state', wan: 'eth1', from: 'online', to: 'offline', message: 'eth1 is offline' }]);
    db.close();
    db = new DatabaseSync(file);
    ensureHistorySchema(db);
    const store = new HistoryStore(db);
    const r = store.query({ routerId: 'r1', fromMs: T0, toMs: T0 + 2000 }, T0 + 2000);
    expect(r.series[0]?.points.map((p) => p.latencyMs)).toEqual([7, null]);
    expect(store.events('r1', T0, T0 + 1)).toEqual([{ id: 'e1', routerId: 'r1', atMs: T0, kind: 'state', wan: 'eth1', from: 'online', to: 'offline', message: 'eth1 is offline' }]);
    db.close();
  });

  it('exports CSV with empty cells for gaps, quoted text, and an honest truncation flag', () => {
    const store = memoryStore();
    store.addSamples([sample('eth1', T0, 7.5), sample('eth1', T0 + 1000, null, null)]);
    store.addEvents([{ id: 'e1', routerId: 'r1', atMs: T0, kind: 'monitor', wan: 'eth1', message: '=cmd, "quoted"' }]);
    const chunks: string[] = [];
    expect(store.exportCsv('samples', { routerId: 'r1', fromMs: T0, toMs: T0 + 2000 }, (c) => chunks.push(c))).toEqual({ rows: 2, truncated: false });
    const lines = chunks.join('').trim().split('\n');
    expect(lines[0]).toBe('at_iso,router_id,wan,at_ms,latency_ms,latency_min_ms,latency_max_ms,latency_p95_ms,jitter_ms,jitter_masd_ms,loss_pct,rx_bps,tx_bps,sent,received');
    expect(lines[1]).toBe(`${new Date(T0).toISOString()},r1,eth1,${T0},7.5,7.5,7.5,7.5,0.5,0.5,0,1000,100,1,1`);
    expect(lines[2]).toBe(`${new Date(T0 + 1000).toISOString()},r1,eth1,${T0 + 1000},,,,,,,100,,,1,0`);
    const events: string[] = [];
    store.exportCsv('events', { routerId: 'r1', fromMs: T0, toMs: T0 + 1 }, (c) => events.push(c));
    expect(events.join('')).toContain(`,eth1,,,"'=cmd, ""quoted"""`);
    const cut: string[] = [];
    expect(store.exportCsv('samples', { routerId: 'r1', fromMs: T0, toMs: T0 + 2000, maxRows: 1 }, (c) => cut.push(c))).toEqual({ rows: 1, truncated: true });
  });
});

// @vitest-environment happy-dom
// The monitoring store: start → history → live seconds appended in the window's point width and
// trimmed to the window, gaps kept as gaps, window switches re-query, closing stops the monitor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../api/api.ts';
import { chartRows } from '../components/monitoring/chart-rows.ts';
import { fakeApi, linkEvent, monitorStatus, point, sample, type FakeApi, type Handler } from '../components/monitoring/monitoring-fixtures.test-util.ts';
import type { HistoryPoint } from '../../shared/api/monitor-schemas.ts';
import { liveLagMs, monitorWindows, pointOf, uplinkOrder, useMonitoringStore } from './monitoring-store.ts';

vi.mock('../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

/** A whole number of 4 s points, so live seconds fall into buckets as the history store makes them. */
const T = 1_700_000_000_000;
let fake: FakeApi;
const store = () => useMonitoringStore.getState();
const slice = () => store().routers.r1!;
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: T, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  useMonitoringStore.setState({ routers: {} });
  fake = fakeApi({
    'monitor.start': () => monitorStatus(),
    'monitor.stop': () => ({ stopped: true }),
    'monitor.status': () => monitorStatus(),
    'history.query': (p) => ({
      routerId: 'r1',
      fromMs: p.fromMs,
      toMs: p.toMs,
      resolution: 'second',
      stepMs: 4000,
      series: [{ wan: 'wan', points: [point(T - 3_600_000 - 8000), point(T - 8000), point(T - 4000)] }],
    }),
    'history.events': () => ({ events: [linkEvent(T - 60_000)] }),
  });
});
const closers: (() => void)[] = [];
afterEach(() => {
  // Sessions live in the store's closure: close every view a test opened.
  for (const close of closers.splice(0)) close();
  vi.useRealTimers();
});

function open(): () => void {
  let closed = false;
  const close = store().open('r1');
  const once = () => {
    if (!closed) close();
    closed = true;
  };
  closers.push(once);
  return once;
}

async function openRouter() {
  const close = open();
  await settle();
  expect(slice()).toMatchObject({ monitor: 'running', history: 'ready', stepMs: 4000 });
  return close;
}

describe('opening', () => {
  it('starts the monitor, then asks for exactly the window at about one point per 1.5 px', async () => {
    await openRouter();
    expect(fake.calls.map((c) => c.method)).toEqual(['monitor.start', 'history.query', 'history.events']);
    const query = fake.calls.find((c) => c.method === 'history.query')!.params;
    expect(query).toMatchObject({ routerId: 'r1', maxPoints: monitorWindows['5m'].maxPoints });
    expect((query.toMs as number) - (query.fromMs as number)).toBe(300_000);
    expect(slice().events.map((e) => e.id)).toEqual([`e${T - 60_000}`]);
    expect(slice().status?.uplinks.map((u) => u.wan)).toEqual(['wan', 'wwan']);
    expect(uplinkOrder(slice())).toEqual(['wan', 'wwan']);
  });

  it('keeps the error code when there is nothing to watch, and still shows the history', async () => {
    fake.handlers['monitor.start'] = () => {
      throw new ApiCallError({ code: 'invalid-input', message: 'r1 has no uplinks to watch yet: detect the router or set up its uplinks first.' });
    };
    open();
    await settle();
    expect(slice()).toMatchObject({ monitor: 'error', monitorError: { code: 'invalid-input' }, history: 'ready' });
  });
});

/** One live second of each uplink, applied: from then on the steady flow is throttled. */
async function firstLiveSeconds(wans: readonly string[]): Promise<void> {
  fake.emit('onDidSample', { routerId: 'r1', atMs: T, samples: wans.map((wan) => sample(wan, T)) });
  await vi.advanceTimersByTimeAsync(2);
}

describe('live samples', () => {
  it('shows each uplink’s first live second at once, even when the uplinks’ first seconds arrive apart', async () => {
    await openRouter();
    const version = slice().version;
    fake.emit('onDidSample', { routerId: 'r1', atMs: T, samples: [sample('wan', T)] });
    await vi.advanceTimersByTimeAsync(2);
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: T });
    // 100 ms later (the core sends each uplink's first second as soon as it is whole): no 1 s wait.
    await vi.advanceTimersByTimeAsync(100);
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 100, samples: [sample('wwan', T)] });
    await vi.advanceTimersByTimeAsync(2);
    expect(slice().series.wwan).toHaveLength(1);
    expect(slice().version).toBeGreaterThan(version);
  });

  it('appends immutably, merging seconds into the open 4 s point, and trims to the window', async () => {
    await openRouter();
    const before = slice().series.wan!;
    expect(before).toHaveLength(3);
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 1000, samples: [sample('wan', T, { latencyMs: 10, latencyMinMs: 9, latencyMaxMs: 11 })] });
    fake.emit('onDidSample', { routerId: 'other', atMs: T + 1000, samples: [sample('wan', T + 500)] });
    await vi.advanceTimersByTimeAsync(1000);
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 2000, samples: [sample('wan', T + 1000, { latencyMs: 30, latencyMinMs: 29, latencyMaxMs: 40 })] });
    await vi.advanceTimersByTimeAsync(1000);
    const after = slice().series.wan!;
    expect(before).toHaveLength(3); // never mutated
    // The point from before the window slid out; the two live seconds are one 4 s point.
    expect(after.map((p) => p.atMs)).toEqual([T - 8000, T - 4000, T]);
    expect(after.at(-1)).toMatchObject({ latencyMs: 20, latencyMinMs: 9, latencyMaxMs: 40, sent: 2, received: 2 });
  });

  it('skips seconds the history answer already counted', async () => {
    await openRouter();
    fake.emit('onDidSample', { routerId: 'r1', atMs: T, samples: [sample('wan', T - 2000)] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(slice().series.wan!.map((p) => p.atMs)).toEqual([T - 8000, T - 4000]);
  });

  it('keeps every uplink’s newest live second for the "now" readout, also inside a bucket the history answer counted', async () => {
    await openRouter();
    fake.emit('onDidSample', { routerId: 'r1', atMs: T, samples: [sample('wan', T - 2000, { latencyMs: 77 })] });
    await settle();
    // The chart's bucket stays as the history answer gave it; "now" is that second's own value.
    expect(slice().series.wan!.map((p) => p.atMs)).toEqual([T - 8000, T - 4000]);
    expect(slice().latest.wan).toMatchObject({ atMs: T - 2000, latencyMs: 77 });
    // A late, older second does not replace it.
    fake.emit('onDidSample', { routerId: 'r1', atMs: T, samples: [sample('wan', T - 3000, { latencyMs: 5 })] });
    await settle();
    expect(slice().latest.wan).toMatchObject({ atMs: T - 2000, latencyMs: 77 });
  });

  it('counts a second once when the core sends its newest batch again (a second view subscribed)', async () => {
    await openRouter();
    const batch = { routerId: 'r1', atMs: T + 1000, samples: [sample('wan', T, { latencyMs: 10 })] };
    fake.emit('onDidSample', batch);
    await vi.advanceTimersByTimeAsync(1000);
    fake.emit('onDidSample', batch);
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 2000, samples: [sample('wan', T + 1000, { latencyMs: 40 })] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: T, latencyMs: 25, sent: 2 });
  });

  it('applies a batch in the next task, not held back by a throttle (the steady flow showed its seconds up to 1 s late)', async () => {
    await openRouter();
    await firstLiveSeconds(['wan']);
    // 600 ms after the last update: a 1 s throttle held this one 400 ms more; under load those
    // waits ratcheted up to a whole second (bench ui: median 0.7 s from arrival to the screen).
    await vi.advanceTimersByTimeAsync(600);
    const version = slice().version;
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 2000, samples: [sample('wan', T + 1000)] });
    await vi.advanceTimersByTimeAsync(1);
    expect(slice().version).toBe(version + 1);
    // Batches that arrive before that task runs are applied together, in one update.
    for (let k = 0; k < 5; k++) fake.emit('onDidSample', { routerId: 'r1', atMs: T + 3000, samples: [sample('wan', T + 2000 + k * 100)] });
    await vi.advanceTimersByTimeAsync(1);
    expect(slice().version).toBe(version + 2);
  });

  it('applies every uplink in one update (the charts paint them in one frame)', async () => {
    await openRouter();
    await firstLiveSeconds(['wan', 'wwan']);
    const seen: string[][] = [];
    const off = useMonitoringStore.subscribe((s) => seen.push(Object.entries(s.routers.r1!.series).map(([wan, points]) => `${wan}:${points.length}`)));
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 4000, samples: [sample('wan', T + 4000), sample('wwan', T + 4000)] });
    await vi.advanceTimersByTimeAsync(1);
    off();
    // One store update with both uplinks' new points.
    expect(seen).toEqual([['wan:4', 'wwan:2']]);
  });

  it('keeps gaps as gaps: null values stay null, and missing points become a null row', async () => {
    await openRouter();
    fake.emit('onDidSample', { routerId: 'r1', atMs: T + 1000, samples: [sample('wan', T, { latencyMs: null, latencyMinMs: null, latencyMaxMs: null, latencyP95Ms: null, jitterMs: null, lossPct: 100, received: 0 })] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: T, latencyMs: null, latencyMinMs: null, lossPct: 100 });
    const rows = chartRows([point(T - 20_000), point(T)], 4000);
    expect(rows.map((r) => r.t)).toEqual([T - 20_000, T - 16_000, T]);
    expect(rows[1]).toMatchObject({ band: null, med: null, loss: null, rx: null });
  });

  it('shows what a restarted monitor watches at once (after an apply it probes targets, not the gateway), not at the next poll', async () => {
    await openRouter();
    const restarted = monitorStatus({
      startedMs: 2,
      uplinks: [{ wan: 'wan', device: 'eth1', target: '198.51.100.7', method: 'ping', state: 'running', message: null, command: null }],
    });
    fake.emit('onDidStartMonitor', { ...restarted, routerId: 'r2' });
    await settle();
    expect(slice().status?.uplinks.map((u) => u.target)).toEqual(['203.0.113.10', '203.0.113.11']);
    fake.emit('onDidStartMonitor', restarted);
    await settle();
    expect(slice().status?.uplinks.map((u) => u.target)).toEqual(['198.51.100.7']);
  });

  it('adds live link events of this router to the window', async () => {
    await openRouter();
    fake.emit('onDidLinkEvent', linkEvent(T - 1000, { id: 'live', kind: 'active' }));
    fake.emit('onDidLinkEvent', linkEvent(T - 1000, { id: 'elsewhere', routerId: 'r2' }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(slice().events.map((e) => e.id)).toEqual([`e${T - 60_000}`, 'live']);
  });
});

/** 24 h: 2 min points. The view opens 45.5 s into a point; the router stored its first 40 s. */
const dayStepMs = 120_000;
const B = Math.floor(T / dayStepMs) * dayStepMs + 10 * dayStepMs;
const healthy = (atMs: number) => sample('wan', atMs, { latencyMs: 10, latencyMinMs: 9, latencyMaxMs: 12, latencyP95Ms: 11, lossPct: 0, rxBps: 1e6 });
const blackholed = (atMs: number) => sample('wan', atMs, { latencyMs: null, latencyMinMs: null, latencyMaxMs: null, latencyP95Ms: null, jitterMs: null, lossPct: 100, rxBps: 0, received: 0 });
/** A stored second as the history store answers it at 1 s: one row (lossMaxPct is its lossPct). */
const storedPoint = (s: ReturnType<typeof sample>) =>
  point(s.atMs, { latencyMs: s.latencyMs, latencyMinMs: s.latencyMinMs, latencyMaxMs: s.latencyMaxMs, latencyP95Ms: s.latencyP95Ms, jitterMs: s.jitterMs, lossPct: s.sent ? (100 * (s.sent - s.received)) / s.sent : null, lossMaxPct: s.lossPct, rxBps: s.rxBps, rxMinBps: s.rxBps, rxMaxBps: s.rxBps, txBps: s.txBps, txMinBps: s.txBps, txMaxBps: s.txBps, sent: s.sent, received: s.received });

/**
 * history.query as the core answers it with `stepMs` points: `points`, and as the raw tail every
 * second of `stored` from the start of the point holding rawTailFromMs on.
 */
function answerFrom(stepMs: number, points: readonly HistoryPoint[], stored: readonly ReturnType<typeof sample>[]): Handler {
  return (p) => {
    const tailFromMs = Math.floor((p.rawTailFromMs as number) / stepMs) * stepMs;
    const tail = stored.filter((s) => s.atMs >= tailFromMs && s.atMs < (p.toMs as number)).map(storedPoint);
    return { routerId: 'r1', fromMs: p.fromMs, toMs: p.toMs, resolution: stepMs >= 60_000 ? 'minute' : 'second', stepMs, series: [{ wan: 'wan', points }], rawTail: { fromMs: tailFromMs, series: [{ wan: 'wan', points: tail }] } };
  };
}

/** Opens the 24 h window at B + 45.5 s; the history store holds B … B + 39 s (the newest seconds are still on their way). */
async function openDayMidPoint(): Promise<void> {
  await openRouter();
  vi.setSystemTime(B + 45_500);
  const stored = Array.from({ length: 40 }, (_, k) => healthy(B + k * 1000));
  // What the core answered at that moment: the open point holds the 40 s stored so far.
  fake.handlers['history.query'] = answerFrom(dayStepMs, [point(B - 2 * dayStepMs), point(B - dayStepMs), point(B, { latencyMs: 10, sent: 40, received: 40, lossPct: 0 })], stored);
}

describe('the newest point of a 24 h window, opened mid-point', () => {
  it('asks for the raw seconds of the points live seconds may still join', async () => {
    await openDayMidPoint();
    await store().setWindow('r1', '24h');
    const query = fake.calls.filter((c) => c.method === 'history.query').at(-1)!.params;
    expect(query).toMatchObject({ maxPoints: monitorWindows['24h'].maxPoints, rawTailFromMs: B + 45_500 - liveLagMs });
  });

  it('moves with the first live second after the view opens', async () => {
    await openDayMidPoint();
    await store().setWindow('r1', '24h');
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: B, sent: 40, latencyMs: 10 });
    fake.emit('onDidSample', { routerId: 'r1', atMs: B + 46_200, samples: [healthy(B + 40_000)].map((s) => ({ ...s, latencyMs: 51 })) });
    await settle();
    // 40 stored seconds of 10 ms and this one of 51 ms: the point shows all 41 at once.
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: B, sent: 41, received: 41, latencyMs: 11 });
  });

  it('counts every second of the point once: stored, arrived during the query, re-sent and live (a blackhole shows at the right edge)', async () => {
    await openDayMidPoint();
    const switching = store().setWindow('r1', '24h');
    // While the query runs: the core's newest batch (stored already) and a new second.
    fake.emit('onDidSample', { routerId: 'r1', atMs: B + 41_200, samples: [healthy(B + 39_000)] });
    fake.emit('onDidSample', { routerId: 'r1', atMs: B + 42_200, samples: [blackholed(B + 40_000)] });
    await switching;
    await settle();
    for (let k = 41; k < 60; k++) {
      const batch = { routerId: 'r1', atMs: B + k * 1000 + 1200, samples: [blackholed(B + k * 1000)] };
      fake.emit('onDidSample', batch);
      // A second view subscribed: the core sends its newest batch again.
      if (k % 5 === 0) fake.emit('onDidSample', batch);
      await vi.advanceTimersByTimeAsync(1000);
    }
    fake.emit('onDidSample', { routerId: 'r1', atMs: B + 60_500, samples: [healthy(B + 39_000), blackholed(B + 40_000)] });
    await settle();
    const last = slice().series.wan!.at(-1)!;
    // 40 healthy seconds and 20 blackholed ones, each once.
    expect(last).toMatchObject({ atMs: B, sent: 60, received: 40, latencyMs: 10, latencyMinMs: 9, latencyMaxMs: 12, lossMaxPct: 100, rxMinBps: 0, rxMaxBps: 1e6 });
    expect(last.lossPct).toBeCloseTo(100 / 3, 9);
    expect(last.rxBps).toBeCloseTo((40 * 1e6) / 60, 6);
    expect(slice().series.wan!.map((p) => p.atMs)).toEqual([B - 2 * dayStepMs, B - dayStepMs, B]);
  });

  it('starts the next point with the first second after the boundary', async () => {
    await openDayMidPoint();
    await store().setWindow('r1', '24h');
    fake.emit('onDidSample', { routerId: 'r1', atMs: B + dayStepMs + 1200, samples: [blackholed(B + dayStepMs)] });
    await settle();
    expect(slice().series.wan!.slice(-2)).toMatchObject([
      { atMs: B, sent: 40 },
      { atMs: B + dayStepMs, sent: 1, received: 0, lossPct: 100 },
    ]);
  });
});

describe.each([
  ['24h', 120_000, 37_400],
  ['1h', 4000, 3400],
] as const)('the newest point of the %s window, second by second', (window, stepMs, intoPointMs) => {
  it('counts, from the moment the view opens, every second the router stored for it, each once', async () => {
    await openRouter();
    // The monitor stores a second, then sends it, ~1.2 s after it ends (its probe timeout).
    const newestSentMs = (nowMs: number) => Math.floor((nowMs - 1200) / 1000) * 1000 - 1000;
    const openMs = B + intoPointMs;
    const cutMs = openMs + 20_000;
    const secondAt = (atMs: number) => (atMs >= cutMs ? blackholed(atMs) : healthy(atMs));
    const stored: ReturnType<typeof sample>[] = [];
    for (let t = openMs - 60_000; t <= newestSentMs(openMs); t += 1000) stored.push(secondAt(t));
    // The answer's own points of the tail are replaced by the tail: one older point is enough.
    fake.handlers['history.query'] = answerFrom(stepMs, [point(Math.floor((openMs - liveLagMs) / stepMs) * stepMs - stepMs)], stored);
    vi.setSystemTime(openMs);
    await store().setWindow('r1', window);
    let sentUpToMs = newestSentMs(openMs);
    for (let k = 0; k < 100; k++) {
      await vi.advanceTimersByTimeAsync(1000);
      const nowMs = Date.now();
      const batch: ReturnType<typeof sample>[] = [];
      for (let t = sentUpToMs + 1000; t <= newestSentMs(nowMs); t += 1000) batch.push(secondAt(t));
      sentUpToMs = newestSentMs(nowMs);
      stored.push(...batch);
      fake.emit('onDidSample', { routerId: 'r1', atMs: nowMs, samples: batch });
      // Every 7th second a second view subscribes: the core sends its newest batch again.
      if (k % 7 === 3) fake.emit('onDidSample', { routerId: 'r1', atMs: nowMs, samples: batch });
      await settle();
      const shown = slice().series.wan!.at(-1)!;
      const pointMs = Math.floor(sentUpToMs / stepMs) * stepMs;
      const inPoint = stored.filter((s) => s.atMs >= pointMs && s.atMs < pointMs + stepMs);
      const lost = inPoint.filter((s) => s.received === 0).length;
      expect({ atMs: shown.atMs, sent: shown.sent, received: shown.received }, `${k} s after opening`).toEqual({ atMs: pointMs, sent: inPoint.length, received: inPoint.length - lost });
      expect(shown.lossPct).toBeCloseTo((100 * lost) / inPoint.length, 9);
      expect(shown.latencyMs).toBe(lost === inPoint.length ? null : 10);
    }
  });
});

describe('windows and closing', () => {
  it('re-queries when the window changes', async () => {
    await openRouter();
    await store().setWindow('r1', '24h');
    const queries = fake.calls.filter((c) => c.method === 'history.query').map((c) => c.params);
    expect(queries).toHaveLength(2);
    expect(queries[1]).toMatchObject({ maxPoints: monitorWindows['24h'].maxPoints });
    expect((queries[1]!.toMs as number) - (queries[1]!.fromMs as number)).toBe(86_400_000);
    expect(slice().window).toBe('24h');
  });

  it('drops a late answer for a window left meanwhile, with its raw tail: the newest window’s points stay whole', async () => {
    await openDayMidPoint();
    const dayAnswer = fake.handlers['history.query']!;
    let answerHour: () => void = () => {};
    fake.handlers['history.query'] = (p) =>
      new Promise((resolve) => {
        answerHour = () => resolve({ routerId: 'r1', fromMs: p.fromMs, toMs: p.toMs, resolution: 'second', stepMs: 4000, series: [{ wan: 'wan', points: [point(B)] }], rawTail: { fromMs: B, series: [{ wan: 'wan', points: [point(B + 44_000, { sent: 9 })] }] } });
      });
    const hour = store().setWindow('r1', '1h');
    await settle();
    fake.handlers['history.query'] = dayAnswer;
    await store().setWindow('r1', '24h');
    answerHour();
    await hour;
    await settle();
    expect(slice()).toMatchObject({ window: '24h', stepMs: dayStepMs, history: 'ready' });
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: B, sent: 40 });
    // Live seconds still go into the 24 h point, each once.
    fake.emit('onDidSample', { routerId: 'r1', atMs: B + 46_200, samples: [healthy(B + 39_000), healthy(B + 40_000)] });
    await settle();
    expect(slice().series.wan!.at(-1)).toMatchObject({ atMs: B, sent: 41 });
  });

  it('unsubscribes when the view closes, and leaves the core monitor recording so history has no gaps', async () => {
    const close = await openRouter();
    expect(fake.listeners('onDidSample')).toBe(1);
    close();
    await settle();
    expect(fake.listeners('onDidSample')).toBe(0);
    expect(fake.listeners('onDidLinkEvent')).toBe(0);
    expect(fake.calls.some((c) => c.method === 'monitor.stop')).toBe(false);
    expect(slice().monitor).toBe('stopped');
  });

  it('unsubscribes only when the last of two views of the router closes, and never stops the core monitor', async () => {
    const first = await openRouter();
    const second = open();
    first();
    expect(fake.listeners('onDidSample')).toBe(1);
    second();
    await settle();
    expect(fake.listeners('onDidSample')).toBe(0);
    expect(fake.calls.some((c) => c.method === 'monitor.stop')).toBe(false);
  });
});

describe('pointOf', () => {
  it('aggregates seconds as the history store does: loss weighted by probes', () => {
    const p = pointOf(T, [sample('wan', T, { sent: 2, received: 1, lossPct: 50 }), sample('wan', T + 1000, { sent: 2, received: 2, latencyMs: 40 })]);
    expect(p).toMatchObject({ latencyMs: 30, lossPct: 25, lossMaxPct: 50, sent: 4, received: 3, rxMinBps: 2e6 });
  });
});


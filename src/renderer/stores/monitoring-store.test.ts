// @vitest-environment happy-dom
// The monitoring store: start → history → live seconds appended in the window's point width and
// trimmed to the window, gaps kept as gaps, window switches re-query, closing stops the monitor.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../api/api.ts';
import { chartRows } from '../components/monitoring/chart-rows.ts';
import { fakeApi, linkEvent, monitorStatus, point, sample, type FakeApi } from '../components/monitoring/monitoring-fixtures.test-util.ts';
import { monitorWindows, pointOf, uplinkOrder, useMonitoringStore } from './monitoring-store.ts';

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


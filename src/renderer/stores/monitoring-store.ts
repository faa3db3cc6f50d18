// Live monitoring of one router while its page is open: monitor.start on open, the window's
// history, then onDidSample batches appended (immutably, in the next task, in the window's
// point width) and trimmed to the window; on close, unsubscribe. The core's monitor keeps
// running after the page closes, so the 1 h and 24 h views have no gaps; it stops when the
// router is removed or the app quits (the core does both).
import { create } from 'zustand';
import type { HistoryPoint, HistoryQueryResult, MonitorSample, MonitorStatus, SampleBatch } from '../../shared/api/monitor-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import type { LinkEvent } from '../../shared/model.ts';
import { api } from '../api/api.ts';
import { markApplied, markBeforePatch, markSampleArrived, takeArrivals } from '../components/monitoring/chart-timing.ts';
import { toApiError } from './failover-store.ts';

/**
 * The windows, and how many points each asks for: the history store rounds the point width up
 * to whole seconds (minutes past 5.5 h), so 301 gives 1 s points, 901 gives 4 s and 721 gives
 * 2 min. About one point per 1.5 px of a full-width chart: finer is invisible and costs
 * main-thread time on every update (measured by `npm run bench -- ui`). The charts' time axis
 * moves in steps of `slideMs` (about 1.5 % of the window), not every second: a moved axis
 * redraws every chart's axes and series at once, new points only their own uplink's series.
 */
export const monitorWindows = {
  '5m': { label: '5 min', ms: 5 * 60_000, maxPoints: 301, slideMs: 5000 },
  '1h': { label: '1 h', ms: 3_600_000, maxPoints: 901, slideMs: 60_000 },
  '24h': { label: '24 h', ms: 86_400_000, maxPoints: 721, slideMs: 600_000 },
} as const;
export type MonitorWindow = keyof typeof monitorWindows;

export interface RouterMonitoring {
  /** monitor.start: 'stopped' after the view closed. */
  monitor: 'idle' | 'starting' | 'running' | 'error' | 'stopped';
  monitorError: ApiError | null;
  status: MonitorStatus | null;
  window: MonitorWindow;
  history: 'idle' | 'loading' | 'ready' | 'error';
  historyError: ApiError | null;
  /** Width of one point in the current window (1 s for 5 min, 2 s for 1 h, 1 min for 24 h). */
  stepMs: number;
  /** Points per uplink, oldest first; a gap is the absence of points (or null fields). */
  series: Readonly<Record<string, readonly HistoryPoint[]>>;
  /** The window's link events, oldest first. */
  events: readonly LinkEvent[];
  /**
   * Per uplink: its newest live second, whatever the window's point width. The "now" readout
   * shows it: the newest point of a 1 h or 24 h window is a bucket's mean, and a bucket the
   * history query already answered takes no live seconds until the next one starts (up to a
   * minute in the 24 h window), so "now" read from the series stood still that long.
   */
  latest: Readonly<Record<string, HistoryPoint>>;
  /** The window's right edge: the newest sample or now, whichever is later. */
  nowMs: number;
  /** Increments whenever the series change, for the benchmark's commit timing. */
  version: number;
}

export const emptyRouterMonitoring: RouterMonitoring = {
  monitor: 'idle',
  monitorError: null,
  status: null,
  // A monitor that just started has minutes, not an hour: open on the window that shows them.
  window: '5m',
  history: 'idle',
  historyError: null,
  stepMs: 2000,
  series: {},
  events: [],
  latest: {},
  nowMs: 0,
  version: 0,
};

export const statusPollMs = 5000;
const maxEventsShown = 500;

interface MonitoringState {
  routers: Readonly<Record<string, RouterMonitoring>>;
  /** The tab mounted: start watching; the returned function (unmount) stops it. */
  open(routerId: string): () => void;
  setWindow(routerId: string, window: MonitorWindow): Promise<void>;
  /** Try monitor.start and the history again after an error. */
  retry(routerId: string): Promise<void>;
  refreshStatus(routerId: string): Promise<void>;
  /** Applies the samples and events received since the last flush (the 1 Hz timer calls it). */
  flush(routerId: string): void;
}

/** Aggregates a bucket's seconds the way the history store aggregates its rows. */
export function pointOf(atMs: number, seconds: readonly MonitorSample[]): HistoryPoint {
  let sent = 0;
  let received = 0;
  const mean = (pick: (s: MonitorSample) => number | null) => {
    let sum = 0;
    let n = 0;
    for (const s of seconds) {
      const v = pick(s);
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    return n ? sum / n : null;
  };
  const extreme = (pick: (s: MonitorSample) => number | null, f: (a: number, b: number) => number) => {
    let out: number | null = null;
    for (const s of seconds) {
      const v = pick(s);
      if (v !== null) out = out === null ? v : f(out, v);
    }
    return out;
  };
  for (const s of seconds) {
    sent += s.sent;
    received += s.received;
  }
  return {
    atMs,
    latencyMs: mean((s) => s.latencyMs),
    latencyMinMs: extreme((s) => s.latencyMinMs, Math.min),
    latencyMaxMs: extreme((s) => s.latencyMaxMs, Math.max),
    latencyP95Ms: extreme((s) => s.latencyP95Ms, Math.max),
    jitterMs: mean((s) => s.jitterMs),
    lossPct: sent > 0 ? (100 * (sent - received)) / sent : null,
    lossMaxPct: extreme((s) => s.lossPct, Math.max),
    rxBps: mean((s) => s.rxBps),
    rxMinBps: extreme((s) => s.rxBps, Math.min),
    rxMaxBps: extreme((s) => s.rxBps, Math.max),
    txBps: mean((s) => s.txBps),
    txMinBps: extreme((s) => s.txBps, Math.min),
    txMaxBps: extreme((s) => s.txBps, Math.max),
    sent,
    received,
  };
}

/** Uplinks in the order the monitor watches them, then any that only have history. */
export function uplinkOrder(state: RouterMonitoring): string[] {
  const watched = state.status?.uplinks.map((u) => u.wan) ?? [];
  return [...watched, ...Object.keys(state.series).filter((w) => !watched.includes(w)).sort()];
}

/** What one open view keeps outside the state: subscriptions, timers, buffered input. */
interface Session {
  users: number;
  /** Bumped by every (re)load, so a late answer for an old window is dropped. */
  generation: number;
  pendingSamples: MonitorSample[];
  pendingEvents: LinkEvent[];
  /** Per uplink: seconds before this were in the query's answer (or are already applied). */
  coveredUntil: Map<string, number>;
  /** Per uplink: the seconds of the newest bucket built from live samples. */
  openBucket: Map<string, { atMs: number; seconds: MonitorSample[] }>;
  flushTimer: ReturnType<typeof setTimeout> | undefined;
  dispose: () => void;
}

export const useMonitoringStore = create<MonitoringState>()((set, get) => {
  const sessions = new Map<string, Session>();
  const current = (routerId: string): RouterMonitoring => get().routers[routerId] ?? emptyRouterMonitoring;
  const patch = (routerId: string, change: Partial<RouterMonitoring> | ((state: RouterMonitoring) => Partial<RouterMonitoring>)) =>
    set((s) => {
      const before = s.routers[routerId] ?? emptyRouterMonitoring;
      return { routers: { ...s.routers, [routerId]: { ...before, ...(typeof change === 'function' ? change(before) : change) } } };
    });

  /**
   * Applies what arrived in the next task: batches that arrive before it runs go in one update.
   * No longer a 1 s throttle: it held each second until a second after the previous update, and
   * under load those waits ratcheted up to a whole second. An update is cheap now (the charts
   * paint a strip of their canvas in the next animation frame; React re-renders the latest values).
   */
  const scheduleFlush = (routerId: string) => {
    const session = sessions.get(routerId);
    if (!session || session.flushTimer !== undefined) return;
    session.flushTimer = setTimeout(() => {
      session.flushTimer = undefined;
      get().flush(routerId);
    }, 0);
  };

  async function startMonitor(routerId: string, session: Session): Promise<void> {
    patch(routerId, { monitor: 'starting', monitorError: null });
    try {
      const status = await api.call('monitor.start', { routerId });
      if (sessions.get(routerId) === session) patch(routerId, { monitor: 'running', status });
    } catch (error) {
      if (sessions.get(routerId) === session) patch(routerId, { monitor: 'error', monitorError: toApiError(error) });
    }
  }

  async function loadWindow(routerId: string, session: Session): Promise<void> {
    const generation = ++session.generation;
    const { window } = current(routerId);
    // The end is a little ahead: samples of the last second may land in the store while the
    // query runs. The span is exactly the window, so the point width comes out round.
    const toMs = Date.now() + 2000;
    const fromMs = toMs - monitorWindows[window].ms;
    patch(routerId, { history: 'loading', historyError: null });
    try {
      const [result, events] = await Promise.all([
        api.call('history.query', { routerId, fromMs, toMs, maxPoints: monitorWindows[window].maxPoints }),
        api.call('history.events', { routerId, fromMs, toMs, limit: maxEventsShown }),
      ]);
      if (session.generation !== generation || sessions.get(routerId) !== session) return;
      applyQuery(routerId, session, result, events.events);
    } catch (error) {
      if (session.generation !== generation || sessions.get(routerId) !== session) return;
      patch(routerId, { history: 'error', historyError: toApiError(error) });
    }
  }

  function applyQuery(routerId: string, session: Session, result: HistoryQueryResult, events: readonly LinkEvent[]): void {
    session.coveredUntil.clear();
    session.openBucket.clear();
    const series: Record<string, readonly HistoryPoint[]> = {};
    for (const s of result.series) {
      series[s.wan] = s.points;
      const last = s.points.at(-1);
      // A live second inside the last queried bucket may already be counted in it: skip those
      // rather than count them twice (at worst a second of that one bucket is missing).
      if (last) session.coveredUntil.set(s.wan, last.atMs + result.stepMs);
    }
    patch(routerId, (state) => ({ history: 'ready', historyError: null, stepMs: result.stepMs, series, events: [...events], nowMs: Math.max(state.nowMs, Date.now()), version: state.version + 1 }));
    // Whatever arrived while the query ran goes on top now.
    get().flush(routerId);
  }

  return {
    routers: {},

    open(routerId) {
      const existing = sessions.get(routerId);
      if (existing) {
        existing.users++;
        return () => close(routerId, existing);
      }
      const session: Session = {
        users: 1,
        generation: 0,
        pendingSamples: [],
        pendingEvents: [],
        coveredUntil: new Map(),
        openBucket: new Map(),
        flushTimer: undefined,
        dispose: () => {},
      };
      sessions.set(routerId, session);
      const offSamples = api.on('onDidSample', (batch: SampleBatch) => {
        if (batch.routerId !== routerId) return;
        markSampleArrived(routerId);
        session.pendingSamples.push(...batch.samples);
        scheduleFlush(routerId);
      });
      const offEvents = api.on('onDidLinkEvent', (event) => {
        if (event.routerId !== routerId) return;
        session.pendingEvents.push(event);
        scheduleFlush(routerId);
      });
      // The core restarts a running monitor after a policy change (apply, rollback, remove, the
      // router's own revert): what it watches now shows at once, not at the next poll (until then
      // the tab said 'gateway only' for uplinks that probe their targets already).
      const offStarted = api.on('onDidStartMonitor', (status) => {
        if (status.routerId === routerId && sessions.get(routerId) === session && current(routerId).monitor === 'running') patch(routerId, { status });
      });
      const poll = setInterval(() => {
        if (current(routerId).monitor === 'running') void get().refreshStatus(routerId);
      }, statusPollMs);
      session.dispose = () => {
        offSamples();
        offEvents();
        offStarted();
        clearInterval(poll);
        clearTimeout(session.flushTimer);
      };
      patch(routerId, { ...emptyRouterMonitoring, window: current(routerId).window });
      void startMonitor(routerId, session);
      void loadWindow(routerId, session);
      return () => close(routerId, session);
    },

    async setWindow(routerId, window) {
      if (current(routerId).window === window && current(routerId).history !== 'error') return;
      patch(routerId, { window });
      const session = sessions.get(routerId);
      if (session) await loadWindow(routerId, session);
    },

    async retry(routerId) {
      const session = sessions.get(routerId);
      if (!session) return;
      await Promise.all([current(routerId).monitor === 'error' ? startMonitor(routerId, session) : undefined, loadWindow(routerId, session)]);
    },

    async refreshStatus(routerId) {
      try {
        const status = await api.call('monitor.status', { routerId });
        // An unchanged status keeps its object: a poll that says nothing new re-renders nothing
        // (every uplink's card took the new object, and the whole tab re-rendered every 5 s).
        if (sessions.has(routerId) && JSON.stringify(status) !== JSON.stringify(current(routerId).status)) patch(routerId, { status });
      } catch {
        // The next poll tries again; the last status stays on screen meanwhile.
      }
    },

    flush(routerId) {
      const flushStartMs = performance.now();
      const session = sessions.get(routerId);
      if (!session || current(routerId).history !== 'ready') return;
      const state = current(routerId);
      const samples = session.pendingSamples;
      const events = session.pendingEvents;
      session.pendingSamples = [];
      session.pendingEvents = [];
      const arrivals = takeArrivals(routerId);
      if (samples.length === 0 && events.length === 0) return;

      const windowMs = monitorWindows[state.window].ms;
      const { stepMs } = state;
      let newest = state.nowMs;
      const changed = new Map<string, HistoryPoint[]>();
      let latest = state.latest;
      for (const sample of samples) {
        newest = Math.max(newest, sample.atMs + 1000);
        if (sample.atMs > (latest[sample.wan]?.atMs ?? -Infinity)) {
          if (latest === state.latest) latest = { ...latest };
          (latest as Record<string, HistoryPoint>)[sample.wan] = pointOf(sample.atMs, [sample]);
        }
        if (sample.atMs < (session.coveredUntil.get(sample.wan) ?? -Infinity)) continue;
        const bucketMs = Math.floor(sample.atMs / stepMs) * stepMs;
        let points = changed.get(sample.wan);
        if (!points) {
          points = [...(state.series[sample.wan] ?? [])];
          changed.set(sample.wan, points);
        }
        const open = session.openBucket.get(sample.wan);
        if (open && open.atMs === bucketMs) {
          // The core sends its newest batch again to a view that subscribes (monitor.start of a
          // running monitor): a second is counted once.
          if (open.seconds.some((s) => s.atMs === sample.atMs)) continue;
          open.seconds.push(sample);
          points[points.length - 1] = pointOf(bucketMs, open.seconds);
        } else if (!open || bucketMs > open.atMs) {
          session.openBucket.set(sample.wan, { atMs: bucketMs, seconds: [sample] });
          points.push(pointOf(bucketMs, [sample]));
        }
        // Older than the open bucket: a late duplicate; the bucket already has its seconds.
      }
      newest = Math.max(newest, Date.now());
      const fromMs = newest - windowMs;
      const series: Record<string, readonly HistoryPoint[]> = { ...state.series };
      for (const [wan, points] of changed) {
        let drop = 0;
        while (drop < points.length && points[drop]!.atMs + stepMs <= fromMs) drop++;
        series[wan] = drop ? points.slice(drop) : points;
      }
      // Uplinks without new samples still slide out of the window.
      for (const wan of Object.keys(series)) {
        if (changed.has(wan)) continue;
        const points = series[wan]!;
        if (points.length && points[0]!.atMs + stepMs <= fromMs) series[wan] = points.filter((p) => p.atMs + stepMs > fromMs);
      }
      let nextEvents = state.events;
      if (events.length) {
        const known = new Set(state.events.map((e) => e.id));
        nextEvents = [...state.events, ...events.filter((e) => !known.has(e.id))].sort((a, b) => a.atMs - b.atMs);
      }
      if (nextEvents.length && nextEvents[0]!.atMs < fromMs) nextEvents = nextEvents.filter((e) => e.atMs >= fromMs);
      if (nextEvents.length > maxEventsShown) nextEvents = nextEvents.slice(-maxEventsShown);
      // All uplinks in one update: the charts paint their new points from the store in the next
      // animation frame, each a strip of its canvas, and React re-renders only the latest values.
      markBeforePatch();
      patch(routerId, { series, events: nextEvents, latest, nowMs: newest, version: state.version + 1 });
      markApplied(arrivals, pointsPerSeries(series), flushStartMs);
    },
  };

  function close(routerId: string, session: Session): void {
    if (--session.users > 0) return;
    session.dispose();
    sessions.delete(routerId);
    // 'stopped' is this view's state: the core keeps recording history (no monitor.stop here).
    patch(routerId, { monitor: 'stopped' });
  }
});

function pointsPerSeries(series: Readonly<Record<string, readonly HistoryPoint[]>>): number {
  return Math.max(0, ...Object.values(series).map((p) => p.length));
}

/** One router's slice; the shared empty value keeps selectors stable before the first load. */
export function useRouterMonitoring(routerId: string): RouterMonitoring {
  return useMonitoringStore((s) => s.routers[routerId] ?? emptyRouterMonitoring);
}

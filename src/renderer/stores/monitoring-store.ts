// Live monitoring of one router while its page is open: monitor.start on open, the window's
// history, then onDidSample batches appended (immutably, in the next task, in the window's
// point width) and trimmed to the window; on close, unsubscribe. The core's monitor keeps
// running after the page closes, so the 1 h and 24 h views have no gaps; it stops when the
// router is removed or the app quits (the core does both).
import { create } from 'zustand';
import type { HistoryPoint, HistoryQueryResult, MonitorSample, MonitorStatus, SampleBatch } from '../../shared/api/monitor-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { withoutEchoes } from '../../shared/event-echoes.ts';
import type { LinkEvent } from '../../shared/model.ts';
import { api } from '../api/api.ts';
import { markApplied, markBeforePatch, markSampleArrived, takeArrivals } from '../components/monitoring/chart-timing.ts';
import { toApiError } from './failover-store.ts';
import { BucketAggregate, LiveBuckets, secondOfPoint, type BucketSecond } from './live-buckets.ts';

/**
 * The windows, and how many points each asks for: the history store rounds the point width up
 * to whole seconds (minutes past 5.5 h), so 301 gives 1 s points, 901 gives 4 s and 721 gives
 * 2 min. About one point per 1.5 px of a full-width chart: finer is invisible and costs
 * main-thread time on every update (measured by `npm run bench -- ui`). The charts' time axis
 * moves in steps of about `slideMs` (1.5-1.7 % of the window, made whole pixels of the plot by
 * pixelSlideMs), not every second: a moved axis redraws every chart's axes and shifts its series,
 * new points repaint only their own uplink's series.
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
   * shows it: the newest point of a 1 h or 24 h window is the mean of its bucket so far (up to
   * 2 min of seconds in the 24 h window), not the last second.
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
/**
 * How late a live second can reach the view after its own second: the core sends it once its
 * last probe could have timed out (the uplink's timeout + 0.6 s, then the next tick) and stores
 * it just before. Seconds older than this when the history query runs are in its answer; the
 * newer ones are read again raw, so they and the live ones are counted once each, by their atMs.
 */
export const liveLagMs = 30_000;

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

/** Aggregates a bucket's seconds the way the history store aggregates its rows (each atMs once). */
export function pointOf(atMs: number, seconds: readonly BucketSecond[]): HistoryPoint {
  const bucket = new BucketAggregate(atMs);
  for (const s of seconds) bucket.add(s);
  return bucket.point();
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
  /** Seconds before this are counted in the query's answer (per uplink from then on: `live`). */
  liveFromMs: number;
  /** Per uplink: the newest buckets, built from the stored raw seconds and the live ones. */
  live: Map<string, LiveBuckets>;
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
    const stale = () => session.generation !== generation || sessions.get(routerId) !== session;
    const { window } = current(routerId);
    // The end is a little ahead: samples of the last second may land in the store while the
    // query runs. The span is exactly the window, so the point width comes out round.
    const queriedAtMs = Date.now();
    const toMs = queriedAtMs + 2000;
    const fromMs = toMs - monitorWindows[window].ms;
    patch(routerId, { history: 'loading', historyError: null });
    try {
      const [result, events] = await Promise.all([
        // With the raw seconds of the newest points (those live seconds may still go into).
        api.call('history.query', { routerId, fromMs, toMs, maxPoints: monitorWindows[window].maxPoints, rawTailFromMs: Math.max(fromMs, queriedAtMs - liveLagMs) }),
        api.call('history.events', { routerId, fromMs, toMs, limit: maxEventsShown }),
      ]);
      if (stale()) return;
      applyQuery(routerId, session, result, events.events);
    } catch (error) {
      if (stale()) return;
      patch(routerId, { history: 'error', historyError: toApiError(error) });
    }
  }

  /**
   * Takes the answer: its points up to the raw tail as they are, the newest ones rebuilt from
   * their stored seconds, which live seconds then join, each once. Built from the answer's means
   * alone, the newest point could not take a live second without counting a stored one twice,
   * so it stood still until the next point began (up to 2 min in the 24 h window), short of the
   * seconds it skipped.
   */
  function applyQuery(routerId: string, session: Session, result: HistoryQueryResult, events: readonly LinkEvent[]): void {
    const { stepMs, rawTail } = result;
    session.live.clear();
    const series: Record<string, HistoryPoint[]> = {};
    if (rawTail) {
      session.liveFromMs = rawTail.fromMs;
      for (const s of result.series) {
        let keep = s.points.length;
        while (keep > 0 && s.points[keep - 1]!.atMs >= rawTail.fromMs) keep--;
        series[s.wan] = s.points.slice(0, keep);
      }
      for (const s of rawTail.series) {
        const live = liveBucketsOf(session, s.wan, stepMs);
        const points = (series[s.wan] ??= []);
        for (const p of s.points) {
          const second = secondOfPoint(p);
          if (live.takes(second)) live.add(second, points);
        }
      }
    } else {
      // No raw tail (the contract makes it optional): each uplink's newest answered point is
      // taken as whole, and live seconds start after it.
      session.liveFromMs = -Infinity;
      for (const s of result.series) {
        series[s.wan] = [...s.points];
        const last = s.points.at(-1);
        if (last) session.live.set(s.wan, new LiveBuckets(stepMs, last.atMs + stepMs, liveLagMs));
      }
    }
    patch(routerId, (state) => ({ history: 'ready', historyError: null, stepMs, series, events: [...events], nowMs: Math.max(state.nowMs, Date.now()), version: state.version + 1 }));
    // Whatever arrived while the query ran goes on top now (each second once).
    get().flush(routerId);
  }

  function liveBucketsOf(session: Session, wan: string, stepMs: number): LiveBuckets {
    let live = session.live.get(wan);
    if (!live) {
      live = new LiveBuckets(stepMs, session.liveFromMs, liveLagMs);
      session.live.set(wan, live);
    }
    return live;
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
        liveFromMs: Infinity,
        live: new Map(),
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
        // A second already counted (in the history answer, or sent again by the core to a view
        // that subscribes to a running monitor) is skipped; any other goes into its bucket.
        const live = liveBucketsOf(session, sample.wan, stepMs);
        if (!live.takes(sample)) continue;
        let points = changed.get(sample.wan);
        if (!points) {
          points = [...(state.series[sample.wan] ?? [])];
          changed.set(sample.wan, points);
        }
        live.add(sample, points);
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
        nextEvents = withoutEchoes([...state.events, ...events.filter((e) => !known.has(e.id))].sort((a, b) => a.atMs - b.atMs));
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

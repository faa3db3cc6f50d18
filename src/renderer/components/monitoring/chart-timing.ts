// Timing of each live chart update as the user waits for it, for bench/ui-bench.ts: from the
// moment a sample batch reaches the page (onDidSample) to the end of the first frame that shows
// it on every chart (the frame's style, layout and paint included). Off unless the page was
// opened with ?bench=1, so the app itself records nothing and exposes nothing.

export interface ChartTimings {
  /** Per sample batch: arrival in the page → end of the frame that draws it (ms). */
  updateMs: number[];
  /** The same spans as [arrival, frame end] in performance.now(): the benchmark sums the trace's CPU in each. */
  spansMs: [number, number][];
  /** Long tasks (over 50 ms) seen by a PerformanceObserver while the page ran. */
  longTasks: { startMs: number; durationMs: number }[];
  /** Points per uplink series at each update, for the report. */
  pointsPerSeries: number[];
  /** Per update, phases in ms: [arrival→flush start, flush JS (store + React commit), commit→frame start, frame start→rAF callbacks done, rAF done→frame end]. */
  phasesMs: number[][];
  reset(): void;
}

declare global {
  interface Window {
    __switchyardChartTimings?: ChartTimings;
  }
}

/** Per router: arrival times of the batches not yet taken by a flush. */
const arrivedMs = new Map<string, number[]>();

function enabled(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('bench') === '1';
}

if (enabled() && !window.__switchyardChartTimings) {
  const timings: ChartTimings = {
    updateMs: [],
    spansMs: [],
    longTasks: [],
    pointsPerSeries: [],
    phasesMs: [],
    reset() {
      timings.phasesMs.length = 0;
      timings.updateMs.length = 0;
      timings.spansMs.length = 0;
      timings.longTasks.length = 0;
      timings.pointsPerSeries.length = 0;
    },
  };
  window.__switchyardChartTimings = timings;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) timings.longTasks.push({ startMs: e.startTime, durationMs: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No longtask support: the explicit measures still work.
  }
}

/** The monitoring store got a sample batch for this router. */
export function markSampleArrived(routerId: string): void {
  if (!window.__switchyardChartTimings) return;
  const list = arrivedMs.get(routerId) ?? [];
  list.push(performance.now());
  arrivedMs.set(routerId, list);
}

/** The store is applying the batches that arrived so far: their timing ends when they are drawn. */
export function takeArrivals(routerId: string): readonly number[] {
  const list = arrivedMs.get(routerId);
  if (!list) return [];
  arrivedMs.delete(routerId);
  return list;
}

/** When the frame that draws the latest flush began its animation frame callbacks. */
let rafStartMs = 0;

/** Called before the store notifies the charts: this frame callback runs before their paints. */
export function markBeforePatch(): void {
  if (!window.__switchyardChartTimings) return;
  requestAnimationFrame(() => (rafStartMs = performance.now()));
}

/**
 * Every chart has been given the batches that arrived at `arrivals`: the next frame draws them.
 * A message posted from requestAnimationFrame runs once that frame's rendering (style, layout,
 * paint) is done; callbacks run in the order they were requested, so a chart that draws in its
 * own animation frame callback has drawn by then.
 */
export function markApplied(arrivals: readonly number[], pointsPerSeries: number, flushStartMs?: number): void {
  const timings = window.__switchyardChartTimings;
  if (!timings || arrivals.length === 0) return;
  let committedMs = 0;
  // React's sync re-render (useSyncExternalStore) runs in a microtask queued before this one.
  queueMicrotask(() => (committedMs = performance.now()));
  requestAnimationFrame(() => {
    const frameMs = rafStartMs;
    const rafDoneMs = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const endMs = performance.now();
      const first = arrivals[0]!;
      const fs = flushStartMs ?? first;
      timings.phasesMs.push([fs - first, committedMs - fs, frameMs - committedMs, rafDoneMs - frameMs, endMs - rafDoneMs, endMs - first]);
      for (const startMs of arrivals) {
        timings.updateMs.push(endMs - startMs);
        timings.spansMs.push([startMs, endMs]);
        timings.pointsPerSeries.push(pointsPerSeries);
      }
      channel.port1.close();
    };
    channel.port2.postMessage(null);
  });
}

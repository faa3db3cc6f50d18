// Main-thread timing of each live chart update, for bench/ui-bench.ts. Off unless the page was
// opened with ?bench=1, so the app itself records nothing and exposes nothing.
import { useLayoutEffect } from 'react';

export interface ChartTimings {
  /** Per applied sample batch: flush start → React commit of the whole tab (ms). */
  commitMs: number[];
  /** Per applied sample batch: flush start → the end of the task it ran in, follow-up renders included (ms). */
  taskMs: number[];
  /** Long tasks (over 50 ms) seen by a PerformanceObserver while the page ran. */
  longTasks: { startMs: number; durationMs: number }[];
  /** Series rendered per update, for the report. */
  pointsPerSeries: number[];
  /** performance.now() of every batch applied: the benchmark finds the trace's task for each. */
  flushStartsMs: number[];
  reset(): void;
}

declare global {
  interface Window {
    __switchyardChartTimings?: ChartTimings;
  }
}

const flushStartedMs = new Map<string, number>();

function enabled(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('bench') === '1';
}

if (enabled() && !window.__switchyardChartTimings) {
  const timings: ChartTimings = {
    commitMs: [],
    taskMs: [],
    longTasks: [],
    pointsPerSeries: [],
    flushStartsMs: [],
    reset() {
      timings.flushStartsMs.length = 0;
      timings.commitMs.length = 0;
      timings.taskMs.length = 0;
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

/** Called by the monitoring store right before it applies a batch. */
export function markFlushStart(routerId: string): void {
  const timings = window.__switchyardChartTimings;
  if (!timings) return;
  const nowMs = performance.now();
  flushStartedMs.set(routerId, nowMs);
  timings.flushStartsMs.push(nowMs);
}

/** In the Monitoring tab: when a flushed update has committed, record how long it took. */
export function useCommitTiming(routerId: string, version: number, pointsPerSeries: number): void {
  useLayoutEffect(() => {
    const timings = window.__switchyardChartTimings;
    const started = flushStartedMs.get(routerId);
    if (!timings || started === undefined) return;
    flushStartedMs.delete(routerId);
    const committed = performance.now();
    timings.commitMs.push(committed - started);
    timings.pointsPerSeries.push(pointsPerSeries);
    // A message task runs once the current task (React's follow-up renders included) is done.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      timings.taskMs.push(performance.now() - started);
      channel.port1.close();
    };
    channel.port2.postMessage(null);
  }, [routerId, version, pointsPerSeries]);
}

// A chart's rows as a small observable: the canvas paints from it outside React's render (a new
// second repaints a strip of the canvas, and React re-renders nothing), and components read the
// little they need from it (an axis maximum, the newest values) through useRowFeed, which
// re-renders them only when that value changes.
import { useSyncExternalStore } from 'react';
import type { HistoryPoint } from '../../../shared/api/monitor-schemas.ts';
import { useMonitoringStore } from '../../stores/monitoring-store.ts';
import { nextChartRows, type ChartRow, type RowsMemo } from './chart-rows.ts';
import { nextMaxOf, niceMax, type MaxMemo, type Value } from './chart-geometry.ts';

export interface RowFeed {
  /** The uplink's points, oldest first (the same array until they change). */
  points(): readonly HistoryPoint[];
  /** Its chart rows, gaps as null rows (the same array until the points change). */
  rows(): readonly ChartRow[];
  /** Calls `listener` after the points changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

const noPoints: readonly HistoryPoint[] = [];

/** One uplink of a router in the monitoring store. */
export function monitoringRowFeed(routerId: string, wan: string): RowFeed {
  const get = () => useMonitoringStore.getState().routers[routerId];
  const points = () => get()?.series[wan] ?? noPoints;
  // The uplink's three charts and its hover share one feed, so one conversion per points array;
  // each new one reuses the rows of the points it shares with the one before (nextChartRows).
  let memo: RowsMemo | null = null;
  return {
    points,
    rows: () => {
      const now = points();
      const stepMs = get()?.stepMs ?? 1000;
      if (memo?.points !== now || memo.stepMs !== stepMs) memo = { points: now, stepMs, rows: nextChartRows(memo, now, stepMs) };
      return memo.rows;
    },
    subscribe: (listener) =>
      useMonitoringStore.subscribe((state, before) => {
        const now = state.routers[routerId];
        const was = before.routers[routerId];
        if (now?.series[wan] !== was?.series[wan] || now?.stepMs !== was?.stepMs) listener();
      }),
  };
}

/** Fixed rows (tests, and charts of data that does not stream). */
export function staticRowFeed(rows: readonly ChartRow[], points: readonly HistoryPoint[] = noPoints): RowFeed {
  return { points: () => points, rows: () => rows, subscribe: () => () => {} };
}

/**
 * A value derived from the feed's rows; the component re-renders only when it changes, so
 * `select` must return a primitive (or the same object) for the same rows.
 */
export function useRowFeed<T>(feed: RowFeed, select: (feed: RowFeed) => T): T {
  return useSyncExternalStore(feed.subscribe, () => select(feed));
}

/**
 * An axis maximum over a feed's rows: the round top (niceMax, at least `floor`) of the largest of
 * `values`. The store's listeners, React's snapshot checks and renders all ask for it every
 * second: it is kept per feed and updated from the rows that changed (nextMaxOf).
 */
export function axisTop(floor: number, ...values: Value[]): (feed: RowFeed) => number {
  const memos = new WeakMap<RowFeed, MaxMemo>();
  return (feed) => {
    const rows = feed.rows();
    let memo = memos.get(feed);
    if (memo?.rows !== rows) {
      memo = nextMaxOf(memo ?? null, rows, ...values);
      memos.set(feed, memo);
    }
    return niceMax(memo.max, floor);
  };
}

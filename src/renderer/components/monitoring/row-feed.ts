// A chart's rows as a small observable: the canvas paints from it outside React's render (a new
// second repaints a strip of the canvas, and React re-renders nothing), and components read the
// little they need from it (an axis maximum, the newest values) through useRowFeed, which
// re-renders them only when that value changes.
import { useSyncExternalStore } from 'react';
import type { HistoryPoint } from '../../../shared/api/monitor-schemas.ts';
import { useMonitoringStore } from '../../stores/monitoring-store.ts';
import { chartRows, type ChartRow } from './chart-rows.ts';

export interface RowFeed {
  /** The uplink's points, oldest first (the same array until they change). */
  points(): readonly HistoryPoint[];
  /** Its chart rows, gaps as null rows (the same array until the points change). */
  rows(): readonly ChartRow[];
  /** Calls `listener` after the points changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

const noPoints: readonly HistoryPoint[] = [];

/** Rows per points array: the three charts of an uplink and its hover share one conversion. */
const rowsCache = new WeakMap<readonly HistoryPoint[], { stepMs: number; rows: readonly ChartRow[] }>();

function rowsOf(points: readonly HistoryPoint[], stepMs: number): readonly ChartRow[] {
  const hit = rowsCache.get(points);
  if (hit && hit.stepMs === stepMs) return hit.rows;
  const rows = chartRows(points, stepMs);
  rowsCache.set(points, { stepMs, rows });
  return rows;
}

/** One uplink of a router in the monitoring store. */
export function monitoringRowFeed(routerId: string, wan: string): RowFeed {
  const get = () => useMonitoringStore.getState().routers[routerId];
  const points = () => get()?.series[wan] ?? noPoints;
  return {
    points,
    rows: () => rowsOf(points(), get()?.stepMs ?? 1000),
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
 * `select` over a feed's rows, computed once per rows array: the store's listeners, React's
 * snapshot checks and renders all ask for an axis maximum, and each would scan every row.
 */
export function perRows<T>(select: (rows: readonly ChartRow[]) => T): (feed: RowFeed) => T {
  const cache = new WeakMap<readonly ChartRow[], T>();
  return (feed) => {
    const rows = feed.rows();
    if (cache.has(rows)) return cache.get(rows)!;
    const value = select(rows);
    cache.set(rows, value);
    return value;
  };
}

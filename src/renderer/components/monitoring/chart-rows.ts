// Turns an uplink's history points into the flat rows the charts draw: gaps become explicit null
// rows (so lines and the band break there); the loss buckets colour the median (Smokeping's
// loss-coloured median).
import type { HistoryPoint } from '../../../shared/api/monitor-schemas.ts';

/** Loss buckets of the median line: 0 %, under 5 %, under 20 %, 20 % and more. */
export const lossBuckets = [
  { key: 'm0', label: 'no loss', color: 'var(--mantine-color-green-6)' },
  { key: 'm1', label: 'loss under 5 %', color: 'var(--mantine-color-yellow-6)' },
  { key: 'm2', label: 'loss under 20 %', color: 'var(--mantine-color-orange-6)' },
  { key: 'm3', label: 'loss 20 % and more', color: 'var(--mantine-color-red-7)' },
] as const;
export type LossBucketKey = (typeof lossBuckets)[number]['key'];

/** Index into lossBuckets: comparisons only, as it runs for every row every second. */
export function lossBucketIndex(lossPct: number | null): 0 | 1 | 2 | 3 {
  if (lossPct === null || lossPct <= 0) return 0;
  if (lossPct < 5) return 1;
  if (lossPct < 20) return 2;
  return 3;
}

export function lossBucket(lossPct: number | null): LossBucketKey {
  return lossBuckets[lossBucketIndex(lossPct)].key;
}

export interface ChartRow {
  readonly t: number;
  /** Latency minimum to maximum over the point: the "smoke". */
  readonly band: readonly [number, number] | null;
  /** Median (the mean of the medians when a point spans several seconds). */
  readonly med: number | null;
  readonly loss: number | null;
  readonly jitter: number | null;
  readonly rx: number | null;
  readonly tx: number | null;
}

function gapRow(t: number): ChartRow {
  return { t, band: null, med: null, loss: null, jitter: null, rx: null, tx: null };
}

/** Points the store kept are the same objects from second to second: convert each once. */
const rowCache = new WeakMap<HistoryPoint, ChartRow>();

function rowOf(p: HistoryPoint): ChartRow {
  let row = rowCache.get(p);
  if (!row) {
    row = newRow(p);
    rowCache.set(p, row);
  }
  return row;
}

function newRow(p: HistoryPoint): ChartRow {
  return {
    t: p.atMs,
    band: p.latencyMinMs !== null && p.latencyMaxMs !== null ? [p.latencyMinMs, p.latencyMaxMs] : null,
    med: p.latencyMs,
    loss: p.lossPct,
    jitter: p.jitterMs,
    rx: p.rxBps,
    tx: p.txBps,
  };
}

/**
 * Rows for one uplink, oldest first. Two points further apart than `stepMs` get a null row in
 * between: the history has no rows where nothing ran, and a line must not bridge that.
 */
export function chartRows(points: readonly HistoryPoint[], stepMs: number): ChartRow[] {
  const rows: ChartRow[] = [];
  appendRows(rows, points, 0, stepMs);
  return rows;
}

/** What nextChartRows was given and gave last time, for the next call. */
export interface RowsMemo {
  readonly points: readonly HistoryPoint[];
  readonly stepMs: number;
  readonly rows: readonly ChartRow[];
}

/**
 * chartRows(points, stepMs), reusing the rows of `previous` for the points the two arrays share.
 * The store's update drops points off the left of the window and appends or revises the newest
 * one; every other point stays the same object, so only the new tail is converted, and the same
 * row objects come out (no per-point cache lookups, no garbage). Anything else converts afresh.
 */
export function nextChartRows(previous: RowsMemo | null, points: readonly HistoryPoint[], stepMs: number): ChartRow[] {
  if (!previous || previous.stepMs !== stepMs || points.length === 0) return chartRows(points, stepMs);
  const old = previous.points;
  const offset = indexOfPoint(old, points[0]!);
  if (offset < 0) return chartRows(points, stepMs);
  let shared = 0;
  while (shared < points.length && offset + shared < old.length && old[offset + shared] === points[shared]) shared++;
  // The last shared point's gap row depends on the point after it: convert from that point on.
  const lastShared = shared - 1;
  if (lastShared < 1) return chartRows(points, stepMs);
  const firstRow = rowIndexAt(previous.rows, points[0]!.atMs);
  const lastRow = rowIndexAt(previous.rows, points[lastShared]!.atMs);
  if (firstRow < 0 || lastRow < 0 || previous.rows[lastRow] !== rowCache.get(points[lastShared]!)) return chartRows(points, stepMs);
  const rows = previous.rows.slice(firstRow, lastRow);
  appendRows(rows, points, lastShared, stepMs);
  return rows;
}

/** The index of `point` (the same object) in `points`, sorted by time, or -1. */
function indexOfPoint(points: readonly HistoryPoint[], point: HistoryPoint): number {
  const i = lowerBound(points.length, (k) => points[k]!.atMs < point.atMs);
  return points[i] === point ? i : -1;
}

/** The index of the row at exactly `t` (row times strictly increase), or -1. */
function rowIndexAt(rows: readonly ChartRow[], t: number): number {
  const i = lowerBound(rows.length, (k) => rows[k]!.t < t);
  return rows[i]?.t === t ? i : -1;
}

/** The first index in [0, n) for which `before` is false (it is true, then false). */
function lowerBound(n: number, before: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function appendRows(rows: ChartRow[], points: readonly HistoryPoint[], from: number, stepMs: number): void {
  for (let i = from; i < points.length; i++) {
    const p = points[i]!;
    rows.push(rowOf(p));
    const next = points[i + 1];
    if (next && next.atMs - p.atMs > stepMs) rows.push(gapRow(p.atMs + stepMs));
  }
}

/** Tick positions at round clock times, so the axis needs no "nice number" search. */
export function timeTicks(fromMs: number, toMs: number, windowMs: number): number[] {
  const everyMs = windowMs <= 300_000 ? 60_000 : windowMs <= 3_600_000 ? 600_000 : 3 * 3_600_000;
  // Round in local time so a 3-hour tick lands on 00:00, 03:00, … where the user lives.
  const offsetMs = new Date(fromMs).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((fromMs - offsetMs) / everyMs) * everyMs + offsetMs; t <= toMs; t += everyMs) ticks.push(t);
  return ticks;
}

const hhmm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
const hhmmss = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function formatTick(ms: number): string {
  return hhmm.format(ms);
}

export function formatClock(ms: number): string {
  return hhmmss.format(ms);
}

/** Bits per second with k/M/G units, three significant digits at most. */
export function formatBps(bps: number | null): string {
  if (bps === null) return '–';
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s'];
  let v = bps;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** Axis form of formatBps: short, no unit word. */
export function formatBpsTick(bps: number): string {
  if (bps >= 1e9) return `${+(bps / 1e9).toFixed(1)}G`;
  if (bps >= 1e6) return `${+(bps / 1e6).toFixed(1)}M`;
  if (bps >= 1e3) return `${+(bps / 1e3).toFixed(1)}k`;
  return String(Math.round(bps));
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatPct(pct: number | null): string {
  if (pct === null) return '–';
  return pct === 0 || pct >= 10 ? `${Math.round(pct)} %` : `${pct.toFixed(1)} %`;
}

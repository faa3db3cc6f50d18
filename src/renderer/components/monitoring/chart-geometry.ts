// What a chart's series look like in pixels, as plain data: the polylines, band outlines and loss
// steps that series-canvas.tsx paints. Kept apart from the painting so the shapes (where a line
// breaks at a gap, which colour a stretch of the median takes) are tested without a canvas.
import type { ChartRow } from './chart-rows.ts';

export type Value = (row: ChartRow) => number | null;

/** A chart's plot area in CSS pixels, from the chart's top-left corner. */
export interface PlotArea {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface YDomain {
  readonly min: number;
  readonly max: number;
}

/** Maps times and values to pixels of a plot area whose own origin is its top-left corner. */
export interface Scale {
  xOf(t: number): number;
  yOf(v: number): number;
  /** The pixel row of the domain's floor (or zero when the floor is below it). */
  readonly baseY: number;
}

export function scaleOf(plot: { width: number; height: number }, fromMs: number, toMs: number, domain: YDomain): Scale {
  const spanMs = toMs - fromMs || 1;
  const span = domain.max - domain.min || 1;
  // Far outliers are held a few heights above the top: off the plot either way, and no canvas
  // coordinate in the millions.
  const yOf = (v: number) => plot.height - ((Math.min(v, domain.max * 4) - domain.min) / span) * plot.height;
  return {
    xOf: (t) => ((t - fromMs) / spanMs) * plot.width,
    yOf,
    baseY: yOf(Math.max(0, domain.min)),
  };
}

export type Point = readonly [x: number, y: number];

/** One unbroken stretch of a line in one colour. */
export interface Polyline {
  readonly color: string;
  readonly points: readonly Point[];
}

/**
 * A line through `value`, broken where it is null. With `colorOf`, the segment that ends at a row
 * takes that row's colour (Smokeping's loss-coloured median), and a change of colour starts a new
 * polyline at the previous point so the line stays joined.
 */
export function linePolylines(rows: readonly ChartRow[], value: Value, scale: Scale, color: string, colorOf?: (row: ChartRow) => string): Polyline[] {
  const out: Polyline[] = [];
  let current: { color: string; points: Point[] } | null = null;
  let previous: Point | null = null;
  for (const row of rows) {
    const v = value(row);
    if (v === null) {
      current = null;
      previous = null;
      continue;
    }
    const p: Point = [scale.xOf(row.t), scale.yOf(v)];
    const c = colorOf ? colorOf(row) : color;
    if (current && current.color === c) current.points.push(p);
    else {
      current = { color: c, points: previous ? [previous, p] : [p] };
      out.push(current);
    }
    previous = p;
  }
  return out;
}

/** Outlines of the band between `low` and `high`: upper edge left to right, lower edge back. */
export function bandPolygons(rows: readonly ChartRow[], low: Value, high: Value, scale: Scale): Point[][] {
  const out: Point[][] = [];
  let start = -1;
  const close = (end: number) => {
    if (start < 0) return;
    const polygon: Point[] = [];
    for (let i = start; i < end; i++) polygon.push([scale.xOf(rows[i]!.t), scale.yOf(high(rows[i]!)!)]);
    // A lone point has no width: give it a sliver so it shows.
    if (end - start === 1) polygon.push([polygon[0]![0] + 1.5, polygon[0]![1]]);
    const lower: Point[] = [];
    for (let i = start; i < end; i++) lower.push([scale.xOf(rows[i]!.t), scale.yOf(low(rows[i]!)!)]);
    if (end - start === 1) lower.push([lower[0]![0] + 1.5, lower[0]![1]]);
    out.push(polygon.concat(lower.reverse()));
    start = -1;
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (low(row) === null || high(row) === null) close(i);
    else if (start < 0) start = i;
  }
  close(rows.length);
  return out;
}

export interface StepRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Each row's value held for `stepMs`, from the floor up; zero and null draw nothing. */
export function stepRects(rows: readonly ChartRow[], value: Value, stepMs: number, scale: Scale): StepRect[] {
  const out: StepRect[] = [];
  for (const row of rows) {
    const v = value(row);
    if (v === null || v <= 0) continue;
    const x = scale.xOf(row.t);
    const y = scale.yOf(v);
    out.push({ x, y, width: scale.xOf(row.t + stepMs) - x, height: scale.baseY - y });
  }
  return out;
}

/** A round upper bound (1, 2, 2.5 or 5 × 10^k) at or above `max`, for an axis from zero. */
/**
 * How far the window slides at a time, about `nominalMs`, made a whole number of the plot's
 * device pixels (`widthPx`): a slide then moves every painted point by exactly that many pixels,
 * and the painter shifts the pixels it has instead of painting the plot again (series-painter.ts).
 */
export function pixelSlideMs(windowMs: number, nominalMs: number, widthPx: number): number {
  if (!(widthPx > 0)) return nominalMs;
  return (Math.max(1, Math.round((nominalMs / windowMs) * widthPx)) * windowMs) / widthPx;
}

export function niceMax(max: number, floor = 1): number {
  const m = Math.max(max, floor);
  const p = 10 ** Math.floor(Math.log10(m));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= m) return f * p;
  return 10 * p;
}

/** The largest value a layer reads, over the rows. */
export function maxOf(rows: readonly ChartRow[], ...values: Value[]): number {
  let max = 0;
  for (const row of rows) {
    for (const value of values) {
      const v = value(row);
      if (v !== null && v > max) max = v;
    }
  }
  return max;
}

/** What nextMaxOf found last time, for the next call. */
export interface MaxMemo {
  readonly rows: readonly ChartRow[];
  readonly max: number;
  /** Index in `rows` of a row that holds the maximum, or -1 when no value is above zero. */
  readonly at: number;
}

/**
 * maxOf(rows, ...values), scanning only what changed since `previous`: rows that are the same
 * objects as before (the window moved, rows were appended, the newest was revised) keep their
 * values, so while the row holding the maximum stays in the window only the new rows are read.
 * When it leaves (or the rows are not a continuation of the previous ones) every row is read.
 */
export function nextMaxOf(previous: MaxMemo | null, rows: readonly ChartRow[], ...values: Value[]): MaxMemo {
  if (previous && previous.rows === rows) return previous;
  const full = () => scanMax(rows, 0, { max: 0, at: -1 }, values);
  if (!previous || rows.length === 0) return { rows, ...full() };
  const old = previous.rows;
  let offset = 0;
  let hi = old.length;
  while (offset < hi) {
    const mid = (offset + hi) >> 1;
    if (old[mid]!.t < rows[0]!.t) offset = mid + 1;
    else hi = mid;
  }
  let shared = 0;
  while (shared < rows.length && offset + shared < old.length && old[offset + shared] === rows[shared]) shared++;
  // The maximum must still be among the shared rows (none of them: nothing was above zero).
  const kept = previous.at < 0 ? shared > 0 : previous.at >= offset && previous.at < offset + shared;
  if (!kept) return { rows, ...full() };
  return { rows, ...scanMax(rows, shared, { max: previous.max, at: previous.at < 0 ? -1 : previous.at - offset }, values) };
}

function scanMax(rows: readonly ChartRow[], from: number, start: { max: number; at: number }, values: readonly Value[]): { max: number; at: number } {
  let { max, at } = start;
  for (let i = from; i < rows.length; i++) {
    for (const value of values) {
      const v = value(rows[i]!);
      if (v !== null && v > max) {
        max = v;
        at = i;
      }
    }
  }
  return { max, at };
}


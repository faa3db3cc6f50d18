// Draws a chart's series as SVG paths inside a recharts chart, on the chart's own plot area.
// recharts' Line and Area build several objects per point on every update (≈13 µs per point and
// series measured in Chromium, 285 ms per 1 Hz update for 4 uplinks). Here each series is cut
// into fixed slices of time: a new second changes only the newest slice's path (and the oldest
// one as points leave the window), so React sets, and Chromium re-parses and repaints, a few
// dozen points per series instead of the whole window.
import { createContext, useContext, useRef } from 'react';
import { usePlotArea } from 'recharts';
import type { ChartRow } from './chart-rows.ts';

type Value = (row: ChartRow) => number | null;

export type SeriesLayer =
  /** A filled band between two values per row (the latency "smoke"). */
  | { kind: 'band'; low: Value; high: Value; fill: string; opacity: number; className?: string }
  /** A line through a value; null breaks it. A stroke may be a gradient url(). */
  | { kind: 'line'; value: Value; stroke: string; width: number; className?: string }
  /** Each row's value held for `stepMs` and filled down to zero (loss per point). */
  | { kind: 'steps'; value: Value; stepMs: number; fill: string; stroke: string; opacity: number; className?: string };

export interface YDomain {
  readonly min: number;
  readonly max: number;
}

/**
 * The rows reach the paths through context, not through the chart's props: a new second then
 * re-renders only the paths, while the recharts chart element (axes, grid, markers) stays the
 * same object and React skips it. Re-rendering a recharts chart costs ~3 ms even when nothing
 * but the data changed; 12 of them per second would not fit in a frame.
 */
export const ChartRowsContext = createContext<readonly ChartRow[]>([]);

interface Props {
  fromMs: number;
  toMs: number;
  /** One domain per layer, in the same order (the axis the layer is read against). */
  domains: readonly YDomain[];
  layers: readonly SeriesLayer[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Slices per window: about 40 points each at the windows' point widths. */
export const slicesPerWindow = 24;

/** A run of rows `[start, end)` whose times fall in one slice of `sliceMs` (aligned to 0). */
export interface RowSlice {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Cuts rows (sorted by time) into slices of time. Slices are aligned to absolute time, not to
 * the window, so a slice keeps its id, and its rows, while the window moves on.
 */
export function sliceRows(rows: readonly ChartRow[], sliceMs: number): RowSlice[] {
  const slices: RowSlice[] = [];
  let start = 0;
  let id = rows.length ? Math.floor(rows[0]!.t / sliceMs) : 0;
  for (let i = 1; i <= rows.length; i++) {
    const next = i < rows.length ? Math.floor(rows[i]!.t / sliceMs) : NaN;
    if (next === id) continue;
    slices.push({ id, start, end: i });
    start = i;
    id = next;
  }
  return slices;
}

/**
 * Rows a layer's slice draws from: lines start at the previous slice's last row so they join,
 * bands at the one before it too, so neighbouring shapes overlap by one step and no hairline of
 * background shows between them (the band's opacity is on its group, so overlap does not darken).
 */
const leadRows: Readonly<Record<SeriesLayer['kind'], number>> = { line: 1, band: 2, steps: 0 };

interface CachedPath {
  /** The row objects the path was built from, in order: same objects, same path. */
  readonly rows: readonly ChartRow[];
  readonly d: string;
}

function sameRows(cached: readonly ChartRow[], rows: readonly ChartRow[], from: number, to: number): boolean {
  if (cached.length !== to - from) return false;
  for (let i = from; i < to; i++) if (cached[i - from] !== rows[i]) return false;
  return true;
}

export function SeriesPaths({ fromMs, toMs, domains, layers }: Props) {
  const rows = useContext(ChartRowsContext);
  const plot = usePlotArea();
  const cache = useRef<{ key: string; paths: Map<string, CachedPath> }>({ key: '', paths: new Map() });
  if (!plot || plot.width <= 0 || plot.height <= 0 || !(toMs > fromMs)) return null;
  // A row's coordinates only change when the axes do (once per slide of the window): until then
  // a slice whose rows are the same objects keeps its path string, and React leaves it alone.
  const key = `${plot.x},${plot.y},${plot.width},${plot.height},${fromMs},${toMs},${domains.map((d) => `${d.min}-${d.max}`).join()}`;
  if (cache.current.key !== key) cache.current = { key, paths: new Map() };
  const previous = cache.current.paths;
  const paths = new Map<string, CachedPath>();
  cache.current.paths = paths;
  const slices = sliceRows(rows, (toMs - fromMs) / slicesPerWindow);
  const xOf = (t: number) => round1(plot.x + ((t - fromMs) / (toMs - fromMs)) * plot.width);
  const clipId = `clip-${Math.round(plot.x)}-${Math.round(plot.y)}-${Math.round(plot.width)}-${Math.round(plot.height)}`;
  return (
    <g clipPath={`url(#${clipId})`}>
      <clipPath id={clipId}>
        <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
      </clipPath>
      {layers.map((layer, i) => {
        const domain = domains[i] ?? domains[0]!;
        const span = domain.max - domain.min || 1;
        const yOf = (v: number) => round1(plot.y + plot.height - ((Math.min(v, domain.max * 4) - domain.min) / span) * plot.height);
        const at = (value: Value) => (row: ChartRow) => `${xOf(row.t)},${yOf(value(row)!)}`;
        const build = (part: readonly ChartRow[]): string => {
          switch (layer.kind) {
            case 'band':
              return bandPath(part, layer.low, layer.high, at(layer.high), at(layer.low));
            case 'line':
              return linePath(part, layer.value, at(layer.value));
            case 'steps':
              return stepsPath(part, layer.value, layer.stepMs, xOf, yOf, yOf(Math.max(0, domain.min)));
          }
        };
        const lead = leadRows[layer.kind];
        const shapes = slices.map((slice) => {
          const id = `${i}:${slice.id}`;
          const from = Math.max(0, slice.start - lead);
          let cached = previous.get(id);
          if (!cached || !sameRows(cached.rows, rows, from, slice.end)) {
            const part = rows.slice(from, slice.end);
            cached = { rows: part, d: build(part) };
          }
          paths.set(id, cached);
          return cached.d ? <path key={slice.id} d={cached.d} /> : null;
        });
        switch (layer.kind) {
          case 'band':
            return (
              <g key={i} className={layer.className} fill={layer.fill} opacity={layer.opacity} stroke="none">
                {shapes}
              </g>
            );
          case 'line':
            return (
              <g key={i} className={layer.className} fill="none" stroke={layer.stroke} strokeWidth={layer.width} strokeLinejoin="round" strokeLinecap="round">
                {shapes}
              </g>
            );
          case 'steps':
            return (
              <g key={i} className={layer.className} fill={layer.fill} fillOpacity={layer.opacity} stroke={layer.stroke} strokeWidth={0.8}>
                {shapes}
              </g>
            );
        }
      })}
    </g>
  );
}

function linePath(rows: readonly ChartRow[], value: Value, at: (row: ChartRow) => string): string {
  let d = '';
  let open = false;
  for (const row of rows) {
    if (value(row) === null) {
      open = false;
      continue;
    }
    d += (open ? 'L' : 'M') + at(row);
    open = true;
  }
  return d;
}

function bandPath(rows: readonly ChartRow[], low: Value, high: Value, atHigh: (row: ChartRow) => string, atLow: (row: ChartRow) => string): string {
  let d = '';
  let start = -1;
  const close = (end: number) => {
    if (start < 0) return;
    // A lone point is drawn as a vertical line by its stroke-less outline: give it a sliver.
    for (let i = start; i < end; i++) d += (i === start ? 'M' : 'L') + atHigh(rows[i]!);
    if (end - start === 1) d += 'h1.5';
    for (let i = end - 1; i >= start; i--) d += 'L' + atLow(rows[i]!);
    d += 'Z';
    start = -1;
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (low(row) === null || high(row) === null) close(i);
    else if (start < 0) start = i;
  }
  close(rows.length);
  return d;
}

function stepsPath(rows: readonly ChartRow[], value: Value, stepMs: number, xOf: (t: number) => number, yOf: (v: number) => number, base: number): string {
  let d = '';
  for (const row of rows) {
    const v = value(row);
    // Zero needs no area; null is a gap, drawn as nothing.
    if (v === null || v <= 0) continue;
    d += `M${xOf(row.t)},${base}V${yOf(v)}H${xOf(row.t + stepMs)}V${base}Z`;
  }
  return d;
}

/** A round upper bound (1, 2, 2.5 or 5 × 10^k) at or above `max`, for an axis from zero. */
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

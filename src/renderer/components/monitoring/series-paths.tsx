// Draws a chart's series as a few SVG paths inside a recharts chart, on the chart's own plot
// area. recharts' Line and Area build several objects per point on every update (≈13 µs per
// point and series measured in Chromium, 285 ms per 1 Hz update for 4 uplinks); one pass over
// the rows into path strings costs well under 1 ms, which is what keeps an update under 16 ms.
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

export function SeriesPaths({ fromMs, toMs, domains, layers }: Props) {
  const rows = useContext(ChartRowsContext);
  const plot = usePlotArea();
  const cache = useRef<{ key: string; coords: WeakMap<ChartRow, string>[] }>({ key: '', coords: [] });
  if (!plot || plot.width <= 0 || plot.height <= 0 || !(toMs > fromMs)) return null;
  // A row's coordinates only change when the axes do (once per slide of the window): until then
  // each second formats just its new rows.
  const key = `${plot.x},${plot.y},${plot.width},${plot.height},${fromMs},${toMs},${domains.map((d) => `${d.min}-${d.max}`).join()}`;
  if (cache.current.key !== key) cache.current = { key, coords: [] };
  const coordsFor = (slot: number) => (cache.current.coords[slot] ??= new WeakMap());
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
        const point = (slot: number, value: Value) => {
          const memo = coordsFor(slot);
          return (row: ChartRow): string => {
            let c = memo.get(row);
            if (c === undefined) {
              c = `${xOf(row.t)},${yOf(value(row)!)}`;
              memo.set(row, c);
            }
            return c;
          };
        };
        switch (layer.kind) {
          case 'band':
            return <path key={i} d={bandPath(rows, layer.low, layer.high, point(3 * i, layer.high), point(3 * i + 1, layer.low))} fill={layer.fill} fillOpacity={layer.opacity} stroke="none" className={layer.className} />;
          case 'line':
            return <path key={i} d={linePath(rows, layer.value, point(3 * i, layer.value))} fill="none" stroke={layer.stroke} strokeWidth={layer.width} strokeLinejoin="round" className={layer.className} />;
          case 'steps':
            return (
              <path key={i} d={stepsPath(rows, layer.value, layer.stepMs, xOf, yOf, yOf(Math.max(0, domain.min)))} fill={layer.fill} fillOpacity={layer.opacity} stroke={layer.stroke} strokeWidth={0.8} className={layer.className} />
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

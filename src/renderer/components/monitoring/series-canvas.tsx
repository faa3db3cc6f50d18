// Paints a chart's series on a canvas over its plot area. As SVG, a new second meant React
// diffing path elements and Chromium re-parsing, restyling, laying out and repainting them
// (bench ui: ~9 ms of main-thread CPU per uplink and second, most of it outside script). On a
// canvas it is one clear and a few hundred lineTo calls: no DOM changes, no style or layout.
import { useMantineColorScheme } from '@mantine/core';
import { memo, useLayoutEffect, useRef } from 'react';
import type { ChartRow } from './chart-rows.ts';
import { bandPolygons, linePolylines, scaleOf, stepRects, type PlotArea, type Point, type Value, type YDomain } from './chart-geometry.ts';

export type SeriesLayer =
  /** A filled band between two values per row (the latency "smoke"). */
  | { kind: 'band'; low: Value; high: Value; fill: string; opacity: number }
  /** A line through a value; null breaks it. `colorOf` colours the segment ending at a row. */
  | { kind: 'line'; value: Value; stroke: string; width: number; colorOf?: (row: ChartRow) => string }
  /** Each row's value held for `stepMs` and filled down to zero (loss per point). */
  | { kind: 'steps'; value: Value; stepMs: number; fill: string; stroke: string; opacity: number };

interface Props {
  rows: readonly ChartRow[];
  fromMs: number;
  toMs: number;
  plot: PlotArea;
  /** One domain per layer, in the same order (the axis the layer is read against). */
  domains: readonly YDomain[];
  layers: readonly SeriesLayer[];
}

export const SeriesCanvas = memo(function SeriesCanvas({ rows, fromMs, toMs, plot, domains, layers }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  // The colours are the theme's CSS variables: a theme switch must repaint with the new values.
  // (Not useComputedColorScheme: it queries matchMedia on every render, 12 charts a second.)
  const scheme = useMantineColorScheme().colorScheme;
  useLayoutEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || plot.width <= 0 || plot.height <= 0 || !(toMs > fromMs)) return;
    const dpr = window.devicePixelRatio || 1;
    const widthPx = Math.round(plot.width * dpr);
    const heightPx = Math.round(plot.height * dpr);
    // Assigning a size clears and reallocates the canvas even when it is unchanged.
    if (canvas.width !== widthPx) canvas.width = widthPx;
    if (canvas.height !== heightPx) canvas.height = heightPx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, plot.width, plot.height);
    const colors = themeColors();
    layers.forEach((layer, i) => paintLayer(ctx, rows, layer, scaleOf(plot, fromMs, toMs, domains[i] ?? domains[0]!), colors));
  }, [rows, fromMs, toMs, plot, domains, layers, scheme]);
  return <canvas ref={ref} data-rows={rows.length} style={{ position: 'absolute', left: plot.x, top: plot.y, width: plot.width, height: plot.height, pointerEvents: 'none' }} />;
});

function paintLayer(ctx: CanvasRenderingContext2D, rows: readonly ChartRow[], layer: SeriesLayer, scale: ReturnType<typeof scaleOf>, color: (css: string) => string): void {
  switch (layer.kind) {
    case 'band': {
      ctx.globalAlpha = layer.opacity;
      ctx.fillStyle = color(layer.fill);
      ctx.beginPath();
      for (const polygon of bandPolygons(rows, layer.low, layer.high, scale)) tracePolyline(ctx, polygon, true);
      ctx.fill();
      ctx.globalAlpha = 1;
      return;
    }
    case 'line': {
      ctx.lineWidth = layer.width;
      ctx.lineJoin = 'round';
      ctx.lineCap = 'round';
      // Consecutive stretches of one colour in one stroke: fewer, longer paths.
      let stroke: string | null = null;
      for (const line of linePolylines(rows, layer.value, scale, layer.stroke, layer.colorOf)) {
        if (line.color !== stroke) {
          if (stroke !== null) ctx.stroke();
          stroke = line.color;
          ctx.strokeStyle = color(stroke);
          ctx.beginPath();
        }
        tracePolyline(ctx, line.points, false);
        // A lone point would be an invisible zero-length path: a dot of the line's width.
        if (line.points.length === 1) ctx.lineTo(line.points[0]![0] + 0.01, line.points[0]![1]);
      }
      if (stroke !== null) ctx.stroke();
      return;
    }
    case 'steps': {
      const rects = stepRects(rows, layer.value, layer.stepMs, scale);
      if (!rects.length) return;
      ctx.beginPath();
      for (const r of rects) ctx.rect(r.x, r.y, r.width, r.height);
      ctx.globalAlpha = layer.opacity;
      ctx.fillStyle = color(layer.fill);
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = color(layer.stroke);
      ctx.stroke();
      return;
    }
  }
}

function tracePolyline(ctx: CanvasRenderingContext2D, points: readonly Point[], close: boolean): void {
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  if (close) ctx.closePath();
}

/** `var(--name)` read from the document once per colour scheme (a canvas takes no CSS variables). */
const resolved = new Map<string, string>();

function themeColors(): (css: string) => string {
  // Mantine sets the attribute before it re-renders with the new scheme.
  const scheme = document.documentElement.getAttribute('data-mantine-color-scheme') ?? '';
  return (css) => {
    const name = /^var\((--[\w-]+)\)$/.exec(css)?.[1];
    if (!name) return css;
    const key = `${scheme} ${name}`;
    let value = resolved.get(key);
    if (value === undefined) {
      value = getComputedStyle(document.documentElement).getPropertyValue(name).trim() || 'gray';
      resolved.set(key, value);
    }
    return value;
  };
}

// A chart's series on a canvas over its plot area, painted from its row feed outside React's
// render: a new second schedules one paint in the next animation frame, which repaints only the
// strip that changed (series-painter.ts). A change of window, size, axis or theme re-renders
// this component, which paints the canvas in the same commit as the axes: a slide by shifting
// its pixels (then, once the page is idle, everything again), anything else whole.
import { useMantineColorScheme } from '@mantine/core';
import { memo, useLayoutEffect, useRef } from 'react';
import type { PlotArea, YDomain } from './chart-geometry.ts';
import type { RowFeed } from './row-feed.ts';
import { SeriesPainter, type SeriesLayer } from './series-painter.ts';

export type { SeriesLayer } from './series-painter.ts';

interface Props {
  feed: RowFeed;
  fromMs: number;
  toMs: number;
  plot: PlotArea;
  /** One domain per layer, in the same order (the axis the layer is read against). */
  domains: readonly YDomain[];
  layers: readonly SeriesLayer[];
}

export const SeriesCanvas = memo(function SeriesCanvas({ feed, fromMs, toMs, plot, domains, layers }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const painter = useRef<SeriesPainter | null>(null);
  // The colours are the theme's CSS variables: a theme switch must repaint with the new values.
  // (Not useComputedColorScheme: it queries matchMedia on every render.)
  const scheme = useMantineColorScheme().colorScheme;
  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const own = (painter.current ??= new SeriesPainter(canvas));
    const paint = () => {
      const rows = feed.rows();
      const colors = themeColors();
      own.paint({ rows, fromMs, toMs, plot, domains, layers, devicePixelRatio: window.devicePixelRatio || 1, color: colors.color, colorKey: colors.key });
      // An attribute write costs Chromium an invalidation check: write it only when it changed
      // (a new second revises the open point in three seconds of four in the 1 h window).
      const count = String(rows.length);
      if (canvas.dataset.rows !== count) canvas.dataset.rows = count;
      if (own.needsCleanUp) scheduleCleanUp(own);
    };
    paint();
    const off = feed.subscribe(() => schedulePaint(paint));
    return () => {
      off();
      pending.delete(paint);
      untidy.delete(own);
    };
  }, [feed, fromMs, toMs, plot, domains, layers, scheme]);
  return <canvas ref={ref} style={{ position: 'absolute', left: plot.x, top: plot.y, width: plot.width, height: plot.height, pointerEvents: 'none' }} />;
});

/** Paints waiting for the next frame: every chart's in one animation frame callback, not one each. */
const pending = new Set<() => void>();
let frame = 0;

function schedulePaint(paint: () => void): void {
  pending.add(paint);
  frame ||= requestAnimationFrame(() => {
    frame = 0;
    const paints = [...pending];
    pending.clear();
    for (const p of paints) p();
  });
}

/**
 * Painters whose canvas was shifted, to repaint whole when the page is idle: one per idle
 * period, as the canvas is rasterised after the task that painted it (1-5 ms a chart here, which
 * the idle deadline does not see), so a sample batch arriving meanwhile waits for one at most.
 */
const untidy = new Set<SeriesPainter>();
let idle = 0;

function scheduleCleanUp(painter: SeriesPainter): void {
  untidy.add(painter);
  idle ||= requestIdleCallback(cleanUpOne, { timeout: 2000 });
}

function cleanUpOne(): void {
  idle = 0;
  const painter = untidy.values().next().value;
  if (!painter) return;
  untidy.delete(painter);
  painter.cleanUp();
  if (untidy.size) idle = requestIdleCallback(cleanUpOne, { timeout: 2000 });
}

/** `var(--name)` read from the document once per colour scheme (a canvas takes no CSS variables). */
const resolved = new Map<string, string>();

function themeColors(): { color: (css: string) => string; key: string } {
  // Mantine sets the attribute before it re-renders with the new scheme.
  const scheme = document.documentElement.getAttribute('data-mantine-color-scheme') ?? '';
  const color = (css: string) => {
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
  return { color, key: scheme };
}

// Runs in Chromium (test/e2e/chart-painter.e2e.ts bundles it into a blank page): streams seconds
// into a chart the way the Monitoring tab does, painting each with one long-lived painter (strips)
// and, on a second canvas, with a fresh painter (a full paint), and compares their pixels. The
// scripted seconds include a gap, loss that recolours the median, window slides, a resize, a new
// axis maximum and a change of window. The data is synthetic (no router involved).
import type { HistoryPoint } from '../../../shared/api/monitor-schemas.ts';
import { pointOf } from '../../stores/monitoring-store.ts';
import type { MonitorSample } from '../../../shared/api/monitor-schemas.ts';
import { nextMaxOf, niceMax, pixelSlideMs, type MaxMemo, type Value, type YDomain } from './chart-geometry.ts';
import { latencyHigh, latencyLayers, latencyMedian, jitter, lossJitterLayers, rx, throughputLayers, tx } from './chart-layers.ts';
import { nextChartRows, type ChartRow, type RowsMemo } from './chart-rows.ts';
import { SeriesPainter, type PaintResult, type SeriesLayer } from './series-painter.ts';

export interface StepCheck {
  step: string;
  chart: string;
  kind: PaintResult['kind'];
  /** Pixels whose RGBA differs at all between the strip-painted and the fully painted canvas. */
  differingPx: number;
  /** Pixels that differ by more than anti-aliasing does (48 of 255). */
  bigDiffPx: number;
  /** The largest difference of one channel (0–255), colours premultiplied by alpha. */
  maxChannelDiff: number;
  /** Pixels this step changed on the fully painted canvas (a step that changed nothing proves nothing). */
  changedPx: number;
  /** Leftmost and rightmost column (device pixels) of the differing pixels, and where the strip began. */
  differingXs: [number, number] | null;
  stripFromPx: number | null;
  /** Device pixels the strip paint shifted the old pixels left by (a slide), else null. */
  shiftPx: number | null;
  /** After a shift, the pixels that still differ once the painter cleaned up (as when the page is idle), else null. */
  cleanedDifferingPx: number | null;
}

export interface CheckOptions {
  windowMs: number;
  slideMs: number;
  stepMs: number;
  widthPx: number;
  devicePixelRatio: number;
  seconds: number;
  /** Slide by whole device pixels (pixelSlideMs, as the Monitoring tab does) rather than by `slideMs` itself. */
  wholePixelSlides: boolean;
}

declare global {
  interface Window {
    checkChartPainter?: (options: CheckOptions) => StepCheck[];
  }
}

/** A deterministic, lively second: noise, a latency spike, some loss, one uplink-wide outage. */
function second(atMs: number, k: number): MonitorSample | null {
  if (k >= 40 && k < 52) return null; // a gap: nothing was stored
  const s = atMs / 1000;
  const noise = ((Math.sin(s * 12.9898) * 43758.5453) % 1 + 1) % 1;
  const spike = k >= 100 && k < 104 ? 400 : 0; // beyond the axis: a new maximum
  const latency = 20 + Math.sin(s / 7) * 6 + noise * 8 + spike;
  const lost = k % 17 === 0 ? 2 : k % 29 === 0 ? 5 : 0;
  return {
    routerId: 'r1',
    wan: 'wan',
    atMs,
    latencyMs: lost === 5 ? null : latency,
    latencyMinMs: lost === 5 ? null : latency - 3 - noise * 2,
    latencyMaxMs: lost === 5 ? null : latency + 4 + noise * 6,
    latencyP95Ms: lost === 5 ? null : latency + 3,
    jitterMs: lost === 5 ? null : 1 + noise * 3,
    jitterMasdMs: null,
    lossPct: (100 * lost) / 5,
    rxBps: 2e6 + 5e6 * noise,
    txBps: 3e5 + 2e5 * noise,
    sent: 5,
    received: 5 - lost,
  };
}

interface Chart {
  name: string;
  height: number;
  layers: readonly SeriesLayer[];
  domains: (rows: readonly ChartRow[]) => YDomain[];
}

/** An axis top kept the way the app keeps it (row-feed.ts axisTop): updated from the rows that changed. */
function axisTop(floor: number, ...values: Value[]): (rows: readonly ChartRow[]) => number {
  let memo: MaxMemo | null = null;
  return (rows) => {
    memo = nextMaxOf(memo, rows, ...values);
    return niceMax(memo.max, floor);
  };
}

function charts(stepMs: number): Chart[] {
  const latencyTop = axisTop(5, latencyHigh, latencyMedian);
  const jitterTop = axisTop(1, jitter);
  const throughputTop = axisTop(1000, rx, tx);
  return [
    { name: 'latency', height: 144, layers: latencyLayers, domains: (rows) => [0, 1].map(() => ({ min: 0, max: latencyTop(rows) })) },
    { name: 'loss-jitter', height: 74, layers: lossJitterLayers(stepMs), domains: (rows) => [{ min: 0, max: 100 }, { min: 0, max: jitterTop(rows) }] },
    { name: 'throughput', height: 54, layers: throughputLayers, domains: (rows) => [0, 1].map(() => ({ min: 0, max: throughputTop(rows) })) },
  ];
}

const palette: Record<string, string> = {
  '--mantine-color-gray-5': '#adb5bd',
  '--mantine-color-green-6': '#40c057',
  '--mantine-color-yellow-6': '#fab005',
  '--mantine-color-orange-6': '#fd7e14',
  '--mantine-color-red-6': '#fa5252',
  '--mantine-color-red-7': '#f03e3e',
  '--mantine-color-blue-6': '#228be6',
  '--mantine-color-teal-6': '#12b886',
  '--mantine-color-grape-6': '#be4bdb',
};
const color = (css: string) => palette[/^var\((--[\w-]+)\)$/.exec(css)?.[1] ?? ''] ?? css;

function canvas(): HTMLCanvasElement {
  const c = document.createElement('canvas');
  document.body.append(c);
  return c;
}

function pixels(c: HTMLCanvasElement): Uint8ClampedArray {
  return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
}

/** A difference beyond anti-aliasing's: a shape is there on one canvas and not on the other. */
const bigDiff = 48;

function compare(a: Uint8ClampedArray, b: Uint8ClampedArray, widthPx: number): { differingPx: number; bigDiffPx: number; maxChannelDiff: number; differingXs: [number, number] | null } {
  if (a.length !== b.length) return { differingPx: Math.max(a.length, b.length) / 4, bigDiffPx: Math.max(a.length, b.length) / 4, maxChannelDiff: 255, differingXs: null };
  let differingPx = 0;
  let bigDiffPx = 0;
  let maxChannelDiff = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i += 4) {
    // Premultiplied by alpha, as the pixels are composited: a nearly transparent pixel's own
    // colour is noise (alpha 2 of 255 may read back as any grey).
    let d = Math.abs(a[i + 3]! - b[i + 3]!);
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a[i + c]! * a[i + 3]! - b[i + c]! * b[i + 3]!) / 255);
    if (d > bigDiff) bigDiffPx++;
    if (d > 0) {
      differingPx++;
      const x = (i / 4) % widthPx;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    maxChannelDiff = Math.max(maxChannelDiff, d);
  }
  return { differingPx, bigDiffPx, maxChannelDiff, differingXs: differingPx ? [lo, hi] : null };
}

window.checkChartPainter = (options) => {
  const out: StepCheck[] = [];
  // Half a minute before a slide: the window slides within the first seconds.
  const firstSlideMs = options.wholePixelSlides ? pixelSlideMs(options.windowMs, options.slideMs, options.widthPx * options.devicePixelRatio) : options.slideMs;
  const startMs = Math.floor(Math.ceil(Date.UTC(2026, 11, 5, 12) / firstSlideMs) * firstSlideMs) - 30_000;
  let stepMs = options.stepMs;
  let windowMs = options.windowMs;
  let widthPx = options.widthPx;
  const list = charts(stepMs).map((chart) => ({ chart, live: canvas(), full: canvas(), painter: null as SeriesPainter | null }));
  for (const c of list) c.painter = new SeriesPainter(c.live);
  // An hour (or a day) of history before the live seconds, like the store's query answer.
  let points: HistoryPoint[] = [];
  for (let t = startMs - windowMs + stepMs; t < startMs; t += stepMs) {
    const s = second(t, 1000);
    if (s) points.push(pointOf(t, [s]));
  }
  let open: { atMs: number; seconds: MonitorSample[] } | null = null;
  let rowsMemo: RowsMemo | null = null;
  let previousFull = new Map<string, Uint8ClampedArray>();
  for (let k = 0; k < options.seconds; k++) {
    const atMs = startMs + k * 1000;
    let step = 'second';
    if (k === Math.floor(options.seconds * 0.6)) {
      widthPx = Math.round(widthPx * 0.8);
      step = 'resize';
    }
    if (k === Math.floor(options.seconds * 0.8)) {
      // Another window: a coarser step, points re-bucketed (as a new query would answer).
      windowMs *= 2;
      stepMs *= 2;
      points = points.filter((p) => p.atMs % stepMs === 0);
      open = null;
      for (const c of list) c.chart.layers = c.chart.name === 'loss-jitter' ? lossJitterLayers(stepMs) : c.chart.layers;
      step = 'window';
    }
    const sample = second(atMs, k);
    if (sample) {
      const bucketMs = Math.floor(atMs / stepMs) * stepMs;
      if (open && open.atMs === bucketMs) {
        open.seconds.push(sample);
        points = [...points.slice(0, -1), pointOf(bucketMs, open.seconds)];
      } else {
        open = { atMs: bucketMs, seconds: [sample] };
        points = [...points, pointOf(bucketMs, open.seconds)];
      }
    } else if (step === 'second') step = 'gap';
    const nowMs = atMs + 1000;
    const slideMs = options.wholePixelSlides ? pixelSlideMs(windowMs, options.slideMs, widthPx * options.devicePixelRatio) : options.slideMs;
    const toMs = Math.ceil(nowMs / slideMs) * slideMs;
    if (toMs !== Math.ceil(atMs / slideMs) * slideMs && step === 'second') step = 'slide';
    points = points.filter((p) => p.atMs + stepMs > nowMs - windowMs);
    // Rows as the app's row feed makes them: last second's rows reused for the points kept.
    const rows = nextChartRows(rowsMemo, points, stepMs);
    rowsMemo = { points, stepMs, rows };
    const plot = { width: widthPx, height: 0 };
    const fullNow = new Map<string, Uint8ClampedArray>();
    for (const { chart, live, full, painter } of list) {
      const input = { rows, fromMs: toMs - windowMs, toMs, plot: { ...plot, height: chart.height }, domains: chart.domains(rows), layers: chart.layers, devicePixelRatio: options.devicePixelRatio, color, colorKey: 'light' };
      const result = painter!.paint(input);
      new SeriesPainter(full).paint(input);
      const a = pixels(live);
      const b = pixels(full);
      fullNow.set(chart.name, b);
      const before = previousFull.get(chart.name);
      // The Monitoring tab cleans up after a shift once the page is idle: before the next second.
      const cleanedDifferingPx = painter!.cleanUp() ? compare(pixels(live), b, live.width).differingPx : null;
      out.push({ step, chart: chart.name, kind: result.kind, stripFromPx: result.kind === 'strip' ? result.fromPx : null, shiftPx: result.kind === 'strip' ? result.shiftPx : null, cleanedDifferingPx, ...compare(a, b, live.width), changedPx: before ? compare(before, b, live.width).differingPx : b.length / 4 });
    }
    previousFull = fullNow;
  }
  return out;
};

// Paints one chart's series on its canvas, and on a new second repaints only what changed: the
// strip right of the last row that stayed the same (the open bucket's point is revised every
// second, a new one is appended). The time axis only moves when the window slides (every 1.5 %
// of it), so between slides every older row keeps its pixels. A slide by a whole number of device
// pixels (pixelSlideMs) shifts the pixels and paints the strip it uncovered; a resize, a new axis
// maximum, other layers, another theme or a slide by part of a pixel repaint everything. The
// strip is cleared and clipped on whole device pixels and painted with the very coordinates a
// full paint uses, so both give the same pixels (test/e2e/chart-painter.e2e.ts compares them in
// Chromium) but for anti-aliasing: Skia anti-aliases a short path a little differently from a
// long one. A full paint used to wipe those differences at every slide; a shift keeps them, so
// after one the caller repaints everything once the page is idle (cleanUp), or they would pile up.
import type { ChartRow } from './chart-rows.ts';
import { bandPolygons, linePolylines, scaleOf, stepRects, type PlotArea, type Point, type Value, type YDomain } from './chart-geometry.ts';

export type SeriesLayer =
  /** A filled band between two values per row (the latency "smoke"). */
  | { kind: 'band'; low: Value; high: Value; fill: string; opacity: number }
  /** A line through a value; null breaks it. `colorOf` colours the segment ending at a row. */
  | { kind: 'line'; value: Value; stroke: string; width: number; colorOf?: (row: ChartRow) => string }
  /** Each row's value held for `stepMs` and filled down to zero (loss per point). */
  | { kind: 'steps'; value: Value; stepMs: number; fill: string; stroke: string; opacity: number };

export interface PaintInput {
  readonly rows: readonly ChartRow[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly plot: Pick<PlotArea, 'width' | 'height'>;
  /** One domain per layer, in the same order (the axis the layer is read against). */
  readonly domains: readonly YDomain[];
  readonly layers: readonly SeriesLayer[];
  readonly devicePixelRatio: number;
  /** Resolves a colour (`var(--x)` included) to what the canvas takes. */
  readonly color: (css: string) => string;
  /** Changes when `color` would resolve differently (the theme). */
  readonly colorKey: string;
}

/**
 * What a paint did, for tests and the benchmark: nothing, the strip from `fromPx` (after shifting
 * the pixels left by `shiftPx` on a slide), or everything.
 */
export type PaintResult = { kind: 'none' } | { kind: 'strip'; fromPx: number; shiftPx: number } | { kind: 'full' };

/**
 * Device pixels left of the first changed row that are repainted too: a line's half width and
 * round join (1.6 px wide at most here), the loss steps' outline, and anti-aliasing, with room.
 */
const stripMarginCssPx = 4;

export class SeriesPainter {
  private readonly canvas: HTMLCanvasElement;
  private last: PaintInput | null = null;
  /** A shift kept the strips' anti-aliasing since the last full paint: cleanUp repaints. */
  private shifted = false;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
  }

  /** Forget what was painted: the next paint is a full one. */
  reset(): void {
    this.last = null;
  }

  /** Whether cleanUp has work: a slide shifted the pixels since the last full paint. */
  get needsCleanUp(): boolean {
    return this.shifted && this.last !== null;
  }

  /** Repaints everything as last painted, when a shift kept strips' anti-aliasing; true if it painted. */
  cleanUp(): boolean {
    const ctx = this.canvas.getContext('2d');
    if (!this.needsCleanUp || !ctx) return false;
    this.paintFull(ctx, this.last!);
    return true;
  }

  paint(input: PaintInput): PaintResult {
    const ctx = this.canvas.getContext('2d');
    const { plot, devicePixelRatio: dpr } = input;
    if (!ctx || plot.width <= 0 || plot.height <= 0 || !(input.toMs > input.fromMs)) {
      this.last = null;
      return { kind: 'none' };
    }
    const last = this.last;
    this.last = input;
    const shiftPx = last ? slidePx(last, input) : null;
    if (!last || shiftPx === null) {
      this.paintFull(ctx, input);
      return { kind: 'full' };
    }
    const scale = scaleOf(plot, input.fromMs, input.toMs, input.domains[0]!);
    // The strip starts at the last row that kept its value (the segment leaving it changed) or,
    // after a shift, at the old right end (a step reaching past it was cut there), less a margin.
    const changedAt = firstChange(last.rows, input.rows, input.fromMs);
    if (changedAt === null && shiftPx === 0) return { kind: 'none' };
    if (changedAt === 0) {
      this.paintFull(ctx, input);
      return { kind: 'full' };
    }
    const fromCssPx = Math.min(changedAt === null ? Infinity : scale.xOf(input.rows[changedAt - 1]!.t), plot.width - shiftPx / dpr);
    const fromPx = Math.floor((fromCssPx - stripMarginCssPx) * dpr);
    if (fromPx <= 0) {
      this.paintFull(ctx, input);
      return { kind: 'full' };
    }
    if (shiftPx > 0) {
      this.shifted = true;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      // 'copy': the pixels shifted in from past the right end are cleared, not kept.
      ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(this.canvas, -shiftPx, 0);
      ctx.restore();
    }
    // Start two rows left of the strip: every shape that reaches into it is painted whole
    // (a shape spans at most from one row to the next, or one step).
    let start = input.rows.length - 1;
    while (start > 0 && scale.xOf(input.rows[start]!.t) * dpr >= fromPx - stripMarginCssPx * dpr) start--;
    start = Math.max(0, start - 1);
    const widthPx = this.canvas.width;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(fromPx, 0, widthPx - fromPx, this.canvas.height);
    ctx.beginPath();
    ctx.rect(fromPx, 0, widthPx - fromPx, this.canvas.height);
    ctx.clip();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.paintLayers(ctx, input, input.rows.slice(start));
    ctx.restore();
    return { kind: 'strip', fromPx, shiftPx };
  }

  private paintFull(ctx: CanvasRenderingContext2D, input: PaintInput): void {
    this.shifted = false;
    const { plot, devicePixelRatio: dpr } = input;
    const widthPx = Math.round(plot.width * dpr);
    const heightPx = Math.round(plot.height * dpr);
    // Assigning a size clears and reallocates the canvas even when it is unchanged.
    if (this.canvas.width !== widthPx) this.canvas.width = widthPx;
    if (this.canvas.height !== heightPx) this.canvas.height = heightPx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, plot.width, plot.height);
    this.paintLayers(ctx, input, input.rows);
  }

  private paintLayers(ctx: CanvasRenderingContext2D, input: PaintInput, rows: readonly ChartRow[]): void {
    input.layers.forEach((layer, i) => paintLayer(ctx, rows, layer, scaleOf(input.plot, input.fromMs, input.toMs, input.domains[i] ?? input.domains[0]!), input.color));
  }
}

/**
 * Whole device pixels the plot moved left from `a` to `b` (0 when the window stayed), or null
 * when `b` must be painted whole: another size, scale, layers or colours, or a window that moved
 * back, by part of a pixel, or by the whole plot. Only rows can have changed otherwise.
 */
function slidePx(a: PaintInput, b: PaintInput): number | null {
  if (!sameFrame(a, b)) return null;
  if (a.fromMs === b.fromMs && a.toMs === b.toMs) return 0;
  const spanMs = b.toMs - b.fromMs;
  if (Math.abs(a.toMs - a.fromMs - spanMs) > 1e-6 * spanMs) return null;
  const px = ((b.fromMs - a.fromMs) / spanMs) * b.plot.width * b.devicePixelRatio;
  const whole = Math.round(px);
  // Times near 1.8e12 ms carry rounding of about 2e-4 ms: a thousandth of a pixel is whole enough.
  return whole > 0 && Math.abs(px - whole) < 1e-3 && px < b.plot.width * b.devicePixelRatio ? whole : null;
}

/** Same size, scale, layers and colours (the window may differ). */
function sameFrame(a: PaintInput, b: PaintInput): boolean {
  return (
    a.plot.width === b.plot.width &&
    a.plot.height === b.plot.height &&
    a.devicePixelRatio === b.devicePixelRatio &&
    a.layers === b.layers &&
    a.colorKey === b.colorKey &&
    a.domains.length === b.domains.length &&
    a.domains.every((d, i) => d.min === b.domains[i]!.min && d.max === b.domains[i]!.max)
  );
}

/** Index of the row just before the first one at or after `fromMs` (0 when none is before). */
function visibleStart(rows: readonly ChartRow[], fromMs: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.t < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/**
 * Index in `next` of its first visible row that differs from `previous` (rows dropped off the
 * left, long out of sight, do not count), or null when the visible rows are the same. 0 means
 * the visible rows differ from their start: paint everything.
 */
function firstChange(previous: readonly ChartRow[], next: readonly ChartRow[], fromMs: number): number | null {
  const ps = visibleStart(previous, fromMs);
  const ns = visibleStart(next, fromMs);
  let j = 0;
  while (ns + j < next.length && ps + j < previous.length && sameRow(previous[ps + j]!, next[ns + j]!)) j++;
  if (ns + j === next.length && ps + j === previous.length) return null;
  return j === 0 ? 0 : ns + j;
}

/** Rows are cached per history point, but gap rows are made anew: compare values. */
function sameRow(a: ChartRow, b: ChartRow): boolean {
  return (
    a === b ||
    (a.t === b.t && a.med === b.med && a.loss === b.loss && a.jitter === b.jitter && a.rx === b.rx && a.tx === b.tx && a.band?.[0] === b.band?.[0] && a.band?.[1] === b.band?.[1])
  );
}

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
      // Set, not inherited from the layer painted before: a strip and a full paint must agree.
      ctx.lineJoin = 'round';
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

// The monitoring charts repaint only the strip a new second changed (series-painter.ts): here, in
// Chromium, a chart streamed second by second that way must have the same pixels as the same
// chart painted whole, through a gap in the samples, loss that recolours the median, window
// slides, a resize, a new axis maximum and a change of window, at device pixel ratios 1, 1.5, 2.
// The page is src/renderer/components/monitoring/chart-painter-check.test-util.ts, bundled here.
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from './browser-session.ts';

/** As chart-painter-check.test-util.ts declares them (that file is typed for the DOM, this one for Node). */
interface CheckOptions {
  windowMs: number;
  slideMs: number;
  stepMs: number;
  widthPx: number;
  devicePixelRatio: number;
  seconds: number;
  wholePixelSlides: boolean;
}
interface StepCheck {
  step: string;
  chart: string;
  kind: 'none' | 'strip' | 'full';
  stripFromPx: number | null;
  shiftPx: number | null;
  cleanedDifferingPx: number | null;
  differingPx: number;
  bigDiffPx: number;
  differingXs: [number, number] | null;
  maxChannelDiff: number;
  changedPx: number;
}
interface PageGlobals {
  checkChartPainter(options: CheckOptions): StepCheck[];
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const entry = resolve(import.meta.dirname, '../../src/renderer/components/monitoring/chart-painter-check.test-util.ts');
  const output = (await build({ configFile: false, logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' }, build: { write: false, minify: false, lib: { entry, formats: ['iife'], name: 'chartPainterCheck' } } })) as Rollup.RollupOutput[];
  const code = output[0]!.output[0].code;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: code });
});

afterAll(async () => {
  await browser?.close();
});

async function check(options: CheckOptions): Promise<StepCheck[]> {
  return page.evaluate((o) => (globalThis as unknown as PageGlobals).checkChartPainter(o), options);
}

/**
 * Skia anti-aliases a short path (a strip) a little differently from a long one (a full paint):
 * edge pixels differ by up to 34 of 255 (premultiplied), and on a steep line at device pixel
 * ratio 1.5 a single pixel by up to 62, measured. A strip that misses a shape (e.g. without its
 * margin left of the changed row) differs by 130 and more over many pixels.
 */
const maxBigDiffPx = 2;

function expectSamePixels(steps: StepCheck[], slides: 'shifted' | 'repainted' = 'shifted'): void {
  const wrong = steps.filter((s) => s.bigDiffPx > maxBigDiffPx || s.maxChannelDiff > 96);
  expect(wrong.map((s) => `${s.step} ${s.chart} (${s.kind}): ${s.differingPx} px differ, ${s.bigDiffPx} by more than 48, by up to ${Math.round(s.maxChannelDiff)}`)).toEqual([]);
  // The check means something only if most seconds were strips that changed pixels.
  const strips = steps.filter((s) => s.kind === 'strip');
  expect(strips.length).toBeGreaterThan(steps.length / 2);
  expect(strips.filter((s) => s.changedPx > 0).length).toBeGreaterThan(strips.length * 0.9);
  // A resize or another window repaints everything; a slide by whole pixels shifts them, by part
  // of a pixel repaints everything.
  for (const s of steps.filter((x) => x.step === 'resize' || x.step === 'window')) expect(s.kind).toBe('full');
  const slid = steps.filter((x) => x.step === 'slide');
  expect(slid.length).toBeGreaterThan(0);
  for (const s of slid) expect(slides === 'shifted' ? [s.kind, s.shiftPx! > 0] : [s.kind]).toEqual(slides === 'shifted' ? ['strip', true] : ['full']);
  // After a shift the painter repaints everything when the page is idle: then no pixel differs.
  const cleaned = steps.filter((s) => s.cleanedDifferingPx !== null);
  expect(cleaned).toEqual(steps.filter((s) => (s.shiftPx ?? 0) > 0));
  expect(cleaned.filter((s) => s.cleanedDifferingPx! > 0).length).toBe(0);
}

// Each case paints 100 seconds × 3 charts twice and reads their pixels back: minutes on a busy machine.
describe('strip painting gives the pixels of a full paint', { timeout: 600_000 }, () => {
  it('1 h window, 4 s points, device pixel ratio 1', async () => {
    const steps = await check({ windowMs: 3_600_000, slideMs: 60_000, stepMs: 4000, widthPx: 1000, devicePixelRatio: 1, seconds: 100, wholePixelSlides: true });
    expect(steps.some((s) => s.step === 'gap')).toBe(true);
    expect(steps.filter((s) => s.step === 'slide').length).toBeGreaterThanOrEqual(3 * 2);
    expectSamePixels(steps);
  });

  it('24 h window, 2 min points, device pixel ratio 2', async () => {
    expectSamePixels(await check({ windowMs: 86_400_000, slideMs: 600_000, stepMs: 120_000, widthPx: 900, devicePixelRatio: 2, seconds: 100, wholePixelSlides: true }));
  });

  it('5 min window, 1 s points, device pixel ratio 1.5', async () => {
    expectSamePixels(await check({ windowMs: 300_000, slideMs: 5000, stepMs: 1000, widthPx: 700, devicePixelRatio: 1.5, seconds: 100, wholePixelSlides: true }));
  });

  it('a slide by part of a device pixel (ratio 1.25) repaints everything', async () => {
    expectSamePixels(await check({ windowMs: 3_600_000, slideMs: 60_000, stepMs: 4000, widthPx: 701, devicePixelRatio: 1.25, seconds: 100, wholePixelSlides: false }), 'repainted');
  });
});

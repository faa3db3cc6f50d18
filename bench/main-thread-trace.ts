// CPU time of the page's main thread from a Chromium trace. Wall-clock times of a task include
// the time the thread waited for a core, which on a shared 2-core machine is most of it; the
// trace's thread time (`tdur`) of each task is what the page itself cost. The same trace says
// what kind of work that CPU time was (script, style, layout, paint, GC), so a slow update can
// be blamed on the right thing.
//
// A canvas drawn in an ordinary task, as the charts are now, is rasterised after that task, in
// Blink's task-observer hook (CanvasRenderingContext2D::FinalizeFrame), outside the task's RunTask
// event, and only the `blink` category records it: the trace takes that category, and such
// raster outside a task is counted as CPU of its own (in the span it falls in, and as paint).
import type { CDPSession, Page } from 'playwright-core';

/** One mark set in the page ties its performance.now() to the trace's clock. */
const calibrationMark = 'switchyard-trace-calibration';
const taskEvent = 'ThreadControllerImpl::RunTask';
/** A canvas's raster, outside any task when it was drawn in one (see above). */
const canvasRasterEvent = 'CanvasRenderingContext2D::FinalizeFrame';
/** SWITCHYARD_TRACE_NAMES=1: keep every event and log the main thread's self time by event name. */
const allNames = process.env.SWITCHYARD_TRACE_NAMES === '1';
/** SWITCHYARD_TRACE_SLOWEST=N (with SWITCHYARD_TRACE_NAMES=1): for the N spans with the most CPU, log the events in each by self time. */
const slowestSpans = allNames ? Number(process.env.SWITCHYARD_TRACE_SLOWEST ?? 0) : 0;
/** With SWITCHYARD_TRACE_NAMES=1, extra trace categories (comma-separated, e.g. `cc,blink`) to see inside what is otherwise 'other'. */
const extraCategories = allNames ? (process.env.SWITCHYARD_TRACE_CATEGORIES ?? '') : '';
/**
 * SWITCHYARD_TRACE_INVALIDATIONS=1: log what each update invalidates — the elements whose style,
 * layout or paint is invalidated (by node name and reason) and each Layout's dirty and total
 * objects — from Chromium's invalidation tracking, to find DOM work a new second did not need.
 */
const invalidations = process.env.SWITCHYARD_TRACE_INVALIDATIONS === '1';
const invalidationCategory = 'disabled-by-default-devtools.timeline.invalidationTracking';
const invalidationEvents = new Set(['StyleRecalcInvalidationTracking', 'StyleInvalidatorInvalidationTracking', 'ScheduleStyleInvalidationTracking', 'LayoutInvalidationTracking', 'PaintInvalidationTracking']);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: Record<string, unknown>;
}

/** Trace events (devtools.timeline) by the kind of main-thread work they are. */
const kindOf: Readonly<Record<string, WorkKind>> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  RunMicrotasks: 'script',
  'v8.run': 'script',
  'V8.Execute': 'script',
  UpdateLayoutTree: 'style',
  ScheduleStyleRecalculation: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  Commit: 'paint',
  [canvasRasterEvent]: 'paint',
  UpdateLayer: 'paint',
  RasterTask: 'paint',
  'Canvas2DLayerBridge::Flush': 'paint',
  MinorGC: 'gc',
  MajorGC: 'gc',
  BlinkGC: 'gc',
  'BlinkGC.AtomicPhase': 'gc',
  'V8.GCScavenger': 'gc',
  'V8.GCFinalizeMC': 'gc',
  'V8.GCIncrementalMarking': 'gc',
  'V8.GC_MC_BACKGROUND_MARKING': 'gc',
  HitTest: 'other',
  ParseHTML: 'other',
};
export type WorkKind = 'script' | 'style' | 'layout' | 'paint' | 'gc' | 'other';
const workKinds: readonly WorkKind[] = ['script', 'style', 'layout', 'paint', 'gc', 'other'];

export interface MainThreadCpu {
  /** Per span given to stop(): thread time of the main-thread tasks that started in it (ms). */
  updateCpuMs: number[];
  /** Thread time of every task on the page's main thread while tracing (ms), canvas raster outside tasks included. */
  totalCpuMs: number;
  /** Of which canvas raster outside any task (ms). */
  outsideTaskCpuMs: number;
  /** The same total by kind of work (ms): each event's own time, its children's taken out. */
  cpuMsByKind: Record<WorkKind, number>;
}

/**
 * Traces the page's main thread; `stop(spansMs)` returns the CPU time of the tasks that started
 * within each [start, end] of performance.now() times (the task running at `start` included):
 * everything the page did for one update, whatever else ran meanwhile included too. Marking
 * each moment in the page instead would cost more than the work measured (performance.mark is
 * slow while tracing).
 */
export async function startMainThreadTrace(cdp: CDPSession, page: Page): Promise<{ stop(spansMs: readonly (readonly [number, number])[]): Promise<MainThreadCpu> }> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => {
    for (const e of data.value as unknown as TraceEvent[]) if (e.name === taskEvent || e.name === calibrationMark || (e.ph === 'X' && (allNames || e.name in kindOf)) || (invalidations && invalidationEvents.has(e.name))) events.push(e);
  });
  await cdp.send('Tracing.start', { categories: ['toplevel,blink.user_timing,devtools.timeline,v8', extraCategories.split(',').includes('blink') ? '' : 'blink', extraCategories, invalidations ? invalidationCategory : ''].filter(Boolean).join(','), transferMode: 'ReportEvents' });
  const calibrationPageMs = await page.evaluate((name) => performance.mark(name).startTime, calibrationMark);
  return {
    async stop(spansMs) {
      const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await done;
      const main = events.find((e) => e.name === calibrationMark);
      if (!main) throw new Error('the trace has no calibration mark: cannot find the page in it');
      const onMain = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
      // Work outside any task (a canvas's raster after the task that drew it) counts as a task.
      const inTasks = onMain.filter((e) => e.name === taskEvent);
      const outside = onMain.filter((e) => e.name === canvasRasterEvent && !inTasks.some((t) => e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0)));
      const tasks = [...inTasks, ...outside].sort((a, b) => a.ts - b.ts);
      const toTraceUs = (pageMs: number) => main.ts + (pageMs - calibrationPageMs) * 1000;
      const updateCpuMs: number[] = [];
      for (const [startMs, endMs] of spansMs) {
        const from = toTraceUs(startMs);
        const to = toTraceUs(endMs);
        let cpuUs = 0;
        for (const t of tasks) if (t.ts <= to && t.ts + (t.dur ?? 0) >= from) cpuUs += t.tdur ?? 0;
        updateCpuMs.push(cpuUs / 1000);
      }
      const totalCpuMs = tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
      if (allNames) {
        const byName = selfTimeByName(onMain);
        const secs = tasks.length ? (tasks.at(-1)!.ts - tasks[0]!.ts) / 1e6 : 1;
        console.log(`trace self time by event name (ms/s): ${[...byName].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([n, ms]) => `${n} ${(ms / secs).toFixed(2)}`).join(', ')}`);
        const counts = new Map<string, number>();
        for (const e of onMain) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
        console.log(`trace events per second by name: ${[...counts].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([n, c]) => `${n} ${(c / secs).toFixed(1)}`).join(', ')}`);
      }
      if (slowestSpans > 0) {
        const order = updateCpuMs.map((ms, i) => ({ ms, i })).sort((a, b) => b.ms - a.ms).slice(0, slowestSpans);
        for (const { ms, i } of order) {
          const [startMs, endMs] = spansMs[i]!;
          const from = toTraceUs(startMs);
          const to = toTraceUs(endMs);
          const inSpan = onMain.filter((e) => e.ts + (e.dur ?? 0) >= from && e.ts <= to);
          const byName = selfTimeByName(inSpan);
          console.log(`span ${i} (${(endMs - startMs).toFixed(1)} ms wall, ${ms.toFixed(1)} ms CPU): ${[...byName].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, t]) => `${n} ${t.toFixed(2)}`).join(', ')}`);
        }
      }
      if (invalidations) logInvalidations(events.filter((e) => e.pid === main.pid), spansMs.length);
      return { updateCpuMs, totalCpuMs, outsideTaskCpuMs: outside.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000, cpuMsByKind: selfTimeByKind(onMain.filter((e) => e.name === taskEvent || e.name in kindOf)) };
    },
  };
}

/**
 * Each event's own thread time (its tdur less its direct children's), summed by kind; a task's
 * own time that no timeline event covers is 'other'. Events are sorted by start, outer first.
 */
function selfTimeByKind(sorted: readonly TraceEvent[]): Record<WorkKind, number> {
  const out = Object.fromEntries(workKinds.map((k) => [k, 0])) as Record<WorkKind, number>;
  for (const [name, ms] of selfTimeByName(sorted)) out[kindOf[name] ?? 'other'] += ms;
  for (const k of workKinds) out[k] = Math.round(out[k]);
  return out;
}

/** Each event's own thread time (ms) summed by event name. */
function selfTimeByName(sorted: readonly TraceEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  const stack: { e: TraceEvent; childTdur: number }[] = [];
  const pop = () => {
    const top = stack.pop()!;
    out.set(top.e.name, (out.get(top.e.name) ?? 0) + Math.max(0, (top.e.tdur ?? 0) - top.childTdur) / 1000);
  };
  for (const e of sorted) {
    if (e.tdur === undefined) continue;
    while (stack.length && e.ts >= stack.at(-1)!.e.ts + (stack.at(-1)!.e.dur ?? 0)) pop();
    if (stack.length) stack.at(-1)!.childTdur += e.tdur;
    stack.push({ e, childTdur: 0 });
  }
  while (stack.length) pop();
  return out;
}

/** Per update (of `updates`): invalidations by event, node and reason; Layouts with their dirty/total objects. */
function logInvalidations(events: readonly TraceEvent[], updates: number): void {
  const per = (n: number) => (n / Math.max(1, updates)).toFixed(2);
  const counts = new Map<string, number>();
  for (const e of events) {
    if (!invalidationEvents.has(e.name)) continue;
    const data = (e.args?.data ?? {}) as Record<string, unknown>;
    const key = `${e.name} ${String(data.nodeName ?? '?')} (${String(data.reason ?? data.invalidatedSelectorId ?? data.changedAttribute ?? data.changedClass ?? '')})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (process.env.SWITCHYARD_TRACE_INVALIDATION_SAMPLE && key.includes(process.env.SWITCHYARD_TRACE_INVALIDATION_SAMPLE) && (counts.get(key) ?? 0) <= 3) console.log(`sample ${key}: ${JSON.stringify(e.args).slice(0, 1500)}`);
  }
  console.log(`invalidations per update:\n  ${[...counts].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, c]) => `${per(c)} ${k}`).join('\n  ')}`);
  const layouts = events.filter((e) => e.name === 'Layout' && e.ph === 'X');
  const shape = new Map<string, number>();
  for (const e of layouts) {
    const begin = (e.args?.beginData ?? {}) as { dirtyObjects?: number; totalObjects?: number; partialLayout?: boolean };
    const key = `dirty ${begin.dirtyObjects} of ${begin.totalObjects}${begin.partialLayout ? ' partial' : ''}`;
    shape.set(key, (shape.get(key) ?? 0) + 1);
  }
  console.log(`layouts per update: ${per(layouts.length)}; by dirty/total objects: ${[...shape].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, c]) => `${per(c)}× ${k}`).join(', ')}`);
  const styles = events.filter((e) => e.name === 'UpdateLayoutTree' && e.ph === 'X');
  const elements = styles.map((e) => Number((e.args?.elementCount ?? (e.args?.endData as { elementCount?: number } | undefined)?.elementCount) ?? NaN));
  console.log(`style recalcs per update: ${per(styles.length)}; elements each: ${elements.slice(0, 30).join(' ')}`);
}

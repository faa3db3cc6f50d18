// CPU time of the page's main thread from a Chromium trace. Wall-clock times of a task include
// the time the thread waited for a core, which on a shared 2-core machine is most of it; the
// trace's thread time (`tdur`) of each task is what the page itself cost.
import type { CDPSession, Page } from 'playwright-core';

/** One mark set in the page ties its performance.now() to the trace's clock. */
const calibrationMark = 'switchyard-trace-calibration';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

export interface MainThreadCpu {
  /** Per moment given to stop(): thread time of the main-thread task running then (ms). */
  updateTaskCpuMs: number[];
  /** Thread time of every task on the page's main thread while tracing (ms). */
  totalCpuMs: number;
}

/**
 * Traces the page's main thread; `stop(pageTimesMs)` returns the CPU time of the task that ran at
 * each of those performance.now() times (marking each moment in the page instead would cost
 * more than the work measured: performance.mark is slow while tracing).
 */
export async function startMainThreadTrace(cdp: CDPSession, page: Page): Promise<{ stop(pageTimesMs: readonly number[]): Promise<MainThreadCpu> }> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => {
    for (const e of data.value as unknown as TraceEvent[]) if (e.name === 'ThreadControllerImpl::RunTask' || e.name === calibrationMark) events.push(e);
  });
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  const calibrationPageMs = await page.evaluate((name) => performance.mark(name).startTime, calibrationMark);
  return {
    async stop(pageTimesMs) {
      const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await done;
      const main = events.find((e) => e.name === calibrationMark);
      if (!main) throw new Error('the trace has no calibration mark: cannot find the page in it');
      const tasks = events.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ph === 'X' && e.pid === main.pid && e.tid === main.tid).sort((a, b) => a.ts - b.ts);
      const updateTaskCpuMs: number[] = [];
      for (const pageMs of pageTimesMs) {
        const ts = main.ts + (pageMs - calibrationPageMs) * 1000;
        const task = tasks.findLast((t) => t.ts <= ts && ts <= t.ts + (t.dur ?? 0));
        if (task?.tdur !== undefined) updateTaskCpuMs.push(task.tdur / 1000);
      }
      const totalCpuMs = tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
      return { updateTaskCpuMs, totalCpuMs };
    },
  };
}

// CPU time of the page's main thread from a Chromium trace. Wall-clock times of a task include
// the time the thread waited for a core, which on a shared 2-core machine is most of it; the
// trace's thread time (`tdur`) of each task is what the page itself cost.
import type { CDPSession } from 'playwright-core';

/** The mark the renderer sets as it applies a sample batch (src/renderer/components/monitoring/chart-timing.ts). */
export const chartUpdateMark = 'switchyard-chart-update';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export interface MainThreadCpu {
  /** Per chart update: thread time of the task that applied it (ms). */
  updateTaskCpuMs: number[];
  /** Thread time of every task on the page's main thread while tracing (ms). */
  totalCpuMs: number;
}

export async function startMainThreadTrace(cdp: CDPSession): Promise<{ stop(): Promise<MainThreadCpu> }> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => {
    for (const e of data.value as unknown as TraceEvent[]) if (e.name === 'ThreadControllerImpl::RunTask' || e.name === chartUpdateMark || e.name === 'thread_name') events.push(e);
  });
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing,__metadata', transferMode: 'ReportEvents' });
  return {
    async stop() {
      const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await done;
      const marks = events.filter((e) => e.name === chartUpdateMark);
      const main = marks[0] ?? events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
      if (!main) return { updateTaskCpuMs: [], totalCpuMs: 0 };
      const tasks = events.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ph === 'X' && e.pid === main.pid && e.tid === main.tid).sort((a, b) => a.ts - b.ts);
      const updateTaskCpuMs: number[] = [];
      for (const mark of marks) {
        const task = tasks.findLast((t) => t.ts <= mark.ts && mark.ts <= t.ts + (t.dur ?? 0));
        if (task?.tdur !== undefined) updateTaskCpuMs.push(task.tdur / 1000);
      }
      const totalCpuMs = tasks.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
      return { updateTaskCpuMs, totalCpuMs };
    },
  };
}

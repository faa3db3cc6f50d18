// One queue of work for the next animation frame, shared by the monitoring store (applying a
// sample batch) and the chart canvases (painting it). A batch is applied at the start of a frame
// and painted in that same frame: one task, where it was a timer task for the store and then a
// frame for the paints, with the wait for the frame after the store's work. Work queued while
// the queue runs (the paints a store update asks for) runs in that frame, after React has
// committed what the update re-renders (a slid window or a new axis maximum repaints its canvas
// whole in the commit, and the strip paint it replaces is dropped).
//
// A hidden page gets no frames: a timer runs the queue after `fallbackMs` instead, so the store
// keeps applying samples (and holds no growing backlog) while the window is minimised.

const fallbackMs = 1000;
/** Rounds of newly queued work one frame runs before leaving the rest to the next frame. */
const maxRounds = 4;

const queue = new Set<() => void>();
let afterJobs: ((inFrame: boolean) => void)[] = [];
let frame = 0;
let fallback: ReturnType<typeof setTimeout> | undefined;
let running = false;

/** Runs `job` in the next animation frame (once, however often it is queued before then). */
export function inNextFrame(job: () => void): void {
  queue.add(job);
  if (!running) request();
}

/** Takes `job` out of the queue (its owner went away). */
export function cancelFrameJob(job: () => void): void {
  queue.delete(job);
}

/**
 * Calls `done` when the running (else the next) frame's jobs are done, before that frame's style,
 * layout and paint; `inFrame` is false when the hidden-page timer ran them (the benchmark's timing).
 */
export function afterFrameJobs(done: (inFrame: boolean) => void): void {
  afterJobs.push(done);
  if (!running) request();
}

function request(): void {
  frame ||= requestAnimationFrame(() => void run(true));
  fallback ??= setTimeout(() => void run(false), fallbackMs);
}

async function run(inFrame: boolean): Promise<void> {
  if (frame) cancelAnimationFrame(frame);
  clearTimeout(fallback);
  frame = 0;
  fallback = undefined;
  running = true;
  try {
    for (let round = 0; round < maxRounds && queue.size > 0; round++) {
      // React commits a store update in a microtask: let it run before the paints it may replace.
      // Still this frame: the microtasks of an animation frame callback run before its rendering.
      if (round > 0) await null;
      const jobs = [...queue];
      queue.clear();
      for (const job of jobs) {
        try {
          job();
        } catch (error) {
          // One failing chart must not keep the others (or the store) from their frame.
          reportError(error);
        }
      }
    }
  } finally {
    running = false;
    const done = afterJobs;
    afterJobs = [];
    for (const d of done) d(inFrame);
  }
  if (queue.size > 0) request();
}

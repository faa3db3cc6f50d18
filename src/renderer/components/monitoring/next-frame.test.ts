// @vitest-environment happy-dom
// The monitoring charts' frame queue: work queued while a frame's jobs run (the paints a store
// update asks for) runs in that frame after the microtasks queued meanwhile (React's commit);
// a cancelled job does not run; a hidden page (no frames) still gets its jobs run by a timer.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { afterFrameJobs, cancelFrameJob, inNextFrame } from './next-frame.ts';

/** Requested animation frames by id, as the browser keeps them. */
let frames: Map<number, FrameRequestCallback>;
let nextId = 1;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  frames = new Map();
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    frames.set(nextId, callback);
    return nextId++;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

async function runFrame(): Promise<void> {
  const callbacks = [...frames.values()];
  frames.clear();
  for (const callback of callbacks) callback(performance.now());
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

it('runs what a job queues in the same frame, after the microtasks that job queued', async () => {
  const order: string[] = [];
  const paint = () => order.push('paint');
  inNextFrame(() => {
    order.push('flush');
    queueMicrotask(() => order.push('commit'));
    inNextFrame(paint);
    inNextFrame(paint); // queued twice, runs once
  });
  let inFrame: boolean | null = null;
  afterFrameJobs((f) => (inFrame = f));
  expect(frames.size).toBe(1);
  await runFrame();
  expect(order).toEqual(['flush', 'commit', 'paint']);
  expect(inFrame).toBe(true);
  expect(frames.size).toBe(0);
});

it('drops a cancelled job, and keeps running the others when one throws', async () => {
  const ran: string[] = [];
  const errors: unknown[] = [];
  vi.stubGlobal('reportError', (e: unknown) => errors.push(e));
  const gone = () => ran.push('gone');
  inNextFrame(() => {
    throw new Error('broken chart');
  });
  inNextFrame(gone);
  inNextFrame(() => ran.push('kept'));
  cancelFrameJob(gone);
  await runFrame();
  expect(ran).toEqual(['kept']);
  expect(errors).toHaveLength(1);
});

it('runs the queue from a timer when no frame comes (a hidden page)', async () => {
  const ran: string[] = [];
  inNextFrame(() => ran.push('flush'));
  let inFrame: boolean | null = null;
  afterFrameJobs((f) => (inFrame = f));
  await vi.advanceTimersByTimeAsync(999);
  expect(ran).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  expect(ran).toEqual(['flush']);
  expect(inFrame).toBe(false);
  // The frame it had asked for is cancelled: nothing runs twice.
  await runFrame();
  expect(ran).toEqual(['flush']);
});

// @vitest-environment happy-dom
// A window slide moves only the time labels: the value axes (their tick labels formatted anew on
// every render) are not rendered again for it, and the labels a slide does move are where the
// new window puts them.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChartAxes, plotAreaOf, type TimeWindow } from './chart-axes.tsx';
import { timeTicks } from './chart-rows.ts';

afterEach(cleanup);

const windowMs = 3_600_000;
const windowTo = (toMs: number): TimeWindow => ({ fromMs: toMs - windowMs, toMs, ticks: timeTicks(toMs - windowMs, toMs, windowMs) });

describe('ChartAxes on a window slide', () => {
  it('renders the time labels again, not the value axes', () => {
    const format = vi.fn((v: number) => `${v} ms`);
    const left = { max: 50, format };
    const right = { max: 10, format };
    const plot = plotAreaOf(800, 170, true);
    const toMs = Date.UTC(2026, 11, 5, 12, 0);
    const { container, rerender } = render(<ChartAxes width={800} height={170} plot={plot} window={windowTo(toMs)} timeLabels left={left} right={right} grid />);
    expect(format).toHaveBeenCalledTimes(6);
    const labelXs = () => [...container.querySelectorAll('[data-axis="time"] text')].map((t) => Number(t.getAttribute('x')));
    const before = labelXs();
    // The window slides by 1/60 of its span: every time label moves left by 1/60 of the plot.
    rerender(<ChartAxes width={800} height={170} plot={plot} window={windowTo(toMs + 60_000)} timeLabels left={left} right={right} grid />);
    const after = labelXs();
    const moved = before.map((x) => x - plot.width / 60).filter((x) => x >= plot.x);
    expect(moved.length).toBeGreaterThan(3);
    for (const x of moved) expect(after.some((y) => Math.abs(y - x) < 1e-6)).toBe(true);
    expect(format).toHaveBeenCalledTimes(6);
    expect([...container.querySelectorAll('[data-axis="left"] text')].map((t) => t.textContent)).toEqual(['0 ms', '25 ms', '50 ms']);
  });
});

// @vitest-environment happy-dom
// An uplink card's read-out: the newest live second, written into its element each second
// without React, and the hovered point's values while the pointer is over the charts; the two
// never run together (the hover text once came after the "now" text, in Chromium).
import { MantineProvider } from '@mantine/core';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyRouterMonitoring, useMonitoringStore } from '../../stores/monitoring-store.ts';
import { theme } from '../../theme.ts';
import { timeTicks } from './chart-rows.ts';
import { point } from './monitoring-fixtures.test-util.ts';
import { UplinkCharts } from './uplink-charts.tsx';

afterEach(cleanup);

const toMs = Date.UTC(2026, 11, 5, 12, 0);
const windowMs = 300_000;

function setPoints(latestMs: number, latencyMs: number): void {
  const points = [point(toMs - 12_000, { latencyMs: 10 }), point(toMs - 8000, { latencyMs: 11 }), point(toMs - 4000, { latencyMs: 12 })];
  act(() =>
    useMonitoringStore.setState({
      routers: { r1: { ...emptyRouterMonitoring, history: 'ready', stepMs: 4000, series: { wan: points }, latest: { wan: point(latestMs, { latencyMs }) }, nowMs: toMs } },
    }),
  );
}

describe('the uplink read-out', () => {
  it('shows "now" or the hovered values, never both', () => {
    setPoints(toMs - 2000, 42);
    render(
      <MantineProvider theme={theme}>
        <UplinkCharts routerId="r1" wan="wan" kind="ethernet" stepMs={4000} events={[]} window={{ fromMs: toMs - windowMs, toMs, ticks: timeTicks(toMs - windowMs, toMs, windowMs) }} status={null} width={800} />
      </MantineProvider>,
    );
    expect(screen.getByTestId('uplink-latest').textContent).toMatch(/^now 42\.0 ms · loss 0 %/);
    // A new second: written in place, into the same text node (replacing the node cost Chromium a
    // style recalc and a layout-tree rebuild every second).
    const textNode = screen.getByTestId('uplink-latest').firstChild;
    setPoints(toMs - 1000, 43);
    expect(screen.getByTestId('uplink-latest').textContent).toMatch(/^now 43\.0 ms/);
    expect(screen.getByTestId('uplink-latest').firstChild).toBe(textNode);
    // Over the right end of the plot (happy-dom puts the card at x 0): the newest point.
    const charts = screen.getByTestId('latency-chart').parentElement!;
    fireEvent.mouseMove(charts, { clientX: 800 - 61 });
    expect(screen.queryByTestId('uplink-latest')).toBeNull();
    expect(screen.getByTestId('uplink-hover').textContent).toMatch(/^\d\d:\d\d:\d\d · median 12\.0 ms/);
    fireEvent.mouseLeave(charts);
    expect(screen.queryByTestId('uplink-hover')).toBeNull();
    expect(screen.getByTestId('uplink-latest').textContent).toMatch(/^now 43\.0 ms · loss 0 % · jitter [^·]+ · ↓ [^·]+$/);
  });
});

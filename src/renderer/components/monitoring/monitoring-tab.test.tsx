// @vitest-environment happy-dom
// The Monitoring tab against a mocked contract: start on mount and stop on unmount, the window
// buttons, per-uplink status lines, the empty and error states, and a chart's frame: its axes,
// its series canvas and the event markers (the series' shapes: chart-geometry.test.ts).
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../api/api.ts';
import { useMonitoringStore } from '../../stores/monitoring-store.ts';
import { theme } from '../../theme.ts';
import { chartRows, timeTicks } from './chart-rows.ts';
import { LatencyChart } from './latency-chart.tsx';
import { ThroughputChart } from './throughput-chart.tsx';
import { fakeApi, linkEvent, monitorStatus, point, type FakeApi } from './monitoring-fixtures.test-util.ts';
import { MonitoringTab } from './monitoring-tab.tsx';
import { staticRowFeed } from './row-feed.ts';

vi.mock('../../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

const now = Date.now();
let fake: FakeApi;

beforeEach(() => {
  useMonitoringStore.setState({ routers: {} });
  fake = fakeApi({
    'monitor.start': () => monitorStatus(),
    'monitor.stop': () => ({ stopped: true }),
    'monitor.status': () => monitorStatus(),
    'history.query': (p) => ({ routerId: 'r1', fromMs: p.fromMs, toMs: p.toMs, resolution: 'second', stepMs: 4000, series: [{ wan: 'wan', points: [point(now - 8000), point(now - 4000)] }] }),
    'history.events': () => ({ events: [] }),
  });
});
afterEach(cleanup);

function renderTab() {
  return render(
    <MantineProvider theme={theme}>
      <MonitoringTab routerId="r1" kinds={{ wan: 'ethernet', wwan: 'cellular' }} />
    </MantineProvider>,
  );
}

describe('the Monitoring tab', () => {
  it('starts monitoring on mount, shows each uplink with its probe status, and on unmount stops listening but leaves the core monitor recording', async () => {
    const view = renderTab();
    const cards = await screen.findAllByTestId('uplink-monitor');
    expect(cards.map((c) => c.getAttribute('data-wan'))).toEqual(['wan', 'wwan']);
    expect(within(cards[0]!).getByText('Ethernet (wan)')).toBeTruthy();
    expect(within(cards[1]!).getByTestId('uplink-message').textContent).toBe('httping is not installed: opkg install httping');
    expect(within(cards[1]!).getByTestId('uplink-waiting').textContent).toMatch(/probe on the router failed/);
    expect(screen.getByTestId('monitor-status').textContent).toMatch(/\/proc\/net\/dev over SSH \(SNMP failed, using \/proc\/net\/dev\)/);
    expect(fake.calls[0]).toEqual({ method: 'monitor.start', params: { routerId: 'r1' } });
    view.unmount();
    await waitFor(() => expect(fake.listeners('onDidSample')).toBe(0));
    expect(fake.calls.some((c) => c.method === 'monitor.stop')).toBe(false);
  });

  it("says what its own probes cost on a metered uplink it probes, and not on one whose probe does not run (technician's walk)", async () => {
    renderTab();
    await screen.findAllByTestId('uplink-monitor');
    // wwan (cellular) failed to start its probe: nothing sent, nothing to warn about.
    expect(screen.queryByTestId('monitor-metered-cost')).toBeNull();
    cleanup();
    useMonitoringStore.setState({ routers: {} });
    const running = monitorStatus();
    fake.handlers['monitor.start'] = () => ({ ...running, uplinks: running.uplinks.map((u) => ({ ...u, state: 'running' as const, message: null })) });
    renderTab();
    expect((await screen.findByTestId('monitor-metered-cost')).textContent).toBe("wwan is metered: these probes cost about 15 MB a day on its bill while Switchyard runs, on top of the failover's own.");
  });

  it('switches the window with the 5 min, 1 h and 24 h buttons', async () => {
    renderTab();
    await screen.findAllByTestId('uplink-monitor');
    // It opens on 5 min: a monitor that just started has minutes of data, not an hour.
    expect(screen.getByRole('button', { name: '5 min' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: '24 h' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'history.query')).toHaveLength(2));
    const last = fake.calls.filter((c) => c.method === 'history.query').at(-1)!.params;
    expect((last.toMs as number) - (last.fromMs as number)).toBe(86_400_000);
    await waitFor(() => expect(screen.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed')).toBe('true'));
    expect(screen.getByRole('button', { name: '1 h' })).toBeTruthy();
  });

  it('explains that there is nothing to watch yet and where to go', async () => {
    fake.handlers['monitor.start'] = () => {
      throw new ApiCallError({ code: 'invalid-input', message: 'Shop router has no uplinks to watch yet: detect the router or set up its uplinks first.' });
    };
    fake.handlers['history.query'] = (p) => ({ routerId: 'r1', fromMs: p.fromMs, toMs: p.toMs, resolution: 'second', stepMs: 4000, series: [] });
    renderTab();
    const alert = await screen.findByTestId('monitoring-no-uplinks');
    expect(within(alert).getByRole('button', { name: 'Go to Overview' })).toBeTruthy();
    expect(within(alert).getByRole('button', { name: 'Go to WAN Failover' })).toBeTruthy();
    expect(screen.getByTestId('monitoring-tab').getAttribute('data-view')).toBe('no-uplinks');
  });

  it('shows an unreachable router as an error with a next step, and retries', async () => {
    fake.handlers['monitor.start'] = () => {
      throw new ApiCallError({ code: 'host-unreachable', message: 'No route to 192.0.2.1.' });
    };
    fake.handlers['history.query'] = () => {
      throw new ApiCallError({ code: 'timeout', message: 'history.query got no answer.' });
    };
    renderTab();
    const errors = await screen.findAllByTestId('monitoring-error');
    expect(errors.map((e) => e.getAttribute('data-code'))).toEqual(['host-unreachable', 'timeout']);
    expect(errors[0]!.textContent).toMatch(/Check that this computer can reach the router/);
    fake.handlers['monitor.start'] = () => monitorStatus();
    fake.handlers['history.query'] = (p) => ({ routerId: 'r1', fromMs: p.fromMs, toMs: p.toMs, resolution: 'second', stepMs: 4000, series: [] });
    fireEvent.click(within(errors[1]!).getByRole('button', { name: 'Try again' }));
    await screen.findAllByTestId('uplink-monitor');
  });

  it('waits for the first samples when the probes run but nothing arrived yet', async () => {
    fake.handlers['history.query'] = (p) => ({ routerId: 'r1', fromMs: p.fromMs, toMs: p.toMs, resolution: 'second', stepMs: 4000, series: [] });
    renderTab();
    expect((await screen.findByTestId('monitoring-waiting')).textContent).toMatch(/Waiting for the first samples…/);
  });
});

describe('the latency chart', () => {
  it('draws its axes, one marker per event in the window, and its series on a canvas over the plot', () => {
    const toMs = now;
    const fromMs = toMs - 300_000;
    const points = [point(toMs - 12_000), point(toMs - 8000, { lossPct: 10 }), point(toMs - 4000), point(toMs - 60_000 + 0, {})].sort((a, b) => a.atMs - b.atMs);
    const rows = chartRows(points, 4000);
    const { container } = render(
      <MantineProvider theme={theme}>
        <LatencyChart
          wan="wan"
          feed={staticRowFeed(rows)}
          events={[linkEvent(toMs - 10_000), linkEvent(toMs - 5000, { id: 'x', kind: 'manual-failover', wan: undefined, message: 'forced onto wwan' }), linkEvent(fromMs - 1000, { id: 'old' })]}
          window={{ fromMs, toMs, ticks: timeTicks(fromMs, toMs, 300_000) }}
          width={600}
        />
      </MantineProvider>,
    );
    const chart = screen.getByTestId('latency-chart');
    expect(chart.getAttribute('data-wan')).toBe('wan');
    expect([...container.querySelectorAll('[data-axis="left"] text')].map((t) => t.textContent)).toEqual(['0\u00a0ms', '25\u00a0ms', '50\u00a0ms']);
    expect(container.querySelectorAll('[data-axis="time"] text').length).toBeGreaterThanOrEqual(4);
    const canvas = chart.querySelector('canvas')!;
    expect(canvas.getAttribute('data-rows')).toBe(String(rows.length));
    // The canvas covers the plot exactly: 52 px of axis on the left, 60 on the right.
    expect([canvas.style.left, canvas.style.width]).toEqual(['52px', '488px']);
    const markers = screen.getAllByTestId('event-marker');
    expect(markers.map((m) => m.getAttribute('data-kind'))).toEqual(['state', 'manual-failover']);
    expect(markers[1]!.querySelector('title')!.textContent).toBe('forced onto wwan');
    // Dashed markers say what they are (issue 12 item 10); two 5 s apart here are 8 px apart, so
    // only the first is written and the second keeps its hover text.
    expect(screen.getAllByTestId('event-marker-label').map((l) => l.textContent)).toEqual(['wan offline']);
  });

  it('writes every marker that has room, and the throughput axis says its unit', () => {
    const toMs = now;
    const fromMs = toMs - 300_000;
    const rows = chartRows([point(toMs - 200_000), point(toMs - 4000)], 4000);
    const window = { fromMs, toMs, ticks: timeTicks(fromMs, toMs, 300_000) };
    const events = [linkEvent(toMs - 200_000, { id: 'a', kind: 'offline' }), linkEvent(toMs - 100_000, { id: 'b', kind: 'switch', from: 'eth1', to: 'wlan0', message: 'Traffic moved from eth1 to wlan0' })];
    render(
      <MantineProvider theme={theme}>
        <LatencyChart wan="wan" feed={staticRowFeed(rows)} events={events} window={window} width={600} />
        <ThroughputChart wan="wan" feed={staticRowFeed(rows)} events={events} window={window} width={600} />
      </MantineProvider>,
    );
    expect(screen.getAllByTestId('event-marker-label').map((l) => l.textContent)).toEqual(['Offline', 'Traffic → wlan0']);
    const throughput = screen.getByTestId('throughput-chart');
    expect(throughput.querySelector('[data-testid="axis-unit"]')!.textContent).toBe('bit/s');
  });
});

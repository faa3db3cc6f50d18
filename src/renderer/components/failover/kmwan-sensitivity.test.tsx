// @vitest-environment happy-dom
// GL.iNet routers: the uplink dialog offers GL's sensitivity presets (one setting for all uplinks)
// with the predicted detection time, instead of timings kmwan cannot hold; the card shows the
// engine's own words (why offline, Low Data Mode).
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../../shared/api/contract.ts';
import type { FailoverPolicy, Tracking } from '../../../shared/model.ts';
import { routeApiCalls } from '../../api/route-api-calls.test-util.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';
import { theme } from '../../theme.ts';
import { plan, snapshot, status } from './failover-fixtures.test-util.ts';
import { FailoverTab } from './failover-tab.tsx';

vi.mock('../../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

const tracking: Tracking = { method: 'ping', targets: ['203.0.113.200'], reliability: 1, intervalSec: 1, timeoutSec: 3, downCount: 1, upCount: 1, failureIntervalSec: 1 };
const policy: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', priority: 1, weight: 1, enabled: true, tracking },
    { name: 'wwan', device: 'wwan0', kind: 'cellular', priority: 2, weight: 1, enabled: true, tracking: { ...tracking, targets: ['203.0.113.201'] } },
  ],
};
const calls: { method: string; params: Record<string, unknown> }[] = [];

beforeEach(() => {
  const kmwanStatus = status({
    enabled: true,
    mode: 'failover',
    wans: [
      { wan: 'wan', state: 'online', active: true, detail: 'kmwan: answering its tracking probes (ACTIVE)' },
      { wan: 'wwan', state: 'offline', active: false, detail: 'kmwan lists no status for it: its interface is down' },
    ],
  });
  const handlers: Partial<Record<MethodName, (p: Record<string, unknown>) => unknown>> = {
    'failover.get': () => snapshot({ platform: 'glinet-kmwan', policy, status: kmwanStatus }),
    'failover.status': () => kmwanStatus,
    'failover.plan': (p) => plan(p.policy as never),
  };
  calls.length = 0;
  routeApiCalls(handlers, calls);
  useFailoverStore.setState({ routers: {} });
});
afterEach(cleanup);

describe('GL.iNet kmwan in the failover tab', () => {
  it('shows the engine’s account of each uplink on its card', async () => {
    render(<MantineProvider theme={theme}><FailoverTab routerId="r1" /></MantineProvider>);
    await screen.findByText('Uplinks');
    const details = screen.getAllByTestId('wan-detail').map((d) => d.textContent);
    expect(details).toEqual(['kmwan: answering its tracking probes (ACTIVE)', 'kmwan lists no status for it: its interface is down']);
  });

  it('sets GL’s sensitivity for every uplink from the presets, with the detection time', async () => {
    render(<MantineProvider theme={theme}><FailoverTab routerId="r1" /></MantineProvider>);
    await screen.findByText('Uplinks');
    fireEvent.click(screen.getByRole('button', { name: /Settings of .*\(wan\)/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByLabelText('Interval (s)')).toBeNull();
    expect(within(dialog).getByTestId('kmwan-detection').textContent).toBe('An outage is noticed within about 4 s.');
    expect(within(dialog).getByTestId('predicted-failover').textContent).toMatch(/within about 4 s/);
    fireEvent.click(within(dialog).getByLabelText('High · 1 s'));
    expect(within(dialog).getByTestId('kmwan-detection').textContent).toBe('An outage is noticed within about 2 s.');
    const draft = useFailoverStore.getState().routers.r1!.draft!;
    expect(draft.wans.map((w) => w.tracking.timeoutSec)).toEqual([1, 1]);
    fireEvent.click(within(dialog).getByLabelText('Custom'));
    fireEvent.change(within(dialog).getByLabelText('Custom sensitivity (s)'), { target: { value: '7' } });
    expect(useFailoverStore.getState().routers.r1!.draft!.wans.map((w) => w.tracking.timeoutSec)).toEqual([7, 7]);
    expect(within(dialog).getByTestId('kmwan-detection').textContent).toBe('An outage is noticed within about 8 s.');
  });
});

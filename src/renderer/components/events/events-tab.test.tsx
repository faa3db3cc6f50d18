// @vitest-environment happy-dom
// The Events tab against a mocked contract: the period's events newest first, filters by kind
// and uplink, live additions, the CSV export as a download, and the empty and error states.
import { MantineProvider } from '@mantine/core';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiCallError } from '../../api/api.ts';
import { eventsLimit, filteredEvents, useEventsStore } from '../../stores/events-store.ts';
import { theme } from '../../theme.ts';
import { fakeApi, linkEvent, type FakeApi } from '../monitoring/monitoring-fixtures.test-util.ts';
import { EventsTab } from './events-tab.tsx';

vi.mock('../../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

const now = Date.now();
let fake: FakeApi;
const events = [
  linkEvent(now - 3_000_000, { id: 'a', kind: 'state', wan: 'wan' }),
  linkEvent(now - 2_000_000, { id: 'b', kind: 'active', wan: 'wwan', message: 'wwan carries the traffic now' }),
  linkEvent(now - 1_000_000, { id: 'c', kind: 'apply', wan: undefined, message: 'a change was applied; the router reverts it unless it is confirmed' }),
];

beforeEach(() => {
  useEventsStore.setState({ routers: {} });
  fake = fakeApi({
    'history.events': () => ({ events }),
    'history.export': () => ({ csv: 'at_iso,at_ms\n2026-01-01T00:00:00.000Z,1\n', rows: 1, truncated: false }),
  });
});
afterEach(cleanup);

function renderTab() {
  return render(
    <MantineProvider theme={theme}>
      <EventsTab routerId="r1" routerName="Corner shop" />
    </MantineProvider>,
  );
}
const rows = () => screen.getAllByTestId('event-row').map((r) => r.getAttribute('data-kind'));

describe('the Events tab', () => {
  it('lists the last day newest first and follows new events live', async () => {
    renderTab();
    await screen.findByTestId('events-table');
    expect(rows()).toEqual(['apply', 'active', 'state']);
    const query = fake.calls.find((c) => c.method === 'history.events')!.params;
    expect((query.toMs as number) - (query.fromMs as number)).toBe(86_400_000);
    expect(query.limit).toBe(eventsLimit);
    act(() => fake.emit('onDidLinkEvent', linkEvent(now, { id: 'd', kind: 'manual-failover', wan: 'wwan', message: 'forced onto wwan' })));
    act(() => fake.emit('onDidLinkEvent', linkEvent(now, { id: 'e', routerId: 'r2' })));
    expect(rows()).toEqual(['manual-failover', 'apply', 'active', 'state']);
  });

  it("shows a forced uplink once when the router's log reports what Switchyard recorded", async () => {
    renderTab();
    await screen.findByTestId('events-table');
    act(() => fake.emit('onDidLinkEvent', linkEvent(now, { id: 'own', kind: 'manual-failover', wan: 'wwan', message: 'Manual failover: traffic forced onto wwan.' })));
    act(() => fake.emit('onDidLinkEvent', linkEvent(now + 400, { id: 'rt-force', kind: 'force', wan: 'wwan', to: 'wwan', message: 'Traffic forced onto wwan' })));
    expect(rows()).toEqual(['force', 'apply', 'active', 'state']);
  });

  it('names the uplinks of a switch in the Uplink column', async () => {
    renderTab();
    await screen.findByTestId('events-table');
    act(() => fake.emit('onDidLinkEvent', linkEvent(now, { id: 'rt-s1', kind: 'switch', wan: undefined, from: 'eth1', to: 'wlan0', message: 'Traffic moved from eth1 to wlan0 (failure)' })));
    act(() => fake.emit('onDidLinkEvent', linkEvent(now - 100, { id: 'rt-s0', kind: 'switch', wan: undefined, from: undefined, to: 'eth1', message: 'Traffic on eth1 (startup)' })));
    const cells = screen.getAllByTestId('event-row').slice(0, 2).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(cells[0]).toContain('eth1 → wlan0');
    expect(cells[1]).toContain('eth1');
  });

  it('marks the monitor hearing an uplink again in green, its silence in red', async () => {
    // Seen on the lab walk after a cable cut: "eth1 answers again after about 76 s" had the same
    // red badge as the outage itself.
    renderTab();
    await screen.findByTestId('events-table');
    act(() => fake.emit('onDidLinkEvent', linkEvent(now - 10_000, { id: 'm1', kind: 'monitor', wan: 'wan', from: 'answering', to: 'silent', message: 'no replies on wan for 3 s' })));
    act(() => fake.emit('onDidLinkEvent', linkEvent(now, { id: 'm2', kind: 'monitor', wan: 'wan', from: 'silent', to: 'answering', message: 'wan answers again after about 76 s without replies' })));
    const badges = screen.getAllByTestId('event-row').filter((r) => r.getAttribute('data-kind') === 'monitor').map((r) => r.querySelector('[data-color]')!.getAttribute('data-color'));
    expect(badges).toEqual(['green', 'red']);
  });

  it('adds "(from → to)" only when the message does not already say both (technician\'s walk)', async () => {
    renderTab();
    await screen.findByTestId('events-table');
    act(() => fake.emit('onDidLinkEvent', linkEvent(now - 5_000, { id: 's1', kind: 'switch', from: 'eth1', to: 'wlan0', message: 'Traffic moved from eth1 to wlan0 (failure)' })));
    act(() => fake.emit('onDidLinkEvent', linkEvent(now, { id: 's2', kind: 'offline', wan: 'eth1', from: 'online', to: 'offline', message: 'eth1 went offline (3 probes lost)' })));
    const text = (kind: string) => screen.getAllByTestId('event-row').find((r) => r.getAttribute('data-kind') === kind)!.textContent;
    expect(text('switch')).not.toContain('(eth1 → wlan0)');
    expect(text('offline')).toContain('(online → offline)');
  });

  it('filters by kind, and by uplink keeping router-wide events', async () => {
    renderTab();
    await screen.findByTestId('events-table');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Active uplink' }));
    expect(rows()).toEqual(['active']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Apply' }));
    expect(rows()).toEqual(['apply', 'active']);
    act(() => useEventsStore.getState().setKinds('r1', []));
    act(() => useEventsStore.getState().setWan('r1', 'wan'));
    expect(rows()).toEqual(['apply', 'state']);
    expect(filteredEvents({ ...useEventsStore.getState().routers.r1!, wan: 'wwan', kinds: ['state'] })).toEqual([]);
  });

  it('asks for another period when the period changes', async () => {
    renderTab();
    await screen.findByTestId('events-table');
    fireEvent.click(screen.getByText('Last week'));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'history.events')).toHaveLength(2));
    const last = fake.calls.at(-1)!.params;
    expect((last.toMs as number) - (last.fromMs as number)).toBe(7 * 86_400_000);
  });

  it('exports the period as a CSV download', async () => {
    const createObjectURL = vi.fn(() => 'blob:switchyard/1');
    const revokeObjectURL = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));
    const clicked: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href')!, download: this.download });
    });
    renderTab();
    await screen.findByTestId('events-table');
    fireEvent.click(screen.getByTestId('events-export'));
    await screen.findByTestId('events-exported');
    expect(fake.calls.find((c) => c.method === 'history.export')!.params).toMatchObject({ routerId: 'r1', what: 'events' });
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(blob.type).toMatch(/^text\/csv/);
    expect(await blob.text()).toMatch(/^at_iso,at_ms\n/);
    expect(clicked).toEqual([{ href: 'blob:switchyard/1', download: expect.stringMatching(/^switchyard-events-Corner-shop-.*\.csv$/) }]);
    click.mockRestore();
    vi.unstubAllGlobals();
  });

  it('says so when the export fails, with the core’s message', async () => {
    fake.handlers['history.export'] = () => {
      throw new ApiCallError({ code: 'internal', message: 'disk I/O error' });
    };
    renderTab();
    await screen.findByTestId('events-table');
    fireEvent.click(screen.getByTestId('events-export'));
    expect((await screen.findByTestId('events-export-error')).textContent).toMatch(/disk I\/O error/);
  });

  it('shows an empty period and a failed read with a way to retry', async () => {
    fake.handlers['history.events'] = () => ({ events: [] });
    const view = renderTab();
    expect((await screen.findByTestId('events-empty')).textContent).toMatch(/Nothing happened on this router in the last day/);
    view.unmount();
    fake.handlers['history.events'] = () => {
      throw new ApiCallError({ code: 'connection-lost', message: 'The connection to the Switchyard core was lost.' });
    };
    renderTab();
    const error = await screen.findByTestId('events-error');
    expect(error.getAttribute('data-code')).toBe('connection-lost');
    fake.handlers['history.events'] = () => ({ events });
    fireEvent.click(within(error).getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('events-table');
  });
});

// @vitest-environment happy-dom
// The WAN Failover tab against a mocked contract: every view state, validation as you type,
// the plan diff, the revert countdown with Confirm, a lost connection, balance shares.
import { MantineProvider } from '@mantine/core';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../../shared/api/contract.ts';
import type { ApiError } from '../../../shared/errors.ts';
import { ApiCallError } from '../../api/api.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';
import { useNavigationStore } from '../../stores/navigation-store.ts';
import { theme } from '../../theme.ts';
import { appliedPolicy, plan, snapshot, status, suggestedTargets } from './failover-fixtures.test-util.ts';
import { FailoverTab } from './failover-tab.tsx';
import { routeApiCalls } from '../../api/route-api-calls.test-util.ts';

vi.mock('../../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

type Handler = (params: Record<string, unknown>) => unknown;
let handlers: Partial<Record<MethodName, Handler>>;
const calls: { method: string; params: Record<string, unknown> }[] = [];
const fail = (error: ApiError) => () => {
  throw new ApiCallError(error);
};

beforeEach(() => {
  handlers = {
    'failover.get': () => snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) }),
    'failover.status': () => status({ enabled: true, mode: 'failover' }),
    'failover.plan': (p) => plan(p.policy as never),
    'failover.suggestTargets': suggestedTargets,
  };
  calls.length = 0;
  routeApiCalls(handlers, calls);
  useFailoverStore.setState({ routers: {} });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function renderTab(cannotChange: string | null = null, rebootCaveat: string | null = null) {
  return render(
    <MantineProvider theme={theme}>
      <FailoverTab routerId="r1" cannotChange={cannotChange} rebootCaveat={rebootCaveat} />
    </MantineProvider>,
  );
}

const cards = () => screen.getAllByTestId('wan-card');
const card = (wan: string) => cards().find((c) => c.getAttribute('data-wan') === wan)!;
const applyButton = () => screen.getByTestId('apply-button') as HTMLButtonElement;

async function openEditor(rebootCaveat: string | null = null) {
  renderTab(null, rebootCaveat);
  await screen.findByText('Uplinks');
}

async function toPendingConfirm(revertAtMs: number, rebootCaveat: string | null = null) {
  await openEditor(rebootCaveat);
  fireEvent.click(within(screen.getByTestId('forced-refresh-switch').closest('.mantine-Switch-root')!).getByRole('switch'));
  fireEvent.click(applyButton());
  await screen.findByTestId('plan-diff');
  handlers['failover.apply'] = () => ({ revertAtMs, verification: { ok: true, activeWans: ['wan'], problems: [], checkedMs: 700 }, status: status({ enabled: true, pendingRevertAtMs: revertAtMs }) });
  fireEvent.click(screen.getByTestId('apply-now-button'));
  await screen.findByTestId('revert-countdown');
}

describe('views', () => {
  it('shows "checking" on a card the router has no probe result for yet, not its initial "online" (technician\'s walk)', async () => {
    const checking = status({ enabled: true, mode: 'failover', wans: [{ wan: 'wan', state: 'online', active: true, probed: true }, { wan: 'wwan', state: 'online', active: false, probed: false }] });
    handlers['failover.get'] = () => snapshot({ policy: appliedPolicy, status: checking });
    handlers['failover.status'] = () => checking;
    renderTab();
    await screen.findByText('Uplinks');
    const state = within(card('wwan')).getByTestId('wan-state');
    expect(state.getAttribute('data-state')).toBe('checking');
    expect(state.textContent).toBe('Checking…');
    expect(within(card('wan')).getByTestId('wan-state').textContent).toBe('Online');
  });

  it('shows loading, then the uplinks with state, active marker and metrics', async () => {
    renderTab();
    expect(screen.getByText('Reading the failover settings from the router…')).toBeTruthy();
    await screen.findByText('Uplinks');
    expect(cards().map((c) => c.getAttribute('data-wan'))).toEqual(['wan', 'wwan']);
    expect(within(card('wan')).getByTestId('wan-active')).toBeTruthy();
    expect(within(card('wwan')).queryByTestId('wan-active')).toBeNull();
    expect(within(card('wwan')).getByTestId('wan-state').getAttribute('data-state')).toBe('unknown');
    expect(within(card('wan')).getByText(/route metric 10/)).toBeTruthy();
    // The order is the priority; the router's current metrics are not the order (issue 12 item 9).
    expect(screen.getByTestId('routing-order').textContent).toBe('Order: 1. Ethernet (wan) → 2. Cellular (wwan)');
    // No change yet: no apply bar at all.
    expect(screen.queryByTestId('apply-button')).toBeNull();
  });

  it('polls the status every second while open and stops when the tab closes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const view = renderTab();
    await screen.findByText('Uplinks');
    const polls = () => calls.filter((c) => c.method === 'failover.status').length;
    await act(async () => vi.advanceTimersByTimeAsync(4_000));
    expect(polls()).toBe(4);
    view.unmount();
    await act(async () => vi.advanceTimersByTimeAsync(10_000));
    expect(polls()).toBe(4);
  });

  it('offers Enable when failover is off, and the draft still needs targets before Apply', async () => {
    handlers['failover.get'] = () => snapshot();
    renderTab();
    fireEvent.click(await screen.findByTestId('enable-failover'));
    expect(cards().map((c) => c.getAttribute('data-wan'))).toEqual(['wan', 'wlan', 'usb', 'wwan']);
    expect(applyButton().disabled).toBe(true);
    expect(screen.getByTestId('apply-blocked').textContent).toMatch(/Fix the 4 problems/);
    fireEvent.click(screen.getByText('Fill in suggested targets'));
    await waitFor(() => expect(applyButton().disabled).toBe(false));
    expect(screen.getAllByTestId('target-suggestion').map((s) => s.textContent)).toEqual(['wan: answered through eth1.', 'wlan: answered through wlan0.', 'usb: answered through usb0.', 'wwan: answered through wwan0.']);
  });

  it('says an uplink is not watched, rather than unknown, while failover is off (technician\'s walk)', async () => {
    handlers['failover.get'] = () => snapshot({ status: status() });
    renderTab();
    await screen.findByTestId('enable-failover');
    const wwan = within(card('wwan')).getByTestId('wan-state');
    expect(wwan.textContent).toBe('Not watched (failover off)');
    expect(wwan.getAttribute('title')).toMatch(/no engine on the router watches this uplink/);
    // A state the router does report stays as it is.
    expect(within(card('usb')).getByTestId('wan-state').textContent).toBe('Offline');
  });

  it('offers Remove while failover is off when the router still holds something of Switchyard\'s (technician\'s walk)', async () => {
    const idle = status();
    handlers['failover.get'] = () => snapshot({ status: { ...idle, wans: idle.wans.map((w) => ({ ...w, active: false })) } });
    handlers['failover.planRemove'] = () => ({ changes: ['Stop and delete the agent (/usr/local/sbin/switchyard-agent)'], nativeDiff: '', adminEdits: [], basedOn: 'plan-1' });
    renderTab();
    const leftovers = await screen.findByTestId('failover-leftovers');
    expect(leftovers.textContent).toMatch(/Failover is off, but Remove would still change this on the router:Stop and delete the agent/);
    fireEvent.click(within(leftovers).getByText('Remove WAN failover'));
    expect(await within(await screen.findByRole('dialog')).findByTestId('remove-changes')).toBeTruthy();
  });

  it("says the agent still moves traffic when its settings are gone but the router's status shows an uplink carrying it (technician's walk)", async () => {
    // The agent's config deleted by hand: no policy to read, while the agent runs on.
    handlers['failover.get'] = () => snapshot({ status: status() });
    handlers['failover.planRemove'] = () => ({ changes: ["Stop and delete Switchyard's agent"], nativeDiff: '', adminEdits: [], basedOn: 'plan-1' });
    renderTab();
    const leftovers = await screen.findByTestId('failover-leftovers');
    expect(leftovers.textContent).toMatch(/Switchyard’s agent still runs on this router.*the agent still moves traffic: wan carries it now/);
    // Nothing beside it says "off" (technician's walk: "WAN failover is off. Turn it on…" under it).
    expect(screen.getByTestId('failover-enabled').textContent).toBe('Running without its settings');
    expect(screen.getByTestId('failover-off-text').textContent).not.toMatch(/is off/);
  });

  it('says nothing of leftovers when Remove would change nothing, or the router cannot be asked', async () => {
    handlers['failover.get'] = () => snapshot();
    handlers['failover.planRemove'] = () => ({ changes: [], nativeDiff: '', adminEdits: [], basedOn: 'plan-0' });
    const view = renderTab();
    await screen.findByTestId('enable-failover');
    await waitFor(() => expect(calls.filter((c) => c.method === 'failover.planRemove')).toHaveLength(1));
    expect(screen.queryByTestId('failover-leftovers')).toBeNull();
    view.unmount();
    useFailoverStore.setState({ routers: {} });
    handlers['failover.planRemove'] = fail({ code: 'not-found', message: 'Switchyard never changed kmwan on this router, so there is nothing to restore.' });
    renderTab();
    await screen.findByTestId('enable-failover');
    await waitFor(() => expect(calls.filter((c) => c.method === 'failover.planRemove')).toHaveLength(2));
    expect(screen.queryByTestId('failover-leftovers')).toBeNull();
  });

  it('says why instead of offering Enable when the login cannot change the router (technician\'s walk: not root, no sudo)', async () => {
    handlers['failover.get'] = () => snapshot();
    renderTab('The login is not root and sudo is missing: log in as root (or a user with sudo) to let Switchyard change routes.');
    expect((await screen.findByTestId('failover-cannot-change')).textContent).toMatch(/not root and sudo is missing.*Then run detection again/);
    expect(screen.queryByTestId('enable-failover')).toBeNull();
  });

  it('shows an empty slot when fewer than two uplinks exist', async () => {
    handlers['failover.get'] = () => snapshot({ candidates: snapshot().candidates.filter((c) => c.name === 'wan') });
    renderTab();
    fireEvent.click(await screen.findByTestId('enable-failover'));
    expect(screen.getAllByTestId('empty-slot')).toHaveLength(1);
    expect(screen.getByText(/Failover needs a second way out/)).toBeTruthy();
  });

  it('explains an unsupported platform in the core’s words', async () => {
    handlers['failover.get'] = fail({ code: 'unsupported', message: 'Failover on edge (routeros) is not supported by this version of Switchyard yet. Monitoring still works.' });
    renderTab();
    const error = await screen.findByTestId('failover-error');
    expect(error.getAttribute('data-code')).toBe('unsupported');
    expect(error.textContent).toMatch(/Failover on edge \(routeros\) is not supported/);
  });

  it('sends a router that was never detected to Overview', async () => {
    handlers['failover.get'] = fail({ code: 'conflict', message: 'Switchyard does not know what edge runs yet. Run detection first (Overview → Detect again).' });
    const go = vi.spyOn(useNavigationStore.getState(), 'go').mockImplementation(() => {});
    useNavigationStore.setState({ go });
    renderTab();
    fireEvent.click(await screen.findByText('Go to Overview'));
    expect(go).toHaveBeenCalledWith({ kind: 'router', routerId: 'r1', tab: 'overview' });
  });

  it('only watches a read-only router, and says why', async () => {
    handlers['failover.get'] = () => snapshot({ platform: 'openwrt-mwan3', capabilities: { ...snapshot().capabilities, readOnly: true } });
    renderTab();
    expect(await screen.findByText(/mwan3, the failover engine of OpenWrt, is not installed/)).toBeTruthy();
    expect(cards()).toHaveLength(4);
    expect(screen.queryByTestId('wan-settings')).toBeNull();
  });
});

describe('the uplink dialog', () => {
  it('validates each field as you type and keeps Apply disabled, with a live failover prediction', async () => {
    await openEditor();
    fireEvent.click(screen.getByRole('button', { name: 'Settings of Ethernet (wan)' }));
    const dialog = await screen.findByRole('dialog');
    const field = (label: string) => within(dialog).getByLabelText(label) as HTMLInputElement;

    expect(within(dialog).getByTestId('predicted-failover').textContent).toMatch(/within about 2.6 s/);
    fireEvent.change(field('Interval (s)'), { target: { value: '1' } });
    expect(within(dialog).getByTestId('predicted-failover').textContent).toMatch(/within about 3.7 s/);

    fireEvent.change(field('Gateway'), { target: { value: '192.0.2.300' } });
    expect(within(dialog).getByText(/“192.0.2.300” is not an IPv4 address/)).toBeTruthy();
    fireEvent.change(field('Gateway'), { target: { value: '198.51.100.1' } });
    expect(within(dialog).getByText(/198.51.100.1 is outside eth1's network \(192.0.2.0\/24\)/)).toBeTruthy();
    fireEvent.change(field('Gateway'), { target: { value: '192.0.2.1' } });

    fireEvent.change(field('Targets'), { target: { value: '203.0.113.200, 203.0.113.201' } });
    expect(within(dialog).getByText(/203.0.113.201 is also a target of Cellular \(wwan\)/)).toBeTruthy();
    fireEvent.change(field('Targets'), { target: { value: '203.0.113.200, 203.0.113.202' } });

    fireEvent.change(field('Gateway interface'), { target: { value: 'eth9' } });
    expect(within(dialog).getByText(/“eth9” is not an interface on this router/)).toBeTruthy();
    fireEvent.change(field('Gateway interface'), { target: { value: 'eth1' } });

    fireEvent.change(field('Timeout (s)'), { target: { value: '90' } });
    expect(within(dialog).getByText('The timeout must be from 0.1 to 60 s.')).toBeTruthy();
    expect(within(dialog).getByTestId('predicted-failover').textContent).toMatch(/Fix the fields above/);

    fireEvent.change(field('Loss threshold (%)'), { target: { value: '150' } });
    expect(within(dialog).getByText('The loss threshold must be from 1 to 100 %.')).toBeTruthy();

    fireEvent.click(within(dialog).getByText('Done'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(applyButton().disabled).toBe(true);
    expect(within(card('wan')).getByTestId('wan-issues').textContent).toMatch(/timeout/);

    fireEvent.click(screen.getByRole('button', { name: 'Settings of Ethernet (wan)' }));
    const again = await screen.findByRole('dialog');
    fireEvent.change(within(again).getByLabelText('Timeout (s)'), { target: { value: '0.4' } });
    fireEvent.change(within(again).getByLabelText('Loss threshold (%)'), { target: { value: '' } });
    expect(applyButton().disabled).toBe(false);
  });
});

describe('apply', () => {
  it('renders the plan as a readable diff with the router’s own change on request', async () => {
    await openEditor();
    fireEvent.click(within(screen.getByTestId('forced-refresh-switch').closest('.mantine-Switch-root')!).getByRole('switch'));
    fireEvent.click(applyButton());
    await screen.findByTestId('plan-diff');
    const rows = screen.getAllByTestId('plan-change');
    expect(rows.map((r) => r.textContent)).toEqual(['changeCellular (wwan0) priority21', 'addEthernet (eth1) tracking target—203.0.113.200']);
    expect(screen.getByText(/When the uplink in use fails, traffic moves to the next within about 2.6 s/)).toBeTruthy();
    fireEvent.click(screen.getByText('Show the router’s config change'));
    expect(screen.getByTestId('native-diff').textContent).toContain('+WAN_1=eth1');
    expect(calls.find((c) => c.method === 'failover.plan')!.params).toMatchObject({ routerId: 'r1', policy: { forcedRefreshStreams: true } });
  });

  it('blocks Apply on a plan with problems', async () => {
    handlers['failover.plan'] = (p) => plan(p.policy as never, { problems: ['usb0 has no carrier.'] });
    await openEditor();
    fireEvent.click(within(screen.getByTestId('forced-refresh-switch').closest('.mantine-Switch-root')!).getByRole('switch'));
    fireEvent.click(applyButton());
    expect((await screen.findByTestId('plan-problems')).textContent).toContain('usb0 has no carrier.');
    expect((screen.getByTestId('apply-now-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('counts down to the router’s own revert, shows the verification, and confirms', async () => {
    vi.useFakeTimers({ now: new Date(2026, 0, 5, 14, 3, 0), toFake: ['Date'] });
    await toPendingConfirm(Date.now() + 60_000);
    expect(screen.getByTestId('revert-countdown').textContent).toMatch(/If you do not confirm, the router restores the previous settings by itself at 14:04:00 \(in 60 s\)\./);
    expect(screen.getByTestId('verification').getAttribute('data-ok')).toBe('true');
    handlers['failover.confirm'] = () => status({ enabled: true });
    fireEvent.click(screen.getByTestId('confirm-button'));
    expect((await screen.findByTestId('apply-result')).textContent).toMatch(/Confirmed/);
    expect(calls.map((c) => c.method)).toContain('failover.confirm');
  });

  it("says where a confirmed change would not survive the router's reboot (technician's walk: PID 1 no service manager)", async () => {
    await toPendingConfirm(Date.now() + 60_000, 'Not after a reboot of the router, though.');
    handlers['failover.confirm'] = () => status({ enabled: true });
    fireEvent.click(screen.getByTestId('confirm-button'));
    expect((await screen.findByTestId('apply-result')).textContent).toMatch(/stay in force when this computer is gone\. Not after a reboot of the router, though\./);
  });

  it('never shows more time than the router gives: seconds round down', async () => {
    vi.useFakeTimers({ now: new Date(2026, 0, 5, 14, 3, 0), toFake: ['Date'] });
    await toPendingConfirm(Date.now() + 9_950);
    // 9.95 s left is "9 s", not "10 s".
    expect(screen.getByTestId('revert-countdown').getAttribute('data-seconds-left')).toBe('9');
    expect(screen.getByTestId('revert-countdown').textContent).toContain('(in 9 s)');
  }, 60_000);

  it('refuses Confirm in the last seconds and says why', async () => {
    vi.useFakeTimers({ now: new Date(2026, 0, 5, 14, 3, 0), toFake: ['Date'] });
    await toPendingConfirm(Date.now() + 2_500);
    expect((screen.getByTestId('confirm-button') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('confirm-too-late').textContent).toMatch(/Too late to confirm: with less than 3 s left/);
    // Revert stays possible.
    expect((screen.getByTestId('revert-button') as HTMLButtonElement).disabled).toBe(false);
  }, 60_000);

  it('moves the countdown earlier when the router reports an earlier deadline, never later', async () => {
    const first = Date.now() + 60_000;
    await toPendingConfirm(first);
    const shown = () => Number(screen.getByTestId('revert-countdown').getAttribute('data-revert-at-ms'));
    expect(shown()).toBe(first);
    handlers['failover.status'] = () => status({ enabled: true, pendingRevertAtMs: first - 4_000 });
    await act(() => useFailoverStore.getState().pollStatus('r1'));
    await waitFor(() => expect(shown()).toBe(first - 4_000));
    handlers['failover.status'] = () => status({ enabled: true, pendingRevertAtMs: first + 9_000 });
    await act(() => useFailoverStore.getState().pollStatus('r1'));
    expect(shown()).toBe(first - 4_000);
  }, 60_000);

  it('reverts on request', async () => {
    await toPendingConfirm(Date.now() + 60_000);
    handlers['failover.rollback'] = () => status({ enabled: true });
    fireEvent.click(screen.getByTestId('revert-button'));
    expect((await screen.findByTestId('apply-result')).textContent).toMatch(/back on the settings it had before/);
  });

  it('says what the router does by itself when the connection drops during apply', async () => {
    vi.useFakeTimers({ now: new Date(2026, 0, 5, 14, 3, 0), toFake: ['Date'] });
    await openEditor();
    fireEvent.click(within(screen.getByTestId('forced-refresh-switch').closest('.mantine-Switch-root')!).getByRole('switch'));
    fireEvent.click(applyButton());
    await screen.findByTestId('plan-diff');
    handlers['failover.apply'] = fail({ code: 'connection-lost', message: 'The SSH connection closed.' });
    fireEvent.click(screen.getByTestId('apply-now-button'));
    const lost = await screen.findByTestId('connection-lost');
    expect(lost.textContent).toContain('The router may have cut the connection. If you do not confirm, it restores the previous settings by itself at 14:04:00.');
    expect(screen.getByTestId('confirm-button').textContent).toBe('Try to confirm again');
  });
});

describe('modes and manual failover', () => {
  it('shows each uplink’s share in load-balance mode', async () => {
    await openEditor();
    fireEvent.click(screen.getByText('Load balance'));
    expect(cards().map((c) => within(c).getByTestId('wan-share').textContent)).toEqual(['50 % of new connections', '50 % of new connections']);
    fireEvent.change(within(card('wan')).getByLabelText('Ratio of Ethernet (wan)'), { target: { value: '3' } });
    expect(within(card('wan')).getByTestId('wan-share').textContent).toBe('75 % of new connections');
    expect(within(card('wwan')).getByTestId('wan-share').textContent).toBe('25 % of new connections');
    expect(screen.getByTestId('routing-order').textContent).toBe('Shares: Ethernet (wan) 75 %, Cellular (wwan) 25 %');
  });

  it('load balance has no order to drag and a plan in ratios and shares, with no failover wording (issue 12 item 9)', async () => {
    await openEditor();
    expect(screen.getAllByTestId('wan-drag-handle')).toHaveLength(2);
    fireEvent.click(screen.getByText('Load balance'));
    expect(screen.queryAllByTestId('wan-drag-handle')).toHaveLength(0);
    expect(screen.queryByText(/Drag a card/)).toBeNull();
    fireEvent.change(within(card('wan')).getByLabelText('Ratio of Ethernet (wan)'), { target: { value: '3' } });
    fireEvent.click(applyButton());
    const outcome = await screen.findByTestId('plan-outcome');
    expect(outcome.textContent).toContain('New connections are spread by ratio: Ethernet (wan) ratio 3 (75 %), Cellular (wwan) ratio 1 (25 %).');
    expect(outcome.textContent).toContain('the others take its share of new connections within about');
    expect(screen.getByTestId('plan-diff').textContent).not.toMatch(/active uplink|priority order|metric/i);
  });

  it('says in words what happens when the primary comes back, with Stay on the backup as its own option', async () => {
    await openEditor();
    expect(screen.getByTestId('return-to-primary-words').textContent).toBe(
      "New connections go back to the primary once it passes its checks; Forced Refresh Streams also moves the connections still running on the backup; 'Stay on the backup until I switch back' is its own option.",
    );
    const stay = within(screen.getByTestId('stay-on-backup-switch').closest('.mantine-Switch-root')!).getByRole('switch');
    expect(screen.getByText('Stay on the backup until I switch back')).toBeTruthy();
    fireEvent.click(stay);
    fireEvent.click(applyButton());
    await screen.findByTestId('plan-diff');
    const planned = calls.filter((c) => c.method === 'failover.plan').at(-1)!.params.policy as { stayOnBackup?: boolean };
    expect(planned.stayOnBackup).toBe(true);
  });

  it('offers Stay on the backup only where the router can do it', async () => {
    handlers['failover.get'] = () => {
      const s = snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) });
      return { ...s, platform: 'openwrt-mwan3', capabilities: { ...s.capabilities, supportsStayOnBackup: false } };
    };
    await openEditor();
    expect(screen.queryByTestId('stay-on-backup-switch')).toBeNull();
  });

  it('shows flap dampening with its default values, and sends what the user sets (issue 17 item 15)', async () => {
    await openEditor();
    const box = screen.getByTestId('dampening');
    expect(box.textContent).toContain('Now: after 3 failures of an uplink within 2 min, keep traffic off it for 60 s.');
    const hold = within(box).getByTestId('dampening-holdSec') as HTMLInputElement;
    expect(hold.value).toBe('60 s');
    fireEvent.change(hold, { target: { value: '120' } });
    expect(screen.getByTestId('dampening').textContent).toContain('keep traffic off it for 2 min');
    fireEvent.change(within(screen.getByTestId('dampening')).getByTestId('dampening-flaps'), { target: { value: '1' } });
    expect((await screen.findByTestId('dampening-issue')).textContent).toMatch(/2–100 failures/);
    expect(applyButton().disabled).toBe(true);
    fireEvent.change(within(screen.getByTestId('dampening')).getByTestId('dampening-flaps'), { target: { value: '4' } });
    await waitFor(() => expect(screen.queryByTestId('dampening-issue')).toBeNull());
    fireEvent.click(applyButton());
    await screen.findByTestId('plan-diff');
    const planned = calls.filter((c) => c.method === 'failover.plan').at(-1)!.params.policy as { dampening?: unknown };
    expect(planned.dampening).toEqual({ enabled: true, flaps: 4, windowSec: 120, holdSec: 120 });
  });

  it('says so where the engine has no hold-down, instead of a switch that would change nothing', async () => {
    handlers['failover.get'] = () => {
      const s = snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) });
      return { ...s, platform: 'openwrt-mwan3', capabilities: { ...s.capabilities, supportsDampening: false } };
    };
    await openEditor();
    expect(screen.queryByTestId('dampening-switch')).toBeNull();
    expect(screen.getByTestId('dampening-unavailable').textContent).toMatch(/no hold-down/);
  });

  it('puts traffic on one link now, and back to automatic', async () => {
    await openEditor();
    // The mocked router remembers the force, as the real one does, for the polls that follow.
    let forced = 'auto';
    handlers['failover.force'] = (p) => status({ enabled: true, forced: (forced = String(p.wan)) });
    handlers['failover.status'] = () => status({ enabled: true, forced });
    // The read after the force answers when the test says: until then the metrics are from before.
    let answerRead = () => {};
    handlers['failover.get'] = () => new Promise((resolve) => (answerRead = () => resolve(snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover', forced }) }))));
    const reads = () => calls.filter((c) => c.method === 'failover.get').length;
    const readsBefore = reads();
    // What a force does to running connections is said before the click (technician's walk: it cleared 3 unannounced).
    expect(within(card('wwan')).getByText('Use this link now').closest('button')!.getAttribute('title')).toMatch(/Connections through the uplink it leaves are cleared, so they start again on wwan/);
    // From the click on, the metrics say they are from before: the router may move first (walk: 0.4 s unmarked).
    let answerForce = () => {};
    handlers['failover.force'] = (p) => new Promise((resolve) => (answerForce = () => resolve(status({ enabled: true, forced: (forced = String(p.wan)) }))));
    fireEvent.click(within(card('wwan')).getByText('Use this link now'));
    await waitFor(() => expect(within(card('wan')).getByTestId('wan-facts').textContent).toMatch(/reading the router again/));
    await act(async () => answerForce());
    expect((await screen.findByTestId('back-to-automatic')).getAttribute('title')).toMatch(/whatever Forced Refresh Streams says/);
    expect(within(card('wwan')).getByTestId('wan-forced')).toBeTruthy();
    // The default route moved: the cards' route metrics are read from the router again, and
    // until that read lands they say they are from before (technician's walk: 2.3 s of old numbers).
    await waitFor(() => expect(reads()).toBe(readsBefore + 1));
    expect(within(card('wan')).getByTestId('wan-facts').textContent).toMatch(/route metric \S+ \(reading the router again…\)/);
    await act(async () => answerRead());
    await waitFor(() => expect(within(card('wan')).getByTestId('wan-facts').textContent).not.toMatch(/reading the router again/));
    handlers['failover.force'] = (p) => status({ enabled: true, forced: (forced = String(p.wan)) });
    fireEvent.click(screen.getByTestId('back-to-automatic'));
    await waitFor(() => expect(screen.queryByTestId('back-to-automatic')).toBeNull());
    expect(calls.filter((c) => c.method === 'failover.force').map((c) => c.params.wan)).toEqual(['wwan', 'auto']);
  });

  it('asks before removing with the plan (words, the router’s diff, the later edits it keeps), and removes exactly that plan', async () => {
    await openEditor();
    handlers['failover.planRemove'] = () => ({
      changes: ["mwan3.sy_policy: remove Switchyard's policy", "mwan3.wan.interval: '1' → '5'"],
      nativeDiff: "--- /etc/config/mwan3\n+++ /etc/config/mwan3\n-\toption interval '1'\n+\toption interval '5'\n",
      adminEdits: [{ package: 'mwan3', section: 'wan', option: 'up', original: "'8'", switchyard: "'3'", now: "'4'" }],
      basedOn: 'plan-1',
    });
    fireEvent.click(screen.getByText('Remove WAN failover'));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('remove-changes');
    expect(dialog.textContent).toContain("mwan3.sy_policy: remove Switchyard's policy");
    expect(within(dialog).getByTestId('remove-native-diff').textContent).toContain("+\toption interval '5'");
    expect(within(dialog).getByTestId('remove-admin-edits').textContent).toContain("mwan3.wan.up: now '4' (Switchyard wrote '3'; before Switchyard '8')");
    expect(calls.some((c) => c.method === 'failover.remove')).toBe(false);
    handlers['failover.remove'] = () => ({ removed: true });
    handlers['failover.get'] = () => snapshot();
    fireEvent.click(within(dialog).getByRole('checkbox'));
    await act(async () => fireEvent.click(within(dialog).getByText('Remove and restore')));
    expect(await screen.findByTestId('enable-failover')).toBeTruthy();
    expect(calls.find((c) => c.method === 'failover.remove')?.params).toEqual({ routerId: expect.any(String), basedOn: 'plan-1', restoreAdminEdits: true });
  });
});

describe("Remove's outcome in words (technician's walk)", () => {
  async function removeWith(remove: Handler) {
    await openEditor();
    handlers['failover.planRemove'] = () => ({ changes: ['Stop and delete the agent', 'Put the routes back from the snapshot'], nativeDiff: '', adminEdits: [], basedOn: 'plan-1' });
    fireEvent.click(screen.getByText('Remove WAN failover'));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('remove-changes');
    handlers['failover.remove'] = remove;
    await act(async () => fireEvent.click(within(dialog).getByText('Remove and restore')));
    return dialog;
  }

  it('confirms a remove with what was put back, where the user is and what comes next', async () => {
    await removeWith(() => {
      handlers['failover.get'] = () => snapshot();
      handlers['failover.status'] = () => status();
      handlers['failover.planRemove'] = () => ({ changes: [], nativeDiff: '', adminEdits: [], basedOn: 'plan-0' });
      return { removed: true };
    });
    const result = await screen.findByTestId('remove-result');
    // The router is asked again what is left: nothing, so nothing more is offered.
    await waitFor(() => expect(calls.filter((c) => c.method === 'failover.planRemove').length).toBeGreaterThanOrEqual(2));
    expect(screen.queryByTestId('failover-leftovers')).toBeNull();
    expect(result.textContent).toContain('WAN failover removed');
    expect(result.textContent).toContain('The router is back as it was before Switchyard set up failover. What Remove did:');
    expect(result.textContent).toContain('Put the routes back from the snapshot');
    expect(result.textContent).toContain('Failover is off on this router now');
    expect(screen.getByTestId('enable-failover')).toBeTruthy();
  });

  it('says what the router holds when a remove fails: still on, or not known when it does not answer', async () => {
    handlers['failover.status'] = () => status({ enabled: true, mode: 'failover' });
    const dialog = await removeWith(fail({ code: 'command-failed', message: 'switchyard-agent remove failed: exit 1' }));
    expect((await within(dialog).findByTestId('remove-router-state')).textContent).toMatch(/^The router still runs Switchyard's failover \(traffic on wan\)/);
    expect(within(dialog).getByTestId('remove-error').textContent).toContain('switchyard-agent remove failed: exit 1');
    expect(screen.queryByTestId('remove-result')).toBeNull();
    cleanup();
    useFailoverStore.setState({ routers: {} });
    handlers['failover.status'] = () => status({ enabled: true, mode: 'failover' });
    handlers['failover.get'] = () => snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) });
    const lostDialog = await removeWith(() => {
      handlers['failover.status'] = fail({ code: 'connection-lost', message: 'The SSH connection to r01 was lost.' });
      handlers['failover.planRemove'] = fail({ code: 'connection-lost', message: 'The SSH connection to r01 was lost.' });
      fail({ code: 'connection-lost', message: 'The SSH connection to r01 was lost.' })();
    });
    expect((await within(lostDialog).findByTestId('remove-router-state')).textContent).toMatch(/cannot read the router now .*so what it holds is not known/);
  });
});

describe('the screen never contradicts the router (issue 11 item 8) and a notice never hides Apply (issue 12 item 7)', () => {
  const never = () => new Promise<never>(() => {});

  async function enableAndApply(revertAtMs: number) {
    handlers['failover.get'] = () => snapshot();
    handlers['failover.status'] = () => status();
    renderTab();
    fireEvent.click(await screen.findByTestId('enable-failover'));
    fireEvent.click(screen.getByText('Fill in suggested targets'));
    await waitFor(() => expect(applyButton().disabled).toBe(false));
    fireEvent.click(applyButton());
    await screen.findByTestId('plan-diff');
    handlers['failover.apply'] = () => ({ revertAtMs, verification: { ok: true, activeWans: ['wan'], problems: [], checkedMs: 700 }, status: status({ enabled: true, mode: 'failover', pendingRevertAtMs: revertAtMs }) });
    handlers['failover.status'] = () => status({ enabled: true, mode: 'failover', pendingRevertAtMs: revertAtMs });
    // Read again after the apply, as the router has it now: the new policy, waiting for Confirm.
    handlers['failover.get'] = () => snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover', pendingRevertAtMs: revertAtMs }) });
    fireEvent.click(screen.getByTestId('apply-now-button'));
    await screen.findByTestId('revert-countdown');
  }

  it('says On while the router runs the new policy in its confirm window, and never "off" right after Confirm', async () => {
    await enableAndApply(Date.now() + 60_000);
    expect(screen.getByTestId('failover-enabled').textContent).toBe('On · failover');
    expect(screen.getByTestId('failover-pending').textContent).toBe('Waiting for your confirmation');
    handlers['failover.confirm'] = () => status({ enabled: true, mode: 'failover' });
    handlers['failover.get'] = never; // the router's own copy has not arrived yet
    fireEvent.click(screen.getByTestId('confirm-button'));
    await screen.findByText('Confirmed');
    expect(screen.queryByText(/WAN failover is off/)).toBeNull();
    expect(screen.getByTestId('failover-enabled').textContent).toBe('On · failover');
  });

  it('keeps Review and apply / Discard reachable while "Confirmed" or "Back to the previous settings" shows', async () => {
    await enableAndApply(Date.now() + 60_000);
    handlers['failover.rollback'] = () => status();
    // Read again after the rollback: the router has its previous settings (failover off) back.
    handlers['failover.get'] = () => snapshot();
    fireEvent.click(screen.getByTestId('revert-button'));
    await screen.findByText('Back to the previous settings');
    expect(applyButton().disabled).toBe(false);
    expect(await screen.findByText('Cancel')).toBeTruthy();
  });

  it('says Off as soon as Remove returns, before the router is read again', async () => {
    await openEditor();
    handlers['failover.planRemove'] = () => ({ changes: ["mwan3.sy_policy: remove Switchyard's policy"], nativeDiff: '', adminEdits: [], basedOn: 'plan-1' });
    fireEvent.click(screen.getByText('Remove WAN failover'));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('remove-changes');
    handlers['failover.remove'] = () => ({ removed: true });
    handlers['failover.get'] = never;
    handlers['failover.status'] = never;
    await act(async () => fireEvent.click(within(dialog).getByText('Remove and restore')));
    await waitFor(() => expect(screen.getByTestId('failover-enabled').textContent).toBe('Off'));
    expect(screen.queryByTestId('wan-active')).toBeNull();
  });
});

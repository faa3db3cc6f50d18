// @vitest-environment happy-dom
// Health at a glance and the failover notice (issue 12 item 2): words and colour roles from the
// router's own status, and a banner plus a notification when traffic moves.
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { theme } from '../theme.ts';
import { status } from './failover/failover-fixtures.test-util.ts';
import { describeChange, outdated } from './failover-banner.tsx';
import { HealthBadges, summarizeHealth } from './router-health.tsx';

afterEach(cleanup);

const on = (wans: { wan: string; state: 'online' | 'offline' | 'unknown'; active: boolean }[], extra = {}) => status({ enabled: true, mode: 'failover', wans, ...extra });

describe('router health', () => {
  it('names the uplink carrying traffic and any offline uplink in red, failover on/off, a pending confirmation', () => {
    const health = summarizeHealth(on([{ wan: 'eth1', state: 'offline', active: false }, { wan: 'wlan0', state: 'online', active: true }], { pendingRevertAtMs: 1 }));
    render(
      <MantineProvider theme={theme}>
        <HealthBadges health={health} />
      </MantineProvider>,
    );
    expect(screen.getByTestId('router-health').getAttribute('data-level')).toBe('offline');
    expect(screen.getByTestId('health-failover').textContent).toBe('Failover on');
    expect(screen.getByTestId('health-traffic').textContent).toBe('Traffic on wlan0');
    expect(screen.getByTestId('health-offline').textContent).toBe('eth1 offline');
    expect(screen.getByTestId('health-offline').getAttribute('data-color')).toBe('red');
    expect(screen.getByTestId('health-pending').textContent).toBe('Waiting for your confirmation');
  });

  it('calls a backup standing by (Cellular saver) fine, not degraded, and says it stands by', () => {
    const health = summarizeHealth(
      status({
        enabled: true,
        mode: 'failover',
        wans: [
          { wan: 'eth1', state: 'online', active: true, probing: true },
          { wan: 'wwan0', state: 'online', active: false, probing: false, standby: true, lastReplyAtMs: 1 },
        ],
      }),
    );
    expect(health).toMatchObject({ level: 'ok', standbyWans: ['wwan0'], offlineWans: [] });
    render(
      <MantineProvider theme={theme}>
        <HealthBadges health={health} />
      </MantineProvider>,
    );
    expect(screen.getByTestId('router-health').getAttribute('data-level')).toBe('ok');
    expect(screen.getByTestId('health-standby').textContent).toBe('wwan0 standing by');
  });

  it('says "checking" for an uplink the router has no probe result for yet, not online (technician\'s walk)', () => {
    const health = summarizeHealth(
      status({
        enabled: true,
        mode: 'failover',
        wans: [
          { wan: 'eth1', state: 'online', active: true, probed: true },
          { wan: 'wlan0', state: 'online', active: false, probed: false },
        ],
      }),
    );
    expect(health.checkingWans).toEqual(['wlan0']);
    render(
      <MantineProvider theme={theme}>
        <HealthBadges health={health} />
      </MantineProvider>,
    );
    expect(screen.getByTestId('health-checking').textContent).toBe('wlan0 checking…');
  });

  it('is unknown (grey), never green, when the router does not answer', () => {
    const refused = { code: 'connection-refused', message: '192.0.2.7:22 refused the connection.' } as const;
    expect(summarizeHealth(on([{ wan: 'eth1', state: 'online', active: true }]), refused)).toMatchObject({ level: 'unknown', unknown: { words: 'Not answering', reason: refused.message } });
    expect(summarizeHealth(status({ wans: [] }))).toMatchObject({ failover: 'off', level: 'attention' });
  });

  it('says why it is unknown: the first read on its way is not a router that does not answer (technician\'s walk)', () => {
    // The sites page said "the router is not answering yet" for a router that answered: it had
    // not been detected, and before the first read came back it said the same.
    expect(summarizeHealth(null)).toMatchObject({ level: 'unknown', unknown: { words: 'Checking the router…' } });
    expect(summarizeHealth(null, { code: 'conflict', message: 'Switchyard does not know what edge runs yet. Run detection first (Overview → Detect again).' }).unknown?.words).toBe('Not detected yet');
    expect(summarizeHealth(null, { code: 'unsupported', message: 'Failover on edge (mikrotik) is not supported by this version of Switchyard yet.' }).unknown?.words).toBe('No failover status here');
    render(
      <MantineProvider theme={theme}>
        <HealthBadges health={summarizeHealth(null, { code: 'timeout', message: 'The router did not answer within 10 s.' })} />
      </MantineProvider>,
    );
    const badge = screen.getByTestId('health-unknown');
    expect(badge.textContent).toBe('Not answering');
    expect(badge.getAttribute('title')).toBe('The router did not answer within 10 s.');
  });
});

describe('failover notices', () => {
  it('a blackholed primary: offline, and where the traffic went', () => {
    const before = on([{ wan: 'eth1', state: 'online', active: true }, { wan: 'wlan0', state: 'online', active: false }]);
    const after = on([{ wan: 'eth1', state: 'offline', active: false }, { wan: 'wlan0', state: 'online', active: true }]);
    expect(describeChange(before, after, 'Shop router')).toEqual({ kind: 'failover', title: 'Shop router: eth1 offline', message: 'eth1 stopped answering its checks. Traffic moved from eth1 to wlan0.' });
  });

  it('the primary back: says so, and that traffic returned', () => {
    const before = on([{ wan: 'eth1', state: 'offline', active: false }, { wan: 'wlan0', state: 'online', active: true }]);
    const after = on([{ wan: 'eth1', state: 'online', active: true }, { wan: 'wlan0', state: 'online', active: false }]);
    expect(describeChange(before, after, 'Shop router')).toMatchObject({ kind: 'recovered', message: 'eth1 is back online. Traffic moved from wlan0 to eth1.' });
  });

  it('the primary back by way of "connecting" (the agent’s path back): the offline notice is followed by "back online"', () => {
    // Seen on the lab: offline → connecting → online left "eth1 offline" in red above every page
    // while every uplink was online again.
    const offline = on([{ wan: 'eth1', state: 'offline', active: false }, { wan: 'wlan0', state: 'online', active: true }]);
    const connecting = status({ enabled: true, mode: 'failover', wans: [{ wan: 'eth1', state: 'connecting', active: false }, { wan: 'wlan0', state: 'online', active: true }] });
    const online = on([{ wan: 'eth1', state: 'online', active: false }, { wan: 'wlan0', state: 'online', active: true }]);
    expect(describeChange(offline, connecting, 'Shop router', new Set(['eth1']))).toBeNull();
    expect(describeChange(connecting, online, 'Shop router', new Set(['eth1']))).toEqual({ kind: 'recovered', title: 'Shop router: eth1 back online', message: 'eth1 answers its checks again.' });
    // An uplink that was never seen offline (the first probes after an apply) is not "back".
    expect(describeChange(connecting, online, 'Shop router', new Set())).toBeNull();
  });

  it('takes a notice back once it is no longer true: failover off or removed, or the traffic elsewhere', () => {
    const notice = { activeWans: ['eth1'] };
    expect(outdated(notice, on([{ wan: 'eth1', state: 'online', active: true }, { wan: 'wwan0', state: 'online', active: false }]))).toBe(false);
    expect(outdated(notice, on([{ wan: 'eth1', state: 'online', active: false }, { wan: 'wwan0', state: 'online', active: true }], { forced: 'wwan0' }))).toBe(true);
    expect(outdated(notice, status({ enabled: false, wans: [{ wan: 'eth1', state: 'online', active: true }] }))).toBe(true);
    expect(outdated(notice, null)).toBe(false);
  });

  it('nothing to tell when failover is off or nothing changed', () => {
    const same = on([{ wan: 'eth1', state: 'online', active: true }]);
    expect(describeChange(same, same, 'R')).toBeNull();
    expect(describeChange(status(), status(), 'R')).toBeNull();
  });
});

// One transition, one account: an engine that logs its own transitions is believed over the
// difference between two polls; an engine that logs nothing (mwan3) still gets them.
import { describe, expect, it } from 'vitest';
import type { RouterStatus } from '../../../shared/failover-schemas.ts';
import { FakeProbeClock } from '../probes/fake-probe-clock.test-util.ts';
import { diffRouterStatus, StatusWatcher } from './status-watcher.ts';

const base: RouterStatus = {
  enabled: true,
  mode: 'failover',
  forced: 'auto',
  pendingRevertAtMs: null,
  wans: [
    { wan: 'eth1', state: 'online', active: true },
    { wan: 'wlan0', state: 'online', active: false },
  ],
  events: [],
};
const failedOver: RouterStatus = {
  ...base,
  wans: [
    { wan: 'eth1', state: 'offline', active: false },
    { wan: 'wlan0', state: 'online', active: true },
  ],
};

describe('diffRouterStatus', () => {
  it('synthesizes state and active changes when the engine logs none', () => {
    const kinds = diffRouterStatus(base, failedOver, new Set()).map((e) => [e.kind, e.message]);
    expect(kinds).toEqual([
      ['state', 'eth1 is offline (was online)'],
      ['active', 'traffic moved from eth1 to wlan0'],
    ]);
  });

  it("uses the engine's own link events, and one active-uplink event instead of its switch entry", () => {
    const logged: RouterStatus = {
      ...failedOver,
      events: [
        { atMs: 1000, kind: 'status', wan: 'eth1', message: 'eth1 went offline (probes)' },
        { atMs: 1001, kind: 'switch', message: 'Traffic moved from eth1 to wlan0 (failure)' },
        { atMs: 1002, kind: 'flows-moved', wan: 'eth1', message: 'Moved 2 flows off eth1' },
      ],
    };
    const events = diffRouterStatus(base, logged, new Set());
    expect(events.map((e) => e.message)).toEqual(['traffic moved from eth1 to wlan0', 'eth1 went offline (probes)', 'Moved 2 flows off eth1']);
    expect(events.find((e) => e.kind === 'active')).toMatchObject({ failover: true });
  });

  it('does not repeat router events it has seen', () => {
    const seen = new Set<string>();
    const logged: RouterStatus = { ...base, events: [{ atMs: 5, kind: 'apply', message: 'New settings applied' }] };
    expect(diffRouterStatus(base, logged, seen)).toHaveLength(1);
    expect(diffRouterStatus(logged, logged, seen)).toHaveLength(0);
  });
});

describe('StatusWatcher (issue 11: the screen follows the router within a second)', () => {
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  it('polls at its interval, and at once when the router log grows', async () => {
    const clock = new FakeProbeClock(1_000_000);
    const readsAt: number[] = [];
    const pushed: RouterStatus[] = [];
    const watcher = new StatusWatcher({
      readStatus: async () => {
        readsAt.push(clock.nowMs());
        return base;
      },
      intervalMs: 1000,
      clock,
      engineLog: true,
      onEvents: () => undefined,
      onHealth: () => undefined,
      onStatus: (status) => pushed.push(status),
    });
    watcher.start();
    await flush();
    clock.advance(1000);
    await flush();
    clock.advance(300);
    watcher.pollNow();
    await flush();
    expect(readsAt.map((t) => t - 1_000_000)).toEqual([0, 1000, 1300]);
    expect(pushed).toHaveLength(3);
    await watcher.stop();
  });

  it('with the engine log backfilled, makes no events of its own from status differences', () => {
    expect(diffRouterStatus(base, failedOver, new Set(), true)).toEqual([]);
  });
});

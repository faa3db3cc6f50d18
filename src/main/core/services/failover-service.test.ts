// The safe-apply sequence's words when things go wrong around the router's revert timer. The
// driver here is scripted (what it answers is the point, not how); the lab tests drive the real one.
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import { defaultTracking } from '../../../shared/failover-defaults.ts';
import type { RouterDriver, RouterStatus } from '../drivers/driver.ts';
import type { ConnectionService } from './connection-service.ts';
import { FailoverService, noUplinkPassesProblem } from './failover-service.ts';
import type { RoutersService } from './routers-service.ts';

const policy: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [{ name: 'eth1', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', priority: 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: ['203.0.113.10'] } }],
};

const pendingStatus = (pendingRevertAtMs: number | null): RouterStatus => ({ enabled: true, mode: 'failover', forced: 'auto', wans: [{ wan: 'eth1', state: 'online', active: true }], pendingRevertAtMs, events: [] });

function service(driver: Partial<RouterDriver>): { failover: FailoverService; calls: string[] } {
  const calls: string[] = [];
  const full = {
    platform: 'linux',
    plan: async (p: FailoverPolicy) => ({ platform: 'linux', policy: p, changes: [], nativeDiff: '', predictedFailoverSec: 2.6, problems: [] }),
    confirm: async () => void calls.push('confirm'),
    ...driver,
  } as unknown as RouterDriver;
  const routers = { record: () => ({ name: 'r01', platform: 'linux', facts: null }) } as unknown as RoutersService;
  const connections = { connection: async () => ({}) } as unknown as ConnectionService;
  return { failover: new FailoverService({ routers, connections, drivers: { linux: async () => full }, record: () => {} }), calls };
}

const lost = () => new SwitchyardError('connection-lost', 'The SSH connection to r01 was lost (closed).');

describe('FailoverService around the revert timer', () => {
  it('says the router holds an unconfirmed change that reverts by itself at a time, when the link drops after the commit', async () => {
    const revertAtMs = new Date(2026, 0, 5, 14, 4, 0).getTime();
    const { failover } = service({
      commit: async () => ({ revertAtMs }),
      readStatus: async () => {
        throw lost();
      },
    });
    const error = (await failover.apply('r1', policy, 60).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).toBe('connection-lost');
    expect(error.message).toMatch(/dropped after the change was applied\. The router holds the new settings unconfirmed and restores the previous ones by itself at 14:04:00\./);
    expect(error.message).toMatch(/you can still confirm .* or roll back/);
    expect(error.details).toMatchObject({ unconfirmedChange: 'yes', revertAtMs });
  });

  it('says the change may have reached the router when the link drops during the commit', async () => {
    const { failover } = service({
      commit: async () => {
        throw lost();
      },
    });
    const error = (await failover.apply('r1', policy, 60).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.message).toMatch(/dropped while the change was being sent\. If it reached the router, the router holds it unconfirmed and restores the previous settings by itself (at|between) \d\d:\d\d:\d\d/);
    expect(error.details).toMatchObject({ unconfirmedChange: 'maybe' });
  });

  it('refuses to confirm in the last seconds before the router reverts, and sends nothing', async () => {
    const { failover, calls } = service({ readStatus: async () => pendingStatus(Date.now() + 2_000) });
    const error = (await failover.confirm('r1').catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/^Too late to confirm: the router restores the previous settings in [12] s \(at \d\d:\d\d:\d\d\)/);
    expect(calls).toEqual([]);
  });

  it('confirms while there is time', async () => {
    const { failover, calls } = service({ readStatus: async () => pendingStatus(Date.now() + 30_000) });
    await failover.confirm('r1');
    expect(calls).toEqual(['confirm']);
  });
});

describe('verification when no uplink passes its checks (issue 12 item 8)', () => {
  it('names each silent uplink with its targets and says what to do', () => {
    const twoWans: FailoverPolicy = {
      ...policy,
      wans: [
        { ...policy.wans[0]!, tracking: { ...policy.wans[0]!.tracking, targets: ['1.1.1.1', '8.8.8.8'] } },
        { ...policy.wans[0]!, name: 'wlan0', device: 'wlan0', priority: 2, tracking: { ...policy.wans[0]!.tracking, targets: ['9.9.9.9'] } },
      ],
    };
    const status: RouterStatus = { ...pendingStatus(null), wans: [{ wan: 'eth1', state: 'offline', active: true }, { wan: 'wlan0', state: 'offline', active: false }] };
    const problem = noUplinkPassesProblem(twoWans, status);
    expect(problem).toContain('eth1 got no answer from 1.1.1.1, 8.8.8.8; wlan0 got no answer from 9.9.9.9');
    expect(problem).toContain('use “Fill in suggested targets” (it keeps only targets the router reaches)');
  });
});

describe('failover.status while the monitor reads the same status (issue 15: first numbers)', () => {
  const online = pendingStatus(null);
  const offline: RouterStatus = { ...online, wans: [{ wan: 'eth1', state: 'offline', active: false }] };

  /** A monitor whose last status read was sent at `read.readStartedMs` (the clock is `now`). */
  function withMonitor(read: { status: RouterStatus; readStartedMs: number } | null, driver: Partial<RouterDriver> = {}) {
    let nowMs = 50_000;
    let routerReads = 0;
    const full = {
      platform: 'linux',
      readStatus: async () => {
        routerReads++;
        return online;
      },
      forceFailover: async () => undefined,
      ...driver,
    } as unknown as RouterDriver;
    const routers = { record: () => ({ name: 'r01', platform: 'linux', facts: null }) } as unknown as RoutersService;
    const connections = { connection: async () => ({}) } as unknown as ConnectionService;
    const failover = new FailoverService({
      routers,
      connections,
      drivers: { linux: async () => full },
      record: () => {},
      recentStatus: (_id, notBeforeMs) => (read && read.readStartedMs >= notBeforeMs ? read : null),
      nowMs: () => nowMs,
    });
    return { failover, reads: () => routerReads, advance: (ms: number) => (nowMs += ms) };
  }

  it("answers with the monitor's status read within the last 1.5 s, without reading the router again", async () => {
    const t = withMonitor({ status: offline, readStartedMs: 50_000 - 1_400 });
    expect(await t.failover.status('r1')).toEqual(offline);
    expect(t.reads()).toBe(0);
  });

  it('reads the router when the monitor read is older than that, or there is none', async () => {
    const old = withMonitor({ status: offline, readStartedMs: 50_000 - 1_600 });
    expect(await old.failover.status('r1')).toEqual(online);
    expect(old.reads()).toBe(1);
    const none = withMonitor(null);
    expect(await none.failover.status('r1')).toEqual(online);
    expect(none.reads()).toBe(1);
  });

  it('never answers with a monitor read sent before a change made here ended (or while one runs)', async () => {
    let release!: () => void;
    const forcing = new Promise<void>((resolve) => (release = resolve));
    const t = withMonitor({ status: offline, readStartedMs: 50_000 }, { forceFailover: () => forcing });
    const force = t.failover.force('r1', 'eth1');
    // While the change is being sent: the router's own answer.
    await t.failover.status('r1');
    expect(t.reads()).toBe(1);
    t.advance(200);
    release();
    await force;
    const readsAfterForce = t.reads();
    t.advance(100);
    // The monitor's read (sent at 50 000) is 300 ms old, but the change ended at 50 200: not reused.
    expect(await t.failover.status('r1')).toEqual(online);
    expect(t.reads()).toBe(readsAfterForce + 1);
  });
});

describe("the router's own revert timer running out (technician's walk)", () => {
  function watched(reads: RouterStatus[]) {
    const changed: string[] = [];
    let nowMs = 10_000;
    const full = {
      platform: 'linux',
      readStatus: async () => reads.shift() ?? pendingStatus(null),
      confirm: async () => pendingStatus(null),
    } as unknown as RouterDriver;
    const routers = { record: () => ({ name: 'r01', platform: 'linux', facts: null }) } as unknown as RoutersService;
    const connections = { connection: async () => ({}) } as unknown as ConnectionService;
    const failover = new FailoverService({ routers, connections, drivers: { linux: async () => full }, record: () => {}, nowMs: () => nowMs, onPolicyChanged: (id) => changed.push(id) });
    return { failover, changed, advance: (ms: number) => (nowMs += ms) };
  }

  it('a status poll that finds the pending change gone refreshes what watches the policy, once', async () => {
    const t = watched([pendingStatus(Date.now() + 30_000), pendingStatus(null), pendingStatus(null)]);
    await t.failover.status('r1');
    expect(t.changed).toEqual([]);
    await t.failover.status('r1');
    expect(t.changed).toEqual(['r1']);
    await t.failover.status('r1');
    expect(t.changed).toEqual(['r1']);
  });

  it("the monitor's status read tells it too, when no one polls failover.status", () => {
    const t = watched([]);
    t.failover.noticeMonitorStatus('r1', pendingStatus(Date.now() + 30_000), 10_000);
    t.advance(1000);
    t.failover.noticeMonitorStatus('r1', pendingStatus(null), 11_000);
    expect(t.changed).toEqual(['r1']);
  });

  it('a confirm made here is not taken for a revert', async () => {
    const t = watched([pendingStatus(Date.now() + 30_000)]);
    await t.failover.status('r1');
    await t.failover.confirm('r1');
    t.advance(1000);
    t.failover.noticeMonitorStatus('r1', pendingStatus(null), 11_000);
    await t.failover.status('r1');
    expect(t.changed).toEqual([]);
  });
});

describe('verification before the first probe result (technician\'s walk)', () => {
  it('does not take the engine\'s initial "online" as tracking that passes', async () => {
    const checking: RouterStatus = { ...pendingStatus(null), wans: [{ wan: 'eth1', state: 'online', active: true, probed: false }] };
    const probed: RouterStatus = { ...pendingStatus(null), wans: [{ wan: 'eth1', state: 'online', active: true, probed: true }] };
    const reads = [checking, probed];
    const { failover } = service({ commit: async () => ({ revertAtMs: null, status: checking }), readStatus: async () => reads.shift() ?? probed });
    const applied = await failover.apply('r1', policy, 0);
    expect(applied.verification.ok).toBe(true);
    expect(applied.status.wans[0]?.probed).toBe(true);
    expect(reads).toEqual([]);
  });
});

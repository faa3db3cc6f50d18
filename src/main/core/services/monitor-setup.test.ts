// The monitor's status poll takes a driver on the router's current connection every second.
// Making one costs round trips of its own on OpenWrt (mwan3's tools) and GL.iNet (kmwan's config),
// so the driver made for a connection serves until the connection or the router's record changes.
// The services here are scripted (which driver is asked for when is the point); the lab tests
// drive the real ones.
import { describe, expect, it } from 'vitest';
import type { RouterDriver } from '../drivers/driver.ts';
import type { RouterStatus } from '../../../shared/failover-schemas.ts';
import type { ConnectionService } from './connection-service.ts';
import type { FailoverService } from './failover-service.ts';
import { monitorSetup } from './monitor-setup.ts';
import type { RoutersService } from './routers-service.ts';

const status: RouterStatus = { enabled: true, mode: 'failover', forced: 'auto', wans: [{ wan: 'wan', state: 'online', active: true }], pendingRevertAtMs: null, events: [] };

function scripted() {
  const state = { link: { id: 1 }, updatedMs: 1_000, driversMade: 0, failNext: false };
  const record = () => ({ id: 'r1', name: 'Shop', host: '192.0.2.1', platform: 'openwrt-mwan3', facts: null, updatedMs: state.updatedMs, detectedMs: state.updatedMs, snmp: null });
  const routers = { record, snmpCredential: async () => null } as unknown as RoutersService;
  const connections = { connection: async () => state.link } as unknown as ConnectionService;
  const failover = {
    driver: async () => {
      if (state.failNext) {
        state.failNext = false;
        throw new Error('connection lost');
      }
      state.driversMade++;
      return {
        platform: 'openwrt-mwan3',
        readPolicy: async () => ({ mode: 'failover', forcedRefreshStreams: false, wans: [] }),
        readStatus: async () => status,
        probeCommand: () => null,
      } as unknown as RouterDriver;
    },
  } as unknown as FailoverService;
  return { state, deps: { routers, connections, failover } };
}

describe('monitor setup: the driver behind the status poll', () => {
  it('makes one driver per connection and router record, not one per poll', async () => {
    const { state, deps } = scripted();
    const setup = await monitorSetup('r1', deps);
    for (let poll = 0; poll < 5; poll++) expect(await setup.readStatus!()).toEqual(status);
    expect(state.driversMade).toBe(1);

    // A new connection (a dropped link replaced, a login edited): a driver on that one.
    state.link = { id: 2 };
    await setup.readStatus!();
    await setup.readStatus!();
    expect(state.driversMade).toBe(2);

    // The router detected again or edited: a driver made from its record as it is now.
    state.updatedMs = 2_000;
    await setup.readStatus!();
    expect(state.driversMade).toBe(3);
  });

  it('asks again after a driver could not be made', async () => {
    const { state, deps } = scripted();
    const setup = await monitorSetup('r1', deps);
    state.link = { id: 2 };
    state.failNext = true;
    await expect(setup.readStatus!()).rejects.toThrow('connection lost');
    expect(await setup.readStatus!()).toEqual(status);
    expect(state.driversMade).toBe(2);
  });
});

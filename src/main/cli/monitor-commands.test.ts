import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CliContext } from './cli-command.ts';
import { UsageError } from './cli-command.ts';
import { monitorCommands } from './monitor-commands.ts';
import type { HistoryQueryResult, MonitorStatus } from '../../shared/api/monitor-schemas.ts';

const monitor = monitorCommands.find((c) => c.path.join(' ') === 'monitor')!;
const exportCmd = monitorCommands.find((c) => c.path.join(' ') === 'history export')!;

const status: MonitorStatus = {
  routerId: 'r1',
  running: true,
  startedMs: 0,
  throughputSource: 'proc-net-dev',
  throughputNotes: ['SNMP failed (no answer); throughput comes from /proc/net/dev over SSH instead'],
  routerStatus: null,
  uplinks: [{ wan: 'wan', device: 'eth1', target: '203.0.113.10', method: 'ping', state: 'running', message: null, command: ['ping'] }],
};
const point = { atMs: 0, latencyMs: 20, latencyMinMs: 20, latencyMaxMs: 20, latencyP95Ms: 20, jitterMs: 1, lossPct: 0, lossMaxPct: 0, rxBps: 2e6, rxMinBps: 2e6, rxMaxBps: 2e6, txBps: 1e6, txMinBps: 1e6, txMaxBps: 1e6, sent: 1, received: 1 };
const history: HistoryQueryResult = { routerId: 'r1', fromMs: 0, toMs: 1, resolution: 'second', stepMs: 1000, series: [{ wan: 'wan', points: [point, { ...point, latencyMs: null, latencyP95Ms: null, sent: 1, received: 0 }] }] };

function context(positionals: string[], options: Record<string, string | boolean | undefined> = {}) {
  const calls: string[] = [];
  const ctx = {
    positionals,
    options,
    call: async (method: string) => {
      calls.push(method);
      switch (method) {
        case 'routers.list':
          return { routers: [{ id: 'r1', name: 'Shop router' }] };
        case 'monitor.status':
          return status;
        case 'history.query':
          return history;
        case 'history.events':
          return { events: [{ id: 'e', routerId: 'r1', atMs: 0, kind: 'monitor', wan: 'wan', message: 'no replies on eth1 (wan) for 3 s' }] };
        case 'history.export':
          return { csv: 'at_iso,wan\n', rows: 0, truncated: false };
        default:
          return { stopped: true };
      }
    },
  } as unknown as CliContext;
  return { ctx, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('switchyard monitor', () => {
  it('finds the router by name, watches for --seconds, always stops, and prints a table with the events', async () => {
    vi.useFakeTimers();
    const { ctx, calls } = context(['shop router'], { seconds: '2' });
    const pending = monitor.run(ctx);
    await vi.advanceTimersByTimeAsync(5000);
    const result = await pending;
    expect(calls).toEqual(['routers.list', 'monitor.start', 'monitor.status', 'monitor.stop', 'history.query', 'history.events']);
    const text = (monitor.format as (r: unknown) => string)(result);
    expect(text).toContain('Shop router: 2 s of monitoring (throughput from proc-net-dev)');
    expect(text).toContain('note: SNMP failed');
    expect(text).toMatch(/wan\s+running\s+20\.0 ms\s+20\.0 ms\s+1\.00 ms\s+50 %\s+2\.00 Mbit\/s\s+1\.00 Mbit\/s/);
    expect(text).toContain('no replies on eth1 (wan) for 3 s');
  });

  it('refuses a missing or unknown router and a bad --seconds with a usage error', async () => {
    await expect(monitor.run(context([]).ctx)).rejects.toBeInstanceOf(UsageError);
    await expect(monitor.run(context(['nope']).ctx)).rejects.toThrow(/no router "nope"/);
    await expect(monitor.run(context(['r1'], { seconds: '-1' }).ctx)).rejects.toThrow(/--seconds/);
  });
});

describe('switchyard monitor, gateway-only uplinks (issue 11)', () => {
  it('labels an uplink whose path cannot be measured as gateway only and says why', () => {
    const note = "gateway only: the router has no route to 203.0.113.11 through wlan0 (it sends that traffic another way), so wlan0's gateway 100.65.1.1 is probed instead";
    const gw = { ...status, uplinks: [...status.uplinks, { wan: 'wlan0', device: 'wlan0', target: '100.65.1.1', method: 'ping' as const, state: 'running' as const, message: null, command: ['ping'], scope: 'gateway' as const, scopeNote: note }] };
    const text = (monitor.format as (r: unknown) => string)({ router: 'Shop router', seconds: 2, status: gw, history, events: [] });
    expect(text).toMatch(/^wlan0 \(gw\)\s+running/m);
    expect(text).toContain(`wlan0: ${note}`);
    expect(text).toMatch(/^wan\s+running/m);
  });
});

describe('switchyard history export', () => {
  it('exports the CSV of the chosen kind, refusing unknown kinds', async () => {
    const { ctx, calls } = context(['r1'], { what: 'events', hours: '1' });
    expect(await exportCmd.run(ctx)).toEqual({ csv: 'at_iso,wan\n', rows: 0, truncated: false });
    expect(calls).toEqual(['routers.list', 'history.export']);
    await expect(exportCmd.run(context(['r1'], { what: 'everything' }).ctx)).rejects.toThrow(/--what/);
  });
});

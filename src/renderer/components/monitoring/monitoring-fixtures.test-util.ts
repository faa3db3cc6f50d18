// Contract answers and a controllable event source for the monitoring and events tests: the
// renderer's api module is mocked with these (our own boundary), shaped like the lab's uplinks.
import { vi } from 'vitest';
import type { EventName, MethodName } from '../../../shared/api/contract.ts';
import type { HistoryPoint, MonitorSample, MonitorStatus } from '../../../shared/api/monitor-schemas.ts';
import type { LinkEvent } from '../../../shared/model.ts';
import { api } from '../../api/api.ts';
import { routeApiCalls, type ApiCall, type ApiHandlers } from '../../api/route-api-calls.test-util.ts';

export type Handler = (params: Record<string, unknown>) => unknown;

export interface FakeApi {
  handlers: Partial<Record<MethodName, Handler>>;
  calls: { method: string; params: Record<string, unknown> }[];
  emit(event: EventName, payload: unknown): void;
  listeners(event: EventName): number;
}

/** Wires the mocked `api` to handlers; call in beforeEach after vi.mock of api.ts. */
export function fakeApi(handlers: Partial<Record<MethodName, Handler>>): FakeApi {
  const calls: FakeApi['calls'] = [];
  const subscribers = new Map<string, Set<(p: unknown) => void>>();
  routeApiCalls(handlers as ApiHandlers, calls as ApiCall[]);
  vi.mocked(api.on).mockImplementation(((event: string, listener: (p: unknown) => void) => {
    const set = subscribers.get(event) ?? new Set();
    set.add(listener);
    subscribers.set(event, set);
    return () => set.delete(listener);
  }) as never);
  return {
    handlers,
    calls,
    emit: (event, payload) => [...(subscribers.get(event) ?? [])].forEach((l) => l(payload)),
    listeners: (event) => subscribers.get(event)?.size ?? 0,
  };
}

export function monitorStatus(overrides: Partial<MonitorStatus> = {}): MonitorStatus {
  return {
    routerId: 'r1',
    running: true,
    startedMs: 1,
    throughputSource: 'proc-net-dev',
    throughputNotes: ['SNMP failed, using /proc/net/dev'],
    routerStatus: null,
    uplinks: [
      { wan: 'wan', device: 'eth1', target: '203.0.113.10', method: 'ping', state: 'running', message: null, command: null },
      { wan: 'wwan', device: 'wwan0', target: '203.0.113.11', method: 'httping', state: 'failed', message: 'httping is not installed: opkg install httping', command: null },
    ],
    ...overrides,
  };
}

export function point(atMs: number, overrides: Partial<HistoryPoint> = {}): HistoryPoint {
  return {
    atMs,
    latencyMs: 20,
    latencyMinMs: 15,
    latencyMaxMs: 30,
    latencyP95Ms: 28,
    jitterMs: 2,
    lossPct: 0,
    lossMaxPct: 0,
    rxBps: 1e6,
    rxMinBps: 1e6,
    rxMaxBps: 1e6,
    txBps: 1e5,
    txMinBps: 1e5,
    txMaxBps: 1e5,
    sent: 1,
    received: 1,
    ...overrides,
  };
}

export function sample(wan: string, atMs: number, overrides: Partial<MonitorSample> = {}): MonitorSample {
  return {
    routerId: 'r1',
    wan,
    atMs,
    latencyMs: 20,
    latencyMinMs: 18,
    latencyMaxMs: 25,
    latencyP95Ms: 24,
    jitterMs: 1,
    jitterMasdMs: 1,
    lossPct: 0,
    rxBps: 2e6,
    txBps: 2e5,
    sent: 1,
    received: 1,
    ...overrides,
  };
}

export function linkEvent(atMs: number, overrides: Partial<LinkEvent> = {}): LinkEvent {
  return { id: `e${atMs}`, routerId: 'r1', atMs, kind: 'state', wan: 'wan', from: 'online', to: 'offline', message: 'wan is offline (was online)', ...overrides };
}

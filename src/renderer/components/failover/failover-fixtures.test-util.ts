// Contract responses for the failover tests, shaped like the lab router's four uplinks
// (documentation address ranges only). Tests mock the renderer's api module with these.
import type { ResponseOf } from '../../../shared/api/contract.ts';
import type { ApplyPlan, RouterStatus, WanCandidate } from '../../../shared/failover-schemas.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';

export const candidates: WanCandidate[] = [
  { name: 'wwan', device: 'wwan0', kind: 'cellular', address: '203.0.113.130', prefixLen: 26, gateway: '203.0.113.129', metric: 40, hasDefaultRoute: false },
  { name: 'wlan', device: 'wlan0', kind: 'repeater', address: '198.51.100.2', prefixLen: 24, gateway: '198.51.100.1', metric: 20, hasDefaultRoute: false },
  { name: 'usb', device: 'usb0', kind: 'tethering', address: '203.0.113.2', prefixLen: 26, gateway: '203.0.113.1', metric: 30, hasDefaultRoute: false },
  { name: 'wan', device: 'eth1', kind: 'ethernet', address: '192.0.2.2', prefixLen: 24, gateway: '192.0.2.1', metric: 10, hasDefaultRoute: true },
];

export function status(overrides: Partial<RouterStatus> = {}): RouterStatus {
  return {
    enabled: false,
    mode: null,
    forced: 'auto',
    wans: [
      { wan: 'wan', state: 'online', active: true },
      { wan: 'wlan', state: 'degraded', active: false },
      { wan: 'usb', state: 'offline', active: false },
      { wan: 'wwan', state: 'unknown', active: false },
    ],
    pendingRevertAtMs: null,
    events: [],
    ...overrides,
  };
}

export function snapshot(overrides: Partial<ResponseOf<'failover.get'>> = {}): ResponseOf<'failover.get'> {
  return {
    platform: 'linux',
    capabilities: {
      supportsLoadBalance: true,
      trackMethods: ['ping', 'httping', 'none'],
      supportsRevertTimer: true,
      supportsForcedRefreshStreams: true,
      supportsManualFailover: true,
      supportsStayOnBackup: true,
      supportsDampening: true,
      maxWans: 8,
      readOnly: false,
    },
    candidates,
    policy: null,
    status: status(),
    ...overrides,
  };
}

const tracking = { method: 'ping', reliability: 1, intervalSec: 0.2, timeoutSec: 0.4, downCount: 10, upCount: 10, failureIntervalSec: 0.2 } as const;

/** A valid two-uplink policy as the router would report it after an apply. */
export const appliedPolicy: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', gateway: '192.0.2.1', priority: 1, weight: 1, enabled: true, tracking: { ...tracking, targets: ['203.0.113.200'] } },
    { name: 'wwan', device: 'wwan0', kind: 'cellular', gateway: '203.0.113.129', priority: 2, weight: 1, enabled: true, tracking: { ...tracking, targets: ['203.0.113.201'] } },
  ],
};

export function plan(policy: FailoverPolicy, overrides: Partial<ApplyPlan> = {}): ApplyPlan {
  return {
    platform: 'linux',
    policy,
    changes: [
      { kind: 'change', subject: 'Cellular (wwan0) priority', from: '2', to: '1' },
      { kind: 'add', subject: 'Ethernet (eth1) tracking target', to: '203.0.113.200' },
    ],
    nativeDiff: '--- agent.conf\n+++ agent.conf\n-WAN_1=wwan0\n+WAN_1=eth1',
    predictedFailoverSec: 2.6,
    problems: [],
    ...overrides,
  };
}

/** failover.suggestTargets as a router that answers through every uplink: two targets each, none shared. */
export function suggestedTargets(params: Record<string, unknown>): ResponseOf<'failover.suggestTargets'> {
  const wans = params.wans as Array<{ name: string; device: string }>;
  return {
    tried: wans.flatMap((_, i) => [`203.0.113.${10 + 2 * i}`, `203.0.113.${11 + 2 * i}`]),
    wans: wans.map((w, i) => ({ wan: w.name, targets: [`203.0.113.${10 + 2 * i}`, `203.0.113.${11 + 2 * i}`], checked: 'through-uplink' as const, message: `answered through ${w.device}.` })),
  };
}

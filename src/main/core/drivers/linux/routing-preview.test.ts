// The routing preview against what the lab router and iproute2 really printed (__fixtures__/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';
import { agentRulesHeld, changeRoutingChanges, defaultRouteLines, enableRoutingChanges, removeRoutingChanges } from './routing-preview.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8');
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => l.trim());

const tracking: Wan['tracking'] = { method: 'ping', targets: ['203.0.113.11'], reliability: 1, intervalSec: 0.2, failureIntervalSec: 0.2, timeoutSec: 0.4, downCount: 10, upCount: 10 } as Wan['tracking'];
const wan = (name: string, gateway: string, priority: number, weight = 1): Wan => ({ name, device: name, gateway, priority, weight, enabled: true, tracking }) as Wan;
/** The lab router r01's three uplinks, as the integration test applies them. */
const labPolicy = (mode: FailoverPolicy['mode'] = 'failover'): FailoverPolicy =>
  ({ mode, forcedRefreshStreams: false, wans: [wan('eth1', '100.64.1.1', 1, 3), wan('wlan0', '100.65.1.1', 2), wan('usb0', '100.66.1.1', 3)] }) as FailoverPolicy;
const labAddresses: Record<string, string> = { eth1: '100.64.1.2', wlan0: '100.65.1.2', usb0: '100.66.1.2' };

describe('the routing preview of a first enable', () => {
  it("expects the main table's default routes the lab router really had after the apply", () => {
    const { changes, routesDiff } = enableRoutingChanges(labPolicy(), fixture('routes-main-default-before.txt'), (d) => labAddresses[d]);
    const expected = routesDiff.split('\n').filter((l) => l.startsWith('+ default')).map((l) => l.slice(2));
    expect(expected.sort()).toEqual(lines(fixture('routes-main-default-after.txt')).sort());
    expect(routesDiff).toContain('- default via 100.64.1.1 dev eth1\n');
    expect(changes[0]).toEqual({ kind: 'remove', subject: expect.stringMatching(/Remove puts it back/), from: 'default via 100.64.1.1 dev eth1' });
  });

  it('expects the rules the lab router really had: tables by name order, rules by table', () => {
    const { changes, routesDiff } = enableRoutingChanges(labPolicy(), fixture('routes-main-default-before.txt'), (d) => labAddresses[d]);
    const rules = changes.find((c) => c.subject === 'Routing rules')!.to!.split('; ');
    const real = lines(fixture('rules-after.txt')).map((l) => l.replace(/\s+/, ' ')).filter((l) => /^10\d\d:/.test(l));
    // In the router's own order, by number.
    expect(rules).toEqual(real);
    expect(routesDiff.split('\n').filter((l) => /^\+ 10\d\d:/.test(l)).map((l) => l.slice(2))).toEqual(real);
    expect(changes.find((c) => c.subject.startsWith('Routing table'))!.to).toBe('101 eth1, 102 usb0, 103 wlan0');
  });

  it('writes a load-balance route the way iproute2 prints a multipath one', () => {
    const policy = labPolicy('balance');
    const { routesDiff } = enableRoutingChanges({ ...policy, wans: policy.wans.map((w) => (w.name === 'usb0' ? { ...w, weight: 0 } : w)) }, '', (d) => labAddresses[d]);
    expect(routesDiff).toContain('+ default proto 241 metric 10 nexthop via 100.64.1.1 dev eth1 weight 3 nexthop via 100.65.1.1 dev wlan0 weight 1\n');
    // The capture: iproute2's nexthop lines are joined onto their route, ours told from the router's own.
    const real = defaultRouteLines(fixture('routes-main-default-multipath.txt'));
    expect(real).toEqual(['default proto 241 metric 10 nexthop via 100.64.9.1 dev d1 weight 3 nexthop via 100.65.9.1 dev d2 weight 1', 'default via 100.65.9.1 dev d2 metric 100']);
    const { changes } = enableRoutingChanges(labPolicy(), fixture('routes-main-default-multipath.txt'), () => undefined);
    expect(changes.filter((c) => c.kind === 'remove').map((c) => c.from)).toEqual(['default via 100.65.9.1 dev d2 metric 100']);
  });

  it('has nothing to add when no uplink is enabled', () => {
    const policy = labPolicy();
    expect(enableRoutingChanges({ ...policy, wans: policy.wans.map((w) => ({ ...w, enabled: false })) }, fixture('routes-main-default-before.txt'), () => undefined)).toEqual({ changes: [], routesDiff: '' });
  });
});

describe('the routing preview of a later apply', () => {
  const addressOf = (d: string) => labAddresses[d];
  it('says nothing when the policy keeps the routing as it is', () => {
    const policy = labPolicy();
    expect(changeRoutingChanges(policy, { ...policy, wans: policy.wans.map((w) => ({ ...w, tracking: { ...w.tracking, downCount: 3 } })) }, addressOf)).toEqual({ changes: [], routesDiff: '' });
  });

  it('moves the traffic route and the standby metrics when the priorities change', () => {
    const before = labPolicy();
    const after = { ...before, wans: before.wans.map((w) => ({ ...w, priority: w.name === 'wlan0' ? 1 : w.name === 'eth1' ? 2 : 3 })) };
    const { changes, routesDiff } = changeRoutingChanges(before, after, addressOf);
    expect(changes).toEqual([
      { kind: 'change', subject: 'Default route for the traffic (moves with failover)', from: 'default via 100.64.1.1 dev eth1 proto 241 metric 10', to: 'default via 100.65.1.1 dev wlan0 proto 241 metric 10' },
      { kind: 'change', subject: 'Standby default route per uplink (probes leave on their own uplink)', from: 'eth1 metric 111, wlan0 metric 112, usb0 metric 113', to: 'wlan0 metric 111, eth1 metric 112, usb0 metric 113' },
    ]);
    // The standby route of an uplink that keeps its rank is not listed as changed.
    expect(routesDiff.split('\n')).toEqual([
      '--- ip -4 route show table main default (now, every link up)',
      '+++ ip -4 route show table main default (expected once applied, every link up)',
      '- default via 100.64.1.1 dev eth1 proto 241 metric 10',
      '- default via 100.64.1.1 dev eth1 proto 241 metric 111',
      '- default via 100.65.1.1 dev wlan0 proto 241 metric 112',
      '+ default via 100.65.1.1 dev wlan0 proto 241 metric 10',
      '+ default via 100.65.1.1 dev wlan0 proto 241 metric 111',
      '+ default via 100.64.1.1 dev eth1 proto 241 metric 112',
    ]);
  });

  it('turns the traffic route into a multipath one for load balance, and drops a turned-off uplink with its rule', () => {
    const before = labPolicy();
    const { changes } = changeRoutingChanges(before, { ...before, mode: 'balance' }, addressOf);
    expect(changes.map((c) => c.to)).toEqual(['default proto 241 metric 10 nexthop via 100.64.1.1 dev eth1 weight 3 nexthop via 100.65.1.1 dev wlan0 weight 1 nexthop via 100.66.1.1 dev usb0 weight 1']);
    const off = changeRoutingChanges(before, { ...before, wans: before.wans.map((w) => (w.name === 'usb0' ? { ...w, enabled: false } : w)) }, addressOf);
    expect(off.changes.map((c) => c.subject)).toEqual(['Standby default route per uplink (probes leave on their own uplink)', 'Routing table per uplink (replies leave where they came in)', 'Routing rules']);
    expect(off.routesDiff).toContain('- default via 100.66.1.1 dev usb0 proto 241 metric 113');
    expect(off.routesDiff).toContain('- 1002: from 100.66.1.2 lookup 102');
  });
});

describe("Remove's routing preview", () => {
  it("puts back the lab router's default route from the agent's real snapshot, and deletes only rules the router did not have", () => {
    const { changes, routesAfter } = removeRoutingChanges(fixture('agent-snapshot.txt'), 3);
    expect(changes).toEqual([
      "Delete Switchyard's default routes (proto 241) from the main table, its routing tables 101, 102, 103 and its rules 1000, 1001, 1002, 1003.",
      "Put back the router's default route: default via 100.64.1.1 dev eth1",
    ]);
    expect(routesAfter.split('\n').slice(1)).toEqual(['default via 100.64.1.1 dev eth1']);
    // A rule the router had at 1001 before failover is the router's: the agent's remove keeps it.
    const withOwnRule = `${fixture('agent-snapshot.txt')}rule=1001:\tfrom 192.0.2.9 lookup 7\n`;
    expect(removeRoutingChanges(withOwnRule, 3).changes[0]).toMatch(/its rules 1000, 1002, 1003\.$/);
  });

  it("names every rule and table of the agent's the router holds when its config is gone (technician's walk: it said 'its rules 1000')", () => {
    const { changes } = removeRoutingChanges(fixture('agent-snapshot.txt'), 0, fixture('rules-after.txt'));
    expect(changes[0]).toBe("Delete Switchyard's default routes (proto 241) from the main table, its routing tables 101, 102, 103 and its rules 1000, 1001, 1002, 1003.");
    // The router's own rules (0, 32766, 32767) are never the agent's.
    expect(agentRulesHeld(fixture('rules-after.txt'))).toEqual({ rulePrefs: [1000, 1001, 1002, 1003], tables: [101, 102, 103] });
  });

  it('says when there is no snapshot to put routes back from', () => {
    const { changes, routesAfter } = removeRoutingChanges(null, 2);
    expect(changes[1]).toMatch(/No snapshot .* no default route is put back/);
    expect(routesAfter).toBe('');
  });
});

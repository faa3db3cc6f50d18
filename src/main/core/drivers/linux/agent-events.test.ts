import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentRouterEvents, parseAgentLog } from './agent-events.ts';

const recorded = readFileSync(new URL('./__fixtures__/agent-status-event-log.json', import.meta.url), 'utf8');

describe("the agent's event log as router events (issue 11: the router is the record)", () => {
  const log = parseAgentLog(recorded);
  const offsetMs = 1234;
  const events = agentRouterEvents(log.events, offsetMs, 0);

  it('has the failover, its recovery, forces, reverts and the rollback with the right kinds', () => {
    const seen = events.map((e) => `${e.kind}${e.wan ? ` ${e.wan}` : ''}${e.kind === 'switch' ? ` ${e.from}→${e.to}` : ''}`);
    expect(seen).toEqual(
      expect.arrayContaining(['apply', 'confirm', 'offline eth1', 'switch eth1→wlan0', 'online eth1', 'force usb0', 'switch wlan0→usb0', 'auto', 'switch usb0→eth1', 'revert', 'rollback']),
    );
    // Order as the router logged it: the failover comes after eth1 went offline.
    expect(seen.indexOf('switch eth1→wlan0')).toBeGreaterThan(seen.indexOf('offline eth1'));
    expect(events.find((e) => e.kind === 'revert')!.message).toMatch(/by itself.*deadline/);
    expect(events.find((e) => e.kind === 'switch' && e.to === 'wlan0')!.message).toBe('Traffic moved from eth1 to wlan0 (failure)');
    // Connection-tracking entries of any protocol, said as such (the drill counts TCP alone).
    expect(events.find((e) => e.wan === 'eth1' && e.message.startsWith('Cleared'))!.message).toBe('Cleared 1 tracked connection through eth1 (any protocol), so they start again on the new uplink (failure)');
    // The first switch after a start, from no uplink: not "from none", and no "from" at all.
    expect(events.find((e) => e.kind === 'switch' && e.from === undefined)).toMatchObject({ to: 'eth1', message: 'Traffic on eth1 (startup)' });
    expect(events.some((e) => e.from === 'none')).toBe(false);
    // The agent's bookkeeping is not an event for the user.
    expect(events.some((e) => /snapshot|daemon start|config loaded/.test(e.message))).toBe(false);
  });

  it("puts the router's times on the laptop's clock with the measured offset, and keeps the router's own", () => {
    const offline = events.find((e) => e.kind === 'offline')!;
    const raw = log.events.find((e) => e.kind === 'status' && e.data?.to === 'offline' && e.data.wan === 'eth1')!;
    expect(offline.routerAtMs).toBe(raw.tMs);
    expect(offline.atMs).toBe(raw.tMs + offsetMs);
  });

  it('gives the same event the same key on every read, and leaves out what is before sinceMs', () => {
    expect(agentRouterEvents(log.events, offsetMs + 700, 0).map((e) => e.key)).toEqual(events.map((e) => e.key));
    expect(new Set(events.map((e) => e.key)).size).toBe(events.length);
    const cut = events[5]!.atMs;
    expect(agentRouterEvents(log.events, offsetMs, cut).every((e) => e.atMs >= cut)).toBe(true);
  });

  it('reads the log even when the state part is half-written, and names what is wrong otherwise', () => {
    const torn = JSON.stringify({ ...JSON.parse(recorded), state: { mode: '' } });
    expect(parseAgentLog(torn).events.length).toBe(log.events.length);
    expect(() => parseAgentLog('sh: switchyard-agent: not found')).toThrow(/did not print JSON/);
  });
});

// The agent's status as Switchyard shows it, from a recorded `switchyard-agent status` (see
// __fixtures__/README.md): a backup the agent lets stand by (probed only when needed) reads as
// standing by with the time it last answered, on this computer's clock; the primary is probed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgentStatus, toRouterStatus } from './agent-status.ts';
import { agentRouterEvents } from './agent-events.ts';

const recorded = readFileSync(new URL('./__fixtures__/agent-status-standby.json', import.meta.url), 'utf8');

describe('agent status: a backup standing by (Cellular saver)', () => {
  it('reads the standing-by backup as standing by, not probed, with its last reply on this clock', () => {
    const status = parseAgentStatus(recorded);
    // The router's clock 5 s ahead of this computer's.
    const status5 = toRouterStatus(status, { offsetMs: 5000, uncertaintyMs: 10, measuredAtMs: 0 });
    const [eth1, wwan0] = status5.wans;
    expect(eth1).toMatchObject({ wan: 'eth1', state: 'online', active: true, probing: true });
    expect(eth1!.standby).toBeUndefined();
    expect(wwan0).toMatchObject({ wan: 'wwan0', state: 'online', active: false, probing: false, standby: true });
    // The newest of its targets' replies (203.0.113.12 at …3856), router clock − 5 s.
    expect(wwan0!.lastReplyAtMs).toBe(1796485613856 - 5000);
    expect(status5.events.find((e) => e.wan === 'wwan0' && /stands by/.test(e.message))).toMatchObject({ message: 'wwan0 stands by: probed only when needed (traffic on eth1, online)' });
  });

  it("says its recent events in the Events tab's words, on this computer's clock, without the agent's bookkeeping", () => {
    const status = parseAgentStatus(recorded);
    const shown = toRouterStatus(status, { offsetMs: 5000, uncertaintyMs: 10, measuredAtMs: 0 }).events;
    const fromLog = agentRouterEvents(status.events, -5000, 0);
    expect(shown.map((e) => [e.atMs, e.kind, e.message])).toEqual(fromLog.map((e) => [e.atMs, e.kind, e.message]));
    expect(shown.some((e) => /config loaded|service installed|route removed|snapshot|from none/.test(e.message))).toBe(false);
    expect(status.events.some((e) => e.kind === 'config-loaded')).toBe(true);
  });

  it('a woken backup is probing and not standing by; an older agent without the fields says nothing', () => {
    const woken = recorded.replace('"probeWhen":"needed","probing":false', '"probeWhen":"needed","probing":true');
    expect(woken).not.toBe(recorded);
    expect(toRouterStatus(parseAgentStatus(woken), { offsetMs: 0, uncertaintyMs: 0, measuredAtMs: 0 }).wans[1]).toMatchObject({ probing: true, standby: false });
    const old = recorded.replaceAll(/"probeWhen":"\w+","probing":\w+,/g, '');
    expect(old).not.toContain('"probing":');
    const wwan0 = toRouterStatus(parseAgentStatus(old), { offsetMs: 0, uncertaintyMs: 0, measuredAtMs: 0 }).wans[1]!;
    expect(wwan0.probing).toBeUndefined();
    expect(wwan0.standby).toBeUndefined();
  });

  it('passes on an uplink with no probe result yet (probed:false, edited into the capture), and says nothing when the agent does not', () => {
    const fresh = recorded.replace('"probeWhen":"needed","probing":false', '"probeWhen":"needed","probing":true,"probed":false');
    expect(fresh).not.toBe(recorded);
    const wans = toRouterStatus(parseAgentStatus(fresh), { offsetMs: 0, uncertaintyMs: 0, measuredAtMs: 0 }).wans;
    expect(wans[1]).toMatchObject({ wan: 'wwan0', state: 'online', probed: false });
    expect(wans[0]!.probed).toBeUndefined();
  });

  it("words the agent's probing events for the history", () => {
    const events = agentRouterEvents(parseAgentStatus(recorded).events, 0, 0);
    expect(events.find((e) => e.message.startsWith('wwan0'))).toMatchObject({ kind: 'other', wan: 'wwan0', message: 'wwan0 stands by: probed only when needed (traffic on eth1, online)' });
    const wake = agentRouterEvents([{ tMs: 1, kind: 'probing', data: { wan: 'wwan0', on: true, reason: 'eth1 is disconnecting' } }], 0, 0);
    expect(wake[0]!.message).toBe('wwan0 is probed again: eth1 is disconnecting');
  });
});

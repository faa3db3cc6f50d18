import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentEventLines, detectionEvent, flowsCut, lostBetween, outageAfter, probeRecords, stat, switchAwayEvent, switchBackEvent, tcpFlows } from './drill-measure.ts';

const fixture = readFileSync(join(import.meta.dirname, '__fixtures__/ping-D-O-outage-start-1796451806640.txt'), 'utf8');
const startMs = 1796451806640;

describe('probe records from iputils ping -D -O (real capture)', () => {
  const records = probeRecords(fixture);

  it('has one record per probe, lost ones dated one interval before their no-answer line', () => {
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    expect(records.find((r) => r.seq === 11)).toEqual({ seq: 11, sentMs: 1796451806597 - 0.273, rttMs: 0.273 });
    expect(records.find((r) => r.seq === 12)).toEqual({ seq: 12, sentMs: 1796451806714, rttMs: null });
  });

  it('finds the outage the failure caused: 8 probes lost, traffic again 0.915 s after it', () => {
    const outage = outageAfter(records, startMs);
    expect(outage).toMatchObject({ firstLostSentMs: 1796451806714, lost: 8 });
    expect(outage!.firstReplyAfterMs! - startMs).toBeCloseTo(915, 0);
  });

  it('finds no outage before the failure, and counts losses in a window', () => {
    expect(outageAfter(records.filter((r) => r.seq <= 11), startMs)).toBeNull();
    expect(lostBetween(records, startMs, startMs + 10_000)).toBe(8);
    expect(lostBetween(records, startMs + 1_000, startMs + 10_000)).toBe(0);
  });

  it('lets a late reply win over its no-answer line', () => {
    const late = probeRecords('[1000.100000] no answer yet for icmp_seq=1\n[1000.150000] 64 bytes from 203.0.113.10: icmp_seq=1 ttl=63 time=140 ms\n');
    expect(late).toEqual([{ seq: 1, sentMs: 1000010, rttMs: 140 }]);
  });
});

// The agent's own lines from a lab drill (2026-12-05 07:01 UTC, the report's log), plus one
// line that is not an event.
const agentLog = [
  '1796454070288 status {"wan":"eth1","from":"disconnecting","to":"offline","reason":"probes"}',
  '1796454071908 switch {"from":["eth1"],"to":["wlan0"],"reason":"failure"}',
  '1796454072338 flows-moved {"wan":"eth1","address":"100.64.1.2","deleted":2,"reason":"failure"}',
  'garbage line',
  '1796454088188 status {"wan":"eth1","from":"connecting","to":"online","reason":"probes"}',
  '1796454089438 switch {"from":["wlan0"],"to":["eth1"],"reason":"recovery"}',
].join('\n');

describe('the agent event log', () => {
  const events = agentEventLines(agentLog);
  it('keeps well-formed lines only, with their text', () => {
    expect(events.map((e) => e.kind)).toEqual(['status', 'switch', 'flows-moved', 'status', 'switch']);
    expect(events[1]!.line).toBe('1796454071908 switch {"from":["eth1"],"to":["wlan0"],"reason":"failure"}');
  });
  it('finds detection, the switch away and the switch back', () => {
    expect(detectionEvent(events, 'eth1', 1796454067000)?.tMs).toBe(1796454070288);
    expect(switchAwayEvent(events, 'eth1', 1796454067000)?.data.to).toEqual(['wlan0']);
    expect(switchBackEvent(events, 'eth1', 1796454080000)?.tMs).toBe(1796454089438);
    expect(detectionEvent(events, 'wlan0', 0)).toBeNull();
    expect(switchAwayEvent(events, 'eth1', 1796454072000)).toBeNull();
  });
});

describe('conntrack flows', () => {
  // Synthetic lines in the format of `conntrack -L -p tcp` (conntrack-tools 1.4), addresses of the lab.
  const before = [
    'tcp      6 431995 ESTABLISHED src=100.96.1.100 dst=203.0.113.10 sport=41234 dport=80 src=203.0.113.10 dst=100.64.1.2 sport=80 dport=41234 [ASSURED] mark=0 use=1',
    'tcp      6 431999 ESTABLISHED src=198.51.100.8 dst=198.51.100.9 sport=50000 dport=22 src=198.51.100.9 dst=198.51.100.8 sport=22 dport=50000 [ASSURED] mark=0 use=1',
    'tcp      6 118 TIME_WAIT src=100.96.1.100 dst=203.0.113.11 sport=41236 dport=80 src=203.0.113.11 dst=100.64.1.2 sport=80 dport=41236 [ASSURED] mark=0 use=1',
  ].join('\n');
  it('counts the established flows through the failed uplink and those gone after', () => {
    const after = tcpFlows(before.split('\n')[1]!);
    expect(flowsCut(tcpFlows(before), after, '100.64.1.2')).toEqual({ before: 1, cut: 1 });
    expect(flowsCut(tcpFlows(before), tcpFlows(before), '100.64.1.2')).toEqual({ before: 1, cut: 0 });
  });
});

describe('stat', () => {
  it('gives median and worst of the known values', () => {
    expect(stat([2.5, null, 2.1, 2.9])).toEqual({ medianSec: 2.5, worstSec: 2.9, count: 3 });
    expect(stat([2, 3])).toEqual({ medianSec: 2.5, worstSec: 3, count: 2 });
    expect(stat([null])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { parseProbeLine } from './ping-line-parser.ts';
import type { ProbeLine } from './ping-line-parser.ts';
import { ProbeTracker, probeTrackerDefaults } from './probe-tracker.ts';
import type { ProbeFlavor, ProbeOutcome, ProbeTrackerOptions } from './probe-tracker.ts';
import { FakeProbeClock } from './fake-probe-clock.test-util.ts';
import { parseFixture } from './fixture-helpers.test-util.ts';

function setup(flavor: ProbeFlavor, extra: Partial<ProbeTrackerOptions> = {}) {
  const clock = new FakeProbeClock();
  const outcomes: ProbeOutcome[] = [];
  const tracker = new ProbeTracker({
    ...probeTrackerDefaults(flavor),
    intervalSec: 1,
    timeoutSec: 1,
    slackMs: 500,
    clock,
    onOutcome: (o) => outcomes.push(o),
    ...extra,
  });
  const t0 = clock.nowMs();
  tracker.start();
  const reply = (seq: number, rttMs = 10): ProbeLine => ({ kind: 'reply', seq, rttMs });
  const lost = () => outcomes.filter((o) => o.kind === 'lost');
  return { clock, outcomes, tracker, t0, reply, lost };
}

const summaryOf = (lines: ProbeLine[]) => {
  const s = lines.find((l) => l.kind === 'summary');
  if (s?.kind !== 'summary') throw new Error('fixture has no summary');
  return s;
};

describe('ProbeTracker, timer-driven loss', () => {
  it('turns on-time replies into reply outcomes and never fires a spurious loss', () => {
    const { clock, outcomes, tracker, t0, reply } = setup('busybox');
    for (let seq = 0; seq < 100; seq++) {
      clock.advanceTo(t0 + seq * 1000 + 10);
      tracker.push(reply(seq));
    }
    clock.advanceTo(t0 + 99 * 1000 + 900);
    expect(outcomes).toHaveLength(100);
    expect(outcomes.every((o) => o.kind === 'reply' && o.rttMs === 10)).toBe(true);
  });

  it('declares probes lost when nothing at all arrives (BusyBox to a dead target prints nothing)', () => {
    const { clock, t0, lost } = setup('busybox');
    clock.advanceTo(t0 + 10_000);
    // Probe k leaves at k s and is due back by k s + timeout 1 s + slack 0.5 s.
    expect(lost().map((o) => o.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lost().every((o) => o.kind === 'lost' && o.reason === 'timeout')).toBe(true);
    expect(lost()[0].atMs).toBe(t0 + 1500);
  });

  it('re-anchors its schedule on each reply, so a slow SSH path does not fake loss', () => {
    const { clock, tracker, t0, reply, lost } = setup('iputils', { slackMs: 300 });
    // Every line reaches us 250 ms after the router printed it.
    for (let seq = 1; seq <= 20; seq++) {
      clock.advanceTo(t0 + (seq - 1) * 1000 + 5 + 250);
      tracker.push(reply(seq, 5));
    }
    expect(lost()).toEqual([]);
  });

  it('follows the tool when it started later than the tracker: one late reply, then replies (issue 11)', () => {
    // Measured in the lab: stream() resolves ~1.8 s before ping prints anything; every probe was
    // declared lost just before its reply came (lost, late, lost, late … forever, 100 % loss).
    const { clock, outcomes, tracker, t0, reply } = setup('iputils');
    const toolStartMs = t0 + 1800;
    for (let seq = 1; seq <= 8; seq++) {
      clock.advanceTo(toolStartMs + (seq - 1) * 1000 + 1);
      tracker.push(reply(seq, 0.3));
    }
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'reply').length).toBeGreaterThanOrEqual(6);
    expect(kinds.slice(2).every((k) => k === 'reply')).toBe(true);
  });

  it('counts a late reply once: lost stays lost, the reply is reported as late', () => {
    const { clock, outcomes, tracker, t0, reply } = setup('busybox');
    clock.advanceTo(t0 + 1600); // seq 0 declared lost at 1500
    tracker.push(reply(0, 1550));
    clock.advanceTo(t0 + 1700);
    tracker.push(reply(1, 700));
    expect(outcomes.map((o) => [o.kind, o.seq])).toEqual([
      ['lost', 0],
      ['late', 0],
      ['reply', 1],
    ]);
  });

  it('reports duplicates without counting them', () => {
    const { clock, outcomes, tracker, t0, reply } = setup('busybox');
    clock.advanceTo(t0 + 10);
    tracker.push(reply(0));
    tracker.push(reply(0));
    expect(outcomes.map((o) => o.kind)).toEqual(['reply', 'duplicate']);
  });

  it('treats a sequence gap as loss at once', () => {
    const { clock, outcomes, tracker, t0, reply } = setup('busybox', { timeoutSec: 5 });
    for (const seq of [0, 1, 4]) {
      clock.advanceTo(t0 + seq * 1000 + 10);
      tracker.push(reply(seq));
    }
    expect(outcomes.map((o) => `${o.kind}:${o.seq}${o.kind === 'lost' ? `:${o.reason}` : ''}`)).toEqual([
      'reply:0',
      'reply:1',
      'lost:2:gap',
      'lost:3:gap',
      'reply:4',
    ]);
  });

  it('follows ping’s 16-bit sequence across the wrap', () => {
    const { clock, outcomes, tracker, t0, reply } = setup('busybox', { firstSeq: 65534 });
    [65534, 65535, 0, 1].forEach((seq, k) => {
      clock.advanceTo(t0 + k * 1000 + 10);
      tracker.push(reply(seq));
    });
    expect(outcomes.map((o) => [o.kind, o.seq])).toEqual([
      ['reply', 65534],
      ['reply', 65535],
      ['reply', 65536],
      ['reply', 65537],
    ]);
  });

  it('resynchronises after a jump too large to be loss (the tool restarted)', () => {
    const { clock, outcomes, tracker, t0, reply } = setup('httping');
    clock.advanceTo(t0 + 10);
    tracker.push(reply(5000));
    expect(outcomes.map((o) => o.kind)).toEqual(['reply']);
  });

  it('after a stall declares a bounded number of losses and leaves the rest as a gap', () => {
    const { clock, lost } = setup('busybox', { maxCatchUp: 10 });
    clock.jump(3_600_000); // no timer ran meanwhile, like a suspended laptop
    expect(lost()).toHaveLength(10);
    clock.advance(1000);
    expect(lost().length).toBeLessThanOrEqual(12);
  });

  it('waits for the timeout after an -O "no answer yet" (it only means not yet), and labels the loss', () => {
    const { clock, outcomes, tracker, t0 } = setup('iputils', { intervalSec: 1, timeoutSec: 2, slackMs: 500 });
    clock.advanceTo(t0 + 1000);
    tracker.push({ kind: 'no-answer', seq: 1 });
    expect(outcomes).toEqual([]);
    clock.advanceTo(t0 + 2600);
    expect(outcomes).toEqual([{ kind: 'lost', seq: 1, atMs: t0 + 2500, reason: 'no-answer' }]);
  });

  it('attaches a recent stream error (Network is unreachable) to the losses it explains', () => {
    const { clock, tracker, t0, reply, lost } = setup('busybox');
    clock.advanceTo(t0 + 10);
    tracker.push(reply(0));
    clock.advanceTo(t0 + 1000);
    tracker.push(parseProbeLine('ping: sendto: Network is unreachable'));
    clock.advanceTo(t0 + 3000);
    expect(lost()[0]).toMatchObject({ seq: 1, reason: 'timeout', text: 'ping: sendto: Network is unreachable' });
  });

  it('stops cleanly: no timer left behind, no outcome after stop', () => {
    const { clock, outcomes, tracker } = setup('busybox');
    tracker.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10_000);
    tracker.push({ kind: 'reply', seq: 0, rttMs: 1 });
    expect(outcomes).toEqual([]);
  });
});

describe('ProbeTracker replaying recorded output', () => {
  it('iputils -O -D with 30 % loss: timing from ping’s own -D stamps, every probe counted once', () => {
    const lines = parseFixture('iputils-ping-O-D-loss30');
    const firstAt = lines.find((l) => 'routerAtMs' in l && l.routerAtMs !== undefined);
    const base = firstAt !== undefined && 'routerAtMs' in firstAt ? (firstAt.routerAtMs as number) : 0;
    const { clock, outcomes, tracker, t0 } = setup('iputils', { intervalSec: 0.2, timeoutSec: 1, slackMs: 100 });
    for (const line of lines) {
      if (line.kind === 'statistics-start') break;
      // First stamped line arrives 200 ms after start (it is the answer to probe 1 or its -O).
      if ('routerAtMs' in line && line.routerAtMs !== undefined) clock.advanceTo(t0 + 200 + line.routerAtMs - base);
      tracker.push(line);
    }
    const s = summaryOf(lines);
    // Past the last probe’s deadline (it left ≤ 200 ms after the last line: +200 +1000 +100)
    // but before the deadline of a probe ping never sent (+400 +1000 +100).
    clock.advance(1400);
    tracker.stop();
    const counted = outcomes.filter((o) => o.kind === 'reply' || o.kind === 'lost');
    expect(outcomes.filter((o) => o.kind === 'reply')).toHaveLength(s.received);
    expect(counted.map((o) => o.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: s.transmitted }, (_, k) => k + 1));
  });

  it('BusyBox with 30 % loss (no -O): gaps and the timer find every lost probe', () => {
    const lines = parseFixture('busybox-ping-loss30');
    const { clock, outcomes, tracker, t0 } = setup('busybox', { intervalSec: 0.2, timeoutSec: 1, slackMs: 100 });
    for (const line of lines) {
      if (line.kind === 'statistics-start') break;
      if (line.kind === 'reply') clock.advanceTo(t0 + line.seq * 200 + line.rttMs);
      tracker.push(line);
    }
    const s = summaryOf(lines);
    clock.advanceTo(t0 + (s.transmitted - 1) * 200 + 1100);
    tracker.stop();
    expect(outcomes.filter((o) => o.kind === 'reply')).toHaveLength(s.received);
    expect(outcomes.filter((o) => o.kind === 'lost')).toHaveLength(s.transmitted - s.received);
    expect(new Set(outcomes.map((o) => o.seq)).size).toBe(s.transmitted);
  });

  it('iputils ICMP errors: one loss per probe although ping prints an error and a no-answer line', () => {
    const lines = parseFixture('iputils-ping-O-icmp-host-unreachable');
    const { clock, outcomes, tracker } = setup('iputils', { intervalSec: 0.5 });
    for (const line of lines) {
      clock.advance(250);
      tracker.push(line);
    }
    expect(outcomes.map((o) => `${o.kind}:${o.seq}:${o.kind === 'lost' ? o.reason : ''}`)).toEqual(['lost:1:error', 'lost:2:error', 'lost:3:error', 'lost:4:error']);
    expect(outcomes[0]).toMatchObject({ text: 'Destination Host Unreachable' });
  });

  it('httping with 30 % loss: a failure line has no seq but is one attempt', () => {
    const lines = parseFixture('httping-loss30');
    const { clock, outcomes, tracker } = setup('httping', { intervalSec: 0.5, timeoutSec: 1 });
    for (const line of lines) {
      // httping: a failed attempt takes timeout + interval, a good one rtt + interval.
      clock.advance(line.kind === 'error' ? 1000 : line.kind === 'reply' ? 1 : 0);
      tracker.push(line);
      if (line.kind === 'error' || line.kind === 'reply') clock.advance(500);
    }
    const s = summaryOf(lines);
    tracker.stop();
    expect(outcomes.filter((o) => o.kind === 'reply')).toHaveLength(s.received);
    expect(outcomes.filter((o) => o.kind === 'lost')).toHaveLength(s.transmitted - s.received);
    expect(outcomes.map((o) => o.seq)).toEqual(Array.from({ length: s.transmitted }, (_, k) => k));
  });

  it('httping: a failure line after the timer already counted that attempt is not counted again', () => {
    const { clock, outcomes, tracker, t0 } = setup('httping', { intervalSec: 1, timeoutSec: 1, slackMs: 0 });
    clock.advanceTo(t0 + 1000); // timer: attempt 0 lost
    clock.advanceTo(t0 + 1050);
    tracker.push(parseProbeLine('connect time out'));
    clock.advanceTo(t0 + 2100);
    tracker.push(parseProbeLine('connected to 192.0.2.20:80 (211 bytes), seq=1 time=  0.75 ms '));
    expect(outcomes.map((o) => `${o.kind}:${o.seq}`)).toEqual(['lost:0', 'reply:1']);
  });

  it('httping -s: a 404 answer is a failed check, with the status as text', () => {
    const lines = parseFixture('httping-status-codes-404');
    const { clock, outcomes, tracker } = setup('httping');
    for (const line of lines) {
      clock.advance(line.kind === 'reply' ? line.rttMs : 0);
      tracker.push(line);
      if (line.kind === 'reply') clock.advance(1000);
    }
    expect(outcomes.map((o) => (o.kind === 'lost' ? `${o.reason}:${o.text}` : o.kind))).toEqual([
      'http-status:404 Not Found',
      'http-status:404 Not Found',
      'http-status:404 Not Found',
    ]);
  });
});

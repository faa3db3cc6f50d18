import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProbeLine, stripAnsi } from './ping-line-parser.ts';
import type { ProbeLine } from './ping-line-parser.ts';
import { fixtureLines, parseFixture } from './fixture-helpers.test-util.ts';

const ofKind = <K extends ProbeLine['kind']>(lines: ProbeLine[], kind: K) =>
  lines.filter((l): l is Extract<ProbeLine, { kind: K }> => l.kind === kind);

describe('parseProbeLine on recorded iputils ping', () => {
  it('reads replies, header and both summary lines', () => {
    const lines = parseFixture('iputils-ping-replies');
    expect(lines[0]).toEqual({ kind: 'header', target: '192.0.2.20' });
    const replies = ofKind(lines, 'reply');
    expect(replies.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(replies.every((r) => r.ttl === 64 && r.rttMs > 0 && r.rttMs < 50)).toBe(true);
    expect(ofKind(lines, 'summary')).toEqual([{ kind: 'summary', transmitted: 5, received: 5, lossPct: 0 }]);
    const rtt = ofKind(lines, 'rtt-summary')[0];
    expect(rtt.mdevMs).toBeTypeOf('number');
    expect(rtt.minMs).toBe(Math.min(...replies.map((r) => r.rttMs)));
  });

  it('reads -O no-answer lines and -D timestamps; counts agree with ping’s own summary', () => {
    for (const name of ['iputils-ping-O-loss30', 'iputils-ping-O-D-loss30']) {
      const lines = parseFixture(name);
      const summary = ofKind(lines, 'summary')[0];
      expect(ofKind(lines, 'reply')).toHaveLength(summary.received);
      // ping prints no "no answer yet" for a lost last probe (it stops sending).
      const noAnswers = ofKind(lines, 'no-answer').length;
      expect(noAnswers).toBeGreaterThanOrEqual(summary.transmitted - summary.received - 1);
      expect(noAnswers).toBeLessThanOrEqual(summary.transmitted - summary.received);
      expect(lines.filter((l) => l.kind === 'unknown')).toEqual([]);
    }
    const withTs = parseFixture('iputils-ping-O-D-replies').find((l) => l.kind === 'reply');
    expect(withTs).toMatchObject({ kind: 'reply', seq: 1 });
    expect(withTs?.kind === 'reply' && withTs.routerAtMs).toBeGreaterThan(1.7e12);
  });

  it('reads ICMP errors with their seq and the sender', () => {
    const lines = parseFixture('iputils-ping-host-unreachable-unbound');
    const errors = ofKind(lines, 'error');
    expect(errors.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(errors[0]).toEqual({ kind: 'error', seq: 1, from: '192.0.2.10', text: 'Destination Host Unreachable' });
    expect(ofKind(lines, 'summary')[0]).toEqual({ kind: 'summary', transmitted: 6, received: 0, errors: 6, lossPct: 100 });
    const fromTarget = ofKind(parseFixture('iputils-ping-O-icmp-host-unreachable'), 'error');
    expect(fromTarget[0]).toMatchObject({ seq: 1, from: '192.0.2.20', text: 'Destination Host Unreachable' });
  });

  it('reads stream errors from stderr', () => {
    expect(parseFixture('iputils-ping-no-route-unbound').at(-1)).toEqual({ kind: 'error', text: 'ping: connect: Network is unreachable' });
    expect(parseFixture('iputils-ping-no-such-device')).toEqual([{ kind: 'error', text: 'ping: SO_BINDTODEVICE eth9: No such device' }]);
  });
});

describe('parseProbeLine on recorded BusyBox ping', () => {
  it('reads seq= replies (BusyBox 1.35 here, OpenWrt 19.07’s BusyBox 1.30 from the router capture)', () => {
    for (const name of ['busybox-ping-replies', 'openwrt-19.07-a_both_online__ping-c-5-I-eth1-192.0.2.1']) {
      const lines = parseFixture(name);
      expect(ofKind(lines, 'reply').map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(ofKind(lines, 'summary')[0]).toEqual({ kind: 'summary', transmitted: 5, received: 5, lossPct: 0 });
      expect(ofKind(lines, 'rtt-summary')[0].mdevMs).toBeUndefined();
      expect(lines.filter((l) => l.kind === 'unknown')).toEqual([]);
    }
  });

  it('shows loss only as sequence gaps', () => {
    const lines = parseFixture('busybox-ping-loss30');
    const seqs = ofKind(lines, 'reply').map((r) => r.seq);
    const summary = ofKind(lines, 'summary')[0];
    expect(seqs).toHaveLength(summary.received);
    expect(summary.received).toBeLessThan(summary.transmitted);
    expect(ofKind(lines, 'no-answer')).toEqual([]);
  });

  it('reads a dead target (no reply lines at all) and a link going down', () => {
    const dead = parseFixture('openwrt-19.07-b_wan_offline__ping-c-5-W-1-I-eth1-192.0.2.1');
    expect(dead.map((l) => l.kind)).toEqual(['header', 'blank', 'statistics-start', 'summary']);
    expect(ofKind(dead, 'summary')[0].lossPct).toBe(100);
    // BusyBox ping exits at the first send error: the channel ends and must be restarted.
    expect(parseFixture('busybox-ping-link-down-midstream').at(-1)).toEqual({ kind: 'error', text: 'ping: sendto: Network is unreachable' });
  });
});

describe('parseProbeLine on recorded httping', () => {
  it('reads padded times, with and without -s status codes', () => {
    const plain = ofKind(parseFixture('httping-replies'), 'reply');
    expect(plain.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(plain[0].httpStatus).toBeUndefined();
    const ok = ofKind(parseFixture('httping-status-codes-200'), 'reply');
    expect(ok[0]).toMatchObject({ seq: 0, httpStatus: 200, httpReason: 'OK' });
    const notFound = ofKind(parseFixture('httping-status-codes-404'), 'reply');
    expect(notFound.map((r) => r.httpStatus)).toEqual([404, 404, 404]);
    expect(notFound[0].httpReason).toBe('Not Found');
  });

  it('strips -Y colours', () => {
    const lines = parseFixture('httping-replies-colors');
    expect(lines[0]).toEqual({ kind: 'header', target: '192.0.2.20:80' });
    expect(ofKind(lines, 'reply').map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(ofKind(lines, 'summary')[0]).toEqual({ kind: 'summary', transmitted: 3, received: 3, lossPct: 0 });
    expect(stripAnsi('\x1b[32;40m  0.52\x1b[37;40m')).toBe('  0.52');
  });

  it('reads failures (no seq) and counts that agree with httping’s summary', () => {
    const lines = parseFixture('httping-loss30');
    const summary = ofKind(lines, 'summary')[0];
    expect(ofKind(lines, 'reply')).toHaveLength(summary.received);
    expect(ofKind(lines, 'error')).toHaveLength(summary.transmitted - summary.received);
    expect(ofKind(lines, 'error')[0]).toEqual({ kind: 'error', text: 'connect time out' });
    expect(ofKind(parseFixture('httping-connection-refused'), 'error')[0].text).toBe('could not connect (Connection refused)');
  });
});

describe('every recorded probe fixture', () => {
  it('has no line the parser calls unknown, except iputils’ "pipe N" and its capability advice', () => {
    const dir = new URL('./__fixtures__/', import.meta.url);
    const names = readdirSync(dir)
      .filter((f) => /ping/.test(f) && !f.startsWith('shell-') && f.endsWith('.txt') && !f.endsWith('.stderr.txt'))
      .map((f) => f.replace(/\.txt$/, ''));
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const unknown = parseFixture(name).filter((l) => l.kind === 'unknown');
      for (const u of unknown) expect({ name, u }).toMatchObject({ u: { text: expect.stringMatching(/^pipe \d+$|socktype: SOCK_RAW|=> missing cap_net_raw/) } });
    }
  });

  it('never throws on garbage', () => {
    for (const junk of ['', '\r', 'x'.repeat(10_000), '64 bytes from', 'seq=abc time=', '\u0000\u001b[', '[123.4]']) {
      expect(() => parseProbeLine(junk)).not.toThrow();
    }
    expect(parseProbeLine('[1795249134.405607] ')).toEqual({ kind: 'blank' });
    expect(fixtureLines('shell-dash-httping-missing').stdout).toEqual([]);
  });
});

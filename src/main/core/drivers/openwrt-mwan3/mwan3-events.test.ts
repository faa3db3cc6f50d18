// mwan3's own log as RouterEvents, on the real 19.07.7 + mwan3 2.8.16 log around a failover
// (s5-logread.txt) and the 2.12 lab's log (connected/disconnected wording).
import { describe, expect, it } from 'vitest';
import { parseMwan3Events, readMwan3EventsCommand } from './mwan3-events.ts';
import { createOpenwrtMwan3Driver } from './openwrt-mwan3-driver.ts';
import { createReplayShell } from './replay-shell.ts';
import { lab, readFixture } from './test-fixtures.ts';

const log = readFixture('openwrt-19.07.7-mwan3-2.8.16-real', 's5-logread.txt');
// Synthetic: the router's clock as `date +%s` and `date '+%Y-%m-%d %H:%M:%S'` print it, a
// minute after the last line (2026-12-05 05:00:35 UTC), the router's zone UTC.
const clock = (local: string): string => `1796446835\n${local}\n`;
const nowMs = 1_796_446_835_000;

describe('parseMwan3Events', () => {
  it('reads the tracker’s verdicts and the link events from the real 2.8.16 log, skipping probe chatter', () => {
    const events = parseMwan3Events(clock('2026-12-05 05:00:35') + log, nowMs, 0);
    expect(events.map((e) => [new Date(e.atMs).toISOString(), e.kind, e.wan])).toEqual([
      ['2026-12-05T04:58:03.000Z', 'other', 'wan'],
      ['2026-12-05T04:58:18.000Z', 'offline', 'wan'],
      ['2026-12-05T04:58:22.000Z', 'online', 'wan'],
      ['2026-12-05T04:58:26.000Z', 'other', 'wan'],
      ['2026-12-05T04:59:11.000Z', 'other', 'wan'],
      ['2026-12-05T04:59:20.000Z', 'offline', 'wan'],
      ['2026-12-05T04:59:30.000Z', 'online', 'wan'],
      ['2026-12-05T04:59:33.000Z', 'other', 'wan'],
    ]);
    expect(events[1]!.message).toBe('mwan3 took wan (eth1) offline: its tracking targets stopped answering.');
    // Reading the same log again gives the same keys, so a backfill stores each event once.
    expect(parseMwan3Events(clock('2026-12-05 05:00:35') + log, nowMs + 5000, 0).map((e) => e.key)).toEqual(events.map((e) => e.key));
  });

  it('puts log times in the right instant when the router keeps local time in another zone', () => {
    // Synthetic: the same log from a router at UTC+1: its local clock reads 06:00:35.
    const shifted = log.replaceAll(/ 04:(\d\d):(\d\d) /g, ' 05:$1:$2 ');
    const events = parseMwan3Events(clock('2026-12-05 06:00:35') + shifted, nowMs, 0);
    expect(new Date(events[1]!.atMs).toISOString()).toBe('2026-12-05T04:58:18.000Z');
  });

  it('moves router time onto the laptop clock and drops events before sinceMs', () => {
    const late = parseMwan3Events(clock('2026-12-05 05:00:35') + log, nowMs + 60_000, Date.UTC(2026, 11, 5, 4, 59, 30));
    // 04:59:30 on the laptop is 04:58:30 on the router: from the second failover on.
    expect(late.map((e) => e.kind)).toEqual(['other', 'offline', 'online', 'other']);
    expect(late[0]!.atMs - late[0]!.routerAtMs).toBe(60_000);
  });

  it('reads 2.12’s hotplug wording (lab capture)', () => {
    const labLog = readFixture(lab, 'b_wan_offline__logread-tail-50.txt');
    const events = parseMwan3Events(clock('2026-11-21 08:30:00') + labLog, nowMs, 0);
    expect(events.some((e) => e.kind === 'offline' && e.wan === 'wan')).toBe(true);
  });

  it('reads Switchyard’s own connection-clearing hook: the failed uplink’s connections, and Forced Refresh Streams', () => {
    // Synthetic lines in logread's format around the hook's own words (the lab test
    // test/integration/mwan3-conntrack-hook.test.ts checks the hook prints exactly these).
    const hookLog = [
      'Sat Dec  5 04:58:18 2026 user.notice mwan3-switchyard: wan disconnected: cleared 3 connections of wan (100.64.1.2, fd00:64::2, mark 0x100/0x3f00, mark 0x300/0x3f00)',
      'Sat Dec  5 04:58:40 2026 user.notice mwan3-switchyard: wan connected: cleared 1 connections of wanb (100.65.1.2) (Forced Refresh Streams)',
      'Sat Dec  5 04:59:20 2026 user.notice mwan3-switchyard: wan ifdown: cleared every connection (no conntrack tool: opkg update && opkg install conntrack)',
      'Sat Dec  5 04:59:21 2026 user.notice mwan3-switchyard: wanb ifdown: no address or mwan3 mark known for wanb, connections left as they are',
    ].join('\n');
    const events = parseMwan3Events(clock('2026-12-05 05:00:35') + hookLog, nowMs, 0);
    expect(events.map((e) => [e.kind, e.wan, e.from, e.to])).toEqual([
      ['other', 'wan', undefined, undefined],
      ['switch', 'wan', 'wanb', 'wan'],
      ['other', 'wan', undefined, undefined],
      ['other', 'wanb', undefined, undefined],
    ]);
    expect(events[0]!.message).toBe('wan failed (mwan3 took it offline): Switchyard cleared its 3 connections (100.64.1.2, fd00:64::2, mark 0x100/0x3f00, mark 0x300/0x3f00) so they reconnect through the uplink in use.');
    expect(events[1]!.message).toBe('wan is back: 1 connection on wanb (100.65.1.2) was cleared so they reconnect through wan (Forced Refresh Streams).');
    expect(events[2]!.message).toMatch(/every connection on the router was cleared, not only wan's: the router has no conntrack tool \(opkg install conntrack\)/);
    expect(events[3]!.message).toMatch(/neither its address nor mwan3's mark for it was known, so Switchyard could not clear its connections/);
  });

  it('says what is wrong when the clock lines are missing', () => {
    expect(() => parseMwan3Events(log, nowMs, 0)).toThrow(/expected the router's clock/);
  });

  it('is read by the driver with one command', async () => {
    const shell = createReplayShell({ [readMwan3EventsCommand().text]: { stdout: clock('2026-12-05 05:00:35') + log, exitCode: 0 } });
    const driver = createOpenwrtMwan3Driver(shell, { facts: { mwan3Installed: true, supportsUse: false, hasHttping: false, hasArping: false }, nowMs: () => nowMs });
    expect(await driver.readRouterEvents!(0)).toHaveLength(8);
  });
});

// The event lines are written by Switchyard's own hook (kmwan-apply.ts), so their format is ours;
// what the kernel puts in the uevent (INTERFACE, STATUS) is read from GL's kmwan module source.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { frsHookText, kmwanEventsPath, pushSensitivityCommand, readEventsCommand } from './kmwan-apply.ts';
import { parseKmwanEvents } from './kmwan-events.ts';

describe('kmwan events from the hotplug hook', () => {
  const router = 1_764_900_000; // the router's clock, s
  const laptopMs = router * 1000 + 2_500; // the laptop is 2.5 s ahead
  const log = `${router}\n${router - 60} wan offline\n${router - 60} secondwan frs wan 100.64.1.2\n${router - 30} wan online\n${router - 30} wan frs secondwan 100.65.1.2\n${router - 30} wan online\n12 wan onl\n`;

  it('puts each verdict on the laptop clock, newest last, with keys stable across reads', () => {
    const events = parseKmwanEvents(log, laptopMs, 0);
    expect(events.map((e) => [e.kind, e.wan, e.atMs - e.routerAtMs])).toEqual([
      ['offline', 'wan', 2_500], ['switch', 'secondwan', 2_500], ['online', 'wan', 2_500], ['switch', 'wan', 2_500], ['online', 'wan', 2_500],
    ]);
    expect(events[3]).toMatchObject({ from: 'secondwan', to: 'wan', message: 'wan is back: the connections on secondwan (100.65.1.2) were moved (Forced Refresh Streams).' });
    expect(new Set(events.map((e) => e.key)).size).toBe(5);
    expect(parseKmwanEvents(log, laptopMs + 10_000, 0).map((e) => e.key)).toEqual(events.map((e) => e.key));
  });

  it('keeps only events since the given time; no file yet is no events', () => {
    expect(parseKmwanEvents(log, laptopMs, laptopMs - 40_000).map((e) => e.kind)).toEqual(['online', 'switch', 'online']);
    expect(parseKmwanEvents(`${router}\n`, laptopMs, 0)).toEqual([]);
    expect(() => parseKmwanEvents('cat: nope\n', laptopMs, 0)).toThrow(/expected the router's clock/);
  });

  it('the hook and the read command are valid POSIX sh (checked by the system shell and BusyBox)', () => {
    for (const shell of [['sh', '-n'], ['busybox', 'sh', '-n']]) {
      execFileSync(shell[0]!, [...shell.slice(1), '-c', frsHookText]);
      execFileSync(shell[0]!, [...shell.slice(1), '-c', readEventsCommand().text]);
      // The sensitivity push the commit, the revert job and Remove run on the router.
      execFileSync(shell[0]!, [...shell.slice(1), '-c', pushSensitivityCommand().text]);
    }
    expect(frsHookText).toContain(`ev=${kmwanEventsPath}`);
    // Moves only IPv4 flows, only for an IPv4 member's return, and only from lower-priority uplinks.
    expect(frsHookText).toContain('[ "$(uci -q get "kmwan.$me.addr_type")" != 6 ] || exit 0');
    expect(frsHookText).toContain('[ "$metric" -gt "$up" ] || continue');
  });
});

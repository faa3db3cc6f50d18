// kmwan's verdicts as Switchyard's hook in kmwan's hotplug class recorded them (kmwan-apply.ts):
// the kernel raises a uevent (SUBSYSTEM=kmwan, INTERFACE, STATUS) on every online/offline change.
// kmwan itself keeps no log, so there are events only from the first commit that put the hook in.
import type { RouterEvent } from '../driver.ts';
import { RouterOutputError } from '../openwrt-mwan3/errors.ts';

const source = 'the kmwan event log (/tmp/switchyard-kmwan-events)';

/**
 * `date +%s` then the event lines. `nowMs` is the laptop's clock when the output arrived; the
 * difference to the router's clock moves each event onto the laptop's time line.
 */
export function parseKmwanEvents(stdout: string, nowMs: number, sinceMs: number): RouterEvent[] {
  const [clock, ...lines] = stdout.split('\n');
  if (!/^\d+$/.test((clock ?? '').trim())) throw new RouterOutputError(source, `expected the router's clock (date +%s) first, got ${JSON.stringify(clock ?? '')}`);
  const offsetMs = nowMs - Number(clock!.trim()) * 1000;
  const seen = new Map<string, number>();
  const out: RouterEvent[] = [];
  for (const line of lines) {
    const m = /^(\d+) ([A-Za-z0-9_.@-]+) (online|offline|frs)(?: ([A-Za-z0-9_.@-]+))?(?: (\S+))?$/.exec(line.trim());
    // A line cut short by a power loss or a concurrent trim is skipped, not a reason to lose the rest.
    if (!m) continue;
    const [, at, wan, what, backup, addr] = m;
    const routerAtMs = Number(at) * 1000;
    const atMs = routerAtMs + offsetMs;
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    if (atMs < sinceMs) continue;
    const key = `kmwan:${line.trim()}#${n}`;
    if (what === 'frs') {
      const moved = backup === 'all' ? 'every connection was restarted' : `the connections on ${backup}${addr ? ` (${addr})` : ''} were moved`;
      out.push({ key, atMs, routerAtMs, kind: 'switch', wan: wan!, ...(backup && backup !== 'all' ? { from: backup } : {}), to: wan!, message: `${wan} is back: ${moved} (Forced Refresh Streams).` });
      continue;
    }
    out.push({ key, atMs, routerAtMs, kind: what as 'online' | 'offline', wan: wan!, message: what === 'offline' ? `kmwan took ${wan} offline: its probes went unanswered.` : `kmwan put ${wan} back online.` });
  }
  return out.sort((a, b) => a.routerAtMs - b.routerAtMs);
}

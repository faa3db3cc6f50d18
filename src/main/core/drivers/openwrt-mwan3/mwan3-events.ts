// mwan3's own account of what it did, from the router's log (logread): the tracker's verdicts
// ("Interface wan (eth1) is offline/online") and the hotplug's actions, as RouterEvents. The
// log keeps the router's local time without a zone, so the read also takes the router's clock
// both as epoch seconds and as local time: their difference is the zone offset.
import { sh, type ShellCommand } from '../../transport/ssh/shell-quote.ts';
import type { RouterEvent } from '../driver.ts';
import { RouterOutputError } from './errors.ts';
import { conntrackHookLogTag } from './mwan3-conntrack-hook.ts';

const source = 'the router log (logread -e mwan3)';

/** Epoch seconds, the same moment in local time, then mwan3's log lines (logread may find none). */
export function readMwan3EventsCommand(): ShellCommand {
  return sh.script`date +%s; date '+%Y-%m-%d %H:%M:%S'; logread -e mwan3; true`;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Sat Dec  5 04:58:18 2026 user.notice mwan3track[100961]: message" (ubox logread). */
const logLine = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) [\w.]+ (mwan3[\w-]*)(?:\[\d+\])?: (.*)$/;

type Meaning = Pick<RouterEvent, 'kind' | 'message' | 'from' | 'to'> & { readonly wan: string };

/** What a line means for the user, or null for the tracker's chatter (each probe, each score). */
function meaning(tag: string, text: string): Meaning | null {
  let m = /^Interface (\S+) \(([^)]*)\) is (offline|online)$/.exec(text);
  if (m) return { wan: m[1]!, kind: m[3] as 'offline' | 'online', message: m[3] === 'offline' ? `mwan3 took ${m[1]} (${m[2]}) offline: its tracking targets stopped answering.` : `mwan3 put ${m[1]} (${m[2]}) back online.` };
  m = /^Execute (ifdown|ifup) event on interface (\S+)/.exec(text);
  if (m && tag !== 'mwan3track') return { wan: m[2]!, kind: 'other', message: `The link of ${m[2]} went ${m[1] === 'ifdown' ? 'down' : 'up'} (netifd ${m[1]}); mwan3 updated its routing.` };
  if (tag === conntrackHookLogTag) return hookMeaning(text);
  m = /^Connection tracking flushed for interface '?(\S+?)'? on action '?(\w+)'?$/.exec(text) ?? /^connection tracking flushed on interface (\S+) \([^)]*\) (\w+)$/.exec(text);
  if (m) return { wan: m[1]!, kind: 'other', message: `mwan3 cleared the router's connections when ${m[1]} ${m[2] === 'connected' ? 'came back' : m[2] === 'disconnected' ? 'went offline' : `had an ${m[2]} event`}, so they reconnect on the uplink in use.` };
  return null;
}

/** Switchyard's own hook (mwan3-conntrack-hook.ts): which connections it cleared, and why. */
function hookMeaning(text: string): Meaning | null {
  const m = /^(\S+) (ifup|ifdown|connected|disconnected): cleared (\d+|every) connections?(?: of (\S+) \(([^)]*)\))?/.exec(text);
  if (!m) {
    const none = /^(\S+) (ifdown|disconnected): no address (?:or mwan3 mark )?known/.exec(text);
    return none ? { wan: none[1]!, kind: 'other', message: `${none[1]} went offline but neither its address nor mwan3's mark for it was known, so Switchyard could not clear its connections; they recover only when the applications retry.` } : null;
  }
  const [, wan, action, count, of, addr] = m;
  const n = count === 'every' ? 'every connection' : `${count} connection${count === '1' ? '' : 's'}`;
  if (action === 'connected' || action === 'ifup') {
    const moved = of ? `${n} on ${of} (${addr}) ${count === '1' ? 'was' : 'were'} cleared` : `${n} on the router was cleared (no conntrack tool: install it with opkg install conntrack)`;
    return { wan: wan!, kind: 'switch', ...(of ? { from: of } : {}), to: wan!, message: `${wan} is back: ${moved} so they reconnect through ${wan} (Forced Refresh Streams).` };
  }
  const went = action === 'ifdown' ? 'its link went down' : 'mwan3 took it offline';
  if (!of) return { wan: wan!, kind: 'other', message: `${wan} failed (${went}): every connection on the router was cleared, not only ${wan}'s: the router has no conntrack tool (opkg install conntrack).` };
  return { wan: wan!, kind: 'other', message: `${wan} failed (${went}): Switchyard cleared its ${n} (${addr}) so they reconnect through the uplink in use.` };
}

export function parseMwan3Events(stdout: string, nowMs: number, sinceMs: number): RouterEvent[] {
  const [epoch, local, ...lines] = stdout.split('\n');
  const lm = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec((local ?? '').trim());
  if (!/^\d+$/.test((epoch ?? '').trim()) || !lm) throw new RouterOutputError(source, `expected the router's clock (date +%s, then local time) first, got ${JSON.stringify(`${epoch ?? ''}\n${local ?? ''}`)}`);
  const routerEpochMs = Number(epoch!.trim()) * 1000;
  // Local wall time read as if it were UTC, minus the real instant: the zone's offset.
  const zoneMs = Date.UTC(Number(lm[1]), Number(lm[2]) - 1, Number(lm[3]), Number(lm[4]), Number(lm[5]), Number(lm[6])) - routerEpochMs;
  const laptopOffsetMs = nowMs - routerEpochMs;
  const seen = new Map<string, number>();
  const out: RouterEvent[] = [];
  for (const raw of lines) {
    const line = raw.trimEnd();
    const m = logLine.exec(line);
    if (!m) continue;
    const [, mon, day, hh, mm, ss, year, tag, text] = m;
    const meant = meaning(tag!, text!);
    if (!meant) continue;
    const month = months.indexOf(mon!);
    if (month === -1) continue;
    const routerAtMs = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - zoneMs;
    const atMs = routerAtMs + laptopOffsetMs;
    // The same line twice in one second is two events; the count keeps their keys apart and stable.
    const n = (seen.get(line) ?? 0) + 1;
    seen.set(line, n);
    if (atMs < sinceMs) continue;
    out.push({ key: `mwan3:${line}#${n}`, atMs, routerAtMs, ...meant });
  }
  return out.sort((a, b) => a.routerAtMs - b.routerAtMs);
}

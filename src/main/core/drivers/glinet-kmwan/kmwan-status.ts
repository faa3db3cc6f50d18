// Reads GL.iNet's kmwan kernel module: /proc/gl-kmwan/status (one block per member) and
// /proc/gl-kmwan/config (one `iface:online|offline` line per member). The kernel prints the status
// row with `%-16s%-17s%-10d%-15s%-16s%-16llu%-16lld%-13llu%-16lld`: fixed widths and no separator,
// so a 16-digit time stamp (boot time in ns, past ~11.6 days of uptime) runs into the next column.
// The words (member, device, state, track mode) and the flag lines are read always; each number is
// given only when the digits can be split one way.
import type { LinkState } from '../../../../shared/model.ts';
import { RouterOutputError } from '../openwrt-mwan3/errors.ts';
import type { NetifdInterface } from '../openwrt-mwan3/ubus-network-dump.ts';

export type KmwanKernelState = 'ACTIVE' | 'IDEL' | 'DEAD' | 'UNSTABLE';
export type KmwanTrackMode = 'strict' | 'force' | 'passive';

export type KmwanMemberStatus = {
  readonly name: string;
  readonly device: string;
  readonly ifindex: number;
  /** The kernel's word; `IDEL` is its spelling of idle. */
  readonly kernelState: string;
  readonly state: LinkState;
  /** Why `state` is what it is, in the user's words. */
  readonly reason: string;
  readonly trackMode: string;
  /** null when the digits of the row can be split more than one way. */
  readonly txPackets: number | null;
  readonly txStampNs: bigint | null;
  readonly rxPackets: number | null;
  readonly rxStampNs: bigint | null;
  readonly targets: readonly { readonly method: string; readonly ip: string }[];
  readonly online: boolean | null;
  readonly stateSync: number | null;
  readonly probeEnabled: boolean | null;
  readonly forceDead: boolean | null;
};

const source = '/proc/gl-kmwan/status';
const headerColumns = ['Interface', 'Netdev', 'Ifindex', 'State', 'TrackMode', 'TX packets', 'TX stamp', 'RX packets', 'RX stamp'];
/** Widths of the numeric columns after TrackMode (TX packets, TX stamp, RX packets, RX stamp). */
const numericWidths = [16, 16, 13, 16] as const;
const trackModeWidth = 16;
const onlineLine = /^([A-Za-z0-9_.@-]+):(online|offline)$/;

/**
 * The states as the kernel means them (gl-kmwan status_proc_show and update_netcell_status):
 * ACTIVE answers probes; IDEL is idle and counted online (the kernel sets online=true); DEAD has
 * sent without an answer for the sensitivity time; UNSTABLE is what it prints for a DEAD member in
 * passive track mode, so it is offline too. A member forced dead is offline whatever it answers.
 */
export function kmwanLinkState(kernelState: string, flags: { readonly online: boolean | null; readonly forceDead: boolean | null }): { state: LinkState; reason: string } {
  if (flags.forceDead === true) return { state: 'offline', reason: 'forced down by hand (kmwan force_dead); traffic stays off it until it is restored' };
  switch (kernelState) {
    case 'ACTIVE':
      return { state: 'online', reason: 'kmwan: answering its tracking probes (ACTIVE)' };
    case 'IDEL':
      return { state: 'online', reason: 'kmwan: idle, no probe outstanding; counted online (IDEL)' };
    case 'DEAD':
      return { state: 'offline', reason: 'kmwan: probes sent without an answer for longer than the sensitivity time (DEAD)' };
    case 'UNSTABLE':
      return { state: 'offline', reason: 'kmwan: dead while in passive tracking (UNSTABLE is how the kernel prints a dead passive member)' };
    default:
      if (flags.online === null) return { state: 'unknown', reason: `kmwan printed the state "${kernelState}", which Switchyard does not know` };
      return { state: flags.online ? 'online' : 'offline', reason: `kmwan printed the state "${kernelState}", which Switchyard does not know; its online flag says ${flags.online ? 'online' : 'offline'}` };
  }
}

/**
 * Every way (up to 64, else null) the numeric tail of a row can be cut into the kernel's four columns: each value is
 * digits without a leading zero, padded with spaces to its column width (a longer value pushes
 * the next one right and leaves no space). The last column's padding may have been trimmed.
 */
function numericSplits(tail: string): string[][] | null {
  const out: string[][] = [];
  let tooMany = false;
  const walk = (rest: string, i: number, acc: string[]): void => {
    if (out.length >= 64) {
      tooMany = true;
      return;
    }
    if (i === numericWidths.length) {
      if (rest.trim() === '') out.push(acc);
      return;
    }
    const run = /^\d+/.exec(rest)?.[0] ?? '';
    for (let len = 1; len <= run.length; len++) {
      const value = run.slice(0, len);
      if (len > 1 && value.startsWith('0')) break;
      const pad = Math.max(0, numericWidths[i]! - len);
      const after = rest.slice(len);
      const last = i === numericWidths.length - 1;
      if (last) {
        if (/^ *$/.test(after)) walk('', i + 1, [...acc, value]);
        continue;
      }
      if (after.length < pad || !/^ *$/.test(after.slice(0, pad))) continue;
      const next = after.slice(pad);
      if (!/^\d/.test(next)) continue;
      walk(next, i + 1, [...acc, value]);
    }
  };
  walk(tail, 0, []);
  // Past 64 readings the list is cut short, and agreement among a part proves nothing.
  return tooMany ? null : out;
}

type Row = { name: string; device: string; ifindex: number; kernelState: string; trackMode: string; numbers: (string | null)[] };

function parseRow(line: string): Row | null {
  const m = /^(\S+)\s+(\S+)\s+(\d{1,10})\s+([A-Z]+)\s+([a-z]+)/.exec(line);
  if (!m) return null;
  const trackModeStart = m[0].length - m[5]!.length;
  const tail = line.slice(trackModeStart + Math.max(trackModeWidth, m[5]!.length));
  const splits = numericSplits(tail);
  // A column is known when every possible split agrees on it.
  const numbers = numericWidths.map((_, i) => (splits && splits.length > 0 && splits.every((s) => s[i] === splits[0]![i]) ? splits[0]![i]! : null));
  return { name: m[1]!, device: m[2]!, ifindex: Number(m[3]), kernelState: m[4]!, trackMode: m[5]!, numbers };
}

/** `cat /proc/gl-kmwan/status`. Throws RouterOutputError on a table of another shape. */
export function parseKmwanStatus(stdout: string): KmwanMemberStatus[] {
  const lines = stdout.split('\n');
  const header = (lines[0] ?? '').trim().split(/\s{2,}/);
  if (headerColumns.some((c, i) => header[i] !== c)) {
    throw new RouterOutputError(source, `expected the columns ${headerColumns.join(', ')}, got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const members: KmwanMemberStatus[] = [];
  type Block = Row & { targets: { method: string; ip: string }[]; online: boolean | null; stateSync: number | null; probeEnabled: boolean | null; forceDead: boolean | null };
  let block: Block | null = null;
  const flush = (): void => {
    if (!block) return;
    const b: Block = block;
    const [tx, txStamp, rx, rxStamp] = b.numbers;
    members.push({
      name: b.name, device: b.device, ifindex: b.ifindex, kernelState: b.kernelState, ...kmwanLinkState(b.kernelState, b), trackMode: b.trackMode,
      txPackets: tx == null ? null : Number(tx), txStampNs: txStamp == null ? null : BigInt(txStamp),
      rxPackets: rx == null ? null : Number(rx), rxStampNs: rxStamp == null ? null : BigInt(rxStamp),
      targets: b.targets, online: b.online, stateSync: b.stateSync, probeEnabled: b.probeEnabled, forceDead: b.forceDead,
    });
    block = null;
  };
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    const fail = (what: string): never => {
      throw new RouterOutputError(source, `line ${n + 1}: ${what}: ${JSON.stringify(line)}`, { line: n + 1 });
    };
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (!block) {
      const row = parseRow(line);
      if (!row) fail('expected a member row (interface, device, ifindex, state, track mode, then the counters)');
      block = { ...row!, targets: [], online: null, stateSync: null, probeEnabled: null, forceDead: null };
      continue;
    }
    const b: Block = block;
    if (/^Track method\s+ip Info\s*$/.test(line)) continue;
    const flags = [...line.matchAll(/([a-z_]+):(\S+)/g)];
    if (flags.length > 0 && flags.every((f) => ['online', 'state_sync', 'probe_enable', 'force_dead'].includes(f[1]!))) {
      for (const [, key, value] of flags) {
        if (key === 'state_sync') {
          if (!/^\d+$/.test(value!)) fail('expected state_sync:<number>');
          b.stateSync = Number(value);
          continue;
        }
        if (value !== 'true' && value !== 'false') fail(`expected ${key}:true or ${key}:false`);
        const on = value === 'true';
        if (key === 'online') b.online = on;
        else if (key === 'probe_enable') b.probeEnabled = on;
        else b.forceDead = on;
      }
      continue;
    }
    const target = /^(\S+)\s+(\S+)$/.exec(line.trim());
    if (!target) fail('expected "<method> <ip>", the online/probe_enable/force_dead flags or a blank line');
    b.targets.push({ method: target![1]!, ip: target![2]! });
  }
  flush();
  return members;
}

/** `cat /proc/gl-kmwan/config`: one `iface:online|offline` line per member kmwan knows. */
export function parseKmwanProcConfig(stdout: string): { readonly name: string; readonly online: boolean }[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const m = onlineLine.exec(line.trim());
      if (!m) throw new RouterOutputError('/proc/gl-kmwan/config', `line ${i + 1}: expected "<interface>:online|offline", got ${JSON.stringify(line)}`);
      return { name: m[1]!, online: m[2] === 'online' };
    });
}

/** The reason shown for a member kmwan's config has but the kernel does not list. */
export const missingMemberReason =
  'kmwan lists no status for it: its interface is down (not connected, or switched off), and GL.iNet counts a member missing from /proc/gl-kmwan as offline';

/**
 * A member with status tracking off: GL's own get_status (kmwan RPC) does not ask the kernel for
 * it but reads `ubus call network.interface.<member> status` and counts it online when netifd has
 * it up, the "physical status" GL's Multi-WAN page says it falls back to. A modem member may be
 * known to netifd only by its `_4` interface (inferred), which is tried when the member is not.
 */
export function untrackedMemberState(dump: readonly NetifdInterface[], candidates: readonly string[]): { state: LinkState; reason: string } {
  const iface = candidates.map((n) => dump.find((i) => i.interface === n)).find((i) => i !== undefined);
  const off = 'status tracking is off for it in GL.iNet (Network → Multi-WAN), so, as GL.iNet does, its state is the interface\'s link state';
  if (!iface) return { state: 'offline', reason: `${off}, and netifd has no interface ${candidates[0]}` };
  return iface.up === true ? { state: 'online', reason: `${off}: netifd has ${iface.interface} up` } : { state: 'offline', reason: `${off}: netifd has ${iface.interface} down` };
}

// Measures how fast each impairment takes effect on a running lab: the LAN client pings a probe
// target every 5 ms while impair() runs. Usage: node test/lab/measure-impairments.ts [LAB_NAME]
import { spawn } from 'node:child_process';
import { impair, labExecArgv, readLabInfo } from './lab.ts';
import type { Impairment } from './lab.ts';
import { sleep } from './run-command.ts';

const INTERVAL_MS = 5;
const name = process.argv[2] ?? 'lab';

type Reply = { readonly seq: number; readonly sentAtMs: number; readonly rttMs: number };

async function measure(impairment: Impairment, target: string): Promise<string> {
  const argv = await labExecArgv(name, 'lan', ['ping', '-n', '-D', '-i', String(INTERVAL_MS / 1000), '-W', '1', '-w', '2', target]);
  const child = spawn(argv[0] as string, argv.slice(1));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await sleep(500);
  const calledAtMs = Date.now();
  const startedMs = performance.now();
  await impair(name, 'r01', 'eth1', impairment);
  const returnedMs = performance.now() - startedMs;
  await new Promise((resolve) => child.on('close', resolve));
  await impair(name, 'r01', 'eth1', { kind: 'clear' });
  // "[epoch.s] 64 bytes from …: icmp_seq=N ttl=… time=X ms": sent = received - rtt.
  const replies: Reply[] = [];
  for (const m of out.matchAll(/^\[([\d.]+)\] 64 bytes.*icmp_seq=(\d+).*time=([\d.]+) ms/gm)) {
    replies.push({ seq: Number(m[2]), rttMs: Number(m[3]), sentAtMs: Number(m[1]) * 1000 - Number(m[3]) });
  }
  let onsetMs: number | undefined;
  if (impairment.kind === 'latency') {
    const first = replies.find((r) => r.rttMs >= impairment.latencyMs * 0.9);
    onsetMs = first ? first.sentAtMs - calledAtMs : undefined;
  } else {
    // The probe after the last answered one before the gap is the first one the impairment ate.
    const answered = new Set(replies.map((r) => r.seq));
    const last = replies.find((r) => r.sentAtMs > calledAtMs - 500 && !answered.has(r.seq + 1));
    onsetMs = last ? last.sentAtMs + INTERVAL_MS - calledAtMs : undefined;
  }
  return `${JSON.stringify(impairment)}: impair() returned in ${returnedMs.toFixed(0)} ms; first affected probe sent ${onsetMs === undefined ? '?' : onsetMs.toFixed(0)} ms after the call`;
}

const info = await readLabInfo(name);
const target = info.probeTargets.icmp[0] as string;
for (const impairment of [
  { kind: 'down' },
  { kind: 'blackhole' },
  { kind: 'loss', lossPct: 100 },
  { kind: 'latency', latencyMs: 200 },
] satisfies Impairment[]) {
  console.log(await measure(impairment, target));
}

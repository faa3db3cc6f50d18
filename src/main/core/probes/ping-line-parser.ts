// Parses one line of streamed probe output (iputils ping, BusyBox ping, httping) into a tagged
// union, so the tracker never looks at text. Unrecognised lines are events, never exceptions.
// Split the stream into lines with transport/ssh/line-splitter.ts first.

export type ProbeLine =
  | {
      readonly kind: 'reply';
      readonly seq: number;
      readonly rttMs: number;
      readonly ttl?: number;
      /** httping with -s: the HTTP status code and its reason phrase. */
      readonly httpStatus?: number;
      readonly httpReason?: string;
      /** iputils -D: the router's own clock (epoch ms). Informational only: routers' clocks jump. */
      readonly routerAtMs?: number;
    }
  /** iputils -O: the next probe went out and this one had no answer yet. */
  | { readonly kind: 'no-answer'; readonly seq: number; readonly routerAtMs?: number }
  /**
   * An error for one probe (`From 192.0.2.1 icmp_seq=3 Destination Host Unreachable`, seq set) or
   * for the stream (`ping: sendmsg: Network is unreachable`, httping `connect time out`, no seq).
   */
  | { readonly kind: 'error'; readonly text: string; readonly seq?: number; readonly from?: string; readonly routerAtMs?: number }
  | {
      readonly kind: 'summary';
      readonly transmitted: number;
      readonly received: number;
      readonly lossPct: number;
      readonly errors?: number;
    }
  | { readonly kind: 'rtt-summary'; readonly minMs: number; readonly avgMs: number; readonly maxMs: number; readonly mdevMs?: number }
  | { readonly kind: 'header'; readonly target: string }
  /** `--- 192.0.2.1 ping statistics ---`: the tool is ending (it was stopped, or -c ran out). */
  | { readonly kind: 'statistics-start' }
  | { readonly kind: 'blank' }
  | { readonly kind: 'unknown'; readonly text: string };

// httping -Y colours every field; strip SGR sequences before matching anything.
// Built from a string so the ESC byte needs no control character inside a regex literal.
const ansiRe = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');
const timestampRe = /^\[(\d+(?:\.\d+)?)\]\s*/;

// iputils: `64 bytes from 192.0.2.20: icmp_seq=1 ttl=64 time=0.576 ms` (time<1 ms on old builds);
// BusyBox: `64 bytes from 192.0.2.20: seq=0 ttl=64 time=0.057 ms`.
const pingReplyRe = /^\d+ bytes from \S+?:? (?:icmp_)?seq=(\d+)(?: ttl=(\d+))?.*? time[=<]\s*([\d.]+)\s*ms/;
// httping: `connected to 192.0.2.20:80 (211 bytes), seq=0 time=  2.58 ms 200 OK` (status with -s).
const httpingReplyRe = /^connected to \S+ \(\d+ bytes\), seq=(\d+) time=\s*([\d.]+)\s*ms\s*(?:(\d{3})\s*(.*?))?\s*$/;
const noAnswerRe = /^no answer yet for icmp_seq=(\d+)/;
// iputils ICMP errors: `From 192.0.2.10 icmp_seq=1 Destination Host Unreachable`.
const icmpErrorRe = /^From (\S+?):? (?:icmp_)?seq=(\d+) (.+?)\s*$/;
// `6 packets transmitted, 0 received, +6 errors, 100% packet loss, time 5127ms` (iputils),
// `5 packets transmitted, 5 packets received, 0% packet loss` (BusyBox),
// `3 connects, 0 ok, 100.00% failed, time 3004ms` (httping).
const pingSummaryRe = /^(\d+) packets transmitted, (\d+) (?:packets )?received,(?: \+(\d+) errors,)?(?: \+\d+ duplicates,)? ([\d.]+)% packet loss/;
const httpingSummaryRe = /^(\d+) connects, (\d+) ok, ([\d.]+)% failed/;
// `rtt min/avg/max/mdev = 0.047/0.155/0.576/0.210 ms`, `round-trip min/avg/max = 0.05/0.07/0.08 ms`.
const rttSummaryRe = /^(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/;
const headerRe = /^PING (\S+)/;
// Failures of one attempt, one per line, without a seq: httping and ping's stderr.
const streamErrorRes = [
  /^connect time out/,
  /^could not connect/,
  /^timeout /,
  /^short read/,
  /^error /,
  /^could not resolve/,
  // ping's own stderr, prefixed with however it was invoked (`ping:`, `/bin/ping:`).
  /^(?:\S*\/)?ping: (?:sendmsg|sendto|connect|recvmsg|socket|SO_BINDTODEVICE|bad address)\b/,
  /^(?:\S*\/)?ping: \S+: (?:Name or service not known|Temporary failure in name resolution)/,
];

export function stripAnsi(text: string): string {
  return text.replace(ansiRe, '');
}

export function parseProbeLine(rawLine: string): ProbeLine {
  let line = stripAnsi(rawLine).replace(/\r$/, '').trim();
  if (line === '') return { kind: 'blank' };

  let routerAtMs: number | undefined;
  const ts = timestampRe.exec(line);
  if (ts) {
    routerAtMs = Math.round(Number(ts[1]) * 1000);
    line = line.slice(ts[0].length);
    if (line === '') return { kind: 'blank' };
  }
  const at = routerAtMs === undefined ? {} : { routerAtMs };

  let m = pingReplyRe.exec(line);
  if (m) {
    return {
      kind: 'reply',
      seq: Number(m[1]),
      rttMs: Number(m[3]),
      ...(m[2] === undefined ? {} : { ttl: Number(m[2]) }),
      ...at,
    };
  }
  m = httpingReplyRe.exec(line);
  if (m) {
    return {
      kind: 'reply',
      seq: Number(m[1]),
      rttMs: Number(m[2]),
      ...(m[3] === undefined ? {} : { httpStatus: Number(m[3]), httpReason: m[4] ?? '' }),
      ...at,
    };
  }
  m = noAnswerRe.exec(line);
  if (m) return { kind: 'no-answer', seq: Number(m[1]), ...at };
  m = icmpErrorRe.exec(line);
  if (m) return { kind: 'error', text: m[3], seq: Number(m[2]), from: m[1], ...at };
  m = pingSummaryRe.exec(line);
  if (m) {
    return {
      kind: 'summary',
      transmitted: Number(m[1]),
      received: Number(m[2]),
      lossPct: Number(m[4]),
      ...(m[3] === undefined ? {} : { errors: Number(m[3]) }),
    };
  }
  m = httpingSummaryRe.exec(line);
  if (m) return { kind: 'summary', transmitted: Number(m[1]), received: Number(m[2]), lossPct: Number(m[3]) };
  m = rttSummaryRe.exec(line);
  if (m) {
    return {
      kind: 'rtt-summary',
      minMs: Number(m[1]),
      avgMs: Number(m[2]),
      maxMs: Number(m[3]),
      ...(m[4] === undefined ? {} : { mdevMs: Number(m[4]) }),
    };
  }
  if (/^--- \S+ (?:ping )?statistics ---$/.test(line)) return { kind: 'statistics-start' };
  m = headerRe.exec(line);
  if (m) return { kind: 'header', target: m[1].replace(/:$/, '') };
  if (streamErrorRes.some((re) => re.test(line))) return { kind: 'error', text: line, ...at };
  return { kind: 'unknown', text: line };
}

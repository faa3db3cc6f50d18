// What a ping bound to one uplink (`ping -I DEV TARGET`) can honestly measure on this router,
// decided from the router's own routing answer. A device-bound lookup with no route through that
// device makes the kernel assume the target is on-link: it ARPs for an internet address on wlan0
// and never gets an answer (measured in the lab: "no answer yet" forever, `dev wlan0 FAILED` in
// `ip neigh`). Such an uplink is not reported as 100 % loss: its gateway is probed instead, on the
// same link, and the result is labelled "gateway only". Nothing on the router is changed.
import { sh, shellCommand, type ShellCommand } from '../transport/ssh/shell-quote.ts';

/** 'path': the probe travels the uplink to its target. 'gateway': only the uplink's gateway is probed. */
export type ProbeScope = 'path' | 'gateway';

export interface ProbeScopeInput {
  readonly device: string;
  readonly target: string;
  readonly gateway?: string;
}

export interface ProbeScopeDecision {
  readonly scope: ProbeScope;
  /** What the probe pings: the target, or the gateway when the path cannot be measured. */
  readonly target: string;
  /** Why it is not the full path, in words for the UI and the CLI; null for 'path'. */
  readonly note: string | null;
}

const sectionMark = '@@switchyard-route';

/** One read-only command for every uplink: the router's route for the bound probe, and the
 * device's connected prefixes (a target inside one really is on-link). */
export function probeScopeCommand(inputs: readonly ProbeScopeInput[]): ShellCommand {
  return sh.seq(
    ...inputs.flatMap((u, i) => [
      shellCommand(['echo', `${sectionMark} ${i} get`]),
      sh.redirect(shellCommand(['ip', '-4', 'route', 'get', u.target, 'oif', u.device]), { stderr: 'stdout' }),
      shellCommand(['echo', `${sectionMark} ${i} link`]),
      sh.redirect(shellCommand(['ip', '-4', '-o', 'route', 'show', 'table', 'main', 'dev', u.device, 'scope', 'link']), { stderr: 'stdout' }),
    ]),
  );
}

/** Splits the output of probeScopeCommand into each uplink's two answers. */
export function splitProbeScopeOutput(stdout: string, count: number): Array<{ get: string; link: string }> {
  const out = Array.from({ length: count }, () => ({ get: '', link: '' }));
  let current: { i: number; part: 'get' | 'link' } | null = null;
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${sectionMark} (\\d+) (get|link)$`).exec(line.trim());
    if (m) {
      current = { i: Number(m[1]), part: m[2] as 'get' | 'link' };
      continue;
    }
    const slot = current ? out[current.i] : undefined;
    if (slot && current) slot[current.part] += `${line}\n`;
  }
  return out;
}

/** False when the decision needs no answer from the router: the target is the uplink's own gateway. */
export function needsRouteAnswer(input: ProbeScopeInput): boolean {
  return input.gateway === undefined || input.target !== input.gateway;
}

export function decideProbeScope(input: ProbeScopeInput, routeGet: string, connected: string): ProbeScopeDecision {
  const { device, target, gateway } = input;
  if (!needsRouteAnswer(input)) {
    return { scope: 'gateway', target, note: `gateway only: probes ${device}'s gateway ${gateway}, not a target beyond it` };
  }
  const first = routeGet.split('\n').find((l) => l.trim() !== '') ?? '';
  const via = new RegExp(`^\\S+\\s+via\\s+(\\S+)\\s+dev\\s+(\\S+)`).exec(first.trim());
  if (via && via[2] === device) return { scope: 'path', target, note: null };
  const onLinkAnswer = new RegExp(`^\\S+\\s+dev\\s+(\\S+)`).exec(first.trim());
  // No usable answer (an error, a device that is down): keep the plain probe; its own output says why.
  if (!onLinkAnswer || onLinkAnswer[1] !== device) return { scope: 'path', target, note: null };
  if (connectedPrefixes(connected).some((p) => inPrefix(target, p))) return { scope: 'path', target, note: null };
  if (gateway === undefined) {
    return { scope: 'path', target, note: `the router has no route to ${target} through ${device} and no gateway is known for it: this probe cannot get answers` };
  }
  return {
    scope: 'gateway',
    target: gateway,
    note: `gateway only: the router has no route to ${target} through ${device} (it sends that traffic another way), so ${device}'s gateway ${gateway} is probed instead`,
  };
}

function connectedPrefixes(text: string): Array<{ net: number; bits: number }> {
  return text.split('\n').flatMap((line) => {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?\s/.exec(line.trim());
    const net = m ? ipv4(m[1]!) : null;
    return m && net !== null ? [{ net, bits: m[2] === undefined ? 32 : Number(m[2]) }] : [];
  });
}

function inPrefix(address: string, p: { net: number; bits: number }): boolean {
  const a = ipv4(address);
  if (a === null) return false;
  const mask = p.bits === 0 ? 0 : (0xffffffff << (32 - p.bits)) >>> 0;
  return ((a & mask) >>> 0) === ((p.net & mask) >>> 0);
}

function ipv4(text: string): number | null {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

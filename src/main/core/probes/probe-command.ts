// The argv of each streamed probe, as the tracker expects it (flags matter: -O, -s, -t). Quote it
// with transport/ssh's quoting function; never join it into a shell string by hand.
import type { ProbeFlavor } from './probe-tracker.ts';

export interface ProbeCommandInput {
  readonly flavor: ProbeFlavor;
  /** Bound device (ping -I): the uplink, so the probe measures that link and not the default route. */
  readonly device: string;
  readonly target: string;
  readonly intervalSec: number;
  readonly timeoutSec: number;
  /** httping only: path on the target, default `/`. */
  readonly httpPath?: string;
}

export function probeArgv(input: ProbeCommandInput): string[] {
  const interval = String(input.intervalSec);
  switch (input.flavor) {
    case 'iputils':
      // -n: no DNS per reply; -O: say "no answer yet" for each lost probe (BusyBox has no -O).
      // No -W: in a never-ending stream it changes nothing; the tracker's timer decides loss.
      return ['ping', '-n', '-O', '-I', input.device, '-i', interval, input.target];
    case 'busybox':
      return ['ping', '-I', input.device, '-i', interval, input.target];
    case 'httping':
      // -s prints the status code: without it a 404 looks like a success (recorded). httping has
      // no -I; binding to the uplink is the driver's job (mwan3 use, or -y with the uplink address).
      return ['httping', '-s', '-i', interval, '-t', String(input.timeoutSec), '-g', `http://${input.target}${input.httpPath ?? '/'}`];
  }
}

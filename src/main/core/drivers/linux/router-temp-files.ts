// The temp files Switchyard writes on a Linux router, and the sweep of ones an earlier session
// left behind. Each is removed by a trap in the script that made it, but a trap cannot run when
// that shell is killed outright or the router reboots mid-upload; so they carry names only
// Switchyard uses, and every new connection (and every commit) removes those that are stale.
// Never matched: Switchyard's own logs in /tmp (/tmp/switchyard-kmwan-events) and anything below /tmp.
import { quoteArg } from '../../transport/ssh/shell-quote.ts';

/** `mktemp` templates, one per kind of temp file. */
export const routerTempTemplates = {
  /** A new agent config on its way to `switchyard-agent apply` (which copies it). */
  config: '/tmp/switchyard-conf.XXXXXX',
  /** The agent script on its way to `install` (which copies it to /usr/local/sbin). */
  agentUpload: '/tmp/switchyard-agent.XXXXXX',
} as const;

/**
 * The longest revert window the contract allows (failover.apply's revertInSec ≤ 600 s), in
 * minutes. A temp file younger than that may belong to a commit another session has in flight,
 * so the sweep leaves it alone; an older one cannot be in use by any apply.
 */
export const staleAfterMin = 10;

const names = Object.values(routerTempTemplates).map((t) => t.replace(/^\/tmp\//, '').replace(/X+$/, '*'));

/**
 * A constant POSIX sh script (BusyBox find too: -maxdepth, -mmin and -exec … \; only) that
 * removes stale Switchyard temp files from /tmp and always exits 0: a sweep never fails a command.
 */
export const sweepStaleTempScript = `for p in ${names.map(quoteArg).join(' ')}; do
  find /tmp -maxdepth 1 -type f -name "$p" -mmin +${staleAfterMin} -exec rm -f {} \\; 2>/dev/null
done
:`;

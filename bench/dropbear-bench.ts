// `npm run bench -- dropbear`: what Switchyard's one-command-at-a-time rule on dropbear (issue 16
// item 9; ssh-connection.ts dropbearMaxRuns) costs. A real dropbear (Debian's 2022.83, the SSH
// server of OpenWrt, RutOS and GL.iNet) and a real OpenSSH sshd run side by side on this machine;
// over each, Switchyard's own SshConnection sends the exact commands the openwrt-mwan3 driver
// sends for a status read and for a plan read, (a) one after another as the driver awaits them
// and (b) all at once, as when a page's status, events and plan reads overlap. OpenSSH is also
// run with one command at a time (maxChannels 1), which isolates the rule from the server.
//
// The machine is not an OpenWrt router: uci, ubus and mwan3 are missing here, so each command
// ends at once with "not found". What is timed is therefore the transport's share — channel open,
// exec, exit status, close — which is exactly what the rule changes; the router's own work per
// command adds the same on both servers.
import { readPendingCommand } from '../src/main/core/drivers/openwrt-mwan3/mwan3-apply-script.ts';
import { readMwan3EventsCommand } from '../src/main/core/drivers/openwrt-mwan3/mwan3-events.ts';
import { mwan3Commands } from '../src/main/core/drivers/openwrt-mwan3/openwrt-mwan3-driver.ts';
import { MemoryHostKeyTrust } from '../src/main/core/transport/ssh/host-key.ts';
import type { ShellCommand } from '../src/main/core/transport/ssh/shell-quote.ts';
import { connectSsh, type SshConnection } from '../src/main/core/transport/ssh/ssh-connection.ts';
import { startTestDropbear, testDropbearUnavailableReason } from '../src/main/core/transport/ssh/test-dropbear.ts';
import { startTestSshd, testSshdUnavailableReason } from '../src/main/core/transport/ssh/test-sshd.ts';
import type { Benchmark } from './bench-registry.ts';
import { summarize } from './bench-stats.ts';

/** readStatus: the config, the trackers (ubus), a pending commit; plus the event log a status page reads beside it. */
const statusRead: readonly ShellCommand[] = [mwan3Commands.exportMwan3, mwan3Commands.ubusInterfaces, readPendingCommand(), readMwan3EventsCommand()];
/** plan(): both files byte for byte, uncommitted uci changes, the connection hook as it is. */
const planRead: readonly ShellCommand[] = [mwan3Commands.catMwan3, mwan3Commands.catNetwork, mwan3Commands.changesMwan3, mwan3Commands.catHook];

export const dropbearBenchmark: Benchmark = {
  name: 'dropbear',
  summary: "The cost of one command at a time on dropbear: the openwrt-mwan3 driver's status read and plan read over a real dropbear and a real OpenSSH, one after another and all at once (--trials N, default 25).",
  options: { trials: { type: 'string' } },
  run: (ctx) => dropbearBench({ trials: Number(ctx.options.trials ?? 25), log: (line) => ctx.log(line) }),
};

type Server = { host: string; port: number; user: string; clientKey: string; hostKeyType: string; hostKeyFingerprint: string };

async function connectTo(s: Server, maxChannels?: number): Promise<SshConnection> {
  const trust = new MemoryHostKeyTrust();
  trust.pin(s.host, s.port, s.hostKeyType, s.hostKeyFingerprint);
  return connectSsh({
    host: s.host,
    port: s.port,
    username: s.user,
    auth: { kind: 'key', privateKey: s.clientKey },
    hostKeyTrust: trust,
    reconnect: false,
    readyTimeoutMs: 30_000,
    ...(maxChannels !== undefined ? { maxChannels } : {}),
  });
}

async function timeOnce(c: SshConnection, commands: readonly ShellCommand[], together: boolean): Promise<number> {
  const started = performance.now();
  const run = (cmd: ShellCommand) => c.run(cmd, { expectExit: 'any', timeoutMs: 60_000 });
  if (together) await Promise.all(commands.map(run));
  else for (const cmd of commands) await run(cmd);
  return performance.now() - started;
}

async function dropbearBench(options: { trials: number; log: (line: string) => void }): Promise<Record<string, unknown>> {
  const unavailable = testDropbearUnavailableReason() ?? testSshdUnavailableReason();
  if (unavailable) throw new Error(`the dropbear benchmark cannot run here: ${unavailable}`);
  const dropbear = await startTestDropbear();
  const sshd = await startTestSshd();
  const connections: SshConnection[] = [];
  try {
    const sshdServer: Server = { ...sshd };
    const servers: [string, () => Promise<SshConnection>][] = [
      ['dropbear 2022.83 (one command at a time)', () => connectTo(dropbear)],
      ['OpenSSH (up to 8 at once)', () => connectTo(sshdServer)],
      ['OpenSSH (one at a time)', () => connectTo(sshdServer, 1)],
    ];
    const reads: [string, readonly ShellCommand[]][] = [
      ['status read', statusRead],
      ['plan read', planRead],
    ];
    const results: Record<string, unknown>[] = [];
    for (const [server, connect] of servers) {
      const c = await connect();
      connections.push(c);
      // One untimed round first: the server's first exec pays for its shell's page-in.
      for (const [, commands] of reads) await timeOnce(c, commands, false);
      for (const [read, commands] of reads) {
        for (const together of [false, true]) {
          const ms: number[] = [];
          for (let i = 0; i < options.trials; i++) ms.push(await timeOnce(c, commands, together));
          const s = summarize(ms);
          const pattern = together ? 'all at once' : 'one after another';
          options.log(`${server}, ${read} (${commands.length} commands, ${pattern}): median ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (n=${s.n})`);
          results.push({ server, read, commands: commands.length, pattern, ms: s, peakChannelsSoFar: c.peakChannels });
        }
      }
    }
    return { trials: options.trials, results, note: 'uci/ubus/mwan3 are absent here, so each command ends at once: the times are the SSH transport per read' };
  } finally {
    for (const c of connections) await c.close();
    await dropbear.stop();
    await sshd.stop();
  }
}

// Processes on the lab's LAN client that run until the test has what it needs: the drill's
// independent witness (a 10 Hz ping, started when the router is about to fail its primary and
// stopped once the drill is done) and bulk traffic for throughput. Stopping them when the
// condition holds, instead of waiting out a fixed deadline, is what keeps the tests short.
import { spawn } from 'node:child_process';
import { labExecArgv } from './lab.ts';
import { LAB_PATH } from './run-command.ts';

export interface LanProcess {
  /** Ends the process (SIGINT, as a user's Ctrl-C) and gives what it printed. */
  stop(): Promise<{ stdout: string; stderr: string }>;
}

/** Starts `argv` on the lab's LAN client; it should end by itself too (ping's -w), in case nobody stops it. */
export async function startLanProcess(labName: string, argv: readonly string[]): Promise<LanProcess> {
  const [file, ...args] = await labExecArgv(labName, 'lan', argv);
  const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: LAB_PATH } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.on('error', (error) => (stderr += error.message));
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      return { stdout, stderr };
    },
  };
}

/** The LAN client's own 10 Hz ping of `target` with -D timestamps; its own deadline `maxSec`. */
export function startLanPing(labName: string, target: string, maxSec = 60): Promise<LanProcess> {
  return startLanProcess(labName, ['ping', '-n', '-D', '-O', '-i', '0.1', '-w', String(maxSec), target]);
}

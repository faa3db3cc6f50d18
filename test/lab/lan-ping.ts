// The LAN client's own 10 Hz ping of a target, the independent witness of a drill: started when
// the router is about to fail its primary and stopped by the caller once the drill is done (the
// failure held, ended and traffic back), so a test waits for what it needs, not a fixed deadline.
import { spawn } from 'node:child_process';
import { labExecArgv } from './lab.ts';
import { LAB_PATH } from './run-command.ts';

export interface LanPing {
  /** Ends the ping (SIGINT, as a user's Ctrl-C) and gives what it printed (-D timestamps). */
  stop(): Promise<{ stdout: string; stderr: string }>;
}

/** Starts the ping from the lab's LAN client; its own deadline (`maxSec`) ends it if nobody does. */
export async function startLanPing(labName: string, target: string, maxSec = 60): Promise<LanPing> {
  const [file, ...args] = await labExecArgv(labName, 'lan', ['ping', '-n', '-D', '-O', '-i', '0.1', '-w', String(maxSec), target]);
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

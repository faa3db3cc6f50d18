// The one way the lab runs a program: argv arrays (never a shell string), optional stdin, a
// timeout, and a typed error carrying the command and its stderr when the exit code is not 0.
import { spawn } from 'node:child_process';

export class LabCommandError extends Error {
  override name = 'LabCommandError';
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(argv: readonly string[], exitCode: number | null, stderr: string) {
    super(`command failed (exit ${String(exitCode)}): ${argv.join(' ')}${stderr ? `\n${stderr.trim()}` : ''}`);
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export type RunOptions = {
  readonly input?: string;
  readonly timeoutMs?: number;
  // When true a non-zero exit is returned instead of thrown.
  readonly allowFailure?: boolean;
  readonly env?: NodeJS.ProcessEnv;
};

export type RunResult = { readonly exitCode: number | null; readonly stdout: string; readonly stderr: string };

// Namespaced commands find sbin tools even when the caller's PATH lacks them.
export const LAB_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('run: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? { ...process.env, PATH: LAB_PATH },
      timeout: opts.timeoutMs ?? 30_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => reject(new LabCommandError(argv, null, err.message)));
    child.on('close', (exitCode) => {
      if (exitCode !== 0 && !opts.allowFailure) reject(new LabCommandError(argv, exitCode, stderr));
      else resolve({ exitCode, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

// Runs tasks with at most `limit` in flight; the machine has 2 cores and most lab work is
// short-lived processes, so a small limit keeps up fast without thrashing.
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

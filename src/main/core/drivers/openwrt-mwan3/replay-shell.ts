// Test helper: a RouterShell that answers each exact command with output recorded from a real
// router (napalm's mocked_data). It imitates no tool; an unrecorded command fails the test loudly.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shellCommand } from '../../transport/ssh/shell-quote.ts';
import { CommandError } from '../../transport/ssh/ssh-errors.ts';
import { maxCommandBytes, type Command, type RunOptions, type RunResult, type StreamHandle, type StreamOptions } from '../../transport/ssh/ssh-connection.ts';
import type { RouterShell } from '../driver.ts';

export type Recording = { readonly stdout: string; readonly stderr?: string; readonly exitCode: number };

/** One answer, or several consumed in order (the last one repeats). */
export type ReplayMap = Readonly<Record<string, Recording | readonly Recording[]>>;

export type ReplayCall = { readonly command: string; readonly stdin: string | undefined };

/**
 * Switchyard's own long scripts (install, remove) have no recording: a real router prints
 * nothing from them on success. Each is matched by its opening, recorded in `calls` under its
 * label with the full text kept in `scripts`, and answered with the given exit code.
 */
export type OwnScript = { readonly label: string; readonly startsWith: string; readonly reply: Recording | readonly Recording[] };

export type ReplayShell = RouterShell & {
  readonly calls: ReplayCall[];
  /** Full text of each own script run, by label. */
  readonly scripts: Record<string, string[]>;
  /** Commands in the map that were never asked for (a test may insist every recording is used). */
  unused(): string[];
};

const root = fileURLToPath(new URL('../../../../../test/fixtures/openwrt/', import.meta.url));

/**
 * The recorded stdout, stderr and exit code of one capture. The lab folder's index.tsv holds the
 * exit codes; files elsewhere (public posts) were all successful outputs.
 */
export function recorded(folder: string, stem: string): Recording {
  const dir = `${root}${folder}/`;
  const stdout = readFileSync(`${dir}${stem}.txt`, 'utf8');
  const stderrPath = `${dir}${stem}.stderr.txt`;
  const stderr = existsSync(stderrPath) ? readFileSync(stderrPath, 'utf8') : '';
  let exitCode = 0;
  if (existsSync(`${dir}index.tsv`)) {
    const row = readFileSync(`${dir}index.tsv`, 'utf8').split('\n').find((l) => l.startsWith(`${stem}\t`));
    if (!row) throw new Error(`replay: ${stem} is not in ${folder}/index.tsv`);
    exitCode = Number(row.split('\t')[2]);
  }
  return { stdout, stderr, exitCode };
}

/** A recorded file used whole (e.g. a JSON posted in an issue), with exit code 0. */
export function recordedFile(folder: string, file: string): Recording {
  return { stdout: readFileSync(`${root}${folder}/${file}`, 'utf8'), exitCode: 0 };
}

const textOf = (c: Command): string => ('text' in c ? c.text : shellCommand(c).text);

export function createReplayShell(map: ReplayMap, ownScripts: readonly OwnScript[] = []): ReplayShell {
  const calls: ReplayCall[] = [];
  const scripts: Record<string, string[]> = {};
  const served = new Map<string, number>();
  return {
    calls,
    scripts,
    unused: () => Object.keys(map).filter((k) => !served.has(k)),
    async run(command: Command, options: RunOptions = {}): Promise<RunResult> {
      const text = textOf(command);
      // What a real router's dropbear would do to a longer command line: end the session.
      if (Buffer.byteLength(text) > maxCommandBytes) throw new Error(`ReplayShell: a ${Buffer.byteLength(text)}-byte command line; dropbear ends the session over 9000 bytes (Switchyard's limit is ${maxCommandBytes}). Send data on stdin:\n${text.slice(0, 200)}…`);
      const stdin = options.stdin === undefined ? undefined : String(options.stdin);
      const own = ownScripts.find((o) => text.startsWith(o.startsWith));
      if (own) (scripts[own.label] ??= []).push(text);
      const key = own ? own.label : text;
      calls.push({ command: key, stdin });
      const entry = own ? own.reply : map[text];
      if (entry === undefined) throw new Error(`ReplayShell: no recording for the command the driver sent:\n${text}`);
      const n = served.get(key) ?? 0;
      served.set(key, n + 1);
      const list: readonly Recording[] = Array.isArray(entry) ? entry : [entry as Recording];
      const r = list[Math.min(n, list.length - 1)]!;
      const expect = options.expectExit ?? [0];
      if (expect !== 'any' && !expect.includes(r.exitCode)) {
        throw new CommandError('text' in command ? command.program : command[0]!, r.exitCode, undefined, r.stderr ?? '');
      }
      return { stdout: r.stdout, stderr: r.stderr ?? '', exitCode: r.exitCode, signal: undefined, stdoutBytes: Buffer.from(r.stdout) };
    },
    async stream(command: Command, _options: StreamOptions): Promise<StreamHandle> {
      throw new Error(`ReplayShell does not replay streams (asked for: ${textOf(command)})`);
    },
  };
}
